//! Signed webhooks (issue 12) against a real server and real HTTP receivers on 127.0.0.1:
//! the signature checked with this test's own HMAC-SHA256, the timestamp header, the JSON of
//! all four events, retries after a 500, and a receiver that never answers holding up no
//! join.

use convene_server::{AppWebhooks, WebhookUrl};
use convene_testkit::*;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const OTHER_KEY: &str = "hook-other-key";
const OTHER_SECRET: &str = "hook-other-secret-0123456789abcdef01";
const WEBHOOK_SECRET: &str = "whsec-0123456789";

/// One request a receiver got.
#[derive(Debug, Clone)]
pub(crate) struct Hook {
    path: String,
    timestamp: String,
    signature: String,
    body: String,
}

impl Hook {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("JSON body")
    }
}

/// How a receiver answers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Answer {
    /// 500 to the first `n` requests, then 200.
    FailFirst(usize),
    /// Reads the request and never answers (the socket stays open).
    Never,
}

/// A webhook receiver on 127.0.0.1 recording every request.
pub(crate) struct Receiver {
    pub(crate) url: String,
    got: Arc<Mutex<Vec<Hook>>>,
}

impl Receiver {
    pub(crate) async fn start(answer: Answer) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!(
            "http://{}/hooks/convene",
            listener.local_addr().expect("addr")
        );
        let got = Arc::new(Mutex::new(Vec::new()));
        let seen = got.clone();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((mut s, _)) = listener.accept().await {
                let Some(hook) = read_request(&mut s).await else {
                    continue;
                };
                let n = {
                    let mut g = seen.lock().expect("lock");
                    g.push(hook);
                    g.len()
                };
                let status = match answer {
                    Answer::Never => {
                        held.push(s);
                        continue;
                    }
                    Answer::FailFirst(k) if n <= k => "500 Internal Server Error",
                    Answer::FailFirst(_) => "200 OK",
                };
                let res =
                    format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                let _ = s.write_all(res.as_bytes()).await;
            }
        });
        Receiver { url, got }
    }

    pub(crate) fn hooks(&self) -> Vec<Hook> {
        self.got.lock().expect("lock").clone()
    }

    /// Waits until `n` requests arrived; returns them.
    async fn wait_for(&self, n: usize) -> Vec<Hook> {
        wait_until(&format!("{n} webhooks"), || self.hooks().len() >= n).await;
        self.hooks()
    }
}

/// One HTTP/1.1 request: its path, the two Convene headers, and its body.
async fn read_request(s: &mut TcpStream) -> Option<Hook> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let header = |name: &str| {
        head.lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let len: usize = header("content-length").parse().ok()?;
    while buf.len() < head_end + len {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let request_line = head.lines().next()?.to_owned();
    assert!(request_line.starts_with("POST "), "{request_line}");
    assert_eq!(header("content-type"), "application/json");
    Some(Hook {
        path: request_line.split(' ').nth(1)?.to_owned(),
        timestamp: header("x-convene-request-timestamp"),
        signature: header("x-convene-signature"),
        body: String::from_utf8(buf[head_end..head_end + len].to_vec()).ok()?,
    })
}

/// `v0=` + hex HMAC-SHA256(secret, "v0:" + timestamp + ":" + body), computed here.
fn expected_signature(secret: &str, timestamp: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(format!("v0:{timestamp}:{body}").as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("v0={hex}")
}

/// Checks a hook's timestamp (a recent Unix time in seconds) and its signature with `secret`.
fn assert_signed(h: &Hook, secret: &str) {
    let ts: u64 = h.timestamp.parse().expect("timestamp header in seconds");
    assert!(ts.abs_diff(now_secs()) < 300, "timestamp {ts} not now");
    assert_eq!(
        h.signature,
        expected_signature(secret, &h.timestamp, &h.body),
        "{h:?}"
    );
    assert_ne!(
        h.signature,
        expected_signature("wrong", &h.timestamp, &h.body)
    );
}

/// A server posting every app's events to `url`, with quick retries for tests.
async fn server(url: &str, timeout: Duration) -> TestServer {
    let url = WebhookUrl::parse(url).expect("url");
    TestServer::start_with(|c| {
        c.apps
            .push(convene_auth::AppCredentials::new(OTHER_KEY, OTHER_SECRET));
        c.webhooks.urls.push(url);
        c.webhooks.apps.push(AppWebhooks {
            key: APP_KEY.into(),
            urls: Vec::new(),
            secret: Some(WEBHOOK_SECRET.into()),
        });
        c.webhooks.backoff = Duration::from_millis(20);
        c.webhooks.timeout = timeout;
    })
    .await
}

/// The value of a `/metrics` sample whose line starts with `prefix` (0 when absent).
async fn metric(server: &TestServer, prefix: &str) -> u64 {
    let (_, body) = http_get(server, "/metrics").await;
    body.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn all_four_events_arrive_signed_and_shaped() {
    let rx = Receiver::start(Answer::FailFirst(0)).await;
    let server = server(&rx.url, Duration::from_secs(5)).await;
    let topic = "Hook Room";
    let host = Peer::join(&server, topic, Role::Host, "Ann").await;
    let bt = token(topic, Role::Participant, Some("bob-1"));
    let bob = Peer::join_with(&server, topic, &bt, "Bob", JoinOpts::default()).await;
    let sid = host.client.get_session_info().session_id.to_string();
    assert_ok(bob.client.leave(false).await, "Bob leaves");
    assert_ok(host.client.leave(true).await, "Ann ends");
    let hooks = rx.wait_for(6).await;

    let mut seen: Vec<(String, Option<u64>)> = Vec::new();
    for h in &hooks {
        assert_eq!(h.path, "/hooks/convene");
        assert_signed(h, WEBHOOK_SECRET);
        let v = h.json();
        let event = v["event"].as_str().expect("event").to_owned();
        let ts = v["event_ts"].as_u64().expect("event_ts in ms");
        assert!(
            ts / 1000 >= now_secs() - 300 && ts / 1000 <= now_secs(),
            "{v}"
        );
        assert_eq!(v["payload"]["app_key"], APP_KEY);
        let o = &v["payload"]["object"];
        assert_eq!(o["session_id"], sid.as_str());
        assert_eq!(o["session_name"], topic);
        let start = o["start_time"].as_str().expect("start_time");
        assert!(start.ends_with('Z') && start.len() == 24, "{start}");
        let user = o.get("user");
        if event.starts_with("session.user_") {
            let u = user.expect("user in a user event");
            assert_eq!(u.as_object().map(|m| m.len()), Some(3), "{u}");
            seen.push((event, u["id"].as_u64()));
            if u["id"] == bob.id.0 {
                assert_eq!(
                    u,
                    &json!({"id": bob.id.0, "name": "Bob", "user_identity": "bob-1"})
                );
            } else {
                assert_eq!(
                    u,
                    &json!({"id": host.id.0, "name": "Ann", "user_identity": null})
                );
            }
        } else {
            assert!(user.is_none(), "no user in {event}");
            seen.push((event, None));
        }
    }
    seen.sort();
    let (a, b) = (u64::from(host.id.0), u64::from(bob.id.0));
    let mut want: Vec<(String, Option<u64>)> = [
        ("session.started", None),
        ("session.user_joined", Some(a)),
        ("session.user_joined", Some(b)),
        ("session.user_left", Some(b)),
        ("session.user_left", Some(a)),
        ("session.ended", None),
    ]
    .into_iter()
    .map(|(e, u)| (e.to_owned(), u))
    .collect();
    want.sort();
    assert_eq!(seen, want);

    // An app without a webhook secret signs with its SDK secret.
    let t = convene_auth::mint(&convene_auth::MintOptions::new(
        OTHER_KEY,
        OTHER_SECRET,
        "other",
        Role::Host,
        now_secs(),
    ));
    let _other = Peer::join_with(&server, "other", &t, "Cy", JoinOpts::default()).await;
    let more = rx.wait_for(8).await;
    for h in &more[6..] {
        assert_eq!(h.json()["payload"]["app_key"], OTHER_KEY);
        assert_signed(h, OTHER_SECRET);
    }
    wait_until_metric(
        &server,
        "convene_webhook_deliveries_total{event=\"session.started\",outcome=\"delivered\"}",
        2,
    )
    .await;
}

/// Waits until the metric reaches `n`.
async fn wait_until_metric(server: &TestServer, prefix: &str, n: u64) {
    for _ in 0..500 {
        if metric(server, prefix).await >= n {
            return;
        }
        tokio::time::sleep(POLL).await;
    }
    panic!("{prefix} never reached {n}");
}

#[tokio::test]
async fn a_receiver_answering_500_gets_the_event_again() {
    let rx = Receiver::start(Answer::FailFirst(3)).await;
    let server = server(&rx.url, Duration::from_secs(5)).await;
    let _host = Peer::join(&server, "retry", Role::Host, "H").await;
    // started and joined: 3 refusals among them, then each is delivered.
    let delivered = "convene_webhook_deliveries_total{event=\"session.";
    wait_until_metric(
        &server,
        &format!("{delivered}started\",outcome=\"delivered\"}}"),
        1,
    )
    .await;
    wait_until_metric(
        &server,
        &format!("{delivered}user_joined\",outcome=\"delivered\"}}"),
        1,
    )
    .await;
    let hooks = rx.hooks();
    assert_eq!(hooks.len(), 5, "2 events + 3 retries: {hooks:?}");
    // The same events came again, each signed anew.
    let mut events: Vec<String> = hooks
        .iter()
        .map(|h| {
            assert_signed(h, WEBHOOK_SECRET);
            h.json()["event"].as_str().expect("event").to_owned()
        })
        .collect();
    events.sort();
    events.dedup();
    assert_eq!(events, vec!["session.started", "session.user_joined"]);
    let retries = metric(
        &server,
        "convene_webhook_retries_total{event=\"session.started\"}",
    )
    .await
        + metric(
            &server,
            "convene_webhook_retries_total{event=\"session.user_joined\"}",
        )
        .await;
    assert_eq!(retries, 3);
}

#[tokio::test]
async fn a_receiver_that_never_answers_holds_up_no_join() {
    let rx = Receiver::start(Answer::Never).await;
    // A long attempt timeout: every delivery hangs for the whole test.
    let server = server(&rx.url, Duration::from_secs(60)).await;
    let topic = "stuck receiver";
    let mut host = Peer::join(&server, topic, Role::Host, "H").await;
    let mut others = Vec::new();
    for i in 0..8 {
        let p = Peer::join(&server, topic, Role::Participant, &format!("P{i}")).await;
        let id = p.id;
        host.wait_for(|e| is_user_added(e, id)).await;
        others.push(p);
    }
    // The session goes on: chat reaches everyone, a leave is seen.
    assert_ok(host.client.chat_send_to_all("still here").await, "chat");
    for p in &mut others {
        p.wait_for(|e| is_chat(e, "still here")).await;
    }
    let gone = others.pop().expect("a participant");
    let gone_id = gone.id;
    assert_ok(gone.client.leave(false).await, "leave");
    host.wait_for(|e| is_user_removed(e, gone_id)).await;
    // The receiver did get the requests; none was answered, none counted as delivered.
    rx.wait_for(2).await;
    assert_eq!(
        metric(
            &server,
            "convene_webhook_deliveries_total{event=\"session.started\",outcome=\"delivered\"}"
        )
        .await,
        0
    );
}
