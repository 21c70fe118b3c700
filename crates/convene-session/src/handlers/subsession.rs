//! The `subsession.*` requests (`docs/subsessions.md`): creating, opening, filling and
//! closing rooms, joining and leaving them, help requests and broadcasts, and the rooms'
//! timers. Moving users and the rooms' shared roles are in `handlers/group.rs`.

use crate::core::Core;
use crate::reply::{Handled, Payload};
use crate::rooms::Room;
use crate::session::Session;
use crate::timers::Timer;
use convene_protocol::{
    AllocationPattern, ClientMsg, ErrorBody, ErrorCode, Event, HelpResponse, MoveReason,
    OpenSubsessions, SessionId, SubsessionNames, SubsessionStatus, UserId,
    MAX_SUBSESSION_BROADCAST_BYTES, MAX_SUBSESSION_NAME_CHARS,
};
use std::time::{Duration, Instant};

fn state_error(reason: impl Into<String>) -> ErrorBody {
    ErrorBody::new(ErrorCode::SubsessionMismatchState, reason)
}

fn no_room(id: &str) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::SubsessionMismatchId,
        format!("no subsession {id:?}"),
    )
}

fn no_user(uid: UserId) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::SubsessionMismatchUser,
        format!("no user {uid} in this session"),
    )
}

impl Core {
    /// One `subsession.*` request of `me`, who is in the room `sid`.
    pub(crate) fn subsession(
        &mut self,
        now: Instant,
        sid: &SessionId,
        me: UserId,
        msg: ClientMsg,
    ) -> Handled {
        let main = self.main_of(sid);
        let privileged = self.session_mut(sid)?.require_privileged(me);
        let moves_self = matches!(
            msg,
            ClientMsg::JoinSubsession { .. } | ClientMsg::LeaveSubsession | ClientMsg::AskForHelp
        );
        if moves_self && privileged.is_err() {
            // What a participant may do by itself costs the others something (a room's
            // user lists change, the host is told): at the command channel's rate.
            let rate = self.config.command_rate_per_sec;
            // unwrap is ok because `me` is bound to `sid`.
            let u = self
                .sessions
                .get_mut(sid)
                .and_then(|s| s.users.get_mut(&me));
            if !u.expect("present").cmd_window.allow(now, rate) {
                return Err(ErrorBody::new(
                    ErrorCode::CommandRateLimited,
                    format!("rate limit: at most {rate} requests per second"),
                ));
            }
        }
        let r = match msg {
            ClientMsg::GetSubsessionState => {
                let state = self.rooms_state(now, &main, privileged.is_ok());
                return Ok(Payload::Value(
                    serde_json::to_value(state).unwrap_or_default(),
                ));
            }
            ClientMsg::JoinSubsession { subsession_id } => {
                self.join_room(now, &main, me, &subsession_id, privileged.is_ok())
            }
            ClientMsg::LeaveSubsession => self.leave_room(now, &main, sid, me, privileged.is_ok()),
            ClientMsg::AskForHelp => self.ask_for_help(&main, sid, me),
            msg => {
                privileged?;
                match msg {
                    ClientMsg::CreateSubsessions { data, pattern } => {
                        return self.create_rooms(now, &main, &data, pattern);
                    }
                    ClientMsg::OpenSubsessions(p) => self.open_rooms(now, &main, p),
                    ClientMsg::AssignUserToSubsession(t) => {
                        self.assign(now, &main, t.user_id, &t.target_subsession_id, false)
                    }
                    ClientMsg::MoveUserToSubsession(t) => {
                        self.assign(now, &main, t.user_id, &t.target_subsession_id, true)
                    }
                    ClientMsg::MoveBackToMainSession(t) => self.move_back(now, &main, t.user_id),
                    ClientMsg::PostponeHelping(t) => self.postpone_helping(&main, t.user_id),
                    ClientMsg::SubsessionBroadcast { content } => {
                        self.broadcast_to_rooms(now, &main, sid, me, content)
                    }
                    ClientMsg::CloseAllSubsessions => {
                        if self.sessions[&main].rooms.status != SubsessionStatus::InProgress {
                            return Err(state_error("no subsessions are open"));
                        }
                        self.begin_closing(now, &main);
                        Ok(())
                    }
                    ClientMsg::StartBroadcastVoice | ClientMsg::StopBroadcastVoice => {
                        Err(ErrorBody::new(
                            ErrorCode::SubsessionBroadcastVoiceDisable,
                            "voice broadcast into subsessions is not supported by this server",
                        ))
                    }
                    other => Err(ErrorBody::new(
                        ErrorCode::InvalidParameter,
                        format!("method {} is not a subsession call", other.method()),
                    )),
                }
            }
        };
        r?;
        self.publish_rooms(now, &main);
        Ok(Payload::Ack)
    }

    /// `createSubsessions`: new rooms, not open yet, replacing those not opened.
    fn create_rooms(
        &mut self,
        now: Instant,
        main: &SessionId,
        data: &SubsessionNames,
        pattern: AllocationPattern,
    ) -> Handled {
        let names = data.names()?;
        let m = self.session_mut(main)?;
        if m.rooms.is_open() {
            return Err(state_error("subsessions are open: close them first"));
        }
        let first = m.rooms.last_number + 1;
        m.rooms.last_number += names.len() as u32;
        let mut rooms: Vec<Room> = names
            .into_iter()
            .zip(first..)
            .map(|(name, n)| Room {
                id: main.subsession(n),
                name,
                assigned: Default::default(),
            })
            .collect();
        if pattern == AllocationPattern::Automatically {
            let spread = m
                .visible()
                .filter(|u| !u.p.is_host && !u.p.is_manager)
                .map(|u| u.p.user_id);
            let n = rooms.len();
            for (i, uid) in spread.enumerate() {
                rooms[i % n].assigned.insert(uid);
            }
        }
        m.rooms.rooms = rooms;
        m.rooms.status = SubsessionStatus::NotStarted;
        m.rooms.options = Default::default();
        self.publish_rooms(now, main);
        let created = self.rooms_state(now, main, true).subsessions;
        Ok(Payload::Value(
            serde_json::to_value(created).unwrap_or_default(),
        ))
    }

    /// `openSubsessions`: the listed rooms open with their assignments; their users are
    /// moved in or invited.
    fn open_rooms(
        &mut self,
        now: Instant,
        main: &SessionId,
        p: OpenSubsessions,
    ) -> Result<(), ErrorBody> {
        let m = &self.sessions[main];
        if m.rooms.rooms.is_empty() || m.rooms.is_open() {
            return Err(state_error("create subsessions before opening them"));
        }
        if p.subsessions.is_empty() {
            return Err(ErrorBody::new(
                ErrorCode::InvalidParameter,
                "open at least one subsession",
            ));
        }
        let mut rooms = Vec::with_capacity(p.subsessions.len());
        for given in &p.subsessions {
            let mut room = m
                .rooms
                .room(&given.subsession_id)
                .cloned()
                .ok_or_else(|| no_room(&given.subsession_id))?;
            let name = given.subsession_name.trim();
            if name.chars().count() > MAX_SUBSESSION_NAME_CHARS {
                return Err(ErrorBody::new(
                    ErrorCode::InvalidParameter,
                    format!("a subsession name has at most {MAX_SUBSESSION_NAME_CHARS} characters"),
                ));
            }
            if !name.is_empty() {
                room.name = name.to_owned();
            }
            if !given.user_list.is_empty() {
                room.assigned = given.user_list.iter().map(|u| u.user_id).collect();
            }
            if rooms.iter().any(|r: &Room| r.id == room.id) {
                continue;
            }
            rooms.push(room);
        }
        let users: Vec<UserId> = rooms
            .iter()
            .flat_map(|r| r.assigned.iter().copied())
            .collect();
        if let Some(bad) = users.iter().find(|u| !self.is_group_user(main, **u)) {
            return Err(no_user(*bad));
        }
        // unwrap is ok because checked above.
        let chat_history = self.config.chat_history;
        let m = self.sessions.get_mut(main).expect("main session");
        let options = p.options.bounded();
        m.rooms.rooms = Vec::new();
        for r in rooms {
            // Each user in one room: a later room's claim wins.
            for uid in &r.assigned {
                for earlier in &mut m.rooms.rooms {
                    earlier.assigned.remove(uid);
                }
            }
            m.rooms.rooms.push(r);
        }
        m.rooms.options = options;
        m.rooms.status = SubsessionStatus::InProgress;
        m.rooms.timer_end = options
            .is_timer_enabled
            .then(|| now + Duration::from_secs(options.timer_duration.into()));
        if let Some(at) = m.rooms.timer_end {
            self.timers.push(at, Timer::Rooms(main.clone()));
        }
        let sessions: Vec<Session> = m
            .rooms
            .rooms
            .iter()
            .map(|r| room_session(m, r, chat_history))
            .collect();
        let assigned: Vec<(UserId, SessionId)> = m
            .rooms
            .rooms
            .iter()
            .flat_map(|r| r.assigned.iter().map(|u| (*u, r.id.clone())))
            .collect();
        for s in sessions {
            self.sessions.insert(s.id.clone(), s);
        }
        for (uid, room) in assigned {
            self.bring_in(now, main, uid, &room);
        }
        Ok(())
    }

    /// An assigned user in the main session of open rooms: moved in with auto-join, else
    /// invited.
    fn bring_in(&mut self, now: Instant, main: &SessionId, uid: UserId, room: &SessionId) {
        if self.where_is(main, uid).as_ref() != Some(main) {
            return;
        }
        let m = &self.sessions[main];
        if m.rooms.options.is_auto_join_subsession {
            self.move_user(now, main, uid, room, MoveReason::MoveToSubsession);
            return;
        }
        let name = m.rooms.room(room.as_str()).map(|r| r.name.clone());
        let conn = m.users.get(&uid).and_then(|u| u.conn);
        self.send_one(
            conn,
            Event::SubsessionInviteToJoin {
                subsession_id: room.0.clone(),
                subsession_name: name.unwrap_or_default(),
            },
        );
    }

    /// `assignUserToSubsession` (`now` false) and `moveUserToSubsession` (`now` true).
    fn assign(
        &mut self,
        at: Instant,
        main: &SessionId,
        uid: UserId,
        room: &str,
        now: bool,
    ) -> Result<(), ErrorBody> {
        let rooms = &self.sessions[main].rooms;
        let status = rooms.status;
        let Some(room) = rooms.room(room).map(|r| r.id.clone()) else {
            return Err(no_room(room));
        };
        let allowed = if now {
            status == SubsessionStatus::InProgress
        } else {
            matches!(
                status,
                SubsessionStatus::NotStarted | SubsessionStatus::InProgress
            )
        };
        if !allowed {
            return Err(state_error(format!(
                "not while the subsessions are {status:?}"
            )));
        }
        if !self.is_group_user(main, uid) {
            return Err(no_user(uid));
        }
        // unwrap is ok because checked above.
        let m = self.sessions.get_mut(main).expect("main session");
        m.rooms.assign(uid, &room);
        if now {
            self.move_user(at, main, uid, &room, MoveReason::MoveToSubsession);
        } else if status == SubsessionStatus::InProgress {
            self.bring_in(at, main, uid, &room);
        }
        Ok(())
    }

    /// `moveBackToMainSession`.
    fn move_back(&mut self, now: Instant, main: &SessionId, uid: UserId) -> Result<(), ErrorBody> {
        if !self.is_group_user(main, uid) {
            return Err(no_user(uid));
        }
        if self.where_is(main, uid).as_ref() == Some(main) {
            return Err(state_error(format!("user {uid} is in the main session")));
        }
        self.move_user(now, main, uid, main, MoveReason::BackToMainSession);
        Ok(())
    }

    /// `joinSubsession`: one's own room, any with selection enabled, any for moderators.
    fn join_room(
        &mut self,
        now: Instant,
        main: &SessionId,
        me: UserId,
        room: &str,
        privileged: bool,
    ) -> Result<(), ErrorBody> {
        let rooms = &self.sessions[main].rooms;
        if rooms.status != SubsessionStatus::InProgress {
            return Err(state_error("no subsessions are open"));
        }
        let Some(target) = rooms.room(room).map(|r| r.id.clone()) else {
            return Err(no_room(room));
        };
        let own = rooms.assigned_room(me).is_some_and(|r| r.id == target);
        let choose = rooms.options.is_subsession_selection_enabled;
        if !(own || choose || privileged) {
            return Err(ErrorBody::new(
                ErrorCode::SubsessionMismatchUser,
                "you are not assigned to that subsession",
            ));
        }
        if choose && !privileged {
            // unwrap is ok because checked above.
            let m = self.sessions.get_mut(main).expect("main session");
            m.rooms.assign(me, &target);
        }
        self.move_user(now, main, me, &target, MoveReason::JoinSubsession);
        Ok(())
    }

    /// `leaveSubsession`: back to the main session, if the host lets users.
    fn leave_room(
        &mut self,
        now: Instant,
        main: &SessionId,
        sid: &SessionId,
        me: UserId,
        privileged: bool,
    ) -> Result<(), ErrorBody> {
        if sid == main {
            return Err(state_error("you are in the main session"));
        }
        if !self.sessions[main]
            .rooms
            .options
            .is_back_to_main_session_enabled
            && !privileged
        {
            return Err(ErrorBody::new(
                ErrorCode::SubsessionExitRestricted,
                "the host does not let users go back to the main session",
            ));
        }
        self.move_user(now, main, me, main, MoveReason::BackToMainSession);
        Ok(())
    }

    /// `askForHelp`: the host and managers are told; the asker hears back.
    fn ask_for_help(
        &mut self,
        main: &SessionId,
        sid: &SessionId,
        me: UserId,
    ) -> Result<(), ErrorBody> {
        if sid == main {
            return Err(state_error("ask for help from a subsession"));
        }
        // unwrap is ok because `me` is bound to `sid`.
        let s = &self.sessions[sid];
        let u = &s.users[&me];
        let (conn, name) = (u.conn, u.p.display_name.clone());
        let host_here = s.host.is_some_and(|h| s.users.contains_key(&h));
        let room_name = self.sessions[main]
            .rooms
            .room(sid.as_str())
            .map(|r| r.name.clone())
            .unwrap_or_default();
        let helpers: Vec<_> = self
            .group(main)
            .iter()
            .flat_map(|id| self.sessions[id].users.values())
            .filter(|u| (u.p.is_host || u.p.is_manager) && u.p.user_id != me)
            .filter_map(|u| u.conn)
            .collect();
        self.send(
            helpers,
            Event::SubsessionAskForHelp {
                user_id: me,
                display_name: name,
                subsession_name: room_name,
                subsession_id: sid.0.clone(),
            },
        );
        let result = if host_here {
            HelpResponse::AlreadyInRoom
        } else {
            HelpResponse::Received
        };
        self.send_one(conn, Event::SubsessionAskForHelpResponse { result });
        Ok(())
    }

    /// `postponeHelping`: the user who asked hears the host is busy.
    fn postpone_helping(&mut self, main: &SessionId, uid: UserId) -> Result<(), ErrorBody> {
        let room = self.where_is(main, uid).ok_or_else(|| no_user(uid))?;
        let conn = self.sessions[&room].users[&uid].conn;
        self.send_one(
            conn,
            Event::SubsessionAskForHelpResponse {
                result: HelpResponse::Busy,
            },
        );
        Ok(())
    }

    /// `broadcast`: a text to everyone in a subsession.
    fn broadcast_to_rooms(
        &mut self,
        now: Instant,
        main: &SessionId,
        sid: &SessionId,
        me: UserId,
        content: String,
    ) -> Result<(), ErrorBody> {
        if self.sessions[main].rooms.status != SubsessionStatus::InProgress {
            return Err(ErrorBody::new(
                ErrorCode::SubsessionBroadcastDisable,
                "no subsessions are open",
            ));
        }
        if content.is_empty() || content.len() > MAX_SUBSESSION_BROADCAST_BYTES {
            return Err(ErrorBody::new(
                ErrorCode::SubsessionBroadcastInvalidContent,
                format!("a broadcast has 1 to {MAX_SUBSESSION_BROADCAST_BYTES} bytes"),
            ));
        }
        let rate = self.config.chat_rate_per_sec;
        // unwrap is ok because `me` is bound to `sid`.
        let u = self
            .sessions
            .get_mut(sid)
            .and_then(|s| s.users.get_mut(&me))
            .expect("present");
        if !u.chat_window.allow(now, rate) {
            return Err(ErrorBody::new(
                ErrorCode::ChatRateLimited,
                format!("rate limit: at most {rate} messages per second"),
            ));
        }
        let to = self.group_conns(main, true);
        self.send(to, Event::SubsessionBroadcastMessage { message: content });
        Ok(())
    }

    /// Starts the closing countdown (`waitSeconds`; at once when 0).
    fn begin_closing(&mut self, now: Instant, main: &SessionId) {
        // unwrap is ok because callers pass a live main session.
        let m = self.sessions.get_mut(main).expect("main session");
        m.rooms.status = SubsessionStatus::Closing;
        m.rooms.timer_end = None;
        let wait = m.rooms.options.wait_seconds;
        let to = self.group_conns(main, false);
        self.send(to, Event::ClosingSubsessionCountdown { countdown: wait });
        if wait == 0 {
            self.close_rooms(now, main);
            return;
        }
        let at = now + Duration::from_secs(wait.into());
        // unwrap is ok because checked above.
        self.sessions
            .get_mut(main)
            .expect("main session")
            .rooms
            .closing_end = Some(at);
        self.timers.push(at, Timer::Rooms(main.clone()));
    }

    /// Closes every room: its users go back to the main session.
    fn close_rooms(&mut self, now: Instant, main: &SessionId) {
        for room in self.group(main).into_iter().skip(1) {
            let users: Vec<UserId> = self.sessions[&room].users.keys().copied().collect();
            for uid in users {
                self.move_user(now, main, uid, main, MoveReason::BackToMainSession);
            }
            self.sessions.remove(&room);
        }
        if let Some(m) = self.sessions.get_mut(main) {
            m.rooms.status = SubsessionStatus::Closed;
            m.rooms.closing_end = None;
            m.rooms.timer_end = None;
        }
        self.publish_rooms(now, main);
    }

    /// A rooms timer fired at `at`: the timer's end (time up, and closing when the host set
    /// it so), or the closing countdown's end.
    pub(crate) fn rooms_timer(&mut self, now: Instant, main: &SessionId, at: Instant) {
        let Some(m) = self.sessions.get_mut(main) else {
            return;
        };
        if m.rooms.closing_end == Some(at) {
            self.close_rooms(now, main);
        } else if m.rooms.timer_end == Some(at) {
            m.rooms.timer_end = None;
            let auto_close = m.rooms.options.is_timer_auto_enabled;
            let to = self.group_conns(main, false);
            self.send(to, Event::SubsessionTimeUp {});
            if auto_close {
                self.begin_closing(now, main);
            }
            self.publish_rooms(now, main);
        }
    }
}

/// The session of an opened room: the main session's topic, privileges and roles.
fn room_session(m: &Session, r: &Room, chat_history: usize) -> Session {
    let mut s = Session::new(
        r.id.clone(),
        m.topic.clone(),
        m.key.clone(),
        m.started_ms,
        chat_history,
    );
    s.parent = Some(m.id.clone());
    s.passcode = m.passcode.clone();
    s.session_key = m.session_key.clone();
    s.host = m.host;
    s.original_host = m.original_host;
    s.chat_privilege = m.chat_privilege;
    s.share_privilege = m.share_privilege;
    s.rename_allowed = m.rename_allowed;
    s
}
