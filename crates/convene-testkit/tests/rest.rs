//! The REST API (`/api/v1`, issue 12) against a real server: bearer JWTs minted here (by PyJWT
//! and by `convene_auth::mint_api`), every endpoint, the refusals, and the end and removal
//! seen by real clients exactly as when the host does them.

use crate::tokens::pyjwt;
use convene_testkit::*;
use serde_json::{json, Value};

const OTHER_KEY: &str = "other-key";
const OTHER_SECRET: &str = "other-secret-0123456789abcdef0123456";

async fn server() -> TestServer {
    TestServer::start_with(|c| {
        c.apps
            .push(convene_auth::AppCredentials::new(OTHER_KEY, OTHER_SECRET))
    })
    .await
}

/// A REST token for the test app from PyJWT: `iss`, `iat` now, `exp` in `ttl` seconds.
fn api_token(ttl: i64) -> String {
    let now = now_secs() as i64;
    pyjwt(
        &json!({"iss": APP_KEY, "iat": now, "exp": now + ttl}),
        APP_SECRET,
        "HS256",
    )
}

/// One request: (status, JSON body or `Null` when empty).
async fn call(
    server: &TestServer,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, Value) {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if let Some(t) = token {
        req += &format!("Authorization: Bearer {t}\r\n");
    }
    let body = body.unwrap_or("");
    if !body.is_empty() || method == "PUT" {
        req += &format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        );
    }
    req += "\r\n";
    req += body;
    let (status, text) = http_exchange(server.addr(), &req).await;
    let code: u16 = status
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {status:?}"));
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let json = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:?}"))
    };
    (code, json)
}

async fn get(server: &TestServer, path: &str, token: &str) -> (u16, Value) {
    call(server, "GET", path, Some(token), None).await
}

async fn put(server: &TestServer, path: &str, token: &str, body: &str) -> (u16, Value) {
    call(server, "PUT", path, Some(token), Some(body)).await
}

/// An error body: `{"code": status, "message": non-empty}`.
fn assert_error(r: (u16, Value), status: u16, what: &str) {
    assert_eq!(r.0, status, "{what}: {}", r.1);
    assert_eq!(r.1["code"], status, "{what}: {}", r.1);
    assert!(
        r.1["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: {}",
        r.1
    );
}

#[tokio::test]
async fn lists_and_reads_the_apps_live_sessions_and_users() {
    let server = server().await;
    let t = api_token(600);
    let (_, empty) = get(&server, "/api/v1/sessions", &t).await;
    assert_eq!(empty, json!({"sessions": []}));

    let opts = JoinOpts {
        passcode: Some("pw".into()),
        ..JoinOpts::default()
    };
    let host = Peer::join_with(
        &server,
        "Room A",
        &host_token("Room A"),
        "Ann",
        opts.clone(),
    )
    .await;
    let id_token = token("Room A", Role::Participant, Some("bob-42"));
    let bob = Peer::join_with(&server, "Room A", &id_token, "Bob", opts.clone()).await;
    let mgr = Peer::join_with(&server, "room a", &host_token("room a"), "Meg", opts).await;
    let other = Peer::join(&server, "Room B", Role::Participant, "Cy").await;
    let sid = host.client.get_session_info().session_id.to_string();
    let sid_b = other.client.get_session_info().session_id.to_string();
    // Another app's session is invisible to this app.
    let foreign = convene_auth::mint(&convene_auth::MintOptions::new(
        OTHER_KEY,
        OTHER_SECRET,
        "Room A",
        Role::Host,
        now_secs(),
    ));
    let _foreign = Peer::join_with(&server, "Room A", &foreign, "Zed", JoinOpts::default()).await;

    let (status, list) = get(&server, "/api/v1/sessions", &t).await;
    assert_eq!(status, 200);
    let sessions = list["sessions"].as_array().expect("sessions");
    assert_eq!(sessions.len(), 2, "{list}");
    let a = &sessions[0];
    assert_eq!(a["session_id"], sid.as_str());
    assert_eq!(a["session_name"], "Room A");
    assert_eq!(a["user_count"], 3);
    assert_eq!(sessions[1]["session_id"], sid_b.as_str());
    assert_eq!(sessions[1]["user_count"], 1);
    // RFC 3339 in UTC, and the session started today (the date now, or a second before).
    let start = a["start_time"].as_str().expect("start_time");
    assert_eq!(start.len(), "2026-12-02T19:30:00.000Z".len(), "{start}");
    assert!(
        start.ends_with('Z') && start.as_bytes()[10] == b'T',
        "{start}"
    );

    let (status, one) = get(&server, &format!("/api/v1/sessions/{sid}"), &t).await;
    assert_eq!(status, 200);
    let mut want = a.clone();
    want["has_passcode"] = json!(true);
    assert_eq!(one, want);
    let (_, b) = get(&server, &format!("/api/v1/sessions/{sid_b}"), &t).await;
    assert_eq!(b["has_passcode"], false);

    let (status, users) = get(&server, &format!("/api/v1/sessions/{sid}/users"), &t).await;
    assert_eq!(status, 200);
    assert_eq!(
        users,
        json!({"users": [
            {"id": host.id.0, "name": "Ann", "role": "host", "user_identity": null},
            {"id": bob.id.0, "name": "Bob", "role": "participant", "user_identity": "bob-42"},
            {"id": mgr.id.0, "name": "Meg", "role": "manager", "user_identity": null},
        ]})
    );

    // The other app sees only its own session, and none of these.
    let other_t = convene_auth::mint_api(
        &convene_auth::AppCredentials::new(OTHER_KEY, OTHER_SECRET),
        now_secs(),
        600,
    );
    let (_, theirs) = get(&server, "/api/v1/sessions", &other_t).await;
    let theirs = theirs["sessions"].as_array().expect("sessions").clone();
    assert_eq!(theirs.len(), 1);
    assert_ne!(theirs[0]["session_id"], sid.as_str());
    assert_error(
        get(&server, &format!("/api/v1/sessions/{sid}"), &other_t).await,
        404,
        "another app's session",
    );
    assert_error(
        get(&server, &format!("/api/v1/sessions/{sid}/users"), &other_t).await,
        404,
        "another app's users",
    );
    assert_error(
        put(
            &server,
            &format!("/api/v1/sessions/{sid}/status"),
            &other_t,
            r#"{"action":"end"}"#,
        )
        .await,
        404,
        "another app ends",
    );
    assert!(host.client.get_session_info().is_in_meeting);
}

#[tokio::test]
async fn bad_expired_foreign_and_too_long_tokens_are_401() {
    let server = server().await;
    let now = now_secs() as i64;
    let path = "/api/v1/sessions";
    assert_error(
        call(&server, "GET", path, None, None).await,
        401,
        "no token",
    );
    assert_error(get(&server, path, "garbage").await, 401, "garbage");
    let expired = pyjwt(
        &json!({"iss": APP_KEY, "iat": now - 700, "exp": now - 100}),
        APP_SECRET,
        "HS256",
    );
    assert_error(get(&server, path, &expired).await, 401, "expired");
    let too_long = api_token(48 * 3600 + 120);
    let (_, body) = get(&server, path, &too_long).await;
    assert_eq!(body["message"], "exp must be at most 48 h ahead");
    assert_error(get(&server, path, &too_long).await, 401, "exp > 48 h");
    assert_eq!(get(&server, path, &api_token(48 * 3600 - 60)).await.0, 200);
    let wrong_secret = pyjwt(
        &json!({"iss": APP_KEY, "iat": now, "exp": now + 600}),
        OTHER_SECRET,
        "HS256",
    );
    assert_error(get(&server, path, &wrong_secret).await, 401, "wrong secret");
    let unknown = pyjwt(
        &json!({"iss": "nobody", "iat": now, "exp": now + 600}),
        APP_SECRET,
        "HS256",
    );
    assert_error(get(&server, path, &unknown).await, 401, "unknown iss");
    let none = pyjwt(
        &json!({"iss": APP_KEY, "iat": now, "exp": now + 600}),
        "",
        "none",
    );
    assert_error(get(&server, path, &none).await, 401, "alg none");
    // A join token is not an API token.
    assert_error(
        get(&server, path, &host_token("x")).await,
        401,
        "join token",
    );
    // Every endpoint asks.
    for (m, p) in [
        ("GET", "/api/v1/sessions/x"),
        ("GET", "/api/v1/sessions/x/users"),
        ("PUT", "/api/v1/sessions/x/status"),
        ("PUT", "/api/v1/sessions/x/users/1/status"),
    ] {
        assert_error(call(&server, m, p, Some("bad"), Some("{}")).await, 401, p);
    }
}

#[tokio::test]
async fn unknown_sessions_and_users_are_404_and_bad_bodies_400() {
    let server = server().await;
    let t = api_token(600);
    let host = Peer::join(&server, "r404", Role::Host, "H").await;
    let sid = host.client.get_session_info().session_id.to_string();
    assert_error(get(&server, "/api/v1/sessions/nope", &t).await, 404, "get");
    assert_error(
        get(&server, "/api/v1/sessions/nope/users", &t).await,
        404,
        "users",
    );
    let end = r#"{"action":"end"}"#;
    let remove = r#"{"action":"remove"}"#;
    assert_error(
        put(&server, "/api/v1/sessions/nope/status", &t, end).await,
        404,
        "end",
    );
    for user in ["999", "x", "-1"] {
        let p = format!("/api/v1/sessions/{sid}/users/{user}/status");
        assert_error(put(&server, &p, &t, remove).await, 404, "remove nobody");
    }
    let status = format!("/api/v1/sessions/{sid}/status");
    assert_error(
        put(&server, &status, &t, r#"{"action":"pause"}"#).await,
        422,
        "unknown action",
    );
    assert_error(put(&server, &status, &t, "{").await, 400, "not JSON");
    let huge = format!(r#"{{"action":"end","pad":"{}"}}"#, "x".repeat(4096));
    assert_error(put(&server, &status, &t, &huge).await, 413, "too large");
    // Nothing of that touched the session.
    assert!(host.client.get_session_info().is_in_meeting);
}

#[tokio::test]
async fn an_api_end_is_a_host_end() {
    let server = server().await;
    let t = api_token(600);
    let mut host = Peer::join(&server, "rest-end", Role::Host, "H").await;
    let mut m = Peer::join(&server, "rest-end", Role::Host, "M").await;
    let mut p = Peer::join(&server, "rest-end", Role::Participant, "P").await;
    let sid = host.client.get_session_info().session_id.to_string();
    let path = format!("/api/v1/sessions/{sid}/status");
    let (status, body) = put(&server, &path, &t, r#"{"action":"end"}"#).await;
    assert_eq!((status, body), (204, Value::Null));
    for peer in [&mut host, &mut m, &mut p] {
        peer.wait_for(|e| is_conn_change(e, ConnectionState::Closed, Some("ended by host")))
            .await;
        let c = &peer.client;
        wait_until("out of the session", || !c.get_session_info().is_in_meeting).await;
        assert_code(c.chat_send_to_all("x").await, 5002, "call after the end");
    }
    assert_error(
        get(&server, &format!("/api/v1/sessions/{sid}"), &t).await,
        404,
        "ended",
    );
    let (_, list) = get(&server, "/api/v1/sessions", &t).await;
    assert_eq!(list, json!({"sessions": []}));
    // The topic starts anew, as after a host's end.
    let again = Peer::join(&server, "rest-end", Role::Participant, "Later").await;
    assert_ne!(again.client.get_session_info().session_id.to_string(), sid);
}

#[tokio::test]
async fn an_api_removal_is_a_host_removal() {
    let server = server().await;
    let t = api_token(600);
    let topic = "rest-kick";
    let mut host = Peer::join(&server, topic, Role::Host, "H").await;
    let pt = token(topic, Role::Participant, Some("pat"));
    let mut p = Peer::join_with(&server, topic, &pt, "P", JoinOpts::default()).await;
    let mut q = Peer::join(&server, topic, Role::Participant, "Q").await;
    let sid = host.client.get_session_info().session_id.to_string();
    let path = format!("/api/v1/sessions/{sid}/users/{}/status", p.id.0);
    let (status, body) = put(&server, &path, &t, r#"{"action":"remove"}"#).await;
    assert_eq!((status, body), (204, Value::Null));
    p.wait_for(|e| is_conn_change(e, ConnectionState::Closed, Some("kicked by host")))
        .await;
    let pid = p.id;
    for peer in [&mut host, &mut q] {
        peer.wait_for(|e| is_user_removed(e, pid)).await;
        peer.wait_gone(pid).await;
    }
    // The identity cannot come back to this instance, even with a fresh token (3009).
    let fresh = token(topic, Role::Participant, Some("pat"));
    let (_c, _e, r) = try_client(&server, topic, &fresh, "P again", JoinOpts::default()).await;
    assert_code(r, 3009, "removed identity rejoins");
    // Gone: a second removal is 404; the session and the others stay.
    assert_error(
        put(&server, &path, &t, r#"{"action":"remove"}"#).await,
        404,
        "again",
    );
    let (_, users) = get(&server, &format!("/api/v1/sessions/{sid}/users"), &t).await;
    let ids: Vec<u64> = users["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["id"].as_u64())
        .collect();
    assert_eq!(ids, vec![u64::from(host.id.0), u64::from(q.id.0)]);
    // The app may remove the host too: the host role passes on, as when a host leaves.
    let path = format!("/api/v1/sessions/{sid}/users/{}/status", host.id.0);
    assert_eq!(
        put(&server, &path, &t, r#"{"action":"remove"}"#).await.0,
        204
    );
    host.wait_for(|e| is_conn_change(e, ConnectionState::Closed, Some("kicked by host")))
        .await;
    let qc = &q.client;
    wait_until("Q is host", || qc.is_host()).await;
}

#[tokio::test]
async fn openapi_json_is_generated_from_the_handlers() {
    let server = server().await;
    let (status, doc) = call(&server, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let paths = doc["paths"].as_object().expect("paths");
    let mut names: Vec<&str> = paths.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "/api/v1/sessions",
            "/api/v1/sessions/{session_id}",
            "/api/v1/sessions/{session_id}/recordings",
            "/api/v1/sessions/{session_id}/recordings/{recording_id}/file",
            "/api/v1/sessions/{session_id}/recordings/{recording_id}/tracks/{file_name}",
            "/api/v1/sessions/{session_id}/status",
            "/api/v1/sessions/{session_id}/users",
            "/api/v1/sessions/{session_id}/users/{user_id}/status",
        ]
    );
    assert!(paths["/api/v1/sessions/{session_id}/status"]["put"].is_object());
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for s in ["SessionItem", "SessionDetail", "UserItem", "ErrorBody"] {
        assert!(schemas.contains_key(s), "schema {s}");
    }
}
