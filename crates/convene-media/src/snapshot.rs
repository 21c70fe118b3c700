//! What a [`MediaPeer`](crate::MediaPeer) received and sent, as tests and bots read it.

use std::collections::HashMap;

use crate::synth::{FrameTag, SynthKind};

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
    /// Every frame, in arrival order.
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
}

impl PeerSnapshot {
    /// Received stats of `mid`, or empty ones.
    pub fn track(&self, mid: &str) -> TrackStats {
        self.received.get(mid).cloned().unwrap_or_default()
    }
}
