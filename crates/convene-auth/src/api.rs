//! REST API tokens: [`validate_api`] and [`mint_api`].
//!
//! An app's backend calls the server's REST API (`/api/v1`) with
//! `Authorization: Bearer <JWT>`, an HS256 token signed with the app's secret whose claims
//! are `iss` (the SDK key), `iat` and `exp`. It is not a join token: it names no topic and
//! no role, and it can be short-lived (no minimum lifetime), but `exp` may be at most
//! [`MAX_LIFETIME_SECS`] ahead of the server's clock.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

use crate::validate::{required_secs, verify};
use crate::{AppCredentials, TokenError, MAX_CLOCK_SKEW_SECS, MAX_LIFETIME_SECS};

/// What the server learns from a valid REST API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClaims {
    /// The `iss` claim: the app whose sessions the request may see.
    pub app_key: String,
    /// The `iat` claim, Unix seconds.
    pub issued_at: u64,
    /// The `exp` claim, Unix seconds.
    pub expires_at: u64,
}

/// Validates a REST API token at Unix time `now_secs`, looking the app up by the unverified
/// `iss` claim in `apps`.
///
/// In order: shape, `alg` HS256, `iss` known and the signature with its secret (the same
/// steps as [`validate`](crate::validate)), then `iat` and `exp` present, `exp > now`,
/// `exp <= now + `[`MAX_LIFETIME_SECS`] ([`TokenError::ExpiresTooLate`]) and
/// `iat <= now + `[`MAX_CLOCK_SKEW_SECS`]. Never panics, whatever `token` holds.
pub fn validate_api(
    token: &str,
    apps: &[AppCredentials],
    now_secs: u64,
) -> Result<ApiClaims, TokenError> {
    let (claims, app) = verify(token, apps, "iss")?;
    let issued_at = required_secs(&claims, "iat")?;
    let expires_at = required_secs(&claims, "exp")?;
    if expires_at <= now_secs {
        return Err(TokenError::Expired);
    }
    if expires_at > now_secs.saturating_add(MAX_LIFETIME_SECS) {
        return Err(TokenError::ExpiresTooLate);
    }
    if issued_at > now_secs.saturating_add(MAX_CLOCK_SKEW_SECS) {
        return Err(TokenError::IssuedInFuture);
    }
    Ok(ApiClaims {
        app_key: app.key.clone(),
        issued_at,
        expires_at,
    })
}

/// Signs a REST API token for `app` (`iss` = its key), issued at `now_secs` and valid for
/// `ttl_secs`. Like [`mint`](crate::mint) it checks no rule, so tests can make tokens that
/// [`validate_api`] refuses.
pub fn mint_api(app: &AppCredentials, now_secs: u64, ttl_secs: u64) -> String {
    let claims = json!({
        "iss": app.key,
        "iat": now_secs,
        "exp": now_secs.saturating_add(ttl_secs),
    });
    let key = EncodingKey::from_secret(app.secret.as_bytes());
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key)
        // expect is ok for the reasons given in `mint`: HMAC keys of any length, JSON claims.
        .expect("HS256 signing of JSON claims with a secret cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;

    fn apps() -> Vec<AppCredentials> {
        vec![
            AppCredentials::new("other", "other-secret"),
            AppCredentials::new("key", "secret-0123456789abcdef0123456789"),
        ]
    }

    #[test]
    fn accepts_a_good_token_and_names_its_app() {
        let t = mint_api(&apps()[1], NOW, 600);
        let c = validate_api(&t, &apps(), NOW).unwrap();
        assert_eq!(
            c,
            ApiClaims {
                app_key: "key".into(),
                issued_at: NOW,
                expires_at: NOW + 600
            }
        );
    }

    #[test]
    fn refuses_expired_too_late_future_and_foreign_tokens() {
        let app = &apps()[1];
        let check = |t: &str| validate_api(t, &apps(), NOW);
        assert_eq!(
            check(&mint_api(app, NOW - 700, 600)),
            Err(TokenError::Expired)
        );
        assert_eq!(
            check(&mint_api(app, NOW, MAX_LIFETIME_SECS + 1)),
            Err(TokenError::ExpiresTooLate)
        );
        assert!(check(&mint_api(app, NOW, MAX_LIFETIME_SECS)).is_ok());
        assert_eq!(
            check(&mint_api(app, NOW + 120, 600)),
            Err(TokenError::IssuedInFuture)
        );
        let stranger = AppCredentials::new("key", "not-the-secret");
        assert_eq!(
            check(&mint_api(&stranger, NOW, 600)),
            Err(TokenError::BadSignature)
        );
        let unknown = AppCredentials::new("nobody", "x");
        assert_eq!(
            check(&mint_api(&unknown, NOW, 600)),
            Err(TokenError::UnknownAppKey)
        );
    }

    #[test]
    fn a_join_token_is_not_an_api_token() {
        let opts = crate::MintOptions::new("key", &apps()[1].secret, "t", crate::Role::Host, NOW);
        assert_eq!(
            validate_api(&crate::mint(&opts), &apps(), NOW),
            Err(TokenError::MissingClaim("iss"))
        );
    }
}
