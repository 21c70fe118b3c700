//! The state machine: all sessions of all apps, driven by [`Input`]s.

use crate::session::{push_update, Session, User};
use convene_protocol::{normalize_user_name, validate_join_params};
use convene_protocol::{
    ActiveSpeaker, AudioKind, ChatMessage, ChatPrivilege, ChatUser, ClientMsg, CommandChannelMsg,
    ConnectionState, ErrorBody, ErrorCode, Event, JoinParams, JoinResult, Participant,
    ParticipantUpdate, Reply, ResumeParams, RtcOffer, ServerMsg, SharePrivilege, UserId,
    DEFAULT_MAX_USERS_PER_SESSION, FAILOVER_WINDOW_SECS, MAX_ATTACHED_VIDEOS, MAX_CHAT_BYTES,
    MAX_COMMAND_BYTES,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A signaling connection, numbered by the driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// Limits and durations. `Default` is the product's defaults.
#[derive(Debug, Clone)]
pub struct Config {
    /// Session capacity (4005 past it).
    pub max_users_per_session: usize,
    /// How long a dropped user is kept.
    pub failover_window: Duration,
    /// The length of one idle-timeout "minute". Always 60 s in production; tests may
    /// shorten it to exercise the idle timeout over real sockets.
    pub idle_minute: Duration,
    /// Command channel messages allowed per user per second.
    pub command_rate_per_sec: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_users_per_session: DEFAULT_MAX_USERS_PER_SESSION,
            failover_window: Duration::from_secs(FAILOVER_WINDOW_SECS),
            idle_minute: Duration::from_secs(60),
            command_rate_per_sec: 10,
        }
    }
}

/// What the server learned from a verified token (the core trusts it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinToken {
    /// The app the token belongs to; sessions of different apps never meet.
    pub app_key: String,
    /// `role_type` 1.
    pub role_host: bool,
    /// `user_identity` / `user_key`.
    pub user_identity: Option<String>,
    /// `session_key`.
    pub session_key: Option<String>,
    /// A fingerprint of the raw token, to refuse a removed user's token (3009).
    pub fingerprint: u64,
}

/// Inputs to [`Core::handle`].
#[derive(Debug)]
pub enum Input {
    /// A join whose token the driver has verified.
    Join {
        /// Connection.
        conn: ConnId,
        /// Request id.
        id: u64,
        /// The join parameters.
        params: JoinParams,
        /// The verified token.
        token: JoinToken,
    },
    /// Any other request.
    Request {
        /// Connection.
        conn: ConnId,
        /// Request id.
        id: u64,
        /// The request.
        msg: ClientMsg,
    },
    /// The connection is gone (without a `leave`): failover starts.
    Disconnected {
        /// Connection.
        conn: ConnId,
    },
    /// Time passed; fire due timers.
    Timeout,
    /// The media plane's current speakers in a session, loudest first.
    ActiveSpeakers {
        /// Session id.
        session: String,
        /// Speakers.
        users: Vec<UserId>,
    },
    /// The media plane's quality estimate for one user (0–5 each way).
    NetworkQuality {
        /// Session id.
        session: String,
        /// Whose links.
        user: UserId,
        /// Uplink level.
        uplink: u8,
        /// Downlink level.
        downlink: u8,
    },
    /// A receive slot of `user`'s peer connection now carries `from`'s media (or nothing).
    MediaSlot {
        /// Session id.
        session: String,
        /// The receiving user.
        user: UserId,
        /// The transceiver's mid.
        mid: String,
        /// Whose media it carries now.
        from: Option<UserId>,
        /// `audio`, `video` or `share`.
        kind: String,
    },
}

/// What the driver must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Send `msg` to every connection in `to` (serialise once).
    Send {
        /// Recipients.
        to: Vec<ConnId>,
        /// The message.
        msg: ServerMsg,
    },
    /// Close the connection (after sending what was queued before it).
    Close {
        /// Connection.
        conn: ConnId,
    },
    /// Something the media plane must do.
    Media(MediaAction),
}

/// A user's media rules, see [`Core::media_state`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaState {
    /// Forward its audio.
    pub audio_allowed: bool,
    /// Forward its camera.
    pub video_allowed: bool,
    /// Forward its screen share.
    pub share_allowed: bool,
    /// Cameras it receives: (publisher, quality).
    pub attached: Vec<(UserId, u8)>,
}

/// Instructions for the media plane, keyed by session id and user id. The core decides every
/// rule (who may be heard, who may share, the 25-video cap); the SFU only carries them out.
#[derive(Debug, Clone, PartialEq)]
pub enum MediaAction {
    /// Answer this SDP offer, then reply to request `id` on `conn` with the answer.
    Offer {
        /// Session id.
        session: String,
        /// The offering user.
        user: UserId,
        /// Where the reply goes.
        conn: ConnId,
        /// The request id to reply to.
        id: u64,
        /// The offer.
        offer: RtcOffer,
    },
    /// Forward (or stop forwarding) this user's audio: true only while in audio and unmuted.
    AudioAllowed {
        /// Session id.
        session: String,
        /// Whose audio.
        user: UserId,
        /// Forward it.
        allowed: bool,
    },
    /// Forward (or stop forwarding) this user's camera: true only while its video is on.
    VideoAllowed {
        /// Session id.
        session: String,
        /// Whose camera.
        user: UserId,
        /// Forward it.
        allowed: bool,
    },
    /// Forward (or stop forwarding) this user's screen share.
    ShareAllowed {
        /// Session id.
        session: String,
        /// Whose share.
        user: UserId,
        /// Forward it.
        allowed: bool,
    },
    /// `subscriber` wants `publisher`'s camera at `quality`.
    Attach {
        /// Session id.
        session: String,
        /// Receiver.
        subscriber: UserId,
        /// Sender.
        publisher: UserId,
        /// 0 (90p) – 4 (1080p).
        quality: u8,
    },
    /// `subscriber` no longer wants `publisher`'s camera.
    Detach {
        /// Session id.
        session: String,
        /// Receiver.
        subscriber: UserId,
        /// Sender.
        publisher: UserId,
    },
    /// The user is gone: drop its media peer.
    UserGone {
        /// Session id.
        session: String,
        /// Who.
        user: UserId,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct SessionKey {
    app: String,
    topic: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Timer {
    Idle(String),
    Failover(String, UserId),
}

/// All sessions. See the crate docs for the driving contract.
#[derive(Debug)]
pub struct Core {
    config: Config,
    start: Instant,
    start_epoch_ms: u64,
    rng: StdRng,
    sessions: HashMap<String, Session>,
    by_key: HashMap<SessionKey, String>,
    conns: HashMap<ConnId, (String, UserId)>,
    timers: BinaryHeap<Reverse<(Instant, Timer)>>,
    out: VecDeque<Output>,
    /// A connection to close once the current request's reply is queued.
    pending_close: Option<ConnId>,
    /// Users over all sessions (kept, not counted, so metrics cost nothing per message).
    users_total: usize,
}

type Res = Result<serde_json::Value, ErrorBody>;

fn err(code: ErrorCode, why: impl Into<String>) -> ErrorBody {
    ErrorBody::new(code, why)
}

fn ok() -> Res {
    Ok(serde_json::Value::Null)
}

fn to_json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    // unwrap is ok because protocol types serialise infallibly (no maps with non-string keys).
    serde_json::to_value(v).expect("protocol types serialise")
}

fn truncate_bytes(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

impl Core {
    /// A core with no sessions. `start`/`start_epoch_ms` anchor message timestamps;
    /// `seed` seeds session ids and resume tokens (use OS entropy in production).
    pub fn new(config: Config, start: Instant, start_epoch_ms: u64, seed: u64) -> Self {
        Core {
            config,
            start,
            start_epoch_ms,
            rng: StdRng::seed_from_u64(seed),
            sessions: HashMap::new(),
            by_key: HashMap::new(),
            conns: HashMap::new(),
            timers: BinaryHeap::new(),
            out: VecDeque::new(),
            pending_close: None,
            users_total: 0,
        }
    }

    /// The next output, until `None`.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// When to feed [`Input::Timeout`] next, if any timer runs.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.peek().map(|Reverse((t, _))| *t)
    }

    /// Number of live sessions.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// Number of users over all sessions.
    pub fn user_count(&self) -> usize {
        self.users_total
    }

    /// What the media plane must know when it (re)creates `user`'s peer: whether its audio
    /// and share may be forwarded, and which cameras it attached at which quality.
    pub fn media_state(&self, session: &str, user: UserId) -> Option<MediaState> {
        let u = self.sessions.get(session)?.users.get(&user)?;
        Some(MediaState {
            audio_allowed: audio_forwarded(&u.p),
            video_allowed: u.p.b_video_on,
            share_allowed: u.p.sharer_on,
            attached: u.attached.iter().map(|(k, v)| (*k, *v)).collect(),
        })
    }

    /// The user list of the session `session_id` (for tests and the REST API).
    pub fn users_of(&self, session_id: &str) -> Option<Vec<Participant>> {
        self.sessions.get(session_id).map(Session::participants)
    }

    /// Feeds one input. Drain [`Core::poll_output`] afterwards.
    pub fn handle(&mut self, now: Instant, input: Input) {
        match input {
            Input::Join {
                conn,
                id,
                params,
                token,
            } => {
                let r = self.join(now, conn, &params, token);
                self.reply(conn, id, r);
            }
            Input::Request {
                conn,
                id,
                msg: ClientMsg::RtcOffer(offer),
            } => match self.conns.get(&conn).cloned() {
                // The reply comes from the media plane, with the answer.
                Some((session, user)) => self.out.push_back(Output::Media(MediaAction::Offer {
                    session,
                    user,
                    conn,
                    id,
                    offer,
                })),
                None => self.reply(
                    conn,
                    id,
                    Err(err(ErrorCode::StreamSessionJoinRequired, "join first")),
                ),
            },
            Input::Request { conn, id, msg } => {
                let r = self.request(now, conn, msg);
                self.reply(conn, id, r);
                // A leave's reply goes out before the close.
                if let Some(c) = self.pending_close.take() {
                    self.out.push_back(Output::Close { conn: c });
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
            } => {
                let conn = self
                    .sessions
                    .get(&session)
                    .and_then(|s| s.users.get(&user))
                    .and_then(|u| u.conn);
                self.send_one(
                    conn,
                    Event::MediaSlot {
                        mid,
                        user_id: from,
                        kind,
                    },
                );
            }
        }
    }
}

// ---- plumbing ---------------------------------------------------------------------------
impl Core {
    fn reply(&mut self, conn: ConnId, id: u64, r: Res) {
        let reply = match r {
            Ok(v) => Reply::ok(id, v),
            Err(e) => Reply::err(id, e),
        };
        self.out.push_back(Output::Send {
            to: vec![conn],
            msg: ServerMsg::Reply(reply),
        });
    }

    fn send(&mut self, to: Vec<ConnId>, ev: Event) {
        if !to.is_empty() {
            self.out.push_back(Output::Send {
                to,
                msg: ServerMsg::Event(ev),
            });
        }
    }

    fn send_one(&mut self, to: Option<ConnId>, ev: Event) {
        if let Some(c) = to {
            self.send(vec![c], ev);
        }
    }

    fn epoch_ms(&self, now: Instant) -> u64 {
        self.start_epoch_ms + now.saturating_duration_since(self.start).as_millis() as u64
    }

    fn token(&mut self) -> String {
        let a: u64 = self.rng.random();
        let b: u64 = self.rng.random();
        format!("{a:016x}{b:016x}")
    }

    /// Broadcasts a batch of deltas to everyone in the session.
    ///
    /// This is also the one place where state changes become media rules: any change of a
    /// user's audio or mute state re-decides whether its audio is forwarded, and any change
    /// of its share state whether its share is.
    fn broadcast_updates(&mut self, sid: &str, updates: Vec<ParticipantUpdate>) {
        if updates.is_empty() {
            return;
        }
        let Some(s) = self.sessions.get(sid) else {
            return;
        };
        let mut media = Vec::new();
        for u in &updates {
            let Some(user) = s.users.get(&u.user_id) else {
                continue;
            };
            if u.audio.is_some() || u.muted.is_some() {
                media.push(MediaAction::AudioAllowed {
                    session: sid.to_owned(),
                    user: u.user_id,
                    allowed: audio_forwarded(&user.p),
                });
            }
            if let Some(on) = u.b_video_on {
                media.push(MediaAction::VideoAllowed {
                    session: sid.to_owned(),
                    user: u.user_id,
                    allowed: on,
                });
            }
            if let Some(on) = u.sharer_on {
                media.push(MediaAction::ShareAllowed {
                    session: sid.to_owned(),
                    user: u.user_id,
                    allowed: on,
                });
            }
        }
        let to = s.conns_except(None);
        self.send(to, Event::UserUpdated(updates));
        self.out.extend(media.into_iter().map(Output::Media));
    }

    fn session_mut(&mut self, sid: &str) -> Result<&mut Session, ErrorBody> {
        self.sessions
            .get_mut(sid)
            .ok_or_else(|| err(ErrorCode::SessionEnded, "session has ended"))
    }

    /// Re-arms the idle timer: it runs exactly while one user remains.
    fn rearm_idle(&mut self, now: Instant, sid: &str) {
        let minute = self.config.idle_minute;
        let Some(s) = self.sessions.get_mut(sid) else {
            return;
        };
        if s.users.len() == 1 {
            if s.idle_deadline.is_none() {
                // unwrap is ok because len() == 1.
                let (uid, u) = s.users.iter().next().expect("one user");
                let mins = if s.host == Some(*uid) {
                    u.idle_timeout_mins
                } else {
                    convene_protocol::DEFAULT_IDLE_TIMEOUT_MINS
                };
                let at = now + minute * mins;
                s.idle_deadline = Some(at);
                self.timers.push(Reverse((at, Timer::Idle(sid.to_owned()))));
            }
        } else {
            s.idle_deadline = None;
        }
    }
}

// ---- join, resume, leave ----------------------------------------------------------------
impl Core {
    fn join(&mut self, now: Instant, conn: ConnId, p: &JoinParams, token: JoinToken) -> Res {
        if self.conns.contains_key(&conn) {
            return Err(err(ErrorCode::DuplicatedJoin, "already in a session"));
        }
        let v = validate_join_params(p)?;
        let key = SessionKey {
            app: token.app_key.clone(),
            topic: v.topic_key.clone(),
        };
        let sid = match self.by_key.get(&key) {
            Some(sid) => sid.clone(),
            None => {
                let sid = self.token();
                let mut s = Session::new(
                    sid.clone(),
                    v.topic.clone(),
                    (key.app.clone(), key.topic.clone()),
                );
                s.passcode = v.passcode.clone();
                s.session_key = token.session_key.clone();
                self.sessions.insert(sid.clone(), s);
                self.by_key.insert(key, sid.clone());
                sid
            }
        };
        let max = self.config.max_users_per_session;
        let resume_token = self.token();
        // unwrap is ok because sid was just looked up or inserted.
        let s = self.sessions.get_mut(&sid).expect("session exists");
        // Checks on a session the joiner did not create. A refused starter leaves no
        // session behind (see below).
        let check = (|| {
            if let Some(pc) = &s.passcode {
                if v.passcode.as_deref() != Some(pc.as_str()) {
                    return Err(err(ErrorCode::IncorrectPasscode, "wrong passcode"));
                }
            }
            if let Some(sk) = &s.session_key {
                if token.session_key.as_deref() != Some(sk.as_str()) {
                    return Err(err(
                        ErrorCode::SessionFetchInfoError,
                        "invalid session key: the token's session_key does not match the session's",
                    ));
                }
            }
            let removed = token
                .user_identity
                .as_ref()
                .is_some_and(|i| s.removed_identities.contains(i))
                || s.removed_tokens.contains(&token.fingerprint);
            if removed {
                return Err(err(
                    ErrorCode::UserRemoved,
                    "you were removed from this session and cannot rejoin",
                ));
            }
            if s.users.len() >= max {
                return Err(err(
                    ErrorCode::SessionExceedCapacity,
                    format!("session is full ({max} users)"),
                ));
            }
            Ok(())
        })();
        if let Err(e) = check {
            if s.users.is_empty() {
                self.drop_session(&sid);
            }
            return Err(e);
        }
        let uid = UserId(s.next_user_id);
        s.next_user_id += 1;
        let is_host = token.role_host && s.host.is_none();
        let is_manager = token.role_host && !is_host;
        let p = Participant {
            is_host,
            is_manager,
            user_identity: token.user_identity.clone(),
            ..Participant::new(uid, v.user_name.clone())
        };
        if is_host {
            s.host = Some(uid);
        }
        if token.role_host && s.original_host.is_none() {
            s.original_host = Some(uid);
        }
        let others = s.conns_except(None);
        s.users.insert(
            uid,
            User {
                p: p.clone(),
                conn: Some(conn),
                role1: token.role_host,
                idle_timeout_mins: v.idle_timeout_mins,
                resume_token,
                failover_deadline: None,
                cmd_window: (None, 0),
                history: Vec::new(),
                token_fingerprint: token.fingerprint,
                attached: Default::default(),
                quality: None,
            },
        );
        self.conns.insert(conn, (sid.clone(), uid));
        self.users_total += 1;
        self.send(others, Event::UserAdded(vec![p]));
        self.rearm_idle(now, &sid);
        Ok(to_json(&self.join_result(&sid, uid)))
    }

    fn join_result(&self, sid: &str, uid: UserId) -> JoinResult {
        // unwrap is ok because callers pass a live session and user.
        let s = &self.sessions[sid];
        let u = &s.users[&uid];
        JoinResult {
            session_id: s.id.clone().into(),
            topic: s.topic.clone(),
            user_id: uid,
            password: s.passcode.clone().unwrap_or_default(),
            is_original_host: s.original_host == Some(uid),
            users: s.participants(),
            chat_privilege: s.chat_privilege,
            share_privilege: s.share_privilege,
            rename_allowed: s.rename_allowed,
            resume_token: u.resume_token.clone(),
        }
    }

    fn resume(&mut self, conn: ConnId, r: &ResumeParams) -> Res {
        if self.conns.contains_key(&conn) {
            return Err(err(ErrorCode::DuplicatedJoin, "already in a session"));
        }
        let Some(s) = self.sessions.get_mut(r.session_id.as_str()) else {
            return Err(err(ErrorCode::SessionEnded, "session has ended"));
        };
        let Some(u) = s.users.get_mut(&r.user_id) else {
            return Err(err(
                ErrorCode::SessionEnded,
                "no longer in this session (failover window passed)",
            ));
        };
        if u.resume_token != r.resume_token {
            return Err(err(ErrorCode::SessionFetchInfoError, "bad resume token"));
        }
        let old = u.conn.replace(conn);
        u.failover_deadline = None;
        let was_failover = std::mem::replace(&mut u.p.is_in_failover, false);
        if let Some(old) = old {
            // The old socket is not known dead yet: it is now.
            self.conns.remove(&old);
            self.out.push_back(Output::Close { conn: old });
        }
        self.conns
            .insert(conn, (r.session_id.to_string(), r.user_id));
        if was_failover {
            // The resumer learns its state from the reply; the others from this delta.
            let mut d = ParticipantUpdate::new(r.user_id);
            d.is_in_failover = Some(false);
            let to = self.sessions[r.session_id.as_str()].conns_except(Some(r.user_id));
            self.send(to, Event::UserUpdated(vec![d]));
        }
        Ok(to_json(&self.join_result(r.session_id.as_str(), r.user_id)))
    }

    /// Removes a user from its session (left, removed, or failover expired) and tells the
    /// others. Ends the session when it was the last user.
    fn remove_user(&mut self, now: Instant, sid: &str, uid: UserId) {
        let Some(s) = self.sessions.get_mut(sid) else {
            return;
        };
        let Some(u) = s.users.remove(&uid) else {
            return;
        };
        self.users_total -= 1;
        if let Some(c) = u.conn {
            self.conns.remove(&c);
        }
        s.sharers.retain(|x| *x != uid);
        for other in s.users.values_mut() {
            other.attached.remove(&uid);
        }
        self.out.push_back(Output::Media(MediaAction::UserGone {
            session: sid.to_owned(),
            user: uid,
        }));
        let Some(s) = self.sessions.get_mut(sid) else {
            return;
        };
        if s.users.is_empty() {
            self.drop_session(sid);
            return;
        }
        let mut updates = Vec::new();
        if s.host == Some(uid) {
            s.host = None;
            s.elect_host(&mut updates);
        }
        let to = s.conns_except(None);
        let mut gone = ParticipantUpdate::new(uid);
        gone.display_name = Some(u.p.display_name);
        self.send(to, Event::UserRemoved(vec![gone]));
        self.broadcast_updates(sid, updates);
        self.rearm_idle(now, sid);
    }

    fn drop_session(&mut self, sid: &str) {
        if let Some(s) = self.sessions.remove(sid) {
            self.by_key.remove(&SessionKey {
                app: s.key.0.clone(),
                topic: s.key.1.clone(),
            });
            self.users_total -= s.users.len();
            for u in s.users.values() {
                if let Some(c) = u.conn {
                    self.conns.remove(&c);
                }
                self.out.push_back(Output::Media(MediaAction::UserGone {
                    session: sid.to_owned(),
                    user: u.p.user_id,
                }));
            }
        }
    }

    /// Ends a session for everyone: each user but `except` gets `Closed` with `reason`, and
    /// every connection is closed.
    fn end_session(&mut self, sid: &str, reason: &str, except: Option<UserId>) {
        let Some(s) = self.sessions.get(sid) else {
            return;
        };
        let to = s.conns_except(except);
        let all = s.conns_except(None);
        self.send(
            to,
            Event::ConnectionChange {
                state: ConnectionState::Closed,
                reason: Some(reason.to_owned()),
            },
        );
        for c in all {
            self.out.push_back(Output::Close { conn: c });
        }
        self.drop_session(sid);
    }

    fn disconnected(&mut self, now: Instant, conn: ConnId) {
        let Some((sid, uid)) = self.conns.remove(&conn) else {
            return;
        };
        let at = now + self.config.failover_window;
        let Some(u) = self
            .sessions
            .get_mut(&sid)
            .and_then(|s| s.users.get_mut(&uid))
        else {
            return;
        };
        u.conn = None;
        u.p.is_in_failover = true;
        u.failover_deadline = Some(at);
        self.timers
            .push(Reverse((at, Timer::Failover(sid.clone(), uid))));
        let mut d = ParticipantUpdate::new(uid);
        d.is_in_failover = Some(true);
        self.broadcast_updates(&sid, vec![d]);
    }

    fn timeout(&mut self, now: Instant) {
        while let Some(Reverse((at, _))) = self.timers.peek() {
            if *at > now {
                break;
            }
            // unwrap is ok because peek() just returned Some.
            let Reverse((at, timer)) = self.timers.pop().expect("peeked");
            match timer {
                Timer::Idle(sid) => {
                    let due = self
                        .sessions
                        .get(&sid)
                        .is_some_and(|s| s.idle_deadline == Some(at));
                    if due {
                        self.end_session(&sid, "session idle timeout", None);
                    }
                }
                Timer::Failover(sid, uid) => {
                    let due = self
                        .sessions
                        .get(&sid)
                        .and_then(|s| s.users.get(&uid))
                        .is_some_and(|u| u.failover_deadline == Some(at));
                    if due {
                        self.remove_user(now, &sid, uid);
                    }
                }
            }
        }
    }
}

// ---- requests of joined users -----------------------------------------------------------
impl Core {
    fn request(&mut self, now: Instant, conn: ConnId, msg: ClientMsg) -> Res {
        match &msg {
            ClientMsg::Ping => return ok(),
            ClientMsg::Resume(r) => return self.resume(conn, r),
            ClientMsg::Join(_) => {
                return Err(err(
                    ErrorCode::InternalError,
                    "join must be verified by the server first",
                ))
            }
            _ => {}
        }
        let Some((sid, me)) = self.conns.get(&conn).cloned() else {
            if msg.is_media() {
                return Err(err(
                    ErrorCode::StreamSessionJoinRequired,
                    "media calls need a joined session",
                ));
            }
            return Err(err(
                ErrorCode::SessionStateClosed,
                "not in a session; join first",
            ));
        };
        match msg {
            ClientMsg::Leave { end } => self.leave(now, conn, &sid, me, end),
            ClientMsg::GetAllUser => Ok(to_json(&self.session_mut(&sid)?.participants())),
            ClientMsg::ChangeName { name, user_id } => self.change_name(&sid, me, name, user_id),
            ClientMsg::AllowParticipantsToRename { allowed } => {
                let s = self.session_mut(&sid)?;
                require_privileged(s, me)?;
                s.rename_allowed = allowed;
                ok()
            }
            ClientMsg::StartAudio { mute } => self.start_audio(&sid, me, mute),
            ClientMsg::StopAudio => self.stop_audio(&sid, me),
            ClientMsg::MuteAudio(t) => self.mute_audio(&sid, me, t.user_id),
            ClientMsg::UnmuteAudio(t) => self.unmute_audio(&sid, me, t.user_id),
            ClientMsg::MuteAllAudio => self.mute_all(&sid, me),
            ClientMsg::UnmuteAllAudio => self.unmute_all(&sid, me),
            ClientMsg::StartVideo => self.set_video(&sid, me, true),
            ClientMsg::StopVideo => self.set_video(&sid, me, false),
            ClientMsg::StartShareScreen => self.start_share(&sid, me),
            ClientMsg::StopShareScreen => {
                let mut updates = Vec::new();
                let stopped = self.session_mut(&sid)?.stop_share(me, &mut updates);
                if stopped {
                    self.share_stopped(&sid, me, updates);
                }
                ok()
            }
            ClientMsg::MakeHost(t) => self.make_host(&sid, me, t.user_id),
            ClientMsg::MakeManager(t) => self.set_manager(&sid, me, t.user_id, true),
            ClientMsg::RevokeManager(t) => self.set_manager(&sid, me, t.user_id, false),
            ClientMsg::ReclaimHost => self.reclaim_host(&sid, me),
            ClientMsg::RemoveUser(t) => self.remove_by_moderator(now, &sid, me, t.user_id),
            ClientMsg::LockShare { is_locked } => {
                let p = if is_locked {
                    SharePrivilege::Locked
                } else {
                    SharePrivilege::Unlocked
                };
                self.set_share_privilege(&sid, me, p)
            }
            ClientMsg::SetSharePrivilege { privilege } => {
                self.set_share_privilege(&sid, me, privilege)
            }
            ClientMsg::ChatSend { text, user_id } => self.chat(now, &sid, me, text, Some(user_id)),
            ClientMsg::ChatSendToAll { text } => self.chat(now, &sid, me, text, None),
            ClientMsg::ChatSetPrivilege { privilege } => {
                let s = self.session_mut(&sid)?;
                // SPEC §5 lists 5006 for a participant here (the reference SDK's 7003 is
                // not used).
                require_privileged(s, me)?;
                s.chat_privilege = privilege;
                let to = s.conns_except(None);
                self.send(
                    to,
                    Event::ChatPrivilegeChange {
                        chat_privilege: privilege,
                    },
                );
                ok()
            }
            ClientMsg::ChatGetHistory => {
                let s = self.session_mut(&sid)?;
                let h: Vec<&ChatMessage> = s.users[&me].history.iter().map(|m| &**m).collect();
                Ok(to_json(&h))
            }
            ClientMsg::CommandSend { text, user_id } => self.command(now, &sid, me, text, user_id),
            ClientMsg::AttachVideo { user_id, quality } => self.attach(&sid, me, user_id, quality),
            ClientMsg::DetachVideo { user_id } => {
                let s = self.session_mut(&sid)?;
                // unwrap is ok because `me` is bound to this session.
                if s.users
                    .get_mut(&me)
                    .expect("present")
                    .attached
                    .remove(&user_id)
                    .is_some()
                {
                    self.out.push_back(Output::Media(MediaAction::Detach {
                        session: sid.clone(),
                        subscriber: me,
                        publisher: user_id,
                    }));
                }
                ok()
            }
            ClientMsg::Ping
            | ClientMsg::Resume(_)
            | ClientMsg::Join(_)
            | ClientMsg::RtcOffer(_) => ok(),
            #[allow(unreachable_patterns)] // ClientMsg is non_exhaustive for other crates.
            other => Err(err(
                ErrorCode::InvalidParameter,
                format!("method {} is not supported", other.method()),
            )),
        }
    }

    fn leave(&mut self, now: Instant, conn: ConnId, sid: &str, me: UserId, end: bool) -> Res {
        if end {
            let s = self.session_mut(sid)?;
            if !s.is_host(me) {
                return Err(err(
                    ErrorCode::HostRequired,
                    "only the host can end the session",
                ));
            }
            self.end_session(sid, "ended by host", Some(me));
            // end_session queued the close of our own connection already; the reply to
            // this request is queued after it, so move our close behind the reply.
            self.out
                .retain(|o| !matches!(o, Output::Close { conn: c } if *c == conn));
        } else {
            self.remove_user(now, sid, me);
        }
        self.pending_close = Some(conn);
        ok()
    }

    fn change_name(&mut self, sid: &str, me: UserId, name: String, target: Option<UserId>) -> Res {
        let s = self.session_mut(sid)?;
        let target = target.unwrap_or(me);
        if target == me {
            if !s.rename_allowed && !s.is_privileged(me) {
                return Err(err(
                    ErrorCode::HostDisallowRename,
                    "the host does not allow renaming",
                ));
            }
        } else {
            require_privileged(s, me)?;
            require_user(s, target)?;
            if s.is_host(target) {
                return Err(err(
                    ErrorCode::HostRequired,
                    "only the host can rename the host",
                ));
            }
        }
        let name = normalize_user_name(&name);
        // unwrap is ok because require_user / me checked presence.
        let u = s.users.get_mut(&target).expect("present");
        if u.p.display_name == name {
            return ok();
        }
        u.p.display_name = name.clone();
        let mut d = ParticipantUpdate::new(target);
        d.display_name = Some(name);
        self.broadcast_updates(sid, vec![d]);
        ok()
    }

    fn start_audio(&mut self, sid: &str, me: UserId, mute: bool) -> Res {
        let s = self.session_mut(sid)?;
        // unwrap is ok because `me` is bound to this session.
        let u = s.users.get_mut(&me).expect("present");
        if u.p.audio == AudioKind::Computer {
            return ok();
        }
        u.p.audio = AudioKind::Computer;
        u.p.muted = Some(mute);
        let conn = u.conn;
        let mut d = ParticipantUpdate::new(me);
        d.audio = Some(AudioKind::Computer);
        d.muted = Some(mute);
        self.send_one(
            conn,
            Event::CurrentAudioChange {
                action: "join".into(),
                source: None,
            },
        );
        self.broadcast_updates(sid, vec![d]);
        ok()
    }

    fn stop_audio(&mut self, sid: &str, me: UserId) -> Res {
        let s = self.session_mut(sid)?;
        // unwrap is ok because `me` is bound to this session.
        let u = s.users.get_mut(&me).expect("present");
        if u.p.audio == AudioKind::None {
            return ok();
        }
        u.p.audio = AudioKind::None;
        u.p.muted = None;
        let conn = u.conn;
        let mut d = ParticipantUpdate::new(me);
        d.audio = Some(AudioKind::None);
        self.send_one(
            conn,
            Event::CurrentAudioChange {
                action: "leave".into(),
                source: Some("active".into()),
            },
        );
        self.broadcast_updates(sid, vec![d]);
        ok()
    }

    fn mute_audio(&mut self, sid: &str, me: UserId, target: Option<UserId>) -> Res {
        let s = self.session_mut(sid)?;
        let target = target.unwrap_or(me);
        if target != me {
            require_privileged(s, me)?;
            require_user(s, target)?;
        }
        if s.users[&target].p.audio == AudioKind::None {
            return Err(err(ErrorCode::AudioNotStarted, "audio is not started"));
        }
        let mut updates = Vec::new();
        if s.mute(target, &mut updates) {
            let source = if target == me {
                "active"
            } else {
                "passive(mute one)"
            };
            let conn = s.users[&target].conn;
            self.send_one(
                conn,
                Event::CurrentAudioChange {
                    action: "muted".into(),
                    source: Some(source.into()),
                },
            );
            self.broadcast_updates(sid, updates);
        }
        ok()
    }

    fn unmute_audio(&mut self, sid: &str, me: UserId, target: Option<UserId>) -> Res {
        let s = self.session_mut(sid)?;
        let target = target.unwrap_or(me);
        if target != me {
            require_privileged(s, me)?;
            require_user(s, target)?;
            // Never forced: the user is asked.
            let conn = s.users[&target].conn;
            self.send_one(
                conn,
                Event::HostAskUnmuteAudio {
                    reason: "Unmute".into(),
                },
            );
            return ok();
        }
        // unwrap is ok because `me` is bound to this session.
        let u = s.users.get_mut(&me).expect("present");
        if u.p.audio == AudioKind::None {
            return Err(err(ErrorCode::AudioNotStarted, "audio is not started"));
        }
        if u.p.muted == Some(false) {
            return ok();
        }
        u.p.muted = Some(false);
        let conn = u.conn;
        let mut d = ParticipantUpdate::new(me);
        d.muted = Some(false);
        self.send_one(
            conn,
            Event::CurrentAudioChange {
                action: "unmuted".into(),
                source: Some("active".into()),
            },
        );
        self.broadcast_updates(sid, vec![d]);
        ok()
    }

    fn mute_all(&mut self, sid: &str, me: UserId) -> Res {
        let s = self.session_mut(sid)?;
        require_privileged(s, me)?;
        let ids: Vec<UserId> = s.users.keys().copied().filter(|u| *u != me).collect();
        let mut updates = Vec::new();
        let mut told = Vec::new();
        for id in ids {
            if s.mute(id, &mut updates) {
                told.extend(s.users[&id].conn);
            }
        }
        self.send(
            told,
            Event::CurrentAudioChange {
                action: "muted".into(),
                source: Some("passive(mute all)".into()),
            },
        );
        self.broadcast_updates(sid, updates);
        ok()
    }

    fn unmute_all(&mut self, sid: &str, me: UserId) -> Res {
        let s = self.session_mut(sid)?;
        require_privileged(s, me)?;
        let to: Vec<ConnId> = s
            .users
            .values()
            .filter(|u| u.p.user_id != me && u.p.muted == Some(true))
            .filter_map(|u| u.conn)
            .collect();
        self.send(
            to,
            Event::HostAskUnmuteAudio {
                reason: "Unmute".into(),
            },
        );
        ok()
    }

    fn set_video(&mut self, sid: &str, me: UserId, on: bool) -> Res {
        let s = self.session_mut(sid)?;
        // unwrap is ok because `me` is bound to this session.
        let u = s.users.get_mut(&me).expect("present");
        if u.p.b_video_on == on {
            return ok();
        }
        u.p.b_video_on = on;
        let others = s.conns_except(Some(me));
        let mut d = ParticipantUpdate::new(me);
        d.b_video_on = Some(on);
        self.broadcast_updates(sid, vec![d]);
        self.send(
            others,
            Event::PeerVideoStateChange {
                action: if on { "Start" } else { "Stop" }.into(),
                user_id: me,
            },
        );
        ok()
    }

    fn start_share(&mut self, sid: &str, me: UserId) -> Res {
        let s = self.session_mut(sid)?;
        if s.users[&me].p.sharer_on {
            return ok();
        }
        let privileged = s.is_privileged(me);
        let mut updates = Vec::new();
        let mut taken_over = Vec::new();
        match s.share_privilege {
            SharePrivilege::Locked if !privileged => {
                return Err(err(
                    ErrorCode::ShareHostPrivilegeRequired,
                    "screen share is locked: only the host and managers can share",
                ))
            }
            SharePrivilege::MultipleShare => {}
            _ => {
                if let Some(&other) = s.sharers.first() {
                    if !privileged {
                        return Err(err(
                            ErrorCode::ShareMismatchState,
                            format!("user {other} is sharing"),
                        ));
                    }
                    for id in s.sharers.clone() {
                        s.stop_share(id, &mut updates);
                        taken_over.push(id);
                    }
                }
            }
        }
        // unwrap is ok because `me` is bound to this session.
        s.users.get_mut(&me).expect("present").p.sharer_on = true;
        s.sharers.push(me);
        let mut d = ParticipantUpdate::new(me);
        d.sharer_on = Some(true);
        push_update(&mut updates, d);
        for id in taken_over {
            self.passively_stopped(sid, id);
        }
        self.broadcast_updates(sid, updates);
        self.announce_share(sid, me, true);
        ok()
    }

    /// Tells `id` its share was stopped by someone else, and everyone that it stopped.
    fn passively_stopped(&mut self, sid: &str, id: UserId) {
        let conn = self
            .sessions
            .get(sid)
            .and_then(|s| s.users.get(&id))
            .and_then(|u| u.conn);
        self.send_one(conn, Event::PassivelyStopShare("PrivilegeChange".into()));
        self.announce_share(sid, id, false);
    }

    fn share_stopped(&mut self, sid: &str, id: UserId, updates: Vec<ParticipantUpdate>) {
        self.broadcast_updates(sid, updates);
        self.announce_share(sid, id, false);
    }

    /// `peer-share-state-change` and `active-share-change` to everyone but the sharer.
    fn announce_share(&mut self, sid: &str, id: UserId, on: bool) {
        let Some(s) = self.sessions.get(sid) else {
            return;
        };
        let others = s.conns_except(Some(id));
        self.send(
            others.clone(),
            Event::PeerShareStateChange {
                user_id: id,
                action: if on { "Start" } else { "Stop" }.into(),
            },
        );
        self.send(
            others,
            Event::ActiveShareChange {
                state: if on { "Active" } else { "Inactive" }.into(),
                user_id: id,
            },
        );
    }

    fn set_share_privilege(&mut self, sid: &str, me: UserId, p: SharePrivilege) -> Res {
        let s = self.session_mut(sid)?;
        require_privileged(s, me)?;
        s.share_privilege = p;
        let mut updates = Vec::new();
        let mut stopped = Vec::new();
        match p {
            SharePrivilege::Locked => {
                for id in s.sharers.clone() {
                    if !s.is_privileged(id) && s.stop_share(id, &mut updates) {
                        stopped.push(id);
                    }
                }
            }
            SharePrivilege::Unlocked => {
                // One sharer at a time: the latest keeps sharing.
                let n = s.sharers.len();
                for id in s.sharers.clone().into_iter().take(n.saturating_sub(1)) {
                    if s.stop_share(id, &mut updates) {
                        stopped.push(id);
                    }
                }
            }
            SharePrivilege::MultipleShare => {}
        }
        let all = s.conns_except(None);
        self.send(all, Event::SharePrivilegeChange { privilege: p });
        for id in stopped {
            self.passively_stopped(sid, id);
        }
        self.broadcast_updates(sid, updates);
        ok()
    }

    fn make_host(&mut self, sid: &str, me: UserId, target: UserId) -> Res {
        let s = self.session_mut(sid)?;
        require_host(s, me)?;
        require_user(s, target)?;
        let mut updates = Vec::new();
        s.transfer_host(target, &mut updates);
        self.broadcast_updates(sid, updates);
        ok()
    }

    fn set_manager(&mut self, sid: &str, me: UserId, target: UserId, on: bool) -> Res {
        let s = self.session_mut(sid)?;
        require_host(s, me)?;
        require_user(s, target)?;
        if s.is_host(target) {
            return Err(err(
                ErrorCode::InvalidParameter,
                "the host cannot be made or unmade a manager",
            ));
        }
        let mut updates = Vec::new();
        s.set_role(target, false, on, &mut updates);
        self.broadcast_updates(sid, updates);
        ok()
    }

    fn reclaim_host(&mut self, sid: &str, me: UserId) -> Res {
        let s = self.session_mut(sid)?;
        if s.original_host != Some(me) {
            return Err(err(
                ErrorCode::OriginalHostRequired,
                "only the original host can reclaim the host role",
            ));
        }
        let mut updates = Vec::new();
        s.transfer_host(me, &mut updates);
        self.broadcast_updates(sid, updates);
        ok()
    }

    fn remove_by_moderator(&mut self, now: Instant, sid: &str, me: UserId, target: UserId) -> Res {
        let s = self.session_mut(sid)?;
        require_privileged(s, me)?;
        require_user(s, target)?;
        if target == me {
            return Err(err(
                ErrorCode::InvalidParameter,
                "cannot remove yourself; use leave",
            ));
        }
        let t = &s.users[&target];
        if !s.is_host(me) && (t.p.is_host || t.p.is_manager) {
            return Err(err(
                ErrorCode::HostRequired,
                "only the host can remove the host or a manager",
            ));
        }
        if let Some(i) = t.p.user_identity.clone() {
            s.removed_identities.push(i);
        }
        let conn = t.conn;
        let fp = t.token_fingerprint;
        s.removed_tokens.push(fp);
        self.send_one(
            conn,
            Event::ConnectionChange {
                state: ConnectionState::Closed,
                reason: Some("kicked by host".into()),
            },
        );
        if let Some(c) = conn {
            self.out.push_back(Output::Close { conn: c });
        }
        self.remove_user(now, sid, target);
        ok()
    }

    fn chat(
        &mut self,
        now: Instant,
        sid: &str,
        me: UserId,
        text: String,
        to: Option<UserId>,
    ) -> Res {
        let ts = self.epoch_ms(now);
        let s = self.session_mut(sid)?;
        if text.is_empty() {
            return Err(err(ErrorCode::ChatEmptyMessage, "message is empty"));
        }
        let privileged = s.is_privileged(me);
        match (s.chat_privilege, to) {
            (ChatPrivilege::NoOne, _) if !privileged => {
                return Err(err(ErrorCode::ChatNotPermitted, "chat is disabled"))
            }
            (ChatPrivilege::EveryonePublicly, Some(_)) if !privileged => {
                return Err(err(
                    ErrorCode::ChatNotPermitted,
                    "only public messages are allowed",
                ))
            }
            _ => {}
        }
        let receiver = match to {
            Some(t) => {
                let Some(u) = s.users.get(&t).filter(|_| t != me) else {
                    return Err(err(ErrorCode::ChatInvalidUser, format!("no user {t}")));
                };
                ChatUser {
                    name: u.p.display_name.clone(),
                    user_id: t,
                }
            }
            None => ChatUser {
                name: "Everyone".into(),
                user_id: UserId(0),
            },
        };
        let msg = Arc::new(ChatMessage {
            id: s.msg_id(),
            message: truncate_bytes(&text, MAX_CHAT_BYTES),
            sender: ChatUser {
                name: s.users[&me].p.display_name.clone(),
                user_id: me,
            },
            receiver,
            timestamp: ts,
        });
        let mut to_conns = Vec::new();
        for (id, u) in s.users.iter_mut() {
            if to.is_none() || Some(*id) == to || *id == me {
                u.history.push(msg.clone());
                if *id != me {
                    to_conns.extend(u.conn);
                }
            }
        }
        let m = (*msg).clone();
        self.send(to_conns, Event::ChatOnMessage(m.clone()));
        Ok(to_json(&m))
    }

    fn command(
        &mut self,
        now: Instant,
        sid: &str,
        me: UserId,
        text: serde_json::Value,
        to: Option<UserId>,
    ) -> Res {
        let ts = self.epoch_ms(now);
        let rate = self.config.command_rate_per_sec;
        let s = self.session_mut(sid)?;
        let serde_json::Value::String(text) = text else {
            return Err(err(ErrorCode::CommandNotString, "text must be a string"));
        };
        if text.is_empty() {
            return Err(err(ErrorCode::CommandEmpty, "message is empty"));
        }
        if text.len() > MAX_COMMAND_BYTES {
            return Err(err(
                ErrorCode::CommandTooLong,
                format!(
                    "message is {} bytes; at most {MAX_COMMAND_BYTES}",
                    text.len()
                ),
            ));
        }
        let receiver = match to {
            Some(t) if t == me || !s.users.contains_key(&t) => {
                return Err(err(ErrorCode::CommandInvalidUser, format!("no user {t}")))
            }
            other => other,
        };
        // unwrap is ok because `me` is bound to this session.
        let u = s.users.get_mut(&me).expect("present");
        let window = Duration::from_millis(convene_protocol::COMMAND_RATE_WINDOW_MS);
        match u.cmd_window {
            (Some(start), n) if now.saturating_duration_since(start) < window => {
                if n >= rate {
                    return Err(err(
                        ErrorCode::CommandTooLong,
                        format!("rate limit: at most {rate} messages per second"),
                    ));
                }
                u.cmd_window.1 = n + 1;
            }
            _ => u.cmd_window = (Some(now), 1),
        }
        let sender_name = u.p.display_name.clone();
        let msgid = s.msg_id();
        let to_conns = match receiver {
            Some(t) => s.users[&t].conn.into_iter().collect(),
            None => s.conns_except(Some(me)),
        };
        self.send(
            to_conns,
            Event::CommandChannelMessage {
                sender_id: me.0.to_string(),
                sender_name: sender_name.clone(),
                text: text.clone(),
                timestamp: ts,
                msgid: msgid.clone(),
            },
        );
        Ok(to_json(&CommandChannelMsg {
            sender_id: me,
            sender_name,
            receiver_id: receiver,
            text,
            timestamp: ts,
            msgid,
        }))
    }
}

// ---- media ------------------------------------------------------------------------------
impl Core {
    fn attach(&mut self, sid: &str, me: UserId, publisher: UserId, quality: u8) -> Res {
        let s = self.session_mut(sid)?;
        if quality > 4 {
            return Err(err(
                ErrorCode::InvalidParameter,
                format!("videoQuality must be 0-4, got {quality}"),
            ));
        }
        if publisher == me || !s.users.contains_key(&publisher) {
            return Err(err(
                ErrorCode::StreamMismatchUser,
                format!("no other user {publisher} in this session"),
            ));
        }
        // unwrap is ok because `me` is bound to this session.
        let u = s.users.get_mut(&me).expect("present");
        if !u.attached.contains_key(&publisher) && u.attached.len() >= MAX_ATTACHED_VIDEOS {
            return Err(err(
                ErrorCode::VideoRenderLimitExceed,
                format!("at most {MAX_ATTACHED_VIDEOS} videos can be attached"),
            ));
        }
        u.attached.insert(publisher, quality);
        self.out.push_back(Output::Media(MediaAction::Attach {
            session: sid.to_owned(),
            subscriber: me,
            publisher,
            quality,
        }));
        ok()
    }

    fn active_speakers(&mut self, sid: &str, users: Vec<UserId>) {
        let Some(s) = self.sessions.get_mut(sid) else {
            return;
        };
        if s.last_speakers == users {
            return;
        }
        let list: Vec<ActiveSpeaker> = users
            .iter()
            .filter_map(|id| {
                s.users.get(id).map(|u| ActiveSpeaker {
                    user_id: *id,
                    display_name: Some(u.p.display_name.clone()),
                })
            })
            .collect();
        s.last_speakers = users;
        let to = s.conns_except(None);
        if !list.is_empty() {
            self.send(to, Event::ActiveSpeaker(list));
        }
    }

    fn network_quality(&mut self, sid: &str, user: UserId, up: u8, down: u8) {
        let Some(s) = self.sessions.get_mut(sid) else {
            return;
        };
        let Some(u) = s.users.get_mut(&user) else {
            return;
        };
        let (up, down) = (up.min(5), down.min(5));
        let old = u.quality.replace((up, down));
        let to = s.conns_except(None);
        if old.map(|o| o.0) != Some(up) {
            self.send(
                to.clone(),
                Event::NetworkQualityChange {
                    user_id: user,
                    kind: "uplink".into(),
                    level: up,
                },
            );
        }
        if old.map(|o| o.1) != Some(down) {
            self.send(
                to,
                Event::NetworkQualityChange {
                    user_id: user,
                    kind: "downlink".into(),
                    level: down,
                },
            );
        }
    }
}

/// A user's audio is forwarded only while it is in computer audio and unmuted.
fn audio_forwarded(p: &Participant) -> bool {
    p.audio == AudioKind::Computer && p.muted == Some(false)
}

fn require_privileged(s: &Session, me: UserId) -> Result<(), ErrorBody> {
    if s.is_privileged(me) {
        Ok(())
    } else {
        Err(err(
            ErrorCode::HostOrManagerRequired,
            "needs the host or a manager",
        ))
    }
}

fn require_host(s: &Session, me: UserId) -> Result<(), ErrorBody> {
    if s.is_host(me) {
        Ok(())
    } else {
        Err(err(ErrorCode::HostRequired, "needs the host"))
    }
}

fn require_user(s: &Session, id: UserId) -> Result<(), ErrorBody> {
    if s.users.contains_key(&id) {
        Ok(())
    } else {
        Err(err(
            ErrorCode::MismatchUser,
            format!("no user {id} in this session"),
        ))
    }
}

#[cfg(test)]
impl Core {
    pub(crate) fn session_of(&self, c: ConnId) -> Option<String> {
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

    pub(crate) fn is_role1(&self, id: UserId) -> bool {
        self.sessions
            .values()
            .any(|s| s.users.get(&id).is_some_and(|u| u.role1))
    }
}
