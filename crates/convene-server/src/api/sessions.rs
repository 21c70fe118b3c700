//! `/api/v1/sessions...`: list, read and end an app's sessions.

use super::auth::ApiApp;
use super::model::{
    ErrorBody, SessionAction, SessionDetail, SessionItem, SessionList, SessionStatus,
};
use super::ApiError;
use crate::handle::{SessionHandle, SessionMsg};
use crate::state::AppState;
use crate::time::rfc3339;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use convene_protocol::{Participant, SessionId};
use convene_session::{Admin, AdminError, SessionInfo};
use std::sync::Arc;
use tokio::sync::oneshot;

/// The live session `id` of `app`: another app's session is as unknown as none.
pub(super) async fn session_of(
    state: &AppState,
    app: &str,
    id: &str,
) -> Result<SessionHandle, ApiError> {
    let id = SessionId(id.to_owned());
    state
        .router
        .find(&id)
        .await
        .filter(|h| h.shared.key.app == app)
        .ok_or_else(|| ApiError::not_found(format!("no session {id}")))
}

/// The session's view and its users, from its task.
pub(super) async fn read(h: &SessionHandle) -> Result<(SessionInfo, Vec<Participant>), ApiError> {
    let (done, rx) = oneshot::channel();
    let gone = || ApiError::not_found("the session has ended");
    h.tx.send(SessionMsg::Read { done })
        .await
        .map_err(|_| gone())?;
    rx.await.ok().flatten().ok_or_else(gone)
}

/// Has the session's task apply `action`.
pub(super) async fn admin(h: &SessionHandle, action: Admin) -> Result<StatusCode, ApiError> {
    let (done, rx) = oneshot::channel();
    let gone = || ApiError::not_found("the session has ended");
    h.tx.send(SessionMsg::Admin { action, done })
        .await
        .map_err(|_| gone())?;
    match rx.await.map_err(|_| gone())? {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(AdminError::NoSuchUser) => Err(ApiError::not_found("no such user in the session")),
        Err(_) => Err(gone()),
    }
}

/// The app's live sessions.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "sessions",
    responses(
        (status = 200, body = SessionList),
        (status = 401, description = "Missing, bad or expired token", body = ErrorBody),
    ))]
pub(super) async fn list(
    State(state): State<Arc<AppState>>,
    ApiApp(app): ApiApp,
) -> Json<SessionList> {
    let sessions = state
        .router
        .list(&app)
        .await
        .into_iter()
        .map(|s| SessionItem {
            session_id: s.session_id.to_string(),
            session_name: s.topic,
            start_time: rfc3339(s.started_ms),
            user_count: s.users,
        })
        .collect();
    Json(SessionList { sessions })
}

/// One live session.
#[utoipa::path(get, path = "/api/v1/sessions/{session_id}", tag = "sessions",
    params(("session_id" = String, Path, description = "The session's id")),
    responses(
        (status = 200, body = SessionDetail),
        (status = 401, description = "Missing, bad or expired token", body = ErrorBody),
        (status = 404, description = "No such live session of this app", body = ErrorBody),
    ))]
pub(super) async fn get(
    State(state): State<Arc<AppState>>,
    ApiApp(app): ApiApp,
    Path(session_id): Path<String>,
) -> Result<Json<SessionDetail>, ApiError> {
    let h = session_of(&state, &app, &session_id).await?;
    let (info, _) = read(&h).await?;
    Ok(Json(SessionDetail::from(&info)))
}

/// Ends a session for everyone, as when its host ends it.
#[utoipa::path(put, path = "/api/v1/sessions/{session_id}/status", tag = "sessions",
    params(("session_id" = String, Path, description = "The session's id")),
    request_body = SessionStatus,
    responses(
        (status = 204, description = "Ended: users got `connection-change` Closed \"ended by host\""),
        (status = 400, description = "The body is not `{\"action\": \"end\"}`", body = ErrorBody),
        (status = 401, description = "Missing, bad or expired token", body = ErrorBody),
        (status = 404, description = "No such live session of this app", body = ErrorBody),
    ))]
pub(super) async fn status(
    State(state): State<Arc<AppState>>,
    ApiApp(app): ApiApp,
    Path(session_id): Path<String>,
    body: Result<Json<SessionStatus>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let h = session_of(&state, &app, &session_id).await?;
    let Json(SessionStatus { action }) = body?;
    let session = SessionId(session_id);
    let action = match action {
        SessionAction::End => Admin::End { session },
    };
    admin(&h, action).await
}
