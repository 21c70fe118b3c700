//! The SFU's error type.

use std::fmt;

use crate::PeerId;

/// Why a [`Command`](crate::Command) could not be applied.
///
/// Errors are reported as [`Event::Error`](crate::Event::Error) and only ever affect the peer
/// named in the command: bad input from one client never disturbs the others.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SfuError {
    /// The command names a peer that was never added (or was already removed).
    UnknownPeer(PeerId),
    /// [`Command::AddPeer`](crate::Command::AddPeer) reused an id that is still in use.
    PeerExists(PeerId),
    /// The SDP offer could not be parsed or negotiated.
    BadOffer(String),
    /// The trickled ICE candidate could not be parsed.
    BadCandidate(String),
    /// The subscriber already has [`MAX_ATTACHED_VIDEOS`](crate::MAX_ATTACHED_VIDEOS) videos.
    TooManyVideos {
        /// The limit that was hit.
        max: usize,
    },
    /// The subscriber's offer has no free receive-only video slot left.
    NoFreeVideoSlot,
    /// [`Command::DetachVideo`](crate::Command::DetachVideo) for a video that is not attached.
    NotAttached {
        /// The publisher's user id.
        publisher_user: u32,
    },
    /// str0m reported an error for this peer; the peer is closed.
    Rtc(String),
    /// A [`Command::Probe`](crate::Command::Probe) was refused (too many probes at once).
    ProbeRefused(String),
}

impl fmt::Display for SfuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SfuError::UnknownPeer(p) => write!(f, "unknown peer {p}"),
            SfuError::PeerExists(p) => write!(f, "peer {p} already exists"),
            SfuError::BadOffer(e) => write!(f, "bad SDP offer: {e}"),
            SfuError::BadCandidate(e) => write!(f, "bad ICE candidate: {e}"),
            SfuError::TooManyVideos { max } => write!(f, "at most {max} videos can be attached"),
            SfuError::NoFreeVideoSlot => f.write_str("no free video receive slot in the offer"),
            SfuError::NotAttached { publisher_user } => {
                write!(f, "video of user {publisher_user} is not attached")
            }
            SfuError::Rtc(e) => write!(f, "WebRTC error: {e}"),
            SfuError::ProbeRefused(e) => write!(f, "probe refused: {e}"),
        }
    }
}

impl std::error::Error for SfuError {}
