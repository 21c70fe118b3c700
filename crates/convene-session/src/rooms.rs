//! A main session's subsessions (breakout rooms, `docs/subsessions.md`): their state, held by
//! the main session. While they are open each room is also a [`crate::session::Session`] of
//! its own in the core (its id `<main id>~<n>`, its `parent` the main session), so user
//! lists, chat, share and media are scoped by the same code that scopes sessions.

use convene_protocol::{
    SessionId, Subsession, SubsessionOptions, SubsessionState, SubsessionStatus, SubsessionUser,
    UserId,
};
use std::collections::BTreeSet;
use std::time::Instant;

/// How a room's user list is made (see [`Rooms::state`]).
pub(crate) type RoomUsers<'a> = &'a dyn Fn(&Room) -> Vec<SubsessionUser>;

/// One room.
#[derive(Debug, Clone)]
pub(crate) struct Room {
    /// Its id, also the id of its session while open.
    pub(crate) id: SessionId,
    pub(crate) name: String,
    /// The users assigned to it (each user to at most one room).
    pub(crate) assigned: BTreeSet<UserId>,
}

/// The subsessions of a main session.
#[derive(Debug, Default)]
pub(crate) struct Rooms {
    pub(crate) status: SubsessionStatus,
    pub(crate) rooms: Vec<Room>,
    pub(crate) options: SubsessionOptions,
    /// The number of the last room created: ids are never reused within a session.
    pub(crate) last_number: u32,
    /// When the timer ends, while it runs.
    pub(crate) timer_end: Option<Instant>,
    /// When the closing countdown ends, while closing.
    pub(crate) closing_end: Option<Instant>,
    /// The state last sent to users who are neither host nor manager (sent again only when
    /// it differs).
    pub(crate) last_public: Option<SubsessionState>,
}

impl Rooms {
    /// Open or closing: the rooms' sessions exist.
    pub(crate) fn is_open(&self) -> bool {
        matches!(
            self.status,
            SubsessionStatus::InProgress | SubsessionStatus::Closing
        )
    }

    pub(crate) fn room(&self, id: &str) -> Option<&Room> {
        self.rooms.iter().find(|r| r.id == id)
    }

    /// The room `uid` is assigned to.
    pub(crate) fn assigned_room(&self, uid: UserId) -> Option<&Room> {
        self.rooms.iter().find(|r| r.assigned.contains(&uid))
    }

    /// Assigns `uid` to room `id` (and to no other).
    pub(crate) fn assign(&mut self, uid: UserId, id: &SessionId) {
        for r in &mut self.rooms {
            if r.id == *id {
                r.assigned.insert(uid);
            } else {
                r.assigned.remove(&uid);
            }
        }
    }

    /// The state as a user sees it: with `lists` (host, managers), each room's users: those
    /// assigned, with whether they are in it now (`present`: the room's users, name first).
    pub(crate) fn state(&self, now: Instant, lists: Option<RoomUsers<'_>>) -> SubsessionState {
        SubsessionState {
            status: self.status,
            subsessions: self
                .rooms
                .iter()
                .map(|r| Subsession {
                    subsession_id: r.id.0.clone(),
                    subsession_name: r.name.clone(),
                    user_list: lists.map(|f| f(r)).unwrap_or_default(),
                })
                .collect(),
            options: self.options,
            time_left: self
                .timer_end
                .filter(|_| self.status == SubsessionStatus::InProgress)
                .map(|t| t.saturating_duration_since(now).as_secs() as u32),
        }
    }
}
