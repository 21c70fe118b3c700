//! [`LocalState`]: the client's copy of the session, kept correct from the server's events.
//!
//! Pure data with no I/O, so every rule here is unit tested without a server. Owned by the
//! sans-IO [`crate::client_core::ClientCore`], the only writer; the getters of
//! [`crate::Client`] read it.

use crate::subsession_view::SubsessionView;
use convene_protocol::{
    user_list_diff, ChatPrivilege, ConnectionState, Event, JoinResult, Participant, SessionId,
    SharePrivilege, SubsessionStatus, UserId,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The session as `getSessionInfo()` reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    /// Topic as the session's starter gave it.
    pub topic: String,
    /// Session passcode (`""` when none).
    pub password: String,
    /// Our display name.
    pub user_name: String,
    /// Our user id (0 when not in a session).
    pub user_id: UserId,
    /// Connected to a session right now (false before join, after leave and while
    /// reconnecting).
    pub is_in_meeting: bool,
    /// Id of this session instance (`""` when not in a session).
    pub session_id: SessionId,
}

/// What we know of the session we are in.
#[derive(Debug, Clone)]
struct Joined {
    session_id: SessionId,
    topic: String,
    password: String,
    me: UserId,
    is_original_host: bool,
    chat_privilege: ChatPrivilege,
    share_privilege: SharePrivilege,
    resume_token: String,
    /// Keyed by id; ids grow with join order, so this is also join order.
    users: BTreeMap<UserId, Participant>,
}

/// The client's local view of its session.
#[derive(Debug, Clone, Default)]
pub(crate) struct LocalState {
    joined: Option<Joined>,
    /// False while reconnecting.
    connected: bool,
    /// The subsessions; kept across a room move and a resume, forgotten with the session.
    rooms: SubsessionView,
}

impl LocalState {
    /// Takes the whole session from a `join` reply.
    pub(crate) fn install(&mut self, r: JoinResult) {
        self.joined = Some(Joined {
            session_id: r.session_id,
            topic: r.topic,
            password: r.password,
            me: r.user_id,
            is_original_host: r.is_original_host,
            chat_privilege: r.chat_privilege,
            share_privilege: r.share_privilege,
            resume_token: r.resume_token,
            users: r.users.into_iter().map(|p| (p.user_id, p)).collect(),
        });
        self.connected = true;
    }

    /// Takes the session from a `resume` reply, or the room from a `subsession-moved`
    /// (its id, users, privileges and resume token replace the old room's), returning the
    /// user-list events that turn the old list into the new one (what happened while we were
    /// away, or who is left behind and who is met), so that an app that keeps its own list
    /// from events stays right.
    pub(crate) fn resume(&mut self, r: JoinResult) -> Vec<Event> {
        let old: Vec<Participant> = self
            .joined
            .take()
            .map(|j| j.users.into_values().collect())
            .unwrap_or_default();
        let new = r.users.clone();
        self.install(r);
        user_list_diff(&old, &new)
    }

    /// After a failover's resume: when it did not land in our room (the room is gone, e.g.
    /// with its node), we are back in the main session.
    pub(crate) fn check_room_after_resume(&mut self) {
        if let Some(j) = &self.joined {
            self.rooms.resumed_in(j.session_id.as_str());
        }
    }

    /// Forgets the session (left, removed, ended, failover gave up).
    pub(crate) fn clear(&mut self) {
        self.joined = None;
        self.connected = false;
        self.rooms = SubsessionView::default();
    }

    /// Marks the connection lost or restored without touching the session data.
    pub(crate) fn set_connected(&mut self, connected: bool) {
        self.connected = connected;
    }

    /// Applies a server event. Call before delivering the event to the app. Returns the
    /// subsessions' new status when the event changed it.
    pub(crate) fn apply(&mut self, event: &Event) -> Option<SubsessionStatus> {
        if let Event::ConnectionChange {
            state: ConnectionState::Closed | ConnectionState::Fail,
            ..
        } = event
        {
            self.clear();
            return None;
        }
        let j = self.joined.as_mut()?;
        match event {
            Event::UserAdded(users) => {
                for p in users {
                    j.users.insert(p.user_id, p.clone());
                }
            }
            Event::UserUpdated(deltas) => {
                for d in deltas {
                    if let Some(p) = j.users.get_mut(&d.user_id) {
                        p.apply(d);
                    }
                }
            }
            Event::UserRemoved(gone) => {
                for d in gone {
                    j.users.remove(&d.user_id);
                }
            }
            Event::ChatPrivilegeChange { chat_privilege } => j.chat_privilege = *chat_privilege,
            Event::SharePrivilegeChange { privilege } => j.share_privilege = *privilege,
            _ => return self.rooms.apply(event),
        }
        None
    }

    /// The subsessions as last heard of.
    pub(crate) fn rooms(&self) -> &SubsessionView {
        &self.rooms
    }

    /// In a session (connected or reconnecting).
    #[cfg(test)]
    pub(crate) fn in_session(&self) -> bool {
        self.joined.is_some()
    }

    /// What `resume` needs: session id, our id, the resume token.
    pub(crate) fn resume_params(&self) -> Option<convene_protocol::ResumeParams> {
        self.joined
            .as_ref()
            .map(|j| convene_protocol::ResumeParams {
                session_id: j.session_id.clone(),
                user_id: j.me,
                resume_token: j.resume_token.clone(),
            })
    }

    pub(crate) fn all_users(&self) -> Vec<Participant> {
        self.joined
            .as_ref()
            .map(|j| j.users.values().cloned().collect())
            .unwrap_or_default()
    }

    pub(crate) fn user(&self, id: UserId) -> Option<Participant> {
        self.joined.as_ref()?.users.get(&id).cloned()
    }

    pub(crate) fn me(&self) -> Option<Participant> {
        let j = self.joined.as_ref()?;
        j.users.get(&j.me).cloned()
    }

    pub(crate) fn host(&self) -> Option<Participant> {
        self.joined
            .as_ref()?
            .users
            .values()
            .find(|p| p.is_host)
            .cloned()
    }

    pub(crate) fn session_info(&self) -> SessionInfo {
        let Some(j) = self.joined.as_ref() else {
            return SessionInfo::default();
        };
        SessionInfo {
            topic: j.topic.clone(),
            password: j.password.clone(),
            user_name: j
                .users
                .get(&j.me)
                .map(|p| p.display_name.clone())
                .unwrap_or_default(),
            user_id: j.me,
            is_in_meeting: self.connected,
            session_id: j.session_id.clone(),
        }
    }

    pub(crate) fn is_original_host(&self) -> bool {
        self.joined.as_ref().is_some_and(|j| j.is_original_host)
    }

    pub(crate) fn chat_privilege(&self) -> Option<ChatPrivilege> {
        self.joined.as_ref().map(|j| j.chat_privilege)
    }

    pub(crate) fn share_privilege(&self) -> Option<SharePrivilege> {
        self.joined.as_ref().map(|j| j.share_privilege)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use convene_protocol::ParticipantUpdate;

    pub(crate) fn user(id: u32, name: &str) -> Participant {
        Participant::new(UserId(id), name)
    }

    fn joined(me: u32, users: Vec<Participant>) -> JoinResult {
        JoinResult {
            session_id: "s-1".into(),
            topic: "Daily".into(),
            user_id: UserId(me),
            password: "pw".into(),
            is_original_host: true,
            users,
            chat_privilege: ChatPrivilege::All,
            share_privilege: SharePrivilege::Unlocked,
            rename_allowed: true,
            resume_token: "rt".into(),
            recording: Default::default(),
            live_stream: Default::default(),
            can_record: false,
        }
    }

    fn host(id: u32, name: &str) -> Participant {
        Participant {
            is_host: true,
            ..user(id, name)
        }
    }

    #[test]
    fn empty_before_join() {
        let s = LocalState::default();
        assert!(s.all_users().is_empty());
        assert_eq!(s.me(), None);
        assert_eq!(s.host(), None);
        assert_eq!(s.session_info(), SessionInfo::default());
        assert!(!s.session_info().is_in_meeting);
        assert!(s.resume_params().is_none());
    }

    #[test]
    fn join_result_fills_the_getters() {
        let mut s = LocalState::default();
        s.install(joined(1, vec![host(1, "Ann"), user(2, "Bob")]));
        let info = s.session_info();
        assert_eq!(info.user_id, UserId(1));
        assert_eq!(info.user_name, "Ann");
        assert_eq!(info.topic, "Daily");
        assert_eq!(info.password, "pw");
        assert_eq!(info.session_id, "s-1");
        assert!(info.is_in_meeting);
        assert_eq!(s.me().unwrap().display_name, "Ann");
        assert_eq!(s.host().unwrap().user_id, UserId(1));
        assert!(s.is_original_host());
        assert_eq!(s.all_users().len(), 2);
        let v = serde_json::to_value(&info).unwrap();
        assert_eq!(v["isInMeeting"], true);
        assert_eq!(v["userName"], "Ann");
        assert_eq!(v["sessionId"], "s-1");
    }

    #[test]
    fn events_keep_the_list_right() {
        let mut s = LocalState::default();
        s.install(joined(2, vec![host(1, "Ann"), user(2, "Bob")]));
        s.apply(&Event::UserAdded(vec![user(3, "Cy"), user(4, "Di")]));
        assert_eq!(s.all_users().len(), 4);
        s.apply(&Event::UserUpdated(vec![
            ParticipantUpdate {
                is_host: Some(false),
                is_manager: Some(true),
                ..ParticipantUpdate::new(UserId(1))
            },
            ParticipantUpdate {
                is_host: Some(true),
                display_name: Some("Bobby".into()),
                ..ParticipantUpdate::new(UserId(2))
            },
            // An unknown id is ignored, not a panic.
            ParticipantUpdate {
                is_host: Some(true),
                ..ParticipantUpdate::new(UserId(99))
            },
        ]));
        assert_eq!(s.host().unwrap().user_id, UserId(2));
        assert!(s.me().unwrap().is_host);
        assert!(s.user(UserId(1)).unwrap().is_manager);
        assert_eq!(s.session_info().user_name, "Bobby");
        s.apply(&Event::UserRemoved(vec![ParticipantUpdate::new(UserId(3))]));
        let ids: Vec<u32> = s.all_users().iter().map(|p| p.user_id.0).collect();
        assert_eq!(ids, vec![1, 2, 4]);
        s.apply(&Event::ChatPrivilegeChange {
            chat_privilege: ChatPrivilege::NoOne,
        });
        assert_eq!(s.chat_privilege(), Some(ChatPrivilege::NoOne));
        s.apply(&Event::SharePrivilegeChange {
            privilege: SharePrivilege::Locked,
        });
        assert_eq!(s.share_privilege(), Some(SharePrivilege::Locked));
    }

    #[test]
    fn closed_clears_the_session() {
        let mut s = LocalState::default();
        s.install(joined(1, vec![host(1, "Ann")]));
        s.apply(&Event::ConnectionChange {
            state: ConnectionState::Closed,
            reason: Some("kicked by host".into()),
            subsession_name: None,
        });
        assert!(!s.in_session());
        assert!(s.all_users().is_empty());
        assert!(!s.session_info().is_in_meeting);
        // Events after the end change nothing.
        s.apply(&Event::UserAdded(vec![user(5, "Ed")]));
        assert!(s.all_users().is_empty());
    }

    #[test]
    fn resume_reports_what_changed_while_away() {
        let mut s = LocalState::default();
        s.install(joined(
            2,
            vec![host(1, "Ann"), user(2, "Bob"), user(3, "Cy")],
        ));
        s.set_connected(false);
        assert!(!s.session_info().is_in_meeting);
        let mut bob = user(2, "Bob");
        bob.is_host = true;
        let events = s.resume(joined(2, vec![bob, user(3, "Cy"), user(4, "Di")]));
        assert!(s.session_info().is_in_meeting);
        assert_eq!(
            events,
            vec![
                Event::UserRemoved(vec![ParticipantUpdate {
                    display_name: Some("Ann".into()),
                    ..ParticipantUpdate::new(UserId(1))
                }]),
                Event::UserAdded(vec![user(4, "Di")]),
                Event::UserUpdated(vec![ParticipantUpdate {
                    is_host: Some(true),
                    ..ParticipantUpdate::new(UserId(2))
                }]),
            ]
        );
        assert_eq!(s.host().unwrap().user_id, UserId(2));
    }
}
