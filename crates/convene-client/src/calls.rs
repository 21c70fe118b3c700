//! The session methods that are one request each (`changeName`, `removeUser`, `chat.send`,
//! ...), with the browser SDK's names in snake case.

use crate::{Client, ClientError};
use convene_protocol::{
    ChatMessage, ChatPrivilege, ClientMsg, CommandChannelMsg, Participant, SharePrivilege,
    TargetOpt, TargetParams, UserId,
};
use serde::de::DeserializeOwned;

impl Client {
    pub(crate) async fn call<T: DeserializeOwned>(&self, msg: ClientMsg) -> Result<T, ClientError> {
        let method = msg.method();
        let v = self.request(msg).await?;
        serde_json::from_value(v)
            .map_err(|e| ClientError::Protocol(format!("{method} result: {e}")))
    }

    pub(crate) async fn call_unit(&self, msg: ClientMsg) -> Result<(), ClientError> {
        self.request(msg).await.map(drop)
    }

    /// The server's user list (`getAllUser` on the wire). Apps use [`Client::get_all_user`];
    /// this is for checking the local list against the server.
    pub async fn fetch_all_users(&self) -> Result<Vec<Participant>, ClientError> {
        self.call(ClientMsg::GetAllUser).await
    }

    /// Renames ourselves (`user_id: None`) or, as host or manager, another user.
    pub async fn change_name(
        &self,
        name: &str,
        user_id: Option<UserId>,
    ) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::ChangeName {
            name: name.to_string(),
            user_id,
        })
        .await
    }

    /// Host/manager: allow or forbid participants to rename themselves.
    pub async fn allow_participants_to_rename(&self, allowed: bool) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::AllowParticipantsToRename { allowed })
            .await
    }

    /// Joins computer audio, muted when `mute`.
    pub async fn start_audio(&self, mute: bool) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::StartAudio {
            mute,
            speaker_only: false,
        })
        .await
    }

    /// Leaves computer audio.
    pub async fn stop_audio(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::StopAudio).await
    }

    /// Mutes ourselves (`None`) or, as host or manager, another user.
    pub async fn mute_audio(&self, user_id: Option<UserId>) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::MuteAudio(TargetOpt { user_id }))
            .await
    }

    /// Unmutes ourselves (`None`) or, as host or manager, asks another user to unmute.
    pub async fn unmute_audio(&self, user_id: Option<UserId>) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::UnmuteAudio(TargetOpt { user_id }))
            .await
    }

    /// Host/manager: mutes everyone else.
    pub async fn mute_all_audio(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::MuteAllAudio).await
    }

    /// Host/manager: asks everyone muted to unmute.
    pub async fn unmute_all_audio(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::UnmuteAllAudio).await
    }

    /// Camera on.
    pub async fn start_video(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::StartVideo).await
    }

    /// Camera off.
    pub async fn stop_video(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::StopVideo).await
    }

    /// Starts sharing the screen (checked against the share privilege).
    pub async fn start_share_screen(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::StartShareScreen).await
    }

    /// Stops sharing.
    pub async fn stop_share_screen(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::StopShareScreen).await
    }

    /// Host: hands the host role to `user_id`.
    pub async fn make_host(&self, user_id: UserId) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::MakeHost(TargetParams { user_id }))
            .await
    }

    /// Host: makes `user_id` a manager.
    pub async fn make_manager(&self, user_id: UserId) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::MakeManager(TargetParams { user_id }))
            .await
    }

    /// Host: revokes `user_id`'s manager role.
    pub async fn revoke_manager(&self, user_id: UserId) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::RevokeManager(TargetParams { user_id }))
            .await
    }

    /// Original host: takes the host role back.
    pub async fn reclaim_host(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::ReclaimHost).await
    }

    /// Host/manager: removes `user_id`, who cannot rejoin this session instance.
    pub async fn remove_user(&self, user_id: UserId) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::RemoveUser(TargetParams { user_id }))
            .await
    }

    /// Host/manager: locks (or unlocks) screen share.
    pub async fn lock_share(&self, is_locked: bool) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::LockShare { is_locked }).await
    }

    /// Host/manager: sets the share privilege.
    pub async fn set_share_privilege(&self, privilege: SharePrivilege) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::SetSharePrivilege { privilege })
            .await
    }

    /// Chats privately to `user_id`.
    pub async fn chat_send(&self, text: &str, user_id: UserId) -> Result<ChatMessage, ClientError> {
        self.call(ClientMsg::ChatSend {
            text: text.to_string(),
            user_id,
        })
        .await
    }

    /// Chats to everyone.
    pub async fn chat_send_to_all(&self, text: &str) -> Result<ChatMessage, ClientError> {
        self.call(ClientMsg::ChatSendToAll {
            text: text.to_string(),
        })
        .await
    }

    /// Host/manager: sets the chat privilege.
    pub async fn chat_set_privilege(&self, privilege: ChatPrivilege) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::ChatSetPrivilege { privilege })
            .await
    }

    /// The chat messages we saw while present.
    pub async fn chat_get_history(&self) -> Result<Vec<ChatMessage>, ClientError> {
        self.call(ClientMsg::ChatGetHistory).await
    }

    /// Sends a command channel message to `user_id`, or to everyone when `None`.
    pub async fn command_send(
        &self,
        text: &str,
        user_id: Option<UserId>,
    ) -> Result<CommandChannelMsg, ClientError> {
        self.call(ClientMsg::CommandSend {
            text: serde_json::Value::String(text.to_string()),
            user_id,
        })
        .await
    }
}
