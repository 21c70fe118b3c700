//! A main session and its open subsessions as one session: where a user is, moving a user
//! between rooms, the roles every room shares, and the rooms' state as each user sees it.

use crate::core::Core;
use crate::info::SessionInfo;
use crate::input::ConnId;
use crate::output::MediaAction;
use crate::rooms::{Room, RoomUsers};
use crate::session::Session;
use convene_protocol::{
    AudioKind, Event, JoinResult, MoveReason, Participant, ParticipantUpdate, SessionId,
    SubsessionMoved, SubsessionState, SubsessionUser, UserId,
};
use std::time::Instant;

impl Core {
    /// The main session of `sid` (itself for a main session).
    pub(crate) fn main_of(&self, sid: &SessionId) -> SessionId {
        self.sessions
            .get(sid)
            .and_then(|s| s.parent.clone())
            .unwrap_or_else(|| sid.clone())
    }

    /// The main session, then the sessions of its open rooms.
    pub(crate) fn group(&self, main: &SessionId) -> Vec<SessionId> {
        let mut ids = vec![main.clone()];
        if let Some(m) = self.sessions.get(main) {
            ids.extend(
                m.rooms
                    .rooms
                    .iter()
                    .map(|r| r.id.clone())
                    .filter(|id| self.sessions.contains_key(id)),
            );
        }
        ids
    }

    /// The sessions of the group, main first.
    fn group_sessions<'a>(&'a self, main: &SessionId) -> impl Iterator<Item = &'a Session> + 'a {
        let main = self.sessions.get(main);
        let rooms = main
            .into_iter()
            .flat_map(|m| &m.rooms.rooms)
            .filter_map(|r| self.sessions.get(&r.id));
        main.into_iter().chain(rooms)
    }

    /// The room `uid` is in (the main session or a subsession).
    pub(crate) fn where_is(&self, main: &SessionId, uid: UserId) -> Option<SessionId> {
        self.group_sessions(main)
            .find(|s| s.users.contains_key(&uid))
            .map(|s| s.id.clone())
    }

    /// The live connections of every room (`rooms_only`: of the subsessions alone).
    pub(crate) fn group_conns(&self, main: &SessionId, rooms_only: bool) -> Vec<ConnId> {
        self.group_sessions(main)
            .skip(usize::from(rooms_only))
            .flat_map(|s| s.conns_except(None))
            .collect()
    }

    /// Everyone in every room, the egress worker included.
    pub(crate) fn group_user_count(&self, main: &SessionId) -> usize {
        self.group_sessions(main).map(|s| s.users.len()).sum()
    }

    /// Whether only the egress worker is left in the whole session.
    pub(crate) fn group_only_egress_left(&self, main: &SessionId) -> bool {
        self.sessions
            .get(main)
            .is_some_and(Session::only_egress_left)
            && self
                .group_sessions(main)
                .skip(1)
                .all(|s| s.users.is_empty())
    }

    /// The outside view of the session, counting the users of every room.
    pub(crate) fn group_info(&self, main: &SessionId) -> Option<SessionInfo> {
        let mut info = self.sessions.get(main)?.info();
        info.user_count = self
            .group_sessions(main)
            .map(|s| s.users.len() - s.egress.len())
            .sum();
        Some(info)
    }

    /// Every visible user of every room (the REST API's user list).
    pub(crate) fn group_participants(&self, main: &SessionId) -> Vec<Participant> {
        self.group_sessions(main)
            .flat_map(Session::participants)
            .collect()
    }

    /// A visible user anywhere in the session: its card.
    fn group_user(&self, main: &SessionId, uid: UserId) -> Option<&Participant> {
        self.group_sessions(main)
            .find_map(|s| s.visible().find(|u| u.p.user_id == uid))
            .map(|u| &*u.p)
    }

    /// Whether `uid` is a visible user of the session (the egress worker is never one).
    pub(crate) fn is_group_user(&self, main: &SessionId, uid: UserId) -> bool {
        self.group_user(main, uid).is_some()
    }

    /// The join reply of `uid` in the room `sid`, with the user list as `users`.
    pub(crate) fn join_result<U>(&self, sid: &SessionId, uid: UserId, users: U) -> JoinResult<U> {
        // unwrap is ok because callers pass a live room and its user.
        let s = &self.sessions[sid];
        JoinResult {
            session_id: s.id.clone(),
            topic: s.topic.clone(),
            user_id: uid,
            password: s.passcode.clone().unwrap_or_default(),
            is_original_host: s.original_host == Some(uid),
            users,
            chat_privilege: s.chat_privilege,
            share_privilege: s.share_privilege,
            rename_allowed: s.rename_allowed,
            resume_token: s.users[&uid].resume_token.clone(),
            recording: s.recording,
            live_stream: s.live,
            can_record: self.config.cloud_recording,
        }
    }

    /// Moves `uid` into the room `to` of the session `main`. The old room sees it leave, the
    /// new one arrive; the user gets `subsession-moved` and starts its media again there.
    pub(crate) fn move_user(
        &mut self,
        now: Instant,
        main: &SessionId,
        uid: UserId,
        to: &SessionId,
        reason: MoveReason,
    ) {
        let Some(from) = self.where_is(main, uid).filter(|f| f != to) else {
            return;
        };
        if !self.sessions.contains_key(to) {
            return;
        }
        // unwrap is ok because where_is found the user there.
        let s = self.sessions.get_mut(&from).expect("room exists");
        let mut u = s.users.remove(&uid).expect("user in room");
        s.sharers.retain(|x| *x != uid);
        for other in s.users.values_mut() {
            other.attached.remove(&uid);
        }
        let left_behind = s.conns_except(None);
        self.media(MediaAction::UserGone {
            session: from.clone(),
            user: uid,
        });
        let mut gone = ParticipantUpdate::new(uid);
        gone.display_name = Some(u.p.display_name.clone());
        self.send(left_behind, Event::UserRemoved(vec![gone]));

        // Its media peer stays behind: it starts again from nothing in the new room.
        u.p.audio = AudioKind::None;
        u.p.muted = None;
        u.p.is_speaker_only = false;
        u.p.b_video_on = false;
        u.p.sharer_on = false;
        u.attached.clear();
        u.quality = None;
        // unwrap is ok because checked above.
        let s = self.sessions.get_mut(to).expect("room exists");
        u.chat_since = s.chat.next_seq();
        let (card, conn, deadline) = ((*u.p).clone(), u.conn, u.failover_deadline);
        let met = s.conns_except(None);
        s.users.insert(uid, u);
        if let Some(c) = conn {
            self.conns.insert(c, (to.clone(), uid));
        }
        if let Some(at) = deadline {
            self.arm_failover(at, to, uid);
        }
        self.send(met, Event::UserAdded(vec![card]));

        let room = self.sessions[main].rooms.room(to.as_str());
        let (subsession_id, subsession_name) = match room {
            Some(r) => (Some(r.id.0.clone()), r.name.clone()),
            None => (None, String::new()),
        };
        let users = self.sessions[to].participants();
        let session = self.join_result(to, uid, users);
        self.send_one(
            conn,
            Event::SubsessionMoved(Box::new(SubsessionMoved {
                reason,
                subsession_id,
                subsession_name,
                session,
            })),
        );
        self.rearm_idle(now, main);
    }

    /// Makes every room agree with the main session on who is host and original host, and
    /// the cards of users in rooms with that.
    pub(crate) fn sync_roles(&mut self, main: &SessionId) {
        let Some(m) = self.sessions.get(main) else {
            return;
        };
        let (host, original) = (m.host, m.original_host);
        for id in self.group(main).into_iter().skip(1) {
            // unwrap is ok because group() lists live sessions.
            let s = self.sessions.get_mut(&id).expect("room exists");
            s.original_host = original;
            let mut updates = Vec::new();
            let stale: Vec<(UserId, bool)> = s
                .users
                .values()
                .filter(|u| u.p.is_host != (host == Some(u.p.user_id)))
                .map(|u| (u.p.user_id, u.role1))
                .collect();
            for (uid, role1) in stale {
                let is_host = host == Some(uid);
                s.set_role(uid, is_host, !is_host && role1, &mut updates);
            }
            s.host = host;
            self.broadcast_updates(&id, updates);
        }
    }

    /// After the host left: a new one from the main session if anyone is there, else from
    /// the first room with someone in it.
    pub(crate) fn elect_group_host(&mut self, main: &SessionId) {
        let group = self.group(main);
        for id in &group {
            if let Some(s) = self.sessions.get_mut(id) {
                s.host = None;
            }
        }
        for id in &group {
            let mut updates = Vec::new();
            // unwrap is ok because group() lists live sessions.
            let s = self.sessions.get_mut(id).expect("room exists");
            s.elect_host(&mut updates);
            let elected = s.host;
            self.broadcast_updates(id, updates);
            if elected.is_some() {
                if let Some(m) = self.sessions.get_mut(main) {
                    m.host = elected;
                }
                break;
            }
        }
        self.sync_roles(main);
    }

    /// The rooms' state as a user sees it: with each room's users for the host and
    /// managers (`lists`).
    pub(crate) fn rooms_state(
        &self,
        now: Instant,
        main: &SessionId,
        lists: bool,
    ) -> SubsessionState {
        let users = |r: &Room| -> Vec<SubsessionUser> {
            let here = self.sessions.get(&r.id);
            let mut v: Vec<SubsessionUser> = here
                .into_iter()
                .flat_map(|s| s.visible())
                .map(|u| SubsessionUser {
                    user_id: u.p.user_id,
                    display_name: u.p.display_name.clone(),
                    is_in_subsession: true,
                })
                .collect();
            for &a in &r.assigned {
                let inside = here.is_some_and(|s| s.users.contains_key(&a));
                if let (false, Some(p)) = (inside, self.group_user(main, a)) {
                    v.push(SubsessionUser {
                        user_id: a,
                        display_name: p.display_name.clone(),
                        is_in_subsession: false,
                    });
                }
            }
            v
        };
        let rooms = &self.sessions[main].rooms;
        rooms.state(now, lists.then_some(&users as RoomUsers<'_>))
    }

    /// Sends the rooms' state: in full to the host and managers, and without user lists to
    /// everyone else when that changed.
    pub(crate) fn publish_rooms(&mut self, now: Instant, main: &SessionId) {
        let Some(m) = self.sessions.get(main) else {
            return;
        };
        if m.rooms.rooms.is_empty() && m.rooms.last_public.is_none() {
            return;
        }
        let (mut privileged, mut others) = (Vec::new(), Vec::new());
        for s in self.group_sessions(main) {
            for u in s.visible() {
                if let Some(c) = u.conn {
                    if u.p.is_host || u.p.is_manager {
                        privileged.push(c);
                    } else {
                        others.push(c);
                    }
                }
            }
        }
        let full = self.rooms_state(now, main, true);
        let public = self.rooms_state(now, main, false);
        self.send(privileged, Event::SubsessionState(full));
        // unwrap is ok because checked above.
        let m = self.sessions.get_mut(main).expect("main session");
        let unchanged = m.rooms.last_public.as_ref().is_some_and(|last| {
            last.status == public.status
                && last.subsessions == public.subsessions
                && last.options == public.options
        });
        if !unchanged {
            m.rooms.last_public = Some(public.clone());
            self.send(others, Event::SubsessionState(public));
        }
    }

    /// After a join or resume on `conn`: the rooms' state, if the session has rooms.
    pub(crate) fn tell_rooms(&mut self, now: Instant, conn: ConnId) {
        let Some((sid, uid)) = self.conns.get(&conn).cloned() else {
            return;
        };
        let main = self.main_of(&sid);
        let Some(m) = self.sessions.get(&main) else {
            return;
        };
        if m.rooms.rooms.is_empty() {
            return;
        }
        let lists = self.sessions[&sid].is_privileged(uid);
        let state = self.rooms_state(now, &main, lists);
        self.send(vec![conn], Event::SubsessionState(state));
    }
}
