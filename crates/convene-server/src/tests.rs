//! Whole-server tests that need to reach inside: a stalled session must not hold up others.

use crate::handle::SessionMsg;
use convene_protocol::SessionId;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Long enough for any step on a loaded machine; reaching it means the step is stuck.
const STUCK: Duration = Duration::from_secs(10);

pub(crate) const KEY: &str = "iso-key";
pub(crate) const SECRET: &str = "iso-secret-0123456789";

/// A server on 127.0.0.1 (any ports) serving the app `KEY`.
pub(crate) async fn server() -> crate::Server {
    let config = crate::Config {
        bind: "127.0.0.1:0".parse().expect("addr"),
        media_port: 0,
        apps: vec![crate::parse_app(&format!("{KEY}:{SECRET}")).expect("app")],
        ..Default::default()
    };
    crate::spawn(config).await.expect("server")
}

fn token(topic: &str, role: convene_auth::Role) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    convene_auth::mint(&convene_auth::MintOptions::new(
        KEY, SECRET, topic, role, now,
    ))
}

async fn connect(s: &crate::Server) -> Ws {
    let url = format!("ws://{}/rtc/v1", s.local_addr());
    tokio_tungstenite::connect_async(url)
        .await
        .expect("connect")
        .0
}

async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::text(v.to_string())).await.expect("send");
}

/// The next reply with `id` (events are skipped).
async fn reply(ws: &mut Ws, id: u64) -> Value {
    loop {
        let frame = ws.next().await.expect("open").expect("frame");
        if let Message::Text(t) = frame {
            let v: Value = serde_json::from_str(&t).expect("json");
            if v["id"] == id {
                return v;
            }
        }
    }
}

async fn join(ws: &mut Ws, topic: &str) -> Value {
    let t = token(topic, convene_auth::Role::Host);
    send(
        ws,
        json!({"id": 1, "method": "join", "params": {"topic": topic, "token": t, "userName": "u"}}),
    )
    .await;
    let r = tokio::time::timeout(STUCK, reply(ws, 1))
        .await
        .expect("join reply");
    assert_eq!(r["ok"], true, "{r}");
    r
}

#[tokio::test]
async fn a_stalled_session_does_not_delay_other_sessions() {
    let s = server().await;
    let mut a = connect(&s).await;
    let ra = join(&mut a, "Session A").await;
    let id = SessionId(ra["result"]["sessionId"].as_str().expect("id").to_owned());
    let session_a = s.state.router.find(&id).await.expect("A is routed");

    // Session A's task stops working until `release` fires.
    let (release, stalled) = tokio::sync::oneshot::channel();
    session_a
        .tx
        .send(SessionMsg::Stall(stalled))
        .await
        .expect("stall A");
    send(&mut a, json!({"id": 2, "method": "getAllUser"})).await;

    // Meanwhile a new session starts, chats and answers, as if A did not exist.
    let mut b = connect(&s).await;
    join(&mut b, "Session B").await;
    send(
        &mut b,
        json!({"id": 2, "method": "chat.sendToAll", "params": {"text": "hi"}}),
    )
    .await;
    let r = tokio::time::timeout(STUCK, reply(&mut b, 2))
        .await
        .expect("B answers while A is stalled");
    assert_eq!(r["ok"], true, "{r}");
    send(&mut b, json!({"id": 3, "method": "getAllUser"})).await;
    let r = tokio::time::timeout(STUCK, reply(&mut b, 3))
        .await
        .expect("B answers while A is stalled");
    assert_eq!(r["result"].as_array().map(Vec::len), Some(1));

    // A really was stalled: its answer comes only after the release.
    assert!(
        tokio::time::timeout(Duration::from_millis(200), reply(&mut a, 2))
            .await
            .is_err()
    );
    release.send(()).expect("A waits");
    let r = tokio::time::timeout(STUCK, reply(&mut a, 2))
        .await
        .expect("A answers after release");
    assert_eq!(r["ok"], true, "{r}");
    s.shutdown().await;
}

#[tokio::test]
async fn metrics_count_sessions_users_and_joins() {
    let s = server().await;
    let mut a = connect(&s).await;
    join(&mut a, "Metrics").await;
    let (_, body) = http_get(&s, "/metrics").await;
    let value = |name: &str| -> f64 {
        body.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|v| v.trim().parse().ok()))
            .unwrap_or_else(|| panic!("{name} missing in:\n{body}"))
    };
    assert_eq!(value("convene_sessions "), 1.0);
    assert_eq!(value("convene_users "), 1.0);
    assert_eq!(value("convene_join_duration_seconds_count "), 1.0);
    assert!(value("convene_messages_in_total ") >= 1.0);
    s.shutdown().await;
}

/// `GET path` over a plain TCP socket (HTTP/1.0, so the body ends at close): the status
/// line and the body.
async fn http_get(s: &crate::Server, path: &str) -> (String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(s.local_addr())
        .await
        .expect("tcp");
    let req = format!("GET {path} HTTP/1.0\r\nHost: x\r\n\r\n");
    tcp.write_all(req.as_bytes()).await.expect("write");
    let mut out = String::new();
    tokio::time::timeout(STUCK, tcp.read_to_string(&mut out))
        .await
        .expect("response")
        .expect("read");
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    (
        head.lines().next().unwrap_or("").to_owned(),
        body.to_owned(),
    )
}

/// `/healthz` until its status line contains `status`; panics after [`STUCK`].
async fn healthz_until(s: &crate::Server, status: &str) -> String {
    let found = tokio::time::timeout(STUCK, async {
        loop {
            let (line, body) = http_get(s, "/healthz").await;
            if line.contains(status) {
                return body;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    found
        .await
        .unwrap_or_else(|_| panic!("/healthz never said {status}"))
}

#[tokio::test]
async fn healthz_tells_idle_from_stuck() {
    let mut config = crate::Config::for_tests(KEY, SECRET);
    config.edge.stall_timeout = Duration::from_millis(200);
    let s = crate::spawn(config).await.expect("server");
    // An idle server (no session, no media peer) stays healthy well past the stall timeout:
    // the probes make the router and the SFU loop answer.
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (line, body) = http_get(&s, "/healthz").await;
        assert!(line.contains(" 200 "), "{line}: {body}");
    }
    // A session task that stays busy on one input is stuck: stall a real one.
    let mut ws = connect(&s).await;
    let r = join(&mut ws, "Stuck").await;
    let id = SessionId(r["result"]["sessionId"].as_str().expect("id").to_owned());
    let session = s.state.router.find(&id).await.expect("routed");
    let (release, stalled) = tokio::sync::oneshot::channel();
    session
        .tx
        .send(SessionMsg::Stall(stalled))
        .await
        .expect("stall");
    let body = healthz_until(&s, " 503 ").await;
    assert!(body.contains("1 session task(s) stuck"), "{body}");
    release.send(()).expect("still stalled");
    assert_eq!(healthz_until(&s, " 200 ").await, "ok");
    s.shutdown().await;
}
