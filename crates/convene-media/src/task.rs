//! The peer task: one `Core` owns the `Rtc`, drives it from the socket, the clock and the
//! handle's commands, and records what arrives. Negotiation and publishing are its
//! submodules.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::change::SdpPendingOffer;
use str0m::format::CodecExtra;
use str0m::media::{KeyframeRequestKind, MediaData, Mid};
use str0m::net::{Protocol, Receive};
use str0m::Candidate;
use str0m::{Event, IceConnectionState, Input, Output, Rtc};
use tokio::sync::{mpsc, oneshot};

use crate::net::Net;
use crate::synth::{fnv1a64, parse_frame, sent_at_us, wall_clock_us, SynthKind};
use crate::{FrameRecord, MediaError, MediaPeerConfig, Offer, OfferPlan, PathState, PeerSnapshot};

mod negotiate;
mod publish;

use publish::Track;

/// What the [`MediaPeer`](crate::MediaPeer) handle asks of its task.
pub(crate) enum Cmd {
    Offer(OfferPlan, oneshot::Sender<Result<Offer, MediaError>>),
    Answer(String, oneshot::Sender<Result<(), MediaError>>),
    AudioLevel(i8),
    Sending(SynthKind, bool),
    Snapshot(oneshot::Sender<PeerSnapshot>),
    Path(oneshot::Sender<PathState>),
    Keyframe(String),
    Push(crate::PushedFrame),
}

/// The state of one peer, owned by its task.
pub(crate) struct Core {
    rtc: Rtc,
    config: MediaPeerConfig,
    local_addr: SocketAddr,
    pending: Option<SdpPendingOffer>,
    /// The candidate of a socket moved to for an ICE restart, added once its answer is in.
    restart_candidate: Option<Candidate>,
    /// The DTLS handshake is done (it survives ICE restarts).
    dtls_up: bool,
    offer: Offer,
    tracks: Vec<Track>,
    snapshot: PeerSnapshot,
    timeout: Instant,
    transmits: Vec<(Protocol, SocketAddr, Vec<u8>)>,
    /// When each receive slot last asked for a keyframe.
    asked_key: HashMap<Mid, Instant>,
}

/// A receiver that cannot decode asks for a keyframe at most this often per slot.
const KEYFRAME_RETRY: Duration = Duration::from_secs(1);

impl Core {
    /// A peer around `rtc` (its local candidate added), publishing nothing yet.
    pub(crate) fn new(
        rtc: Rtc,
        config: MediaPeerConfig,
        local_addr: SocketAddr,
        now: Instant,
    ) -> Self {
        Core {
            rtc,
            config,
            local_addr,
            pending: None,
            restart_candidate: None,
            dtls_up: false,
            offer: Offer::default(),
            tracks: Vec::new(),
            snapshot: PeerSnapshot::default(),
            timeout: now,
            transmits: Vec::new(),
            asked_key: HashMap::new(),
        }
    }

    /// The task: until the handle is dropped (see the crate docs for the loop).
    pub(crate) async fn run(mut self, mut net: Net, mut cmds: mpsc::Receiver<Cmd>) {
        let mut buf = vec![0u8; 2048];
        loop {
            self.drain();
            for (proto, dest, data) in std::mem::take(&mut self.transmits) {
                net.send(proto, dest, &data).await;
            }
            let media_due = match self.config.pushed_frames {
                true => None,
                false => self.tracks.iter().map(|t| t.next_at).min(),
            };
            let deadline = media_due.map_or(self.timeout, |m| m.min(self.timeout));
            tokio::select! {
                r = net.recv(&mut buf) => {
                    if let Some((proto, source, n)) = r {
                        let now = Instant::now();
                        self.snapshot.last_received = Some(now);
                        if let Ok(recv) = Receive::new(proto, source, self.local_addr, &buf[..n]) {
                            if let Err(e) = self.rtc.handle_input(Input::Receive(now, recv)) {
                                tracing::debug!("input rejected: {e}");
                            }
                        }
                    }
                }
                c = cmds.recv() => match c {
                    Some(c) => self.command(c, &mut net),
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

    fn command(&mut self, cmd: Cmd, net: &mut Net) {
        match cmd {
            Cmd::Offer(plan, reply) => {
                let r = self.create_offer(&plan, net);
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
                let _ = reply.send(PeerSnapshot {
                    local_addr: Some(self.local_addr),
                    ..self.snapshot.clone()
                });
            }
            Cmd::Path(reply) => {
                let _ = reply.send(PathState {
                    connected: self.snapshot.connected,
                    last_received: self.snapshot.last_received,
                });
            }
            Cmd::Keyframe(mid) => self.ask_keyframe(Mid::from(mid.as_str()), None),
            Cmd::Push(frame) => self.write_pushed(frame, Instant::now()),
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
            Event::Connected => {
                self.dtls_up = true;
                self.snapshot.connected = true;
            }
            // After an ICE restart (DTLS stays up, so no second `Connected`).
            Event::IceConnectionStateChange(
                IceConnectionState::Connected | IceConnectionState::Completed,
            ) => self.snapshot.connected = self.dtls_up,
            Event::IceConnectionStateChange(IceConnectionState::Disconnected) => {
                self.snapshot.connected = false;
            }
            Event::MediaData(data) => self.record(data),
            Event::KeyframeRequest(req) => {
                self.snapshot.keyframe_requests += 1;
                if let Some(t) = self.tracks.iter_mut().find(|t| t.mid == req.mid) {
                    t.force_key.insert(req.rid);
                    if let Some(tap) = &self.config.keyframe_tap {
                        let _ = tap.try_send(t.kind);
                    }
                }
            }
            _ => {}
        }
    }

    fn ask_keyframe(&mut self, mid: Mid, rid: Option<str0m::media::Rid>) {
        let now = Instant::now();
        if let Some(at) = self.asked_key.get(&mid) {
            if now.duration_since(*at) < KEYFRAME_RETRY {
                return;
            }
        }
        self.asked_key.insert(mid, now);
        if let Some(mut w) = self.rtc.writer(mid) {
            if let Err(e) = w.request_keyframe(rid, KeyframeRequestKind::Pli) {
                tracing::debug!("keyframe request on {mid} failed: {e}");
            }
        }
    }

    fn record(&mut self, data: MediaData) {
        let received_at_us = wall_clock_us();
        let packets = (**data.seq_range.end()).saturating_sub(**data.seq_range.start()) + 1;
        let keyframe = data.is_keyframe();
        let tag = parse_frame(&data.data);
        let sent_at_us = tag.and_then(|_| sent_at_us(&data.data));
        let stats = self
            .snapshot
            .received
            .entry(data.mid.to_string())
            .or_default();
        stats.packets += packets;
        stats.frames += 1;
        stats.bytes += data.data.len() as u64;
        stats.keyframes += u64::from(keyframe);
        if let Some(sent) = sent_at_us {
            stats.latency.record(received_at_us.saturating_sub(sent));
        }
        if let Some(t) = tag {
            // Counters of one sender and kind go up by one per frame (layers share them).
            if let Some(last) = stats.last_tag {
                if (last.user, last.kind) == (t.user, t.kind) && t.counter > last.counter {
                    stats.lost_frames += u64::from(t.counter - last.counter - 1);
                }
            }
            stats.last_tag = Some(t);
        }
        // As a decoder would: video it cannot decode (none yet, or a gap since the last
        // frame) needs a keyframe, so ask the sender, once a second while it lasts.
        let undecodable = stats.keyframes == 0 || !data.contiguous;
        if self.config.keep_frame_records {
            stats.records.push(FrameRecord {
                tag,
                keyframe,
                checksum: fnv1a64(&data.data),
                bytes: data.data.len(),
                packets,
                picture_id: match data.codec_extra {
                    CodecExtra::Vp8(v) => v.picture_id,
                    _ => None,
                },
                sent_at_us,
                received_at_us,
            });
        }
        if let Some(tap) = &self.config.frame_tap {
            // A full tap loses this frame: the peer never waits on the app.
            let _ = tap.try_send(crate::ReceivedFrame {
                mid: data.mid.to_string(),
                video: data.params.spec().codec.is_video(),
                keyframe,
                rtp_time: data.time.numer(),
                data: data.data.to_vec(),
                audio_level: data.ext_vals.audio_level,
            });
        }
        if data.params.spec().codec.is_video() && undecodable && !keyframe {
            self.ask_keyframe(data.mid, data.rid);
        }
    }
}
