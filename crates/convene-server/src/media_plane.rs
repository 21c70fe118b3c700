//! The node's media plane as the session tasks see it: one SFU task for every session, its
//! control path and offer queue, and the dispatcher that hands each SFU event to the session
//! it concerns.
//!
//! Session tasks never wait on the SFU (the SFU's events come back through the dispatcher,
//! so waiting both ways could deadlock). What must never be lost, peers coming and going,
//! permissions and attachments, goes through [`convene_sfu::Control`]: state the SFU applies
//! before any other input, coalesced per peer, so it needs no queue that could overflow.
//! Only offers use a bounded queue; a full one answers that offer at once with an error.

use crate::handle::{SessionHandle, SessionMsg};
use convene_sfu::{Command, Control, Event, PeerId, ProbeLimits, RoomId, SfuError, TrackKind};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{mpsc, oneshot};

/// Offers queued towards the SFU task. Session tasks never wait on it; a full queue answers
/// the offer with an error (the client may offer again).
pub(crate) const SFU_QUEUE: usize = 4096;

/// Queue depth of SFU events towards the dispatcher.
const EVENT_QUEUE: usize = 4096;

/// A cheap handle to the node's media plane.
#[derive(Debug, Clone)]
pub(crate) struct MediaPlane {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The SFU runs until the last clone of this sender is gone (so the dispatcher, which
    /// lives as long as the SFU, must not hold one).
    tx: mpsc::Sender<Command>,
    /// Peers, permissions and attachments: never dropped.
    control: Control,
    next_peer: AtomicU64,
    owners: Arc<Mutex<Owners>>,
    /// The SFU's live counters.
    stats: Arc<convene_sfu::SfuStats>,
    /// Network tests started per client address (`probe.rs`).
    probe_throttle: crate::probe::ProbeThrottle,
    /// How session tasks start egress workers (cloud recording), the node's other media
    /// service: set once the server knows its own address (`egress::attach`).
    egress: std::sync::OnceLock<crate::egress::EgressContext>,
    /// Where new peers go in a cluster with cascading (`--cascade-above`): set once.
    cascade: std::sync::OnceLock<Arc<crate::cascade::Cascade>>,
}

/// Which session owns each peer and each room (a room is a session's media), for routing
/// the SFU's events.
#[derive(Debug, Default)]
struct Owners {
    peers: HashMap<PeerId, PeerOwner>,
    /// Each room with its number of peers; gone with its last peer.
    rooms: HashMap<RoomId, (SessionHandle, usize)>,
    /// Probe peers waiting for their answer (`probe.rs`).
    probes: HashMap<PeerId, oneshot::Sender<Result<String, SfuError>>>,
}

/// Whose a peer is.
#[derive(Debug, Clone)]
enum PeerOwner {
    /// A session task of this node (the peer may be on this node's SFU or, cascaded, on
    /// another node's: its events then come back through the link).
    Session(SessionHandle),
    /// Another node's session, through a cascade link to it: the peer's events go back on
    /// the link, under the id the owner gave the peer.
    Link {
        tx: mpsc::Sender<crate::cascade::Up>,
        remote: u64,
    },
}

fn lock(owners: &Mutex<Owners>) -> MutexGuard<'_, Owners> {
    // A panic while holding this lock is a bug elsewhere; the maps themselves stay valid.
    owners.lock().unwrap_or_else(|e| e.into_inner())
}

impl MediaPlane {
    /// Starts the SFU on `sockets` and the dispatcher of its events.
    pub(crate) fn spawn(sockets: crate::MediaSockets, limits: &crate::MediaLimits) -> MediaPlane {
        let (tx, rx) = mpsc::channel(SFU_QUEUE);
        let (ev_tx, ev_rx) = mpsc::channel(EVENT_QUEUE);
        let mut config = convene_sfu::SfuConfig::default();
        config.tcp_max_connections = limits.tcp_max_connections;
        config.tcp_max_connections_per_ip = limits.tcp_max_connections_per_ip;
        config.tcp_handshake_timeout = limits.tcp_handshake_timeout;
        config.tcp_idle_timeout = limits.tcp_idle_timeout;
        let stats = config.stats.clone();
        let control = config.control.clone();
        tokio::spawn(async move {
            let run = convene_sfu::run_with_tcp(sockets.udp, sockets.tcp, config, rx, ev_tx);
            if let Err(e) = run.await {
                tracing::error!("media plane stopped: {e}");
            }
        });
        let owners = Arc::new(Mutex::new(Owners::default()));
        tokio::spawn(dispatch(owners.clone(), ev_rx));
        MediaPlane {
            inner: Arc::new(Inner {
                tx,
                control,
                next_peer: AtomicU64::new(1),
                owners,
                stats,
                probe_throttle: Default::default(),
                egress: std::sync::OnceLock::new(),
                cascade: std::sync::OnceLock::new(),
            }),
        }
    }

    /// Sets how egress workers start (once; later calls are ignored).
    pub(crate) fn set_egress(&self, ctx: crate::egress::EgressContext) {
        let _ = self.inner.egress.set(ctx);
    }

    /// Sets this node's cascading (once; later calls are ignored).
    pub(crate) fn set_cascade(&self, cascade: Arc<crate::cascade::Cascade>) {
        let _ = self.inner.cascade.set(cascade);
    }

    /// This node's cascading, when on.
    pub(crate) fn cascade(&self) -> Option<&Arc<crate::cascade::Cascade>> {
        self.inner.cascade.get()
    }

    /// How egress workers start, once set.
    pub(crate) fn egress(&self) -> Option<&crate::egress::EgressContext> {
        self.inner.egress.get()
    }

    /// A new SFU peer of `user_id` in `room`, owned by `session`, with its permissions
    /// (`[audio, video, share]`): it forwards nothing that is not allowed here.
    pub(crate) fn add_peer(
        &self,
        session: &SessionHandle,
        room: &RoomId,
        user_id: u32,
        allowed: [bool; 3],
    ) -> PeerId {
        let peer = self.new_peer_id();
        {
            let mut o = lock(&self.inner.owners);
            o.peers.insert(peer, PeerOwner::Session(session.clone()));
            o.rooms
                .entry(room.clone())
                .or_insert_with(|| (session.clone(), 0))
                .1 += 1;
        }
        self.open_peer(peer, room, user_id, allowed);
        peer
    }

    /// A peer id no other peer of this node's sessions has (for a peer on another node's
    /// SFU, whose events come back through [`MediaPlane::deliver`]).
    pub(crate) fn new_peer_id(&self) -> PeerId {
        PeerId(self.inner.next_peer.fetch_add(1, Ordering::Relaxed))
    }

    /// `session` owns `peer`, a peer of another node's SFU (cascading): its events, handed
    /// to [`MediaPlane::deliver`], go to that session.
    pub(crate) fn register_remote(&self, peer: PeerId, session: &SessionHandle) {
        lock(&self.inner.owners)
            .peers
            .insert(peer, PeerOwner::Session(session.clone()));
    }

    /// Forgets a peer of another node's SFU.
    pub(crate) fn forget_remote(&self, peer: PeerId) {
        lock(&self.inner.owners).peers.remove(&peer);
    }

    /// Hands an event of another node's SFU (through a cascade link) to its session.
    pub(crate) fn deliver(&self, ev: Event) {
        route(&self.inner.owners, ev);
    }

    /// A new peer of this SFU for another node's session (this node is its edge): its events
    /// go to `tx` under the owner's id `remote`. Its permissions (`[audio, video, share]`)
    /// as for [`MediaPlane::add_peer`].
    pub(crate) fn add_link_peer(
        &self,
        tx: &mpsc::Sender<crate::cascade::Up>,
        remote: u64,
        room: &RoomId,
        user_id: u32,
        allowed: [bool; 3],
    ) -> PeerId {
        let peer = self.new_peer_id();
        let owner = PeerOwner::Link {
            tx: tx.clone(),
            remote,
        };
        lock(&self.inner.owners).peers.insert(peer, owner);
        self.open_peer(peer, room, user_id, allowed);
        peer
    }

    /// Creates `peer` in the SFU with its permissions: it forwards nothing not allowed here.
    fn open_peer(&self, peer: PeerId, room: &RoomId, user_id: u32, allowed: [bool; 3]) {
        let control = &self.inner.control;
        control.add_peer(peer, room.clone(), user_id);
        let kinds = [TrackKind::Audio, TrackKind::Video, TrackKind::Share];
        for (kind, allowed) in kinds.into_iter().zip(allowed) {
            control.set_allowed(peer, kind, allowed);
        }
    }

    /// Removes a peer added with [`MediaPlane::add_link_peer`].
    pub(crate) fn remove_link_peer(&self, peer: PeerId) {
        lock(&self.inner.owners).peers.remove(&peer);
        self.inner.control.remove_peer(peer);
    }

    /// The never-dropped control path of the SFU.
    pub(crate) fn control(&self) -> &Control {
        &self.inner.control
    }

    /// Forgets `peer` of `room` and tells the SFU to drop it (never lost).
    pub(crate) fn remove_peer(&self, peer: PeerId, room: &RoomId) {
        self.forget(peer, room);
        self.inner.control.remove_peer(peer);
    }

    /// Forgets `peer` of `room` (the SFU removed it already).
    pub(crate) fn forget(&self, peer: PeerId, room: &RoomId) {
        {
            let mut o = lock(&self.inner.owners);
            o.peers.remove(&peer);
            if let Some((_, n)) = o.rooms.get_mut(room) {
                *n -= 1;
                if *n == 0 {
                    o.rooms.remove(room);
                }
            }
        }
    }

    /// Queues an offer (or candidate) for the SFU; never waits. `Err` when the queue is full
    /// or the SFU is gone: the caller answers the request.
    pub(crate) fn send(&self, c: Command) -> Result<(), MediaPlaneBusy> {
        self.inner.tx.try_send(c).map_err(|e| {
            tracing::warn!("media plane queue full or gone; refused a command: {e}");
            MediaPlaneBusy
        })
    }

    /// A probe peer for `sdp` (a network test, see `probe.rs`): its SDP answer, or why not.
    pub(crate) async fn probe(&self, sdp: String, limits: ProbeLimits) -> Result<String, SfuError> {
        let peer = self.new_peer_id();
        let (tx, rx) = oneshot::channel();
        lock(&self.inner.owners).probes.insert(peer, tx);
        let busy = || SfuError::ProbeRefused("media plane busy".into());
        if self.send(Command::Probe { peer, sdp, limits }).is_err() {
            lock(&self.inner.owners).probes.remove(&peer);
            return Err(busy());
        }
        match tokio::time::timeout(std::time::Duration::from_secs(5), rx).await {
            Ok(Ok(answer)) => answer,
            _ => {
                lock(&self.inner.owners).probes.remove(&peer);
                // Answered late or not at all: make sure it does not linger.
                let _ = self.send(Command::RemovePeer { peer });
                Err(busy())
            }
        }
    }

    /// Network tests started per client address.
    pub(crate) fn probe_throttle(&self) -> &crate::probe::ProbeThrottle {
        &self.inner.probe_throttle
    }

    /// The SFU's counters now.
    pub(crate) fn stats(&self) -> convene_sfu::SfuStatsSnapshot {
        self.inner.stats.snapshot()
    }

    /// The subscribers' bandwidth estimates sampled since the last call.
    pub(crate) fn bandwidth_samples(&self) -> Vec<u64> {
        self.inner.stats.take_bandwidth_samples()
    }
}

/// The SFU's offer queue is full (or the SFU stopped).
#[derive(Debug)]
pub(crate) struct MediaPlaneBusy;

/// Hands each SFU event to its session's task without ever waiting on one: a session whose
/// inbox is full loses that event (speaker and quality events are refreshed anyway).
async fn dispatch(owners: Arc<Mutex<Owners>>, mut events: mpsc::Receiver<Event>) {
    while let Some(ev) = events.recv().await {
        route(&owners, ev);
    }
}

/// Hands one event to whoever owns its peer (or room): a session task of this node, a
/// cascade link to the node whose session it is, or a probe waiting for its answer.
fn route(owners: &Mutex<Owners>, ev: Event) {
    let owner = {
        let mut o = lock(owners);
        // A probe's answer (or refusal) goes to the request waiting for it.
        if let Event::Answer { peer, .. } | Event::Error { peer, .. } = &ev {
            if let Some(tx) = o.probes.remove(peer) {
                let _ = tx.send(match ev {
                    Event::Answer { sdp, .. } => Ok(sdp),
                    Event::Error { reason, .. } => Err(reason),
                    _ => return,
                });
                return;
            }
        }
        match &ev {
            Event::ActiveSpeakers { room, .. } => o
                .rooms
                .get(room)
                .map(|(s, _)| PeerOwner::Session(s.clone())),
            Event::Answer { peer, .. }
            | Event::Connected { peer, .. }
            | Event::Disconnected { peer, .. }
            | Event::SlotAssigned { peer, .. }
            | Event::PublisherTrack { peer, .. }
            | Event::NetworkQuality { peer, .. }
            | Event::Error { peer, .. } => {
                let owner = o.peers.get(peer).cloned();
                if matches!(ev, Event::Disconnected { .. })
                    && matches!(owner, Some(PeerOwner::Link { .. }))
                {
                    // Gone for the SFU: the link forgets it now (the owner hears it).
                    o.peers.remove(peer);
                }
                owner
            }
            _ => None,
        }
    };
    match owner {
        Some(PeerOwner::Session(s)) => {
            if s.tx.try_send(SessionMsg::Media(ev)).is_err() {
                tracing::warn!("session inbox full or closed; dropped a media event");
            }
        }
        Some(PeerOwner::Link { tx, remote }) => {
            if let Some(up) = crate::cascade::Up::from_event(ev, remote) {
                if tx.try_send(up).is_err() {
                    tracing::warn!("cascade link full or closed; dropped a media event");
                }
            }
        }
        None => tracing::debug!("media event for no session: {ev:?}"),
    }
}
