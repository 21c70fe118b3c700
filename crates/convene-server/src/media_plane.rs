//! The node's media plane as the session tasks see it: one SFU task for every session, its
//! command queue, and the dispatcher that hands each SFU event to the session it concerns.

use crate::handle::{SessionHandle, SessionMsg};
use convene_sfu::{Command, Event, PeerId, RoomId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::mpsc;

/// Queue depth towards the SFU task. Session tasks never wait on it (the SFU waits on them
/// for events, so waiting both ways could deadlock); a full queue drops the command.
pub(crate) const SFU_QUEUE: usize = 65_536;

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
    next_peer: AtomicU64,
    owners: Arc<Mutex<Owners>>,
    /// The SFU's live counters.
    stats: Arc<convene_sfu::SfuStats>,
}

/// Which session owns each peer and each room (a room is a session's media), for routing
/// the SFU's events.
#[derive(Debug, Default)]
struct Owners {
    peers: HashMap<PeerId, SessionHandle>,
    /// Each room with its number of peers; gone with its last peer.
    rooms: HashMap<RoomId, (SessionHandle, usize)>,
}

fn lock(owners: &Mutex<Owners>) -> MutexGuard<'_, Owners> {
    // A panic while holding this lock is a bug elsewhere; the maps themselves stay valid.
    owners.lock().unwrap_or_else(|e| e.into_inner())
}

impl MediaPlane {
    /// Starts the SFU on `sockets` and the dispatcher of its events.
    pub(crate) fn spawn(sockets: crate::MediaSockets) -> MediaPlane {
        let (tx, rx) = mpsc::channel(SFU_QUEUE);
        let (ev_tx, ev_rx) = mpsc::channel(EVENT_QUEUE);
        let config = convene_sfu::SfuConfig::default();
        let stats = config.stats.clone();
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
                next_peer: AtomicU64::new(1),
                owners,
                stats,
            }),
        }
    }

    /// A new peer id, unique on this node, in `room`, owned by `session`.
    pub(crate) fn add_peer(&self, session: &SessionHandle, room: &RoomId) -> PeerId {
        let peer = PeerId(self.inner.next_peer.fetch_add(1, Ordering::Relaxed));
        let mut o = lock(&self.inner.owners);
        o.peers.insert(peer, session.clone());
        o.rooms
            .entry(room.clone())
            .or_insert_with(|| (session.clone(), 0))
            .1 += 1;
        peer
    }

    /// Forgets `peer` of `room` and tells the SFU to drop it.
    pub(crate) fn remove_peer(&self, peer: PeerId, room: &RoomId) {
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
        self.send(Command::RemovePeer { peer });
    }

    /// Queues a command for the SFU; never waits.
    pub(crate) fn send(&self, c: Command) {
        if let Err(e) = self.inner.tx.try_send(c) {
            tracing::error!("media plane queue full or gone; dropped a command: {e}");
        }
    }

    /// The SFU's counters now.
    pub(crate) fn stats(&self) -> convene_sfu::SfuStatsSnapshot {
        self.inner.stats.snapshot()
    }
}

/// Hands each SFU event to its session's task without ever waiting on one: a session whose
/// inbox is full loses that event (speaker and quality events are refreshed anyway).
async fn dispatch(owners: Arc<Mutex<Owners>>, mut events: mpsc::Receiver<Event>) {
    while let Some(ev) = events.recv().await {
        let session = {
            let o = lock(&owners);
            match &ev {
                Event::ActiveSpeakers { room, .. } => o.rooms.get(room).map(|(s, _)| s.clone()),
                Event::Answer { peer, .. }
                | Event::Connected { peer, .. }
                | Event::Disconnected { peer, .. }
                | Event::SlotAssigned { peer, .. }
                | Event::PublisherTrack { peer, .. }
                | Event::NetworkQuality { peer, .. }
                | Event::Error { peer, .. } => o.peers.get(peer).cloned(),
                _ => None,
            }
        };
        match session {
            Some(s) => {
                if s.tx.try_send(SessionMsg::Media(ev)).is_err() {
                    tracing::warn!("session inbox full or closed; dropped a media event");
                }
            }
            None => tracing::debug!("media event for no session: {ev:?}"),
        }
    }
}
