//! Small identifier and classification types shared by commands and events.

use std::fmt;

/// Identifies one peer (one user's WebRTC connection) inside an [`Sfu`](crate::Sfu).
///
/// Chosen by the caller (usually the signalling layer) in [`Command::AddPeer`](crate::Command).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeerId(pub u64);

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "peer-{}", self.0)
    }
}

/// Identifies a room: media is only ever forwarded between peers of the same room.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoomId(pub String);

impl fmt::Display for RoomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a published track or a receive slot carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrackKind {
    /// Microphone audio (Opus).
    Audio,
    /// Camera video (VP8), possibly simulcast.
    Video,
    /// Screen share video.
    Share,
}

impl TrackKind {
    /// Index in per-kind arrays: audio 0, video 1, share 2.
    pub(crate) fn index(self) -> usize {
        match self {
            TrackKind::Audio => 0,
            TrackKind::Video => 1,
            TrackKind::Share => 2,
        }
    }
}

impl fmt::Display for TrackKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrackKind::Audio => "audio",
            TrackKind::Video => "video",
            TrackKind::Share => "share",
        })
    }
}
