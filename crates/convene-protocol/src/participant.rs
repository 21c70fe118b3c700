use crate::UserId;
use serde::{Deserialize, Serialize};

/// A user's audio connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AudioKind {
    /// No audio connected (`''`).
    #[default]
    #[serde(rename = "")]
    None,
    /// Computer audio (`'computer'`).
    #[serde(rename = "computer")]
    Computer,
}

impl AudioKind {
    /// No audio connected.
    pub fn is_none(&self) -> bool {
        *self == AudioKind::None
    }
}

/// For `skip_serializing_if`: a participant's flags are on the wire only when set.
fn is_false(b: &bool) -> bool {
    !*b
}

/// One user as every member of the session sees them (the reference `Participant`).
///
/// On the wire, fields at their default (no audio, flags off) are left out: a 5,000-user list
/// is a third of the size. Readers fill them in (`serde(default)` here; the browser SDK's
/// `participant()`), so what an app sees always has every field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    /// Id within this session instance.
    pub user_id: UserId,
    /// Name shown to others (at most 200 characters; `"null"` when empty).
    pub display_name: String,
    /// Audio connection.
    #[serde(default, skip_serializing_if = "AudioKind::is_none")]
    pub audio: AudioKind,
    /// Muted; absent while audio is not connected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted: Option<bool>,
    /// Camera on.
    #[serde(rename = "bVideoOn", default, skip_serializing_if = "is_false")]
    pub b_video_on: bool,
    /// Sharing the screen.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sharer_on: bool,
    /// The session's host.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_host: bool,
    /// A manager.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_manager: bool,
    /// The token's `user_identity` / `user_key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_identity: Option<String>,
    /// Connection dropped; kept for the failover window.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_in_failover: bool,
    /// In computer audio to listen only, without a microphone (`startAudio({speakerOnly})`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_speaker_only: bool,
    /// Avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
}

/// A change to a user: `userId` plus only the fields that changed. Payload item of
/// `user-updated` (and, with only `userId`/`displayName`, of `user-removed`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantUpdate {
    /// Which user.
    pub user_id: UserId,
    /// New display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// New audio connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<AudioKind>,
    /// New mute state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted: Option<bool>,
    /// New camera state.
    #[serde(default, rename = "bVideoOn", skip_serializing_if = "Option::is_none")]
    pub b_video_on: Option<bool>,
    /// New share state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharer_on: Option<bool>,
    /// New host flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_host: Option<bool>,
    /// New manager flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_manager: Option<bool>,
    /// New failover flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_in_failover: Option<bool>,
    /// New speaker-only flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_speaker_only: Option<bool>,
}

impl ParticipantUpdate {
    /// An update for `user_id` that changes nothing yet.
    pub fn new(user_id: UserId) -> Self {
        ParticipantUpdate {
            user_id,
            ..Default::default()
        }
    }
}

/// A participant with every field written, defaults included: how an app sees one (the
/// reference SDK's `Participant`). [`Participant`]'s own serialisation, the wire form, leaves
/// fields at their default out; the browser SDK fills in the same ones (`participant()` in
/// `session-state.js`) and the Rust SDK's printed forms (the bot) use this one.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FullParticipant<'a> {
    user_id: UserId,
    display_name: &'a str,
    audio: AudioKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    muted: Option<bool>,
    #[serde(rename = "bVideoOn")]
    b_video_on: bool,
    sharer_on: bool,
    is_host: bool,
    is_manager: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_identity: Option<&'a str>,
    is_in_failover: bool,
    is_speaker_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    avatar: Option<&'a str>,
}

impl Participant {
    /// This participant with every field written ([`FullParticipant`]).
    pub fn full(&self) -> FullParticipant<'_> {
        FullParticipant {
            user_id: self.user_id,
            display_name: &self.display_name,
            audio: self.audio,
            muted: self.muted,
            b_video_on: self.b_video_on,
            sharer_on: self.sharer_on,
            is_host: self.is_host,
            is_manager: self.is_manager,
            user_identity: self.user_identity.as_deref(),
            is_in_failover: self.is_in_failover,
            is_speaker_only: self.is_speaker_only,
            avatar: self.avatar.as_deref(),
        }
    }

    /// A user who just joined: no audio, camera or share, no role, not in failover.
    pub fn new(user_id: UserId, display_name: impl Into<String>) -> Self {
        Participant {
            user_id,
            display_name: display_name.into(),
            audio: AudioKind::None,
            muted: None,
            b_video_on: false,
            sharer_on: false,
            is_host: false,
            is_manager: false,
            user_identity: None,
            is_in_failover: false,
            is_speaker_only: false,
            avatar: None,
        }
    }

    /// Applies a delta. Returns false when the delta is for another user.
    pub fn apply(&mut self, u: &ParticipantUpdate) -> bool {
        if u.user_id != self.user_id {
            return false;
        }
        if let Some(v) = &u.display_name {
            self.display_name = v.clone();
        }
        if let Some(v) = u.audio {
            self.audio = v;
            if v == AudioKind::None {
                self.muted = None;
                self.is_speaker_only = false;
            }
        }
        if let Some(v) = u.muted {
            self.muted = Some(v);
        }
        if let Some(v) = u.b_video_on {
            self.b_video_on = v;
        }
        if let Some(v) = u.sharer_on {
            self.sharer_on = v;
        }
        if let Some(v) = u.is_host {
            self.is_host = v;
        }
        if let Some(v) = u.is_manager {
            self.is_manager = v;
        }
        if let Some(v) = u.is_in_failover {
            self.is_in_failover = v;
        }
        if let Some(v) = u.is_speaker_only {
            self.is_speaker_only = v;
        }
        true
    }
}
