//! Interop: tokens minted by an independent library (PyJWT) are judged like our own, and
//! PyJWT accepts ours.
//!
//! Needs `python3` with PyJWT (`pip install pyjwt`). These tests fail, not skip, without it,
//! so CI cannot go green without having checked interop.

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use convene_auth::{mint, validate, AppCredentials, MintOptions, Role, TokenError};
use serde_json::{json, Value};

const KEY: &str = "pyjwt-sdk-key";
// At least 32 bytes, so recent PyJWT does not warn about a short HMAC key.
const SECRET: &str = "pyjwt-sdk-secret-0123456789abcdef";

/// Exit code of the Python snippets when `import jwt` fails.
const NO_PYJWT: i32 = 42;

/// Encodes `argv[1]` (claims as JSON) with secret `argv[2]`; PyJWT 1.x returns bytes.
const ENCODE: &str = r#"
import json, sys
try:
    import jwt
except ImportError:
    sys.exit(42)
token = jwt.encode(json.loads(sys.argv[1]), sys.argv[2], algorithm="HS256")
print(token.decode() if isinstance(token, bytes) else token)
"#;

/// Verifies token `argv[1]` with secret `argv[2]` and prints its claims as JSON.
const DECODE: &str = r#"
import json, sys
try:
    import jwt
except ImportError:
    sys.exit(42)
print(json.dumps(jwt.decode(sys.argv[1], sys.argv[2], algorithms=["HS256"])))
"#;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock before 1970")
        .as_secs()
}

fn apps() -> Vec<AppCredentials> {
    vec![AppCredentials::new(KEY, SECRET)]
}

/// Runs a Python snippet with two arguments and returns its trimmed stdout.
fn python(script: &str, arg1: &str, arg2: &str) -> String {
    let output = Command::new("python3")
        .args(["-c", script, arg1, arg2])
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}): install Python 3, then `pip install pyjwt`")
        });
    if output.status.code() == Some(NO_PYJWT) {
        panic!("PyJWT is missing: `import jwt` failed in python3. Run `pip install pyjwt`.");
    }
    assert!(
        output.status.success(),
        "python3 failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("python3 printed non-UTF-8")
        .trim()
        .to_owned()
}

fn pyjwt_token(claims: &Value, secret: &str) -> String {
    python(ENCODE, &claims.to_string(), secret)
}

/// Valid claims for topic "Interop Room", issued now, with a two-hour lifetime.
fn claims(now: u64) -> Value {
    json!({
        "app_key": KEY, "tpc": "Interop Room", "role_type": 1, "version": 1,
        "iat": now, "exp": now + 7200, "user_identity": "py-user", "session_key": "py-session",
    })
}

#[test]
fn pyjwt_valid_token_is_accepted() {
    let now = now();
    let token = pyjwt_token(&claims(now), SECRET);
    let got = validate(&token, "interop room", &apps(), now).expect("PyJWT token refused");
    assert_eq!(got.app_key, KEY);
    assert_eq!(got.topic, "Interop Room");
    assert_eq!(got.role, Role::Host);
    assert_eq!(got.user_identity.as_deref(), Some("py-user"));
    assert_eq!(got.session_key.as_deref(), Some("py-session"));
    assert_eq!((got.issued_at, got.expires_at), (now, now + 7200));
}

#[test]
fn pyjwt_expired_token_is_refused() {
    let now = now();
    let mut expired = claims(now - 7200);
    expired["exp"] = json!(now - 1);
    let token = pyjwt_token(&expired, SECRET);
    assert_eq!(
        validate(&token, "Interop Room", &apps(), now),
        Err(TokenError::Expired)
    );
}

#[test]
fn pyjwt_wrong_secret_is_refused() {
    let now = now();
    let token = pyjwt_token(&claims(now), "some-other-secret-0123456789abcdef");
    assert_eq!(
        validate(&token, "Interop Room", &apps(), now),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn pyjwt_role_type_2_is_refused() {
    let now = now();
    let mut bad_role = claims(now);
    bad_role["role_type"] = json!(2);
    let token = pyjwt_token(&bad_role, SECRET);
    let err = validate(&token, "Interop Room", &apps(), now).unwrap_err();
    assert_eq!(err, TokenError::InvalidRoleType("2".into()));
    assert!(
        err.is_role_type_error(),
        "role_type errors take wire code 3010"
    );
}

#[test]
fn pyjwt_accepts_our_token() {
    let now = now();
    let mut opts = MintOptions::new(KEY, SECRET, "Interop Room", Role::Participant, now);
    opts.user_identity = Some("rust-user".into());
    let decoded: Value = serde_json::from_str(&python(DECODE, &mint(&opts), SECRET))
        .expect("PyJWT printed invalid JSON");
    assert_eq!(decoded["app_key"], KEY);
    assert_eq!(decoded["tpc"], "Interop Room");
    assert_eq!(decoded["role_type"], 0);
    assert_eq!(decoded["user_identity"], "rust-user");
    assert_eq!(decoded["exp"], now + 7200);
}
