//! [`ApiApp`]: the app a REST request acts for, from its bearer token.

use super::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use std::sync::Arc;

/// The app whose sessions a request may see: the `iss` of a valid bearer token.
#[derive(Debug)]
pub(crate) struct ApiApp(pub(crate) String);

impl FromRequestParts<Arc<AppState>> for ApiApp {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::unauthorized("Authorization: Bearer <JWT> required"))?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        convene_auth::validate_api(token.trim(), &state.config.apps, now)
            .map(|c| ApiApp(c.app_key))
            .map_err(|e| ApiError::unauthorized(e.to_string()))
    }
}
