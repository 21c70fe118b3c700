//! Limits of SPEC §2, §4, §8 and §10. One place, used by the server and both SDKs (the browser
//! SDK gets them through the generated `sdk/js/src/protocol.gen.js`).

macro_rules! limits {
    ($( $(#[$doc:meta])* $name:ident: $ty:ty = $value:expr; )*) => {
        $( $(#[$doc])* pub const $name: $ty = $value; )*
        /// Every limit by name, as the generator writes them for the browser SDK.
        pub const LIMITS: &[(&str, u64)] = &[ $( (stringify!($name), $name as u64), )* ];
    };
}

limits! {
    /// Longest topic, in characters.
    MAX_TOPIC_CHARS: usize = 150;
    /// Display names longer than this are truncated (never refused).
    MAX_USER_NAME_CHARS: usize = 200;
    /// Longest session passcode, in characters (printable ASCII only).
    MAX_PASSCODE_CHARS: usize = 10;
    /// Default session capacity.
    DEFAULT_MAX_USERS_PER_SESSION: usize = 5000;
    /// Default idle timeout, minutes.
    DEFAULT_IDLE_TIMEOUT_MINS: u32 = 40;
    /// How long a dropped user is kept in failover before removal, seconds.
    FAILOVER_WINDOW_SECS: u64 = 120;
    /// Chat messages over this many bytes are truncated.
    MAX_CHAT_BYTES: usize = 10_000;
    /// Command channel messages over this many bytes are refused (7103).
    MAX_COMMAND_BYTES: usize = 512;
    /// Command channel: messages allowed per user per [`COMMAND_RATE_WINDOW_MS`] (7105 beyond).
    COMMAND_RATE_PER_WINDOW: u32 = 10;
    /// Command channel rate window, milliseconds.
    COMMAND_RATE_WINDOW_MS: u64 = 1000;
    /// Largest signaling frame the server accepts, bytes.
    MAX_FRAME_BYTES: usize = 64 * 1024;
    /// Most rendered (attached) videos per subscriber.
    MAX_ATTACHED_VIDEOS: usize = 25;
    /// Speakers a participant hears at once: the server forwards the loudest.
    AUDIO_SLOTS: usize = 3;
    /// Speakers a cloud recording worker receives at once (each may get a track file).
    MAX_RECORDED_SPEAKERS: usize = 16;
    /// Longest `user_identity` / `session_key` token claim, in characters.
    MAX_IDENTITY_CHARS: usize = 36;
}
