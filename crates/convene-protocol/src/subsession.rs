//! Subsessions (breakout rooms) on the wire: their state, options, requests' parameters and
//! the events that move a user between rooms. Names and numbers are the reference SDK's
//! (`SubsessionClient`, `SubsessionStatus`, `SubsessionOption`).

use crate::{ErrorBody, ErrorCode, JoinResult, UserId};
use serde::{Deserialize, Serialize};

/// At most this many subsessions in a session (more: 7501).
pub const MAX_SUBSESSIONS: usize = 100;
/// A subsession's name: at most this many characters.
pub const MAX_SUBSESSION_NAME_CHARS: usize = 100;
/// A broadcast message: at most this many bytes (more: 7507).
pub const MAX_SUBSESSION_BROADCAST_BYTES: usize = 1024;
/// `timerDuration` and `waitSeconds` are capped at this many seconds (a day).
pub const MAX_SUBSESSION_SECONDS: u32 = 86_400;

/// The subsessions' state (the reference's `SubsessionStatus`, numbers).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum SubsessionStatus {
    /// None created, or created and not opened yet (1).
    #[default]
    NotStarted,
    /// Open: users are in them or invited (2).
    InProgress,
    /// Closing: the countdown before everyone is back in the main session runs (3).
    Closing,
    /// Closed: everyone is back; new ones may be created (4).
    Closed,
}

crate::number::wire_number!(SubsessionStatus, "subsession status", {
    NotStarted = 1,
    InProgress = 2,
    Closing = 3,
    Closed = 4,
});

/// How `createSubsessions` fills the rooms (`SubsessionAllocationPattern`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum AllocationPattern {
    /// The main session's users (host and managers aside) spread evenly (1).
    Automatically,
    /// Empty rooms; the host assigns (2).
    #[default]
    Manually,
}

crate::number::wire_number!(AllocationPattern, "allocation pattern", {
    Automatically = 1,
    Manually = 2,
});

/// `createSubsessions`' `data`: a count, one name, or names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SubsessionNames {
    /// `n` rooms named "Subsession 1" … "Subsession n".
    Count(u32),
    /// One room.
    One(String),
    /// One room per name.
    Many(Vec<String>),
}

impl SubsessionNames {
    /// The room names, checked: 1–[`MAX_SUBSESSIONS`] rooms (7501 beyond), each name 1–100
    /// characters after trimming (4003 otherwise).
    pub fn names(&self) -> Result<Vec<String>, ErrorBody> {
        let names = match self {
            SubsessionNames::Count(n) => {
                let n = (*n as usize).min(MAX_SUBSESSIONS + 1);
                (1..=n).map(|i| format!("Subsession {i}")).collect()
            }
            SubsessionNames::One(s) => vec![s.trim().to_owned()],
            SubsessionNames::Many(v) => v.iter().map(|s| s.trim().to_owned()).collect(),
        };
        if names.len() > MAX_SUBSESSIONS {
            return Err(ErrorBody::new(
                ErrorCode::SubsessionExceedCapacity,
                format!("at most {MAX_SUBSESSIONS} subsessions"),
            ));
        }
        if names.is_empty() {
            return Err(ErrorBody::new(
                ErrorCode::InvalidParameter,
                "create at least one subsession",
            ));
        }
        if let Some(bad) = names
            .iter()
            .find(|n| n.is_empty() || n.chars().count() > MAX_SUBSESSION_NAME_CHARS)
        {
            return Err(ErrorBody::new(
                ErrorCode::InvalidParameter,
                format!("a subsession name has 1 to {MAX_SUBSESSION_NAME_CHARS} characters, not {bad:?}"),
            ));
        }
        Ok(names)
    }
}

/// `openSubsessions` options (`SubsessionOption`); absent fields take the reference's
/// defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubsessionOptions {
    /// Assigned users are moved in at once instead of invited (default false).
    pub is_auto_join_subsession: bool,
    /// Users may go back to the main session by themselves (default true).
    pub is_back_to_main_session_enabled: bool,
    /// A timer runs (default false).
    pub is_timer_enabled: bool,
    /// The timer, in seconds (default 1800).
    pub timer_duration: u32,
    /// The subsessions close by themselves when the timer ends (default false).
    pub is_timer_auto_enabled: bool,
    /// The closing countdown, in seconds (default 60).
    pub wait_seconds: u32,
    /// Users still in a subsession when it closes are moved back to the main session
    /// (default true; Convene always moves them back, as there is nowhere else to be).
    pub is_auto_move_back_to_main_session: bool,
    /// Users may pick any subsession, not only their assigned one (default false).
    pub is_subsession_selection_enabled: bool,
}

impl Default for SubsessionOptions {
    fn default() -> Self {
        SubsessionOptions {
            is_auto_join_subsession: false,
            is_back_to_main_session_enabled: true,
            is_timer_enabled: false,
            timer_duration: 1800,
            is_timer_auto_enabled: false,
            wait_seconds: 60,
            is_auto_move_back_to_main_session: true,
            is_subsession_selection_enabled: false,
        }
    }
}

impl SubsessionOptions {
    /// The options with durations capped at [`MAX_SUBSESSION_SECONDS`].
    pub fn bounded(mut self) -> Self {
        self.timer_duration = self.timer_duration.min(MAX_SUBSESSION_SECONDS);
        self.wait_seconds = self.wait_seconds.min(MAX_SUBSESSION_SECONDS);
        self
    }
}

/// A user in a subsession's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubsessionUser {
    /// User id (the same in every room of the session).
    pub user_id: UserId,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// In the subsession now (else only assigned to it).
    #[serde(default)]
    pub is_in_subsession: bool,
}

/// One subsession (`Subsession`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subsession {
    /// Its id.
    pub subsession_id: String,
    /// Its name.
    #[serde(default)]
    pub subsession_name: String,
    /// Its assigned users and those in it (empty for users who are neither host nor
    /// manager, except in `openSubsessions`' parameters, where it is the assignment).
    #[serde(default)]
    pub user_list: Vec<SubsessionUser>,
}

/// The subsessions as a user sees them (`subsession-state`, `subsession.getState`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubsessionState {
    /// Their state.
    pub status: SubsessionStatus,
    /// The rooms.
    pub subsessions: Vec<Subsession>,
    /// The options they were opened with (defaults before).
    pub options: SubsessionOptions,
    /// Seconds left on the timer, when one runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_left: Option<u32>,
}

/// `openSubsessions` parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenSubsessions {
    /// The rooms to open (of those created) with their names and assigned users.
    pub subsessions: Vec<Subsession>,
    /// The options.
    #[serde(default)]
    pub options: SubsessionOptions,
}

/// Why a user changed rooms (the reference's `ReconnectReason` values, [`MoveReason::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum MoveReason {
    /// The user joined a subsession itself.
    JoinSubsession,
    /// The host or a manager moved the user (`moveUserToSubsession`, or an assignment with
    /// auto-join).
    MoveToSubsession,
    /// Back in the main session (left, moved back, or the subsessions closed).
    BackToMainSession,
}

impl MoveReason {
    /// The wire text, which the SDKs also give as `connection-change`'s reason.
    pub fn as_str(self) -> &'static str {
        match self {
            MoveReason::JoinSubsession => "join breakout room",
            MoveReason::MoveToSubsession => "move to breakout room",
            MoveReason::BackToMainSession => "back to main session",
        }
    }
}

impl From<MoveReason> for &'static str {
    fn from(r: MoveReason) -> &'static str {
        r.as_str()
    }
}

impl TryFrom<String> for MoveReason {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        [
            MoveReason::JoinSubsession,
            MoveReason::MoveToSubsession,
            MoveReason::BackToMainSession,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
        .ok_or_else(|| format!("unknown move reason {s:?}"))
    }
}

/// `subsession-moved`: you are now in another room of the session. The SDKs rebuild their
/// view (user list, media) from `session` as after a join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubsessionMoved {
    /// Why.
    pub reason: MoveReason,
    /// The subsession now, absent in the main session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subsession_id: Option<String>,
    /// Its name ('' in the main session).
    #[serde(default)]
    pub subsession_name: String,
    /// The room as a join reply gives it (its `sessionId` is the room's: resume with it).
    pub session: JoinResult,
}

/// The answer to `askForHelp` (`AskHostHelpResponse`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum HelpResponse {
    /// The host and managers were told (0).
    Received,
    /// The host is busy: asked again later (1).
    Busy,
    /// Ignored (2).
    Ignore,
    /// The host is already in your subsession (3).
    AlreadyInRoom,
}

crate::number::wire_number!(HelpResponse, "help response", {
    Received = 0,
    Busy = 1,
    Ignore = 2,
    AlreadyInRoom = 3,
});

/// A user and a subsession (`assignUserToSubsession`, `moveUserToSubsession`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubsessionTarget {
    /// The user.
    pub user_id: UserId,
    /// The room.
    pub target_subsession_id: String,
}
