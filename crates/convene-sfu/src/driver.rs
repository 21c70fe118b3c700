//! The thin tokio driver: one task owns the [`Sfu`] and the socket.

use std::io;
use std::time::Instant;

use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use crate::{Command, Event, Output, Sfu, SfuConfig};

/// Largest datagram we read. WebRTC stays below ~1200 bytes; anything longer is not ours.
const RECV_BUF: usize = 2048;

/// Run the media plane on `socket` until `commands` is closed (all senders dropped).
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
    mut commands: mpsc::Receiver<Command>,
    events: mpsc::Sender<Event>,
) -> io::Result<()> {
    let mut sfu = Sfu::with_config(socket.local_addr()?, config, Instant::now());
    let mut buf = vec![0u8; RECV_BUF];
    let mut busy = std::time::Duration::ZERO;
    let mut busy_since = Instant::now();
    loop {
        // Drain everything the last input produced, then wait for the next input.
        let deadline = loop {
            match sfu.poll_output() {
                Output::Transmit(t) => {
                    if let Err(e) = socket.send_to(&t.contents, t.destination).await {
                        // One unreachable client must not stop the others.
                        tracing::debug!(destination = %t.destination, "send failed: {e}");
                    }
                }
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
            Wake::Timeout => sfu.handle_timeout(busy_since),
        }
    }
}

/// What woke the driver.
enum Wake {
    Datagram(io::Result<(usize, std::net::SocketAddr)>),
    Command(Option<Command>),
    Timeout,
}
