//! The sans-IO SFU core: every peer's `Rtc`, the forwarding rules, no sockets, no clock.
//!
//! This file holds the state and the entry points (`handle_*`, `poll_output`); the work is
//! split by concern into `commands` (signalling in), `rtc_events` (str0m's events out of
//! each `Rtc`), `forward` (the per-packet hot path) and `slots` (who goes into which slot).

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use str0m::ice::StunMessage;
use str0m::net::{Protocol, Receive};
use str0m::Input;

use crate::config::{MAX_ADDRS_PER_PEER, SPEAKER_INTERVAL};
use crate::peer::Peer;
use crate::probe::{ProbeHost, Probes};
use crate::speaker::SpeakerDetector;
use crate::{
    Command, Event, Output, PeerId, RoomId, SfuConfig, SfuError, SfuStats, TrackKind, Transmit,
};

mod commands;
mod forward;
mod rtc_events;
mod slots;

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
    /// (protocol, remote address) → the peer that last accepted a packet from it or sent a
    /// STUN message to it. At most [`MAX_ADDRS_PER_PEER`] entries per peer.
    addr_cache: HashMap<(Protocol, SocketAddr), PeerId>,
    /// Our ICE ufrag of each peer → the peer: a STUN check names its peer in USERNAME.
    ufrags: HashMap<String, PeerId>,
    /// Every peer's next `Rtc` deadline, earliest first: a timeout drives only the due peers.
    timers: BTreeSet<(Instant, PeerId)>,
    /// Peers drained since the last `finish`: only they can have closed.
    touched: Vec<PeerId>,
    /// Rooms whose audio and share slots must be re-assigned once the current work is done.
    dirty: HashSet<RoomId>,
    next_tick: Instant,
    /// The counters of [`SfuConfig::stats`], shared with whoever exports them.
    stats: Arc<SfuStats>,
    /// Probe peers (network tests before joining): in no room, demultiplexed on their own.
    probes: Probes,
    /// What the last inputs cost, for the tests that bound work per input.
    #[cfg(test)]
    pub(crate) work_log: WorkLog,
}

/// Work done per input, recorded in tests only.
#[cfg(test)]
#[derive(Debug, Default)]
pub(crate) struct WorkLog {
    /// `Rtc::accepts` calls (each may verify a STUN integrity HMAC).
    pub(crate) probes: usize,
    /// Peers drained.
    pub(crate) drained: Vec<PeerId>,
}

impl Sfu {
    /// An SFU whose single UDP socket is bound to `local_addr` (the host candidate handed to
    /// every client).
    pub fn new(local_addr: SocketAddr, now: Instant) -> Self {
        Self::with_config(local_addr, SfuConfig::default(), now)
    }

    /// A peer, for tests that steer its bandwidth estimate by hand.
    #[cfg(test)]
    pub(crate) fn peer_mut(&mut self, peer: PeerId) -> Option<&mut crate::peer::Peer> {
        self.peers.get_mut(&peer)
    }

    /// The receive slot `mid` of `peer`, for tests that steer a slot's layers by hand.
    #[cfg(test)]
    pub(crate) fn slot_mut(&mut self, peer: PeerId, mid: &str) -> Option<&mut crate::peer::Slot> {
        let peer = self.peers.get_mut(&peer)?;
        peer.slots.iter_mut().find(|s| s.mid.to_string() == mid)
    }

    /// Like [`Sfu::new`] with explicit tunables.
    pub fn with_config(local_addr: SocketAddr, config: SfuConfig, now: Instant) -> Self {
        // Safe to call repeatedly: only the first provider is kept.
        str0m::crypto::from_feature_flags().install_process_default();
        let stats = config.stats.clone();
        stats.set_peers(0);
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
            ufrags: HashMap::new(),
            timers: BTreeSet::new(),
            touched: Vec::new(),
            routes_dirty: true,
            next_tick: now + SPEAKER_INTERVAL,
            stats,
            probes: Probes::default(),
            #[cfg(test)]
            work_log: WorkLog::default(),
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

    /// The live counters ([`SfuConfig::stats`]).
    pub fn stats(&self) -> &Arc<SfuStats> {
        &self.stats
    }

    /// Next output. Call until it returns [`Output::Timeout`] after every `handle_*` call.
    pub fn poll_output(&mut self) -> Output {
        if let Some(t) = self.transmits.pop_front() {
            return Output::Transmit(t);
        }
        if let Some(e) = self.events.pop_front() {
            return Output::Event(e);
        }
        if let Some(t) = self.probes.transmits.pop_front() {
            return Output::Transmit(t);
        }
        if let Some(e) = self.probes.events.pop_front() {
            return Output::Event(e);
        }
        let next = self
            .timers
            .first()
            .map_or(self.next_tick, |(t, _)| (*t).min(self.next_tick));
        Output::Timeout(self.probes.next_deadline().map_or(next, |p| p.min(next)))
    }

    /// A datagram arrived on the SFU's socket from `source`.
    pub fn handle_receive(&mut self, now: Instant, source: SocketAddr, contents: &[u8]) {
        self.receive(now, Protocol::Udp, source, self.local_addr, contents);
    }

    /// One RFC 4571 frame (without its length prefix) arrived on the ICE-TCP connection
    /// from `source`. Ignored unless [`Sfu::set_tcp_addr`] was called. Returns whether a
    /// peer took it: a connection none of whose frames is ever taken is not ICE-TCP.
    pub fn handle_receive_tcp(
        &mut self,
        now: Instant,
        source: SocketAddr,
        contents: &[u8],
    ) -> bool {
        let Some(local) = self.tcp_addr else {
            return false;
        };
        self.receive(now, Protocol::Tcp, source, local, contents)
    }

    /// Demultiplex in O(1): a STUN check by the ufrag it names (one integrity check, by that
    /// peer), anything else by its source address (learnt from STUN). Unknown sources are
    /// dropped without asking every peer. Returns whether a peer took the packet.
    fn receive(
        &mut self,
        now: Instant,
        proto: Protocol,
        source: SocketAddr,
        local: SocketAddr,
        contents: &[u8],
    ) -> bool {
        self.now = now;
        let Ok(receive) = Receive::new(proto, source, local, contents) else {
            // Not STUN, DTLS, RTP or RTCP: nothing for us.
            return false;
        };
        let input = Input::Receive(now, receive);
        let key = (proto, source);
        let ufrag = stun_local_ufrag(contents);
        if let Some(probe) = self.probes.owner(ufrag.as_deref(), key) {
            let stun = contents.first().is_some_and(|b| *b < 2);
            return self.probes.receive(now, probe, key, stun, input);
        }
        let candidate = match ufrag {
            Some(ufrag) => self.ufrags.get(&ufrag).copied(),
            None => self.addr_cache.get(&key).copied(),
        };
        #[cfg(test)]
        {
            self.work_log.probes += usize::from(candidate.is_some());
        }
        let Some(peer) = candidate
            .and_then(|id| self.peers.get_mut(&id))
            .filter(|p| p.rtc.accepts(&input))
        else {
            tracing::trace!(%source, "no peer accepts datagram");
            return false;
        };
        let id = peer.id;
        learn(&mut self.addr_cache, peer, key);
        if let Err(e) = peer.rtc.handle_input(input) {
            tracing::debug!(peer = %id, "input rejected: {e}");
        }
        self.drain(id);
        self.finish();
        true
    }

    /// Time passed: drive every `Rtc` whose deadline is due, and the periodic evaluations.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.now = now;
        let due: Vec<PeerId> = self
            .timers
            .range(..=(now, PeerId(u64::MAX)))
            .map(|(_, id)| *id)
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
        self.probes.handle_timeout(now);
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
            Command::RemovePeer { peer } if self.probes.remove(now, peer) => Ok(()),
            Command::Probe { peer, sdp, limits } => {
                let host = ProbeHost {
                    udp: self.local_addr,
                    tcp: self.tcp_addr,
                    stun_max_rto: self.config.stun_max_rto,
                    stun_max_retransmits: self.config.stun_max_retransmits,
                };
                if self.peers.contains_key(&peer) {
                    Err((peer, SfuError::PeerExists(peer)))
                } else {
                    self.probes
                        .add(now, peer, &sdp, limits, &host)
                        .map_err(|e| (peer, e))
                }
            }
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
            Command::SetAudioSlots { peer, slots } => self.set_audio_slots(peer, slots),
            Command::SetRelaySource { peer, user } => self.set_relay_source(peer, user),
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
        };
        if let Err((peer, reason)) = result {
            self.events.push_back(Event::Error { peer, reason });
        }
        self.finish();
    }
}

/// Our ufrag named by a STUN message's USERNAME (`ours:theirs`), if `contents` is one.
fn stun_local_ufrag(contents: &[u8]) -> Option<String> {
    // RFC 7983 demultiplexing: STUN starts with 0 or 1; its header is 20 bytes.
    if contents.len() < 20 || contents[0] > 1 {
        return None;
    }
    let message = StunMessage::parse(contents).ok()?;
    message.split_username().map(|(ours, _)| ours.to_owned())
}

/// Remember that `key` belongs to `peer`, forgetting the peer's oldest address beyond
/// [`MAX_ADDRS_PER_PEER`] so that no peer can grow the cache.
pub(crate) fn learn(
    cache: &mut HashMap<(Protocol, SocketAddr), PeerId>,
    peer: &mut Peer,
    key: (Protocol, SocketAddr),
) {
    if cache.get(&key) == Some(&peer.id) {
        return;
    }
    cache.insert(key, peer.id);
    peer.addrs.push_back(key);
    if peer.addrs.len() > MAX_ADDRS_PER_PEER {
        if let Some(old) = peer.addrs.pop_front() {
            if old != key && cache.get(&old) == Some(&peer.id) {
                cache.remove(&old);
            }
        }
    }
}
