//! [`TokenError`]: why a token was refused.

use std::fmt;

use crate::{MAX_LIFETIME_SECS, MIN_LIFETIME_SECS};
use convene_protocol::MAX_IDENTITY_CHARS;

/// Why a token was refused.
///
/// `Display` is the reason shown to the client, so it names the rule that failed without
/// revealing anything about other apps or secrets.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// The token is not three base64url parts of JSON objects; the text says what is wrong.
    Malformed(String),
    /// The header's `alg` is not `HS256` (it may be `none`, another algorithm, or missing).
    UnsupportedAlg(String),
    /// The `app_key` claim names no app this server knows.
    UnknownAppKey,
    /// The signature does not match the app's secret, or the token was altered after signing.
    BadSignature,
    /// `exp` is not after the current time.
    Expired,
    /// `iat` is more than [`MAX_CLOCK_SKEW_SECS`](crate::MAX_CLOCK_SKEW_SECS) seconds in the
    /// future.
    IssuedInFuture,
    /// A REST API token's `exp` is more than [`MAX_LIFETIME_SECS`] ahead of now.
    ExpiresTooLate,
    /// `exp - iat` is outside [[`MIN_LIFETIME_SECS`], [`MAX_LIFETIME_SECS`]].
    BadLifetime,
    /// A required claim is absent (or `null`).
    MissingClaim(&'static str),
    /// A claim has the wrong JSON type or a forbidden value: the claim name, then the rule.
    InvalidClaim(&'static str, String),
    /// A string claim is longer than [`MAX_IDENTITY_CHARS`] characters.
    TooLong(&'static str),
    /// The `tpc` claim is not the topic being joined, even ignoring case.
    TopicMismatch {
        /// The topic the client is joining.
        expected: String,
        /// The `tpc` claim in the token.
        got: String,
    },
    /// `role_type` is present but is not the JSON number 1 or 0; holds the value as JSON text
    /// (so the string `"1"` shows with its quotes).
    InvalidRoleType(String),
}

impl TokenError {
    /// True when the error is about `role_type` (wire code 3010); every other token error
    /// takes wire code 200.
    pub fn is_role_type_error(&self) -> bool {
        matches!(
            self,
            TokenError::InvalidRoleType(_) | TokenError::MissingClaim("role_type")
        )
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::Malformed(why) => write!(f, "malformed token: {why}"),
            TokenError::UnsupportedAlg(alg) => write!(f, "alg must be HS256, got {alg}"),
            TokenError::UnknownAppKey => f.write_str("unknown app key"),
            TokenError::BadSignature => f.write_str("bad signature"),
            TokenError::Expired => f.write_str("token expired"),
            TokenError::IssuedInFuture => f.write_str("iat is in the future"),
            TokenError::BadLifetime => write!(
                f,
                "exp - iat must be between {MIN_LIFETIME_SECS} s and {} h",
                MAX_LIFETIME_SECS / 3600
            ),
            TokenError::ExpiresTooLate => write!(
                f,
                "exp must be at most {} h ahead",
                MAX_LIFETIME_SECS / 3600
            ),
            TokenError::MissingClaim(claim) => write!(f, "missing claim {claim}"),
            TokenError::InvalidClaim(claim, why) => write!(f, "invalid claim {claim}: {why}"),
            TokenError::TooLong(claim) => {
                write!(f, "{claim} longer than {MAX_IDENTITY_CHARS} characters")
            }
            TokenError::TopicMismatch { got, .. } => {
                write!(f, "topic mismatch: token is for '{got}'")
            }
            TokenError::InvalidRoleType(value) => {
                write!(
                    f,
                    "role_type must be the number 1 (host) or 0 (participant), got {value}"
                )
            }
        }
    }
}

impl std::error::Error for TokenError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_rule() {
        let cases = [
            (TokenError::Expired, "token expired"),
            (TokenError::BadSignature, "bad signature"),
            (TokenError::UnknownAppKey, "unknown app key"),
            (TokenError::IssuedInFuture, "iat is in the future"),
            (
                TokenError::BadLifetime,
                "exp - iat must be between 1800 s and 48 h",
            ),
            (
                TokenError::UnsupportedAlg("none".into()),
                "alg must be HS256, got none",
            ),
            (TokenError::MissingClaim("app_key"), "missing claim app_key"),
            (
                TokenError::TooLong("user_identity"),
                "user_identity longer than 36 characters",
            ),
            (
                TokenError::TopicMismatch {
                    expected: "y".into(),
                    got: "x".into(),
                },
                "topic mismatch: token is for 'x'",
            ),
            (
                TokenError::Malformed("no dots".into()),
                "malformed token: no dots",
            ),
            (
                TokenError::InvalidRoleType("\"1\"".into()),
                "role_type must be the number 1 (host) or 0 (participant), got \"1\"",
            ),
        ];
        for (err, text) in cases {
            assert_eq!(err.to_string(), text);
        }
    }

    #[test]
    fn only_role_type_errors_are_3010() {
        assert!(TokenError::InvalidRoleType("2".into()).is_role_type_error());
        assert!(TokenError::MissingClaim("role_type").is_role_type_error());
        assert!(!TokenError::MissingClaim("tpc").is_role_type_error());
        assert!(!TokenError::Expired.is_role_type_error());
        assert!(!TokenError::InvalidClaim("version", "must be 1".into()).is_role_type_error());
    }
}
