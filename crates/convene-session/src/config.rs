//! Limits and durations of the core.

use convene_protocol::{
    COMMAND_RATE_PER_WINDOW, DEFAULT_MAX_USERS_PER_SESSION, FAILOVER_WINDOW_SECS,
};
use std::time::Duration;

/// Limits and durations. `Default` is the product's defaults.
#[derive(Debug, Clone)]
pub struct Config {
    /// Session capacity (4005 past it).
    pub max_users_per_session: usize,
    /// How long a dropped user is kept.
    pub failover_window: Duration,
    /// The length of one idle-timeout "minute". Always 60 s in production; tests may
    /// shorten it to exercise the idle timeout over real sockets.
    pub idle_minute: Duration,
    /// Command channel messages allowed per user per second (the protocol's
    /// `COMMAND_RATE_PER_WINDOW` by default; tests may lower it).
    pub command_rate_per_sec: u32,
    /// Chat messages (`chat.send`, `chat.sendToAll`) allowed per user per second; more are
    /// refused with 7012, so one participant cannot flood everyone. Default 10.
    pub chat_rate_per_sec: u32,
    /// Chat messages a session keeps for `chat.getHistory`: the last this many (older ones
    /// are forgotten). Default 1,000.
    pub chat_history: usize,
    /// How many closed connections a session core remembers in order to ignore what they
    /// still send (a `join` sent just after a `leave`) until the driver reports them gone.
    /// Default 16,384: more than a full session plus a full inbox of requests in flight.
    pub closed_conns_kept: usize,
    /// In a session of at least this many users, joins are announced to the others
    /// (`user-added`) together, one window after the first of them: a storm of joins then
    /// costs each present user one message per window, not one per joiner. Departures
    /// (`user-removed`) are batched the same way, except a departing host's (at once). The
    /// window is [`Config::join_announce_window`] per this many users (50 ms at 100 users,
    /// 500 ms at 1,000), at most 20 of them (1 s). Smaller sessions hear of each join and
    /// departure at once.
    /// Default 100.
    pub join_announce_from: usize,
    /// See [`Config::join_announce_from`]. Default 50 ms.
    pub join_announce_window: Duration,
    /// The server can record sessions (its media tool, `ffmpeg`, is installed): otherwise
    /// `recording.startCloudRecording` is refused with 7200. Default false.
    pub cloud_recording: bool,
    /// The user identity of the server's egress workers (random per server start, in the
    /// tokens only the server mints): such a joiner is the recording worker of a session
    /// that waits for one, and no one else sees it. `None` (default): no worker joins.
    pub egress_identity: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_users_per_session: DEFAULT_MAX_USERS_PER_SESSION,
            failover_window: Duration::from_secs(FAILOVER_WINDOW_SECS),
            idle_minute: Duration::from_secs(60),
            command_rate_per_sec: COMMAND_RATE_PER_WINDOW,
            chat_rate_per_sec: 10,
            chat_history: 1_000,
            closed_conns_kept: 16_384,
            join_announce_from: 100,
            join_announce_window: Duration::from_millis(50),
            cloud_recording: false,
            egress_identity: None,
        }
    }
}
