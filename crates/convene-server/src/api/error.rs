//! [`ApiError`]: every refusal of the REST API, as `{"code": N, "message": S}` where `code` is
//! the HTTP status.

use super::model::ErrorBody;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// A refusal: its status and a message naming the rule that failed (never a secret, nothing
/// about other apps).
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
    /// Where to ask instead (a 307's `Location`).
    location: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            location: None,
        }
    }

    /// 307: the session is hosted by another node of the cluster; the same request goes to
    /// `location` (HTTP clients follow it with the method, body and token).
    pub(crate) fn elsewhere(location: String) -> Self {
        ApiError {
            location: Some(location),
            ..Self::new(
                StatusCode::TEMPORARY_REDIRECT,
                "the session is hosted by another node of the cluster",
            )
        }
    }

    /// 401: no token, or a token that is not valid.
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    /// 404: no such session of this app, or no such user in it.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.status.as_u16(),
            message: self.message,
        };
        let mut r = (self.status, Json(body)).into_response();
        if let Some(l) = self.location.and_then(|l| l.parse().ok()) {
            r.headers_mut().insert(axum::http::header::LOCATION, l);
        }
        r
    }
}

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    /// A body that is too large (413), not JSON or not the expected object (400, 415).
    fn from(r: axum::extract::rejection::JsonRejection) -> Self {
        ApiError::new(r.status(), r.body_text())
    }
}
