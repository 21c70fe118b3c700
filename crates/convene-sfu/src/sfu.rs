//! The sans-IO SFU core: every peer's `Rtc`, the forwarding rules, no sockets, no clock.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::bwe::{Bitrate, BweKind};
use str0m::change::SdpOffer;
use str0m::format::Codec;
use str0m::media::{Direction, KeyframeRequestKind, MediaKind, Mid, Pt, Rids};
use str0m::net::{Protocol, Receive, TcpType};
use str0m::rtp::{ExtensionValues, RtpPacket, RtpWrite, Vp8Descriptor, Vp8Patch};
use str0m::{Candidate, IceConnectionState, Input, Rtc};

use crate::peer::{Peer, Published, Slot, KEYFRAME_RETRY};
use crate::quality::{fit_layer, layer_for_quality, live_at_or_below, quality_level};
use crate::speaker::SpeakerDetector;
use crate::{Command, Event, PeerId, RoomId, SfuError, SfuStats, TrackKind};

/// Most camera videos one subscriber can attach.
pub const MAX_ATTACHED_VIDEOS: usize = 25;
/// Default number of loudest speakers whose audio a subscriber receives.
pub const DEFAULT_AUDIO_SLOTS: usize = 3;
/// How often speakers, simulcast layers and keyframe retries are re-evaluated.
pub const SPEAKER_INTERVAL: Duration = Duration::from_millis(500);
/// Bandwidth kept for audio before the rest is shared among a subscriber's videos.
const AUDIO_RESERVE_BPS: u64 = 150_000;

/// Tunables of an [`Sfu`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SfuConfig {
    /// At most this many speakers' audio per subscriber (N, default 3).
    pub audio_slots: usize,
    /// Enable TWCC bandwidth estimation towards subscribers, starting at this bitrate.
    /// `None` disables it (no pacing, no probing); layers are then chosen by quality only.
    pub bwe_initial: Option<u64>,
    /// How often str0m reports statistics (drives [`Event::NetworkQuality`]).
    pub stats_interval: Duration,
}

impl Default for SfuConfig {
    fn default() -> Self {
        SfuConfig {
            audio_slots: DEFAULT_AUDIO_SLOTS,
            bwe_initial: Some(2_500_000),
            stats_interval: Duration::from_secs(1),
        }
    }
}

/// A packet to send: a datagram from the SFU's UDP socket, or one RFC 4571 frame on the
/// ICE-TCP connection from `destination` (see [`Sfu::set_tcp_addr`]).
#[derive(Debug)]
pub struct Transmit {
    /// [`Protocol::Udp`] or [`Protocol::Tcp`] (never anything else).
    pub proto: Protocol,
    /// Where to: the remote address of the datagram or of the TCP connection.
    pub destination: SocketAddr,
    /// The bytes.
    pub contents: Vec<u8>,
}

/// What [`Sfu::poll_output`] hands back.
#[derive(Debug)]
pub enum Output {
    /// Send this datagram.
    Transmit(Transmit),
    /// Deliver this event to the signalling layer.
    Event(Event),
    /// Nothing more to do until this instant (or until new input).
    Timeout(Instant),
}

#[derive(Debug, Default)]
struct Room {
    /// Join order.
    members: Vec<PeerId>,
    speakers: SpeakerDetector,
    /// (publisher user, kind) → slots carrying it. Rebuilt when `Sfu::routes_dirty`.
    routes: HashMap<(u32, TrackKind), Vec<(PeerId, usize)>>,
}

/// The media plane of all rooms served by one UDP socket (and optionally one ICE-TCP
/// listener, see [`Sfu::set_tcp_addr`]).
///
/// Sans-IO like str0m: feed it [`Sfu::handle_receive`], [`Sfu::handle_command`] and
/// [`Sfu::handle_timeout`], then drain [`Sfu::poll_output`] until it returns
/// [`Output::Timeout`].
pub struct Sfu {
    config: SfuConfig,
    local_addr: SocketAddr,
    /// The passive ICE-TCP host candidate offered to peers added from now on, if any.
    tcp_addr: Option<SocketAddr>,
    now: Instant,
    peers: HashMap<PeerId, Peer>,
    rooms: HashMap<RoomId, Room>,
    transmits: VecDeque<Transmit>,
    events: VecDeque<Event>,
    /// str0m events not yet acted upon, in order.
    work: VecDeque<(PeerId, str0m::Event)>,
    /// Peers to remove once the current work is done (connection failed).
    dead: Vec<PeerId>,
    /// Some slot changed its user (or slots came or went): rebuild the routes.
    routes_dirty: bool,
    /// (protocol, remote address) → the peer that last accepted a packet from it.
    addr_cache: HashMap<(Protocol, SocketAddr), PeerId>,
    /// Rooms whose audio and share slots must be re-assigned once the current work is done.
    dirty: HashSet<RoomId>,
    next_tick: Instant,
    stats: SfuStats,
}

impl Sfu {
    /// An SFU whose single UDP socket is bound to `local_addr` (the host candidate handed to
    /// every client).
    pub fn new(local_addr: SocketAddr, now: Instant) -> Self {
        Self::with_config(local_addr, SfuConfig::default(), now)
    }

    /// Like [`Sfu::new`] with explicit tunables.
    pub fn with_config(local_addr: SocketAddr, config: SfuConfig, now: Instant) -> Self {
        // Safe to call repeatedly: only the first provider is kept.
        str0m::crypto::from_feature_flags().install_process_default();
        Sfu {
            config,
            local_addr,
            tcp_addr: None,
            now,
            peers: HashMap::new(),
            rooms: HashMap::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            work: VecDeque::new(),
            dead: Vec::new(),
            dirty: HashSet::new(),
            addr_cache: HashMap::new(),
            routes_dirty: true,
            next_tick: now + SPEAKER_INTERVAL,
            stats: SfuStats::default(),
        }
    }

    /// The address given to [`Sfu::new`].
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Offer a passive ICE-TCP host candidate on `addr` (the SFU's TCP listener) to every
    /// peer added from now on, next to the UDP one; `None` stops offering it. Packets
    /// received on its connections go to [`Sfu::handle_receive_tcp`]; transmits for them
    /// come out with [`Transmit::proto`] = [`Protocol::Tcp`]. This is the fallback for
    /// clients whose UDP is blocked (RFC 6544, RFC 4571 framing is the driver's job).
    pub fn set_tcp_addr(&mut self, addr: Option<SocketAddr>) {
        self.tcp_addr = addr;
    }

    /// The address given to [`Sfu::set_tcp_addr`].
    pub fn tcp_addr(&self) -> Option<SocketAddr> {
        self.tcp_addr
    }

    /// Forwarding counters.
    pub fn stats(&self) -> SfuStats {
        SfuStats {
            peers: self.peers.len() as u64,
            ..self.stats
        }
    }

    /// Next output. Call until it returns [`Output::Timeout`] after every `handle_*` call.
    pub fn poll_output(&mut self) -> Output {
        if let Some(t) = self.transmits.pop_front() {
            return Output::Transmit(t);
        }
        if let Some(e) = self.events.pop_front() {
            return Output::Event(e);
        }
        let next = self
            .peers
            .values()
            .map(|p| p.timeout)
            .fold(self.next_tick, Instant::min);
        Output::Timeout(next)
    }

    /// A datagram arrived on the SFU's socket from `source`.
    pub fn handle_receive(&mut self, now: Instant, source: SocketAddr, contents: &[u8]) {
        self.receive(now, Protocol::Udp, source, self.local_addr, contents);
    }

    /// One RFC 4571 frame (without its length prefix) arrived on the ICE-TCP connection
    /// from `source`. Ignored unless [`Sfu::set_tcp_addr`] was called.
    pub fn handle_receive_tcp(&mut self, now: Instant, source: SocketAddr, contents: &[u8]) {
        let Some(local) = self.tcp_addr else {
            return;
        };
        self.receive(now, Protocol::Tcp, source, local, contents);
    }

    fn receive(
        &mut self,
        now: Instant,
        proto: Protocol,
        source: SocketAddr,
        local: SocketAddr,
        contents: &[u8],
    ) {
        self.now = now;
        let Ok(receive) = Receive::new(proto, source, local, contents) else {
            // Not STUN, DTLS, RTP or RTCP: nothing for us.
            return;
        };
        let input = Input::Receive(now, receive);
        // Most datagrams come from an address seen before: try its last peer first.
        let cached = self
            .addr_cache
            .get(&(proto, source))
            .and_then(|id| self.peers.get(id))
            .filter(|p| p.rtc.accepts(&input))
            .map(|p| p.id);
        let found = cached.or_else(|| {
            self.peers
                .values()
                .find(|p| p.rtc.accepts(&input))
                .map(|p| p.id)
        });
        let Some(id) = found else {
            tracing::trace!(%source, "no peer accepts datagram");
            return;
        };
        if cached.is_none() {
            self.addr_cache.insert((proto, source), id);
        }
        let Some(peer) = self.peers.get_mut(&id) else {
            return;
        };
        if let Err(e) = peer.rtc.handle_input(input) {
            tracing::debug!(peer = %id, "input rejected: {e}");
        }
        self.drain(id);
        self.finish();
    }

    /// Time passed: drive every `Rtc` whose deadline is due, and the periodic evaluations.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.now = now;
        let due: Vec<PeerId> = self
            .peers
            .values()
            .filter(|p| p.timeout <= now)
            .map(|p| p.id)
            .collect();
        for id in due {
            if let Some(p) = self.peers.get_mut(&id) {
                if let Err(e) = p.rtc.handle_input(Input::Timeout(now)) {
                    tracing::debug!(peer = %id, "timeout input failed: {e}");
                }
                self.drain(id);
            }
        }
        if now >= self.next_tick {
            self.next_tick = now + SPEAKER_INTERVAL;
            self.tick();
        }
        self.finish();
    }

    /// Apply a command from the signalling layer.
    pub fn handle_command(&mut self, now: Instant, command: Command) {
        self.now = now;
        let result = match command {
            Command::AddPeer {
                peer,
                room,
                user_id,
            } => self.add_peer(peer, room, user_id).map_err(|e| (peer, e)),
            Command::RemovePeer { peer } => {
                if self.peers.contains_key(&peer) {
                    self.remove_peer(peer);
                    Ok(())
                } else {
                    Err((peer, SfuError::UnknownPeer(peer)))
                }
            }
            Command::Offer {
                peer,
                sdp,
                share_mids,
            } => self.offer(peer, &sdp, share_mids).map_err(|e| (peer, e)),
            Command::Candidate { peer, candidate } => {
                self.candidate(peer, &candidate).map_err(|e| (peer, e))
            }
            Command::SetAudioAllowed { peer, allowed } => {
                self.set_allowed(peer, TrackKind::Audio, allowed)
            }
            Command::SetShareAllowed { peer, allowed } => {
                self.set_allowed(peer, TrackKind::Share, allowed)
            }
            Command::SetVideoAllowed { peer, allowed } => {
                self.set_allowed(peer, TrackKind::Video, allowed)
            }
            Command::AttachVideo {
                subscriber,
                publisher_user,
                quality,
            } => self
                .attach(subscriber, publisher_user, quality)
                .map_err(|e| (subscriber, e)),
            Command::DetachVideo {
                subscriber,
                publisher_user,
            } => self
                .detach(subscriber, publisher_user)
                .map_err(|e| (subscriber, e)),
            Command::Stats => {
                self.events.push_back(Event::Stats(self.stats()));
                Ok(())
            }
        };
        if let Err((peer, reason)) = result {
            self.events.push_back(Event::Error { peer, reason });
        }
        self.finish();
    }

    // ---------------------------------------------------------------- commands

    fn add_peer(&mut self, id: PeerId, room: RoomId, user: u32) -> Result<(), SfuError> {
        if self.peers.contains_key(&id) {
            return Err(SfuError::PeerExists(id));
        }
        // The codecs of the spec: Opus, VP8, and H.264 where both ends support it.
        let mut builder = Rtc::builder()
            .clear_codecs()
            .enable_opus(true, false)
            .enable_vp8(true)
            .enable_h264(true)
            .set_rtp_mode(true)
            .set_stats_interval(Some(self.config.stats_interval));
        if let Some(initial) = self.config.bwe_initial {
            builder = builder.enable_bwe(Some(Bitrate::bps(initial)));
        }
        let mut rtc = builder.build(self.now);
        // The candidate only fails for unusable addresses, e.g. port 0.
        let candidate = Candidate::host(self.local_addr, "udp")
            .map_err(|e| SfuError::Rtc(format!("local candidate: {e}")))?;
        rtc.add_local_candidate(candidate);
        if let Some(tcp) = self.tcp_addr {
            // Passive: the client connects to us (RFC 6544); browsers offer `tcptype active`.
            let candidate = Candidate::builder()
                .tcp()
                .host(tcp)
                .tcptype(TcpType::Passive)
                .build()
                .map_err(|e| SfuError::Rtc(format!("local tcp candidate: {e}")))?;
            rtc.add_local_candidate(candidate);
        }
        self.peers
            .insert(id, Peer::new(id, room.clone(), user, rtc, self.now));
        self.rooms.entry(room).or_default().members.push(id);
        self.drain(id);
        Ok(())
    }

    fn remove_peer(&mut self, id: PeerId) {
        self.routes_dirty = true;
        let Some(mut peer) = self.peers.remove(&id) else {
            return;
        };
        // Say goodbye (RTCP BYE, DTLS close_notify) so the client learns at once. Bounded:
        // a misbehaving state machine must not keep us here.
        if peer.rtc.close().is_ok() {
            for _ in 0..1000 {
                match peer.rtc.poll_output() {
                    Ok(str0m::Output::Transmit(t)) => self.transmits.push_back(Transmit {
                        proto: t.proto,
                        destination: t.destination,
                        contents: t.contents.into(),
                    }),
                    Ok(str0m::Output::Event(_)) => {}
                    Ok(str0m::Output::Timeout(_)) | Err(_) => break,
                }
            }
        }
        self.work.retain(|(p, _)| *p != id);
        self.addr_cache.retain(|_, p| *p != id);
        let room_id = peer.room.clone();
        if let Some(room) = self.rooms.get_mut(&room_id) {
            room.members.retain(|p| *p != id);
            room.speakers.remove(peer.user);
            if room.members.is_empty() {
                self.rooms.remove(&room_id);
                return;
            }
        }
        self.dirty.insert(room_id);
    }

    fn offer(&mut self, id: PeerId, sdp: &str, share_mids: Vec<String>) -> Result<(), SfuError> {
        let peer = self.peers.get_mut(&id).ok_or(SfuError::UnknownPeer(id))?;
        let offer =
            SdpOffer::from_sdp_string(sdp).map_err(|e| SfuError::BadOffer(e.to_string()))?;
        peer.share_mids
            .extend(share_mids.iter().map(|m| Mid::from(m.as_str())));
        let answer = peer
            .rtc
            .sdp_api()
            .accept_offer(offer)
            .map_err(|e| SfuError::BadOffer(e.to_string()))?;
        self.events.push_back(Event::Answer {
            peer: id,
            sdp: answer.to_sdp_string(),
        });
        // MediaAdded/MediaChanged (now or later) register tracks and slots and mark the room
        // for slot assignment.
        self.drain(id);
        Ok(())
    }

    fn candidate(&mut self, id: PeerId, line: &str) -> Result<(), SfuError> {
        let peer = self.peers.get_mut(&id).ok_or(SfuError::UnknownPeer(id))?;
        let line = line.trim().trim_start_matches("a=");
        if line.is_empty() || line.contains(".local") {
            // End-of-candidates or mDNS: the client's STUN checks reveal its address anyway.
            return Ok(());
        }
        let c =
            Candidate::from_sdp_string(line).map_err(|e| SfuError::BadCandidate(e.to_string()))?;
        peer.rtc.add_remote_candidate(c);
        self.drain(id);
        Ok(())
    }

    fn set_allowed(
        &mut self,
        id: PeerId,
        kind: TrackKind,
        allowed: bool,
    ) -> Result<(), (PeerId, SfuError)> {
        let peer = self
            .peers
            .get_mut(&id)
            .ok_or((id, SfuError::UnknownPeer(id)))?;
        match kind {
            TrackKind::Audio => peer.audio_allowed = allowed,
            TrackKind::Video => peer.video_allowed = allowed,
            TrackKind::Share => peer.share_allowed = allowed,
        }
        let (room, user) = (peer.room.clone(), peer.user);
        if kind == TrackKind::Audio && !allowed {
            if let Some(r) = self.rooms.get_mut(&room) {
                r.speakers.remove(user);
            }
        }
        self.dirty.insert(room);
        Ok(())
    }

    fn attach(&mut self, sub: PeerId, user: u32, quality: u8) -> Result<(), SfuError> {
        self.routes_dirty = true;
        let peer = self.peers.get_mut(&sub).ok_or(SfuError::UnknownPeer(sub))?;
        let quality = quality.min(4);
        let idx = if let Some(i) = peer
            .slots
            .iter()
            .position(|s| s.kind == TrackKind::Video && s.user == Some(user))
        {
            peer.slots[i].quality = quality;
            i
        } else {
            if peer.attached_videos() >= MAX_ATTACHED_VIDEOS {
                return Err(SfuError::TooManyVideos {
                    max: MAX_ATTACHED_VIDEOS,
                });
            }
            let Some(i) = peer
                .slots
                .iter()
                .position(|s| s.kind == TrackKind::Video && s.user.is_none())
            else {
                // The offer's receive slots may not be registered yet (str0m reports new
                // m-lines as it processes them): keep the attachment until a slot appears.
                if peer.pending_attach.len() + peer.attached_videos() >= MAX_ATTACHED_VIDEOS {
                    return Err(SfuError::NoFreeVideoSlot);
                }
                peer.pending_attach.retain(|(u, _)| *u != user);
                peer.pending_attach.push((user, quality));
                return Ok(());
            };
            let slot = &mut peer.slots[i];
            slot.assign(Some(user));
            slot.quality = quality;
            self.events.push_back(Event::SlotAssigned {
                peer: sub,
                mid: slot.mid.to_string(),
                user: Some(user),
                kind: TrackKind::Video,
            });
            i
        };
        // Force a fresh layer decision (and keyframe request) for this slot.
        if let Some(slot) = self.peers.get_mut(&sub).and_then(|p| p.slots.get_mut(idx)) {
            slot.target = None;
        }
        self.update_layer(sub, idx);
        Ok(())
    }

    fn detach(&mut self, sub: PeerId, user: u32) -> Result<(), SfuError> {
        self.routes_dirty = true;
        let peer = self.peers.get_mut(&sub).ok_or(SfuError::UnknownPeer(sub))?;
        if let Some(i) = peer.pending_attach.iter().position(|(u, _)| *u == user) {
            peer.pending_attach.remove(i);
            return Ok(());
        }
        let slot = peer
            .slots
            .iter_mut()
            .find(|s| s.kind == TrackKind::Video && s.user == Some(user))
            .ok_or(SfuError::NotAttached {
                publisher_user: user,
            })?;
        slot.assign(None);
        self.events.push_back(Event::SlotAssigned {
            peer: sub,
            mid: slot.mid.to_string(),
            user: None,
            kind: TrackKind::Video,
        });
        Ok(())
    }

    // ---------------------------------------------------------------- str0m events

    /// Drain one peer's `Rtc` to its timeout, queueing transmits and events.
    fn drain(&mut self, id: PeerId) {
        let Some(peer) = self.peers.get_mut(&id) else {
            return;
        };
        loop {
            match peer.rtc.poll_output() {
                Ok(str0m::Output::Timeout(t)) => {
                    peer.timeout = t;
                    break;
                }
                Ok(str0m::Output::Transmit(t)) => self.transmits.push_back(Transmit {
                    proto: t.proto,
                    destination: t.destination,
                    contents: t.contents.into(),
                }),
                Ok(str0m::Output::Event(e)) => self.work.push_back((id, e)),
                Err(e) => {
                    tracing::warn!(peer = %id, "rtc failed: {e}");
                    self.events.push_back(Event::Error {
                        peer: id,
                        reason: SfuError::Rtc(e.to_string()),
                    });
                    self.dead.push(id);
                    peer.timeout = self.now + Duration::from_secs(3600);
                    break;
                }
            }
        }
    }

    /// Act on queued str0m events, re-assign slots where needed, then remove failed peers.
    fn finish(&mut self) {
        loop {
            self.process_work();
            while !self.dirty.is_empty() {
                let rooms: Vec<RoomId> = self.dirty.drain().collect();
                for room in rooms {
                    self.assign_audio(&room);
                    self.assign_share(&room);
                }
                self.process_work();
            }
            let dead: Vec<PeerId> = std::mem::take(&mut self.dead);
            let mut closed: Vec<PeerId> = self
                .peers
                .values()
                .filter(|p| !p.rtc.is_alive())
                .map(|p| p.id)
                .collect();
            closed.extend(dead);
            if closed.is_empty() {
                break;
            }
            closed.sort();
            closed.dedup();
            for id in closed {
                if self.peers.contains_key(&id) {
                    self.remove_peer(id);
                    self.events.push_back(Event::Disconnected { peer: id });
                }
            }
        }
    }

    fn process_work(&mut self) {
        while let Some((id, event)) = self.work.pop_front() {
            self.on_rtc_event(id, event);
        }
    }

    fn on_rtc_event(&mut self, id: PeerId, event: str0m::Event) {
        match event {
            str0m::Event::RtpPacket(packet) => self.on_rtp(id, packet),
            str0m::Event::Connected => self.events.push_back(Event::Connected { peer: id }),
            str0m::Event::IceConnectionStateChange(IceConnectionState::Disconnected) => {
                self.dead.push(id);
            }
            str0m::Event::MediaAdded(m) => self.on_media(id, m.mid, m.kind, m.direction),
            str0m::Event::MediaChanged(m) => {
                let kind = self
                    .peers
                    .get(&id)
                    .and_then(|p| p.rtc.media(m.mid))
                    .map(|media| media.kind());
                if let Some(kind) = kind {
                    self.on_media(id, m.mid, kind, m.direction);
                }
            }
            str0m::Event::KeyframeRequest(req) => {
                let Some(peer) = self.peers.get(&id) else {
                    return;
                };
                let Some(slot) = peer.slots.iter().find(|s| s.mid == req.mid) else {
                    return;
                };
                if let (Some(user), Some(layer)) = (slot.user, slot.current.or(slot.target)) {
                    let kind = slot.kind;
                    self.request_keyframe(&id, user, kind, layer);
                }
            }
            str0m::Event::StreamPaused(p) => {
                let Some(peer) = self.peers.get_mut(&id) else {
                    return;
                };
                let user = peer.user;
                let Some(track) = peer.published.get_mut(&p.mid) else {
                    return;
                };
                let before = track.any_live();
                let layer = track.layer_of(p.rid);
                track.live[layer] = !p.paused;
                let after = track.any_live();
                if before != after {
                    let kind = track.kind;
                    self.events.push_back(Event::PublisherTrack {
                        peer: id,
                        user,
                        kind,
                        on: after,
                    });
                }
            }
            str0m::Event::EgressBitrateEstimate(BweKind::Twcc { estimate, .. }) => {
                if let Some(p) = self.peers.get_mut(&id) {
                    p.bwe = Some(estimate.as_u64());
                }
            }
            str0m::Event::PeerStats(s) => {
                let Some(p) = self.peers.get_mut(&id) else {
                    return;
                };
                if let Some(b) = s.bwe_tx {
                    p.bwe = Some(b.as_u64());
                }
                let q = (
                    quality_level(s.ingress_loss_fraction, s.rtt),
                    quality_level(s.egress_loss_fraction, s.rtt),
                );
                if p.quality != Some(q) {
                    p.quality = Some(q);
                    self.events.push_back(Event::NetworkQuality {
                        peer: id,
                        uplink: q.0,
                        downlink: q.1,
                    });
                }
            }
            _ => {}
        }
    }

    /// An m-line appeared or changed direction: (un)register the track or slot.
    fn on_media(&mut self, id: PeerId, mid: Mid, kind: MediaKind, dir: Direction) {
        self.routes_dirty = true;
        let Some(peer) = self.peers.get_mut(&id) else {
            return;
        };
        let kind = match kind {
            MediaKind::Audio => TrackKind::Audio,
            MediaKind::Video if peer.share_mids.contains(&mid) => TrackKind::Share,
            MediaKind::Video => TrackKind::Video,
        };
        // Directions are ours: we receive what the client sends.
        let receiving = matches!(dir, Direction::RecvOnly | Direction::SendRecv);
        let sending = matches!(dir, Direction::SendOnly | Direction::SendRecv);
        if receiving && !peer.published.contains_key(&mid) {
            let layers = match peer.rtc.media(mid).map(|m| m.rids_rx()) {
                Some(Rids::Specific(rids)) if !rids.is_empty() => {
                    rids.iter().map(|r| Some(*r)).collect()
                }
                _ => vec![None],
            };
            peer.published.insert(mid, Published::new(kind, layers));
        } else if !receiving {
            if let Some(track) = peer.published.remove(&mid) {
                if track.any_live() {
                    self.events.push_back(Event::PublisherTrack {
                        peer: id,
                        user: peer.user,
                        kind,
                        on: false,
                    });
                }
            }
        }
        self.dirty.insert(peer.room.clone());
        let has_slot = peer.slots.iter().any(|s| s.mid == mid);
        if sending && !has_slot {
            peer.slots.push(Slot::new(mid, kind));
            if kind == TrackKind::Video && !peer.pending_attach.is_empty() {
                let (user, quality) = peer.pending_attach.remove(0);
                if let Err(reason) = self.attach(id, user, quality) {
                    self.events.push_back(Event::Error { peer: id, reason });
                }
            }
        } else if !sending && has_slot {
            peer.slots.retain(|s| s.mid != mid);
        }
    }
}

mod forward;
mod slots;
