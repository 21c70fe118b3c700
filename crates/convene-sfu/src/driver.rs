//! The thin tokio driver: one task owns the [`Sfu`] and the UDP socket (plus, with
//! [`run_with_tcp`], the ICE-TCP listener, whose connections live in [`crate::tcp`]).

use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use str0m::net::Protocol;
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::mpsc;

use crate::tcp::{accept, TcpConns, TcpIn};
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
/// frames longer than [`MAX_TCP_FRAME`](crate::MAX_TCP_FRAME) close it, unparseable frames
/// are dropped, and the writes towards a connection that does not keep up are dropped like
/// lost datagrams.
/// Listener errors (e.g. out of file descriptors) are logged, not returned.
pub async fn run_with_tcp(
    socket: UdpSocket,
    tcp: Option<TcpListener>,
    config: SfuConfig,
    mut commands: mpsc::Receiver<Command>,
    events: mpsc::Sender<Event>,
) -> io::Result<()> {
    let stats = config.stats.clone();
    let mut sfu = Sfu::with_config(socket.local_addr()?, config, Instant::now());
    if let Some(l) = &tcp {
        sfu.set_tcp_addr(Some(l.local_addr()?));
    }
    let mut conns = TcpConns::new();
    let mut buf = vec![0u8; RECV_BUF];
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
                Output::Event(e) => {
                    if events.send(e).await.is_err() {
                        return Ok(());
                    }
                }
                Output::Timeout(t) => break t,
            }
        };
        stats.loop_turn(busy_since.elapsed());
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

/// What woke the driver.
enum Wake {
    Datagram(io::Result<(usize, SocketAddr)>),
    Command(Option<Command>),
    Accept(io::Result<(TcpStream, SocketAddr)>),
    Tcp(TcpIn),
    Timeout,
}
