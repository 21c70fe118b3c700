//! [`ClientError`]: every way a client call can fail, each with a wire [`ErrorBody`].

use convene_protocol::{ClientMsg, ErrorBody, ErrorCode};
use std::fmt;

/// Why a [`crate::Client`] call failed.
///
/// [`ClientError::Server`] is the server's own answer, kept exactly as it came over the wire.
/// Every other variant is found locally (lifecycle misuse, transport trouble) and still maps to
/// a reference error code through [`ClientError::to_error_body`], so that a caller (the
/// `convene join` bot, an app's UI) can show every failure the same way: `{type, reason,
/// errorCode}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientError {
    /// The server refused the request.
    Server(ErrorBody),
    /// `join` (or another session call) before `init` succeeded. Code 5000.
    NotInitialized,
    /// The client was destroyed (or killed); create a new one. Code 5000.
    Destroyed,
    /// `init` was given a URL we cannot use (not `http://` / `ws://`, no host...). Code 4003.
    InvalidUrl(String),
    /// A join parameter fails a rule of SPEC §4 (topic length, passcode, idle timeout). Code 5013.
    InvalidJoinParameter(String),
    /// The method cannot be called this way (for example `join` through
    /// [`crate::Client::request`]). Code 4003.
    Unsupported(String),
    /// `join` while already in (or joining) a session. Code 5012.
    AlreadyJoined,
    /// A session call while not in a session. Code 5002.
    NotJoined,
    /// A media-stream call (audio, video, share) while not in a session. Code 6002.
    MediaNotJoined,
    /// A call while the connection is being restored (failover). Code 5003.
    Reconnecting,
    /// The server could not be reached, or the connection broke. Code 1.
    Transport(String),
    /// No reply in time. Code 1.
    Timeout,
    /// The call was cut off by a leave, a dropped connection or the session ending. Code 3.
    Cancelled,
    /// The server answered with something this client does not understand. Code 2.
    Protocol(String),
    /// The media peer failed (socket, SDP, str0m). Code 2.
    Media(String),
}

impl ClientError {
    /// The typed code of this failure (`None` only for a server code this build does not know).
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Server(body) => body.code(),
            ClientError::NotInitialized | ClientError::Destroyed => {
                Some(ErrorCode::PlatformUnsupported)
            }
            ClientError::InvalidUrl(_) | ClientError::Unsupported(_) => {
                Some(ErrorCode::InvalidParameter)
            }
            ClientError::InvalidJoinParameter(_) => Some(ErrorCode::InvalidJoinParameter),
            ClientError::AlreadyJoined => Some(ErrorCode::DuplicatedJoin),
            ClientError::NotJoined => Some(ErrorCode::SessionStateClosed),
            ClientError::MediaNotJoined => Some(ErrorCode::StreamSessionJoinRequired),
            ClientError::Reconnecting => Some(ErrorCode::SessionStateReconnecting),
            ClientError::Transport(_) | ClientError::Timeout => Some(ErrorCode::OperationTimeout),
            ClientError::Cancelled => Some(ErrorCode::OperationCancelled),
            ClientError::Protocol(_) | ClientError::Media(_) => Some(ErrorCode::InternalError),
        }
    }

    /// The local "not in a session" error for a method: media-stream calls report 6002 like
    /// the reference's `getMediaStream()` before join, the rest 5002.
    pub(crate) fn not_joined_for(msg: &ClientMsg) -> ClientError {
        if msg.is_media() {
            ClientError::MediaNotJoined
        } else {
            ClientError::NotJoined
        }
    }

    /// The failure as the wire's `{type, reason, errorCode}`.
    pub fn to_error_body(&self) -> ErrorBody {
        match self {
            ClientError::Server(body) => body.clone(),
            other => {
                // unwrap is ok because every local variant maps to a known code above.
                let code = other.code().unwrap_or(ErrorCode::InternalError);
                ErrorBody::new(code, other.reason())
            }
        }
    }

    /// Human readable reason, without the code.
    fn reason(&self) -> String {
        match self {
            ClientError::Server(body) => body.reason.clone(),
            ClientError::NotInitialized => "init() must succeed before join()".into(),
            ClientError::Destroyed => "the client was destroyed".into(),
            ClientError::InvalidUrl(why) => format!("invalid server url: {why}"),
            ClientError::InvalidJoinParameter(why) => format!("invalid join parameter: {why}"),
            ClientError::Unsupported(why) => why.clone(),
            ClientError::AlreadyJoined => "duplicated operation: already in a session".into(),
            ClientError::NotJoined => "closed: not in a session".into(),
            ClientError::MediaNotJoined => "join the session before using the media stream".into(),
            ClientError::Reconnecting => "reconnecting".into(),
            ClientError::Transport(why) => format!("connection error: {why}"),
            ClientError::Timeout => "no reply from the server in time".into(),
            ClientError::Cancelled => "operation cancelled".into(),
            ClientError::Protocol(why) => format!("unexpected server message: {why}"),
            ClientError::Media(why) => format!("media error: {why}"),
        }
    }
}

impl From<ErrorBody> for ClientError {
    fn from(body: ErrorBody) -> Self {
        ClientError::Server(body)
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Server(body) => body.fmt(f),
            other => {
                let body = other.to_error_body();
                write!(f, "{} ({:?}): {}", body.error_code, body.kind, body.reason)
            }
        }
    }
}

impl std::error::Error for ClientError {}

#[cfg(test)]
mod tests {
    use super::*;
    use convene_protocol::ErrorType;

    #[test]
    fn local_errors_map_to_reference_codes() {
        let cases = [
            (
                ClientError::NotInitialized,
                5000,
                ErrorType::InvalidOperation,
            ),
            (
                ClientError::AlreadyJoined,
                5012,
                ErrorType::InvalidOperation,
            ),
            (
                ClientError::NotJoined,
                5002,
                ErrorType::ImproperMeetingState,
            ),
            (
                ClientError::MediaNotJoined,
                6002,
                ErrorType::InvalidOperation,
            ),
            (
                ClientError::Reconnecting,
                5003,
                ErrorType::ImproperMeetingState,
            ),
            (
                ClientError::InvalidJoinParameter("topic".into()),
                5013,
                ErrorType::InvalidParameters,
            ),
            (ClientError::Timeout, 1, ErrorType::OperationTimeout),
            (ClientError::Cancelled, 3, ErrorType::InvalidOperation),
            (
                ClientError::Protocol("x".into()),
                2,
                ErrorType::InternalError,
            ),
        ];
        for (err, code, kind) in cases {
            let body = err.to_error_body();
            assert_eq!(body.error_code, code, "{err:?}");
            assert_eq!(body.kind, kind, "{err:?}");
            assert!(!body.reason.is_empty());
            assert_eq!(err.code().map(ErrorCode::code), Some(code));
        }
    }

    #[test]
    fn media_calls_before_join_report_6002() {
        assert_eq!(
            ClientError::not_joined_for(&ClientMsg::StartVideo),
            ClientError::MediaNotJoined
        );
        assert_eq!(
            ClientError::not_joined_for(&ClientMsg::MuteAudio(
                convene_protocol::TargetOpt::default()
            )),
            ClientError::MediaNotJoined
        );
        assert_eq!(
            ClientError::not_joined_for(&ClientMsg::ReclaimHost),
            ClientError::NotJoined
        );
    }

    #[test]
    fn server_errors_are_kept_verbatim() {
        let body = ErrorBody::new(ErrorCode::HostRequired, "host only");
        let err = ClientError::from(body.clone());
        assert_eq!(err.to_error_body(), body);
        assert_eq!(err.code(), Some(ErrorCode::HostRequired));
        assert!(err.to_string().contains("5007"));
        // A code this build does not know still travels as is.
        let odd = ErrorBody {
            error_code: 9999,
            ..body
        };
        let err = ClientError::Server(odd.clone());
        assert_eq!(err.code(), None);
        assert_eq!(err.to_error_body(), odd);
    }
}
