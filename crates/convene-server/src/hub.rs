//! The hub: one task that owns the session core and fans its outputs out to connections.

use axum::extract::ws::Utf8Bytes;
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
    pub(crate) fn spawn(config: convene_session::Config) -> Hub {
        let (tx, rx) = mpsc::unbounded_channel();
        let stats = Arc::new(Stats::default());
        let now = Instant::now();
        let epoch_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let core = Core::new(config, now, epoch_ms, rand::random());
        tokio::spawn(run(core, rx, stats.clone()));
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

async fn run(mut core: Core, mut rx: mpsc::UnboundedReceiver<HubMsg>, stats: Arc<Stats>) {
    let mut conns: HashMap<ConnId, mpsc::Sender<ToConn>> = HashMap::new();
    loop {
        let deadline = core.poll_timeout();
        let msg = match deadline {
            Some(at) => {
                tokio::select! {
                    m = rx.recv() => m,
                    _ = tokio::time::sleep_until(at.into()) => {
                        core.handle(Instant::now(), Input::Timeout);
                        drain(&mut core, &mut conns, &stats);
                        continue;
                    }
                }
            }
            None => rx.recv().await,
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
                drain(&mut core, &mut conns, &stats);
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

fn drain(core: &mut Core, conns: &mut HashMap<ConnId, mpsc::Sender<ToConn>>, stats: &Stats) {
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
    drain(core, conns, stats);
}
