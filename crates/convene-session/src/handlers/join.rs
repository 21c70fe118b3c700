//! Membership: join, resume, leave, end, removal of a user, dropped connections (failover).

use crate::core::Core;
use crate::info::LifecycleEvent;
use crate::input::{ConnId, JoinToken};
use crate::output::{MediaAction, Output};
use crate::reply::{Handled, Payload};
use crate::session::{Session, SessionKey, User};
use convene_protocol::{
    validate_join_params, ConnectionState, ErrorBody, ErrorCode, Event, JoinParams, Participant,
    ParticipantUpdate, RecordingStatus, ResumeParams, SessionId, UserId, ValidJoin,
};
use std::time::Instant;
use subtle::ConstantTimeEq;

impl Core {
    /// Joins (or starts) the session of `(app, topic)`.
    pub(crate) fn join(
        &mut self,
        now: Instant,
        conn: ConnId,
        p: &JoinParams,
        token: JoinToken,
    ) -> Handled {
        if self.conns.contains_key(&conn) {
            return Err(ErrorBody::new(
                ErrorCode::DuplicatedJoin,
                "already in a session",
            ));
        }
        let v = validate_join_params(p)?;
        let key = SessionKey {
            app: token.app_key.clone(),
            topic: v.topic_key.clone(),
        };
        let egress = self.config.egress_identity.is_some()
            && token.user_identity == self.config.egress_identity;
        if egress {
            // Only into a session that records or streams.
            let waiting = self.by_key.get(&key).and_then(|sid| self.sessions.get(sid));
            if !waiting
                .is_some_and(|s| s.recording != RecordingStatus::Stopped || s.live.is_running())
            {
                return Err(ErrorBody::new(
                    ErrorCode::SessionEnded,
                    "no recording or live stream runs in this session",
                ));
            }
        }
        let sid = match self.by_key.get(&key) {
            Some(sid) => sid.clone(),
            None => {
                let sid = SessionId(self.token());
                let mut s = Session::new(
                    sid.clone(),
                    v.topic.clone(),
                    key.clone(),
                    self.epoch_ms(now),
                    self.config.chat_history,
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
        let uid = match admit(s, &v, &token, max) {
            Ok(uid) => uid,
            Err(e) => {
                // A refused starter leaves no session behind.
                if s.users.is_empty() {
                    self.drop_session(&sid);
                }
                return Err(e);
            }
        };
        let starts = !s.ever_joined();
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
        if egress {
            s.egress.insert(uid);
        }
        if token.role_host && s.original_host.is_none() {
            s.original_host = Some(uid);
        }
        s.users.insert(
            uid,
            User {
                p: crate::card::Card::new(p),
                conn: Some(conn),
                role1: token.role_host,
                idle_timeout_mins: v.idle_timeout_mins,
                resume_token,
                failover_deadline: None,
                cmd_window: Default::default(),
                chat_window: Default::default(),
                chat_since: s.chat.next_seq(),
                token_fingerprint: token.fingerprint,
                attached: Default::default(),
                quality: None,
            },
        );
        self.conns.insert(conn, (sid.clone(), uid));
        self.users_total += 1;
        let windows = s.users.len() / self.config.join_announce_from.max(1);
        let (info, card) = (s.info(), s.users[&uid].p.clone());
        if starts {
            self.lifecycle(LifecycleEvent::SessionStarted, info.clone(), None);
        }
        self.lifecycle(LifecycleEvent::UserJoined, info, Some(card));
        if !egress {
            self.unannounced.push((sid.clone(), uid));
        }
        self.announce_within(now, windows);
        self.rearm_idle(now, &sid);
        Ok(self.joined(&sid, uid))
    }

    /// The reply to a join or resume.
    fn joined(&self, sid: &SessionId, uid: UserId) -> Payload {
        // unwrap is ok because callers pass a live session and user.
        let users = self.sessions[sid].participants_json(uid);
        Payload::Joined(Box::new(self.join_result(sid, uid, users)))
    }

    /// Binds a user kept in failover (or still bound to a connection not yet known dead)
    /// to `conn`.
    pub(crate) fn resume(&mut self, conn: ConnId, r: &ResumeParams) -> Handled {
        if self.conns.contains_key(&conn) {
            return Err(ErrorBody::new(
                ErrorCode::DuplicatedJoin,
                "already in a session",
            ));
        }
        // The user may be in another room of the session than when it lost its connection
        // (moved back when the rooms closed, or restored on another node).
        let main = r.session_id.main();
        let sid = self
            .where_is(&main, r.user_id)
            .unwrap_or_else(|| r.session_id.clone());
        let Some(s) = self.sessions.get_mut(&sid) else {
            return Err(ErrorBody::new(ErrorCode::SessionEnded, "session has ended"));
        };
        let Some(u) = s.users.get_mut(&r.user_id) else {
            return Err(ErrorBody::new(
                ErrorCode::SessionEnded,
                "no longer in this session (failover window passed)",
            ));
        };
        // In constant time: how long a comparison takes must not tell how much of a guess
        // was right.
        if !bool::from(u.resume_token.as_bytes().ct_eq(r.resume_token.as_bytes())) {
            return Err(ErrorBody::new(
                ErrorCode::SessionFetchInfoError,
                "bad resume token",
            ));
        }
        let old = u.conn.replace(conn);
        u.failover_deadline = None;
        let was_failover = std::mem::replace(&mut u.p.is_in_failover, false);
        if let Some(old) = old {
            // The old socket is not known dead yet: it is now.
            self.conns.remove(&old);
            self.close(old);
        }
        self.conns.insert(conn, (sid.clone(), r.user_id));
        if was_failover && !self.sessions[&sid].egress.contains(&r.user_id) {
            // The resumer learns its state from the reply; the others from this delta.
            let mut d = ParticipantUpdate::new(r.user_id);
            d.is_in_failover = Some(false);
            let to = self.sessions[&sid].conns_except(Some(r.user_id));
            self.send(to, Event::UserUpdated(vec![d]));
        }
        Ok(self.joined(&sid, r.user_id))
    }

    /// `leave`, or `leave(end)` by the host. The connection closes after the reply.
    pub(crate) fn leave(
        &mut self,
        now: Instant,
        conn: ConnId,
        sid: &SessionId,
        me: UserId,
        end: bool,
    ) -> Handled {
        if end {
            self.session_mut(sid)?.require_may_end(me)?;
            self.end_session(sid, "ended by host", Some(me));
            // end_session queued the close of our own connection already; the reply to
            // this request is queued after it, so move our close behind the reply.
            self.out
                .retain(|o| !matches!(o, Output::Close { conn: c } if *c == conn));
        } else {
            self.remove_user(now, sid, me);
        }
        self.pending_close = Some(conn);
        Ok(Payload::Ack)
    }

    /// Removes a user from its session (left, removed, or failover expired) and tells the
    /// others. Ends the session when it was the last user in all its rooms.
    pub(crate) fn remove_user(&mut self, now: Instant, sid: &SessionId, uid: UserId) {
        let main = self.main_of(sid);
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
        let was_egress = s.egress.remove(&uid);
        let was_host = s.host == Some(uid);
        self.media(MediaAction::UserGone {
            session: sid.clone(),
            user: uid,
        });
        if let Some(info) = self.group_info(&main) {
            self.lifecycle(LifecycleEvent::UserLeft, info, Some(u.p.clone()));
        }
        if self.group_user_count(&main) == 0 {
            self.drop_session(&main);
            return;
        }
        if self.group_only_egress_left(&main) {
            // No one is left to record: the worker is told (and finishes its file).
            self.end_session(&main, "the last user left", None);
            return;
        }
        let Some(s) = self.sessions.get(sid) else {
            return;
        };
        if !was_egress {
            let mut gone = ParticipantUpdate::new(uid);
            gone.display_name = Some(u.p.display_name.clone());
            // The host's successor is named next: its departure goes out at once, before.
            let windows = (s.users.len() + 1) / self.config.join_announce_from.max(1);
            let batched = !was_host && windows > 0;
            self.departed.push((sid.clone(), gone));
            match batched {
                true => self.announce_within(now, windows),
                false => self.announce_departures(),
            }
        }
        if was_host {
            self.elect_group_host(&main);
        }
        self.rearm_idle(now, &main);
        if self.sessions[&main].rooms.is_open() {
            self.publish_rooms(now, &main);
        }
    }

    /// Forgets a session, its rooms and their users (their media peers go too).
    fn drop_session(&mut self, sid: &SessionId) {
        let main = self.main_of(sid);
        let Some(mut info) = self.group_info(&main) else {
            return;
        };
        let group = self.group(&main);
        let sessions: Vec<Session> = group
            .iter()
            .filter_map(|id| self.sessions.remove(id))
            .collect();
        // unwrap is ok because group_info found the main session, first in the group.
        let m = &sessions[0];
        if self.by_key.get(&m.key) == Some(&main) {
            self.by_key.remove(&m.key);
        }
        for s in &sessions {
            self.users_total -= s.users.len();
            for u in s.users.values() {
                if let Some(c) = u.conn {
                    self.conns.remove(&c);
                }
                self.media(MediaAction::UserGone {
                    session: s.id.clone(),
                    user: u.p.user_id,
                });
                if !s.egress.contains(&u.p.user_id) {
                    info.user_count -= 1;
                    self.lifecycle(LifecycleEvent::UserLeft, info.clone(), Some((*u.p).clone()));
                }
            }
        }
        if sessions[0].ever_joined() {
            self.lifecycle(LifecycleEvent::SessionEnded, info, None);
        }
    }

    /// Ends a session for everyone: each user but `except` gets `Closed` with `reason`, and
    /// every connection is closed.
    pub(crate) fn end_session(&mut self, sid: &SessionId, reason: &str, except: Option<UserId>) {
        let main = self.main_of(sid);
        if !self.sessions.contains_key(&main) {
            return;
        }
        let group = self.group(&main);
        let rooms = group.iter().map(|id| &self.sessions[id]);
        let to: Vec<ConnId> = rooms.clone().flat_map(|s| s.conns_except(except)).collect();
        let all: Vec<ConnId> = rooms.flat_map(|s| s.conns_except(None)).collect();
        self.send(
            to,
            Event::ConnectionChange {
                state: ConnectionState::Closed,
                reason: Some(reason.to_owned()),
                subsession_name: None,
            },
        );
        for c in all {
            self.close(c);
        }
        self.drop_session(&main);
    }

    /// The connection is gone without a `leave`: the user stays, in failover, until it
    /// resumes or the window passes.
    pub(crate) fn disconnected(&mut self, now: Instant, conn: ConnId) {
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
        self.arm_failover(at, &sid, uid);
        let mut d = ParticipantUpdate::new(uid);
        d.is_in_failover = Some(true);
        self.broadcast_updates(&sid, vec![d]);
    }
}

/// The checks a joiner passes on a session it did not create (passcode, session key,
/// removal, capacity, ids left); the joiner's id.
fn admit(s: &Session, v: &ValidJoin, token: &JoinToken, max: usize) -> Result<UserId, ErrorBody> {
    if let Some(pc) = &s.passcode {
        if v.passcode.as_deref() != Some(pc.as_str()) {
            return Err(ErrorBody::new(
                ErrorCode::IncorrectPasscode,
                "wrong passcode",
            ));
        }
    }
    if let Some(sk) = &s.session_key {
        if token.session_key.as_deref() != Some(sk.as_str()) {
            return Err(ErrorBody::new(
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
        return Err(ErrorBody::new(
            ErrorCode::UserRemoved,
            "you were removed from this session and cannot rejoin",
        ));
    }
    if s.users.len() >= max {
        return Err(ErrorBody::new(
            ErrorCode::SessionExceedCapacity,
            format!("session is full ({max} users)"),
        ));
    }
    u32::try_from(s.next_user_id).map(UserId).map_err(|_| {
        ErrorBody::new(
            ErrorCode::SessionExceedCapacity,
            "no user id left in this session instance",
        )
    })
}
