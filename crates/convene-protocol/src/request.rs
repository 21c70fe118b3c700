//! What a client sends: the request envelope and every method with its parameters.

use crate::{ChatPrivilege, JoinParams, ResumeParams, RtcOffer, SharePrivilege};
use crate::{SubsessionTarget, TargetOpt, TargetParams, UserId};
use serde::{Deserialize, Serialize};

/// One client → server message: an id, a method and its params.
///
/// `{"id": 3, "method": "removeUser", "params": {"userId": 2}}`. `params` may be omitted
/// (or be `{}`) for methods whose parameters are all optional, e.g. `{"id":4,"method":"leave"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Request {
    /// Chosen by the client; echoed in the one [`Reply`].
    pub id: u64,
    /// What to do.
    #[serde(flatten)]
    pub msg: ClientMsg,
}

#[derive(Deserialize)]
struct RawRequest {
    id: u64,
    #[serde(flatten)]
    msg: ClientMsg,
}

impl<'de> Deserialize<'de> for Request {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut v = serde_json::Value::deserialize(d)?;
        let first = match serde_json::from_value::<RawRequest>(v.clone()) {
            Ok(r) => {
                return Ok(Request {
                    id: r.id,
                    msg: r.msg,
                })
            }
            Err(e) => e,
        };
        // Absent params mean "all defaults"; `{}` for a method without params means none.
        let Some(obj) = v.as_object_mut() else {
            return Err(D::Error::custom(first));
        };
        match obj.get("params") {
            None | Some(serde_json::Value::Null) => {
                obj.insert("params".into(), serde_json::json!({}));
            }
            Some(serde_json::Value::Object(m)) if m.is_empty() => {
                obj.remove("params");
            }
            _ => return Err(D::Error::custom(first)),
        }
        serde_json::from_value::<RawRequest>(v)
            .map(|r| Request {
                id: r.id,
                msg: r.msg,
            })
            .map_err(|_| D::Error::custom(first))
    }
}

/// Every method a client can call. Names are the browser SDK's (`chat.send` is
/// `client.getChatClient().send`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", content = "params")]
#[non_exhaustive]
pub enum ClientMsg {
    /// Join (or start) a session. Reply: [`JoinResult`].
    #[serde(rename = "join")]
    Join(JoinParams),
    /// Take back one's place after a dropped connection (failover). Reply: [`JoinResult`].
    #[serde(rename = "resume")]
    Resume(ResumeParams),
    /// Leave; `end: true` ends the session for everyone (host only).
    #[serde(rename = "leave")]
    Leave {
        /// End for all.
        #[serde(default)]
        end: bool,
    },
    /// The server's user list. Reply: `Participant[]`.
    #[serde(rename = "getAllUser")]
    GetAllUser,
    /// Rename self (no `userId`) or another user (host/manager).
    #[serde(rename = "changeName")]
    ChangeName {
        /// New name (truncated to 200 characters).
        name: String,
        /// Whom; self when absent.
        #[serde(default, rename = "userId")]
        user_id: Option<UserId>,
    },
    /// Host/manager: allow or forbid participants renaming themselves.
    #[serde(rename = "allowParticipantsToRename")]
    AllowParticipantsToRename {
        /// Allowed.
        allowed: bool,
    },
    /// Join computer audio.
    #[serde(rename = "startAudio")]
    StartAudio {
        /// Join muted.
        #[serde(default)]
        mute: bool,
        /// Listen only, without a microphone (shown to everyone as `isSpeakerOnly`).
        #[serde(
            default,
            rename = "speakerOnly",
            skip_serializing_if = "std::ops::Not::not"
        )]
        speaker_only: bool,
    },
    /// Leave computer audio.
    #[serde(rename = "stopAudio")]
    StopAudio,
    /// Mute self (no `userId`) or another user (host/manager).
    #[serde(rename = "muteAudio")]
    MuteAudio(TargetOpt),
    /// Unmute self; for another user (host/manager) ask them (`host-ask-unmute-audio`).
    #[serde(rename = "unmuteAudio")]
    UnmuteAudio(TargetOpt),
    /// Host/manager: mute everyone else.
    #[serde(rename = "muteAllAudio")]
    MuteAllAudio,
    /// Host/manager: ask everyone muted to unmute.
    #[serde(rename = "unmuteAllAudio")]
    UnmuteAllAudio,
    /// Camera on.
    #[serde(rename = "startVideo")]
    StartVideo,
    /// Camera off.
    #[serde(rename = "stopVideo")]
    StopVideo,
    /// Start sharing the screen (checked against the share privilege).
    #[serde(rename = "startShareScreen")]
    StartShareScreen,
    /// Stop sharing.
    #[serde(rename = "stopShareScreen")]
    StopShareScreen,
    /// Host: hand the host role over.
    #[serde(rename = "makeHost")]
    MakeHost(TargetParams),
    /// Host: make a manager.
    #[serde(rename = "makeManager")]
    MakeManager(TargetParams),
    /// Host: revoke a manager.
    #[serde(rename = "revokeManager")]
    RevokeManager(TargetParams),
    /// Original host: take the host role back.
    #[serde(rename = "reclaimHost")]
    ReclaimHost,
    /// Host/manager: remove a user (who cannot rejoin this instance).
    #[serde(rename = "removeUser")]
    RemoveUser(TargetParams),
    /// Host/manager: lock (`Locked`) or unlock (`Unlocked`) screen share.
    #[serde(rename = "lockShare")]
    LockShare {
        /// Lock.
        #[serde(rename = "isLocked")]
        is_locked: bool,
    },
    /// Host/manager: set the share privilege.
    #[serde(rename = "setSharePrivilege")]
    SetSharePrivilege {
        /// The privilege.
        privilege: SharePrivilege,
    },
    /// Chat to one user. Reply: [`crate::ChatMessage`].
    #[serde(rename = "chat.send")]
    ChatSend {
        /// Text.
        text: String,
        /// Receiver.
        #[serde(rename = "userId")]
        user_id: UserId,
    },
    /// Chat to everyone. Reply: [`crate::ChatMessage`].
    #[serde(rename = "chat.sendToAll")]
    ChatSendToAll {
        /// Text.
        text: String,
    },
    /// Host/manager: set the chat privilege.
    #[serde(rename = "chat.setPrivilege")]
    ChatSetPrivilege {
        /// The privilege.
        privilege: ChatPrivilege,
    },
    /// Messages seen while present. Reply: `ChatMessage[]`.
    #[serde(rename = "chat.getHistory")]
    ChatGetHistory,
    /// Command channel message to one user or all. Reply: [`crate::CommandChannelMsg`].
    #[serde(rename = "command.send")]
    CommandSend {
        /// Text (at most 512 bytes).
        text: serde_json::Value,
        /// Receiver; everyone when absent.
        #[serde(default, rename = "userId")]
        user_id: Option<UserId>,
    },
    /// Keep-alive. Reply: `null`.
    #[serde(rename = "ping")]
    Ping,

    // ---- media ----------------------------------------------------------------------
    /// An SDP offer for this user's peer connection. The client always offers and the SFU
    /// only answers, so offers never cross (no glare). Reply: [`RtcAnswer`].
    #[serde(rename = "rtc.offer")]
    RtcOffer(RtcOffer),
    /// Receive `userId`'s camera at `quality` (0 = 90p … 4 = 1080p). At most 25 at once (6111).
    #[serde(rename = "attachVideo")]
    AttachVideo {
        /// Whose video.
        #[serde(rename = "userId")]
        user_id: UserId,
        /// `VideoQuality`: 0 90p, 1 180p, 2 360p, 3 720p, 4 1080p.
        #[serde(default = "default_quality", rename = "videoQuality")]
        quality: u8,
    },
    /// Stop receiving `userId`'s camera.
    #[serde(rename = "detachVideo")]
    DetachVideo {
        /// Whose video.
        #[serde(rename = "userId")]
        user_id: UserId,
    },

    // ---- cloud recording (`client.getRecordingClient()`) ----------------------------------
    /// Host: start recording the session to the server (`recording-change` to everyone).
    #[serde(rename = "recording.startCloudRecording")]
    StartCloudRecording,
    /// Host: stop the recording; the file is finished and listed by the REST API.
    #[serde(rename = "recording.stopCloudRecording")]
    StopCloudRecording,
    /// Host: pause; the paused time is left out of the file.
    #[serde(rename = "recording.pauseCloudRecording")]
    PauseCloudRecording,
    /// Host: resume a paused recording.
    #[serde(rename = "recording.resumeCloudRecording")]
    ResumeCloudRecording,
    /// The recording's state. Reply: [`crate::RecordingStatus`].
    #[serde(rename = "recording.getCloudRecordingStatus")]
    GetCloudRecordingStatus,
    /// Whether this user may start a recording here. Reply: `bool`.
    #[serde(rename = "recording.canStartRecording")]
    CanStartRecording,

    // ---- live streaming (`client.getLiveStreamClient()`) ----------------------------------
    /// Host: stream the session to an RTMP ingest (`live-stream-status` to everyone).
    #[serde(rename = "liveStream.startLiveStream")]
    StartLiveStream(crate::LiveStreamParams),
    /// Host: stop the live stream.
    #[serde(rename = "liveStream.stopLiveStream")]
    StopLiveStream,
    /// The live stream's state. Reply: [`crate::LiveStreamStatus`].
    #[serde(rename = "liveStream.getLiveStreamStatus")]
    GetLiveStreamStatus,

    // ---- subsessions (`client.getSubsessionClient()`) -------------------------------------
    /// Host/manager: create rooms (not open yet). Reply: [`crate::Subsession`]`[]`.
    #[serde(rename = "subsession.createSubsessions")]
    CreateSubsessions {
        /// A count, a name or names.
        data: crate::SubsessionNames,
        /// Automatically (1) spreads the main session's users; Manually (2, default).
        #[serde(default)]
        pattern: crate::AllocationPattern,
    },
    /// Host/manager: open the created rooms with these assignments and options.
    #[serde(rename = "subsession.openSubsessions")]
    OpenSubsessions(crate::OpenSubsessions),
    /// Go into a subsession (one's own, any with selection enabled, any for host/managers).
    #[serde(rename = "subsession.joinSubsession")]
    JoinSubsession {
        /// The room.
        #[serde(rename = "subsessionId")]
        subsession_id: String,
    },
    /// Go back to the main session (7505 when the host forbade it).
    #[serde(rename = "subsession.leaveSubsession")]
    LeaveSubsession,
    /// In a subsession: ask the host and managers for help.
    #[serde(rename = "subsession.askForHelp")]
    AskForHelp,
    /// Host/manager: tell a user who asked for help to wait.
    #[serde(rename = "subsession.postponeHelping")]
    PostponeHelping(TargetParams),
    /// Host/manager: a text to everyone in the subsessions.
    #[serde(rename = "subsession.broadcast")]
    SubsessionBroadcast {
        /// The text (1–1024 bytes).
        content: String,
    },
    /// Host/manager: assign a user to a room (invited, or moved if auto-join, once open).
    #[serde(rename = "subsession.assignUserToSubsession")]
    AssignUserToSubsession(SubsessionTarget),
    /// Host/manager: move a user into a room now (subsessions open).
    #[serde(rename = "subsession.moveUserToSubsession")]
    MoveUserToSubsession(SubsessionTarget),
    /// Host/manager: close every room (after the `waitSeconds` countdown).
    #[serde(rename = "subsession.closeAllSubsessions")]
    CloseAllSubsessions,
    /// Host/manager: move a user back to the main session.
    #[serde(rename = "subsession.moveBackToMainSession")]
    MoveBackToMainSession(TargetParams),
    /// Host: speak into every room (not supported by this server: 7508).
    #[serde(rename = "subsession.startBroadcastVoice")]
    StartBroadcastVoice,
    /// Host: stop speaking into every room (7508).
    #[serde(rename = "subsession.stopBroadcastVoice")]
    StopBroadcastVoice,
    /// The subsessions as this user sees them. Reply: [`crate::SubsessionState`].
    #[serde(rename = "subsession.getState")]
    GetSubsessionState,
}

fn default_quality() -> u8 {
    2
}

impl ClientMsg {
    /// True for calls of the media stream (`getMediaStream()`), which need a joined session
    /// (6002 otherwise).
    pub fn is_media(&self) -> bool {
        matches!(
            self,
            ClientMsg::StartAudio { .. }
                | ClientMsg::StopAudio
                | ClientMsg::MuteAudio(_)
                | ClientMsg::UnmuteAudio(_)
                | ClientMsg::MuteAllAudio
                | ClientMsg::UnmuteAllAudio
                | ClientMsg::StartVideo
                | ClientMsg::StopVideo
                | ClientMsg::StartShareScreen
                | ClientMsg::StopShareScreen
                | ClientMsg::LockShare { .. }
                | ClientMsg::SetSharePrivilege { .. }
                | ClientMsg::RtcOffer(_)
                | ClientMsg::AttachVideo { .. }
                | ClientMsg::DetachVideo { .. }
        )
    }
}

impl ClientMsg {
    /// Role changes: the host and managers of a session are those of all its rooms.
    pub fn is_role_change(&self) -> bool {
        matches!(
            self,
            ClientMsg::MakeHost(_)
                | ClientMsg::MakeManager(_)
                | ClientMsg::RevokeManager(_)
                | ClientMsg::ReclaimHost
        )
    }

    /// Calls made from the main session only (7504 from a subsession): role changes, and
    /// recording and live streaming, which record the main session.
    pub fn is_main_session_only(&self) -> bool {
        self.is_role_change()
            || matches!(
                self,
                ClientMsg::StartCloudRecording
                    | ClientMsg::StopCloudRecording
                    | ClientMsg::PauseCloudRecording
                    | ClientMsg::ResumeCloudRecording
                    | ClientMsg::StartLiveStream(_)
                    | ClientMsg::StopLiveStream
            )
    }

    /// The wire name of the method.
    pub fn method(&self) -> &'static str {
        match self {
            ClientMsg::Join(_) => "join",
            ClientMsg::Resume(_) => "resume",
            ClientMsg::Leave { .. } => "leave",
            ClientMsg::GetAllUser => "getAllUser",
            ClientMsg::ChangeName { .. } => "changeName",
            ClientMsg::AllowParticipantsToRename { .. } => "allowParticipantsToRename",
            ClientMsg::StartAudio { .. } => "startAudio",
            ClientMsg::StopAudio => "stopAudio",
            ClientMsg::MuteAudio(_) => "muteAudio",
            ClientMsg::UnmuteAudio(_) => "unmuteAudio",
            ClientMsg::MuteAllAudio => "muteAllAudio",
            ClientMsg::UnmuteAllAudio => "unmuteAllAudio",
            ClientMsg::StartVideo => "startVideo",
            ClientMsg::StopVideo => "stopVideo",
            ClientMsg::StartShareScreen => "startShareScreen",
            ClientMsg::StopShareScreen => "stopShareScreen",
            ClientMsg::MakeHost(_) => "makeHost",
            ClientMsg::MakeManager(_) => "makeManager",
            ClientMsg::RevokeManager(_) => "revokeManager",
            ClientMsg::ReclaimHost => "reclaimHost",
            ClientMsg::RemoveUser(_) => "removeUser",
            ClientMsg::LockShare { .. } => "lockShare",
            ClientMsg::SetSharePrivilege { .. } => "setSharePrivilege",
            ClientMsg::ChatSend { .. } => "chat.send",
            ClientMsg::ChatSendToAll { .. } => "chat.sendToAll",
            ClientMsg::ChatSetPrivilege { .. } => "chat.setPrivilege",
            ClientMsg::ChatGetHistory => "chat.getHistory",
            ClientMsg::CommandSend { .. } => "command.send",
            ClientMsg::Ping => "ping",
            ClientMsg::RtcOffer(_) => "rtc.offer",
            ClientMsg::AttachVideo { .. } => "attachVideo",
            ClientMsg::DetachVideo { .. } => "detachVideo",
            ClientMsg::StartCloudRecording => "recording.startCloudRecording",
            ClientMsg::StopCloudRecording => "recording.stopCloudRecording",
            ClientMsg::PauseCloudRecording => "recording.pauseCloudRecording",
            ClientMsg::ResumeCloudRecording => "recording.resumeCloudRecording",
            ClientMsg::GetCloudRecordingStatus => "recording.getCloudRecordingStatus",
            ClientMsg::CanStartRecording => "recording.canStartRecording",
            ClientMsg::StartLiveStream(_) => "liveStream.startLiveStream",
            ClientMsg::StopLiveStream => "liveStream.stopLiveStream",
            ClientMsg::GetLiveStreamStatus => "liveStream.getLiveStreamStatus",
            ClientMsg::CreateSubsessions { .. } => "subsession.createSubsessions",
            ClientMsg::OpenSubsessions(_) => "subsession.openSubsessions",
            ClientMsg::JoinSubsession { .. } => "subsession.joinSubsession",
            ClientMsg::LeaveSubsession => "subsession.leaveSubsession",
            ClientMsg::AskForHelp => "subsession.askForHelp",
            ClientMsg::PostponeHelping(_) => "subsession.postponeHelping",
            ClientMsg::SubsessionBroadcast { .. } => "subsession.broadcast",
            ClientMsg::AssignUserToSubsession(_) => "subsession.assignUserToSubsession",
            ClientMsg::MoveUserToSubsession(_) => "subsession.moveUserToSubsession",
            ClientMsg::CloseAllSubsessions => "subsession.closeAllSubsessions",
            ClientMsg::MoveBackToMainSession(_) => "subsession.moveBackToMainSession",
            ClientMsg::StartBroadcastVoice => "subsession.startBroadcastVoice",
            ClientMsg::StopBroadcastVoice => "subsession.stopBroadcastVoice",
            ClientMsg::GetSubsessionState => "subsession.getState",
        }
    }
}
