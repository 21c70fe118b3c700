//! `/api/v1/sessions/{session_id}/recordings...`: an app's cloud recordings of a session
//! (live or ended), and the download of one and of its track files.

use super::auth::ApiApp;
use super::model::{ErrorBody, RecordingItem, RecordingList};
use super::ApiError;
use crate::egress::{listed_recording_path, listed_track_path, recordings_of};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::Response;
use axum::Json;
use std::sync::Arc;

/// The session's finished recordings, oldest first.
#[utoipa::path(get, path = "/api/v1/sessions/{session_id}/recordings", tag = "recordings",
    params(("session_id" = String, Path, description = "The session's id")),
    responses(
        (status = 200, body = RecordingList),
        (status = 401, description = "Missing, bad or expired token", body = ErrorBody),
    ))]
pub(super) async fn list(
    State(state): State<Arc<AppState>>,
    ApiApp(app): ApiApp,
    Path(session_id): Path<String>,
) -> Json<RecordingList> {
    let dir = state.config.egress.recordings_dir.clone();
    let sid = session_id.clone();
    let files = tokio::task::spawn_blocking(move || recordings_of(&dir, &app, &sid))
        .await
        .unwrap_or_default();
    Json(RecordingList {
        recordings: files
            .into_iter()
            .map(|f| RecordingItem::new(&session_id, f))
            .collect(),
    })
}

/// One recording's MP4 file.
#[utoipa::path(get, path = "/api/v1/sessions/{session_id}/recordings/{recording_id}/file",
    tag = "recordings",
    params(
        ("session_id" = String, Path, description = "The session's id"),
        ("recording_id" = String, Path, description = "The recording's id"),
    ),
    responses(
        (status = 200, description = "The MP4 file (H.264 + AAC)", content_type = "video/mp4"),
        (status = 401, description = "Missing, bad or expired token", body = ErrorBody),
        (status = 404, description = "No such finished recording of this app", body = ErrorBody),
    ))]
pub(super) async fn file(
    State(state): State<Arc<AppState>>,
    ApiApp(app): ApiApp,
    Path((session_id, recording_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let dir = state.config.egress.recordings_dir.clone();
    let path = tokio::task::spawn_blocking(move || {
        listed_recording_path(&dir, &app, &session_id, &recording_id)
    })
    .await
    .ok()
    .flatten();
    serve(path, "video/mp4")
}

/// One track file of a recording (raw tracks): a user's audio, camera or share.
#[utoipa::path(get,
    path = "/api/v1/sessions/{session_id}/recordings/{recording_id}/tracks/{file_name}",
    tag = "recordings",
    params(
        ("session_id" = String, Path, description = "The session's id"),
        ("recording_id" = String, Path, description = "The recording's id"),
        ("file_name" = String, Path, description = "A `file_name` of the recording's `tracks`"),
    ),
    responses(
        (status = 200, description = "Ogg Opus (audio) or WebM VP8 (video, share)",
            content_type = "audio/ogg"),
        (status = 401, description = "Missing, bad or expired token", body = ErrorBody),
        (status = 404, description = "No such track of a finished recording of this app",
            body = ErrorBody),
    ))]
pub(super) async fn track(
    State(state): State<Arc<AppState>>,
    ApiApp(app): ApiApp,
    Path((session_id, recording_id, file_name)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let dir = state.config.egress.recordings_dir.clone();
    let name = file_name.clone();
    let path = tokio::task::spawn_blocking(move || {
        listed_track_path(&dir, &app, &session_id, &recording_id, &name)
    })
    .await
    .ok()
    .flatten();
    let kind = match file_name.ends_with(".ogg") {
        true => "audio/ogg",
        false => "video/webm",
    };
    serve(path, kind)
}

/// The file at `path` (none: 404) as `content_type`.
fn serve(path: Option<std::path::PathBuf>, content_type: &str) -> Result<Response, ApiError> {
    let missing = || ApiError::not_found("no such recording");
    let file = std::fs::File::open(path.ok_or_else(missing)?).map_err(|_| missing())?;
    let len = file.metadata().map_err(|_| missing())?.len();
    let body = Body::from_stream(chunks(file));
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_LENGTH, len)
        .body(body)
        .map_err(|_| missing())
}

/// The file as a stream of 64 KiB chunks, each read off the runtime's threads (a recording
/// is never held in memory whole).
fn chunks(
    file: std::fs::File,
) -> impl futures_util::Stream<Item = std::io::Result<axum::body::Bytes>> {
    futures_util::stream::try_unfold(file, |mut file| async move {
        let (file, buf) = tokio::task::spawn_blocking(move || {
            use std::io::Read;
            let mut buf = vec![0u8; 64 * 1024];
            let n = file.read(&mut buf)?;
            buf.truncate(n);
            Ok::<_, std::io::Error>((file, buf))
        })
        .await
        .map_err(std::io::Error::other)??;
        Ok((!buf.is_empty()).then(|| (axum::body::Bytes::from(buf), file)))
    })
}
