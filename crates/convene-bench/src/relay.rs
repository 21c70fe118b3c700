//! [`Relay`]: the raw relay, the floor a forwarding server is compared with.

use std::collections::HashMap;
use std::io;
use std::net::{SocketAddr, SocketAddrV4, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::cipher::{PacketKey, INGRESS_KEY};
use crate::sys::{self, RawAddr};
use crate::wire::{self, Header, AUDIO_TRACK, HEADER_LEN, VIDEO_TRACK_BASE};

/// What the relay forwards to whom.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// Audio of publishers `0..audio_slots` goes to every receiver; other publishers' audio
    /// is dropped. This stands for an SFU's "the N loudest speakers" (Convene's default is 3).
    pub audio_slots: u16,
    /// Socket send and receive buffer, bytes (the kernel may cap it at `wmem_max`/`rmem_max`).
    pub socket_buffer: usize,
}

impl Default for RelayConfig {
    fn default() -> Self {
        RelayConfig {
            audio_slots: 3,
            socket_buffer: 8 << 20,
        }
    }
}

/// One registered receiver.
struct Receiver {
    index: u32,
    /// The video layer it receives.
    layer: u8,
    addr: RawAddr,
    key: PacketKey,
}

/// Receives media on one UDP socket and sends each datagram to every receiver that wants it:
/// opened once, then per copy the header rewritten (`ssrc` = the receiver's index) and the
/// whole sealed with the receiver's key, all copies of one input in one `sendmmsg` batch.
///
/// A receiver registers by sending a [`wire::hello`] from its socket; the relay echoes it as
/// the acknowledgement. Datagrams that are neither a hello nor an authentic media datagram
/// are dropped. IPv4 only.
pub struct Relay {
    socket: UdpSocket,
    config: RelayConfig,
    ingress: PacketKey,
    receivers: Vec<Receiver>,
    by_addr: HashMap<SocketAddr, usize>,
    /// The copies of the current input (buffers reused from input to input).
    copies: Vec<Vec<u8>>,
    copy_addrs: Vec<RawAddr>,
}

impl Relay {
    /// Binds the relay's socket on `addr` (e.g. `127.0.0.1:0`).
    pub fn bind(addr: SocketAddrV4, config: RelayConfig) -> io::Result<Relay> {
        let socket = socket2::Socket::new(
            socket2::Domain::IPV4,
            socket2::Type::DGRAM,
            Some(socket2::Protocol::UDP),
        )?;
        // Best effort: the kernel caps these at its maxima.
        let _ = socket.set_send_buffer_size(config.socket_buffer);
        let _ = socket.set_recv_buffer_size(config.socket_buffer);
        socket.bind(&SocketAddr::V4(addr).into())?;
        Ok(Relay {
            socket: socket.into(),
            config,
            ingress: PacketKey::new(INGRESS_KEY),
            receivers: Vec::new(),
            by_addr: HashMap::new(),
            copies: Vec::new(),
            copy_addrs: Vec::new(),
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    /// Serves until `stop` is set (checked at least every 100 ms).
    pub fn run(&mut self, stop: &AtomicBool) -> io::Result<()> {
        self.socket
            .set_read_timeout(Some(Duration::from_millis(100)))?;
        let mut buf = vec![0u8; 65_536];
        while !stop.load(Ordering::Relaxed) {
            match self.socket.recv_from(&mut buf) {
                Ok((n, from)) => self.handle(from, &mut buf[..n])?,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                            // An ICMP port unreachable from a receiver that went away.
                            | io::ErrorKind::ConnectionRefused
                    ) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// One datagram from `from`.
    fn handle(&mut self, from: SocketAddr, data: &mut [u8]) -> io::Result<()> {
        if let Some((index, layer)) = wire::read_hello(data) {
            self.register(from, index, layer);
            self.socket.send_to(data, from)?;
            return Ok(());
        }
        let Some(header) = Header::read(data) else {
            return Ok(());
        };
        let Some(plain_len) = self.ingress.open(data) else {
            return Ok(());
        };
        let clear = &data[..HEADER_LEN + plain_len];
        let audio = header.track == AUDIO_TRACK;
        if audio && header.publisher >= self.config.audio_slots {
            return Ok(());
        }
        let mut n = 0;
        for r in &self.receivers {
            if !audio && header.track != VIDEO_TRACK_BASE + r.layer {
                continue;
            }
            if self.copies.len() == n {
                self.copies.push(Vec::with_capacity(2048));
            }
            let copy = &mut self.copies[n];
            copy.clear();
            copy.extend_from_slice(clear);
            wire::rewrite_ssrc(copy, r.index);
            r.key.seal(copy);
            if self.copy_addrs.len() == n {
                self.copy_addrs.push(r.addr);
            } else {
                self.copy_addrs[n] = r.addr;
            }
            n += 1;
        }
        sys::send_batch(&self.socket, &self.copies[..n], &self.copy_addrs[..n])?;
        Ok(())
    }

    fn register(&mut self, from: SocketAddr, index: u32, layer: u8) {
        let SocketAddr::V4(v4) = from else { return };
        let receiver = Receiver {
            index,
            layer,
            addr: RawAddr::new(v4),
            key: PacketKey::for_receiver(index),
        };
        match self.by_addr.get(&from) {
            Some(&i) => self.receivers[i] = receiver,
            None => {
                self.by_addr.insert(from, self.receivers.len());
                self.receivers.push(receiver);
            }
        }
    }
}
