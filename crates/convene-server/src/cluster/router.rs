//! [`RedisRouter`]: the [`Router`] of a node in a cluster.
//!
//! A join for a topic this node hosts goes to its task. Otherwise the topic's place in Redis
//! decides: owned by another node, the client is sent there; owned by nobody, the first node
//! to see the topic places it on the least-loaded live node (itself on a tie) with one
//! `SET NX`, so concurrent first joins through different nodes make exactly one session. A
//! place that names this node but has no task here (the client followed a redirect, or the
//! previous owner died and its lease lapsed) starts the task, restored from the session's
//! snapshot when one is kept. A `resume` finds the session's key from its id the same way.

use super::keeper;
use super::store::{parse_place, NodeInfo, Store};
use super::ClusterConfig;
use crate::handle::{SessionHandle, SessionKey, SessionSummary};
use crate::router::{LocalRouter, Routed, Router};
use crate::session_task::TaskContext;
use convene_protocol::{ErrorBody, ErrorCode, SessionId};
use futures_util::future::BoxFuture;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::watch;

/// How long a place is held without renewal: a dead owner's sessions can be taken over
/// this long after its last renewal.
pub(super) const LEASE: Duration = Duration::from_secs(10);

/// Tries at placing a topic when claims race.
const PLACE_TRIES: usize = 3;

/// A node of a cluster: its sessions in a [`LocalRouter`], the cluster's state in Redis.
#[derive(Debug, Clone)]
pub(crate) struct RedisRouter {
    pub(super) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(super) struct Inner {
    pub(super) local: LocalRouter,
    pub(super) store: Store,
    /// This node (its loads as last advertised).
    pub(super) me: NodeInfo,
    /// The live nodes as of the keeper's last round.
    pub(super) view: Mutex<Vec<NodeInfo>>,
    /// How long a snapshot is kept after its last save.
    pub(super) keep: Duration,
    /// Set by [`Router::drain`]: the keeper stops.
    pub(super) draining: AtomicBool,
    /// The live nodes' signaling URLs, this one first, for the clients.
    pub(super) urls: watch::Sender<Vec<String>>,
    /// This node's media plane (its load is advertised; cascading learns the live nodes).
    pub(super) media: crate::media_plane::MediaPlane,
}

impl Inner {
    pub(super) fn view(&self) -> MutexGuard<'_, Vec<NodeInfo>> {
        self.view.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new view of the live nodes: kept, and told to the clients when their URLs changed.
    pub(super) fn set_view(&self, nodes: Vec<NodeInfo>) {
        let mut urls = vec![self.me.url.clone()];
        urls.extend(
            nodes
                .iter()
                .filter(|n| n.id != self.me.id)
                .map(|n| n.url.clone()),
        );
        if let Some(c) = self.media.cascade() {
            c.set_nodes(
                nodes
                    .iter()
                    .map(|n| crate::cascade::MediaNode {
                        id: n.id.clone(),
                        url: n.url.clone(),
                        peers: n.peers,
                    })
                    .collect(),
            );
        }
        *self.view() = nodes;
        self.urls.send_if_modified(|old| {
            let changed = *old != urls;
            *old = urls;
            changed
        });
    }
}

/// The answer when Redis cannot be reached: running sessions go on, new ones wait.
fn unreachable(e: impl std::fmt::Display) -> ErrorBody {
    tracing::warn!("cluster store: {e}");
    ErrorBody::new(
        ErrorCode::InternalError,
        "the cluster's store (Redis) is unreachable; retry",
    )
}

impl RedisRouter {
    /// A router for this node, and its keeper task.
    pub(crate) fn new(ctx: TaskContext, cluster: &ClusterConfig) -> Result<Self, String> {
        let store = super::store::Store::new(&cluster.redis_url).map_err(|e| e.to_string())?;
        let keep = ctx.config.failover_window + LEASE;
        let changed = ctx.changed.clone();
        let url = cluster.signaling_url();
        let media = ctx.media.clone();
        let inner = Arc::new(Inner {
            local: LocalRouter::new(ctx),
            store,
            me: NodeInfo {
                id: cluster.node_id.clone(),
                url: url.clone(),
                users: 0,
                sessions: 0,
                peers: 0,
            },
            media,
            view: Mutex::new(Vec::new()),
            keep,
            draining: AtomicBool::new(false),
            urls: watch::Sender::new(vec![url]),
        });
        tokio::spawn(keeper::run(Arc::downgrade(&inner), changed));
        Ok(RedisRouter { inner })
    }

    /// The live node with the fewest users (then sessions); this one on a tie.
    fn least_loaded(&self) -> NodeInfo {
        let me = &self.inner.me;
        let view = self.inner.view();
        view.iter()
            .min_by_key(|n| (n.users, n.sessions, n.id != me.id))
            .cloned()
            .unwrap_or_else(|| me.clone())
    }

    /// Starts (or finds) the task of a session placed on this node: restored from its
    /// snapshot when its previous owner left one.
    async fn start_here(&self, key: SessionKey) -> Result<SessionHandle, ErrorBody> {
        let local = &self.inner.local;
        if let Some(h) = local.existing(&key) {
            return Ok(h);
        }
        let restore = self
            .inner
            .store
            .snapshot(&key)
            .await
            .map_err(unreachable)?
            // One that ended here, not yet forgotten by the keeper, stays ended.
            .filter(|s| !local.has_ended(&s.session_id));
        if let Some(s) = &restore {
            tracing::info!(session = %s.session_id, "taking the session over from its snapshot");
        }
        Ok(local.start(key, restore))
    }

    /// Where the session of `key` is, placing it when nobody hosts it.
    async fn place(&self, key: SessionKey) -> Result<Routed, ErrorBody> {
        let store = &self.inner.store;
        let me = &self.inner.me;
        for _ in 0..PLACE_TRIES {
            match store.place(&key).await.map_err(unreachable)? {
                Some(v) => {
                    let Some((node, url)) = parse_place(&v) else {
                        return Err(unreachable(format!("bad place value {v:?}")));
                    };
                    if node != me.id {
                        return Ok(Routed::Elsewhere(url.to_owned()));
                    }
                    return self.start_here(key).await.map(Routed::Here);
                }
                None => {
                    let target = self.least_loaded();
                    if store
                        .claim(&key, &target.place(), LEASE)
                        .await
                        .map_err(unreachable)?
                    {
                        if target.id != me.id {
                            return Ok(Routed::Elsewhere(target.url));
                        }
                        return self.start_here(key).await.map(Routed::Here);
                    }
                    // Another node placed it first: read where.
                }
            }
        }
        Err(ErrorBody::new(
            ErrorCode::InternalError,
            "could not place the session; retry",
        ))
    }
}

impl Router for RedisRouter {
    fn route(&self, key: SessionKey) -> BoxFuture<'_, Result<Routed, ErrorBody>> {
        Box::pin(async move {
            if let Some(h) = self.inner.local.existing(&key) {
                return Ok(Routed::Here(h));
            }
            self.place(key).await
        })
    }

    fn locate<'a>(&'a self, id: &'a SessionId) -> BoxFuture<'a, Result<Option<Routed>, ErrorBody>> {
        Box::pin(async move {
            if let Some(h) = self.inner.local.by_id(id) {
                return Ok(Some(Routed::Here(h)));
            }
            let key = self.inner.store.key_of(&id.0).await.map_err(unreachable)?;
            match key {
                Some(key) => self.place(key).await.map(Some),
                None => Ok(None),
            }
        })
    }

    fn find<'a>(&'a self, id: &'a SessionId) -> BoxFuture<'a, Option<SessionHandle>> {
        self.inner.local.find(id)
    }

    fn list<'a>(&'a self, app: &'a str) -> BoxFuture<'a, Vec<SessionSummary>> {
        Box::pin(async move {
            // Without Redis, this node's own sessions are what it can tell.
            let Ok(listed) = self.inner.store.listed(app).await else {
                return self.inner.local.list(app).await;
            };
            let live: Vec<String> = self.inner.view().iter().map(|n| n.id.clone()).collect();
            let mut out: Vec<SessionSummary> = listed
                .into_iter()
                .filter(|(_, l)| live.contains(&l.node) || l.node == self.inner.me.id)
                .map(|(sid, l)| SessionSummary {
                    app: app.to_owned(),
                    topic: l.topic,
                    session_id: SessionId(sid),
                    started_ms: l.started_ms,
                    users: l.users,
                })
                .collect();
            // This node's own are fresher than their last save.
            for s in self.inner.local.list(app).await {
                match out.iter_mut().find(|o| o.session_id == s.session_id) {
                    Some(o) => *o = s,
                    None => out.push(s),
                }
            }
            out.sort_by(|a, b| a.topic.cmp(&b.topic).then(a.session_id.cmp(&b.session_id)));
            out
        })
    }

    fn local_sessions(&self) -> usize {
        self.inner.local.local_sessions()
    }

    fn host_of<'a>(&'a self, id: &'a SessionId, app: &'a str) -> BoxFuture<'a, Option<String>> {
        Box::pin(async move {
            if self.inner.local.by_id(id).is_some() {
                return None;
            }
            let store = &self.inner.store;
            let key = store.key_of(&id.0).await.ok()??;
            if key.app != app {
                return None;
            }
            let place = store.place(&key).await.ok()??;
            let (node, url) = parse_place(&place)?;
            let live = self.inner.view().iter().any(|n| n.id == node);
            (node != self.inner.me.id && live).then(|| url.to_owned())
        })
    }

    fn nodes(&self) -> Option<watch::Receiver<Vec<String>>> {
        Some(self.inner.urls.subscribe())
    }

    fn drain(&self) -> BoxFuture<'_, bool> {
        Box::pin(async move {
            self.inner.draining.store(true, Ordering::Relaxed);
            keeper::hand_over(&self.inner).await;
            true
        })
    }
}
