//! Cascading: one session's media over several nodes' SFUs (`--cascade-above N`, in a
//! cluster). The session stays on its owner (one task, one core: every rule in one place,
//! signaling on the owner as without cascading); what moves is media. Once the owner's SFU
//! holds `N` peers, a new user's media peer is placed on the SFU of the live node with the
//! fewest peers, an *edge*: the client's offer is answered by that SFU, so the client sends
//! and receives its media there, with no change to any SDK.
//!
//! * `link.rs`: the owner drives its peers on an edge through one WebSocket per edge
//!   ([`EdgeLink`]); `accept.rs`: the edge's side, `GET /cluster/media`; `wire.rs`: the
//!   messages.
//! * `relays.rs`: each user who publishes gets a relay into every other SFU its session
//!   uses, and into the owner's, which ranks the speakers (a relay peer pinned to the user
//!   on its SFU, copied frame by frame by
//!   `convene_media::Relay` onto a peer publishing as the user on the other: audio, camera
//!   and share), so that every
//!   SFU of the session forwards every publisher to its own subscribers: one copy per
//!   publisher and SFU crosses between nodes, whatever the number of subscribers.
//!
//! * `home.rs`: [`Home`], which SFU a peer is on, and the operations on it either way.
//!
//! docs/scale-out.md tells the design and what it does not do yet.

mod accept;
mod home;
mod link;
mod relays;
#[cfg(test)]
mod tests;
mod wire;

pub(crate) use accept::accept;
pub(crate) use home::Home;
pub(crate) use link::EdgeLink;
pub(crate) use relays::{Relays, Session as RelaySession};
pub(crate) use wire::Up;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use convene_auth::AppCredentials;

use crate::media_plane::MediaPlane;

/// A node that failed a link is not chosen again for this long.
const DOWN_FOR: Duration = Duration::from_secs(10);

/// A live node of the cluster, as placement sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MediaNode {
    pub(crate) id: String,
    /// Its signaling URL (`ws(s)://…/rtc/v1`); the link goes to `/cluster/media` there.
    pub(crate) url: String,
    /// Peers on its SFU.
    pub(crate) peers: usize,
}

/// This node's cascading: where new peers go, and the links to edges.
#[derive(Debug)]
pub(crate) struct Cascade {
    me: String,
    /// A new user's media goes to an edge once this node's SFU holds this many peers.
    above: usize,
    /// The apps this node serves: a link authenticates with an API token of its session's.
    apps: Vec<AppCredentials>,
    /// Where relay peers bind (this node's media address).
    pub(crate) media_ip: IpAddr,
    nodes: Mutex<Vec<MediaNode>>,
    links: Mutex<HashMap<String, EdgeLink>>,
    down: Mutex<HashMap<String, Instant>>,
    /// Relays running on this node (all sessions).
    relays: AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Cascade {
    pub(crate) fn new(
        me: String,
        above: usize,
        apps: Vec<AppCredentials>,
        media_ip: IpAddr,
    ) -> Self {
        Cascade {
            me,
            above,
            apps,
            media_ip,
            nodes: Mutex::default(),
            links: Mutex::default(),
            down: Mutex::default(),
            relays: AtomicUsize::new(0),
        }
    }

    /// Relays running and links open, for the metrics.
    pub(crate) fn load(&self) -> (usize, usize) {
        let links = lock(&self.links).values().filter(|l| l.alive()).count();
        (self.relays.load(Ordering::Relaxed), links)
    }

    /// A relay started (`true`) or stopped.
    pub(crate) fn count_relay(&self, started: bool) {
        match started {
            true => self.relays.fetch_add(1, Ordering::Relaxed),
            false => self.relays.fetch_sub(1, Ordering::Relaxed),
        };
    }

    /// The live nodes now (the cluster's keeper calls this every round).
    pub(crate) fn set_nodes(&self, nodes: Vec<MediaNode>) {
        *lock(&self.nodes) = nodes;
    }

    /// Where a new peer of a session of `app` goes: `None` for this node's SFU (under the
    /// threshold, or no other node to take it), else the link to the edge with the fewest
    /// peers.
    pub(crate) fn place(&self, plane: &MediaPlane, app: &str) -> Option<EdgeLink> {
        if self.above == 0 || (plane.stats().peers as usize) < self.above {
            return None;
        }
        let now = Instant::now();
        let node = {
            let mut down = lock(&self.down);
            down.retain(|_, until| *until > now);
            lock(&self.nodes)
                .iter()
                .filter(|n| n.id != self.me && !down.contains_key(&n.id))
                .min_by_key(|n| (n.peers, n.id.clone()))
                .cloned()?
        };
        let mut links = lock(&self.links);
        if let Some(l) = links.get(&node.id).filter(|l| l.alive()) {
            return Some(l.clone());
        }
        if links.remove(&node.id).is_some() {
            // It closed: keep away from that node for a while.
            lock(&self.down).insert(node.id.clone(), now + DOWN_FOR);
            return None;
        }
        let app = self.apps.iter().find(|a| a.key == app)?;
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let token = convene_auth::mint_api(app, secs, 3600);
        let url = link_url(&node.url);
        let link = EdgeLink::open(node.id.clone(), url, token, plane.clone());
        links.insert(node.id, link.clone());
        Some(link)
    }
}

/// The link endpoint of a node whose signaling URL is `signaling` (`…/rtc/v1`).
fn link_url(signaling: &str) -> String {
    let base = signaling.strip_suffix("/rtc/v1").unwrap_or(signaling);
    format!("{base}/cluster/media")
}
