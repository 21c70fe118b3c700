//! The hub: one task that owns the session core and fans its outputs out to connections.

use crate::media::{Effect, Media};
use axum::extract::ws::Utf8Bytes;
use convene_protocol::{Reply, ServerMsg};
use convene_session::{ConnId, Core, Input, Output};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, oneshot};

/// What the hub tells a connection task.
#[derive(Debug)]
pub(crate) enum ToConn {
    /// Write this text frame.
    Text(Utf8Bytes),
    /// Close the socket (after the frames before it).
    Close,
}

/// Per-connection outgoing queue depth; a client that falls this far behind is dropped.
const CONN_QUEUE: usize = 4096;

enum HubMsg {
    Open(ConnId, mpsc::Sender<ToConn>),
    Input(Input),
    Shutdown(oneshot::Sender<()>),
}

/// Counters read by `/metrics`.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub(crate) sessions: AtomicU64,
    pub(crate) users: AtomicU64,
    pub(crate) connections: AtomicU64,
    pub(crate) messages_in: AtomicU64,
    pub(crate) messages_out: AtomicU64,
    pub(crate) malformed: AtomicU64,
}

/// Handle to the hub task.
#[derive(Debug, Clone)]
pub(crate) struct Hub {
    tx: mpsc::UnboundedSender<HubMsg>,
    next_conn: Arc<AtomicU64>,
    pub(crate) stats: Arc<Stats>,
}

impl std::fmt::Debug for HubMsg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HubMsg::Open(c, _) => write!(f, "Open({c:?})"),
            HubMsg::Input(i) => write!(f, "Input({i:?})"),
            HubMsg::Shutdown(_) => write!(f, "Shutdown"),
        }
    }
}

impl Hub {
    /// Starts the hub and, on `media` (UDP, and TCP for ICE-TCP), the SFU it drives.
    pub(crate) fn spawn(config: convene_session::Config, media: crate::MediaSockets) -> Hub {
        let (tx, rx) = mpsc::unbounded_channel();
        let stats = Arc::new(Stats::default());
        let now = Instant::now();
        let epoch_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let core = Core::new(config, now, epoch_ms, rand::random());
        let (sfu_tx, sfu_rx) = mpsc::channel(crate::media::SFU_QUEUE);
        let (ev_tx, ev_rx) = mpsc::channel(1024);
        tokio::spawn(async move {
            let run = convene_sfu::run_with_tcp(
                media.udp,
                media.tcp,
                convene_sfu::SfuConfig::default(),
                sfu_rx,
                ev_tx,
            );
            if let Err(e) = run.await {
                tracing::error!("media plane stopped: {e}");
            }
        });
        tokio::spawn(run(core, Media::new(sfu_tx), rx, ev_rx, stats.clone()));
        Hub {
            tx,
            next_conn: Arc::new(AtomicU64::new(1)),
            stats,
        }
    }

    /// Registers a new connection; returns its id and its outgoing queue.
    pub(crate) fn open(&self) -> (ConnId, mpsc::Receiver<ToConn>) {
        let id = ConnId(self.next_conn.fetch_add(1, Ordering::Relaxed));
        let (tx, rx) = mpsc::channel(CONN_QUEUE);
        let _ = self.tx.send(HubMsg::Open(id, tx));
        (id, rx)
    }

    pub(crate) fn input(&self, input: Input) {
        let _ = self.tx.send(HubMsg::Input(input));
    }

    pub(crate) async fn shutdown(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(HubMsg::Shutdown(tx)).is_ok() {
            let _ = rx.await;
        }
    }
}

async fn run(
    mut core: Core,
    mut media: Media,
    mut rx: mpsc::UnboundedReceiver<HubMsg>,
    mut sfu_events: mpsc::Receiver<convene_sfu::Event>,
    stats: Arc<Stats>,
) {
    let mut conns: HashMap<ConnId, mpsc::Sender<ToConn>> = HashMap::new();
    let far = || Instant::now() + std::time::Duration::from_secs(3600);
    loop {
        let deadline = core.poll_timeout().unwrap_or_else(far);
        let msg = tokio::select! {
            m = rx.recv() => m,
            Some(ev) = sfu_events.recv() => {
                match media.on_event(ev) {
                    Effect::Input(i) => core.handle(Instant::now(), i),
                    Effect::Reply(c, r) => send_reply(&conns, c, r),
                    Effect::None => {}
                }
                drain(&mut core, &mut media, &mut conns, &stats);
                continue;
            }
            _ = tokio::time::sleep_until(deadline.into()) => {
                core.handle(Instant::now(), Input::Timeout);
                drain(&mut core, &mut media, &mut conns, &stats);
                continue;
            }
        };
        let Some(msg) = msg else { break };
        match msg {
            HubMsg::Open(id, tx) => {
                conns.insert(id, tx);
            }
            HubMsg::Input(input) => {
                if let Input::Disconnected { conn } = &input {
                    conns.remove(conn);
                }
                core.handle(Instant::now(), input);
                drain(&mut core, &mut media, &mut conns, &stats);
            }
            HubMsg::Shutdown(done) => {
                for tx in conns.values() {
                    let _ = tx.try_send(ToConn::Close);
                }
                let _ = done.send(());
                break;
            }
        }
    }
}

fn send_reply(conns: &HashMap<ConnId, mpsc::Sender<ToConn>>, c: ConnId, r: Reply) {
    if let (Some(tx), Ok(text)) = (conns.get(&c), serde_json::to_string(&ServerMsg::Reply(r))) {
        let _ = tx.try_send(ToConn::Text(text.into()));
    }
}

fn drain(
    core: &mut Core,
    media: &mut Media,
    conns: &mut HashMap<ConnId, mpsc::Sender<ToConn>>,
    stats: &Stats,
) {
    let mut slow = Vec::new();
    while let Some(out) = core.poll_output() {
        match out {
            Output::Send { to, msg } => {
                // Serialised once, shared by every recipient.
                let text: Utf8Bytes = match serde_json::to_string(&msg) {
                    Ok(s) => s.into(),
                    Err(e) => {
                        tracing::error!("cannot serialise {msg:?}: {e}");
                        continue;
                    }
                };
                for c in to {
                    if let Some(tx) = conns.get(&c) {
                        stats.messages_out.fetch_add(1, Ordering::Relaxed);
                        if tx.try_send(ToConn::Text(text.clone())).is_err() {
                            slow.push(c);
                        }
                    }
                }
            }
            Output::Close { conn } => {
                if let Some(tx) = conns.remove(&conn) {
                    let _ = tx.try_send(ToConn::Close);
                }
            }
            Output::Media(action) => {
                for (c, r) in media.apply(core, action) {
                    send_reply(conns, c, r);
                }
            }
        }
    }
    stats
        .sessions
        .store(core.session_count() as u64, Ordering::Relaxed);
    stats
        .users
        .store(core.user_count() as u64, Ordering::Relaxed);
    // A connection that cannot keep up is dropped; it fails over like any lost socket.
    if slow.is_empty() {
        return;
    }
    for c in slow {
        if let Some(tx) = conns.remove(&c) {
            tracing::warn!("connection {c:?} too slow; dropping it");
            drop(tx);
            core.handle(Instant::now(), Input::Disconnected { conn: c });
        }
    }
    drain(core, media, conns, stats);
}
