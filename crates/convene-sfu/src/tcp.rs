//! The driver's ICE-TCP connections (RFC 6544): each accepted connection has a reader and a
//! writer task speaking RFC 4571 frames ([`convene_rfc4571`]), and is known to the driver by
//! its remote address, like a UDP source.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;

use convene_rfc4571::Bytes;
use futures_util::{SinkExt, StreamExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// Largest RFC 4571 frame accepted from (or sent on) an ICE-TCP connection. WebRTC packets
/// stay below ~1200 bytes like on UDP; a connection announcing a longer frame is not
/// speaking ICE-TCP and is closed.
pub const MAX_TCP_FRAME: usize = convene_rfc4571::MAX_FRAME;

/// At most this many ICE-TCP connections at once; further ones are closed at once.
const MAX_TCP_CONNS: usize = 4096;

/// Frames queued towards one connection before further ones are dropped.
const TCP_WRITE_QUEUE: usize = 256;

/// Accept on `listener`, or never without one.
pub(crate) async fn accept(listener: Option<&TcpListener>) -> io::Result<(TcpStream, SocketAddr)> {
    match listener {
        Some(l) => l.accept().await,
        None => std::future::pending().await,
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
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// The open ICE-TCP connections: remote address → the queue of its writer task.
pub(crate) struct TcpConns {
    writers: HashMap<SocketAddr, Conn>,
    next_id: u64,
    /// Handed to every reader task.
    incoming_tx: mpsc::Sender<TcpIn>,
    /// What the reader tasks report. Never closed: `incoming_tx` is kept here.
    pub(crate) incoming: mpsc::Receiver<TcpIn>,
}

impl TcpConns {
    pub(crate) fn new() -> Self {
        let (incoming_tx, incoming) = mpsc::channel(1024);
        TcpConns {
            writers: HashMap::new(),
            next_id: 0,
            incoming_tx,
            incoming,
        }
    }

    /// Start the reader and writer tasks of a new connection.
    pub(crate) fn open(&mut self, stream: TcpStream, remote: SocketAddr) {
        if self.writers.len() >= MAX_TCP_CONNS {
            tracing::warn!(%remote, "too many tcp connections, closing");
            return;
        }
        // Media is latency-sensitive: no Nagle.
        let _ = stream.set_nodelay(true);
        self.next_id += 1;
        let id = self.next_id;
        let (read, write) = stream.into_split();
        let (tx, rx) = mpsc::channel(TCP_WRITE_QUEUE);
        tokio::spawn(write_frames(write, rx));
        let reader = tokio::spawn(read_frames(read, remote, id, self.incoming_tx.clone()));
        // A new connection from the same address replaces the old one, whose tasks end when
        // its `Conn` is dropped here.
        let conn = Conn {
            id,
            tx,
            reader: reader.abort_handle(),
        };
        self.writers.insert(remote, conn);
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

    /// The connection's reader reported its end.
    pub(crate) fn closed(&mut self, remote: SocketAddr, id: u64) {
        // Only if it is still the same connection (the address may be reused already).
        if self.writers.get(&remote).is_some_and(|c| c.id == id) {
            self.writers.remove(&remote);
        }
    }
}

/// Read RFC 4571 frames from one connection until it ends or misbehaves (a frame longer
/// than [`MAX_TCP_FRAME`] ends it).
async fn read_frames(
    read: OwnedReadHalf,
    remote: SocketAddr,
    id: u64,
    incoming: mpsc::Sender<TcpIn>,
) {
    let mut frames = convene_rfc4571::reader(read);
    while let Some(frame) = frames.next().await {
        let frame = match frame {
            Ok(f) => f,
            Err(e) => {
                tracing::debug!(%remote, "tcp connection closing: {e}");
                break;
            }
        };
        if incoming
            .send(TcpIn::Frame(remote, frame.to_vec()))
            .await
            .is_err()
        {
            // The driver stopped.
            return;
        }
    }
    let _ = incoming.send(TcpIn::Closed(remote, id)).await;
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
