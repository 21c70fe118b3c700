//! SPEC §2: tokens from an independent JWT library (PyJWT) work in a real join; bad ones are
//! refused with 200 (or 3010 for the role) and a reason naming the rule.

use convene_testkit::*;
use serde_json::{json, Value};
use std::process::Command;

/// Exit code of the snippet when `import jwt` fails.
const NO_PYJWT: i32 = 42;

const ENCODE: &str = r#"
import json, sys
try:
    import jwt
except ImportError:
    sys.exit(42)
alg = sys.argv[3]
key = None if alg == "none" else sys.argv[2]
token = jwt.encode(json.loads(sys.argv[1]), key, algorithm=alg)
print(token.decode() if isinstance(token, bytes) else token)
"#;

/// A token encoded by PyJWT.
pub(crate) fn pyjwt(claims: &Value, secret: &str, alg: &str) -> String {
    let out = Command::new("python3")
        .args(["-c", ENCODE, &claims.to_string(), secret, alg])
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}): install Python 3 and `pip install pyjwt`")
        });
    if out.status.code() == Some(NO_PYJWT) {
        panic!("PyJWT is missing: `import jwt` failed in python3. Run `pip install pyjwt`.");
    }
    assert!(
        out.status.success(),
        "python3 failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn claims(topic: &str, role: u8) -> Value {
    let now = now_secs();
    json!({"app_key": APP_KEY, "tpc": topic, "role_type": role, "version": 1, "iat": now, "exp": now + 7200})
}

async fn refused(server: &TestServer, topic: &str, tok: &str) -> protocol::ErrorBody {
    let (_c, _e, r) = try_client(server, topic, tok, "X", JoinOpts::default()).await;
    match r {
        Ok(info) => panic!("token accepted: {info:?}"),
        Err(e) => e.to_error_body(),
    }
}

#[tokio::test]
async fn pyjwt_tokens_join() {
    let server = TestServer::start().await;
    let t = "PyJWT Room";
    let host = pyjwt(&claims(t, 1), APP_SECRET, "HS256");
    let h = Peer::join_with(&server, t, &host, "H", JoinOpts::default()).await;
    assert!(h.client.is_host());
    let mut c = claims("pyjwt room", 0);
    c["user_identity"] = json!("user-42");
    c.as_object_mut().unwrap().remove("version");
    let part = pyjwt(&c, APP_SECRET, "HS256");
    let p = Peer::join_with(&server, t, &part, "P", JoinOpts::default()).await;
    assert!(!p.client.is_host() && !p.client.is_manager());
    h.wait_user(p.id, "identity shown", |u| {
        u.user_identity.as_deref() == Some("user-42")
    })
    .await;
    // user_key is the other spelling of user_identity.
    let mut c = claims(t, 1);
    c["user_key"] = json!("key-7");
    let m = Peer::join_with(
        &server,
        t,
        &pyjwt(&c, APP_SECRET, "HS256"),
        "M",
        JoinOpts::default(),
    )
    .await;
    assert!(m.client.is_manager());
    h.wait_user(m.id, "user_key shown", |u| {
        u.user_identity.as_deref() == Some("key-7")
    })
    .await;
}

#[tokio::test]
async fn bad_tokens_are_refused() {
    let server = TestServer::start().await;
    let t = "tokens";
    let good = pyjwt(&claims(t, 0), APP_SECRET, "HS256");

    // Tampered: the payload changed (role 0 → 1) under the old signature.
    let parts: Vec<&str> = good.split('.').collect();
    let forged_payload = pyjwt(&claims(t, 1), APP_SECRET, "HS256");
    let forged_payload = forged_payload.split('.').nth(1).unwrap().to_owned();
    let tampered = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
    let e = refused(&server, t, &tampered).await;
    assert_eq!(e.error_code, 200, "tampered: {e}");
    assert!(e.reason.contains("signature"), "tampered: {e}");
    // Tampered signature.
    let mut sig = parts[2].to_owned();
    let flipped = if sig.starts_with('A') { "B" } else { "A" };
    sig.replace_range(0..1, flipped);
    let e = refused(&server, t, &format!("{}.{}.{}", parts[0], parts[1], sig)).await;
    assert_eq!(e.error_code, 200, "bad signature: {e}");

    // Expired.
    let now = now_secs();
    let mut c = claims(t, 0);
    c["iat"] = json!(now - 7200);
    c["exp"] = json!(now - 60);
    let e = refused(&server, t, &pyjwt(&c, APP_SECRET, "HS256")).await;
    assert_eq!(e.error_code, 200, "expired: {e}");
    assert!(e.reason.contains("expired"), "expired: {e}");

    // alg none (unsigned).
    let e = refused(&server, t, &pyjwt(&claims(t, 1), "", "none")).await;
    assert_eq!(e.error_code, 200, "alg none: {e}");
    assert!(e.reason.to_lowercase().contains("alg"), "alg none: {e}");
    // Another HMAC alg.
    let e = refused(&server, t, &pyjwt(&claims(t, 1), APP_SECRET, "HS512")).await;
    assert_eq!(e.error_code, 200, "HS512: {e}");

    // Wrong topic.
    let e = refused(
        &server,
        t,
        &pyjwt(&claims("another topic", 0), APP_SECRET, "HS256"),
    )
    .await;
    assert_eq!(e.error_code, 200, "wrong topic: {e}");
    assert!(e.reason.contains("topic"), "wrong topic: {e}");

    // Wrong secret.
    let e = refused(
        &server,
        t,
        &pyjwt(&claims(t, 0), "not-the-secret-0123456789abcdef", "HS256"),
    )
    .await;
    assert_eq!(e.error_code, 200, "wrong secret: {e}");

    // Unknown app key.
    let mut c = claims(t, 0);
    c["app_key"] = json!("someone-else");
    let e = refused(&server, t, &pyjwt(&c, APP_SECRET, "HS256")).await;
    assert_eq!(e.error_code, 200, "unknown app: {e}");
    assert!(e.reason.contains("app key"), "unknown app: {e}");

    // role_type 2 → 3010.
    let e = refused(&server, t, &pyjwt(&claims(t, 2), APP_SECRET, "HS256")).await;
    assert_eq!(e.error_code, 3010, "role 2: {e}");
    assert_eq!(e.kind, protocol::ErrorType::InvalidParameters);

    // Lifetime out of range (one minute).
    let mut c = claims(t, 0);
    c["exp"] = json!(now + 60);
    let e = refused(&server, t, &pyjwt(&c, APP_SECRET, "HS256")).await;
    assert_eq!(e.error_code, 200, "short lifetime: {e}");

    // Garbage.
    let e = refused(&server, t, "not-a-jwt").await;
    assert_eq!(e.error_code, 200, "garbage: {e}");

    // After all of that, the good token still joins (refusals leave no session behind).
    let p = Peer::join_with(&server, t, &good, "P", JoinOpts::default()).await;
    assert_eq!(p.client.get_all_user().len(), 1);
}

#[tokio::test]
async fn session_key_must_match_the_sessions() {
    let server = TestServer::start().await;
    let t = "session-key";
    let mut c = claims(t, 1);
    c["session_key"] = json!("sk-1");
    let _h = Peer::join_with(
        &server,
        t,
        &pyjwt(&c, APP_SECRET, "HS256"),
        "H",
        JoinOpts::default(),
    )
    .await;
    let mut c = claims(t, 0);
    c["session_key"] = json!("sk-2");
    let e = refused(&server, t, &pyjwt(&c, APP_SECRET, "HS256")).await;
    assert_eq!(e.error_code, 200, "other session key: {e}");
    let e = refused(&server, t, &pyjwt(&claims(t, 0), APP_SECRET, "HS256")).await;
    assert_eq!(e.error_code, 200, "no session key: {e}");
    let mut c = claims(t, 0);
    c["session_key"] = json!("sk-1");
    c["user_identity"] = json!("p");
    let _p = Peer::join_with(
        &server,
        t,
        &pyjwt(&c, APP_SECRET, "HS256"),
        "P",
        JoinOpts::default(),
    )
    .await;
}
