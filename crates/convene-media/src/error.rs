//! The media peer's error type.

use std::fmt;
use std::io;

/// Why a [`MediaPeer`](crate::MediaPeer) operation failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum MediaError {
    /// Binding or using the UDP socket failed.
    Io(io::Error),
    /// str0m refused something (e.g. a candidate).
    Rtc(String),
    /// The answer could not be parsed or does not match the offer.
    Sdp(String),
    /// [`MediaPeer::apply_answer`](crate::MediaPeer::apply_answer) without an offer.
    NoPendingOffer,
    /// The plan adds nothing that is not negotiated already.
    NothingToOffer,
    /// [`MediaPeer::wait_for`](crate::MediaPeer::wait_for) ran out of time.
    Timeout,
    /// The peer task has stopped.
    Closed,
}

impl fmt::Display for MediaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MediaError::Io(e) => write!(f, "socket: {e}"),
            MediaError::Rtc(e) => write!(f, "webrtc: {e}"),
            MediaError::Sdp(e) => write!(f, "sdp: {e}"),
            MediaError::NoPendingOffer => f.write_str("no offer awaits an answer"),
            MediaError::NothingToOffer => f.write_str("nothing new to offer"),
            MediaError::Timeout => f.write_str("timed out"),
            MediaError::Closed => f.write_str("media peer task stopped"),
        }
    }
}

impl std::error::Error for MediaError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MediaError::Io(e) => Some(e),
            _ => None,
        }
    }
}
