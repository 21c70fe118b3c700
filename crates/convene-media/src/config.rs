//! How a [`MediaPeer`](crate::MediaPeer) reaches the SFU and what media it generates.

/// How a [`MediaPeer`](crate::MediaPeer) reaches the SFU.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transport {
    /// ICE over UDP from one socket (a UDP host candidate): the normal case.
    #[default]
    Udp,
    /// ICE over TCP only (RFC 6544), the fallback where UDP is blocked: the peer offers one
    /// active TCP host candidate, ignores the SFU's UDP candidates, connects to the SFU's
    /// passive TCP candidate from the answer and frames every packet with a 2-byte length
    /// (RFC 4571). The connection is not re-established if it drops.
    Tcp,
}

/// How a [`MediaPeer`](crate::MediaPeer) generates media.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MediaPeerConfig {
    /// Embedded in every frame, so receivers know who sent it.
    pub user_id: u32,
    /// Video and share frames per second.
    pub video_fps: u32,
    /// Bytes per Opus-shaped audio frame (one every 20 ms).
    pub audio_frame_bytes: usize,
    /// Bytes per video frame for each simulcast layer, lowest first (index 0 without
    /// simulcast).
    pub video_frame_bytes: [usize; 3],
    /// Bytes per share frame.
    pub share_frame_bytes: usize,
    /// A keyframe every this many frames; `None`: only the first frame and on request.
    pub keyframe_interval: Option<u32>,
    /// RFC 6464 audio level sent with every audio frame (0 loudest … -127 silence).
    pub audio_level: i8,
    /// Encoded VP8 frames to publish as camera video instead of synthetic ones (looped;
    /// e.g. from [`read_ivf`](crate::read_ivf)). Receivers record them as untagged frames.
    pub video_frames: Option<Vec<Vec<u8>>>,
    /// Encoded Opus packets (20 ms each) to publish as audio instead of synthetic ones
    /// (looped; e.g. from [`read_ogg_opus`](crate::read_ogg_opus)).
    pub audio_frames: Option<Vec<Vec<u8>>>,
    /// UDP (default) or ICE-TCP.
    pub transport: Transport,
    /// Keep a [`FrameRecord`](crate::FrameRecord) of every received frame (default). Long
    /// load runs turn it off: counts, loss and the latency histogram are kept either way.
    pub keep_frame_records: bool,
    /// Offer Opus with RFC 2198 redundancy (RED): when the SFU accepts it, audio is sent with
    /// the previous frame repeated in each packet, and received RED fills single losses.
    /// Off by default (it doubles audio bytes).
    pub red: bool,
    /// Every received frame is also sent here, as is ([`crate::ReceivedFrame`]); a full
    /// channel loses the frame. `None` (default): frames are only counted.
    pub frame_tap: Option<tokio::sync::mpsc::Sender<crate::ReceivedFrame>>,
    /// Publish only the frames the app pushes ([`MediaPeer::push_frame`](crate::MediaPeer::push_frame)),
    /// none of its own: for a relay between two SFUs ([`Relay`](crate::Relay)). Off by default.
    pub pushed_frames: bool,
    /// Every keyframe request the SFU makes of a published track is also sent here, as the
    /// track's kind; a full channel loses the request. `None` (default): only counted.
    pub keyframe_tap: Option<tokio::sync::mpsc::Sender<crate::SynthKind>>,
}

impl MediaPeerConfig {
    /// Defaults: 20 fps, 80-byte audio, 400/1200/3000-byte video layers, 2000-byte share,
    /// keyframes on request only, audio level -30 dBov, every frame record kept.
    pub fn new(user_id: u32) -> Self {
        MediaPeerConfig {
            user_id,
            video_fps: 20,
            audio_frame_bytes: 80,
            video_frame_bytes: [400, 1200, 3000],
            share_frame_bytes: 2000,
            keyframe_interval: None,
            audio_level: -30,
            video_frames: None,
            audio_frames: None,
            transport: Transport::Udp,
            keep_frame_records: true,
            red: false,
            frame_tap: None,
            pushed_frames: false,
            keyframe_tap: None,
        }
    }
}
