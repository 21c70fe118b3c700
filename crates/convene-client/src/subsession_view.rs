//! [`SubsessionView`]: what this client knows of the session's subsessions (breakout rooms),
//! kept from the server's `subsession-state`, `subsession-moved` and
//! `subsession-invite-to-join` for the reference's synchronous getters
//! (`getSubsessionList`, `getSubsessionStatus`, `getCurrentSubsession`, `getUserStatus`).

use convene_protocol::{Event, Subsession, SubsessionOptions, SubsessionState, SubsessionStatus};
use serde::{Deserialize, Serialize};

/// Where this user stands with the subsessions (the reference's `SubsessionUserStatus`, its
/// strings). A move is one step here, so the reference's transient `joining` and `leaving`
/// are never reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SubsessionUserStatus {
    /// Neither invited nor moved since the rooms were created.
    #[default]
    #[serde(rename = "initial")]
    Initial,
    /// Invited to one's assigned room (`subsession-invite-to-join`), not in it yet.
    #[serde(rename = "invited")]
    Invited,
    /// In a subsession.
    #[serde(rename = "in room")]
    InSubsession,
    /// Back in the main session after being in a subsession.
    #[serde(rename = "main session")]
    MainSession,
}

/// The room this user is in or invited to (`getCurrentSubsession()`): empty id and name
/// otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrentSubsession {
    /// The subsession's id (`<main session id>~<n>`), `""` when in no room nor invited.
    pub subsession_id: String,
    /// Its name, `""` when in no room nor invited.
    pub subsession_name: String,
    /// Where this user stands.
    pub user_status: SubsessionUserStatus,
}

/// The subsessions as this client last heard of them.
#[derive(Debug, Clone, Default)]
pub(crate) struct SubsessionView {
    /// The last `subsession-state` (none before the first).
    state: Option<SubsessionState>,
    /// The room we are in, and our status.
    current: CurrentSubsession,
}

impl SubsessionView {
    /// Applies a subsession event (others are ignored). Returns the new status when a
    /// `subsession-state` changed it, for the app's `subsession-state-change`.
    pub(crate) fn apply(&mut self, event: &Event) -> Option<SubsessionStatus> {
        match event {
            Event::SubsessionState(s) => {
                let before = self.status();
                let open = matches!(
                    s.status,
                    SubsessionStatus::InProgress | SubsessionStatus::Closing
                );
                let status = self.current.user_status;
                if !open
                    && !self.in_subsession()
                    && (status == SubsessionUserStatus::Invited
                        || s.status == SubsessionStatus::NotStarted)
                {
                    // Closed: an invitation is void; new rooms: a new round starts afresh.
                    self.current = CurrentSubsession {
                        user_status: if s.status == SubsessionStatus::NotStarted {
                            SubsessionUserStatus::Initial
                        } else {
                            SubsessionUserStatus::MainSession
                        },
                        ..CurrentSubsession::default()
                    };
                }
                self.state = Some(s.clone());
                (s.status != before).then_some(s.status)
            }
            Event::SubsessionMoved(m) => {
                self.current = match &m.subsession_id {
                    Some(id) => CurrentSubsession {
                        subsession_id: id.clone(),
                        subsession_name: m.subsession_name.clone(),
                        user_status: SubsessionUserStatus::InSubsession,
                    },
                    None => CurrentSubsession {
                        user_status: SubsessionUserStatus::MainSession,
                        ..CurrentSubsession::default()
                    },
                };
                None
            }
            Event::SubsessionInviteToJoin {
                subsession_id,
                subsession_name,
            } => {
                if !self.in_subsession() {
                    self.current = CurrentSubsession {
                        subsession_id: subsession_id.clone(),
                        subsession_name: subsession_name.clone(),
                        user_status: SubsessionUserStatus::Invited,
                    };
                }
                None
            }
            _ => None,
        }
    }

    /// A failover resumed us in `session_id`: when that is not our room (the room is gone,
    /// e.g. with its node), we are back in the main session.
    pub(crate) fn resumed_in(&mut self, session_id: &str) {
        if self.in_subsession() && self.current.subsession_id != session_id {
            self.current = CurrentSubsession {
                user_status: SubsessionUserStatus::MainSession,
                ..CurrentSubsession::default()
            };
        }
    }

    fn in_subsession(&self) -> bool {
        self.current.user_status == SubsessionUserStatus::InSubsession
    }

    /// `getSubsessionList()`: the rooms (with their user lists for the host and managers).
    pub(crate) fn list(&self) -> Vec<Subsession> {
        self.state
            .as_ref()
            .map(|s| s.subsessions.clone())
            .unwrap_or_default()
    }

    /// `getSubsessionStatus()`.
    pub(crate) fn status(&self) -> SubsessionStatus {
        self.state.as_ref().map(|s| s.status).unwrap_or_default()
    }

    /// `getSubsessionOptions()`: those the rooms were opened with (defaults before).
    pub(crate) fn options(&self) -> SubsessionOptions {
        self.state.as_ref().map(|s| s.options).unwrap_or_default()
    }

    /// `getCurrentSubsession()`.
    pub(crate) fn current(&self) -> CurrentSubsession {
        self.current.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use convene_protocol::{JoinResult, MoveReason, SubsessionMoved, UserId};

    fn state(status: SubsessionStatus, rooms: &[&str]) -> Event {
        Event::SubsessionState(SubsessionState {
            status,
            subsessions: rooms
                .iter()
                .enumerate()
                .map(|(i, name)| Subsession {
                    subsession_id: format!("s~{}", i + 1),
                    subsession_name: (*name).into(),
                    user_list: vec![],
                })
                .collect(),
            options: SubsessionOptions {
                wait_seconds: 5,
                ..SubsessionOptions::default()
            },
            time_left: None,
        })
    }

    fn moved(to: Option<(&str, &str)>) -> Event {
        Event::SubsessionMoved(Box::new(SubsessionMoved {
            reason: if to.is_some() {
                MoveReason::MoveToSubsession
            } else {
                MoveReason::BackToMainSession
            },
            subsession_id: to.map(|(id, _)| id.into()),
            subsession_name: to.map(|(_, n)| n.into()).unwrap_or_default(),
            session: JoinResult {
                session_id: to.map_or("s", |(id, _)| id).into(),
                topic: "t".into(),
                user_id: UserId(2),
                password: String::new(),
                is_original_host: false,
                users: vec![],
                chat_privilege: convene_protocol::ChatPrivilege::All,
                share_privilege: convene_protocol::SharePrivilege::Unlocked,
                rename_allowed: true,
                resume_token: "r".into(),
                recording: Default::default(),
                live_stream: Default::default(),
                can_record: false,
            },
        }))
    }

    #[test]
    fn before_any_room_everything_is_initial() {
        let v = SubsessionView::default();
        assert_eq!(v.status(), SubsessionStatus::NotStarted);
        assert!(v.list().is_empty());
        assert_eq!(v.options(), SubsessionOptions::default());
        assert_eq!(v.current(), CurrentSubsession::default());
    }

    #[test]
    fn a_user_is_invited_moved_in_and_back() {
        let mut v = SubsessionView::default();
        assert_eq!(
            v.apply(&state(SubsessionStatus::NotStarted, &["A", "B"])),
            None
        );
        assert_eq!(
            v.apply(&state(SubsessionStatus::InProgress, &["A", "B"])),
            Some(SubsessionStatus::InProgress),
            "a status change is reported once"
        );
        assert_eq!(
            v.apply(&state(SubsessionStatus::InProgress, &["A", "B"])),
            None
        );
        assert_eq!(v.list()[1].subsession_name, "B");
        assert_eq!(v.options().wait_seconds, 5);
        v.apply(&Event::SubsessionInviteToJoin {
            subsession_id: "s~1".into(),
            subsession_name: "A".into(),
        });
        assert_eq!(v.current().user_status, SubsessionUserStatus::Invited);
        assert_eq!(v.current().subsession_id, "s~1", "the room invited to");
        v.apply(&moved(Some(("s~1", "A"))));
        assert_eq!(
            v.current(),
            CurrentSubsession {
                subsession_id: "s~1".into(),
                subsession_name: "A".into(),
                user_status: SubsessionUserStatus::InSubsession,
            }
        );
        v.apply(&moved(None));
        assert_eq!(v.current().subsession_id, "");
        assert_eq!(v.current().user_status, SubsessionUserStatus::MainSession);
        assert_eq!(
            v.apply(&state(SubsessionStatus::NotStarted, &["C"])),
            Some(SubsessionStatus::NotStarted)
        );
        assert_eq!(v.current().user_status, SubsessionUserStatus::Initial);
        assert_eq!(
            serde_json::to_value(SubsessionUserStatus::InSubsession).unwrap(),
            "in room"
        );
    }

    #[test]
    fn closing_voids_an_invitation_and_a_lost_room_means_the_main_session() {
        let mut v = SubsessionView::default();
        v.apply(&state(SubsessionStatus::InProgress, &["A"]));
        v.apply(&Event::SubsessionInviteToJoin {
            subsession_id: "s~1".into(),
            subsession_name: "A".into(),
        });
        v.apply(&state(SubsessionStatus::Closed, &["A"]));
        assert_eq!(v.current().subsession_id, "");
        assert_eq!(v.current().user_status, SubsessionUserStatus::MainSession);

        v.apply(&moved(Some(("s~1", "A"))));
        v.resumed_in("s~1");
        assert_eq!(v.current().user_status, SubsessionUserStatus::InSubsession);
        v.resumed_in("s");
        assert_eq!(v.current().subsession_id, "");
        assert_eq!(v.current().user_status, SubsessionUserStatus::MainSession);
    }
}
