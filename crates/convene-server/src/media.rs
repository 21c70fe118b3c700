//! One session's slice of the media plane: maps its users to SFU peers, carries out the
//! core's [`MediaAction`]s, and turns SFU events back into core inputs or replies. Owned by
//! the session's task. It also starts and stops the session's egress worker (cloud
//! recording, [`crate::egress`]), the node's other media service.

use convene_protocol::{ErrorBody, ErrorCode, MediaKind, Reply, RtcAnswer, SessionId, UserId};
use convene_session::{ConnId, Core, EgressAction, Input, MediaAction};
use convene_sfu::{Command, Event as SfuEvent, PeerId, RoomId, TrackKind};
use std::collections::{HashMap, HashSet, VecDeque};

use crate::cascade::{Home, RelaySession, Relays};
use crate::handle::SessionHandle;
use crate::media_plane::MediaPlane;

type UserKey = (SessionId, UserId);

/// A session task's view of the media plane.
#[derive(Debug)]
pub(crate) struct Media {
    plane: MediaPlane,
    /// The session this slice belongs to (the owner of every peer it adds).
    session: SessionHandle,
    peers: HashMap<UserKey, PeerId>,
    users: HashMap<PeerId, UserKey>,
    /// The session's room on every SFU: its id, known from its first peer.
    room: RoomId,
    /// Which SFU each user's peer is on (this node's, or an edge's with cascading).
    homes: HashMap<PeerId, Home>,
    /// Each user's latest permissions (audio, video, share), for the relays of its media.
    allowed: HashMap<u32, [bool; 3]>,
    /// Each publisher's media relayed into the session's other SFUs (cascading).
    relays: Relays,
    /// Offers waiting for their answer: where to send the reply.
    pending: HashMap<PeerId, VecDeque<(ConnId, u64)>>,
    /// Users whose peer the server lost (not replaced by a reset offer yet): an offer of
    /// theirs that is not a reset is refused, so that the client starts a new connection.
    lost: HashSet<UserKey>,
    /// Peers whose media errors have been logged: one line each, however many bad offers a
    /// client sends (each still gets its error reply).
    logged: HashSet<PeerId>,
    /// The egress workers of the running recording and live stream.
    egress: Option<crate::egress::Worker>,
    live: Option<crate::egress::Worker>,
}

/// What the session task must do after an SFU event.
pub(crate) enum Effect {
    /// Feed this to the core.
    Input(Input),
    /// Send this reply to a connection.
    Reply(ConnId, Reply),
    /// Nothing.
    None,
}

impl Media {
    pub(crate) fn new(plane: MediaPlane, session: SessionHandle) -> Self {
        Media {
            plane,
            session,
            peers: HashMap::new(),
            users: HashMap::new(),
            room: RoomId(String::new()),
            homes: HashMap::new(),
            allowed: HashMap::new(),
            relays: Relays::default(),
            pending: HashMap::new(),
            logged: HashSet::new(),
            lost: HashSet::new(),
            egress: None,
            live: None,
        }
    }

    /// Starts or stops the session's egress workers (its recording, its live stream), as the
    /// core says; a finished file is announced through `webhooks` (`recording.completed`).
    pub(crate) fn egress(&mut self, action: EgressAction, webhooks: &crate::webhook::Webhooks) {
        let (slot, job) = match action {
            EgressAction::Start {
                session,
                topic,
                passcode,
                session_key,
                run,
            } => (false, (session, topic, passcode, session_key, run, None)),
            EgressAction::StartLive {
                session,
                topic,
                passcode,
                session_key,
                run,
                ingest,
            } => (
                true,
                (session, topic, passcode, session_key, run, Some(ingest)),
            ),
            EgressAction::Stop { .. } | EgressAction::StopLive { .. } => {
                let live = matches!(action, EgressAction::StopLive { .. });
                let worker = if live {
                    &mut self.live
                } else {
                    &mut self.egress
                };
                if let Some(mut w) = worker.take() {
                    w.stop();
                }
                return;
            }
        };
        let (session, topic, passcode, session_key, run, ingest) = job;
        let Some(ctx) = self.plane.egress() else {
            tracing::error!("no egress context: cannot record or stream {session}");
            return;
        };
        let job = crate::egress::Job {
            app: self.session.shared.key.app.clone(),
            session,
            started_ms: self.session.shared.started_ms.get().copied().unwrap_or(0),
            run,
            topic,
            passcode,
            session_key,
            ingest,
        };
        let worker = crate::egress::Worker::start(ctx, job, self.session.clone(), webhooks.clone());
        if slot {
            self.live = worker;
        } else {
            self.egress = worker;
        }
    }

    /// Drops every peer of the session (it ended).
    pub(crate) fn close(&mut self) {
        let room = self.room();
        self.relays.close(&self.plane, &room);
        for (peer, _) in self.users.drain() {
            if let Some(home) = self.homes.remove(&peer) {
                home.remove_peer(&self.plane, peer, &room);
            }
        }
        self.peers.clear();
        self.pending.clear();
        self.logged.clear();
    }

    fn remove_peer(&mut self, key: &UserKey) -> Vec<(ConnId, u64)> {
        let Some(peer) = self.peers.remove(key) else {
            return Vec::new();
        };
        self.users.remove(&peer);
        self.logged.remove(&peer);
        let room = self.room();
        if let Some(home) = self.homes.remove(&peer) {
            home.remove_peer(&self.plane, peer, &room);
            self.left(&home, key.1);
        }
        self.pending
            .remove(&peer)
            .map(Vec::from)
            .unwrap_or_default()
    }

    /// Carries out one core action. Returns replies to send (offers that can no longer be
    /// answered).
    pub(crate) fn apply(&mut self, core: &Core, action: MediaAction) -> Vec<(ConnId, Reply)> {
        let mut replies = Vec::new();
        match action {
            MediaAction::Offer {
                session,
                user,
                conn,
                id,
                offer,
            } => {
                let key = (session.clone(), user);
                if offer.reset {
                    self.lost.remove(&key);
                    for (c, i) in self.remove_peer(&key) {
                        replies.push((c, cancelled(i)));
                    }
                } else if self.lost.contains(&key) {
                    // Its peer is gone (its connection died, or the node whose SFU carried
                    // it): a new one could not take up the client's DTLS session.
                    replies.push((conn, lost(id)));
                    return replies;
                }
                let peer = match self.peers.get(&key) {
                    Some(p) => *p,
                    None => self.new_peer(core, key),
                };
                self.pending.entry(peer).or_default().push_back((conn, id));
                let home = self.homes.get(&peer).cloned().unwrap_or(Home::Local);
                let sent = home.send(
                    &self.plane,
                    Command::Offer {
                        peer,
                        sdp: offer.sdp,
                        share_mids: offer.share_mids,
                    },
                );
                if sent.is_err() {
                    if let Some(q) = self.pending.get_mut(&peer) {
                        q.pop_back();
                    }
                    replies.push((conn, busy(id)));
                }
            }
            MediaAction::AudioAllowed {
                session,
                user,
                allowed,
            } => self.set_allowed(session, user, TrackKind::Audio, allowed),
            MediaAction::VideoAllowed {
                session,
                user,
                allowed,
            } => self.set_allowed(session, user, TrackKind::Video, allowed),
            MediaAction::ShareAllowed {
                session,
                user,
                allowed,
            } => self.set_allowed(session, user, TrackKind::Share, allowed),
            MediaAction::Attach {
                session,
                subscriber,
                publisher,
                quality,
            } => self.to_peer(session, subscriber, |home, plane, peer| {
                home.attach_video(plane, peer, publisher.0, quality)
            }),
            MediaAction::Detach {
                session,
                subscriber,
                publisher,
            } => self.to_peer(session, subscriber, |home, plane, peer| {
                home.detach_video(plane, peer, publisher.0)
            }),
            MediaAction::UserGone { session, user } => {
                self.lost.remove(&(session.clone(), user));
                self.allowed.remove(&user.0);
                for (c, i) in self.remove_peer(&(session, user)) {
                    replies.push((c, cancelled(i)));
                }
            }
        }
        replies
    }

    /// Applies `change` to `user`'s peer through the never-dropped control path (of its
    /// SFU, wherever it is). Without a peer (no offer yet) there is nothing to do: the peer
    /// starts from the core's state when it is created.
    fn to_peer(
        &self,
        session: SessionId,
        user: UserId,
        change: impl FnOnce(&Home, &MediaPlane, PeerId),
    ) {
        if let Some(&peer) = self.peers.get(&(session, user)) {
            if let Some(home) = self.homes.get(&peer) {
                change(home, &self.plane, peer);
            }
        }
    }

    /// A permission of `user` changed: on its peer, and on the peers relaying its media.
    fn set_allowed(&mut self, session: SessionId, user: UserId, kind: TrackKind, on: bool) {
        if let Some(a) = self.allowed.get_mut(&user.0) {
            a[kind_index(kind)] = on;
        }
        self.relays.set_allowed(&self.plane, user.0, kind, on);
        self.to_peer(session, user, |home, plane, peer| {
            home.set_allowed(plane, peer, kind, on)
        });
    }

    /// A new SFU peer for `key`, starting from the core's rules: its permissions (all closed
    /// if the core does not know the user) and the videos it attached, which wait in the SFU
    /// for the receive slots of its offer. With cascading, it may go to an edge's SFU; the
    /// session's publishers are then relayed there.
    fn new_peer(&mut self, core: &Core, key: UserKey) -> PeerId {
        let state = core.media_state(&key.0, key.1);
        let allowed = state.as_ref().map_or([false; 3], |st| {
            [st.audio_allowed, st.video_allowed, st.share_allowed]
        });
        let records = state.as_ref().is_some_and(|st| st.hears_everyone);
        let home = match (records, self.plane.cascade()) {
            // A recording worker stays with the session: it is this node's own client.
            (false, Some(c)) => c
                .place(&self.plane, &self.session.shared.key.app)
                .map_or(Home::Local, Home::Edge),
            _ => Home::Local,
        };
        self.room = RoomId(key.0 .0.clone());
        let room = self.room();
        let new_sfu = !self.homes.values().any(|h| h.key() == home.key());
        let peer = home.add_peer(&self.plane, &self.session, &room, key.1 .0, allowed);
        if records {
            // A recording worker: every speaker, for a track file each.
            home.set_audio_slots(&self.plane, peer, convene_protocol::MAX_RECORDED_SPEAKERS);
        }
        for (publisher, quality) in state.map(|st| st.attached).unwrap_or_default() {
            home.attach_video(&self.plane, peer, publisher.0, quality);
        }
        self.allowed.insert(key.1 .0, allowed);
        self.peers.insert(key.clone(), peer);
        self.users.insert(peer, key);
        self.homes.insert(peer, home.clone());
        if new_sfu {
            let allowed = self.allowed.clone();
            let s = relay_session(&self.plane, &self.session, &room);
            self.relays.member_on(&s, &home, |u| {
                allowed.get(&u).copied().unwrap_or([false; 3])
            });
        }
        peer
    }

    /// The session's room on every SFU (its id).
    fn room(&self) -> RoomId {
        self.room.clone()
    }

    /// `user`'s peer on `home` is gone: its relays stop, and so do the relays into an edge's
    /// `home` when no user is left on it (not into the owner's, which ranks the speakers).
    fn left(&mut self, home: &Home, user: UserId) {
        let room = self.room();
        self.relays.user_gone(&self.plane, &room, user.0);
        let owner = home.key().is_none();
        if !owner && !self.homes.values().any(|h| h.key() == home.key()) {
            self.relays.unused(&self.plane, &room, home.key());
        }
    }

    /// Turns one SFU event into what the session task must do.
    pub(crate) fn on_event(&mut self, ev: SfuEvent) -> Effect {
        match ev {
            SfuEvent::Answer { peer, sdp } if self.relays.is_relay(peer) => {
                self.relays.answer(peer, sdp);
                Effect::None
            }
            SfuEvent::PublisherTrack { peer, on: true, .. } => {
                self.publishing(peer);
                Effect::None
            }
            SfuEvent::Disconnected { peer } if self.relays.is_relay(peer) => {
                let room = self.room();
                self.relays.peer_gone(&self.plane, &room, peer);
                Effect::None
            }
            SfuEvent::Answer { peer, sdp } => match self.pop_pending(peer) {
                Some((conn, id)) => Effect::Reply(
                    conn,
                    Reply::ok(
                        id,
                        serde_json::to_value(RtcAnswer { sdp }).unwrap_or_default(),
                    ),
                ),
                None => Effect::None,
            },
            SfuEvent::Error { peer, reason } => {
                let bad_offer = matches!(reason, convene_sfu::SfuError::BadOffer(_));
                if self.logged.insert(peer) {
                    tracing::info!("media error for {peer} (further ones not logged): {reason}");
                }
                match (bad_offer, self.pop_pending_if(peer, bad_offer)) {
                    (true, Some((conn, id))) => Effect::Reply(
                        conn,
                        Reply::err(
                            id,
                            ErrorBody::new(ErrorCode::InvalidParameter, reason.to_string()),
                        ),
                    ),
                    _ => Effect::None,
                }
            }
            SfuEvent::SlotAssigned {
                peer,
                mid,
                user,
                kind,
            } => match self.users.get(&peer) {
                Some((session, me)) => Effect::Input(Input::MediaSlot {
                    session: session.clone(),
                    user: *me,
                    mid,
                    from: user.map(UserId),
                    kind: media_kind(kind),
                }),
                None => Effect::None,
            },
            SfuEvent::ActiveSpeakers { room, users } => Effect::Input(Input::ActiveSpeakers {
                session: SessionId(room.0),
                users: users.into_iter().map(UserId).collect(),
            }),
            SfuEvent::NetworkQuality {
                peer,
                uplink,
                downlink,
            } => match self.users.get(&peer) {
                Some((session, user)) => Effect::Input(Input::NetworkQuality {
                    session: session.clone(),
                    user: *user,
                    uplink,
                    downlink,
                }),
                None => Effect::None,
            },
            // The SFU removed the peer (its connection died, or the link to the edge whose SFU
            // carried it). The session needs nothing new: the user's next reset offer creates
            // a fresh peer from the core's state (one that is not a reset is refused). An
            // offer not yet answered is cancelled (a client has at most one in flight).
            SfuEvent::Disconnected { peer } => {
                let Some(key) = self.users.remove(&peer) else {
                    return Effect::None;
                };
                self.lost.insert(key.clone());
                self.peers.remove(&key);
                self.logged.remove(&peer);
                let room = self.room();
                if let Some(home) = self.homes.remove(&peer) {
                    home.forget(&self.plane, peer, &room);
                    self.left(&home, key.1);
                }
                let mut waiting = self.pending.remove(&peer).unwrap_or_default();
                match waiting.pop_front() {
                    Some((conn, id)) => Effect::Reply(conn, cancelled(id)),
                    None => Effect::None,
                }
            }
            other => {
                tracing::debug!("media event: {other:?}");
                Effect::None
            }
        }
    }

    /// A user's peer sends media: relay it into the session's other SFUs.
    fn publishing(&mut self, peer: PeerId) {
        let (Some((_, user)), Some(home)) = (self.users.get(&peer), self.homes.get(&peer)) else {
            return;
        };
        let (user, home) = (user.0, home.clone());
        // The owner's SFU always: it ranks the session's speakers, so every speaker's audio
        // must reach it.
        let mut in_use = vec![Home::Local];
        for h in self.homes.values() {
            if !in_use.iter().any(|u| u.key() == h.key()) {
                in_use.push(h.clone());
            }
        }
        let allowed = self.allowed.get(&user).copied().unwrap_or([false; 3]);
        let room = self.room();
        let s = relay_session(&self.plane, &self.session, &room);
        self.relays.publishing(&s, user, &home, allowed, &in_use);
    }

    fn pop_pending(&mut self, peer: PeerId) -> Option<(ConnId, u64)> {
        self.pending.get_mut(&peer)?.pop_front()
    }

    fn pop_pending_if(&mut self, peer: PeerId, cond: bool) -> Option<(ConnId, u64)> {
        if cond {
            self.pop_pending(peer)
        } else {
            None
        }
    }
}

/// What a session's relays need of it.
fn relay_session<'a>(
    plane: &'a MediaPlane,
    handle: &'a SessionHandle,
    room: &'a RoomId,
) -> RelaySession<'a> {
    RelaySession {
        plane,
        handle,
        room,
        ip: plane
            .cascade()
            .map_or([127, 0, 0, 1].into(), |c| c.media_ip),
    }
}

/// A kind's place in `[audio, video, share]`.
fn kind_index(k: TrackKind) -> usize {
    match k {
        TrackKind::Audio => 0,
        TrackKind::Video => 1,
        TrackKind::Share => 2,
    }
}

fn media_kind(k: TrackKind) -> MediaKind {
    match k {
        TrackKind::Audio => MediaKind::Audio,
        TrackKind::Video => MediaKind::Video,
        TrackKind::Share => MediaKind::Share,
    }
}

fn busy(id: u64) -> Reply {
    Reply::err(
        id,
        ErrorBody::new(
            ErrorCode::OperationTimeout,
            "the media plane is busy; offer again",
        ),
    )
}

fn lost(id: u64) -> Reply {
    Reply::err(
        id,
        ErrorBody::new(
            ErrorCode::OperationCancelled,
            "the media peer is gone; offer from a new peer connection (reset)",
        ),
    )
}

fn cancelled(id: u64) -> Reply {
    Reply::err(
        id,
        ErrorBody::new(
            ErrorCode::OperationCancelled,
            "the media peer was replaced or closed",
        ),
    )
}
