//! `/api/v1/sessions/{session_id}/recordings...`: an app's cloud recordings of a session
//! (live or ended), and the download of one.

use super::auth::ApiApp;
use super::model::{ErrorBody, RecordingItem, RecordingList};
use super::ApiError;
use crate::egress::{recording_path, recordings_of};
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
    let missing = || ApiError::not_found("no such recording");
    let dir = state.config.egress.recordings_dir.clone();
    let (sid, rid) = (session_id.clone(), recording_id.clone());
    // Listed for this app (finished, its own) or not served at all.
    let listed = tokio::task::spawn_blocking(move || {
        recordings_of(&dir, &app, &sid)
            .into_iter()
            .any(|f| f.id == rid)
    })
    .await
    .unwrap_or(false);
    let path = recording_path(
        &state.config.egress.recordings_dir,
        &session_id,
        &recording_id,
    )
    .filter(|_| listed)
    .ok_or_else(missing)?;
    let file = std::fs::File::open(&path).map_err(|_| missing())?;
    let len = file.metadata().map_err(|_| missing())?.len();
    let body = Body::from_stream(chunks(file));
    Response::builder()
        .header(header::CONTENT_TYPE, "video/mp4")
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
