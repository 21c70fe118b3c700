use serde::{Deserialize, Serialize};
use std::fmt;

/// The error *type* of the reference SDK's `ExecutedFailure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorType {
    /// Invalid or duplicated call.
    InvalidOperation,
    /// The service failed.
    InternalError,
    /// Retry later.
    OperationTimeout,
    /// Host or manager needed.
    InsufficientPrivileges,
    /// Not in a session (closed, reconnecting).
    ImproperMeetingState,
    /// Bad argument.
    InvalidParameters,
    /// The relevant property is locked.
    OperationLocked,
}

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $name:ident = $num:literal => $ty:ident ),* $(,)?) => {
        /// Stable numeric error codes (the reference SDK's numbers). Mapped 1:1 to the wire.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $name, )*
        }
        impl ErrorCode {
            /// The wire number.
            pub fn code(self) -> u32 {
                match self { $( ErrorCode::$name => $num, )* }
            }
            /// The code for a wire number, if known.
            pub fn from_code(n: u32) -> Option<Self> {
                match n { $( $num => Some(ErrorCode::$name), )* _ => None }
            }
            /// The error type the reference SDK pairs with this code.
            pub fn error_type(self) -> ErrorType {
                match self { $( ErrorCode::$name => ErrorType::$ty, )* }
            }
            /// The code's name, as written here (`HostRequired`).
            pub fn name(self) -> &'static str {
                match self { $( ErrorCode::$name => stringify!($name), )* }
            }
            /// Every code, in the order of the table.
            pub const ALL: &'static [ErrorCode] = &[ $( ErrorCode::$name, )* ];
        }
    };
}

error_codes! {
    /// Service issue / request timed out.
    OperationTimeout = 1 => OperationTimeout,
    /// Internal server error.
    InternalError = 2 => InternalError,
    /// A pending call was cut off by leave or reconnect.
    OperationCancelled = 3 => InvalidOperation,
    /// Token refused (expired, bad signature, unknown app key, topic mismatch...).
    SessionFetchInfoError = 200 => InvalidParameters,
    /// Wrong passcode.
    IncorrectPasscode = 3004 => InvalidParameters,
    /// Removed by the host; cannot rejoin this session instance.
    UserRemoved = 3009 => InvalidOperation,
    /// Bad `role_type` in the token.
    RoleTypeError = 3010 => InvalidParameters,
    /// Malformed or unknown signaling message.
    InvalidParameter = 4003 => InvalidParameters,
    /// The session has ended (or is ending).
    SessionEnded = 4004 => ImproperMeetingState,
    /// The session is full.
    SessionExceedCapacity = 4005 => InvalidOperation,
    /// Called before `init` resolved / platform unsupported.
    PlatformUnsupported = 5000 => InvalidOperation,
    /// Not connected to a session.
    SessionStateClosed = 5002 => ImproperMeetingState,
    /// Reconnecting.
    SessionStateReconnecting = 5003 => ImproperMeetingState,
    /// Host or manager required.
    HostOrManagerRequired = 5006 => InsufficientPrivileges,
    /// Host required.
    HostRequired = 5007 => InsufficientPrivileges,
    /// Original host required.
    OriginalHostRequired = 5008 => InsufficientPrivileges,
    /// Unknown userId.
    MismatchUser = 5011 => InvalidParameters,
    /// Join while already in a session.
    DuplicatedJoin = 5012 => InvalidOperation,
    /// Invalid join parameter (topic, passcode, idle timeout...).
    InvalidJoinParameter = 5013 => InvalidParameters,
    /// The host disallowed renaming.
    HostDisallowRename = 5014 => OperationLocked,
    /// The session is hosted by another node of the cluster: the error's `redirect` names its
    /// signaling URL, where the SDKs send the same `join` or `resume` again. Convene's own code.
    SessionOnOtherNode = 5020 => ImproperMeetingState,
    /// The user is not in the session or has no such media.
    StreamMismatchUser = 6001 => InvalidParameters,
    /// Media call before join.
    StreamSessionJoinRequired = 6002 => InvalidOperation,
    /// The microphone could not be captured (browser).
    AudioCaptureFailed = 6010 => InsufficientPrivileges,
    /// Mute/unmute before `startAudio`.
    AudioNotStarted = 6015 => InvalidOperation,
    /// Camera permission denied (browser).
    VideoCameraPermissionDenied = 6100 => InsufficientPrivileges,
    /// No camera found (browser).
    VideoNoCamera = 6101 => InvalidOperation,
    /// The camera is not in the state the call needs (e.g. already started).
    VideoMismatchState = 6109 => InvalidOperation,
    /// The camera stream could not be established (browser).
    VideoEstablishStreamError = 6110 => InternalError,
    /// Too many rendered videos.
    VideoRenderLimitExceed = 6111 => InvalidOperation,
    /// The user declined the screen picker (browser).
    ScreenShareUserDenied = 6200 => InsufficientPrivileges,
    /// Screen capture is not supported here (browser).
    ScreenShareUnsupported = 6202 => InvalidOperation,
    /// Screen share needs host or manager (share locked).
    ShareHostPrivilegeRequired = 6204 => InsufficientPrivileges,
    /// Someone else is sharing.
    ShareMismatchState = 6205 => InvalidOperation,
    /// Empty chat message.
    ChatEmptyMessage = 7000 => InvalidParameters,
    /// Chat receiver unknown.
    ChatInvalidUser = 7001 => InvalidParameters,
    /// Chat not permitted by the chat privilege.
    ChatNotPermitted = 7002 => InsufficientPrivileges,
    /// Setting chat privilege needs host or manager.
    ChatPrivilegeRequired = 7003 => InsufficientPrivileges,
    /// Too many chat messages per second from one user. Convene's own code: the reference
    /// SDK has none, and gives 7004–7011 to subsessions and files.
    ChatRateLimited = 7012 => InvalidOperation,
    /// Empty command channel message.
    CommandEmpty = 7100 => InvalidParameters,
    /// Command channel receiver unknown.
    CommandInvalidUser = 7101 => InvalidParameters,
    /// Command channel message not a string.
    CommandNotString = 7102 => InvalidParameters,
    /// Command channel message too long.
    CommandTooLong = 7103 => InvalidParameters,
    /// Command channel not ready.
    CommandNotReady = 7104 => InvalidOperation,
    /// Too many command channel messages per second from one user. Convene's own code: the
    /// reference SDK has none.
    CommandRateLimited = 7105 => InvalidOperation,
    /// Cloud recording cannot run on this server (its media tool, `ffmpeg`, is missing, or
    /// the egress worker failed to start): the reference's "recording disabled".
    RecordingUnavailable = 7200 => InvalidOperation,
    /// The recording is not in a state that allows the call (pause while stopped, start
    /// while recording...).
    RecordingMismatchState = 7202 => InvalidOperation,
    /// Live streaming disabled.
    LiveStreamDisabled = 7400 => InvalidOperation,
    /// Live stream bad parameter.
    LiveStreamInvalidParameter = 7401 => InvalidParameters,
    /// Already live streaming.
    LiveStreamAlreadyStarted = 7402 => InvalidOperation,
    /// Subsessions are disabled (the reference's account setting; never sent by Convene).
    SubsessionAccountDisable = 7500 => InvalidOperation,
    /// More than 100 subsessions.
    SubsessionExceedCapacity = 7501 => InvalidParameters,
    /// No subsession with that id.
    SubsessionMismatchId = 7502 => InvalidParameters,
    /// The user is not in the session, or may not go to that subsession.
    SubsessionMismatchUser = 7503 => InvalidParameters,
    /// The subsessions are not in a state that allows the call (open before create, join
    /// before open, leave while in the main session...).
    SubsessionMismatchState = 7504 => InvalidOperation,
    /// The host does not let users go back to the main session by themselves.
    SubsessionExitRestricted = 7505 => InsufficientPrivileges,
    /// Broadcast while no subsession is open.
    SubsessionBroadcastDisable = 7506 => InvalidOperation,
    /// Empty or too long (over 1024 bytes) broadcast text.
    SubsessionBroadcastInvalidContent = 7507 => InvalidParameters,
    /// Voice broadcast into subsessions is not supported by this server.
    SubsessionBroadcastVoiceDisable = 7508 => InvalidOperation,
}

impl ErrorCode {
    /// Whether a failed call or `resume` with this code is worth retrying: the server timed
    /// out, failed inside, cut the call off, or is itself reconnecting. Every other code is a
    /// final answer. Both SDKs follow this one rule.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorCode::OperationTimeout
                | ErrorCode::InternalError
                | ErrorCode::OperationCancelled
                | ErrorCode::SessionStateReconnecting
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} ({})", self, self.code())
    }
}

/// The failure every caller sees: `{type, reason, errorCode}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Error type.
    #[serde(rename = "type")]
    pub kind: ErrorType,
    /// Human readable reason (which rule failed).
    pub reason: String,
    /// Stable numeric code.
    #[serde(rename = "errorCode")]
    pub error_code: u32,
    /// With [`ErrorCode::SessionOnOtherNode`]: the signaling URL (`ws://…/rtc/v1`) of the
    /// node that hosts the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect: Option<String>,
}

impl ErrorBody {
    /// An error for `code` with the code's usual type.
    pub fn new(code: ErrorCode, reason: impl Into<String>) -> Self {
        ErrorBody {
            kind: code.error_type(),
            reason: reason.into(),
            error_code: code.code(),
            redirect: None,
        }
    }

    /// "Ask the node at `url`": the session is hosted there.
    pub fn redirect(url: impl Into<String>) -> Self {
        ErrorBody {
            redirect: Some(url.into()),
            ..ErrorBody::new(
                ErrorCode::SessionOnOtherNode,
                "the session is hosted by another node",
            )
        }
    }

    /// The typed code, if the number is known.
    pub fn code(&self) -> Option<ErrorCode> {
        ErrorCode::from_code(self.error_code)
    }
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:?}): {}", self.error_code, self.kind, self.reason)
    }
}

impl std::error::Error for ErrorBody {}
