//! The thin tokio driver: one task owns the [`Sfu`] and the UDP socket (plus, with
//! [`run_with_tcp`], the ICE-TCP listener, whose connections live in [`crate::tcp`]).

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use str0m::net::Protocol;
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::mpsc::{self, error::TrySendError};

use crate::tcp::{accept_loop, TcpConns, TcpIn, TcpLimits};
use crate::{Command, Event, Output, Sfu, SfuConfig, Transmit};

/// Largest datagram we read. WebRTC stays below ~1200 bytes; anything longer is not ours.
const RECV_BUF: usize = 2048;

/// Run the media plane on `socket` (UDP only; see [`run_with_tcp`] for the ICE-TCP
/// fallback) until `commands` is closed (all senders dropped).
///
/// Every peer shares `socket`; incoming datagrams are routed to their peer by ICE ufrag or
/// source address. Peers, permissions and attachments are best set through
/// [`SfuConfig::control`] (never dropped); `commands` carries the rest (offers,
/// candidates) and still accepts every [`Command`]. Events never slow media: see
/// [`run_with_tcp`]. Returns when the command channel closes or the event receiver is
/// dropped; socket errors are returned.
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
/// frames longer than [`MAX_TCP_FRAME`](crate::MAX_TCP_FRAME) close it, unparseable frames
/// are dropped, and the writes towards a connection that does not keep up are dropped like
/// lost datagrams. A connection none of whose frames a peer takes within
/// [`SfuConfig::tcp_handshake_timeout`], or silent for [`SfuConfig::tcp_idle_timeout`], is
/// closed. Listener errors (e.g. out of file descriptors) are logged and backed off in the
/// accept task, never on the media loop.
///
/// # Never waiting
///
/// The media loop waits on nothing but its inputs: the changes of [`SfuConfig::control`]
/// are applied first at every wake-up (they are state, never dropped); a datagram the socket
/// cannot take at once is dropped like a lost one; events the receiver cannot take at once
/// wait in a backlog of at most [`SfuConfig::event_backlog`].
pub async fn run_with_tcp(
    socket: UdpSocket,
    tcp: Option<TcpListener>,
    config: SfuConfig,
    mut commands: mpsc::Receiver<Command>,
    events: mpsc::Sender<Event>,
) -> io::Result<()> {
    let stats = config.stats.clone();
    let control = config.control.clone();
    let mut events = EventOut::new(events, config.event_backlog);
    let limits = TcpLimits::from(&config);
    let mut sfu = Sfu::with_config(socket.local_addr()?, config, Instant::now());
    // Accepting runs in its own task, so its errors (EMFILE) back off there, not here.
    let (accepted_tx, mut accepted) = mpsc::channel(ACCEPT_QUEUE);
    let _acceptor = match tcp {
        Some(l) => {
            sfu.set_tcp_addr(Some(l.local_addr()?));
            Some(AbortOnDrop(tokio::spawn(accept_loop(l, accepted_tx))))
        }
        None => None,
    };
    let mut conns = TcpConns::new(limits);
    let mut buf = vec![0u8; RECV_BUF];
    let mut busy_since = Instant::now();
    loop {
        // Drain everything the last input produced, then wait for the next input.
        let deadline = loop {
            match sfu.poll_output() {
                Output::Transmit(t) if t.proto == Protocol::Udp => send_udp(&socket, &t),
                Output::Transmit(t) => conns.send(t.destination, t.contents),
                Output::Event(e) => {
                    if events.push(e).is_err() {
                        return Ok(());
                    }
                }
                Output::Timeout(t) => break t,
            }
        };
        stats.loop_turn(busy_since.elapsed());
        let woke = tokio::select! {
            _ = control.changed() => Wake::Control,
            room = events.room() => match room {
                Ok(()) => Wake::Control,
                Err(Closed) => return Ok(()),
            },
            received = socket.recv_from(&mut buf) => Wake::Datagram(received),
            command = commands.recv() => Wake::Command(command),
            Some((stream, remote)) = accepted.recv() => Wake::Accept(stream, remote),
            // Never `None`: `conns` holds a sender itself.
            Some(frame) = conns.incoming.recv() => Wake::Tcp(frame),
            _ = tokio::time::sleep_until(deadline.into()) => Wake::Timeout,
        };
        busy_since = Instant::now();
        // Control first, whatever woke us: no command or datagram overtakes a change made
        // before it (an offer finds its peer; a removed peer gets nothing more).
        for c in control.take() {
            sfu.handle_command(busy_since, c);
        }
        match woke {
            Wake::Control => {}
            Wake::Datagram(Ok((n, source))) => sfu.handle_receive(busy_since, source, &buf[..n]),
            // ICMP "port unreachable" from a client that went away surfaces here on Linux.
            Wake::Datagram(Err(e))
                if e.kind() == io::ErrorKind::ConnectionRefused
                    || e.kind() == io::ErrorKind::ConnectionReset => {}
            Wake::Datagram(Err(e)) => return Err(e),
            Wake::Command(Some(c)) => sfu.handle_command(busy_since, c),
            Wake::Command(None) => return Ok(()),
            Wake::Accept(stream, remote) => conns.open(stream, remote),
            Wake::Tcp(TcpIn::Frame(remote, frame)) => {
                if sfu.handle_receive_tcp(busy_since, remote, &frame) {
                    conns.established(remote);
                }
            }
            Wake::Tcp(TcpIn::Closed(remote, id)) => conns.closed(remote, id),
            Wake::Timeout => sfu.handle_timeout(busy_since),
        }
    }
}

/// Accepted ICE-TCP connections waiting for the media loop to open them.
const ACCEPT_QUEUE: usize = 64;

/// One datagram out, never waiting: a full socket buffer loses it, like the network would.
fn send_udp(socket: &UdpSocket, t: &Transmit) {
    if let Err(e) = socket.try_send_to(&t.contents, t.destination) {
        // One unreachable client must not stop the others.
        tracing::debug!(destination = %t.destination, "send failed: {e}");
    }
}

/// The event receiver is gone: the driver stops.
struct Closed;

/// Events towards the signalling layer, sent without waiting: what the receiver cannot take
/// now waits here, up to a bound.
struct EventOut {
    tx: mpsc::Sender<Event>,
    backlog: VecDeque<Event>,
    max: usize,
    dropped: u64,
}

impl EventOut {
    fn new(tx: mpsc::Sender<Event>, max: usize) -> Self {
        EventOut {
            tx,
            backlog: VecDeque::new(),
            max,
            dropped: 0,
        }
    }

    fn push(&mut self, e: Event) -> Result<(), Closed> {
        if self.backlog.is_empty() {
            match self.tx.try_send(e) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Closed(_)) => return Err(Closed),
                Err(TrySendError::Full(e)) => self.backlog.push_back(e),
            }
        } else if self.backlog.len() < self.max {
            self.backlog.push_back(e);
        } else {
            self.dropped += 1;
            if self.dropped.is_power_of_two() {
                tracing::error!(
                    dropped = self.dropped,
                    "event receiver stuck; events dropped"
                );
            }
        }
        Ok(())
    }

    /// Waits until the receiver has room for the backlog (forever when there is none), then
    /// moves as much of it as fits.
    async fn room(&mut self) -> Result<(), Closed> {
        if self.backlog.is_empty() {
            return std::future::pending().await;
        }
        let permit = self.tx.reserve().await.map_err(|_| Closed)?;
        if let Some(e) = self.backlog.pop_front() {
            permit.send(e);
        }
        while let Some(e) = self.backlog.pop_front() {
            match self.tx.try_send(e) {
                Ok(()) => {}
                Err(TrySendError::Full(e)) => {
                    self.backlog.push_front(e);
                    break;
                }
                Err(TrySendError::Closed(_)) => return Err(Closed),
            }
        }
        Ok(())
    }
}

/// Aborts a task when dropped (the accept task holds the listener, which must close with
/// the driver).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What woke the driver.
enum Wake {
    /// Control changed or the event backlog moved: nothing else to do.
    Control,
    Datagram(io::Result<(usize, SocketAddr)>),
    Command(Option<Command>),
    Accept(TcpStream, SocketAddr),
    Tcp(TcpIn),
    Timeout,
}
