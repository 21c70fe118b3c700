//! The REST API's request and response bodies (their schemas are in the OpenAPI document).

use crate::time::rfc3339;
use convene_protocol::Participant;
use convene_session::SessionInfo;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A live session.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SessionItem {
    /// The id `getSessionInfo().sessionId` returns.
    pub(crate) session_id: String,
    /// The topic as its starter wrote it.
    pub(crate) session_name: String,
    /// When the first user joined (RFC 3339, UTC).
    #[schema(example = "2026-12-02T19:30:00.000Z")]
    pub(crate) start_time: String,
    /// Users now, those reconnecting (failover) included.
    pub(crate) user_count: usize,
}

/// `GET /api/v1/sessions`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SessionList {
    /// The app's live sessions, sorted by name.
    pub(crate) sessions: Vec<SessionItem>,
}

/// `GET /api/v1/sessions/{session_id}`: a session and whether it has a passcode.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SessionDetail {
    #[serde(flatten)]
    pub(crate) session: SessionItem,
    /// Joiners must give the passcode its starter set.
    pub(crate) has_passcode: bool,
}

impl From<&SessionInfo> for SessionDetail {
    fn from(i: &SessionInfo) -> Self {
        SessionDetail {
            session: SessionItem {
                session_id: i.session_id.to_string(),
                session_name: i.topic.clone(),
                start_time: rfc3339(i.started_ms),
                user_count: i.user_count,
            },
            has_passcode: i.has_passcode,
        }
    }
}

/// A user's role in a session.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum UserRole {
    /// The host.
    Host,
    /// A manager.
    Manager,
    /// Anyone else.
    Participant,
}

/// A user in a session.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UserItem {
    /// The user's id in this session (`userId` in the SDKs).
    pub(crate) id: u32,
    /// The name shown to others.
    pub(crate) name: String,
    /// Host, manager or participant.
    pub(crate) role: UserRole,
    /// The join token's `user_identity` (or `user_key`); null when it had none.
    pub(crate) user_identity: Option<String>,
}

impl From<&Participant> for UserItem {
    fn from(p: &Participant) -> Self {
        let role = if p.is_host {
            UserRole::Host
        } else if p.is_manager {
            UserRole::Manager
        } else {
            UserRole::Participant
        };
        UserItem {
            id: p.user_id.0,
            name: p.display_name.clone(),
            role,
            user_identity: p.user_identity.clone(),
        }
    }
}

/// `GET /api/v1/sessions/{session_id}/users`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UserList {
    /// Everyone in the session, in join order.
    pub(crate) users: Vec<UserItem>,
}

/// `PUT /api/v1/sessions/{session_id}/status`.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct SessionStatus {
    /// The only action: end the session for everyone.
    pub(crate) action: SessionAction,
}

/// What to do to a session.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SessionAction {
    /// End it: users get `connection-change` Closed "ended by host".
    End,
}

/// `PUT /api/v1/sessions/{session_id}/users/{user_id}/status`.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct UserStatus {
    /// The only action: remove the user.
    pub(crate) action: UserAction,
}

/// What to do to a user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum UserAction {
    /// Remove the user as the host would: `connection-change` Closed "kicked by host", no
    /// rejoin of this session with that identity or token.
    Remove,
}

/// Every error.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    /// The HTTP status.
    #[schema(example = 404)]
    pub(crate) code: u16,
    /// What failed.
    pub(crate) message: String,
}

/// One finished cloud recording of a session.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RecordingItem {
    /// The recording's id (its start, Unix milliseconds).
    pub(crate) id: String,
    /// `<id>.mp4`.
    pub(crate) file_name: String,
    /// Bytes.
    pub(crate) file_size: u64,
    /// Recorded time; pauses are left out.
    pub(crate) duration_ms: u64,
    /// Where the file downloads from, with the same bearer token.
    pub(crate) download_url: String,
    /// Each track as a file of its own, untranscoded, when the server records raw tracks
    /// (`--recording-raw-tracks`); empty otherwise.
    pub(crate) tracks: Vec<TrackItem>,
}

/// A track file of a recording, and where it downloads from.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TrackItem {
    #[serde(flatten)]
    pub(crate) file: crate::egress::TrackFile,
    /// Where the file downloads from, with the same bearer token.
    pub(crate) download_url: String,
}

impl RecordingItem {
    /// The listing of `file`, a recording of `session` (also the `recording` of the
    /// `recording.completed` webhook).
    pub(crate) fn new(session: &str, file: crate::egress::RecordingFile) -> Self {
        let tracks = file.tracks.into_iter().map(|t| TrackItem {
            download_url: crate::egress::track_download_path(session, &file.id, &t.file_name),
            file: t,
        });
        RecordingItem {
            tracks: tracks.collect(),
            download_url: crate::egress::download_path(session, &file.id),
            id: file.id,
            file_name: file.file_name,
            file_size: file.file_size,
            duration_ms: file.duration_ms,
        }
    }
}

/// `GET /api/v1/sessions/{session_id}/recordings`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RecordingList {
    /// Oldest first.
    pub(crate) recordings: Vec<RecordingItem>,
}
