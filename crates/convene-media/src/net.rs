//! The peer's sockets: one UDP socket, or one active ICE-TCP connection (RFC 6544) framed
//! with the shared RFC 4571 codec ([`convene_rfc4571`]).

use std::net::SocketAddr;
use std::time::Duration;

use convene_rfc4571::{Framed, Rfc4571Codec};
use futures_util::{SinkExt, StreamExt};
use str0m::net::{Protocol, TcpType};
use str0m::Candidate;
use tokio::net::{TcpSocket, TcpStream, UdpSocket};

use crate::{MediaError, Transport};

/// How long connecting to the SFU's TCP candidate may take.
const TCP_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The peer's socket(s).
pub(crate) enum Net {
    /// [`Transport::Udp`](crate::Transport::Udp).
    Udp(UdpSocket),
    /// [`Transport::Tcp`](crate::Transport::Tcp).
    Tcp(Box<TcpClient>),
}

impl Net {
    /// Bind `addr` for `transport`: the socket, its real address and the host candidate
    /// offered for it. Synchronous, so the peer task can move to a new socket in place.
    pub(crate) fn bind(
        addr: SocketAddr,
        transport: Transport,
    ) -> Result<(Net, SocketAddr, Candidate), MediaError> {
        let (net, local_addr, candidate) = match transport {
            Transport::Udp => {
                let socket = std::net::UdpSocket::bind(addr).map_err(MediaError::Io)?;
                socket.set_nonblocking(true).map_err(MediaError::Io)?;
                let socket = UdpSocket::from_std(socket).map_err(MediaError::Io)?;
                let local_addr = socket.local_addr().map_err(MediaError::Io)?;
                (
                    Net::Udp(socket),
                    local_addr,
                    Candidate::host(local_addr, "udp"),
                )
            }
            Transport::Tcp => {
                let tcp = TcpClient::bind(addr).map_err(MediaError::Io)?;
                let local_addr = tcp.local_addr;
                // Active: we connect to the SFU's passive candidate. The candidate carries
                // the real bound port because the connection is made from it, so the SFU
                // sees our checks come from the address we offered.
                let candidate = Candidate::builder()
                    .tcp()
                    .host(local_addr)
                    .tcptype(TcpType::Active)
                    .build();
                (Net::Tcp(Box::new(tcp)), local_addr, candidate)
            }
        };
        let candidate = candidate.map_err(|e| MediaError::Rtc(e.to_string()))?;
        Ok((net, local_addr, candidate))
    }

    /// Send one packet; failures are logged (like a lost datagram).
    pub(crate) async fn send(&mut self, proto: Protocol, dest: SocketAddr, data: &[u8]) {
        match (self, proto) {
            (Net::Udp(socket), Protocol::Udp) => {
                if let Err(e) = socket.send_to(data, dest).await {
                    tracing::debug!("send to {dest} failed: {e}");
                }
            }
            (Net::Tcp(tcp), Protocol::Tcp) => tcp.send(dest, data).await,
            (_, proto) => tracing::debug!("no socket for {proto:?} to {dest}"),
        }
    }

    /// The next packet: (protocol, source, length in `buf`). `None` for a failed read.
    pub(crate) async fn recv(&mut self, buf: &mut [u8]) -> Option<(Protocol, SocketAddr, usize)> {
        match self {
            Net::Udp(socket) => {
                let (n, source) = socket.recv_from(buf).await.ok()?;
                Some((Protocol::Udp, source, n))
            }
            Net::Tcp(tcp) => tcp.recv(buf).await,
        }
    }
}

/// An active ICE-TCP connection (RFC 6544 `tcptype active`, RFC 4571 framing): bound at
/// start so the offered candidate has the real port, connected on the first transmit.
pub(crate) struct TcpClient {
    pub(crate) local_addr: SocketAddr,
    /// Bound and not yet connected.
    socket: Option<TcpSocket>,
    /// The SFU's address and the framed connection to it.
    stream: Option<(SocketAddr, Framed<TcpStream, Rfc4571Codec>)>,
    /// The connection broke or failed: no more tries.
    failed: bool,
}

impl TcpClient {
    /// Bind `addr` now, so the offered candidate carries the real port.
    pub(crate) fn bind(addr: SocketAddr) -> std::io::Result<TcpClient> {
        let socket = Self::socket(addr)?;
        let local_addr = socket.local_addr()?;
        Ok(TcpClient {
            local_addr,
            socket: Some(socket),
            stream: None,
            failed: false,
        })
    }

    fn socket(addr: SocketAddr) -> std::io::Result<TcpSocket> {
        let socket = match addr {
            SocketAddr::V4(_) => TcpSocket::new_v4()?,
            SocketAddr::V6(_) => TcpSocket::new_v6()?,
        };
        // The port is re-bound if a connect attempt fails.
        socket.set_reuseaddr(true)?;
        socket.bind(addr)?;
        Ok(socket)
    }

    async fn send(&mut self, dest: SocketAddr, data: &[u8]) {
        if self.stream.is_none() && !self.failed {
            self.connect(dest).await;
        }
        let Some((remote, frames)) = &mut self.stream else {
            return;
        };
        if *remote != dest {
            // One connection only: the first TCP candidate of the SFU we tried.
            tracing::trace!("no tcp connection to {dest}");
            return;
        }
        if data.len() > convene_rfc4571::MAX_FRAME {
            tracing::debug!("packet of {} bytes does not fit a frame", data.len());
            return;
        }
        if let Err(e) = frames.send(data).await {
            tracing::debug!("tcp write to {dest} failed: {e}");
            self.stream = None;
            self.failed = true;
        }
    }

    async fn connect(&mut self, dest: SocketAddr) {
        let socket = match self.socket.take() {
            Some(s) => s,
            None => match Self::socket(self.local_addr) {
                Ok(s) => s,
                Err(e) => {
                    tracing::debug!("tcp rebind failed: {e}");
                    self.failed = true;
                    return;
                }
            },
        };
        match tokio::time::timeout(TCP_CONNECT_TIMEOUT, socket.connect(dest)).await {
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                self.stream = Some((dest, convene_rfc4571::framed(stream)));
            }
            // A refused or timed-out candidate: the next transmit may try again.
            Ok(Err(e)) => tracing::debug!("tcp connect to {dest} failed: {e}"),
            Err(_) => tracing::debug!("tcp connect to {dest} timed out"),
        }
    }

    /// The next frame, copied into `buf`; `None` when the connection just ended. Cancel-safe:
    /// a partly read frame stays buffered in the codec.
    async fn recv(&mut self, buf: &mut [u8]) -> Option<(Protocol, SocketAddr, usize)> {
        let Some((remote, frames)) = &mut self.stream else {
            // Not connected (yet) or broken: nothing will arrive until a transmit connects.
            return std::future::pending().await;
        };
        let remote = *remote;
        let ended = match frames.next().await {
            Some(Ok(frame)) => match buf.get_mut(..frame.len()) {
                Some(dst) => {
                    dst.copy_from_slice(&frame);
                    return Some((Protocol::Tcp, remote, frame.len()));
                }
                None => format!("frame of {} bytes", frame.len()),
            },
            // E.g. a length over the codec's maximum: it is not ICE-TCP.
            Some(Err(e)) => e.to_string(),
            None => "closed".to_string(),
        };
        tracing::debug!("tcp connection to the sfu ends: {ended}");
        self.stream = None;
        self.failed = true;
        None
    }
}
