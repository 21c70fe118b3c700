//! The REST API under `/api/v1`, for an app's backend: list its live sessions and their users,
//! end a session, remove a user. Its OpenAPI document, generated from these handlers by
//! `utoipa`, is served at `/api/v1/openapi.json`.
//!
//! Every request carries `Authorization: Bearer <JWT>` signed with an app's secret
//! ([`convene_auth::validate_api`]) and sees only that app's sessions. Sessions are reached
//! through the [`Router`](crate::router::Router) and changed only by their own task
//! ([`SessionMsg::Admin`](crate::handle::SessionMsg)), where the session core applies the
//! host's own rules. Errors are JSON `{"code", "message"}` ([`ApiError`]).
//!
//! Inside: `auth` (the bearer token), `error` (the error body), `model` (request and
//! response bodies), `sessions`, `users` and `recordings` (the handlers; recordings are
//! listed from disk, so an ended session's stay reachable).

mod auth;
mod error;
mod model;
mod recordings;
mod sessions;
mod users;

use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, put};
use axum::{Json, Router};
use std::sync::Arc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;

pub(crate) use auth::ApiApp;
pub(crate) use error::ApiError;
pub(crate) use model::RecordingItem;

/// The largest request body the API reads: its bodies are one small JSON object.
const MAX_BODY: usize = 1024;

/// The routes under `/api/v1` (but `/api/v1/client-config`, which is the SDK's).
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/v1/sessions", get(sessions::list))
        .route("/api/v1/sessions/{session_id}", get(sessions::get))
        .route(
            "/api/v1/sessions/{session_id}/status",
            put(sessions::status),
        )
        .route("/api/v1/sessions/{session_id}/users", get(users::list))
        .route(
            "/api/v1/sessions/{session_id}/users/{user_id}/status",
            put(users::status),
        )
        .route(
            "/api/v1/sessions/{session_id}/recordings",
            get(recordings::list),
        )
        .route(
            "/api/v1/sessions/{session_id}/recordings/{recording_id}/file",
            get(recordings::file),
        )
        .route(
            "/api/v1/sessions/{session_id}/recordings/{recording_id}/tracks/{file_name}",
            get(recordings::track),
        )
        .route("/api/v1/openapi.json", get(openapi))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Convene REST API",
        description = "Live sessions of one app: list them and their users, end a session, remove a user; \
                       list and download a session's cloud recordings. \
                       Authenticate with `Authorization: Bearer <JWT>`: HS256 with the app's secret, \
                       claims `iss` (the SDK key), `iat`, `exp` (at most 48 h ahead)."
    ),
    paths(
        sessions::list,
        sessions::get,
        sessions::status,
        users::list,
        users::status,
        recordings::list,
        recordings::file,
        recordings::track
    ),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
struct ApiDoc;

/// Declares the `bearer` security scheme the paths refer to.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// `GET /api/v1/openapi.json`: the API's OpenAPI 3.1 document (public, like this file).
async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
