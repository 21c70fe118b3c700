//! The driver's ICE-TCP connections (RFC 6544): each accepted connection has a reader and a
//! writer task speaking RFC 4571 frames ([`convene_rfc4571`]), and is known to the driver by
//! its remote address, like a UDP source.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use convene_rfc4571::Bytes;
use futures_util::{SinkExt, StreamExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::SfuConfig;

/// Largest RFC 4571 frame accepted from (or sent on) an ICE-TCP connection. WebRTC packets
/// stay below ~1200 bytes like on UDP; a connection announcing a longer frame is not
/// speaking ICE-TCP and is closed.
pub const MAX_TCP_FRAME: usize = convene_rfc4571::MAX_FRAME;

/// Frames queued towards one connection before further ones are dropped.
const TCP_WRITE_QUEUE: usize = 256;

/// First wait after a failed `accept`; doubled on each failure in a row, up to
/// [`ACCEPT_BACKOFF_MAX`].
const ACCEPT_BACKOFF_MIN: Duration = Duration::from_millis(10);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// The ICE-TCP limits of [`SfuConfig`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct TcpLimits {
    handshake: Duration,
    idle: Duration,
    max_conns: usize,
    max_per_ip: usize,
}

impl From<&SfuConfig> for TcpLimits {
    fn from(c: &SfuConfig) -> Self {
        TcpLimits {
            handshake: c.tcp_handshake_timeout,
            idle: c.tcp_idle_timeout,
            max_conns: c.tcp_max_connections,
            max_per_ip: c.tcp_max_connections_per_ip,
        }
    }
}

/// Accept on `listener` and hand each connection to the driver, until the driver is gone.
/// An error (e.g. EMFILE: out of file descriptors) backs off here, in this task, so the
/// media loop never sleeps; the pending connection stays in the backlog until then.
pub(crate) async fn accept_loop(listener: TcpListener, out: mpsc::Sender<(TcpStream, SocketAddr)>) {
    let mut backoff = ACCEPT_BACKOFF_MIN;
    loop {
        match listener.accept().await {
            Ok(conn) => {
                if backoff > ACCEPT_BACKOFF_MIN {
                    tracing::warn!("tcp accept works again");
                }
                backoff = ACCEPT_BACKOFF_MIN;
                if out.send(conn).await.is_err() {
                    return;
                }
            }
            Err(e) => {
                // Logged once per run of failures (the wait grows on each).
                if backoff == ACCEPT_BACKOFF_MIN {
                    tracing::warn!("tcp accept failed, retrying with back-off: {e}");
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
            }
        }
    }
}

/// What the connection tasks tell the driver.
pub(crate) enum TcpIn {
    /// One frame, without its length prefix.
    Frame(SocketAddr, Vec<u8>),
    /// The connection with this id ended (EOF, error or protocol violation).
    Closed(SocketAddr, u64),
}

/// One open connection, as the driver sees it.
struct Conn {
    id: u64,
    /// Its writer task's queue; dropping it ends the writer (and closes our side).
    tx: mpsc::Sender<Vec<u8>>,
    /// Its reader task, aborted when the connection is replaced or the driver stops, so an
    /// idle client cannot keep it alive.
    reader: tokio::task::AbortHandle,
    /// A peer took one of its frames: the reader's handshake deadline no longer applies.
    established: Arc<AtomicBool>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// The open ICE-TCP connections: remote address → the queue of its writer task.
pub(crate) struct TcpConns {
    writers: HashMap<SocketAddr, Conn>,
    /// Open connections per remote IP address (entries at zero are removed).
    per_ip: HashMap<IpAddr, usize>,
    next_id: u64,
    limits: TcpLimits,
    /// Handed to every reader task.
    incoming_tx: mpsc::Sender<TcpIn>,
    /// What the reader tasks report. Never closed: `incoming_tx` is kept here.
    pub(crate) incoming: mpsc::Receiver<TcpIn>,
}

impl TcpConns {
    pub(crate) fn new(limits: TcpLimits) -> Self {
        let (incoming_tx, incoming) = mpsc::channel(1024);
        TcpConns {
            writers: HashMap::new(),
            per_ip: HashMap::new(),
            next_id: 0,
            limits,
            incoming_tx,
            incoming,
        }
    }

    /// Start the reader and writer tasks of a new connection.
    pub(crate) fn open(&mut self, stream: TcpStream, remote: SocketAddr) {
        // A new connection from an address already connected replaces the old one below,
        // so it takes no new place under either cap.
        let replaces = self.writers.contains_key(&remote);
        if !replaces && self.writers.len() >= self.limits.max_conns {
            tracing::warn!(%remote, "too many tcp connections, closing");
            return;
        }
        let from_ip = self.per_ip.get(&remote.ip()).copied().unwrap_or(0);
        if !replaces && from_ip >= self.limits.max_per_ip {
            tracing::debug!(%remote, "too many tcp connections from this address, closing");
            return;
        }
        // Media is latency-sensitive: no Nagle.
        let _ = stream.set_nodelay(true);
        self.next_id += 1;
        let id = self.next_id;
        let (read, write) = stream.into_split();
        let (tx, rx) = mpsc::channel(TCP_WRITE_QUEUE);
        tokio::spawn(write_frames(write, rx));
        let established = Arc::new(AtomicBool::new(false));
        let reader = tokio::spawn(read_frames(
            read,
            Reader {
                remote,
                id,
                incoming: self.incoming_tx.clone(),
                established: established.clone(),
                limits: self.limits,
            },
        ));
        // A new connection from the same address replaces the old one, whose tasks end when
        // its `Conn` is dropped here.
        let conn = Conn {
            id,
            tx,
            reader: reader.abort_handle(),
            established,
        };
        if self.writers.insert(remote, conn).is_none() {
            *self.per_ip.entry(remote.ip()).or_default() += 1;
        }
    }

    /// Queue `contents` on the connection from `remote`; dropped if there is none or it is
    /// full (TCP towards that client is stalled: like a lost datagram).
    pub(crate) fn send(&mut self, remote: SocketAddr, contents: Vec<u8>) {
        let Some(Conn { tx, .. }) = self.writers.get(&remote) else {
            tracing::trace!(%remote, "no tcp connection for transmit");
            return;
        };
        if contents.len() > MAX_TCP_FRAME {
            tracing::debug!(%remote, len = contents.len(), "tcp frame too long, dropped");
            return;
        }
        if let Err(e) = tx.try_send(contents) {
            tracing::debug!(%remote, "tcp transmit dropped: {e}");
        }
    }

    /// A peer took a frame of the connection from `remote`: it speaks ICE-TCP.
    pub(crate) fn established(&mut self, remote: SocketAddr) {
        if let Some(c) = self.writers.get(&remote) {
            c.established.store(true, Ordering::Relaxed);
        }
    }

    /// The connection's reader reported its end.
    pub(crate) fn closed(&mut self, remote: SocketAddr, id: u64) {
        // Only if it is still the same connection (the address may be reused already).
        if self.writers.get(&remote).is_some_and(|c| c.id == id) {
            self.writers.remove(&remote);
            if let Some(n) = self.per_ip.get_mut(&remote.ip()) {
                *n -= 1;
                if *n == 0 {
                    self.per_ip.remove(&remote.ip());
                }
            }
        }
    }
}

/// What a reader task knows of its connection.
struct Reader {
    remote: SocketAddr,
    id: u64,
    incoming: mpsc::Sender<TcpIn>,
    established: Arc<AtomicBool>,
    limits: TcpLimits,
}

/// Read RFC 4571 frames from one connection until it ends or misbehaves: a frame longer
/// than [`MAX_TCP_FRAME`], no frame taken by a peer within the handshake timeout, or no
/// frame at all for the idle timeout.
async fn read_frames(read: OwnedReadHalf, r: Reader) {
    let remote = r.remote;
    let mut frames = convene_rfc4571::reader(read);
    let handshake_end = Instant::now() + r.limits.handshake;
    loop {
        let established = r.established.load(Ordering::Relaxed);
        let until = if established {
            Instant::now() + r.limits.idle
        } else {
            handshake_end
        };
        // `next` on a framed reader is cancel-safe: a timeout loses no partial frame.
        let frame = match tokio::time::timeout_at(until, frames.next()).await {
            Ok(Some(Ok(f))) => f,
            Ok(Some(Err(e))) => {
                tracing::debug!(%remote, "tcp connection closing: {e}");
                break;
            }
            Ok(None) => break,
            // The driver may have marked it established meanwhile: look again.
            Err(_) if !established && r.established.load(Ordering::Relaxed) => continue,
            Err(_) => {
                let what = if established {
                    "idle"
                } else {
                    "no ICE handshake"
                };
                tracing::debug!(%remote, "tcp connection closing: {what}");
                break;
            }
        };
        if r.incoming
            .send(TcpIn::Frame(remote, frame.to_vec()))
            .await
            .is_err()
        {
            // The driver stopped.
            return;
        }
    }
    let _ = r.incoming.send(TcpIn::Closed(remote, r.id)).await;
}

/// Write RFC 4571 frames to one connection until the driver drops its queue or a write
/// fails.
async fn write_frames(write: OwnedWriteHalf, mut queue: mpsc::Receiver<Vec<u8>>) {
    let mut frames = convene_rfc4571::writer(write);
    while let Some(frame) = queue.recv().await {
        // `send` dropped frames longer than MAX_TCP_FRAME, so encoding cannot refuse it.
        if frames.send(Bytes::from(frame)).await.is_err() {
            return;
        }
    }
    let _ = SinkExt::<Bytes>::close(&mut frames).await;
}
