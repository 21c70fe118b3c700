//! Parameters of requests shared by several methods: join, resume, a target user, an offer.

use crate::{SessionId, UserId};
use serde::{Deserialize, Serialize};

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
