//! [`MediaPeer`]: a handle to the task that owns one client-side `Rtc` and its socket.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::Rtc;
use tokio::sync::{mpsc, oneshot};

use crate::net::Net;
use crate::synth::SynthKind;
use crate::task::{Cmd, Core};
use crate::{MediaError, MediaPeerConfig, Offer, OfferPlan, PathState, PeerSnapshot};

/// A client-side WebRTC peer with synthetic (or IVF) media, for the Rust SDK, bots and tests.
///
/// A background task owns the `Rtc` and a UDP socket on 127.0.0.1 (with [`Transport::Tcp`](crate::Transport::Tcp):
/// a TCP socket bound there, connected to the SFU once the answer is known); this handle
/// talks to it.
/// Once the answer is applied and the connection is up, the peer publishes on every track it
/// offered: audio every 20 ms, video and share at `video_fps`. Dropping the handle stops the
/// task.
pub struct MediaPeer {
    cmds: mpsc::Sender<Cmd>,
}

impl MediaPeer {
    /// Bind 127.0.0.1:0 (UDP, or TCP with [`Transport::Tcp`](crate::Transport::Tcp)) and start the peer task.
    pub async fn start(config: MediaPeerConfig) -> Result<MediaPeer, MediaError> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Bind `addr` and start the peer task.
    pub async fn start_on(
        addr: SocketAddr,
        config: MediaPeerConfig,
    ) -> Result<MediaPeer, MediaError> {
        str0m::crypto::from_feature_flags().install_process_default();
        let (net, local_addr, candidate) = Net::bind(addr, config.transport)?;
        let now = Instant::now();
        let mut rtc = Rtc::builder()
            .clear_codecs()
            .enable_opus(true, config.red)
            .enable_vp8(true)
            .build(now);
        rtc.add_local_candidate(candidate);
        let (tx, rx) = mpsc::channel(64);
        let core = Core::new(rtc, config, local_addr, now);
        tokio::spawn(core.run(net, rx));
        Ok(MediaPeer { cmds: tx })
    }

    /// Build an offer; hand it to the SFU and pass its answer to [`MediaPeer::apply_answer`].
    /// A new offer replaces one whose answer never came. With
    /// [`OfferPlan::ice_restart`] the peer first moves to a new socket (a new local port),
    /// as after the device's network changed: the old path is abandoned, the offer carries
    /// new ICE credentials, and connectivity checks start from the new socket once the
    /// answer is applied. Tracks, slots and the DTLS session stay.
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

    /// Send `frame` on the published track of its kind, as it is (see
    /// [`MediaPeerConfig::pushed_frames`](crate::MediaPeerConfig)). Dropped while the
    /// connection is not up or the track is paused.
    pub async fn push_frame(&self, frame: crate::PushedFrame) -> Result<(), MediaError> {
        self.send(Cmd::Push(frame)).await
    }

    /// A copy of the current state.
    pub async fn snapshot(&self) -> Result<PeerSnapshot, MediaError> {
        let (tx, rx) = oneshot::channel();
        self.send(Cmd::Snapshot(tx)).await?;
        rx.await.map_err(|_| MediaError::Closed)
    }

    /// Whether the path is up and when a datagram last arrived (no copy of the rest).
    pub async fn path(&self) -> Result<PathState, MediaError> {
        let (tx, rx) = oneshot::channel();
        self.send(Cmd::Path(tx)).await?;
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
