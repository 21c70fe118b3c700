use crate::{ErrorBody, Participant, SessionId, UserId};
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

/// A user and a subsession (`assignUserToSubsession`, `moveUserToSubsession`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubsessionTarget {
    /// The user.
    pub user_id: UserId,
    /// The room.
    pub target_subsession_id: String,
}

fn default_quality() -> u8 {
    2
}

/// `rtc.offer` parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RtcOffer {
    /// The SDP offer.
    pub sdp: String,
    /// True for the first offer of a new peer connection (after joining or a failover):
    /// the server drops the user's previous media peer.
    #[serde(default)]
    pub reset: bool,
    /// The `mid`s of the offer that carry screen share rather than camera video.
    #[serde(default)]
    pub share_mids: Vec<String>,
}

/// The reply to `rtc.offer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RtcAnswer {
    /// The SDP answer.
    pub sdp: String,
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

/// `join` parameters (SPEC §4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinParams {
    /// Session topic, 1–150 characters.
    pub topic: String,
    /// The Video SDK JWT.
    pub token: String,
    /// Display name (truncated to 200 characters; empty shows as `"null"`).
    #[serde(default)]
    pub user_name: String,
    /// Session passcode (≤ 10 printable ASCII characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passcode: Option<String>,
    /// Idle timeout in whole minutes (> 0); default 40.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_mins: Option<f64>,
}

/// `resume` parameters: what a client got in its [`JoinResult`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResumeParams {
    /// The session instance.
    pub session_id: SessionId,
    /// Our user id in it.
    pub user_id: UserId,
    /// The secret from [`JoinResult::resume_token`].
    pub resume_token: String,
}

/// A required target user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetParams {
    /// The user acted on.
    #[serde(rename = "userId")]
    pub user_id: UserId,
}

/// An optional target user (self when absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TargetOpt {
    /// The user acted on; self when absent.
    #[serde(default, rename = "userId", skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
}

/// What a successful `join` / `resume` returns: the session and the whole user list in one
/// message. `U` is how the list is held: decoded participants (clients), or JSON text the
/// server wrote from its cached cards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinResult<U = Vec<Participant>> {
    /// Random id of this session instance.
    pub session_id: SessionId,
    /// The topic as the starter gave it.
    pub topic: String,
    /// Our user id.
    pub user_id: UserId,
    /// The session passcode ('' when none).
    pub password: String,
    /// We are the original host (first role-1 joiner of this instance).
    pub is_original_host: bool,
    /// Everyone present, ourselves included.
    pub users: U,
    /// Chat privilege.
    pub chat_privilege: ChatPrivilege,
    /// Share privilege.
    pub share_privilege: SharePrivilege,
    /// Participants may rename themselves.
    pub rename_allowed: bool,
    /// Secret to present in `resume` after a dropped connection.
    pub resume_token: String,
    /// The session's cloud recording (then `recording-change`).
    #[serde(default)]
    pub recording: crate::RecordingStatus,
    /// The session's live stream (then `live-stream-status`).
    #[serde(default)]
    pub live_stream: crate::LiveStreamStatus,
    /// The server can record and stream (its media framework is installed).
    #[serde(default)]
    pub can_record: bool,
}

/// Chat privilege (`ChatPrivilege`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum ChatPrivilege {
    /// Public and private chat (1).
    All,
    /// No chat at all (4).
    NoOne,
    /// Public messages only (5).
    EveryonePublicly,
}

crate::number::wire_number!(ChatPrivilege, "chat privilege", {
    All = 1,
    NoOne = 4,
    EveryonePublicly = 5,
});

/// Share privilege (`SharePrivilege`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum SharePrivilege {
    /// One sharer; host or manager may take over (0).
    Unlocked,
    /// Host and managers only (1).
    Locked,
    /// Several sharers at once (3).
    MultipleShare,
}

crate::number::wire_number!(SharePrivilege, "share privilege", {
    Unlocked = 0,
    Locked = 1,
    MultipleShare = 3,
});

/// The one reply to a [`Request`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// The request's id (0 when the request was too malformed to carry one).
    pub id: u64,
    /// Success.
    pub ok: bool,
    /// The result on success (`null` for plain acknowledgements).
    #[serde(
        default,
        deserialize_with = "present_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub result: Option<ResultJson>,
    /// The failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
}

/// A reply's result: JSON decoded into a value (what a client reads), or JSON text written
/// once straight from typed data (what the server sends: a 5,000-user join reply is never
/// built as a tree of values first).
#[derive(Debug, Clone)]
pub enum ResultJson {
    /// A decoded (or hand-built) value.
    Value(serde_json::Value),
    /// Serialised JSON text.
    Text(Box<serde_json::value::RawValue>),
}

impl ResultJson {
    /// Writes `v` as JSON text now.
    pub fn text_of<T: Serialize + ?Sized>(v: &T) -> Self {
        // unwrap is ok because protocol types serialise infallibly (no maps with non-string keys).
        ResultJson::Text(serde_json::value::to_raw_value(v).expect("protocol types serialise"))
    }

    /// The result as a value (text is parsed).
    pub fn into_value(self) -> serde_json::Value {
        match self {
            ResultJson::Value(v) => v,
            // unwrap is ok because the text was written by serde_json.
            ResultJson::Text(t) => serde_json::from_str(t.get()).expect("valid JSON text"),
        }
    }

    /// Decodes the result as `T`.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        match self {
            ResultJson::Value(v) => T::deserialize(v),
            ResultJson::Text(t) => serde_json::from_str(t.get()),
        }
    }
}

impl PartialEq for ResultJson {
    fn eq(&self, other: &Self) -> bool {
        self.clone().into_value() == other.clone().into_value()
    }
}

impl From<serde_json::Value> for ResultJson {
    fn from(v: serde_json::Value) -> Self {
        ResultJson::Value(v)
    }
}

impl Serialize for ResultJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ResultJson::Value(v) => v.serialize(s),
            ResultJson::Text(t) => t.serialize(s),
        }
    }
}

/// A present `result` stays `Some` even when it is `null` (the reply of a call with no
/// answer), so a reply decodes to what was sent.
/// It is kept as text: whoever reads it decodes it once, into its own type (a join reply's
/// 5,000 users go straight into participants, never through a tree of JSON values).
fn present_value<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<ResultJson>, D::Error> {
    Box::<serde_json::value::RawValue>::deserialize(d).map(|t| Some(ResultJson::Text(t)))
}

impl Reply {
    /// A success reply.
    pub fn ok(id: u64, result: impl Into<ResultJson>) -> Self {
        Reply {
            id,
            ok: true,
            result: Some(result.into()),
            error: None,
        }
    }

    /// A failure reply.
    pub fn err(id: u64, error: ErrorBody) -> Self {
        Reply {
            id,
            ok: false,
            result: None,
            error: Some(error),
        }
    }

    /// The result as a value (`null` when there is none).
    pub fn result_value(self) -> serde_json::Value {
        self.result
            .map_or(serde_json::Value::Null, ResultJson::into_value)
    }
}

/// One server → client message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ServerMsg {
    /// The reply to a request.
    Reply(Reply),
    /// A pushed event.
    Event(crate::Event),
}

/// Told apart by their first key: an event starts with `"event"` (the server writes the tag
/// first), anything else is tried as a reply, then as an event. Each is then decoded straight
/// from the text; serde's `untagged` would first copy every message, a whole user list
/// included, into an intermediate tree and try each variant on it.
impl<'de> Deserialize<'de> for ServerMsg {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        let text = raw.get();
        let event = || serde_json::from_str(text).map(ServerMsg::Event);
        let reply = || serde_json::from_str(text).map(ServerMsg::Reply);
        let starts_with_event = text
            .trim_start()
            .strip_prefix('{')
            .is_some_and(|rest| rest.trim_start().starts_with("\"event\""));
        let decoded = if starts_with_event {
            event()
        } else {
            reply().or_else(|_| event())
        };
        decoded.map_err(|e| D::Error::custom(format!("neither a reply nor an event: {e}")))
    }
}
