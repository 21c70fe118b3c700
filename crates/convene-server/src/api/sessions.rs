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
use axum::extract::{OriginalUri, Path, State};
use axum::http::{StatusCode, Uri};
use axum::Json;
use convene_protocol::{Participant, SessionId};
use convene_session::{Admin, AdminError, SessionInfo};
use std::sync::Arc;
use tokio::sync::oneshot;

/// The live session `id` of `app`: another app's session is as unknown as none. On a
/// cluster, a session another node hosts is a 307 to the same `uri` on that node.
pub(super) async fn session_of(
    state: &AppState,
    app: &str,
    id: &str,
    uri: &Uri,
) -> Result<SessionHandle, ApiError> {
    let id = SessionId(id.to_owned());
    let here = state.router.find(&id).await;
    if let Some(h) = here.filter(|h| h.shared.key.app == app) {
        return Ok(h);
    }
    let there = state.router.host_of(&id, app).await;
    match there.as_deref().and_then(http_base) {
        Some(base) => Err(ApiError::elsewhere(format!(
            "{base}{}",
            uri.path_and_query().map_or("", |p| p.as_str())
        ))),
        None => Err(ApiError::not_found(format!("no session {id}"))),
    }
}

/// `http://host:port` of a node from its signaling URL (`ws://host:port/rtc/v1`).
fn http_base(signaling: &str) -> Option<String> {
    let (scheme, rest) = signaling.split_once("://")?;
    let scheme = match scheme {
        "ws" => "http",
        "wss" => "https",
        _ => return None,
    };
    let host = rest.split('/').next().filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
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
        (status = 307, description = "Another node of the cluster hosts it: the same request goes to `Location`", body = ErrorBody),
        (status = 404, description = "No such live session of this app", body = ErrorBody),
    ))]
pub(super) async fn get(
    State(state): State<Arc<AppState>>,
    ApiApp(app): ApiApp,
    OriginalUri(uri): OriginalUri,
    Path(session_id): Path<String>,
) -> Result<Json<SessionDetail>, ApiError> {
    let h = session_of(&state, &app, &session_id, &uri).await?;
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
        (status = 307, description = "Another node of the cluster hosts it: the same request goes to `Location`", body = ErrorBody),
        (status = 404, description = "No such live session of this app", body = ErrorBody),
    ))]
pub(super) async fn status(
    State(state): State<Arc<AppState>>,
    ApiApp(app): ApiApp,
    OriginalUri(uri): OriginalUri,
    Path(session_id): Path<String>,
    body: Result<Json<SessionStatus>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let h = session_of(&state, &app, &session_id, &uri).await?;
    let Json(SessionStatus { action }) = body?;
    let session = SessionId(session_id);
    let action = match action {
        SessionAction::End => Admin::End { session },
    };
    admin(&h, action).await
}

#[cfg(test)]
mod tests {
    use super::http_base;

    #[test]
    fn a_node_is_reached_over_http_where_it_signals() {
        assert_eq!(
            http_base("ws://10.0.0.2:8080/rtc/v1").as_deref(),
            Some("http://10.0.0.2:8080")
        );
        assert_eq!(
            http_base("wss://b.example.com/rtc/v1").as_deref(),
            Some("https://b.example.com")
        );
        assert_eq!(http_base("ftp://x/rtc/v1"), None);
        assert_eq!(http_base("ws:///rtc/v1"), None);
    }
}
