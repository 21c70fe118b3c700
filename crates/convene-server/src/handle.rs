//! The way into a session task: its handle, the messages it takes and sends, and what it tells
//! the directory it lives in. Every other module of the server meets here, so this one
//! imports none of them.

use convene_protocol::Participant;
use convene_protocol::{JoinParams, ResumeParams, SessionId};
use convene_session::{Admin, AdminError, ConnId, Input, JoinToken, SessionInfo};
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use tokio::sync::{mpsc, oneshot, Notify};
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// Inbox depth of one session task. Connections wait when it is full (back-pressure on the
/// senders of that session only); the media plane never waits and drops instead.
pub(crate) const SESSION_INBOX: usize = 1024;

/// Bytes of text a connection's queue holds at most; a client that falls this far behind is
/// dropped. (The frames themselves are shared by all recipients; this bounds what one slow
/// client keeps alive.)
pub(crate) const CONN_QUEUE_BYTES: usize = 1024 * 1024;

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
    /// Bytes of text queued and not yet taken by the connection task.
    queued: Arc<AtomicUsize>,
}

/// The connection task's end of its queue.
#[derive(Debug)]
pub(crate) struct ConnRx {
    queue: mpsc::Receiver<ToConn>,
    queued: Arc<AtomicUsize>,
    /// Taken off the queue by [`ConnRx::text_now`] but not text: next for [`ConnRx::recv`].
    held: Option<ToConn>,
}

impl ConnRx {
    /// The next message for the socket.
    pub(crate) async fn recv(&mut self) -> Option<ToConn> {
        if let Some(m) = self.held.take() {
            return Some(m);
        }
        let m = self.queue.recv().await;
        if let Some(ToConn::Text(t)) = &m {
            self.queued.fetch_sub(t.len(), Ordering::Relaxed);
        }
        m
    }

    /// The next message if it is text already queued, so a writer can send what queued up
    /// together; anything else stays first in line for [`ConnRx::recv`].
    pub(crate) fn text_now(&mut self) -> Option<Utf8Bytes> {
        if self.held.is_some() {
            return None;
        }
        match self.queue.try_recv().ok()? {
            ToConn::Text(t) => {
                self.queued.fetch_sub(t.len(), Ordering::Relaxed);
                Some(t)
            }
            other => {
                self.held = Some(other);
                None
            }
        }
    }
}

impl ConnTx {
    /// A new queue of at most [`CONN_QUEUE`] messages and [`CONN_QUEUE_BYTES`] bytes, the
    /// connection task's end of it, and the signal that tells it to close at once.
    pub(crate) fn new() -> (ConnTx, ConnRx, Arc<Notify>) {
        let (queue, rx) = mpsc::channel(CONN_QUEUE);
        let kick = Arc::new(Notify::new());
        let queued = Arc::new(AtomicUsize::new(0));
        let tx = ConnTx {
            queue,
            kick: kick.clone(),
            queued: queued.clone(),
        };
        (
            tx,
            ConnRx {
                queue: rx,
                queued,
                held: None,
            },
            kick,
        )
    }

    /// Queues `m`; `false` when the queue is full in messages or bytes (the client does not
    /// keep up) or gone.
    pub(crate) fn push(&self, m: ToConn) -> bool {
        let bytes = match &m {
            ToConn::Text(t) => t.len(),
            _ => 0,
        };
        if bytes > 0 && self.queued.load(Ordering::Relaxed) + bytes > CONN_QUEUE_BYTES {
            return false;
        }
        if self.queue.try_send(m).is_err() {
            return false;
        }
        self.queued.fetch_add(bytes, Ordering::Relaxed);
        true
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
    /// A connection asks in: its queue, its client's address, the request id, the request,
    /// and when it arrived.
    Attach {
        conn: ConnId,
        tx: ConnTx,
        from: IpAddr,
        id: u64,
        attach: Attach,
        received: Instant,
    },
    /// A request or a disconnect from a connection in this session.
    Input(Input),
    /// An event of the media plane about this session.
    Media(convene_sfu::Event),
    /// An app's backend (the REST API) ends the session or removes a user, as the host would.
    Admin {
        action: Admin,
        done: oneshot::Sender<Result<(), AdminError>>,
    },
    /// The REST API reads the session and its users (`None`: it has ended).
    Read {
        done: oneshot::Sender<Option<(SessionInfo, Vec<Participant>)>>,
    },
    /// The session's durable state, for the cluster's store (`None`: not started or ended).
    Snapshot {
        done: oneshot::Sender<Option<convene_session::Snapshot>>,
    },
    /// Another node now hosts this session: stop without ending it. The connections close
    /// without a word, so their clients fail over and are sent to the new host.
    Evict,
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
    /// When it started, milliseconds since the Unix epoch.
    pub(crate) started_ms: OnceLock<u64>,
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
            started_ms: *self.shared.started_ms.get()?,
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
    /// When it started, milliseconds since the Unix epoch.
    pub(crate) started_ms: u64,
    pub(crate) users: usize,
}

/// What a session task tells the directory it lives in.
pub(crate) trait Registry: Send + Sync + std::fmt::Debug + 'static {
    /// The first join started the session: it can now be found by id.
    fn started(&self, handle: &SessionHandle);
    /// The session ended; the task stops taking joins. A later `route` starts a new one.
    fn ended(&self, handle: &SessionHandle);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &'static str) -> ToConn {
        ToConn::Text(Utf8Bytes::from_static(s))
    }

    fn is_text(m: Option<ToConn>, want: &str) -> bool {
        matches!(m, Some(ToConn::Text(t)) if t.as_str() == want)
    }

    #[tokio::test]
    async fn a_writer_takes_queued_text_in_order_and_stops_at_anything_else() {
        let (tx, mut rx, _kick) = ConnTx::new();
        for m in [text("a"), text("b"), ToConn::Unbound, text("c")] {
            assert!(tx.push(m));
        }
        assert!(is_text(rx.recv().await, "a"));
        assert_eq!(rx.text_now().as_deref(), Some("b"));
        // The next is not text: it waits, first in line, for recv.
        assert_eq!(rx.text_now(), None);
        assert_eq!(rx.text_now(), None);
        assert!(matches!(rx.recv().await, Some(ToConn::Unbound)));
        assert_eq!(rx.text_now().as_deref(), Some("c"));
        assert_eq!(rx.text_now(), None);
        // Every byte taken is uncounted, so the byte bound sees an empty queue.
        assert_eq!(tx.queued.load(Ordering::Relaxed), 0);
    }
}
