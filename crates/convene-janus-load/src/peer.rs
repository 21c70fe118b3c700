//! One str0m `Rtc` on its own UDP socket on 127.0.0.1: the loop both roles share.

use std::net::SocketAddr;
use std::time::Instant;

use anyhow::Result;
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::watch;

/// An `Rtc` and its socket.
pub struct Peer {
    /// The state machine (callers mutate it, then [`flush`](Peer::flush)).
    pub rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    timeout: Instant,
    buf: Vec<u8>,
}

impl Peer {
    /// A peer with a host candidate on a fresh 127.0.0.1 port, Opus and VP8 only. In RTP
    /// mode incoming media is reported per packet ([`Event::RtpPacket`]), not per frame.
    pub async fn bind(rtp_mode: bool) -> Result<Peer> {
        let socket = UdpSocket::bind("127.0.0.1:0").await?;
        let local = socket.local_addr()?;
        let now = Instant::now();
        let mut rtc = Rtc::builder()
            .clear_codecs()
            .enable_opus(true, false)
            .enable_vp8(true)
            .set_rtp_mode(rtp_mode)
            .build(now);
        rtc.add_local_candidate(Candidate::host(local, "udp")?);
        Ok(Peer {
            rtc,
            socket,
            local,
            timeout: now,
            buf: vec![0; 2048],
        })
    }

    /// Drains the `Rtc` (str0m's rule after every mutation): sends what it transmits and
    /// appends its events to `events`. A failed `Rtc` is an error.
    pub async fn flush(&mut self, events: &mut Vec<Event>) -> Result<()> {
        loop {
            match self.rtc.poll_output()? {
                Output::Timeout(t) => {
                    self.timeout = t;
                    return Ok(());
                }
                Output::Transmit(t) => {
                    // Loopback: a send error is a full buffer, i.e. a lost packet.
                    let _ = self.socket.send_to(&t.contents, t.destination).await;
                }
                Output::Event(e) => events.push(e),
            }
        }
    }

    /// Waits for a packet, the `Rtc`'s timeout or `due`, whichever comes first, and feeds the
    /// `Rtc`. Returns `false` once `stop` fires. The caller flushes next.
    pub async fn step(&mut self, due: Option<Instant>, stop: &mut watch::Receiver<bool>) -> bool {
        let deadline = due.map_or(self.timeout, |d| d.min(self.timeout));
        tokio::select! {
            r = self.socket.recv_from(&mut self.buf) => {
                if let Ok((n, source)) = r {
                    if let Ok(recv) = Receive::new(Protocol::Udp, source, self.local, &self.buf[..n]) {
                        // A packet str0m rejects is dropped, as a browser would.
                        let _ = self.rtc.handle_input(Input::Receive(Instant::now(), recv));
                    }
                }
            }
            _ = tokio::time::sleep_until(deadline.into()) => {
                let now = Instant::now();
                if self.timeout <= now {
                    let _ = self.rtc.handle_input(Input::Timeout(now));
                }
            }
            _ = stop.changed() => return false,
        }
        true
    }
}
