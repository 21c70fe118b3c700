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

use crate::session_task::SessionMsg;
use convene_protocol::SessionId;
use futures_util::future::BoxFuture;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::mpsc;

/// A session's place in the directory: its app and its lower-cased topic.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct SessionKey {
    /// The app's SDK key.
    pub(crate) app: String,
    /// The topic, lower-cased (SPEC §1: topics compare case-insensitively).
    pub(crate) topic: String,
}

impl SessionKey {
    pub(crate) fn new(app: &str, topic: &str) -> Self {
        SessionKey {
            app: app.to_owned(),
            topic: topic.to_lowercase(),
        }
    }
}

/// The way into one session's task: a bounded inbox plus what the directory shows of it.
/// Cheap to clone; two handles are equal when they reach the same task.
#[derive(Debug, Clone)]
pub(crate) struct SessionHandle {
    pub(crate) tx: mpsc::Sender<SessionMsg>,
    pub(crate) shared: Arc<SessionShared>,
}

/// What a session task publishes about itself for listing.
#[derive(Debug)]
pub(crate) struct SessionShared {
    pub(crate) key: SessionKey,
    /// Set once the first join has started the session.
    pub(crate) id: OnceLock<SessionId>,
    /// The topic as its starter wrote it.
    pub(crate) topic: OnceLock<String>,
    /// Users now (including those in failover).
    pub(crate) users: AtomicUsize,
}

impl SessionHandle {
    /// True when both reach the same task.
    pub(crate) fn same(&self, other: &SessionHandle) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// A snapshot for listing; `None` before the first join started the session.
    pub(crate) fn summary(&self) -> Option<SessionSummary> {
        Some(SessionSummary {
            app: self.shared.key.app.clone(),
            topic: self.shared.topic.get()?.clone(),
            session_id: self.shared.id.get()?.clone(),
            users: self.shared.users.load(Ordering::Relaxed),
        })
    }
}

/// One live session as a listing shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SessionSummary {
    pub(crate) app: String,
    pub(crate) topic: String,
    pub(crate) session_id: SessionId,
    pub(crate) users: usize,
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
    /// The session of `key`: the live one, or a new one.
    fn route(&self, key: SessionKey) -> BoxFuture<'_, SessionHandle>;
    /// The live session with this id, if any.
    fn find<'a>(&'a self, id: &'a SessionId) -> BoxFuture<'a, Option<SessionHandle>>;
    /// Every started session of `app`, sorted by topic.
    fn list<'a>(&'a self, app: &'a str) -> BoxFuture<'a, Vec<SessionSummary>>;
    /// How many session tasks run on this node.
    fn local_sessions(&self) -> usize;
}

/// What a session task tells the directory it lives in.
pub(crate) trait Registry: Send + Sync + std::fmt::Debug + 'static {
    /// The first join started the session: it can now be found by id.
    fn started(&self, handle: &SessionHandle);
    /// The session ended; the task stops taking joins. A later `route` starts a new one.
    fn ended(&self, handle: &SessionHandle);
}
