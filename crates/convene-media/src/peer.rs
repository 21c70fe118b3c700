//! [`MediaPeer`]: a handle to a task that owns one client-side `Rtc` and its UDP socket.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::change::{SdpAnswer, SdpPendingOffer};
use str0m::format::Codec;
use str0m::format::CodecExtra;
use str0m::media::{
    Direction, Frequency, MediaData, MediaKind, MediaTime, Mid, Rid, Simulcast, SimulcastLayer,
};
use str0m::net::{Protocol, Receive, TcpType};
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream, UdpSocket};
use tokio::sync::{mpsc, oneshot};

use crate::synth::{build_frame, fnv1a64, parse_frame, FrameTag, SynthKind};
use crate::MediaError;

/// Simulcast rids, lowest layer first (the order the SFU reads them in).
pub const SIMULCAST_RIDS: [&str; 3] = ["l", "m", "h"];

/// How a [`MediaPeer`] reaches the SFU.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transport {
    /// ICE over UDP from one socket (a UDP host candidate): the normal case.
    #[default]
    Udp,
    /// ICE over TCP only (RFC 6544), the fallback where UDP is blocked: the peer offers one
    /// active TCP host candidate, ignores the SFU's UDP candidates, connects to the SFU's
    /// passive TCP candidate from the answer and frames every packet with a 2-byte length
    /// (RFC 4571). The connection is not re-established if it drops.
    Tcp,
}

/// How a [`MediaPeer`] generates media.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MediaPeerConfig {
    /// Embedded in every frame, so receivers know who sent it.
    pub user_id: u32,
    /// Video and share frames per second.
    pub video_fps: u32,
    /// Bytes per Opus-shaped audio frame (one every 20 ms).
    pub audio_frame_bytes: usize,
    /// Bytes per video frame for each simulcast layer, lowest first (index 0 without
    /// simulcast).
    pub video_frame_bytes: [usize; 3],
    /// Bytes per share frame.
    pub share_frame_bytes: usize,
    /// A keyframe every this many frames; `None`: only the first frame and on request.
    pub keyframe_interval: Option<u32>,
    /// RFC 6464 audio level sent with every audio frame (0 loudest … -127 silence).
    pub audio_level: i8,
    /// Encoded VP8 frames to publish as camera video instead of synthetic ones (looped;
    /// e.g. from [`read_ivf`](crate::read_ivf)). Receivers record them as untagged frames.
    pub video_frames: Option<Vec<Vec<u8>>>,
    /// Encoded Opus packets (20 ms each) to publish as audio instead of synthetic ones
    /// (looped; e.g. from [`read_ogg_opus`](crate::read_ogg_opus)).
    pub audio_frames: Option<Vec<Vec<u8>>>,
    /// UDP (default) or ICE-TCP.
    pub transport: Transport,
}

impl MediaPeerConfig {
    /// Defaults: 20 fps, 80-byte audio, 400/1200/3000-byte video layers, 2000-byte share,
    /// keyframes on request only, audio level -30 dBov.
    pub fn new(user_id: u32) -> Self {
        MediaPeerConfig {
            user_id,
            video_fps: 20,
            audio_frame_bytes: 80,
            video_frame_bytes: [400, 1200, 3000],
            share_frame_bytes: 2000,
            keyframe_interval: None,
            audio_level: -30,
            video_frames: None,
            audio_frames: None,
            transport: Transport::Udp,
        }
    }
}

/// What to put in the next offer. Tracks already negotiated are kept; slot counts are totals
/// (more slots are added if the number grows; slots are never removed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfferPlan {
    /// Publish microphone audio.
    pub audio: bool,
    /// Publish camera video.
    pub video: bool,
    /// Publish the camera with 3 simulcast layers ([`SIMULCAST_RIDS`]).
    pub simulcast: bool,
    /// Publish a screen share.
    pub share: bool,
    /// Receive-only audio slots.
    pub audio_slots: usize,
    /// Receive-only video slots.
    pub video_slots: usize,
    /// Receive-only share slots.
    pub share_slots: usize,
}

/// An offer to hand to the SFU (`Command::Offer { sdp, share_mids, .. }`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offer {
    /// The SDP.
    pub sdp: String,
    /// Mids (send and receive) that carry screen share.
    pub share_mids: Vec<String>,
    /// Mid of the published audio, if any.
    pub audio_mid: Option<String>,
    /// Mid of the published camera, if any.
    pub video_mid: Option<String>,
    /// Mid of the published share, if any.
    pub share_mid: Option<String>,
    /// All audio slot mids so far.
    pub audio_slots: Vec<String>,
    /// All video slot mids so far.
    pub video_slots: Vec<String>,
    /// All share slot mids so far.
    pub share_slots: Vec<String>,
}

/// One received frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameRecord {
    /// The frame's tag, if it is a synthetic frame.
    pub tag: Option<FrameTag>,
    /// Whether str0m's depacketizer saw a keyframe.
    pub keyframe: bool,
    /// [`fnv1a64`] of the frame bytes.
    pub checksum: u64,
    /// Payload size.
    pub bytes: usize,
    /// RTP packets the frame arrived in.
    pub packets: u64,
    /// VP8 PictureID (extended by str0m), if the descriptor carried one.
    pub picture_id: Option<u64>,
}

/// Everything received on one receive slot (mid).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackStats {
    /// RTP packets.
    pub packets: u64,
    /// Frames.
    pub frames: u64,
    /// Payload bytes.
    pub bytes: u64,
    /// Keyframes.
    pub keyframes: u64,
    /// Every frame, in arrival order.
    pub records: Vec<FrameRecord>,
}

/// A copy of a [`MediaPeer`]'s state.
#[derive(Debug, Clone, Default)]
pub struct PeerSnapshot {
    /// ICE and DTLS are up.
    pub connected: bool,
    /// Received media per slot mid.
    pub received: HashMap<String, TrackStats>,
    /// Checksums of every frame sent, by (kind, layer, counter).
    pub sent: HashMap<(SynthKind, u8, u32), u64>,
    /// Frames sent per kind.
    pub frames_sent: HashMap<SynthKind, u64>,
    /// Keyframe requests (PLI/FIR) received from the SFU.
    pub keyframe_requests: u64,
}

impl PeerSnapshot {
    /// Received stats of `mid`, or empty ones.
    pub fn track(&self, mid: &str) -> TrackStats {
        self.received.get(mid).cloned().unwrap_or_default()
    }
}

enum Cmd {
    Offer(OfferPlan, oneshot::Sender<Result<Offer, MediaError>>),
    Answer(String, oneshot::Sender<Result<(), MediaError>>),
    AudioLevel(i8),
    Sending(SynthKind, bool),
    Snapshot(oneshot::Sender<PeerSnapshot>),
}

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
                (Net::Tcp(tcp), local_addr, candidate)
            }
        };
        let candidate = candidate.map_err(|e| MediaError::Rtc(e.to_string()))?;
        let now = Instant::now();
        let mut rtc = Rtc::builder()
            .clear_codecs()
            .enable_opus(true, false)
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

/// A track this peer publishes.
#[derive(Debug)]
struct Track {
    mid: Mid,
    kind: SynthKind,
    rids: Vec<Option<Rid>>,
    /// Next frame counter, shared by all layers (frames of one instant share a counter).
    counter: u32,
    next_at: Instant,
    interval: Duration,
    /// Layers that must send a keyframe next.
    force_key: HashSet<Option<Rid>>,
    /// Not sending (see [`MediaPeer::set_sending`]).
    paused: bool,
}

struct Core {
    rtc: Rtc,
    config: MediaPeerConfig,
    local_addr: SocketAddr,
    pending: Option<SdpPendingOffer>,
    offer: Offer,
    tracks: Vec<Track>,
    snapshot: PeerSnapshot,
    timeout: Instant,
    transmits: Vec<(Protocol, SocketAddr, Vec<u8>)>,
}

impl Core {
    fn new(rtc: Rtc, config: MediaPeerConfig, local_addr: SocketAddr, now: Instant) -> Self {
        Core {
            rtc,
            config,
            local_addr,
            pending: None,
            offer: Offer::default(),
            tracks: Vec::new(),
            snapshot: PeerSnapshot::default(),
            timeout: now,
            transmits: Vec::new(),
        }
    }

    async fn run(mut self, mut net: Net, mut cmds: mpsc::Receiver<Cmd>) {
        let mut buf = vec![0u8; 2048];
        loop {
            self.drain();
            for (proto, dest, data) in std::mem::take(&mut self.transmits) {
                net.send(proto, dest, &data).await;
            }
            let media_due = self.tracks.iter().map(|t| t.next_at).min();
            let deadline = media_due.map_or(self.timeout, |m| m.min(self.timeout));
            tokio::select! {
                r = net.recv(&mut buf) => {
                    if let Some((proto, source, n)) = r {
                        let now = Instant::now();
                        if let Ok(recv) = Receive::new(proto, source, self.local_addr, &buf[..n]) {
                            if let Err(e) = self.rtc.handle_input(Input::Receive(now, recv)) {
                                tracing::debug!("input rejected: {e}");
                            }
                        }
                    }
                }
                c = cmds.recv() => match c {
                    Some(c) => self.command(c),
                    None => {
                        // Handle dropped: say goodbye (RTCP BYE, DTLS close_notify).
                        if self.rtc.close().is_ok() {
                            self.drain();
                            for (proto, dest, data) in std::mem::take(&mut self.transmits) {
                                net.send(proto, dest, &data).await;
                            }
                        }
                        return;
                    }
                },
                _ = tokio::time::sleep_until(deadline.into()) => {
                    let now = Instant::now();
                    if self.timeout <= now {
                        if let Err(e) = self.rtc.handle_input(Input::Timeout(now)) {
                            tracing::debug!("timeout failed: {e}");
                        }
                    }
                    self.drain();
                    self.write_media(now);
                }
            }
        }
    }

    fn command(&mut self, cmd: Cmd) {
        match cmd {
            Cmd::Offer(plan, reply) => {
                let r = self.create_offer(&plan);
                let _ = reply.send(r);
            }
            Cmd::Answer(sdp, reply) => {
                let r = self.apply_answer(&sdp);
                let _ = reply.send(r);
            }
            Cmd::AudioLevel(l) => self.config.audio_level = l,
            Cmd::Sending(kind, on) => {
                for t in self.tracks.iter_mut().filter(|t| t.kind == kind) {
                    if on && t.paused {
                        t.force_key = t.rids.iter().copied().collect();
                    }
                    t.paused = !on;
                }
            }
            Cmd::Snapshot(reply) => {
                let _ = reply.send(self.snapshot.clone());
            }
        }
    }

    fn create_offer(&mut self, plan: &OfferPlan) -> Result<Offer, MediaError> {
        if self.pending.is_some() {
            return Err(MediaError::OfferPending);
        }
        let user = self.config.user_id;
        let mut api = self.rtc.sdp_api();
        let stream = Some(format!("user-{user}"));
        let mut new_tracks = Vec::new();
        if plan.audio && self.offer.audio_mid.is_none() {
            let mid = api.add_media(
                MediaKind::Audio,
                Direction::SendOnly,
                stream.clone(),
                Some("mic".into()),
                None,
            );
            self.offer.audio_mid = Some(mid.to_string());
            new_tracks.push((mid, SynthKind::Audio, vec![None]));
        }
        if plan.video && self.offer.video_mid.is_none() {
            let (sim, rids) = if plan.simulcast {
                let mut s = Simulcast::new();
                for r in SIMULCAST_RIDS {
                    s.add_send_layer(SimulcastLayer::new(r));
                }
                (
                    Some(s),
                    SIMULCAST_RIDS.iter().map(|r| Some(Rid::from(*r))).collect(),
                )
            } else {
                (None, vec![None])
            };
            let mid = api.add_media(
                MediaKind::Video,
                Direction::SendOnly,
                stream.clone(),
                Some("camera".into()),
                sim,
            );
            self.offer.video_mid = Some(mid.to_string());
            new_tracks.push((mid, SynthKind::Video, rids));
        }
        if plan.share && self.offer.share_mid.is_none() {
            let mid = api.add_media(
                MediaKind::Video,
                Direction::SendOnly,
                stream.clone(),
                Some("share".into()),
                None,
            );
            self.offer.share_mid = Some(mid.to_string());
            self.offer.share_mids.push(mid.to_string());
            new_tracks.push((mid, SynthKind::Share, vec![None]));
        }
        while self.offer.audio_slots.len() < plan.audio_slots {
            let mid = api.add_media(MediaKind::Audio, Direction::RecvOnly, None, None, None);
            self.offer.audio_slots.push(mid.to_string());
        }
        while self.offer.video_slots.len() < plan.video_slots {
            let mid = api.add_media(MediaKind::Video, Direction::RecvOnly, None, None, None);
            self.offer.video_slots.push(mid.to_string());
        }
        while self.offer.share_slots.len() < plan.share_slots {
            let mid = api.add_media(MediaKind::Video, Direction::RecvOnly, None, None, None);
            self.offer.share_slots.push(mid.to_string());
            self.offer.share_mids.push(mid.to_string());
        }
        let (offer, pending) = api.apply().ok_or(MediaError::NothingToOffer)?;
        self.pending = Some(pending);
        let now = Instant::now();
        for (mid, kind, rids) in new_tracks {
            let interval = match kind {
                SynthKind::Audio => Duration::from_millis(20),
                _ => Duration::from_secs(1) / self.config.video_fps.max(1),
            };
            self.tracks.push(Track {
                mid,
                kind,
                force_key: rids.iter().copied().collect(),
                rids,
                counter: 0,
                next_at: now,
                interval,
                paused: false,
            });
        }
        Ok(Offer {
            sdp: offer.to_sdp_string(),
            ..self.offer.clone()
        })
    }

    fn apply_answer(&mut self, sdp: &str) -> Result<(), MediaError> {
        let pending = self.pending.take().ok_or(MediaError::NoPendingOffer)?;
        let answer = SdpAnswer::from_sdp_string(sdp).map_err(|e| MediaError::Sdp(e.to_string()))?;
        self.rtc
            .sdp_api()
            .accept_answer(pending, answer)
            .map_err(|e| MediaError::Sdp(e.to_string()))
    }

    /// Write every frame that is due. Each write is followed by a drain (str0m's rule).
    fn write_media(&mut self, now: Instant) {
        if !self.rtc.is_connected() {
            for t in &mut self.tracks {
                t.next_at = t.next_at.max(now);
            }
            return;
        }
        for i in 0..self.tracks.len() {
            while self.tracks[i].next_at <= now {
                if !self.tracks[i].paused {
                    self.write_frame(i, now);
                }
                let t = &mut self.tracks[i];
                t.counter += 1;
                t.next_at += t.interval;
                if t.next_at + t.interval * 5 < now {
                    // Fell far behind (slow machine): skip instead of bursting.
                    t.next_at = now + t.interval;
                }
            }
        }
    }

    fn write_frame(&mut self, i: usize, now: Instant) {
        let (mid, kind, counter, rids) = {
            let t = &self.tracks[i];
            (t.mid, t.kind, t.counter, t.rids.clone())
        };
        let periodic_key = self
            .config
            .keyframe_interval
            .is_some_and(|n| n > 0 && counter % n == 0);
        for (layer, rid) in rids.iter().enumerate() {
            let keyframe =
                kind != SynthKind::Audio && (self.tracks[i].force_key.remove(rid) || periodic_key);
            let tag = FrameTag {
                kind,
                layer: layer as u8,
                keyframe,
                user: self.config.user_id,
                counter,
            };
            let data = match (kind, &self.config.video_frames) {
                (SynthKind::Audio, _) => match &self.config.audio_frames {
                    Some(frames) if !frames.is_empty() => {
                        frames[counter as usize % frames.len()].clone()
                    }
                    _ => build_frame(tag, self.config.audio_frame_bytes),
                },
                (SynthKind::Video, Some(frames)) if !frames.is_empty() => {
                    frames[counter as usize % frames.len()].clone()
                }
                (SynthKind::Video, _) => {
                    build_frame(tag, self.config.video_frame_bytes[layer.min(2)])
                }
                (SynthKind::Share, _) => build_frame(tag, self.config.share_frame_bytes),
            };
            let (time, codec) = match kind {
                SynthKind::Audio => (
                    MediaTime::new(u64::from(counter) * 960, Frequency::FORTY_EIGHT_KHZ),
                    Codec::Opus,
                ),
                _ => {
                    let step = 90_000 / u64::from(self.config.video_fps.max(1));
                    (
                        MediaTime::new(u64::from(counter) * step, Frequency::NINETY_KHZ),
                        Codec::Vp8,
                    )
                }
            };
            let Some(writer) = self.rtc.writer(mid) else {
                return;
            };
            let Some(pt) = writer
                .payload_params()
                .find(|p| p.spec().codec == codec)
                .map(|p| p.pt())
            else {
                return;
            };
            let mut writer = writer;
            if let Some(rid) = rid {
                writer = writer.rid(*rid);
            }
            if kind == SynthKind::Audio {
                let level = self.config.audio_level;
                writer = writer.audio_level(level, level > -127);
            }
            let checksum = fnv1a64(&data);
            if let Err(e) = writer.write(pt, now, time, data) {
                tracing::debug!("write failed: {e}");
                return;
            }
            self.snapshot
                .sent
                .insert((kind, layer as u8, counter), checksum);
            *self.snapshot.frames_sent.entry(kind).or_default() += 1;
            self.drain();
        }
    }

    fn drain(&mut self) {
        loop {
            match self.rtc.poll_output() {
                Ok(Output::Timeout(t)) => {
                    self.timeout = t;
                    return;
                }
                Ok(Output::Transmit(t)) => {
                    self.transmits
                        .push((t.proto, t.destination, t.contents.into()));
                }
                Ok(Output::Event(e)) => self.event(e),
                Err(e) => {
                    tracing::warn!("rtc failed: {e}");
                    self.snapshot.connected = false;
                    self.timeout = Instant::now() + Duration::from_secs(3600);
                    return;
                }
            }
        }
    }

    fn event(&mut self, e: Event) {
        match e {
            Event::Connected => self.snapshot.connected = true,
            Event::IceConnectionStateChange(IceConnectionState::Disconnected) => {
                self.snapshot.connected = false;
            }
            Event::MediaData(data) => self.record(data),
            Event::KeyframeRequest(req) => {
                self.snapshot.keyframe_requests += 1;
                if let Some(t) = self.tracks.iter_mut().find(|t| t.mid == req.mid) {
                    t.force_key.insert(req.rid);
                }
            }
            _ => {}
        }
    }

    fn record(&mut self, data: MediaData) {
        let packets = (**data.seq_range.end()).saturating_sub(**data.seq_range.start()) + 1;
        let keyframe = data.is_keyframe();
        let stats = self
            .snapshot
            .received
            .entry(data.mid.to_string())
            .or_default();
        stats.packets += packets;
        stats.frames += 1;
        stats.bytes += data.data.len() as u64;
        stats.keyframes += u64::from(keyframe);
        stats.records.push(FrameRecord {
            tag: parse_frame(&data.data),
            keyframe,
            checksum: fnv1a64(&data.data),
            bytes: data.data.len(),
            packets,
            picture_id: match data.codec_extra {
                CodecExtra::Vp8(v) => v.picture_id,
                _ => None,
            },
        });
    }
}

/// Largest RFC 4571 frame read from the SFU (as large as a UDP datagram we would read).
const MAX_TCP_FRAME: usize = 2048;

/// How long connecting to the SFU's TCP candidate may take.
const TCP_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The peer's socket(s).
enum Net {
    Udp(UdpSocket),
    Tcp(TcpClient),
}

impl Net {
    /// Send one packet; failures are logged (like a lost datagram).
    async fn send(&mut self, proto: Protocol, dest: SocketAddr, data: &[u8]) {
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
    async fn recv(&mut self, buf: &mut [u8]) -> Option<(Protocol, SocketAddr, usize)> {
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
struct TcpClient {
    local_addr: SocketAddr,
    /// Bound and not yet connected.
    socket: Option<TcpSocket>,
    /// The SFU's address and the connection to it.
    stream: Option<(SocketAddr, TcpStream)>,
    /// Bytes read and not yet framed (cancel-safe: `recv` may be dropped mid-frame).
    pending: Vec<u8>,
    /// The connection broke or failed: no more tries.
    failed: bool,
}

impl TcpClient {
    fn bind(addr: SocketAddr) -> std::io::Result<TcpClient> {
        let socket = Self::socket(addr)?;
        let local_addr = socket.local_addr()?;
        Ok(TcpClient {
            local_addr,
            socket: Some(socket),
            stream: None,
            pending: Vec::new(),
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
        let Some((remote, stream)) = &mut self.stream else {
            return;
        };
        if *remote != dest {
            // One connection only: the first TCP candidate of the SFU we tried.
            tracing::trace!("no tcp connection to {dest}");
            return;
        }
        let Ok(len) = u16::try_from(data.len()) else {
            tracing::debug!("packet of {} bytes does not fit a frame", data.len());
            return;
        };
        let mut frame = Vec::with_capacity(data.len() + 2);
        frame.extend_from_slice(&len.to_be_bytes());
        frame.extend_from_slice(data);
        if let Err(e) = stream.write_all(&frame).await {
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
                self.stream = Some((dest, stream));
            }
            // A refused or timed-out candidate: the next transmit may try again.
            Ok(Err(e)) => tracing::debug!("tcp connect to {dest} failed: {e}"),
            Err(_) => tracing::debug!("tcp connect to {dest} timed out"),
        }
    }

    /// The next frame, copied into `buf`.
    async fn recv(&mut self, buf: &mut [u8]) -> Option<(Protocol, SocketAddr, usize)> {
        loop {
            if let Some(n) = self.take_frame(buf) {
                let (remote, _) = self.stream.as_ref()?;
                return Some((Protocol::Tcp, *remote, n));
            }
            let Some((_, stream)) = &mut self.stream else {
                // Not connected (yet): nothing will arrive until a transmit connects.
                return std::future::pending().await;
            };
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => {
                    tracing::debug!("tcp connection to the sfu closed");
                    self.stream = None;
                    self.failed = true;
                    self.pending.clear();
                }
                Ok(n) => self.pending.extend_from_slice(&chunk[..n]),
            }
        }
    }

    /// Move one complete frame from `pending` to `buf`; returns its length. A frame longer
    /// than [`MAX_TCP_FRAME`] (or than `buf`) ends the connection: it is not ICE-TCP.
    fn take_frame(&mut self, buf: &mut [u8]) -> Option<usize> {
        let len = usize::from(u16::from_be_bytes([
            *self.pending.first()?,
            *self.pending.get(1)?,
        ]));
        if len > MAX_TCP_FRAME.min(buf.len()) {
            tracing::debug!("tcp frame of {len} bytes from the sfu, closing");
            self.stream = None;
            self.failed = true;
            self.pending.clear();
            return None;
        }
        let frame = self.pending.get(2..2 + len)?;
        buf[..len].copy_from_slice(frame);
        self.pending.drain(..2 + len);
        Some(len)
    }
}
