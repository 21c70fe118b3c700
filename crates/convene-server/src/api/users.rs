//! `/api/v1/sessions/{session_id}/users...`: list and remove a session's users.

use super::auth::ApiApp;
use super::model::{ErrorBody, UserAction, UserItem, UserList, UserStatus};
use super::sessions::{admin, read, session_of};
use super::ApiError;
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::Json;
use convene_protocol::{SessionId, UserId};
use convene_session::Admin;
use std::sync::Arc;

/// The users of a live session.
#[utoipa::path(get, path = "/api/v1/sessions/{session_id}/users", tag = "users",
    params(("session_id" = String, Path, description = "The session's id")),
    responses(
        (status = 200, body = UserList),
        (status = 401, description = "Missing, bad or expired token", body = ErrorBody),
        (status = 307, description = "Another node of the cluster hosts it: the same request goes to `Location`", body = ErrorBody),
        (status = 404, description = "No such live session of this app", body = ErrorBody),
    ))]
pub(super) async fn list(
    State(state): State<Arc<AppState>>,
    ApiApp(app): ApiApp,
    OriginalUri(uri): OriginalUri,
    Path(session_id): Path<String>,
) -> Result<Json<UserList>, ApiError> {
    let h = session_of(&state, &app, &session_id, &uri).await?;
    let (_, users) = read(&h).await?;
    Ok(Json(UserList {
        users: users.iter().map(UserItem::from).collect(),
    }))
}

/// Removes a user, as when the host removes them.
#[utoipa::path(put, path = "/api/v1/sessions/{session_id}/users/{user_id}/status", tag = "users",
    params(
        ("session_id" = String, Path, description = "The session's id"),
        ("user_id" = u32, Path, description = "The user's id in the session"),
    ),
    request_body = UserStatus,
    responses(
        (status = 204, description = "Removed: the user got `connection-change` Closed \"kicked by host\", the others `user-removed`"),
        (status = 400, description = "The body is not `{\"action\": \"remove\"}`", body = ErrorBody),
        (status = 401, description = "Missing, bad or expired token", body = ErrorBody),
        (status = 307, description = "Another node of the cluster hosts it: the same request goes to `Location`", body = ErrorBody),
        (status = 404, description = "No such live session of this app, or no such user in it", body = ErrorBody),
    ))]
pub(super) async fn status(
    State(state): State<Arc<AppState>>,
    ApiApp(app): ApiApp,
    OriginalUri(uri): OriginalUri,
    Path((session_id, user_id)): Path<(String, String)>,
    body: Result<Json<UserStatus>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let h = session_of(&state, &app, &session_id, &uri).await?;
    let user = user_id
        .parse()
        .map(UserId)
        .map_err(|_| ApiError::not_found(format!("no user {user_id} in the session")))?;
    let Json(UserStatus { action }) = body?;
    let session = SessionId(session_id);
    let action = match action {
        UserAction::Remove => Admin::Remove { session, user },
    };
    admin(&h, action).await
}
