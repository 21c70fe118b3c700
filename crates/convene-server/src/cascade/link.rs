//! The owning side of a cascade link: one WebSocket from this node (which owns sessions) to
//! an edge node's `GET /cluster/media`, carrying what this node's session tasks decide for
//! their peers on the edge's SFU ([`Down`]) and bringing back those peers' events ([`Up`]),
//! which reach the sessions through [`MediaPlane::deliver`] like their own SFU's.
//!
//! Nothing waits on the link: its queue is bounded, and a link that cannot keep up (a full
//! queue), fails to connect, or goes silent is closed. Every peer it carried is then
//! reported `Disconnected`, exactly as the SFU reports a peer whose connection died, and the
//! session core does what it always does (the client's next offer makes a fresh peer).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, Notify};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use super::wire::{Down, Kind, Up};
use crate::handle::SessionHandle;
use crate::media_plane::{MediaPlane, MediaPlaneBusy};
use convene_sfu::{Command, Event, PeerId, RoomId, TrackKind};

/// Messages queued towards the edge.
const DOWN_QUEUE: usize = 4096;
/// How long the connection may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A ping this often; nothing heard for [`SILENCE`] closes the link.
const PING: Duration = Duration::from_secs(2);
const SILENCE: Duration = Duration::from_secs(6);

/// A handle to one link; cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct EdgeLink {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    node: String,
    tx: mpsc::Sender<Down>,
    /// The owner's peers on the edge, reported gone when the link closes.
    peers: Mutex<HashSet<PeerId>>,
    alive: AtomicBool,
    /// Wakes the task to close the link (its queue overflowed).
    close: Notify,
}

impl EdgeLink {
    /// Opens a link to `url` (`ws(s)://…/cluster/media`) of the edge `node`, authenticated
    /// with the API token `token`.
    pub(crate) fn open(node: String, url: String, token: String, plane: MediaPlane) -> EdgeLink {
        let (tx, rx) = mpsc::channel(DOWN_QUEUE);
        let inner = Arc::new(Inner {
            node,
            tx,
            peers: Mutex::default(),
            alive: AtomicBool::new(true),
            close: Notify::new(),
        });
        tokio::spawn(run(inner.clone(), url, token, rx, plane));
        EdgeLink { inner }
    }

    /// The edge's node id.
    pub(crate) fn node(&self) -> &str {
        &self.inner.node
    }

    /// Not closed yet.
    pub(crate) fn alive(&self) -> bool {
        self.inner.alive.load(Ordering::Relaxed)
    }

    /// A peer of `user` in `room` on the edge's SFU, owned by `session`, with its
    /// permissions (`[audio, video, share]`).
    pub(crate) fn add_peer(
        &self,
        plane: &MediaPlane,
        session: &SessionHandle,
        room: &RoomId,
        user: u32,
        allowed: [bool; 3],
    ) -> PeerId {
        let peer = plane.new_peer_id();
        plane.register_remote(peer, session);
        self.peers().insert(peer);
        self.send(Down::Add {
            peer: peer.0,
            room: room.0.clone(),
            user,
            allowed,
        });
        if !self.alive() {
            // Closed already: the session hears of it as of any peer gone.
            self.peers().remove(&peer);
            plane.deliver(Event::Disconnected { peer });
        }
        peer
    }

    /// Removes `peer` from the edge's SFU.
    pub(crate) fn remove_peer(&self, plane: &MediaPlane, peer: PeerId) {
        self.forget(plane, peer);
        self.send(Down::Remove { peer: peer.0 });
    }

    /// Forgets `peer` (the edge's SFU removed it already).
    pub(crate) fn forget(&self, plane: &MediaPlane, peer: PeerId) {
        plane.forget_remote(peer);
        self.peers().remove(&peer);
    }

    pub(crate) fn set_allowed(&self, peer: PeerId, kind: TrackKind, allowed: bool) {
        self.send(Down::Allowed {
            peer: peer.0,
            kind: Kind::from(kind),
            allowed,
        });
    }

    pub(crate) fn set_audio_slots(&self, peer: PeerId, slots: usize) {
        self.send(Down::AudioSlots {
            peer: peer.0,
            slots,
        });
    }

    pub(crate) fn set_relay_source(&self, peer: PeerId, user: u32) {
        self.send(Down::RelaySource { peer: peer.0, user });
    }

    pub(crate) fn attach_video(&self, peer: PeerId, user: u32, quality: u8) {
        self.send(Down::Attach {
            peer: peer.0,
            user,
            quality,
        });
    }

    pub(crate) fn detach_video(&self, peer: PeerId, user: u32) {
        self.send(Down::Detach { peer: peer.0, user });
    }

    /// An offer or candidate for a peer on the edge.
    pub(crate) fn command(&self, c: Command) -> Result<(), MediaPlaneBusy> {
        let down = match c {
            Command::Offer {
                peer,
                sdp,
                share_mids,
            } => Down::Offer {
                peer: peer.0,
                sdp,
                share_mids,
            },
            Command::Candidate { peer, candidate } => Down::Candidate {
                peer: peer.0,
                candidate,
            },
            _ => return Err(MediaPlaneBusy),
        };
        match self.send(down) {
            true => Ok(()),
            false => Err(MediaPlaneBusy),
        }
    }

    fn send(&self, d: Down) -> bool {
        if !self.alive() {
            return false;
        }
        if self.inner.tx.try_send(d).is_err() {
            tracing::warn!(node = %self.inner.node, "cascade link cannot keep up; closing it");
            self.inner.alive.store(false, Ordering::Relaxed);
            self.inner.close.notify_one();
            return false;
        }
        true
    }

    fn peers(&self) -> std::sync::MutexGuard<'_, HashSet<PeerId>> {
        self.inner.peers.lock().unwrap_or_else(|e| e.into_inner())
    }
}

async fn run(
    inner: Arc<Inner>,
    url: String,
    token: String,
    rx: mpsc::Receiver<Down>,
    plane: MediaPlane,
) {
    if let Err(e) = carry(&inner, &url, &token, rx, &plane).await {
        tracing::warn!(node = %inner.node, "cascade link to {url}: {e}");
    }
    inner.alive.store(false, Ordering::Relaxed);
    let peers: Vec<PeerId> = inner
        .peers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .drain()
        .collect();
    if !peers.is_empty() {
        tracing::warn!(node = %inner.node, peers = peers.len(), "cascade link closed; its peers are gone");
    }
    for peer in peers {
        plane.deliver(Event::Disconnected { peer });
    }
}

/// Connects, then carries messages both ways until either side stops.
async fn carry(
    inner: &Inner,
    url: &str,
    token: &str,
    mut rx: mpsc::Receiver<Down>,
    plane: &MediaPlane,
) -> Result<(), String> {
    let mut req = url.into_client_request().map_err(|e| e.to_string())?;
    let auth = format!("Bearer {token}").parse().map_err(|_| "bad token")?;
    req.headers_mut().insert("authorization", auth);
    let (ws, _) = tokio::time::timeout(CONNECT_TIMEOUT, tokio_tungstenite::connect_async(req))
        .await
        .map_err(|_| "no connection within 5 s".to_owned())?
        .map_err(|e| e.to_string())?;
    tracing::info!(node = %inner.node, "cascade link open");
    let (mut sink, mut stream) = ws.split();
    let mut ping = tokio::time::interval(PING);
    let mut heard = tokio::time::Instant::now();
    loop {
        tokio::select! {
            d = rx.recv() => {
                // Every handle gone: nothing more to carry.
                let Some(d) = d else { return Ok(()) };
                let text = serde_json::to_string(&d).unwrap_or_default();
                sink.send(Message::text(text)).await.map_err(|e| e.to_string())?;
            }
            m = stream.next() => {
                heard = tokio::time::Instant::now();
                match m {
                    Some(Ok(Message::Text(t))) => match serde_json::from_str::<Up>(&t) {
                        Ok(up) => plane.deliver(up.into_event()),
                        Err(e) => tracing::warn!("cascade link: bad message: {e}"),
                    },
                    Some(Ok(Message::Close(_))) | None => return Err("closed by the edge".into()),
                    Some(Err(e)) => return Err(e.to_string()),
                    Some(Ok(_)) => {}
                }
            }
            _ = ping.tick() => {
                if heard.elapsed() > SILENCE {
                    return Err("the edge went silent".into());
                }
                sink.send(Message::Ping(Default::default())).await.map_err(|e| e.to_string())?;
            }
            () = inner.close.notified() => return Err("its queue overflowed".into()),
        }
    }
}
