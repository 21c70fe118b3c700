//! What a [`MediaPeer`](crate::MediaPeer) received and sent, as tests and bots read it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Instant;

use crate::synth::{FrameTag, SynthKind};
use crate::LatencyHistogram;

/// One received frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameRecord {
    /// The frame's tag, if it is a synthetic frame.
    pub tag: Option<FrameTag>,
    /// Whether str0m's depacketizer saw a keyframe.
    pub keyframe: bool,
    /// [`fnv1a64`](crate::fnv1a64) of the frame bytes.
    pub checksum: u64,
    /// Payload size.
    pub bytes: usize,
    /// RTP packets the frame arrived in.
    pub packets: u64,
    /// VP8 PictureID (extended by str0m), if the descriptor carried one.
    pub picture_id: Option<u64>,
    /// The send time carried in a synthetic frame (µs since the Unix epoch).
    pub sent_at_us: Option<u64>,
    /// When the frame was complete here (µs since the Unix epoch, same clock).
    pub received_at_us: u64,
}

/// Everything received on one receive slot (mid).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackStats {
    /// RTP packets.
    pub packets: u64,
    /// Frames.
    pub frames: u64,
    /// Payload bytes.
    pub bytes: u64,
    /// Keyframes.
    pub keyframes: u64,
    /// Synthetic frames that never arrived: gaps in the frame counter of one sender
    /// (counted per sender, so a slot switching speakers is not a loss).
    pub lost_frames: u64,
    /// Send-to-receive time of every synthetic frame.
    pub latency: LatencyHistogram,
    /// The last synthetic frame's tag (where the loss count continues from).
    pub last_tag: Option<FrameTag>,
    /// Every frame, in arrival order; empty when the peer was configured not to keep
    /// them ([`MediaPeerConfig::keep_frame_records`](crate::MediaPeerConfig)).
    pub records: Vec<FrameRecord>,
}

/// A copy of a [`MediaPeer`](crate::MediaPeer)'s state.
#[derive(Debug, Clone, Default)]
pub struct PeerSnapshot {
    /// ICE and DTLS are up.
    pub connected: bool,
    /// Received media per slot mid.
    pub received: HashMap<String, TrackStats>,
    /// Checksums of every frame sent, by (kind, layer, counter).
    pub sent: HashMap<(SynthKind, u8, u32), u64>,
    /// Frames sent per kind.
    pub frames_sent: HashMap<SynthKind, u64>,
    /// Keyframe requests (PLI/FIR) received from the SFU.
    pub keyframe_requests: u64,
    /// The local address media goes from: the UDP socket's, or with
    /// [`Transport::Tcp`](crate::Transport::Tcp) the port the TCP connection is made from.
    /// It changes with an ICE restart ([`OfferPlan::ice_restart`](crate::OfferPlan)).
    pub local_addr: Option<SocketAddr>,
    /// When the last datagram (media, RTCP, STUN) arrived, if any did.
    pub last_received: Option<Instant>,
}

/// The state of a [`MediaPeer`](crate::MediaPeer)'s path, without the copy of everything
/// received that a [`PeerSnapshot`] is: cheap enough to ask for several times a second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathState {
    /// As [`PeerSnapshot::connected`].
    pub connected: bool,
    /// As [`PeerSnapshot::last_received`].
    pub last_received: Option<Instant>,
}

impl PeerSnapshot {
    /// Received stats of `mid`, or empty ones.
    pub fn track(&self, mid: &str) -> TrackStats {
        self.received.get(mid).cloned().unwrap_or_default()
    }
}
