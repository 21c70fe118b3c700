//! Every token rule of SPEC §2, one refusal reason each.

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
