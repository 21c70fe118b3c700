//! What a session looks like from outside it: the REST API's view ([`SessionInfo`]), the
//! lifecycle notices webhooks are made of ([`Lifecycle`]), and the administrative actions an
//! app's backend may take ([`Admin`]).

use convene_protocol::{Participant, SessionId, UserId};

/// One live session, as the server's REST API and webhooks show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// The id `getSessionInfo().sessionId` returns.
    pub session_id: SessionId,
    /// The app whose session it is.
    pub app_key: String,
    /// The topic as its starter wrote it.
    pub topic: String,
    /// When the first user joined, milliseconds since the Unix epoch.
    pub started_ms: u64,
    /// Whether joiners must give a passcode.
    pub has_passcode: bool,
    /// Users now, those in failover included.
    pub user_count: usize,
}

/// A session started or ended, or a user joined or left ([`Output::Lifecycle`]).
///
/// A session that ends (host, idle timeout, an app's backend) first lets each user still in
/// it leave, so every `UserJoined` has its `UserLeft`, then ends.
///
/// [`Output::Lifecycle`]: crate::Output::Lifecycle
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifecycle {
    /// What happened.
    pub event: LifecycleEvent,
    /// The session it happened to.
    pub session: SessionInfo,
    /// The user who joined or left (`None` for session events).
    pub user: Option<Participant>,
}

/// The kinds of [`Lifecycle`] notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifecycleEvent {
    /// The first user joined a new session instance.
    SessionStarted,
    /// The session instance is gone.
    SessionEnded,
    /// A user joined (not a failover resume).
    UserJoined,
    /// A user left, was removed, timed out of failover, or the session ended around them.
    UserLeft,
}

impl LifecycleEvent {
    /// The webhook name: `session.started`, `session.ended`, `session.user_joined`,
    /// `session.user_left`.
    pub fn name(self) -> &'static str {
        match self {
            LifecycleEvent::SessionStarted => "session.started",
            LifecycleEvent::SessionEnded => "session.ended",
            LifecycleEvent::UserJoined => "session.user_joined",
            LifecycleEvent::UserLeft => "session.user_left",
        }
    }
}

/// What an app's backend may do to a session ([`Core::admin`](crate::Core::admin)), with the
/// same effects as when the host does it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admin {
    /// End the session for everyone (`connection-change` Closed, "ended by host").
    End {
        /// Which session.
        session: SessionId,
    },
    /// Remove a user (`connection-change` Closed, "kicked by host"; no rejoin).
    Remove {
        /// Which session.
        session: SessionId,
        /// Whom.
        user: UserId,
    },
}

/// Why [`Core::admin`](crate::Core::admin) did nothing.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminError {
    /// No live session has that id.
    NoSuchSession,
    /// The session has no user with that id.
    NoSuchUser,
}
