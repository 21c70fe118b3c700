//! [`mint`]: signing a token, as an app's backend would.

use std::fmt;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::Role;

/// The lifetime [`MintOptions::new`] gives a token, in seconds: 2 hours.
pub const DEFAULT_TTL_SECS: u64 = 7200;

/// What to put in a token made by [`mint`].
#[derive(Clone, PartialEq, Eq)]
pub struct MintOptions {
    /// The SDK key, written as the `app_key` claim.
    pub app_key: String,
    /// The SDK secret that signs the token. Never printed by `Debug`.
    pub secret: String,
    /// The session topic, written as the `tpc` claim.
    pub topic: String,
    /// The role, written as the `role_type` claim.
    pub role: Role,
    /// Seconds from `iat` to `exp`. [`validate`](crate::validate) accepts 1800 to 172800.
    pub ttl_secs: u64,
    /// Written as the `user_identity` claim when set.
    pub user_identity: Option<String>,
    /// Written as the `session_key` claim when set.
    pub session_key: Option<String>,
    /// The issue time, Unix seconds, written as `iat`; `exp` is `now_secs + ttl_secs`.
    pub now_secs: u64,
}

impl MintOptions {
    /// Options for a token with a [`DEFAULT_TTL_SECS`] lifetime and no user identity or
    /// session key; set those fields afterwards if needed.
    pub fn new(
        app_key: impl Into<String>,
        secret: impl Into<String>,
        topic: impl Into<String>,
        role: Role,
        now_secs: u64,
    ) -> Self {
        Self {
            app_key: app_key.into(),
            secret: secret.into(),
            topic: topic.into(),
            role,
            ttl_secs: DEFAULT_TTL_SECS,
            user_identity: None,
            session_key: None,
            now_secs,
        }
    }
}

// Hand-written so that logging options never leaks the secret.
impl fmt::Debug for MintOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MintOptions")
            .field("app_key", &self.app_key)
            .field("secret", &"<redacted>")
            .field("topic", &self.topic)
            .field("role", &self.role)
            .field("ttl_secs", &self.ttl_secs)
            .field("user_identity", &self.user_identity)
            .field("session_key", &self.session_key)
            .field("now_secs", &self.now_secs)
            .finish()
    }
}

/// Signs a token (header `{"alg":"HS256","typ":"JWT"}`) with the claims described by `opts`,
/// plus `"version": 1`.
///
/// It writes what it is given and checks no rule, so it can also make tokens that
/// [`validate`](crate::validate) refuses (a 10-minute lifetime, a 40-character identity), which
/// is handy in tests.
pub fn mint(opts: &MintOptions) -> String {
    let mut claims = json!({
        "app_key": opts.app_key,
        "tpc": opts.topic,
        "role_type": opts.role.role_type(),
        "version": 1,
        "iat": opts.now_secs,
        "exp": opts.now_secs.saturating_add(opts.ttl_secs),
    });
    if let Some(identity) = &opts.user_identity {
        claims["user_identity"] = Value::from(identity.as_str());
    }
    if let Some(session_key) = &opts.session_key {
        claims["session_key"] = Value::from(session_key.as_str());
    }
    let key = EncodingKey::from_secret(opts.secret.as_bytes());
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key)
        // expect is ok because encode fails only when the key family differs from the alg's
        // (both are HMAC here), when claims do not serialize (a JSON Value always does), or
        // when HMAC rejects the key (HMAC takes keys of any length).
        .expect("HS256 signing of JSON claims with a secret cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_defaults_to_two_hours_and_no_identity() {
        let opts = MintOptions::new("k", "s", "t", Role::Participant, 100);
        assert_eq!(opts.ttl_secs, 7200);
        assert_eq!(opts.user_identity, None);
        assert_eq!(opts.session_key, None);
    }

    #[test]
    fn writes_the_claims_it_is_given() {
        let mut opts = MintOptions::new("key", "secret", "Topic", Role::Host, 1000);
        opts.ttl_secs = 3600;
        opts.user_identity = Some("alice".into());
        opts.session_key = Some("sk".into());
        let token = mint(&opts);
        let claims: Value = jsonwebtoken::dangerous::insecure_decode_claims(&token).unwrap();
        assert_eq!(
            claims,
            json!({
                "app_key": "key", "tpc": "Topic", "role_type": 1, "version": 1,
                "iat": 1000, "exp": 4600, "user_identity": "alice", "session_key": "sk",
            })
        );
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.alg, Algorithm::HS256);
        assert_eq!(header.typ.as_deref(), Some("JWT"));
    }

    #[test]
    fn debug_hides_the_secret() {
        let opts = MintOptions::new("key", "hunter2", "t", Role::Host, 0);
        assert!(!format!("{opts:?}").contains("hunter2"));
        let app = crate::AppCredentials::new("key", "hunter2");
        assert!(!format!("{app:?}").contains("hunter2"));
    }
}
