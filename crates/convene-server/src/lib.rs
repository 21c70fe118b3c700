//! # Convene server
//!
//! The async shell around the sans-IO [`convene_session::Core`] and the SFU: an axum app with
//! the signaling WebSocket (`/rtc/v1`), `/healthz`, `/metrics`, the dev token endpoint, the
//! browser SDK and the demo app; one task per session; one media plane for the node.
//!
//! ## Brief overview
//! - **Connection task** (`conn.rs`), one per WebSocket: decodes frames, answers malformed
//!   ones itself (to that user only), verifies join tokens, and sends everything else to the
//!   task of the session it is in.
//! - **Router** (`router/`): finds or starts the task of a session, by `(app, topic)` for a
//!   join and by session id for a resume. [`LocalRouter`](router) is the one-node default;
//!   the seam is where several nodes will plug in.
//! - **Session task** (`session_task.rs`), one per live session: the only owner of that
//!   session's state (a sans-IO core holding one session). After each input it drains the
//!   core's outputs, serialises each message once, and hands the bytes to the recipients'
//!   connection queues; it sleeps until the core's next timer. It ends with its session.
//! - **Handle** (`handle.rs`): the way into a session task (its inbox messages and what it
//!   sends back); every other module meets there, so the modules form no import circle.
//! - **Media plane** (`media_plane.rs`): one SFU task for the node; session tasks send it
//!   commands, and a dispatcher hands its events back to the session that owns the peer or
//!   room.
//! - **REST API** (`api/`): `/api/v1/sessions...` for an app's backend (bearer JWT), its
//!   admin actions applied by the session task; the OpenAPI document at
//!   `/api/v1/openapi.json`.
//! - **Webhooks** (`webhook/`): the core's lifecycle notices, queued without waiting by
//!   session tasks and POSTed, signed and retried, by one worker.
//! - **Network test** (`probe.rs`): `POST /api/v1/probe` answers an offer with a probe peer
//!   in the SFU (no token; caps per test, at once and per address).
//! - **Metrics** (`metrics.rs`): Prometheus counters, `/metrics`.
//!
//! Errors: a client's mistake is answered with a typed error (`{type, reason, errorCode}`) to
//! that client only; nothing a client sends can stop a task. A panic is a bug.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let server = convene_server::spawn(convene_server::Config::default()).await?;
//! println!("listening on {}", server.local_addr());
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(test)]
mod tests;

mod api;
mod assets;
mod cascade;
mod cluster;
mod config;
mod conn;
mod edge;
mod egress;
mod handle;
mod http;
mod media;
mod media_plane;
mod metrics;
mod probe;
mod router;
mod session_task;
mod state;
mod throttle;
mod time;
mod turn;
mod watchdog;
mod webhook;

pub use cluster::ClusterConfig;
pub use config::{
    load_app_file, parse_app, AppWebhooks, Config, ConfigError, EdgeConfig, FileApp, FileConfig,
    IceServer, MediaLimits, WebhookConfig, WebhookUrl,
};
pub use edge::{derived_max_connections, raise_fd_limit};
pub use egress::EgressConfig;
pub use http::app;

use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A running server. Dropping it does not stop the server; call [`Server::shutdown`].
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    media_addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    #[cfg_attr(not(test), allow(dead_code))]
    state: Arc<state::AppState>,
}

impl Server {
    /// The bound HTTP address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The UDP address every media peer uses.
    pub fn media_addr(&self) -> SocketAddr {
        self.media_addr
    }

    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, tells every client (`connection-change` Closed, "server shutting
    /// down"), closes connections and waits for the server task: at most
    /// [`EdgeConfig::shutdown_grace`] and a little, whatever clients do.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = self.task.await;
    }

    /// Waits until the server stops (it runs until shut down).
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}

/// Binds `config.bind` and serves until shut down.
pub async fn spawn(config: Config) -> std::io::Result<Server> {
    let listener = TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    let config = egress::detect(config).await;
    let media = bind_media(&config).await?;
    let media_addr = media.udp.local_addr()?;
    match &media.tcp {
        Some(t) => tracing::info!("media on udp {media_addr}, ICE-TCP on {}", t.local_addr()?),
        None => tracing::info!("media on udp {media_addr} (no ICE-TCP: port taken)"),
    }
    let mut config = config;
    if let Some(c) = config.cluster.as_mut().filter(|c| c.public_url.is_empty()) {
        c.public_url = format!("http://{addr}");
    }
    let state = state::AppState::new(config, addr, media)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let state = Arc::new(state);
    egress::attach(&state, addr);
    tokio::spawn(watchdog::run(Arc::downgrade(&state), media_addr));
    let app = app(state.clone());
    let kept = state.clone();
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let stop = async move {
            let _ = rx.await;
        };
        edge::serve(listener, app, state, stop).await;
    });
    Ok(Server {
        addr,
        media_addr,
        shutdown: Some(tx),
        task,
        state: kept,
    })
}

/// The media plane's sockets: one UDP socket for every peer, and a TCP listener on the same
/// address for clients whose UDP is blocked (ICE-TCP).
#[derive(Debug)]
pub(crate) struct MediaSockets {
    pub(crate) udp: tokio::net::UdpSocket,
    pub(crate) tcp: Option<tokio::net::TcpListener>,
}

/// Binds the media sockets: UDP on `media_port` (0 = any) or, when taken, the next free of
/// the 20 after it, then TCP on the same address when it is free. The IP is the configured
/// media IP, else the HTTP bind IP; an unspecified address (0.0.0.0) cannot be handed to
/// clients as an ICE candidate, so it needs `media_ip`.
async fn bind_media(config: &Config) -> std::io::Result<MediaSockets> {
    let ip = match config.media_ip {
        Some(ip) => ip,
        None if config.bind.ip().is_unspecified() => {
            tracing::warn!(
                "bound to {} without a media IP: media is offered on 127.0.0.1 only; set media_ip",
                config.bind
            );
            std::net::IpAddr::from([127, 0, 0, 1])
        }
        None => config.bind.ip(),
    };
    let first = config.media_port;
    let tries = if first == 0 { 1 } else { 21 };
    let mut last = None;
    for i in 0..tries {
        match tokio::net::UdpSocket::bind((ip, first.saturating_add(i))).await {
            Ok(udp) => {
                let port = udp.local_addr()?.port();
                let tcp = tokio::net::TcpListener::bind((ip, port)).await.ok();
                return Ok(MediaSockets { udp, tcp });
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no media port")))
}
