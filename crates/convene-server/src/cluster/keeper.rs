//! The keeper: once per [`TICK`], and soon after a session starts or its users change,
//! advertises this node, reads the live nodes, renews the
//! places of this node's sessions, saves the snapshots that changed, and forgets sessions
//! that ended. A place found held by another node (this node lost Redis longer than a
//! lease and the session was taken over) evicts the local task: its users fail over to the
//! new owner. On a drain, [`hand_over`] saves every snapshot and gives up every place.

use super::router::{Inner, LEASE};
use super::store::{Listed, NodeInfo};
use crate::handle::{SessionHandle, SessionKey, SessionMsg};
use convene_session::Snapshot;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::Ordering;
use std::sync::Weak;
use std::time::Duration;
use tokio::sync::oneshot;

/// How often the keeper works.
const TICK: Duration = Duration::from_secs(1);
/// A node not heard of for this long is gone.
const NODE_TTL: Duration = Duration::from_secs(5);
/// After a change is signalled, how long to wait for more before a round (a join storm
/// is saved in a few rounds, not one per join).
const SETTLE: Duration = Duration::from_millis(50);
/// How long a session task may take to hand out its snapshot.
const SNAPSHOT_WAIT: Duration = Duration::from_secs(1);

/// What the keeper remembers of one session of this node between rounds.
struct Kept {
    sid: Option<String>,
    /// Hash of the last snapshot saved.
    saved: Option<u64>,
}

/// Runs until the router is dropped or drains.
pub(super) async fn run(inner: Weak<Inner>, changed: std::sync::Arc<tokio::sync::Notify>) {
    let mut kept: HashMap<SessionKey, Kept> = HashMap::new();
    let mut failing = false;
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = changed.notified() => tokio::time::sleep(SETTLE).await,
        }
        let Some(inner) = inner.upgrade() else { return };
        if inner.draining.load(Ordering::Relaxed) {
            return;
        }
        match round(&inner, &mut kept).await {
            Ok(()) if failing => {
                tracing::info!("cluster store reachable again");
                failing = false;
            }
            Ok(()) => {}
            Err(e) => {
                if !failing {
                    tracing::warn!("cluster store: {e}; running sessions go on");
                }
                failing = true;
            }
        }
    }
}

async fn round(
    inner: &Inner,
    kept: &mut HashMap<SessionKey, Kept>,
) -> Result<(), super::store::StoreError> {
    let store = &inner.store;
    let handles = inner.local.handles();
    let me = NodeInfo {
        users: handles
            .iter()
            .map(|h| h.shared.users.load(Ordering::Relaxed))
            .sum(),
        sessions: handles.len(),
        peers: inner.media.stats().peers as usize,
        ..inner.me.clone()
    };
    store.heartbeat(&me, NODE_TTL).await?;
    inner.set_view(store.nodes().await?);
    let place = me.place();
    let mut seen = Vec::with_capacity(handles.len());
    for h in handles {
        let key = h.shared.key.clone();
        if !store.renew(&key, &place, LEASE).await? && !store.claim(&key, &place, LEASE).await? {
            tracing::warn!(topic = %key.topic, "another node took this session over; evicting it here");
            let _ = h.tx.try_send(SessionMsg::Evict);
            // Its snapshot is the new owner's now.
            kept.remove(&key);
            continue;
        }
        seen.push(key.clone());
        let entry = kept.entry(key).or_insert(Kept {
            sid: None,
            saved: None,
        });
        let Some(snap) = snapshot(&h).await else {
            continue;
        };
        let json = serde_json::to_string(&snap).unwrap_or_default();
        let hash = hash_of(&json);
        entry.sid = Some(snap.session_id.to_string());
        if entry.saved != Some(hash) {
            store
                .save(&snap, &json, &listed(&h, &snap, &me.id), inner.keep)
                .await?;
            entry.saved = Some(hash);
        } else {
            store.touch(&snap, inner.keep).await?;
        }
    }
    // Sessions that ended here since the last round.
    let gone: Vec<SessionKey> = kept.keys().filter(|k| !seen.contains(k)).cloned().collect();
    for key in gone {
        if let Some(k) = kept.remove(&key) {
            // Only while the place is still this node's is the snapshot its own.
            if store.release(&key, &place).await? {
                if let Some(sid) = k.sid {
                    store.forget(&key, &sid).await?;
                }
            }
        }
    }
    Ok(())
}

/// Saves every session's snapshot and gives up its place, so that the users' reconnects
/// reach other nodes, the first of which takes each session over.
pub(super) async fn hand_over(inner: &Inner) {
    let store = &inner.store;
    let place = inner.me.place();
    if let Err(e) = store.leave(&inner.me.id).await {
        tracing::warn!("cluster store: {e}; sessions are taken over when their leases lapse");
        return;
    }
    for h in inner.local.handles() {
        let key = h.shared.key.clone();
        if let Some(snap) = snapshot(&h).await {
            let json = serde_json::to_string(&snap).unwrap_or_default();
            let saved = store
                .save(&snap, &json, &listed(&h, &snap, &inner.me.id), inner.keep)
                .await;
            if let Err(e) = saved {
                tracing::warn!(topic = %key.topic, "cannot save the session for hand-over: {e}");
                continue;
            }
        }
        let _ = store.release(&key, &place).await;
    }
    tracing::info!("sessions handed over to the cluster");
}

async fn snapshot(h: &SessionHandle) -> Option<Snapshot> {
    let (done, rx) = oneshot::channel();
    h.tx.try_send(SessionMsg::Snapshot { done }).ok()?;
    tokio::time::timeout(SNAPSHOT_WAIT, rx).await.ok()?.ok()?
}

fn listed(h: &SessionHandle, snap: &Snapshot, node: &str) -> Listed {
    Listed {
        topic: snap.topic.clone(),
        node: node.to_owned(),
        started_ms: snap.started_ms,
        users: h.shared.users.load(Ordering::Relaxed),
    }
}

fn hash_of(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}
