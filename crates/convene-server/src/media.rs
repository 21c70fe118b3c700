//! One session's slice of the media plane: maps its users to SFU peers, carries out the
//! core's [`MediaAction`]s, and turns SFU events back into core inputs or replies. Owned by
//! the session's task. It also starts and stops the session's egress worker (cloud
//! recording, [`crate::egress`]), the node's other media service.

use convene_protocol::{ErrorBody, ErrorCode, MediaKind, Reply, RtcAnswer, SessionId, UserId};
use convene_session::{ConnId, Core, EgressAction, Input, MediaAction};
use convene_sfu::{Command, Control, Event as SfuEvent, PeerId, RoomId, TrackKind};
use std::collections::{HashMap, HashSet, VecDeque};

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
    /// Offers waiting for their answer: where to send the reply.
    pending: HashMap<PeerId, VecDeque<(ConnId, u64)>>,
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
            pending: HashMap::new(),
            logged: HashSet::new(),
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
        for (peer, (session, _)) in self.users.drain() {
            self.plane.remove_peer(peer, &RoomId(session.0));
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
        self.plane.remove_peer(peer, &RoomId(key.0 .0.clone()));
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
                    for (c, i) in self.remove_peer(&key) {
                        replies.push((c, cancelled(i)));
                    }
                }
                let peer = match self.peers.get(&key) {
                    Some(p) => *p,
                    None => self.new_peer(core, key),
                };
                self.pending.entry(peer).or_default().push_back((conn, id));
                let sent = self.plane.send(Command::Offer {
                    peer,
                    sdp: offer.sdp,
                    share_mids: offer.share_mids,
                });
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
            } => self.to_peer(session, user, |c, peer| {
                c.set_allowed(peer, TrackKind::Audio, allowed)
            }),
            MediaAction::VideoAllowed {
                session,
                user,
                allowed,
            } => self.to_peer(session, user, |c, peer| {
                c.set_allowed(peer, TrackKind::Video, allowed)
            }),
            MediaAction::ShareAllowed {
                session,
                user,
                allowed,
            } => self.to_peer(session, user, |c, peer| {
                c.set_allowed(peer, TrackKind::Share, allowed)
            }),
            MediaAction::Attach {
                session,
                subscriber,
                publisher,
                quality,
            } => self.to_peer(session, subscriber, |c, peer| {
                c.attach_video(peer, publisher.0, quality)
            }),
            MediaAction::Detach {
                session,
                subscriber,
                publisher,
            } => self.to_peer(session, subscriber, |c, peer| {
                c.detach_video(peer, publisher.0)
            }),
            MediaAction::UserGone { session, user } => {
                for (c, i) in self.remove_peer(&(session, user)) {
                    replies.push((c, cancelled(i)));
                }
            }
        }
        replies
    }

    /// Applies `change` to `user`'s peer through the never-dropped control path. Without a
    /// peer (no offer yet) there is nothing to do: the peer starts from the core's state when
    /// it is created.
    fn to_peer(&self, session: SessionId, user: UserId, change: impl FnOnce(&Control, PeerId)) {
        if let Some(&peer) = self.peers.get(&(session, user)) {
            change(self.plane.control(), peer);
        }
    }

    /// A new SFU peer for `key`, starting from the core's rules: its permissions (all closed
    /// if the core does not know the user) and the videos it attached, which wait in the SFU
    /// for the receive slots of its offer.
    fn new_peer(&mut self, core: &Core, key: UserKey) -> PeerId {
        let state = core.media_state(&key.0, key.1);
        let allowed = state.as_ref().map_or([false; 3], |st| {
            [st.audio_allowed, st.video_allowed, st.share_allowed]
        });
        let room = RoomId(key.0 .0.clone());
        let peer = self.plane.add_peer(&self.session, &room, key.1 .0, allowed);
        if state.as_ref().is_some_and(|st| st.hears_everyone) {
            // A recording worker: every speaker, for a track file each.
            self.plane
                .control()
                .set_audio_slots(peer, convene_protocol::MAX_RECORDED_SPEAKERS);
        }
        for (publisher, quality) in state.map(|st| st.attached).unwrap_or_default() {
            self.plane
                .control()
                .attach_video(peer, publisher.0, quality);
        }
        self.peers.insert(key.clone(), peer);
        self.users.insert(peer, key);
        peer
    }

    /// Turns one SFU event into what the session task must do.
    pub(crate) fn on_event(&mut self, ev: SfuEvent) -> Effect {
        match ev {
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
            // The SFU removed the peer (its connection died). The session needs nothing new:
            // the user's next offer creates a fresh peer from the core's state. An offer not
            // yet answered is cancelled (a client has at most one in flight).
            SfuEvent::Disconnected { peer } => {
                let Some(key) = self.users.remove(&peer) else {
                    return Effect::None;
                };
                self.peers.remove(&key);
                self.logged.remove(&peer);
                self.plane.forget(peer, &RoomId(key.0 .0));
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

fn cancelled(id: u64) -> Reply {
    Reply::err(
        id,
        ErrorBody::new(
            ErrorCode::OperationCancelled,
            "the media peer was replaced or closed",
        ),
    )
}
