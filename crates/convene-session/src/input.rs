//! What goes into the core: verified joins, requests, dropped connections, time, and what
//! the media plane observed.

use convene_protocol::{ClientMsg, JoinParams, MediaKind, SessionId, UserId};

/// A signaling connection, numbered by the driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// What the server learned from a verified token (the core trusts it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinToken {
    /// The app the token belongs to; sessions of different apps never meet.
    pub app_key: String,
    /// `role_type` 1.
    pub role_host: bool,
    /// `user_identity` / `user_key`.
    pub user_identity: Option<String>,
    /// `session_key`.
    pub session_key: Option<String>,
    /// A fingerprint of the raw token, to refuse a removed user's token (3009).
    pub fingerprint: u64,
}

/// Inputs to [`crate::Core::handle`].
#[derive(Debug)]
pub enum Input {
    /// A join whose token the driver has verified.
    Join {
        /// Connection.
        conn: ConnId,
        /// Request id.
        id: u64,
        /// The join parameters.
        params: JoinParams,
        /// The verified token.
        token: JoinToken,
    },
    /// Any other request.
    Request {
        /// Connection.
        conn: ConnId,
        /// Request id.
        id: u64,
        /// The request.
        msg: ClientMsg,
    },
    /// The connection is gone (without a `leave`): failover starts.
    Disconnected {
        /// Connection.
        conn: ConnId,
    },
    /// Time passed; fire due timers.
    Timeout,
    /// The media plane's current speakers in a session, loudest first.
    ActiveSpeakers {
        /// Session id.
        session: SessionId,
        /// Speakers.
        users: Vec<UserId>,
    },
    /// The media plane's quality estimate for one user (0–5 each way).
    NetworkQuality {
        /// Session id.
        session: SessionId,
        /// Whose links.
        user: UserId,
        /// Uplink level.
        uplink: u8,
        /// Downlink level.
        downlink: u8,
    },
    /// A receive slot of `user`'s peer connection now carries `from`'s media (or nothing).
    MediaSlot {
        /// Session id.
        session: SessionId,
        /// The receiving user.
        user: UserId,
        /// The transceiver's mid.
        mid: String,
        /// Whose media it carries now.
        from: Option<UserId>,
        /// `audio`, `video` or `share`.
        kind: MediaKind,
    },
    /// The session's egress worker (cloud recording) stopped by itself or failed to start.
    EgressEnded {
        /// Session id.
        session: SessionId,
        /// The `run` of the `EgressAction::Start` (or `StartLive`) it was started for.
        run: u64,
        /// It was a live stream's worker.
        live: bool,
    },
    /// The live stream's worker reached the ingest (`on`), or lost it and reconnects.
    EgressStreaming {
        /// Session id.
        session: SessionId,
        /// The `run` of its `EgressAction::StartLive`.
        run: u64,
        /// Streaming; `false`: reconnecting.
        on: bool,
    },
}

impl Input {
    /// The connection it came from, for the inputs that come from one.
    pub(crate) fn conn(&self) -> Option<ConnId> {
        match self {
            Input::Join { conn, .. }
            | Input::Request { conn, .. }
            | Input::Disconnected { conn } => Some(*conn),
            _ => None,
        }
    }
}
