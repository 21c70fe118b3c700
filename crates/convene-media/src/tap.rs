//! Received frames handed to the app as they arrive, for apps that keep the media itself
//! (the egress worker records them). Set [`MediaPeerConfig::frame_tap`](crate::MediaPeerConfig)
//! to get them; a full channel loses frames rather than slow the peer down.

/// One received frame, as str0m's depacketizer rebuilt it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedFrame {
    /// The receive slot (mid) it arrived on.
    pub mid: String,
    /// Video (VP8) rather than audio (Opus).
    pub video: bool,
    /// A keyframe (video only).
    pub keyframe: bool,
    /// The sender's RTP timestamp, in the codec's clock (90 kHz video, 48 kHz audio).
    pub rtp_time: u64,
    /// The encoded frame.
    pub data: Vec<u8>,
    /// Audio: its RFC 6464 level (0 loudest … -127 silence), when the sender gave one.
    pub audio_level: Option<i8>,
}

/// A frame for a peer to publish as it is ([`MediaPeerConfig::pushed_frames`](crate::MediaPeerConfig)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedFrame {
    /// The published track to send it on.
    pub kind: crate::SynthKind,
    /// Its RTP timestamp, in the codec's clock (90 kHz video, 48 kHz audio).
    pub rtp_time: u64,
    /// The encoded frame (VP8 or Opus).
    pub data: Vec<u8>,
    /// Audio: the RFC 6464 level to send with it.
    pub audio_level: Option<i8>,
}
