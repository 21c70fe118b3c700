//! [`LocalRouter`]: every session on this node, in one small directory behind a lock that is
//! held only to look up or change an entry (never across an await or a session's work).

use super::Router;
use crate::handle::{Registry, SessionHandle, SessionKey, SessionSummary};
use crate::session_task::{self, TaskContext};
use convene_protocol::SessionId;
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use std::collections::HashMap;
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

#[derive(Debug, Default)]
struct Entries {
    by_key: HashMap<SessionKey, SessionHandle>,
    by_id: HashMap<SessionId, SessionHandle>,
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

impl Directory {
    fn entries(&self) -> MutexGuard<'_, Entries> {
        // A panic while holding this lock is a bug elsewhere; the map itself stays valid.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Router for LocalRouter {
    fn route(&self, key: SessionKey) -> BoxFuture<'_, SessionHandle> {
        let dir = &self.dir;
        let mut e = dir.entries();
        if let Some(h) = e.by_key.get(&key).filter(|h| !h.tx.is_closed()) {
            return std::future::ready(h.clone()).boxed();
        }
        let registry: Weak<dyn Registry> = dir.me.clone();
        let h = session_task::spawn(key.clone(), dir.ctx.clone(), registry);
        e.by_key.insert(key, h.clone());
        std::future::ready(h).boxed()
    }

    fn find<'a>(&'a self, id: &'a SessionId) -> BoxFuture<'a, Option<SessionHandle>> {
        let h = self.dir.entries().by_id.get(id).cloned();
        std::future::ready(h).boxed()
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
        }
    }
}
