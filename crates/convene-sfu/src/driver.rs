//! The thin tokio driver: one task owns the [`Sfu`] and the UDP socket (plus, with
//! [`run_with_tcp`], the ICE-TCP listener; each TCP connection has a reader and a writer task).

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use str0m::net::Protocol;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::mpsc;

use crate::{Command, Event, Output, Sfu, SfuConfig};

/// Largest datagram we read. WebRTC stays below ~1200 bytes; anything longer is not ours.
const RECV_BUF: usize = 2048;

/// Run the media plane on `socket` (UDP only; see [`run_with_tcp`] for the ICE-TCP
/// fallback) until `commands` is closed (all senders dropped).
///
/// Every peer shares `socket`; incoming datagrams are routed to the right peer with str0m's
/// `Rtc::accepts`. Events are sent with back-pressure: a slow event consumer slows media,
/// so keep the receiver drained. Returns when the command channel closes or the event
/// receiver is dropped; socket errors are returned.
pub async fn run(
    socket: UdpSocket,
    commands: mpsc::Receiver<Command>,
    events: mpsc::Sender<Event>,
) -> io::Result<()> {
    run_with_config(socket, SfuConfig::default(), commands, events).await
}

/// [`run`] with explicit tunables.
pub async fn run_with_config(
    socket: UdpSocket,
    config: SfuConfig,
    commands: mpsc::Receiver<Command>,
    events: mpsc::Sender<Event>,
) -> io::Result<()> {
    run_with_tcp(socket, None, config, commands, events).await
}

/// [`run_with_config`] plus ICE over TCP (RFC 6544) on `tcp`: the fallback for clients
/// whose UDP is blocked.
///
/// Every peer is offered a passive TCP host candidate on `tcp`'s local address next to the
/// UDP one (give the listener the same IP as `socket`, normally the same port number too;
/// like the UDP socket, it must be bound to a concrete IP, not `0.0.0.0`). Each accepted
/// connection carries RFC 4571 frames (a 2-byte big-endian length, then one STUN, DTLS,
/// RTP or RTCP packet) and is identified by its remote address, like a UDP source. With
/// `tcp: None` this is exactly [`run_with_config`].
///
/// One connection cannot disturb the others: each is read and written by its own tasks,
/// frames longer than [`MAX_TCP_FRAME`] close it, unparseable frames are dropped, and the
/// writes towards a connection that does not keep up are dropped like lost datagrams.
/// Listener errors (e.g. out of file descriptors) are logged, not returned.
pub async fn run_with_tcp(
    socket: UdpSocket,
    tcp: Option<TcpListener>,
    config: SfuConfig,
    mut commands: mpsc::Receiver<Command>,
    events: mpsc::Sender<Event>,
) -> io::Result<()> {
    let mut sfu = Sfu::with_config(socket.local_addr()?, config, Instant::now());
    if let Some(l) = &tcp {
        sfu.set_tcp_addr(Some(l.local_addr()?));
    }
    let mut conns = TcpConns::new();
    let mut buf = vec![0u8; RECV_BUF];
    let mut busy = std::time::Duration::ZERO;
    let mut busy_since = Instant::now();
    loop {
        // Drain everything the last input produced, then wait for the next input.
        let deadline = loop {
            match sfu.poll_output() {
                Output::Transmit(t) if t.proto == Protocol::Udp => {
                    if let Err(e) = socket.send_to(&t.contents, t.destination).await {
                        // One unreachable client must not stop the others.
                        tracing::debug!(destination = %t.destination, "send failed: {e}");
                    }
                }
                Output::Transmit(t) => conns.send(t.destination, t.contents),
                Output::Event(mut e) => {
                    if let Event::Stats(s) = &mut e {
                        s.driver_busy = busy + busy_since.elapsed();
                    }
                    if events.send(e).await.is_err() {
                        return Ok(());
                    }
                }
                Output::Timeout(t) => break t,
            }
        };
        busy += busy_since.elapsed();
        let woke = tokio::select! {
            received = socket.recv_from(&mut buf) => Wake::Datagram(received),
            command = commands.recv() => Wake::Command(command),
            accepted = accept(tcp.as_ref()) => Wake::Accept(accepted),
            // Never `None`: `conns` holds a sender itself.
            Some(frame) = conns.incoming.recv() => Wake::Tcp(frame),
            _ = tokio::time::sleep_until(deadline.into()) => Wake::Timeout,
        };
        busy_since = Instant::now();
        match woke {
            Wake::Datagram(Ok((n, source))) => sfu.handle_receive(busy_since, source, &buf[..n]),
            // ICMP "port unreachable" from a client that went away surfaces here on Linux.
            Wake::Datagram(Err(e))
                if e.kind() == io::ErrorKind::ConnectionRefused
                    || e.kind() == io::ErrorKind::ConnectionReset => {}
            Wake::Datagram(Err(e)) => return Err(e),
            Wake::Command(Some(c)) => sfu.handle_command(busy_since, c),
            Wake::Command(None) => return Ok(()),
            Wake::Accept(Ok((stream, remote))) => conns.open(stream, remote),
            Wake::Accept(Err(e)) => {
                // E.g. EMFILE: back off a little instead of spinning on the error.
                tracing::warn!("tcp accept failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Wake::Tcp(TcpIn::Frame(remote, frame)) => {
                sfu.handle_receive_tcp(busy_since, remote, &frame);
            }
            Wake::Tcp(TcpIn::Closed(remote, id)) => conns.closed(remote, id),
            Wake::Timeout => sfu.handle_timeout(busy_since),
        }
    }
}

/// Largest RFC 4571 frame accepted from (or sent on) an ICE-TCP connection. WebRTC packets
/// stay below ~1200 bytes like on UDP; a connection announcing a longer frame is not
/// speaking ICE-TCP and is closed.
pub const MAX_TCP_FRAME: usize = RECV_BUF;

/// At most this many ICE-TCP connections at once; further ones are closed at once.
const MAX_TCP_CONNS: usize = 4096;

/// Frames queued towards one connection before further ones are dropped.
const TCP_WRITE_QUEUE: usize = 256;

/// Accept on `listener`, or never without one.
async fn accept(listener: Option<&TcpListener>) -> io::Result<(TcpStream, SocketAddr)> {
    match listener {
        Some(l) => l.accept().await,
        None => std::future::pending().await,
    }
}

/// What the connection tasks tell the driver.
enum TcpIn {
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
struct TcpConns {
    writers: HashMap<SocketAddr, Conn>,
    next_id: u64,
    /// Handed to every reader task.
    incoming_tx: mpsc::Sender<TcpIn>,
    incoming: mpsc::Receiver<TcpIn>,
}

impl TcpConns {
    fn new() -> Self {
        let (incoming_tx, incoming) = mpsc::channel(1024);
        TcpConns {
            writers: HashMap::new(),
            next_id: 0,
            incoming_tx,
            incoming,
        }
    }

    /// Start the reader and writer tasks of a new connection.
    fn open(&mut self, stream: TcpStream, remote: SocketAddr) {
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
    fn send(&mut self, remote: SocketAddr, contents: Vec<u8>) {
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

    fn closed(&mut self, remote: SocketAddr, id: u64) {
        // Only if it is still the same connection (the address may be reused already).
        if self.writers.get(&remote).is_some_and(|c| c.id == id) {
            self.writers.remove(&remote);
        }
    }
}

/// Read RFC 4571 frames from one connection until it ends or misbehaves.
async fn read_frames(
    mut read: OwnedReadHalf,
    remote: SocketAddr,
    id: u64,
    incoming: mpsc::Sender<TcpIn>,
) {
    let mut frame = vec![0u8; MAX_TCP_FRAME];
    loop {
        let mut len = [0u8; 2];
        if read.read_exact(&mut len).await.is_err() {
            break;
        }
        let len = usize::from(u16::from_be_bytes(len));
        if len > MAX_TCP_FRAME {
            tracing::debug!(%remote, len, "tcp frame too long, closing");
            break;
        }
        if read.read_exact(&mut frame[..len]).await.is_err() {
            break;
        }
        if len == 0 {
            continue;
        }
        if incoming
            .send(TcpIn::Frame(remote, frame[..len].to_vec()))
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
async fn write_frames(mut write: OwnedWriteHalf, mut queue: mpsc::Receiver<Vec<u8>>) {
    let mut out = Vec::with_capacity(MAX_TCP_FRAME + 2);
    while let Some(frame) = queue.recv().await {
        // `send` dropped longer frames, so the length fits in u16.
        let Ok(len) = u16::try_from(frame.len()) else {
            continue;
        };
        out.clear();
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&frame);
        if write.write_all(&out).await.is_err() {
            return;
        }
    }
    let _ = write.shutdown().await;
}

/// What woke the driver.
enum Wake {
    Datagram(io::Result<(usize, SocketAddr)>),
    Command(Option<Command>),
    Accept(io::Result<(TcpStream, SocketAddr)>),
    Tcp(TcpIn),
    Timeout,
}
