//! [`validate`]: checking a token against the SPEC §2 rules.

use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value};

use crate::{
    AppCredentials, Role, TokenClaims, TokenError, MAX_CLOCK_SKEW_SECS, MAX_LIFETIME_SECS,
    MIN_LIFETIME_SECS,
};
use convene_protocol::MAX_IDENTITY_CHARS;

type Claims = Map<String, Value>;

/// Validates `token` for a join to `topic` at Unix time `now_secs`, looking the app up by the
/// unverified `app_key` claim in `apps`.
///
/// Checks run in this order, and the first failure is returned: shape and `alg`, `app_key`
/// and signature (so nothing else is judged before the token is known to be authentic), then
/// `iat`/`exp` (expired, lifetime, issued in the future), `tpc`, `role_type`, `version`, and
/// the identity claims. See the crate docs for the rules.
///
/// Never panics, whatever `token` holds.
pub fn validate(
    token: &str,
    topic: &str,
    apps: &[AppCredentials],
    now_secs: u64,
) -> Result<TokenClaims, TokenError> {
    let malformed = |why: &str| TokenError::Malformed(why.to_owned());
    let (signing_input, signature) = token
        .rsplit_once('.')
        .ok_or_else(|| malformed("expected three dot-separated parts"))?;
    let (header_b64, payload_b64) = signing_input
        .split_once('.')
        .filter(|(_, payload)| !payload.contains('.'))
        .ok_or_else(|| malformed("expected three dot-separated parts"))?;

    // The header is read by hand, not with `jsonwebtoken::decode_header`: that one cannot
    // parse `"alg":"none"` and would report a confusing JSON error instead of the real reason.
    let header = decode_part(header_b64, "header")?;
    match header.get("alg") {
        Some(Value::String(alg)) if alg == "HS256" => {}
        Some(Value::String(alg)) => return Err(TokenError::UnsupportedAlg(alg.clone())),
        Some(other) => return Err(TokenError::UnsupportedAlg(other.to_string())),
        None => return Err(TokenError::UnsupportedAlg("no alg".to_owned())),
    }

    let claims = decode_part(payload_b64, "payload")?;
    // Unverified until the signature check below; it only picks which secret to try.
    let app_key = required_str(&claims, "app_key")?;
    let app = apps
        .iter()
        .find(|app| app.key == app_key)
        .ok_or(TokenError::UnknownAppKey)?;
    // Signature checks only, with no claim validation: jsonwebtoken's `decode` would also
    // read the system clock for `exp` and refuse an `aud` claim, and the rules here use
    // `now_secs` and give precise reasons. The HMAC comparison is constant-time.
    let key = DecodingKey::from_secret(app.secret.as_bytes());
    match jsonwebtoken::crypto::verify(signature, signing_input.as_bytes(), &key, Algorithm::HS256)
    {
        Ok(true) => {}
        Ok(false) => return Err(TokenError::BadSignature),
        Err(_) => return Err(malformed("signature is not base64url")),
    }

    let issued_at = required_secs(&claims, "iat")?;
    let expires_at = required_secs(&claims, "exp")?;
    if expires_at <= now_secs {
        return Err(TokenError::Expired);
    }
    let lifetime = expires_at
        .checked_sub(issued_at)
        .ok_or(TokenError::BadLifetime)?;
    if !(MIN_LIFETIME_SECS..=MAX_LIFETIME_SECS).contains(&lifetime) {
        return Err(TokenError::BadLifetime);
    }
    if issued_at > now_secs.saturating_add(MAX_CLOCK_SKEW_SECS) {
        return Err(TokenError::IssuedInFuture);
    }

    let token_topic = required_str(&claims, "tpc")?;
    if token_topic.to_lowercase() != topic.to_lowercase() {
        return Err(TokenError::TopicMismatch {
            expected: topic.to_owned(),
            got: token_topic.to_owned(),
        });
    }

    let role = match present(&claims, "role_type") {
        None => return Err(TokenError::MissingClaim("role_type")),
        Some(value) => match value.as_u64() {
            Some(1) => Role::Host,
            Some(0) => Role::Participant,
            _ => return Err(TokenError::InvalidRoleType(value.to_string())),
        },
    };

    if let Some(version) = present(&claims, "version") {
        if version.as_u64() != Some(1) {
            return Err(TokenError::InvalidClaim(
                "version",
                format!("must be 1, got {version}"),
            ));
        }
    }

    // Both identity claims must be strings if present; only the one used is length-checked.
    let user_identity = match optional_id(&claims, "user_identity")? {
        Some(identity) => Some(identity),
        None => optional_id(&claims, "user_key")?,
    };
    let session_key = optional_id(&claims, "session_key")?;

    Ok(TokenClaims {
        app_key: app_key.to_owned(),
        topic: token_topic.to_owned(),
        role,
        user_identity,
        session_key,
        issued_at,
        expires_at,
    })
}

/// Decodes one base64url (unpadded) part of the token into a JSON object.
fn decode_part(part: &str, name: &str) -> Result<Claims, TokenError> {
    // jsonwebtoken exposes its base64url+JSON decoding only for the middle part of a token,
    // so the part is wrapped as the middle of an empty-edged token (`part` holds no '.').
    let value: Value = jsonwebtoken::dangerous::insecure_decode_claims(format!(".{part}."))
        .map_err(|_| TokenError::Malformed(format!("{name} is not base64url JSON")))?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(TokenError::Malformed(format!(
            "{name} is not a JSON object"
        ))),
    }
}

/// The claim's value, treating JSON `null` as absent.
fn present<'a>(claims: &'a Claims, name: &str) -> Option<&'a Value> {
    claims.get(name).filter(|value| !value.is_null())
}

fn required_str<'a>(claims: &'a Claims, name: &'static str) -> Result<&'a str, TokenError> {
    match present(claims, name) {
        None => Err(TokenError::MissingClaim(name)),
        Some(Value::String(text)) => Ok(text),
        Some(_) => Err(TokenError::InvalidClaim(
            name,
            "must be a string".to_owned(),
        )),
    }
}

/// A time claim in whole seconds. Fractional seconds (some libraries write `Date.now() / 1000`)
/// are rounded down.
fn required_secs(claims: &Claims, name: &'static str) -> Result<u64, TokenError> {
    let value = present(claims, name).ok_or(TokenError::MissingClaim(name))?;
    match (value.as_u64(), value.as_f64()) {
        (Some(secs), _) => Ok(secs),
        // `as` saturates, and the bounds make the conversion exact up to the fraction.
        (None, Some(secs)) if secs.is_finite() && secs >= 0.0 && secs < u64::MAX as f64 => {
            Ok(secs.floor() as u64)
        }
        _ => Err(TokenError::InvalidClaim(
            name,
            format!("must be a non-negative number of seconds, got {value}"),
        )),
    }
}

/// An optional identifier claim: a string of at most [`MAX_IDENTITY_CHARS`] characters; an empty
/// string counts as absent.
fn optional_id(claims: &Claims, name: &'static str) -> Result<Option<String>, TokenError> {
    match present(claims, name) {
        None => Ok(None),
        Some(Value::String(text)) if text.is_empty() => Ok(None),
        Some(Value::String(text)) if text.chars().count() > MAX_IDENTITY_CHARS => {
            Err(TokenError::TooLong(name))
        }
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(TokenError::InvalidClaim(
            name,
            "must be a string".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;

    use super::*;
    use crate::{mint, MintOptions};

    const KEY: &str = "sdk-key";
    const SECRET: &str = "sdk-secret-0123456789abcdef012345";
    const NOW: u64 = 1_700_000_000;

    fn apps() -> Vec<AppCredentials> {
        vec![
            AppCredentials::new("other-key", "other-secret"),
            AppCredentials::new(KEY, SECRET),
        ]
    }

    /// Valid claims for topic "Standup" issued at `NOW`, to be altered by each test.
    fn good_claims() -> Value {
        json!({
            "app_key": KEY, "tpc": "Standup", "role_type": 0, "version": 1,
            "iat": NOW, "exp": NOW + 7200,
        })
    }

    /// Signs any JSON as an HS256 token with `secret`.
    fn sign(claims: &Value, secret: &str) -> String {
        let key = EncodingKey::from_secret(secret.as_bytes());
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key).unwrap()
    }

    fn check(claims: &Value) -> Result<TokenClaims, TokenError> {
        validate(&sign(claims, SECRET), "Standup", &apps(), NOW)
    }

    /// `good_claims()` with one claim set (or removed, for `Value::Null` meaning "remove").
    fn with(name: &str, value: Value) -> Value {
        let mut claims = good_claims();
        match value {
            Value::Null => {
                claims.as_object_mut().unwrap().remove(name);
            }
            value => claims[name] = value,
        }
        claims
    }

    /// Unpadded base64url, written here so the tests can build tokens no library would.
    fn b64url(bytes: &[u8]) -> String {
        const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    #[test]
    fn b64url_matches_known_values() {
        assert_eq!(b64url(b"{\"alg\":\"none\"}"), "eyJhbGciOiJub25lIn0");
        assert_eq!(b64url(b"ab"), "YWI");
        assert_eq!(b64url(b"\xfb\xff"), "-_8");
    }

    #[test]
    fn accepts_a_good_token_and_returns_its_claims() {
        let claims = check(&good_claims()).unwrap();
        assert_eq!(
            claims,
            TokenClaims {
                app_key: KEY.into(),
                topic: "Standup".into(),
                role: Role::Participant,
                user_identity: None,
                session_key: None,
                issued_at: NOW,
                expires_at: NOW + 7200,
            }
        );
    }

    #[test]
    fn accepts_what_mint_makes() {
        let mut opts = MintOptions::new(KEY, SECRET, "Standup", Role::Host, NOW);
        opts.user_identity = Some("alice".into());
        opts.session_key = Some("s3cret-session".into());
        let claims = validate(&mint(&opts), "standup", &apps(), NOW + 60).unwrap();
        assert_eq!(claims.role, Role::Host);
        assert_eq!(claims.user_identity.as_deref(), Some("alice"));
        assert_eq!(claims.session_key.as_deref(), Some("s3cret-session"));
        assert_eq!(claims.expires_at, NOW + 7200);
    }

    // ----- shape and alg -----

    #[test]
    fn refuses_garbage() {
        for token in [
            "",
            "abc",
            "a.b",
            "a.b.c.d",
            "...",
            "!!.!!.!!",
            "eyJ9.eyJ9.sig",
        ] {
            assert!(
                matches!(
                    validate(token, "Standup", &apps(), NOW),
                    Err(TokenError::Malformed(_))
                ),
                "{token:?}"
            );
        }
    }

    #[test]
    fn refuses_header_or_payload_that_is_not_an_object() {
        let header = b64url(br#"{"alg":"HS256"}"#);
        let token = format!("{}.{}.sig", header, b64url(b"[1,2]"));
        assert_eq!(
            validate(&token, "Standup", &apps(), NOW),
            Err(TokenError::Malformed("payload is not a JSON object".into()))
        );
        let token = format!("{}.{}.sig", b64url(b"\"HS256\""), b64url(b"{}"));
        assert_eq!(
            validate(&token, "Standup", &apps(), NOW),
            Err(TokenError::Malformed("header is not a JSON object".into()))
        );
    }

    #[test]
    fn refuses_alg_none() {
        let header = b64url(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = b64url(good_claims().to_string().as_bytes());
        for signature in ["", "c2ln"] {
            let token = format!("{header}.{payload}.{signature}");
            let err = validate(&token, "Standup", &apps(), NOW).unwrap_err();
            assert_eq!(err, TokenError::UnsupportedAlg("none".into()));
            assert_eq!(err.to_string(), "alg must be HS256, got none");
        }
    }

    #[test]
    fn refuses_other_algs() {
        let key = EncodingKey::from_secret(SECRET.as_bytes());
        for alg in [Algorithm::HS384, Algorithm::HS512] {
            let token = jsonwebtoken::encode(&Header::new(alg), &good_claims(), &key).unwrap();
            let err = validate(&token, "Standup", &apps(), NOW).unwrap_err();
            assert_eq!(err, TokenError::UnsupportedAlg(format!("{alg:?}")));
        }
        let payload = b64url(good_claims().to_string().as_bytes());
        for (header, shown) in [
            (r#"{"alg":"RS256"}"#, "RS256"),
            (r#"{"alg":"hs256"}"#, "hs256"),
            (r#"{"alg":256}"#, "256"),
            (r#"{"typ":"JWT"}"#, "no alg"),
        ] {
            let token = format!("{}.{payload}.c2ln", b64url(header.as_bytes()));
            assert_eq!(
                validate(&token, "Standup", &apps(), NOW),
                Err(TokenError::UnsupportedAlg(shown.into())),
                "{header}"
            );
        }
    }

    // ----- app_key and signature -----

    #[test]
    fn app_key_is_required_and_must_be_known() {
        assert_eq!(
            check(&with("app_key", Value::Null)),
            Err(TokenError::MissingClaim("app_key"))
        );
        assert_eq!(
            check(&with("app_key", json!("nobody"))),
            Err(TokenError::UnknownAppKey)
        );
        assert_eq!(
            check(&with("app_key", json!(7))),
            Err(TokenError::InvalidClaim(
                "app_key",
                "must be a string".into()
            ))
        );
    }

    #[test]
    fn picks_the_secret_of_the_named_app() {
        let claims = with("app_key", json!("other-key"));
        assert!(validate(&sign(&claims, "other-secret"), "Standup", &apps(), NOW).is_ok());
        assert_eq!(
            validate(&sign(&claims, SECRET), "Standup", &apps(), NOW),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn refuses_wrong_secret() {
        let token = sign(&good_claims(), "not-the-secret");
        assert_eq!(
            validate(&token, "Standup", &apps(), NOW),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn refuses_tampered_payload() {
        let token = sign(&good_claims(), SECRET);
        let (header, rest) = token.split_once('.').unwrap();
        let (_, signature) = rest.split_once('.').unwrap();
        let promoted = b64url(with("role_type", json!(1)).to_string().as_bytes());
        let tampered = format!("{header}.{promoted}.{signature}");
        assert_eq!(
            validate(&tampered, "Standup", &apps(), NOW),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn refuses_signature_that_is_not_base64url() {
        let token = sign(&good_claims(), SECRET);
        let (signing_input, _) = token.rsplit_once('.').unwrap();
        let token = format!("{signing_input}.not*base64");
        assert!(matches!(
            validate(&token, "Standup", &apps(), NOW),
            Err(TokenError::Malformed(_))
        ));
    }

    // ----- iat and exp -----

    #[test]
    fn iat_and_exp_are_required_numbers() {
        assert_eq!(
            check(&with("iat", Value::Null)),
            Err(TokenError::MissingClaim("iat"))
        );
        assert_eq!(
            check(&with("exp", Value::Null)),
            Err(TokenError::MissingClaim("exp"))
        );
        for bad in [json!("1700007200"), json!(-5), json!(true)] {
            assert!(matches!(
                check(&with("exp", bad)),
                Err(TokenError::InvalidClaim("exp", _))
            ));
        }
        let fractional = with("exp", json!((NOW + 7200) as f64 + 0.75));
        assert_eq!(check(&fractional).unwrap().expires_at, NOW + 7200);
    }

    #[test]
    fn refuses_expired_token() {
        let token = sign(&good_claims(), SECRET);
        assert!(validate(&token, "Standup", &apps(), NOW + 7199).is_ok());
        assert_eq!(
            validate(&token, "Standup", &apps(), NOW + 7200),
            Err(TokenError::Expired)
        );
        assert_eq!(
            validate(&token, "Standup", &apps(), NOW + 9999),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn lifetime_boundaries() {
        let lifetime = |secs: u64| with("exp", json!(NOW + secs));
        assert!(check(&lifetime(1800)).is_ok());
        assert!(check(&lifetime(172_800)).is_ok());
        assert_eq!(check(&lifetime(1799)), Err(TokenError::BadLifetime));
        assert_eq!(check(&lifetime(172_801)), Err(TokenError::BadLifetime));
        // exp before iat, but still in the future.
        let mut backwards = with("iat", json!(NOW + 60));
        backwards["exp"] = json!(NOW + 30);
        assert_eq!(check(&backwards), Err(TokenError::BadLifetime));
    }

    #[test]
    fn iat_may_be_at_most_a_minute_ahead() {
        let issued = |iat: u64| {
            let mut claims = with("iat", json!(iat));
            claims["exp"] = json!(iat + 3600);
            claims
        };
        assert!(check(&issued(NOW + 60)).is_ok());
        assert_eq!(check(&issued(NOW + 61)), Err(TokenError::IssuedInFuture));
        assert!(check(&issued(NOW - 3000)).is_ok());
    }

    #[test]
    fn huge_times_do_not_overflow() {
        let claims = json!({
            "app_key": KEY, "tpc": "Standup", "role_type": 0,
            "iat": u64::MAX - 3600, "exp": u64::MAX,
        });
        assert_eq!(check(&claims), Err(TokenError::IssuedInFuture));
        assert_eq!(
            validate(&sign(&good_claims(), SECRET), "Standup", &apps(), u64::MAX),
            Err(TokenError::Expired)
        );
    }

    // ----- tpc -----

    #[test]
    fn topic_is_required_and_must_match() {
        assert_eq!(
            check(&with("tpc", Value::Null)),
            Err(TokenError::MissingClaim("tpc"))
        );
        let err = check(&with("tpc", json!("Retro"))).unwrap_err();
        assert_eq!(
            err,
            TokenError::TopicMismatch {
                expected: "Standup".into(),
                got: "Retro".into()
            }
        );
        assert_eq!(err.to_string(), "topic mismatch: token is for 'Retro'");
    }

    #[test]
    fn topic_matches_ignoring_case() {
        let token = sign(&with("tpc", json!("Équipe STANDUP")), SECRET);
        let claims = validate(&token, "équipe standup", &apps(), NOW).unwrap();
        assert_eq!(
            claims.topic, "Équipe STANDUP",
            "the topic is returned as given"
        );
    }

    // ----- role_type and version -----

    #[test]
    fn role_type_must_be_the_number_1_or_0() {
        assert_eq!(
            check(&with("role_type", json!(1))).unwrap().role,
            Role::Host
        );
        assert_eq!(
            check(&with("role_type", json!(0))).unwrap().role,
            Role::Participant
        );
        for (bad, shown) in [
            (json!("1"), "\"1\""),
            (json!(2), "2"),
            (json!(-1), "-1"),
            (json!(1.5), "1.5"),
            (json!(true), "true"),
        ] {
            let err = check(&with("role_type", bad)).unwrap_err();
            assert_eq!(err, TokenError::InvalidRoleType(shown.into()));
            assert!(err.is_role_type_error());
        }
        let missing = check(&with("role_type", Value::Null)).unwrap_err();
        assert_eq!(missing, TokenError::MissingClaim("role_type"));
        assert!(missing.is_role_type_error());
    }

    #[test]
    fn version_is_optional_but_must_be_1() {
        assert!(check(&with("version", Value::Null)).is_ok());
        assert!(check(&with("version", json!(1))).is_ok());
        for bad in [json!(2), json!("1"), json!(0)] {
            let err = check(&with("version", bad)).unwrap_err();
            assert!(
                matches!(err, TokenError::InvalidClaim("version", _)),
                "{err}"
            );
            assert!(!err.is_role_type_error());
        }
    }

    // ----- user_identity, user_key, session_key -----

    #[test]
    fn user_identity_at_most_36_chars() {
        let id36 = "é".repeat(36); // 72 bytes: the limit is on characters
        let claims = check(&with("user_identity", json!(id36))).unwrap();
        assert_eq!(claims.user_identity, Some(id36));
        let err = check(&with("user_identity", json!("x".repeat(37)))).unwrap_err();
        assert_eq!(err, TokenError::TooLong("user_identity"));
        assert_eq!(err.to_string(), "user_identity longer than 36 characters");
        assert!(matches!(
            check(&with("user_identity", json!(42))),
            Err(TokenError::InvalidClaim("user_identity", _))
        ));
    }

    #[test]
    fn user_key_stands_in_for_user_identity() {
        let claims = check(&with("user_key", json!("bob"))).unwrap();
        assert_eq!(claims.user_identity.as_deref(), Some("bob"));

        let mut both = with("user_key", json!("bob"));
        both["user_identity"] = json!("alice");
        assert_eq!(
            check(&both).unwrap().user_identity.as_deref(),
            Some("alice")
        );

        assert_eq!(
            check(&with("user_key", json!("k".repeat(37)))),
            Err(TokenError::TooLong("user_key"))
        );
        assert_eq!(
            check(&with("user_identity", json!("")))
                .unwrap()
                .user_identity,
            None
        );
    }

    #[test]
    fn session_key_at_most_36_chars() {
        let claims = check(&with("session_key", json!("s".repeat(36)))).unwrap();
        assert_eq!(claims.session_key, Some("s".repeat(36)));
        assert_eq!(
            check(&with("session_key", json!("s".repeat(37)))),
            Err(TokenError::TooLong("session_key"))
        );
        assert_eq!(
            check(&with("session_key", Value::Null))
                .unwrap()
                .session_key,
            None
        );
    }

    #[test]
    fn ignores_unknown_claims() {
        let claims = with("aud", json!("someone-else"));
        assert!(check(&claims).is_ok());
    }
}
