//! The relays of one session: for each user who publishes, one relay into every other SFU
//! the session's users are on (and into the owner's), so that each SFU has every publisher
//! to forward to its own subscribers. A relay is a peer on the publisher's SFU pinned to
//! that user (`Command::SetRelaySource`: its audio and share slots carry that user; its
//! camera attached at the top quality) and a peer on the other SFU publishing as that user,
//! joined by `convene_media::Relay` in this node's process. Both are negotiated like any
//! client (this node offers, each SFU answers), their answers arriving as SFU events
//! through the session's media slice.
//!
//! The sink publishes audio, camera video and share; each of its tracks is forwarded on its
//! SFU while the publisher's permission for it holds (which follows what the publisher
//! sends: a stopped share is a share no longer allowed), as for the publisher's own peer.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use convene_media::{relay_configs, MediaPeer, OfferPlan, Relay};
use convene_sfu::{Command, PeerId, RoomId, TrackKind};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::home::Home;
use crate::handle::SessionHandle;
use crate::media_plane::MediaPlane;

/// A relay peer's own user id on the publisher's SFU: from the top of the range, where no
/// session's counter reaches.
fn relay_user(user: u32) -> u32 {
    u32::MAX - user
}

/// How long an SFU may take to answer a relay's offer.
const ANSWER_WAIT: Duration = Duration::from_secs(10);

/// A relay: publisher user → SFU (its [`Home::key`]).
type Key = (u32, Option<String>);

/// The relays of one session, owned by its media slice.
#[derive(Debug, Default)]
pub(crate) struct Relays {
    running: HashMap<Key, Running>,
    /// Each relay peer's relay.
    peers: HashMap<PeerId, Key>,
    /// Offers of relay peers waiting for their SFU's answer.
    answers: HashMap<PeerId, oneshot::Sender<String>>,
    /// Users whose media has started (a track on), with their SFU.
    publishers: HashMap<u32, Home>,
}

#[derive(Debug)]
struct Running {
    source: (Home, PeerId),
    sink: (Home, PeerId),
    task: JoinHandle<()>,
}

/// What a relay needs from its session.
pub(crate) struct Session<'a> {
    pub(crate) plane: &'a MediaPlane,
    pub(crate) handle: &'a SessionHandle,
    pub(crate) room: &'a RoomId,
    /// Where relay peers bind.
    pub(crate) ip: IpAddr,
}

impl Relays {
    /// Whether `peer` is one end of a relay.
    pub(crate) fn is_relay(&self, peer: PeerId) -> bool {
        self.peers.contains_key(&peer)
    }

    /// `user`, on `home`, started publishing: relay it into each SFU of `in_use` but its own.
    pub(crate) fn publishing(
        &mut self,
        s: &Session<'_>,
        user: u32,
        home: &Home,
        allowed: [bool; 3],
        in_use: &[Home],
    ) {
        self.publishers.insert(user, home.clone());
        for to in in_use {
            self.ensure(s, user, home, to, allowed);
        }
    }

    /// `to` has a user now: relay every publisher into it (its allowed kinds from `allowed`).
    pub(crate) fn member_on(
        &mut self,
        s: &Session<'_>,
        to: &Home,
        allowed: impl Fn(u32) -> [bool; 3],
    ) {
        let publishers: Vec<(u32, Home)> = self
            .publishers
            .iter()
            .map(|(u, h)| (*u, h.clone()))
            .collect();
        for (user, from) in publishers {
            self.ensure(s, user, &from, to, allowed(user));
        }
    }

    fn ensure(&mut self, s: &Session<'_>, user: u32, from: &Home, to: &Home, allowed: [bool; 3]) {
        let key = (user, to.key().map(str::to_owned));
        if from.key() == to.key() || self.running.contains_key(&key) {
            return;
        }
        let source = from.add_peer(s.plane, s.handle, s.room, relay_user(user), [false; 3]);
        from.set_relay_source(s.plane, source, user);
        from.attach_video(s.plane, source, user, 4);
        let sink = to.add_peer(s.plane, s.handle, s.room, user, allowed);
        let (source_tx, source_rx) = oneshot::channel();
        let (sink_tx, sink_rx) = oneshot::channel();
        self.answers.insert(source, source_tx);
        self.answers.insert(sink, sink_tx);
        self.peers.insert(source, key.clone());
        self.peers.insert(sink, key.clone());
        let ends = Ends {
            plane: s.plane.clone(),
            user,
            ip: s.ip,
            source: (from.clone(), source, source_rx),
            sink: (to.clone(), sink, sink_rx),
        };
        tracing::debug!(user, from = ?from.key(), to = ?to.key(), "relay starts");
        if let Some(c) = s.plane.cascade() {
            c.count_relay(true);
        }
        self.running.insert(
            key,
            Running {
                source: (from.clone(), source),
                sink: (to.clone(), sink),
                task: tokio::spawn(ends.run()),
            },
        );
    }

    /// The answer to a relay peer's offer: `true` when `peer` was one.
    pub(crate) fn answer(&mut self, peer: PeerId, sdp: String) -> bool {
        match self.answers.remove(&peer) {
            Some(tx) => {
                let _ = tx.send(sdp);
                true
            }
            None => false,
        }
    }

    /// The host muted `user` (or lifted it): its relays' sinks follow.
    pub(crate) fn set_allowed(&self, plane: &MediaPlane, user: u32, kind: TrackKind, on: bool) {
        for ((u, _), r) in &self.running {
            if *u == user {
                let (home, peer) = &r.sink;
                home.set_allowed(plane, *peer, kind, on);
            }
        }
    }

    /// `user` left (or its peer is gone): its relays stop.
    pub(crate) fn user_gone(&mut self, plane: &MediaPlane, room: &RoomId, user: u32) {
        self.publishers.remove(&user);
        let keys: Vec<Key> = self
            .running
            .keys()
            .filter(|(u, _)| *u == user)
            .cloned()
            .collect();
        for key in keys {
            self.stop(plane, room, &key, None);
        }
    }

    /// No user is on the SFU `to` any more: the relays into it stop.
    pub(crate) fn unused(&mut self, plane: &MediaPlane, room: &RoomId, to: Option<&str>) {
        let keys: Vec<Key> = self
            .running
            .keys()
            .filter(|(_, t)| t.as_deref() == to)
            .cloned()
            .collect();
        for key in keys {
            self.stop(plane, room, &key, None);
        }
    }

    /// A relay peer's SFU dropped it: its relay stops (the other end is removed).
    pub(crate) fn peer_gone(&mut self, plane: &MediaPlane, room: &RoomId, peer: PeerId) {
        if let Some(key) = self.peers.get(&peer).cloned() {
            self.stop(plane, room, &key, Some(peer));
        }
    }

    fn stop(&mut self, plane: &MediaPlane, room: &RoomId, key: &Key, gone: Option<PeerId>) {
        let Some(r) = self.running.remove(key) else {
            return;
        };
        r.task.abort();
        if let Some(c) = plane.cascade() {
            c.count_relay(false);
        }
        for (home, peer) in [r.source, r.sink] {
            self.peers.remove(&peer);
            self.answers.remove(&peer);
            match gone == Some(peer) {
                true => home.forget(plane, peer, room),
                false => home.remove_peer(plane, peer, room),
            }
        }
    }

    /// The session ended.
    pub(crate) fn close(&mut self, plane: &MediaPlane, room: &RoomId) {
        let keys: Vec<Key> = self.running.keys().cloned().collect();
        for key in keys {
            self.stop(plane, room, &key, None);
        }
        self.publishers.clear();
    }
}

/// One relay's two ends, negotiated and then joined.
struct Ends {
    plane: MediaPlane,
    user: u32,
    ip: IpAddr,
    source: (Home, PeerId, oneshot::Receiver<String>),
    sink: (Home, PeerId, oneshot::Receiver<String>),
}

impl Ends {
    async fn run(self) {
        let (user, plane, source) = (self.user, self.plane.clone(), self.source.1);
        match self.connect().await {
            // Runs until the session stops it (the task is aborted with the relay in it).
            Ok(_relay) => std::future::pending::<()>().await,
            Err(e) => {
                tracing::warn!(user, "relay not started: {e}");
                // As if its SFU had dropped it: the session stops the relay (both ends), and
                // starts it again at the next occasion (a track starting, a user arriving).
                plane.deliver(convene_sfu::Event::Disconnected { peer: source });
            }
        }
    }

    async fn connect(self) -> Result<Relay, String> {
        let (source_config, sink_config, taps) = relay_configs(relay_user(self.user), self.user);
        let bind = SocketAddr::new(self.ip, 0);
        let (home, peer, answer) = self.source;
        let source = MediaPeer::start_on(bind, source_config)
            .await
            .map_err(|e| e.to_string())?;
        let plan = OfferPlan {
            audio_slots: 1,
            video_slots: 1,
            share_slots: 1,
            ..OfferPlan::default()
        };
        let offer = negotiate(&self.plane, &source, &home, peer, plan, answer).await?;
        let (home, peer, answer) = self.sink;
        let sink = MediaPeer::start_on(bind, sink_config)
            .await
            .map_err(|e| e.to_string())?;
        // Its tracks forward only while the publisher's are on (the session's permissions
        // follow the publisher's state: a share stopped is a share no longer allowed).
        let plan = OfferPlan {
            audio: true,
            video: true,
            share: true,
            ..OfferPlan::default()
        };
        negotiate(&self.plane, &sink, &home, peer, plan, answer).await?;
        Ok(Relay::spawn(source, &offer, sink, taps))
    }
}

/// Offers `plan` from `media` for `peer` on its SFU and applies the answer.
async fn negotiate(
    plane: &MediaPlane,
    media: &MediaPeer,
    home: &Home,
    peer: PeerId,
    plan: OfferPlan,
    answer: oneshot::Receiver<String>,
) -> Result<convene_media::Offer, String> {
    let offer = media.create_offer(plan).await.map_err(|e| e.to_string())?;
    let command = Command::Offer {
        peer,
        sdp: offer.sdp.clone(),
        share_mids: offer.share_mids.clone(),
    };
    home.send(plane, command)
        .map_err(|_| "media plane busy".to_owned())?;
    let sdp = tokio::time::timeout(ANSWER_WAIT, answer)
        .await
        .map_err(|_| "no answer in time".to_owned())?
        .map_err(|_| "relay stopped".to_owned())?;
    media.apply_answer(sdp).await.map_err(|e| e.to_string())?;
    Ok(offer)
}
