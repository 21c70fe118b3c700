//! Which task hosts a session: the seam where several nodes will plug in.
//!
//! A connection never touches session state. It asks the [`Router`] for the session of
//! `(app, topic)` (starting it when absent) or for a session by id (failover `resume`), and
//! then talks to the session's task through its [`SessionHandle`], or, when another node
//! hosts the session, sends the client there ([`Routed::Elsewhere`]). [`LocalRouter`] keeps
//! sessions in this process; [`crate::cluster::RedisRouter`] shares them among nodes
//! through Redis. Both pass the same conformance suite (`conformance.rs`).

mod local;

#[cfg(test)]
pub(crate) mod conformance;
#[cfg(test)]
mod tests;

pub(crate) use local::LocalRouter;

use crate::handle::{SessionHandle, SessionKey, SessionSummary};
use convene_protocol::{ErrorBody, SessionId};
use futures_util::future::BoxFuture;

/// Where a join or a resume goes.
#[derive(Debug, Clone)]
pub(crate) enum Routed {
    /// To this node's task of the session.
    Here(SessionHandle),
    /// To another node: its signaling URL (`ws://…/rtc/v1`).
    Elsewhere(String),
}

/// Finds or starts the task that hosts a session.
///
/// Contract (checked by `conformance.rs` for every implementation):
/// - concurrent `route`s of one `(app, topic)` reach one session; topics compare
///   case-insensitively and apps never share sessions;
/// - a session that ended (last user gone, ended by the host, idle timeout) is gone from
///   `find` and `list`, and the next `route` starts a new one;
/// - `list` shows every started session of an app with its user count.
pub(crate) trait Router: Send + Sync + std::fmt::Debug + 'static {
    /// The session of `key`: the live one, or a new one. An error (the cluster's store is
    /// unreachable) is the join's answer.
    fn route(&self, key: SessionKey) -> BoxFuture<'_, Result<Routed, ErrorBody>>;
    /// Where the session with this id lives now, for a `resume`: on a cluster, a node whose
    /// owner died takes the session over here. `None`: it has ended.
    fn locate<'a>(&'a self, id: &'a SessionId) -> BoxFuture<'a, Result<Option<Routed>, ErrorBody>>;
    /// The live session with this id on this node, if any.
    fn find<'a>(&'a self, id: &'a SessionId) -> BoxFuture<'a, Option<SessionHandle>>;
    /// Every started session of `app`, sorted by topic.
    fn list<'a>(&'a self, app: &'a str) -> BoxFuture<'a, Vec<SessionSummary>>;
    /// How many session tasks run on this node.
    fn local_sessions(&self) -> usize;
    /// The signaling URLs of the cluster's live nodes, this one first, as they change
    /// (`None`: one node). Connections pass each change on to their clients for failover.
    fn nodes(&self) -> Option<tokio::sync::watch::Receiver<Vec<String>>> {
        None
    }
    /// The signaling URL of the live node that hosts session `id` of `app`, when another
    /// node does (`None`: one node, or the session is here, or nowhere). The REST API sends
    /// a request about it there.
    fn host_of<'a>(&'a self, id: &'a SessionId, app: &'a str) -> BoxFuture<'a, Option<String>> {
        let _ = (id, app);
        Box::pin(std::future::ready(None))
    }
    /// The server is stopping: hand this node's sessions over to the other nodes (their
    /// users fail over to them) instead of ending them. `true` when it did.
    fn drain(&self) -> BoxFuture<'_, bool> {
        Box::pin(std::future::ready(false))
    }
}
