//! The way into a session task: its handle, the messages it takes and sends, and what it tells
//! the directory it lives in. Every other module of the server meets here, so this one
//! imports none of them.

use axum::extract::ws::Utf8Bytes;
use convene_protocol::{JoinParams, ResumeParams, SessionId};
use convene_session::{ConnId, Input, JoinToken};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use tokio::sync::{mpsc, Notify};

/// Inbox depth of one session task. Connections wait when it is full (back-pressure on the
/// senders of that session only); the media plane never waits and drops instead.
pub(crate) const SESSION_INBOX: usize = 1024;

/// Per-connection outgoing queue depth; a client that falls this far behind is dropped.
pub(crate) const CONN_QUEUE: usize = 4096;

/// What a session task tells a connection task.
#[derive(Debug)]
pub(crate) enum ToConn {
    /// Write this text frame.
    Text(Utf8Bytes),
    /// Close the socket (after the frames before it).
    Close,
    /// The join or resume failed: the connection is in no session.
    Unbound,
    /// This session ended before it could take the join: route it again.
    Reroute(u64, Attach),
}

/// A connection's queue as session tasks hold it: bounded and never awaited, plus a way to
/// drop the connection when it falls too far behind (its queue is full, so a message could
/// not say it).
#[derive(Debug, Clone)]
pub(crate) struct ConnTx {
    queue: mpsc::Sender<ToConn>,
    kick: Arc<Notify>,
}

impl ConnTx {
    /// A new queue of [`CONN_QUEUE`] messages, and the connection task's ends of it.
    pub(crate) fn new() -> (ConnTx, mpsc::Receiver<ToConn>, Arc<Notify>) {
        let (queue, rx) = mpsc::channel(CONN_QUEUE);
        let kick = Arc::new(Notify::new());
        (
            ConnTx {
                queue,
                kick: kick.clone(),
            },
            rx,
            kick,
        )
    }

    /// Queues `m`; `false` when the queue is full (the client does not keep up) or gone.
    pub(crate) fn push(&self, m: ToConn) -> bool {
        self.queue.try_send(m).is_ok()
    }

    /// Tells the connection task to close its socket at once.
    pub(crate) fn kick(&self) {
        self.kick.notify_one();
    }
}

/// A join or a resume: the requests that bring a connection into a session.
#[derive(Debug)]
pub(crate) enum Attach {
    /// A join whose parameters and token the connection task has checked.
    Join {
        /// The parameters.
        params: JoinParams,
        /// The verified token.
        token: JoinToken,
    },
    /// A failover resume.
    Resume(ResumeParams),
}

/// A session task's inbox.
#[derive(Debug)]
pub(crate) enum SessionMsg {
    /// A connection asks in: its queue, the request id, the request, and when it arrived.
    Attach {
        conn: ConnId,
        tx: ConnTx,
        id: u64,
        attach: Attach,
        received: Instant,
    },
    /// A request or a disconnect from a connection in this session.
    Input(Input),
    /// An event of the media plane about this session.
    Media(convene_sfu::Event),
    /// Test hook: the task stops working until the sender is dropped or fires.
    #[cfg(test)]
    Stall(tokio::sync::oneshot::Receiver<()>),
}

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

/// What a session task tells the directory it lives in.
pub(crate) trait Registry: Send + Sync + std::fmt::Debug + 'static {
    /// The first join started the session: it can now be found by id.
    fn started(&self, handle: &SessionHandle);
    /// The session ended; the task stops taking joins. A later `route` starts a new one.
    fn ended(&self, handle: &SessionHandle);
}
