//! The state machine: its state, the dispatch of each [`Input`] to its handler, the reply and
//! fan-out plumbing, and the output queue the driver drains. The handlers themselves live in
//! [`crate::handlers`] (timeouts included), the deadline heap in [`crate::timers`].

use crate::closed::ClosedConns;
use crate::config::Config;
use crate::info::{Lifecycle, LifecycleEvent, SessionInfo};
use crate::input::{ConnId, Input};
use crate::output::{MediaAction, MediaState, Output};
use crate::reply::{Handled, Payload};
use crate::session::{Session, SessionKey};
use crate::timers::Timers;
use convene_protocol::{
    ClientMsg, ErrorBody, ErrorCode, Event, Participant, ParticipantUpdate, Reply, ServerMsg,
    SessionId, UserId,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{HashMap, VecDeque};
use std::time::Instant;

/// All sessions. See the crate docs for the driving contract.
#[derive(Debug)]
pub struct Core {
    pub(crate) config: Config,
    /// With `start_epoch_ms`, anchors message timestamps to the wall clock.
    start: Instant,
    start_epoch_ms: u64,
    /// Session ids and resume tokens: a CSPRNG, so neither can be predicted from others.
    rng: StdRng,
    pub(crate) sessions: HashMap<SessionId, Session>,
    /// How joins find a live session.
    pub(crate) by_key: HashMap<SessionKey, SessionId>,
    /// Joined connections: whose they are.
    pub(crate) conns: HashMap<ConnId, (SessionId, UserId)>,
    pub(crate) timers: Timers,
    pub(crate) out: VecDeque<Output>,
    /// A connection to close once the current request's reply is queued.
    pub(crate) pending_close: Option<ConnId>,
    /// Connections closed by the core: their late inputs are ignored.
    closed: ClosedConns,
    /// Users over all sessions (kept, not counted, so metrics cost nothing per message).
    pub(crate) users_total: usize,
    /// Joiners not yet announced to the others, in join order (see [`Core::announce_joins`]),
    /// departures not yet announced (see [`Core::announce_departures`]), and when they must
    /// be at the latest.
    pub(crate) unannounced: Vec<(SessionId, UserId)>,
    pub(crate) departed: Vec<(SessionId, ParticipantUpdate)>,
    pub(crate) announce_by: Option<Instant>,
}

impl Core {
    /// A core with no sessions. `start`/`start_epoch_ms` anchor message timestamps.
    /// `seed` seeds the CSPRNG (ChaCha) that makes session ids and resume tokens: fill it
    /// from the OS in production (`rand::random()`); tests pass a constant to replay runs.
    pub fn new(config: Config, start: Instant, start_epoch_ms: u64, seed: [u8; 32]) -> Self {
        Core {
            closed: ClosedConns::new(config.closed_conns_kept),
            config,
            start,
            start_epoch_ms,
            rng: StdRng::from_seed(seed),
            sessions: HashMap::new(),
            by_key: HashMap::new(),
            conns: HashMap::new(),
            timers: Timers::default(),
            out: VecDeque::new(),
            pending_close: None,
            users_total: 0,
            unannounced: Vec::new(),
            departed: Vec::new(),
            announce_by: None,
        }
    }

    /// The next output, until `None`. Call after every [`Core::handle`] until it returns
    /// `None`, before waiting on [`Core::poll_timeout`].
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// When to feed [`Input::Timeout`] next, if any timer runs. Ask again after every
    /// [`Core::handle`]: inputs arm timers.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match (self.timers.next(), self.announce_by) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Number of live sessions (subsessions are part of theirs).
    pub fn session_count(&self) -> usize {
        self.by_key.len()
    }

    /// No session left: every session has ended (a core owned by one session's task can
    /// then be dropped).
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }

    /// The ids of the live sessions, in no particular order (subsessions are part of theirs).
    pub fn session_ids(&self) -> Vec<SessionId> {
        self.by_key.values().cloned().collect()
    }

    /// Number of users over all sessions.
    pub fn user_count(&self) -> usize {
        self.users_total
    }

    /// What the media plane must know when it (re)creates `user`'s peer: whether its audio
    /// and share may be forwarded, which cameras it attached at which quality, and whether
    /// it is a recording worker.
    pub fn media_state(&self, session: &SessionId, user: UserId) -> Option<MediaState> {
        let s = self.sessions.get(session)?;
        let mut state = s.users.get(&user)?.media_state();
        state.hears_everyone = s.egress.contains(&user);
        Some(state)
    }

    /// The user list of the session `session`, over all its rooms (for tests and the REST
    /// API).
    pub fn users_of(&self, session: &SessionId) -> Option<Vec<Participant>> {
        self.sessions
            .get(session)
            .filter(|s| s.parent.is_none())
            .map(|_| self.group_participants(session))
    }

    /// Feeds one input. Drain [`Core::poll_output`] afterwards.
    ///
    /// Inputs of a connection the core has closed are ignored (nothing is ever sent to it
    /// again); its `Disconnected` only lets the core forget it.
    pub fn handle(&mut self, now: Instant, input: Input) {
        if let Some(conn) = input.conn().filter(|c| self.closed.contains(*c)) {
            if matches!(input, Input::Disconnected { .. }) {
                self.closed.forget(conn);
            }
            return;
        }
        // Joins may be announced together (see `Config::join_announce_from`); anything else
        // sees them announced first, so no event or reply ever names a user its reader has
        // not met. Departures wait for their window whatever happens meanwhile (in a leave
        // storm the media plane reports on every departure): a departed user is no longer in
        // the session, so nothing sent meanwhile names it.
        if !matches!(input, Input::Join { .. }) {
            self.announce_joins();
        }
        self.dispatch(now, input);
        if self.announce_by.is_some_and(|t| t <= now) {
            self.announce_roster();
        }
    }

    fn dispatch(&mut self, now: Instant, input: Input) {
        match input {
            Input::Join {
                conn,
                id,
                params,
                token,
            } => {
                let r = self.join(now, conn, &params, token);
                self.reply(conn, id, r);
                self.tell_rooms(now, conn);
            }
            Input::Request {
                conn,
                id,
                msg: ClientMsg::RtcOffer(offer),
            } => self.offer(conn, id, offer),
            Input::Request { conn, id, msg } => {
                let resume = matches!(msg, ClientMsg::Resume(_));
                let r = self.request(now, conn, msg);
                self.reply(conn, id, r);
                if resume {
                    self.tell_rooms(now, conn);
                }
                // A leave's reply goes out before the close.
                if let Some(c) = self.pending_close.take() {
                    self.close(c);
                }
            }
            Input::Disconnected { conn } => self.disconnected(now, conn),
            Input::Timeout => self.timeout(now),
            Input::ActiveSpeakers { session, users } => self.active_speakers(&session, users),
            Input::NetworkQuality {
                session,
                user,
                uplink,
                downlink,
            } => self.network_quality(&session, user, uplink, downlink),
            Input::MediaSlot {
                session,
                user,
                mid,
                from,
                kind,
            } => self.media_slot(&session, user, mid, from, kind),
            Input::EgressEnded {
                session,
                run,
                live: false,
            } => self.egress_ended(&session, run),
            Input::EgressEnded {
                session,
                run,
                live: true,
            } => self.live_ended(&session, run),
            Input::EgressStreaming { session, run, on } => self.live_streaming(&session, run, on),
        }
    }

    /// A request of a connection other than `join` and `rtc.offer`.
    fn request(&mut self, now: Instant, conn: ConnId, msg: ClientMsg) -> Handled {
        match &msg {
            ClientMsg::Ping => return Ok(Payload::Ack),
            ClientMsg::Resume(r) => return self.resume(conn, r),
            ClientMsg::Join(_) => {
                return Err(ErrorBody::new(
                    ErrorCode::InternalError,
                    "join must be verified by the server first",
                ))
            }
            _ => {}
        }
        let Some((sid, me)) = self.conns.get(&conn).cloned() else {
            if msg.is_media() {
                return Err(ErrorBody::new(
                    ErrorCode::StreamSessionJoinRequired,
                    "media calls need a joined session",
                ));
            }
            return Err(ErrorBody::new(
                ErrorCode::SessionStateClosed,
                "not in a session; join first",
            ));
        };
        let sid = &sid;
        let main = self.main_of(sid);
        if sid != &main && msg.is_main_session_only() {
            return Err(ErrorBody::new(
                ErrorCode::SubsessionMismatchState,
                format!("{} only from the main session", msg.method()),
            ));
        }
        let role_change = msg.is_role_change();
        let r = self.session_request(now, conn, sid, &main, me, msg);
        if role_change && r.is_ok() {
            self.sync_roles(&main);
            self.publish_rooms(now, &main);
        }
        r
    }

    /// A request of `me`, bound to the room `sid` of the session `main`.
    fn session_request(
        &mut self,
        now: Instant,
        conn: ConnId,
        sid: &SessionId,
        main: &SessionId,
        me: UserId,
        msg: ClientMsg,
    ) -> Handled {
        match msg {
            // Session membership: handlers/join.rs.
            ClientMsg::Leave { end } => self.leave(now, conn, sid, me, end),
            ClientMsg::GetAllUser => {
                Ok(Payload::Users(self.session_mut(sid)?.participants_json(me)))
            }
            // Roles and moderation: handlers/roles.rs.
            ClientMsg::ChangeName { name, user_id } => self.change_name(sid, me, name, user_id),
            ClientMsg::AllowParticipantsToRename { allowed } => self.allow_rename(sid, me, allowed),
            ClientMsg::MakeHost(t) => self.make_host(sid, me, t.user_id),
            ClientMsg::MakeManager(t) => self.set_manager(sid, me, t.user_id, true),
            ClientMsg::RevokeManager(t) => self.set_manager(sid, me, t.user_id, false),
            ClientMsg::ReclaimHost => self.reclaim_host(sid, me),
            ClientMsg::RemoveUser(t) => self.remove_by_moderator(now, sid, me, t.user_id),
            // Audio: handlers/audio.rs.
            ClientMsg::StartAudio { mute, speaker_only } => {
                self.start_audio(sid, me, mute, speaker_only)
            }
            ClientMsg::StopAudio => self.stop_audio(sid, me),
            ClientMsg::MuteAudio(t) => self.mute_audio(sid, me, t.user_id),
            ClientMsg::UnmuteAudio(t) => self.unmute_audio(sid, me, t.user_id),
            ClientMsg::MuteAllAudio => self.mute_all(sid, me),
            ClientMsg::UnmuteAllAudio => self.unmute_all(sid, me),
            // Camera: handlers/media.rs.
            ClientMsg::StartVideo => self.set_video(sid, me, true),
            ClientMsg::StopVideo => self.set_video(sid, me, false),
            ClientMsg::AttachVideo { user_id, quality } => self.attach(sid, me, user_id, quality),
            ClientMsg::DetachVideo { user_id } => self.detach(sid, me, user_id),
            // Screen share: handlers/share.rs.
            ClientMsg::StartShareScreen => self.start_share(sid, me),
            ClientMsg::StopShareScreen => self.stop_share(sid, me),
            ClientMsg::LockShare { is_locked } => self.lock_share(sid, me, is_locked),
            ClientMsg::SetSharePrivilege { privilege } => {
                self.set_share_privilege(sid, me, privilege)
            }
            // Chat and the command channel: handlers/chat.rs.
            ClientMsg::ChatSend { text, user_id } => self.chat(now, sid, me, text, Some(user_id)),
            ClientMsg::ChatSendToAll { text } => self.chat(now, sid, me, text, None),
            ClientMsg::ChatSetPrivilege { privilege } => {
                self.set_chat_privilege(sid, me, privilege)
            }
            ClientMsg::ChatGetHistory => self.chat_history(sid, me),
            ClientMsg::CommandSend { text, user_id } => self.command(now, sid, me, text, user_id),
            // Cloud recording: handlers/recording.rs.
            ClientMsg::StartCloudRecording => self.start_recording(sid, me),
            ClientMsg::StopCloudRecording => self.stop_recording(sid, me),
            ClientMsg::PauseCloudRecording => self.pause_recording(sid, me, true),
            ClientMsg::ResumeCloudRecording => self.pause_recording(sid, me, false),
            ClientMsg::GetCloudRecordingStatus => self.recording_status(main),
            ClientMsg::CanStartRecording => self.can_record(sid, me),
            // Live streaming: handlers/live.rs.
            ClientMsg::StartLiveStream(p) => self.start_live(sid, me, p),
            ClientMsg::StopLiveStream => self.stop_live(sid, me),
            ClientMsg::GetLiveStreamStatus => self.live_status(main),
            // Subsessions: handlers/subsession.rs.
            msg @ (ClientMsg::CreateSubsessions { .. }
            | ClientMsg::OpenSubsessions(_)
            | ClientMsg::JoinSubsession { .. }
            | ClientMsg::LeaveSubsession
            | ClientMsg::AskForHelp
            | ClientMsg::PostponeHelping(_)
            | ClientMsg::SubsessionBroadcast { .. }
            | ClientMsg::AssignUserToSubsession(_)
            | ClientMsg::MoveUserToSubsession(_)
            | ClientMsg::CloseAllSubsessions
            | ClientMsg::MoveBackToMainSession(_)
            | ClientMsg::StartBroadcastVoice
            | ClientMsg::StopBroadcastVoice
            | ClientMsg::GetSubsessionState) => self.subsession(now, sid, me, msg),
            // Ping, resume and join were answered above, rtc.offer by `handle`; ClientMsg is
            // non-exhaustive for other crates.
            other => Err(ErrorBody::new(
                ErrorCode::InvalidParameter,
                format!("method {} is not supported", other.method()),
            )),
        }
    }

    /// Queues the reply to request `id`: the one place a typed result becomes wire JSON.
    pub(crate) fn reply(&mut self, conn: ConnId, id: u64, r: Handled) {
        let reply = match r {
            Ok(payload) => Reply::ok(id, payload.into_result()),
            Err(e) => Reply::err(id, e),
        };
        self.out.push_back(Output::Send {
            to: vec![conn],
            msg: ServerMsg::Reply(reply),
        });
    }

    /// Queues one event for every connection in `to` (serialised once by the driver).
    pub(crate) fn send(&mut self, to: Vec<ConnId>, ev: Event) {
        if !to.is_empty() {
            self.out.push_back(Output::Send {
                to,
                msg: ServerMsg::Event(ev),
            });
        }
    }

    /// Queues one event for one connection, if the user has one (not in failover).
    pub(crate) fn send_one(&mut self, to: Option<ConnId>, ev: Event) {
        if let Some(c) = to {
            self.send(vec![c], ev);
        }
    }

    /// Queues the close of `conn` (after what is queued before it) and ignores its inputs
    /// from now on.
    pub(crate) fn close(&mut self, conn: ConnId) {
        self.closed.insert(conn);
        self.out.push_back(Output::Close { conn });
    }

    pub(crate) fn media(&mut self, action: MediaAction) {
        self.out.push_back(Output::Media(action));
    }

    /// Queues a lifecycle notice about a session (and a user).
    pub(crate) fn lifecycle(
        &mut self,
        event: LifecycleEvent,
        session: SessionInfo,
        user: Option<Participant>,
    ) {
        // The egress worker is no user of the app's.
        let egress = self.config.egress_identity.as_ref();
        if user
            .as_ref()
            .is_some_and(|u| egress.is_some() && u.user_identity.as_ref() == egress)
        {
            return;
        }
        self.out.push_back(Output::Lifecycle(Lifecycle {
            event,
            session,
            user,
        }));
    }

    /// Milliseconds since the Unix epoch at `now`.
    pub(crate) fn epoch_ms(&self, now: Instant) -> u64 {
        self.start_epoch_ms + now.saturating_duration_since(self.start).as_millis() as u64
    }

    /// A fresh random secret (session ids, resume tokens).
    pub(crate) fn token(&mut self) -> String {
        let a: u64 = self.rng.random();
        let b: u64 = self.rng.random();
        format!("{a:016x}{b:016x}")
    }

    /// The session a joined user is in, or `SessionEnded` if it is gone.
    pub(crate) fn session_mut(&mut self, sid: &SessionId) -> Result<&mut Session, ErrorBody> {
        self.sessions
            .get_mut(sid)
            .ok_or_else(|| ErrorBody::new(ErrorCode::SessionEnded, "session has ended"))
    }

    /// Broadcasts a batch of deltas to everyone in the session.
    ///
    /// This is also the one place where state changes become media rules: any change of a
    /// user's audio or mute state re-decides whether its audio is forwarded, and any change
    /// of its camera or share state whether they are.
    pub(crate) fn broadcast_updates(&mut self, sid: &SessionId, updates: Vec<ParticipantUpdate>) {
        if updates.is_empty() {
            return;
        }
        let Some(s) = self.sessions.get(sid) else {
            return;
        };
        let mut updates = updates;
        updates.retain(|u| !s.egress.contains(&u.user_id));
        if updates.is_empty() {
            return;
        }
        let mut media = Vec::new();
        for u in &updates {
            let Some(user) = s.users.get(&u.user_id) else {
                continue;
            };
            let session = || sid.clone();
            if u.audio.is_some() || u.muted.is_some() {
                media.push(MediaAction::AudioAllowed {
                    session: session(),
                    user: u.user_id,
                    allowed: user.audio_forwarded(),
                });
            }
            if let Some(on) = u.b_video_on {
                media.push(MediaAction::VideoAllowed {
                    session: session(),
                    user: u.user_id,
                    allowed: on,
                });
            }
            if let Some(on) = u.sharer_on {
                media.push(MediaAction::ShareAllowed {
                    session: session(),
                    user: u.user_id,
                    allowed: on,
                });
            }
        }
        let to = s.conns_except(None);
        self.send(to, Event::UserUpdated(updates));
        self.out.extend(media.into_iter().map(Output::Media));
    }
}

#[cfg(test)]
impl Core {
    pub(crate) fn session_of(&self, c: ConnId) -> Option<SessionId> {
        self.conns.get(&c).map(|(s, _)| s.clone())
    }

    pub(crate) fn users_of_conn(&self, c: ConnId) -> Option<UserId> {
        self.conns.get(&c).map(|(_, u)| *u)
    }

    pub(crate) fn all_sessions_users(&self) -> Vec<Participant> {
        self.sessions
            .values()
            .flat_map(Session::participants)
            .collect()
    }

    /// Every user: (session, id, connection, failover deadline).
    pub(crate) fn user_links(&self) -> Vec<(SessionId, UserId, Option<ConnId>, Option<Instant>)> {
        self.sessions
            .values()
            .flat_map(|s| {
                s.users
                    .values()
                    .map(|u| (s.id.clone(), u.p.user_id, u.conn, u.failover_deadline))
            })
            .collect()
    }

    pub(crate) fn is_role1(&self, id: UserId) -> bool {
        self.sessions
            .values()
            .any(|s| s.users.get(&id).is_some_and(|u| u.role1))
    }
}
