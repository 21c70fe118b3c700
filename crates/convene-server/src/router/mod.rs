//! Which task hosts a session: the seam where several nodes will plug in.
//!
//! A connection never touches session state. It asks the [`Router`] for the session of
//! `(app, topic)` (starting it when absent) or for a session by id (failover `resume`), and
//! then talks to the session's task through its [`SessionHandle`]. [`LocalRouter`] keeps
//! sessions in this process; a Redis router (several nodes) implements the same trait and
//! must pass the same conformance suite (`conformance.rs`).

mod local;

#[cfg(test)]
pub(crate) mod conformance;
#[cfg(test)]
mod tests;

pub(crate) use local::LocalRouter;

use crate::handle::{SessionHandle, SessionKey, SessionSummary};
use convene_protocol::SessionId;
use futures_util::future::BoxFuture;

/// Finds or starts the task that hosts a session.
///
/// Contract (checked by `conformance.rs` for every implementation):
/// - concurrent `route`s of one `(app, topic)` reach one session; topics compare
///   case-insensitively and apps never share sessions;
/// - a session that ended (last user gone, ended by the host, idle timeout) is gone from
///   `find` and `list`, and the next `route` starts a new one;
/// - `list` shows every started session of an app with its user count.
pub(crate) trait Router: Send + Sync + std::fmt::Debug + 'static {
    /// The session of `key`: the live one, or a new one.
    fn route(&self, key: SessionKey) -> BoxFuture<'_, SessionHandle>;
    /// The live session with this id, if any.
    fn find<'a>(&'a self, id: &'a SessionId) -> BoxFuture<'a, Option<SessionHandle>>;
    /// Every started session of `app`, sorted by topic.
    fn list<'a>(&'a self, app: &'a str) -> BoxFuture<'a, Vec<SessionSummary>>;
    /// How many session tasks run on this node.
    fn local_sessions(&self) -> usize;
}
