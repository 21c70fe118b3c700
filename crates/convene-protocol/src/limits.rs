//! Limits of SPEC §2, §4, §8 and §10. One place, used by the server and both SDKs.

/// Longest topic, in characters.
pub const MAX_TOPIC_CHARS: usize = 150;
/// Display names longer than this are truncated (never refused).
pub const MAX_USER_NAME_CHARS: usize = 200;
/// Longest session passcode, in characters (printable ASCII only).
pub const MAX_PASSCODE_CHARS: usize = 10;
/// Default session capacity.
pub const DEFAULT_MAX_USERS_PER_SESSION: usize = 5000;
/// Default idle timeout, minutes.
pub const DEFAULT_IDLE_TIMEOUT_MINS: u32 = 40;
/// How long a dropped user is kept in failover before removal, seconds.
pub const FAILOVER_WINDOW_SECS: u64 = 120;
/// Chat messages over this many bytes are truncated.
pub const MAX_CHAT_BYTES: usize = 10_000;
/// Command channel messages over this many bytes are refused (7103).
pub const MAX_COMMAND_BYTES: usize = 512;
/// Command channel: messages allowed per user per [`COMMAND_RATE_WINDOW_MS`].
pub const COMMAND_RATE_PER_WINDOW: u32 = 2;
/// Command channel rate window, milliseconds.
pub const COMMAND_RATE_WINDOW_MS: u64 = 1000;
/// Largest signaling frame the server accepts, bytes.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// Most rendered (attached) videos per subscriber.
pub const MAX_ATTACHED_VIDEOS: usize = 25;
/// Longest `user_identity` / `session_key` token claim.
pub const MAX_IDENTITY_CHARS: usize = 36;
