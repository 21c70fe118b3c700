//! [`LocalRouter`]: every session on this node, in one small directory behind a lock that is
//! held only to look up or change an entry (never across an await or a session's work).

use super::{Routed, Router};
use crate::handle::{Registry, SessionHandle, SessionKey, SessionSummary};
use crate::session_task::{self, TaskContext};
use convene_protocol::{ErrorBody, SessionId};
use convene_session::Snapshot;
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

/// The one-node router: starts session tasks in this process.
#[derive(Debug, Clone)]
pub(crate) struct LocalRouter {
    dir: Arc<Directory>,
}

#[derive(Debug)]
struct Directory {
    /// Everything a new session task needs (config, media plane, metrics, the registry).
    ctx: TaskContext,
    entries: Mutex<Entries>,
    /// Handed to session tasks as their [`Registry`]; weak so that tasks never keep the
    /// directory alive.
    me: Weak<Directory>,
}

/// How many ended session ids a directory remembers.
const ENDED_KEPT: usize = 1024;

#[derive(Debug, Default)]
struct Entries {
    by_key: HashMap<SessionKey, SessionHandle>,
    by_id: HashMap<SessionId, SessionHandle>,
    /// The latest sessions that ended here, oldest first: a cluster's store may still hold
    /// their snapshots for a moment, which must not bring them back.
    ended: VecDeque<SessionId>,
}

impl LocalRouter {
    pub(crate) fn new(ctx: TaskContext) -> Self {
        let dir = Arc::new_cyclic(|me| Directory {
            ctx,
            entries: Mutex::new(Entries::default()),
            me: me.clone(),
        });
        LocalRouter { dir }
    }
}

impl LocalRouter {
    /// The live task of `key` on this node, if any.
    pub(crate) fn existing(&self, key: &SessionKey) -> Option<SessionHandle> {
        let e = self.dir.entries();
        e.by_key.get(key).filter(|h| !h.tx.is_closed()).cloned()
    }

    /// The task of `key`: the live one, or a new one (restored from `restore` when given and
    /// none is live).
    pub(crate) fn start(&self, key: SessionKey, restore: Option<Snapshot>) -> SessionHandle {
        let dir = &self.dir;
        let mut e = dir.entries();
        if let Some(h) = e.by_key.get(&key).filter(|h| !h.tx.is_closed()) {
            return h.clone();
        }
        let registry: Weak<dyn Registry> = dir.me.clone();
        let h = session_task::spawn(key.clone(), dir.ctx.clone(), registry, restore);
        e.by_key.insert(key, h.clone());
        h
    }

    /// Every session task on this node.
    pub(crate) fn handles(&self) -> Vec<SessionHandle> {
        self.dir.entries().by_key.values().cloned().collect()
    }

    /// Whether the session with this id ended on this node (lately).
    pub(crate) fn has_ended(&self, id: &SessionId) -> bool {
        self.dir.entries().ended.contains(id)
    }

    /// The live session with this id on this node.
    pub(crate) fn by_id(&self, id: &SessionId) -> Option<SessionHandle> {
        self.dir.entries().by_id.get(id).cloned()
    }
}

impl Directory {
    fn entries(&self) -> MutexGuard<'_, Entries> {
        // A panic while holding this lock is a bug elsewhere; the map itself stays valid.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Router for LocalRouter {
    fn route(&self, key: SessionKey) -> BoxFuture<'_, Result<Routed, ErrorBody>> {
        std::future::ready(Ok(Routed::Here(self.start(key, None)))).boxed()
    }

    fn locate<'a>(&'a self, id: &'a SessionId) -> BoxFuture<'a, Result<Option<Routed>, ErrorBody>> {
        std::future::ready(Ok(self.by_id(id).map(Routed::Here))).boxed()
    }

    fn find<'a>(&'a self, id: &'a SessionId) -> BoxFuture<'a, Option<SessionHandle>> {
        std::future::ready(self.by_id(id)).boxed()
    }

    fn list<'a>(&'a self, app: &'a str) -> BoxFuture<'a, Vec<SessionSummary>> {
        let mut out: Vec<SessionSummary> = self
            .dir
            .entries()
            .by_id
            .values()
            .filter(|h| h.shared.key.app == app)
            .filter_map(SessionHandle::summary)
            .collect();
        out.sort_by(|a, b| a.topic.cmp(&b.topic).then(a.session_id.cmp(&b.session_id)));
        std::future::ready(out).boxed()
    }

    fn local_sessions(&self) -> usize {
        self.dir.entries().by_key.len()
    }
}

impl Registry for Directory {
    fn started(&self, handle: &SessionHandle) {
        if let Some(id) = handle.shared.id.get() {
            self.entries().by_id.insert(id.clone(), handle.clone());
        }
    }

    fn ended(&self, handle: &SessionHandle) {
        let mut e = self.entries();
        let key = &handle.shared.key;
        // Only this task's entry: a new session of the same topic may already be there.
        if e.by_key.get(key).is_some_and(|h| h.same(handle)) {
            e.by_key.remove(key);
        }
        if let Some(id) = handle.shared.id.get() {
            e.by_id.remove(id);
            if e.ended.len() == ENDED_KEPT {
                e.ended.pop_front();
            }
            e.ended.push_back(id.clone());
        }
    }
}
