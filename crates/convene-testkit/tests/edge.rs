//! Issue 9, the server's edge: what an anonymous or silent client can hold (header, join and
//! dead-peer timeouts, frame budget, connection caps), and shutdown. Every timeout is set
//! short here; reaching a [`WAIT`] bound means the server never acted.

use convene_testkit::*;
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SHORT: Duration = Duration::from_millis(200);

/// Reads until the server closes the socket; panics if it stays open past [`WAIT`].
async fn read_until_closed(tcp: &mut tokio::net::TcpStream) {
    let mut buf = [0u8; 1024];
    bounded("the server to close the socket", async {
        loop {
            match tcp.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    })
    .await
}

#[tokio::test]
async fn slow_headers_are_cut_off() {
    let server = TestServer::start_with(|c| c.edge.header_read_timeout = SHORT).await;
    // Half a request, never finished (slowloris).
    let mut half = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        .await
        .unwrap();
    // A socket that never says anything.
    let mut silent = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    read_until_closed(&mut half).await;
    read_until_closed(&mut silent).await;
    // Whole requests are still served.
    assert!(http_get(&server, "/healthz").await.0.contains("200"));
    server.shutdown().await;
}

#[tokio::test]
async fn a_socket_that_does_not_join_is_closed() {
    let server = TestServer::start_with(|c| c.edge.join_timeout = SHORT).await;
    let mut idle = RawWs::connect(&server).await;
    // Requests outside a session do not count as joining.
    idle.send_json(&json!({"id": 1, "method": "getAllUser"}))
        .await
        .unwrap();
    idle.expect_closed().await;
    // A joined user is past the join timeout and stays.
    let host = Peer::join(&server, "join-timeout", Role::Host, "Ann").await;
    tokio::time::sleep(SHORT * 3).await;
    assert_ok(
        host.client.chat_send_to_all("still here").await,
        "joined user still served",
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_silent_peer_is_dropped_and_fails_over() {
    let server = TestServer::start_with(|c| {
        c.edge.ping_interval = Duration::from_millis(100);
        c.edge.dead_peer_timeout = Duration::from_millis(400);
        c.session.failover_window = Duration::from_millis(300);
    })
    .await;
    let mut host = Peer::join(&server, "dead-peer", Role::Host, "Ann").await;
    let mut raw = RawWs::connect(&server).await;
    let joined = raw
        .join(
            1,
            "dead-peer",
            &participant_token("dead-peer"),
            "Silent",
            None,
        )
        .await;
    let raw_id = UserId(joined["result"]["userId"].as_u64().expect("userId") as u32);
    // From now on the raw socket reads nothing, so it never answers a ping: its TCP
    // connection stays open, but it is dead. It fails over, then is removed.
    host.wait_for(|e| is_user_removed(e, raw_id)).await;
    // The host answers pings (its client reads) and stays.
    assert_ok(
        host.client.chat_send_to_all("still here").await,
        "live user still served",
    );
    drop(raw);
    server.shutdown().await;
}

#[tokio::test]
async fn pings_and_binary_frames_count_against_the_budget() {
    let server = TestServer::start_with(|c| c.max_messages_per_sec = 20).await;
    let mut pinger = RawWs::connect(&server).await;
    for _ in 0..200 {
        if pinger.send_ping(b"flood").await.is_err() {
            break;
        }
    }
    pinger.expect_closed().await;
    let mut binary = RawWs::connect(&server).await;
    for _ in 0..200 {
        if binary.send_binary(b"flood").await.is_err() {
            break;
        }
    }
    binary.expect_closed().await;
    server.shutdown().await;
}

#[tokio::test]
async fn connections_over_the_caps_get_503_and_429() {
    let server = TestServer::start_with(|c| c.edge.max_connections = Some(2)).await;
    let a = RawWs::connect(&server).await;
    let _b = RawWs::connect(&server).await;
    let (status, text) = http_get(&server, "/healthz").await;
    assert!(status.contains(" 503 "), "{text}");
    assert!(text.contains("connection limit"), "{text}");
    // A place frees when a socket goes.
    drop(a);
    let mut status = String::new();
    for _ in 0..100 {
        status = http_get(&server, "/healthz").await.0;
        if status.contains(" 200 ") {
            break;
        }
        tokio::time::sleep(POLL).await;
    }
    assert!(status.contains(" 200 "), "{status}");
    server.shutdown().await;

    let server = TestServer::start_with(|c| c.edge.max_connections_per_ip = Some(1)).await;
    let _a = RawWs::connect(&server).await;
    let (status, text) = http_get(&server, "/healthz").await;
    assert!(status.contains(" 429 "), "{text}");
    server.shutdown().await;
}

#[tokio::test]
async fn shutdown_tells_users_and_does_not_wait_for_half_sent_requests() {
    let server = TestServer::start_with(|c| c.edge.shutdown_grace = Duration::from_secs(1)).await;
    let mut host = Peer::join(&server, "shutdown", Role::Host, "Ann").await;
    let mut half = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: local")
        .await
        .unwrap();
    bounded_for("shutdown", Duration::from_secs(4), server.shutdown()).await;
    let ev = host
        .wait_for(
            |e| matches!(e.connection_change(), Some((s, _)) if s != ConnectionState::Connected),
        )
        .await;
    assert!(
        is_conn_change(&ev, ConnectionState::Closed, Some("server shutting down")),
        "{ev:?}"
    );
    read_until_closed(&mut half).await;
}

#[tokio::test]
async fn sigterm_tells_clients_and_exits_0_despite_a_half_sent_request() {
    tokio::task::spawn_blocking(convene_bin).await.unwrap();
    let app = format!("{APP_KEY}:{APP_SECRET}");
    let (mut server, mut out) = spawn_piped(&[
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--media-port",
        "0",
        "--app",
        &app,
    ]);
    let listening = line_until(&mut out, "the listening line", |l| {
        l.contains("listening on")
    })
    .await;
    let url = listening
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("url")
        .to_owned();
    let token = host_token("sigterm");
    let (_bot, mut bot_out) = spawn_piped(&[
        "join", "--url", &url, "--topic", "sigterm", "--token", &token, "--name", "Bot",
    ]);
    line_until(&mut bot_out, "the bot's join", |l| l.contains("\"joined\"")).await;
    let addr = url.trim_start_matches("http://").to_owned();
    let mut half = tokio::net::TcpStream::connect(&addr).await.unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: local")
        .await
        .unwrap();

    let pid = server.id().expect("pid").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("run kill");
    assert!(killed.success());
    let status = bounded_for("the server to exit", Duration::from_secs(10), server.wait())
        .await
        .expect("wait");
    assert!(status.success(), "exit status {status}");
    let ev = line_until(&mut bot_out, "connection-change", |l| {
        l.contains("connection-change") && !l.contains("Connected")
    })
    .await;
    let v: serde_json::Value = serde_json::from_str(&ev).expect("json");
    assert_eq!(
        v["payload"],
        json!({"state": "Closed", "reason": "server shutting down"}),
        "{ev}"
    );
}

#[tokio::test]
async fn client_config_cors_and_dev_endpoints_follow_origin_and_host_rules() {
    let server = TestServer::start_with(|c| {
        c.allowed_origins = vec!["https://app.example".into()];
        c.dev_token_endpoint = true;
    })
    .await;
    let get = |path: &str, extra: &str| {
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n")
    };
    // TURN credentials: readable cross-origin only by a listed origin.
    let (status, text) = http_exchange(
        server.addr(),
        &get("/api/v1/client-config", "Origin: https://app.example\r\n"),
    )
    .await;
    assert!(status.contains(" 200 "), "{status}");
    let lower = text.to_lowercase();
    assert!(
        lower.contains("access-control-allow-origin: https://app.example"),
        "{text}"
    );
    let (status, text) = http_exchange(
        server.addr(),
        &get("/api/v1/client-config", "Origin: https://evil.example\r\n"),
    )
    .await;
    assert!(status.contains(" 200 "), "{status}");
    assert!(
        !text.to_lowercase().contains("access-control-allow-origin"),
        "{text}"
    );

    // Dev endpoints: a loopback peer with a loopback Host, and no proxy in between.
    let body = r#"{"topic":"t","role":1}"#;
    let post = |host: &str, extra: &str| {
        format!(
            "POST /api/dev/token HTTP/1.1\r\nHost: {host}\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    let (status, _) = http_exchange(server.addr(), &post("127.0.0.1", "")).await;
    assert!(status.contains(" 200 "), "loopback: {status}");
    // JSON labelled as a form (`curl -d`, Python's urllib) is JSON all the same.
    let form =
        post("127.0.0.1", "").replace("application/json", "application/x-www-form-urlencoded");
    let (status, text) = http_exchange(server.addr(), &form).await;
    assert!(status.contains(" 200 "), "as a form: {status}");
    assert!(text.contains("\"token\""), "{text}");
    let garbage = post("127.0.0.1", "").replace(body, "topic=t&role=1&abcdefg"); // as long as `body`
    let (status, _) = http_exchange(server.addr(), &garbage).await;
    assert!(status.contains(" 400 "), "not JSON: {status}");
    let (status, _) = http_exchange(server.addr(), &post("attacker.example", "")).await;
    assert!(status.contains(" 404 "), "DNS rebinding: {status}");
    let (status, _) = http_exchange(
        server.addr(),
        &post("localhost", "X-Forwarded-For: 203.0.113.9\r\n"),
    )
    .await;
    assert!(status.contains(" 404 "), "through a proxy: {status}");
    let (status, _) = http_exchange(server.addr(), &get("/api/dev/sessions", "")).await;
    assert!(status.contains(" 200 "), "{status}");
}

#[tokio::test]
async fn a_bot_sees_a_killed_server_as_reconnecting_then_fail_once_it_restarts() {
    tokio::task::spawn_blocking(convene_bin).await.unwrap();
    let app = format!("{APP_KEY}:{APP_SECRET}");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let bind = format!("127.0.0.1:{port}");
    let serve = || spawn_piped(&["serve", "--bind", &bind, "--media-port", "0", "--app", &app]);
    let (mut server, mut out) = serve();
    line_until(&mut out, "the listening line", |l| {
        l.contains("listening on")
    })
    .await;
    let url = format!("http://{bind}");
    let token = participant_token("restart");
    let (mut bot, mut bot_out) = spawn_piped(&[
        "join", "--url", &url, "--topic", "restart", "--token", &token, "--name", "Bot",
    ]);
    line_until(&mut bot_out, "the bot's join", |l| l.contains("\"joined\"")).await;

    // The server dies without a word: the bot fails over.
    server.start_kill().expect("SIGKILL");
    let _ = server.wait().await;
    line_until(&mut bot_out, "Reconnecting", |l| l.contains("Reconnecting")).await;

    // A new server on the same address knows nothing of the session: the resume is refused
    // for good, the bot reports Fail and exits 1 (SPEC §11), long before the 2-minute window.
    let (_server, mut out) = serve();
    line_until(&mut out, "the listening line", |l| {
        l.contains("listening on")
    })
    .await;
    let ev = line_until(&mut bot_out, "Fail", |l| l.contains("connection-change")).await;
    assert!(ev.contains("\"Fail\""), "{ev}");
    let status = bounded("the bot to exit", bot.wait()).await.expect("wait");
    assert_eq!(status.code(), Some(1), "{status}");
}
