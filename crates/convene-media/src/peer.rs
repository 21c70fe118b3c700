//! [`MediaPeer`]: a handle to the task that owns one client-side `Rtc` and its socket.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::net::TcpType;
use str0m::{Candidate, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

use crate::net::{Net, TcpClient};
use crate::synth::SynthKind;
use crate::task::{Cmd, Core};
use crate::{MediaError, MediaPeerConfig, Offer, OfferPlan, PeerSnapshot, Transport};

/// A client-side WebRTC peer with synthetic (or IVF) media, for the Rust SDK, bots and tests.
///
/// A background task owns the `Rtc` and a UDP socket on 127.0.0.1 (with [`Transport::Tcp`]:
/// a TCP socket bound there, connected to the SFU once the answer is known); this handle
/// talks to it.
/// Once the answer is applied and the connection is up, the peer publishes on every track it
/// offered: audio every 20 ms, video and share at `video_fps`. Dropping the handle stops the
/// task.
pub struct MediaPeer {
    cmds: mpsc::Sender<Cmd>,
    local_addr: SocketAddr,
}

impl MediaPeer {
    /// Bind 127.0.0.1:0 (UDP, or TCP with [`Transport::Tcp`]) and start the peer task.
    pub async fn start(config: MediaPeerConfig) -> Result<MediaPeer, MediaError> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Bind `addr` and start the peer task.
    pub async fn start_on(
        addr: SocketAddr,
        config: MediaPeerConfig,
    ) -> Result<MediaPeer, MediaError> {
        str0m::crypto::from_feature_flags().install_process_default();
        let (net, local_addr, candidate) = match config.transport {
            Transport::Udp => {
                let socket = UdpSocket::bind(addr).await.map_err(MediaError::Io)?;
                let local_addr = socket.local_addr().map_err(MediaError::Io)?;
                let candidate = Candidate::host(local_addr, "udp");
                (Net::Udp(socket), local_addr, candidate)
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
        let now = Instant::now();
        let mut rtc = Rtc::builder()
            .clear_codecs()
            .enable_opus(true, config.red)
            .enable_vp8(true)
            .build(now);
        rtc.add_local_candidate(candidate);
        let (tx, rx) = mpsc::channel(16);
        let core = Core::new(rtc, config, local_addr, now);
        tokio::spawn(core.run(net, rx));
        Ok(MediaPeer {
            cmds: tx,
            local_addr,
        })
    }

    /// The peer's local address: its UDP socket's, or with [`Transport::Tcp`] the port its
    /// TCP connection is made from.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Build an offer; hand it to the SFU and pass its answer to [`MediaPeer::apply_answer`].
    pub async fn create_offer(&self, plan: OfferPlan) -> Result<Offer, MediaError> {
        let (tx, rx) = oneshot::channel();
        self.send(Cmd::Offer(plan, tx)).await?;
        rx.await.map_err(|_| MediaError::Closed)?
    }

    /// Apply the SFU's answer to the last offer.
    pub async fn apply_answer(&self, sdp: String) -> Result<(), MediaError> {
        let (tx, rx) = oneshot::channel();
        self.send(Cmd::Answer(sdp, tx)).await?;
        rx.await.map_err(|_| MediaError::Closed)?
    }

    /// Change the audio level sent from now on.
    pub async fn set_audio_level(&self, level: i8) -> Result<(), MediaError> {
        self.send(Cmd::AudioLevel(level)).await
    }

    /// Asks the sender of receive slot `mid` for a keyframe (PLI), e.g. before using a slot
    /// whose frames were ignored until now. At most once a second per slot.
    pub async fn request_keyframe(&self, mid: &str) -> Result<(), MediaError> {
        self.send(Cmd::Keyframe(mid.to_owned())).await
    }

    /// Pause (`false`) or resume (`true`) sending one published track, like muting a camera
    /// without renegotiating. Resuming starts with a keyframe.
    pub async fn set_sending(&self, kind: SynthKind, on: bool) -> Result<(), MediaError> {
        self.send(Cmd::Sending(kind, on)).await
    }

    /// A copy of the current state.
    pub async fn snapshot(&self) -> Result<PeerSnapshot, MediaError> {
        let (tx, rx) = oneshot::channel();
        self.send(Cmd::Snapshot(tx)).await?;
        rx.await.map_err(|_| MediaError::Closed)
    }

    /// Poll the state (every 20 ms) until `cond` holds, at most `timeout`.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        mut cond: impl FnMut(&PeerSnapshot) -> bool,
    ) -> Result<PeerSnapshot, MediaError> {
        let end = tokio::time::Instant::now() + timeout;
        loop {
            let snap = self.snapshot().await?;
            if cond(&snap) {
                return Ok(snap);
            }
            if tokio::time::Instant::now() >= end {
                return Err(MediaError::Timeout);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn send(&self, cmd: Cmd) -> Result<(), MediaError> {
        self.cmds.send(cmd).await.map_err(|_| MediaError::Closed)
    }
}
