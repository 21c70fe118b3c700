//! Subsessions, breakout rooms (the reference's `client.getSubsessionClient()`), as methods
//! of [`Client`]: the host or a manager creates, opens, fills and closes rooms; users join
//! and leave them. Moving is the server's decision: the client hears `subsession-moved` and
//! takes the new room as after a join (`connection-change` `Reconnecting` with the reason,
//! the user list's difference, the media peer rebuilt, `Connected`). The getters answer from
//! the last `subsession-state` without the server. Rules and codes: `docs/subsessions.md`.

use crate::subsession_view::CurrentSubsession;
use crate::{Client, ClientError, SubsessionUserStatus};
use convene_protocol::{
    AllocationPattern, ClientMsg, OpenSubsessions, Subsession, SubsessionNames, SubsessionOptions,
    SubsessionState, SubsessionStatus, SubsessionTarget, TargetParams, UserId,
};

impl Client {
    /// Host/manager: creates rooms, not open yet: `data` is a count, a name or names (1–100
    /// rooms, 7501 beyond); `Automatically` spreads the main session's users over them.
    /// Replaces rooms not yet opened; 7504 while open or closing. Returns the rooms.
    pub async fn create_subsessions(
        &self,
        data: SubsessionNames,
        pattern: AllocationPattern,
    ) -> Result<Vec<Subsession>, ClientError> {
        self.call(ClientMsg::CreateSubsessions { data, pattern })
            .await
    }

    /// Host/manager: opens the created rooms in `subsessions` (with their names and assigned
    /// users; others are dropped). Assigned users in the main session are moved in
    /// (`is_auto_join_subsession`) or invited.
    pub async fn open_subsessions(
        &self,
        subsessions: Vec<Subsession>,
        options: SubsessionOptions,
    ) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::OpenSubsessions(OpenSubsessions {
            subsessions,
            options,
        }))
        .await
    }

    /// Goes into a room: one's assigned room, any with selection enabled, any for the host
    /// and managers (else 7503); 7502 for an unknown one.
    pub async fn join_subsession(&self, subsession_id: &str) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::JoinSubsession {
            subsession_id: subsession_id.to_owned(),
        })
        .await
    }

    /// Goes back to the main session from a room (7505 when the host forbade it).
    pub async fn leave_subsession(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::LeaveSubsession).await
    }

    /// From a room: asks the host and managers for help; the answer comes as
    /// `subsession-ask-for-help-response`.
    pub async fn ask_for_help(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::AskForHelp).await
    }

    /// Host/manager: tells `user_id`, who asked for help, to wait (Busy).
    pub async fn postpone_helping(&self, user_id: UserId) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::PostponeHelping(TargetParams { user_id }))
            .await
    }

    /// Host/manager: a text (1–1024 bytes, else 7507) to everyone in a room, while the rooms
    /// are open (else 7506). The reference's `broadcast`.
    pub async fn subsession_broadcast(&self, content: &str) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::SubsessionBroadcast {
            content: content.to_owned(),
        })
        .await
    }

    /// Host/manager: assigns `user_id` to a room; once the rooms are open, also invites (or
    /// moves, with auto-join) the user if in the main session.
    pub async fn assign_user_to_subsession(
        &self,
        user_id: UserId,
        target_subsession_id: &str,
    ) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::AssignUserToSubsession(SubsessionTarget {
            user_id,
            target_subsession_id: target_subsession_id.to_owned(),
        }))
        .await
    }

    /// Host/manager: moves `user_id` into a room now (rooms open), from the main session or
    /// another room.
    pub async fn move_user_to_subsession(
        &self,
        user_id: UserId,
        target_subsession_id: &str,
    ) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::MoveUserToSubsession(SubsessionTarget {
            user_id,
            target_subsession_id: target_subsession_id.to_owned(),
        }))
        .await
    }

    /// Host/manager: closes every room after the `wait_seconds` countdown; everyone still in
    /// one is then moved back.
    pub async fn close_all_subsessions(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::CloseAllSubsessions).await
    }

    /// Host/manager: moves `user_id` back from a room to the main session.
    pub async fn move_back_to_main_session(&self, user_id: UserId) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::MoveBackToMainSession(TargetParams { user_id }))
            .await
    }

    /// Host: speak into every room (not supported by Convene: 7508).
    pub async fn start_broadcast_voice(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::StartBroadcastVoice).await
    }

    /// Host: stop speaking into every room (7508).
    pub async fn stop_broadcast_voice(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::StopBroadcastVoice).await
    }

    /// The subsessions as the server sees them for this user (`subsession.getState`).
    pub async fn subsession_state(&self) -> Result<SubsessionState, ClientError> {
        self.call(ClientMsg::GetSubsessionState).await
    }

    // ---- local state (the last `subsession-state`, answered without the server) ---------

    /// The rooms (`getSubsessionList()`), with their user lists for the host and managers.
    pub fn get_subsession_list(&self) -> Vec<Subsession> {
        self.read_state(|s| s.rooms().list())
    }

    /// The rooms' status (`getSubsessionStatus()`): NotStarted before any.
    pub fn get_subsession_status(&self) -> SubsessionStatus {
        self.read_state(|s| s.rooms().status())
    }

    /// The options the rooms were opened with (`getSubsessionOptions()`).
    pub fn get_subsession_options(&self) -> SubsessionOptions {
        self.read_state(|s| s.rooms().options())
    }

    /// The room this user is in (`getCurrentSubsession()`): empty id and name in the main
    /// session.
    pub fn get_current_subsession(&self) -> CurrentSubsession {
        self.read_state(|s| s.rooms().current())
    }

    /// Where this user stands with the rooms (`getUserStatus()`).
    pub fn get_user_status(&self) -> SubsessionUserStatus {
        self.get_current_subsession().user_status
    }
}
