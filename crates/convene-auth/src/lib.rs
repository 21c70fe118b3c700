//! Video SDK tokens: validating and minting the HS256 JWT a client presents to join a session.
//!
//! # Brief overview
//!
//! An *app* is one SDK key plus its secret ([`AppCredentials`]). The app's backend signs a JWT
//! with the secret, and the client presents it when it joins a session *topic*. The server
//! calls [`validate`], which either returns the [`TokenClaims`] it may trust (app, topic, role,
//! user identity, session key, lifetime) or a [`TokenError`] naming the rule that failed.
//! [`mint`] does the backend's side, for the `convene token` command and for tests.
//! [`validate_api`] and [`mint_api`] do the same for the tokens of the server's REST API
//! (`iss`, `iat`, `exp`; no topic or role), on the same signature checks.
//!
//! The rules (SPEC §2), all checked by [`validate`]:
//!
//! | claim | rule |
//! |---|---|
//! | header `alg` | exactly `HS256`; `none`, `HS384`, `RS256`... are refused |
//! | `app_key` | required; a key found in the `apps` passed in; its secret verifies the signature |
//! | `tpc` | required; equal to the join topic, compared case-insensitively |
//! | `role_type` | required; the JSON number `1` ([`Role::Host`]) or `0` ([`Role::Participant`]) |
//! | `version` | optional; `1` when present |
//! | `iat`, `exp` | required seconds; `exp > now`; `exp - iat` within [[`MIN_LIFETIME_SECS`], [`MAX_LIFETIME_SECS`]]; `iat <= now + `[`MAX_CLOCK_SKEW_SECS`] |
//! | `user_identity` / `user_key` | optional; at most [`MAX_IDENTITY_CHARS`](convene_protocol::MAX_IDENTITY_CHARS) characters; `user_key` is used when `user_identity` is absent |
//! | `session_key` | optional; at most [`MAX_IDENTITY_CHARS`](convene_protocol::MAX_IDENTITY_CHARS) characters |
//!
//! Time is always passed in (`now_secs`, Unix seconds): this crate never reads the clock, so
//! every rule is deterministic and testable at its exact boundary.
//!
//! ```
//! use convene_auth::{mint, validate, AppCredentials, MintOptions, Role, TokenError};
//!
//! let apps = [AppCredentials::new("my-sdk-key", "my-sdk-secret")];
//! let now = 1_700_000_000;
//! let token = mint(&MintOptions::new("my-sdk-key", "my-sdk-secret", "Daily-Standup", Role::Host, now));
//!
//! let claims = validate(&token, "daily-standup", &apps, now).unwrap();
//! assert_eq!(claims.role, Role::Host);
//! assert_eq!(claims.expires_at, now + 7200);
//!
//! // Three hours later the same token is refused, with a reason a user can act on.
//! let err = validate(&token, "daily-standup", &apps, now + 3 * 3600).unwrap_err();
//! assert_eq!(err, TokenError::Expired);
//! assert_eq!(err.to_string(), "token expired");
//! ```
//!
//! # Errors and panics
//!
//! Tokens are peer input: [`validate`] never panics, whatever the bytes. Every refusal is a
//! [`TokenError`] whose `Display` is the reason sent to the client. On the wire, errors for
//! which [`TokenError::is_role_type_error`] is true take code 3010 and all others code 200;
//! that mapping belongs to the server, so this crate does not depend on the protocol crate.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod api;
mod error;
mod mint;
mod validate;

pub use api::{mint_api, validate_api, ApiClaims};
pub use error::TokenError;
pub use mint::{mint, MintOptions, DEFAULT_TTL_SECS};
pub use validate::validate;

use std::fmt;

/// The shortest lifetime (`exp - iat`) a token may have, in seconds: 30 minutes.
pub const MIN_LIFETIME_SECS: u64 = 1800;
/// The longest lifetime (`exp - iat`) a token may have, in seconds: 48 hours.
pub const MAX_LIFETIME_SECS: u64 = 48 * 3600;
/// How far in the future `iat` may be, in seconds, to tolerate clocks that disagree.
pub const MAX_CLOCK_SKEW_SECS: u64 = 60;

/// One app: an SDK key and the secret that signs its tokens.
#[derive(Clone, PartialEq, Eq)]
pub struct AppCredentials {
    /// The SDK key; tokens name it in their `app_key` claim.
    pub key: String,
    /// The SDK secret, used as the HMAC-SHA256 key. Never printed by `Debug`.
    pub secret: String,
}

impl AppCredentials {
    /// Builds credentials from a key and its secret.
    pub fn new(key: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            secret: secret.into(),
        }
    }
}

// Hand-written so that logging a config never leaks a secret.
impl fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppCredentials")
            .field("key", &self.key)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// What the server learns from a valid token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenClaims {
    /// The `app_key` claim: which app signed the token.
    pub app_key: String,
    /// The `tpc` claim as written in the token (the join topic matched it ignoring case).
    pub topic: String,
    /// The `role_type` claim.
    pub role: Role,
    /// `user_identity`, or `user_key` when `user_identity` is absent; shown as `userIdentity`.
    /// An empty string counts as absent.
    pub user_identity: Option<String>,
    /// The `session_key` claim: when the session has one, later joiners must carry the same.
    /// An empty string counts as absent.
    pub session_key: Option<String>,
    /// The `iat` claim, Unix seconds.
    pub issued_at: u64,
    /// The `exp` claim, Unix seconds.
    pub expires_at: u64,
}

/// The role a token grants, from its `role_type` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `role_type` 1: the host (manager) of the session.
    Host,
    /// `role_type` 0: an ordinary participant.
    Participant,
}

impl Role {
    /// The `role_type` claim value for this role: 1 for [`Role::Host`], 0 for
    /// [`Role::Participant`].
    pub fn role_type(self) -> u8 {
        match self {
            Role::Host => 1,
            Role::Participant => 0,
        }
    }
}
