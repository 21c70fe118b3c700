//! [`AppState`]: what every HTTP handler and connection task shares.

use crate::cluster::RedisRouter;
use crate::media_plane::MediaPlane;
use crate::metrics::Metrics;
use crate::router::{LocalRouter, Router};
use crate::session_task::TaskContext;
use crate::throttle::PasscodeThrottle;
use crate::Config;
use convene_session::ConnId;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Shared by every request handler and connection task.
#[derive(Debug)]
pub struct AppState {
    pub(crate) config: Config,
    pub(crate) router: Arc<dyn Router>,
    pub(crate) media: MediaPlane,
    pub(crate) metrics: Arc<Metrics>,
    /// Whether the router, the session tasks and the SFU loop make progress (`/healthz`).
    pub(crate) watchdog: Arc<crate::watchdog::Watchdog>,
    /// Wrong passcodes by client address and session (joins are refused while over the limit).
    pub(crate) throttle: Arc<PasscodeThrottle>,
    pub(crate) bound: SocketAddr,
    /// Set to `true` when the server stops: every connection closes.
    pub(crate) shutdown: tokio::sync::watch::Sender<bool>,
    /// Set before `shutdown` when the sessions were handed over to other nodes: connections
    /// then close without saying the session is over.
    pub(crate) handed_over: std::sync::atomic::AtomicBool,
    next_conn: AtomicU64,
}

impl AppState {
    /// Starts the media plane on `media` and a router over it: a [`LocalRouter`], or a
    /// [`RedisRouter`] when the config names a cluster (an error: its Redis URL is bad).
    pub(crate) fn new(
        config: Config,
        bound: SocketAddr,
        media: crate::MediaSockets,
    ) -> Result<Self, String> {
        let metrics = Arc::new(Metrics::new());
        let watchdog = crate::watchdog::Watchdog::new(config.edge.stall_timeout);
        let shutdown = tokio::sync::watch::Sender::new(false);
        let throttle = Arc::new(PasscodeThrottle::default());
        let media_ip = media
            .udp
            .local_addr()
            .map_or([127, 0, 0, 1].into(), |a| a.ip());
        let plane = MediaPlane::spawn(media, &config.media_limits);
        if let Some(c) = config.cluster.as_ref().filter(|c| c.cascade_above > 0) {
            plane.set_cascade(Arc::new(crate::cascade::Cascade::new(
                c.node_id.clone(),
                c.cascade_above,
                config.apps.clone(),
                media_ip,
            )));
        }
        let ctx = TaskContext {
            config: config.session.clone(),
            media: plane.clone(),
            metrics: metrics.clone(),
            throttle: throttle.clone(),
            watchdog: watchdog.clone(),
            shutdown: shutdown.subscribe(),
            webhooks: crate::webhook::Webhooks::spawn(
                &config.webhooks,
                &config.apps,
                metrics.clone(),
            ),
            changed: Default::default(),
        };
        let router: Arc<dyn Router> = match &config.cluster {
            Some(c) => Arc::new(RedisRouter::new(ctx, c)?),
            None => Arc::new(LocalRouter::new(ctx)),
        };
        Ok(AppState {
            config,
            router,
            media: plane,
            metrics,
            watchdog,
            throttle,
            bound,
            shutdown,
            handed_over: Default::default(),
            next_conn: AtomicU64::new(1),
        })
    }

    /// A connection id unique on this node.
    pub(crate) fn next_conn(&self) -> ConnId {
        ConnId(self.next_conn.fetch_add(1, Ordering::Relaxed))
    }
}
