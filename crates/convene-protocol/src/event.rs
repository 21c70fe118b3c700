use crate::{ChatPrivilege, Participant, ParticipantUpdate, SharePrivilege, UserId};
use serde::{Deserialize, Serialize};

/// Connection state of `connection-change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnectionState {
    /// Joined or reconnected.
    Connected,
    /// Failover in progress.
    Reconnecting,
    /// This user's session is over; see the reason.
    Closed,
    /// Join or reconnect failed.
    Fail,
}

/// A chat sender or receiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatUser {
    /// Display name ("Everyone" for a message to all).
    pub name: String,
    /// User id (0 for everyone).
    pub user_id: UserId,
}

/// A chat message (`ChatMessage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    /// Message id, unique within the session.
    pub id: String,
    /// Text (truncated at 10,000 bytes).
    pub message: String,
    /// Who sent it.
    pub sender: ChatUser,
    /// Who receives it.
    pub receiver: ChatUser,
    /// Milliseconds since the Unix epoch.
    pub timestamp: u64,
}

/// The reply to `command.send` (`CommandChannelMsg`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandChannelMsg {
    /// Sender.
    pub sender_id: UserId,
    /// Sender's name.
    pub sender_name: String,
    /// Receiver; absent for broadcasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver_id: Option<UserId>,
    /// Text.
    pub text: String,
    /// Milliseconds since the Unix epoch.
    pub timestamp: u64,
    /// Message id.
    pub msgid: String,
}

/// One entry of `active-speaker`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveSpeaker {
    /// Speaker.
    pub user_id: UserId,
    /// Speaker's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// `current-audio-change` action: what happened to your own audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AudioAction {
    /// Audio joined.
    Join,
    /// Audio left.
    Leave,
    /// Muted.
    Muted,
    /// Unmuted.
    Unmuted,
}

/// Who caused a `current-audio-change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AudioChangeSource {
    /// You did.
    #[serde(rename = "active")]
    Active,
    /// The host or a manager muted you.
    #[serde(rename = "passive(mute one)")]
    PassiveMuteOne,
    /// The host or a manager muted everyone.
    #[serde(rename = "passive(mute all)")]
    PassiveMuteAll,
}

/// A camera or share went on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StartStop {
    /// Started.
    Start,
    /// Stopped.
    Stop,
}

impl StartStop {
    /// `Start` when `on`.
    pub fn from_on(on: bool) -> Self {
        if on {
            StartStop::Start
        } else {
            StartStop::Stop
        }
    }
}

/// State of the share you receive (`active-share-change`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShareState {
    /// Someone shares.
    Active,
    /// Nobody shares.
    Inactive,
}

/// Which way a link goes (`network-quality-change`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkDirection {
    /// Client → server.
    Uplink,
    /// Server → client.
    Downlink,
}

/// The kind of media a receive slot carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    /// Microphone.
    Audio,
    /// Camera.
    Video,
    /// Screen share.
    Share,
}

impl MediaKind {
    /// The wire name (`audio`, `video`, `share`).
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
            MediaKind::Share => "share",
        }
    }
}

/// Why your share was stopped by someone else (`passively-stop-share`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopShareReason {
    /// The share privilege or lock no longer lets you share.
    PrivilegeChange,
}

/// Why the host asks you to unmute (`host-ask-unmute-audio`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AskUnmuteReason {
    /// The only reason the reference defines.
    Unmute,
}

/// Events the server pushes, with the reference SDK's names and payloads.
///
/// On the wire: `{"event": "<name>", "payload": <payload>}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", content = "payload")]
#[non_exhaustive]
pub enum Event {
    // ---- session ------------------------------------------------------------------------
    /// Connection state changed (`ended by host`, `kicked by host`, `session idle timeout`...).
    #[serde(rename = "connection-change")]
    ConnectionChange {
        /// New state.
        state: ConnectionState,
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// With a move between rooms (the SDKs' `Reconnecting`): the subsession's name ('' for
        /// the main session).
        #[serde(
            default,
            rename = "subsessionName",
            skip_serializing_if = "Option::is_none"
        )]
        subsession_name: Option<String>,
    },
    /// Users joined (batched).
    #[serde(rename = "user-added")]
    UserAdded(Vec<Participant>),
    /// Users changed; each item carries only the changed fields.
    #[serde(rename = "user-updated")]
    UserUpdated(Vec<ParticipantUpdate>),
    /// Users left or were removed.
    #[serde(rename = "user-removed")]
    UserRemoved(Vec<ParticipantUpdate>),

    // ---- audio --------------------------------------------------------------------------
    /// The host or a manager asks you to unmute (never forced).
    #[serde(rename = "host-ask-unmute-audio")]
    HostAskUnmuteAudio {
        /// Always `"Unmute"`.
        reason: AskUnmuteReason,
    },
    /// Your own audio state changed.
    #[serde(rename = "current-audio-change")]
    CurrentAudioChange {
        /// `join`, `leave`, `muted`, `unmuted`.
        action: AudioAction,
        /// `active`, `passive(mute one)`, `passive(mute all)`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<AudioChangeSource>,
    },
    /// Current talkers, loudest first.
    #[serde(rename = "active-speaker")]
    ActiveSpeaker(Vec<ActiveSpeaker>),

    // ---- video and share ----------------------------------------------------------------
    /// A remote camera went on or off.
    #[serde(rename = "peer-video-state-change")]
    PeerVideoStateChange {
        /// `Start` or `Stop`.
        action: StartStop,
        /// Whose camera.
        #[serde(rename = "userId")]
        user_id: UserId,
    },
    /// The received share started or stopped.
    #[serde(rename = "active-share-change")]
    ActiveShareChange {
        /// `Active` or `Inactive`.
        state: ShareState,
        /// The sharer.
        #[serde(rename = "userId")]
        user_id: UserId,
    },
    /// A user started or stopped sharing.
    #[serde(rename = "peer-share-state-change")]
    PeerShareStateChange {
        /// The sharer.
        #[serde(rename = "userId")]
        user_id: UserId,
        /// `Start` or `Stop`.
        action: StartStop,
    },
    /// The share privilege changed.
    #[serde(rename = "share-privilege-change")]
    SharePrivilegeChange {
        /// New privilege.
        privilege: SharePrivilege,
    },
    /// Your share was stopped by someone else (`PrivilegeChange`).
    #[serde(rename = "passively-stop-share")]
    PassivelyStopShare(StopShareReason),
    /// Network quality level 0–5 of a user.
    #[serde(rename = "network-quality-change")]
    NetworkQualityChange {
        /// Whose link.
        #[serde(rename = "userId")]
        user_id: UserId,
        /// `uplink` or `downlink`.
        #[serde(rename = "type")]
        kind: LinkDirection,
        /// 0 (bad) – 5 (excellent).
        level: u8,
    },

    /// Convene: which remote user's media a receive slot (`mid`) of your peer connection now
    /// carries (`userId` absent: the slot is idle).
    #[serde(rename = "media-slot")]
    MediaSlot {
        /// The transceiver's mid.
        mid: String,
        /// Whose media.
        #[serde(default, rename = "userId", skip_serializing_if = "Option::is_none")]
        user_id: Option<UserId>,
        /// `audio`, `video` or `share`.
        kind: MediaKind,
    },

    /// Convene: the signaling URLs of the cluster's live nodes, sent before a `join` or
    /// `resume` reply when several nodes share sessions. The SDKs keep them to reconnect
    /// through another node when theirs is lost; apps need not handle it.
    #[serde(rename = "cluster-nodes")]
    ClusterNodes {
        /// Signaling URLs (`ws://…/rtc/v1`), this node's first.
        urls: Vec<String>,
    },

    // ---- messaging ----------------------------------------------------------------------
    /// A chat message for you.
    #[serde(rename = "chat-on-message")]
    ChatOnMessage(ChatMessage),
    /// The chat privilege changed.
    #[serde(rename = "chat-privilege-change")]
    ChatPrivilegeChange {
        /// New privilege.
        #[serde(rename = "chatPrivilege")]
        chat_privilege: ChatPrivilege,
    },
    /// A command channel message for you.
    #[serde(rename = "command-channel-message")]
    CommandChannelMessage {
        /// Sender id, as a string (as in the reference).
        #[serde(rename = "senderId")]
        sender_id: String,
        /// Sender name.
        #[serde(rename = "senderName")]
        sender_name: String,
        /// Text.
        text: String,
        /// Milliseconds since the Unix epoch.
        timestamp: u64,
        /// Message id.
        msgid: String,
    },

    // ---- cloud recording ------------------------------------------------------------------
    /// The session's cloud recording changed state (to everyone).
    #[serde(rename = "recording-change")]
    RecordingChange {
        /// The new state.
        state: crate::RecordingStatus,
    },
    /// The session's live stream changed state (to everyone): the status as a number.
    #[serde(rename = "live-stream-status")]
    LiveStreamStatus(crate::LiveStreamStatus),

    // ---- subsessions ------------------------------------------------------------------------
    /// Convene: the subsessions changed (state, rooms, options, who is where). The SDKs keep
    /// the last one for `getSubsessionList()` & co. and emit `subsession-state-change` when
    /// its status changes.
    #[serde(rename = "subsession-state")]
    SubsessionState(crate::SubsessionState),
    /// Convene: you are now in another room of the session (see [`crate::SubsessionMoved`]).
    /// The SDKs emit `connection-change` `Reconnecting` then `Connected` with its reason.
    #[serde(rename = "subsession-moved")]
    SubsessionMoved(Box<crate::SubsessionMoved>),
    /// You are invited to your assigned subsession.
    #[serde(rename = "subsession-invite-to-join")]
    SubsessionInviteToJoin {
        /// The room.
        #[serde(rename = "subsessionId")]
        subsession_id: String,
        /// Its name.
        #[serde(rename = "subsessionName")]
        subsession_name: String,
    },
    /// The subsessions' timer ran out.
    #[serde(rename = "subsession-time-up")]
    SubsessionTimeUp {},
    /// The subsessions close in `countdown` seconds (the SDKs repeat it every second).
    #[serde(rename = "closing-subsession-countdown")]
    ClosingSubsessionCountdown {
        /// Seconds.
        countdown: u32,
    },
    /// The host's text to every subsession.
    #[serde(rename = "subsession-broadcast-message")]
    SubsessionBroadcastMessage {
        /// The text.
        message: String,
    },
    /// To the host and managers: a user in a subsession asks for help.
    #[serde(rename = "subsession-ask-for-help")]
    SubsessionAskForHelp {
        /// Who asks.
        #[serde(rename = "userId")]
        user_id: UserId,
        /// Their name.
        #[serde(rename = "displayName")]
        display_name: String,
        /// From which room.
        #[serde(rename = "subsessionName")]
        subsession_name: String,
        /// Its id.
        #[serde(rename = "subsessionId")]
        subsession_id: String,
    },
    /// To the user who asked for help: what became of it.
    #[serde(rename = "subsession-ask-for-help-response")]
    SubsessionAskForHelpResponse {
        /// Received (0), Busy (1), Ignore (2), AlreadyInRoom (3).
        result: crate::HelpResponse,
    },
}

impl Event {
    /// The event's wire name.
    pub fn name(&self) -> &'static str {
        match self {
            Event::ConnectionChange { .. } => "connection-change",
            Event::UserAdded(_) => "user-added",
            Event::UserUpdated(_) => "user-updated",
            Event::UserRemoved(_) => "user-removed",
            Event::HostAskUnmuteAudio { .. } => "host-ask-unmute-audio",
            Event::CurrentAudioChange { .. } => "current-audio-change",
            Event::ActiveSpeaker(_) => "active-speaker",
            Event::PeerVideoStateChange { .. } => "peer-video-state-change",
            Event::ActiveShareChange { .. } => "active-share-change",
            Event::PeerShareStateChange { .. } => "peer-share-state-change",
            Event::SharePrivilegeChange { .. } => "share-privilege-change",
            Event::PassivelyStopShare(_) => "passively-stop-share",
            Event::NetworkQualityChange { .. } => "network-quality-change",
            Event::MediaSlot { .. } => "media-slot",
            Event::ClusterNodes { .. } => "cluster-nodes",
            Event::ChatOnMessage(_) => "chat-on-message",
            Event::ChatPrivilegeChange { .. } => "chat-privilege-change",
            Event::CommandChannelMessage { .. } => "command-channel-message",
            Event::RecordingChange { .. } => "recording-change",
            Event::LiveStreamStatus(_) => "live-stream-status",
            Event::SubsessionState(_) => "subsession-state",
            Event::SubsessionMoved(_) => "subsession-moved",
            Event::SubsessionInviteToJoin { .. } => "subsession-invite-to-join",
            Event::SubsessionTimeUp {} => "subsession-time-up",
            Event::ClosingSubsessionCountdown { .. } => "closing-subsession-countdown",
            Event::SubsessionBroadcastMessage { .. } => "subsession-broadcast-message",
            Event::SubsessionAskForHelp { .. } => "subsession-ask-for-help",
            Event::SubsessionAskForHelpResponse { .. } => "subsession-ask-for-help-response",
        }
    }
}
