//! The conformance suite every [`Router`] must pass. Each check takes a router built over
//! real session tasks (and a real media plane on 127.0.0.1) and drives joins straight into
//! session inboxes, as connection tasks do.

use super::Router;
use crate::handle::{Attach, ConnRx, ConnTx, SessionHandle, SessionKey, SessionMsg, ToConn};
use crate::media_plane::MediaPlane;
use crate::metrics::Metrics;
use crate::session_task::TaskContext;
use convene_protocol::{ClientMsg, JoinParams, SessionId};
use convene_session::{ConnId, Input, JoinToken};
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Long enough for any step on a loaded 2-core machine; reaching it means the step is stuck.
const STUCK: Duration = Duration::from_secs(10);

static NEXT_CONN: AtomicU64 = AtomicU64::new(1_000_000);

/// A task context over a real media plane, for routers under test.
pub(crate) async fn context(config: convene_session::Config) -> TaskContext {
    let udp = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("udp");
    let media = MediaPlane::spawn(crate::MediaSockets { udp, tcp: None }, &Default::default());
    TaskContext {
        config,
        media,
        metrics: Arc::new(Metrics::new()),
        throttle: Default::default(),
        watchdog: crate::watchdog::Watchdog::new(Duration::from_secs(10)),
        shutdown: tokio::sync::watch::Sender::new(false).subscribe(),
        webhooks: crate::webhook::Webhooks::spawn(
            &Default::default(),
            &[],
            Arc::new(Metrics::new()),
        ),
        changed: Default::default(),
    }
}

/// A client of one session, speaking to its task as a connection task would.
pub(crate) struct TestConn {
    pub(crate) conn: ConnId,
    pub(crate) session: SessionHandle,
    rx: ConnRx,
    next_id: u64,
}

impl TestConn {
    /// Routes and joins; returns the connection and the join reply.
    pub(crate) async fn join(
        router: &dyn Router,
        app: &str,
        topic: &str,
        host: bool,
        name: &str,
    ) -> (TestConn, Value) {
        let conn = ConnId(NEXT_CONN.fetch_add(1, Ordering::Relaxed));
        let (tx, rx, _kicked) = ConnTx::new();
        let session = match router.route(SessionKey::new(app, topic)).await {
            Ok(super::Routed::Here(h)) => h,
            other => panic!("a router alone routes every join to itself, not {other:?}"),
        };
        let params = JoinParams {
            topic: topic.to_owned(),
            token: "t".into(),
            user_name: name.to_owned(),
            passcode: None,
            idle_timeout_mins: Some(1.0),
        };
        let token = JoinToken {
            app_key: app.to_owned(),
            role_host: host,
            user_identity: None,
            session_key: None,
            fingerprint: conn.0,
        };
        let attach = Attach::Join { params, token };
        session
            .tx
            .send(SessionMsg::Attach {
                conn,
                tx,
                from: std::net::Ipv4Addr::LOCALHOST.into(),
                id: 1,
                attach,
                received: Instant::now(),
            })
            .await
            .unwrap_or_else(|_| panic!("session task gone"));
        let mut c = TestConn {
            conn,
            session,
            rx,
            next_id: 2,
        };
        let reply = c.reply(1).await;
        (c, reply)
    }

    /// Sends a request; returns its reply.
    pub(crate) async fn call(&mut self, msg: ClientMsg) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let input = Input::Request {
            conn: self.conn,
            id,
            msg,
        };
        self.session
            .tx
            .send(SessionMsg::Input(input))
            .await
            .unwrap_or_else(|_| panic!("session task gone"));
        self.reply(id).await
    }

    /// Waits for the reply with `id`, skipping events.
    async fn reply(&mut self, id: u64) -> Value {
        let wait = async {
            loop {
                match self.rx.recv().await {
                    Some(ToConn::Text(t)) => {
                        let v: Value = serde_json::from_str(t.as_str()).expect("json");
                        if v["id"] == id {
                            return v;
                        }
                    }
                    Some(ToConn::Reroute(..)) => panic!("join bounced"),
                    Some(_) => {}
                    None => panic!("queue closed"),
                }
            }
        };
        tokio::time::timeout(STUCK, wait)
            .await
            .expect("reply in time")
    }
}

fn session_id(reply: &Value) -> SessionId {
    assert_eq!(reply["ok"], true, "join failed: {reply}");
    SessionId(
        reply["result"]["sessionId"]
            .as_str()
            .expect("sessionId")
            .to_owned(),
    )
}

/// Polls `cond` until it holds (the directory is updated just after replies go out).
async fn eventually(what: &str, mut cond: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !cond().await {
        assert!(start.elapsed() < STUCK, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Concurrent first joins of one topic, in any letter case, all reach one session; another
/// app's same topic is another session.
pub(crate) async fn concurrent_first_joins_make_one_session(router: Arc<dyn Router>) {
    let mut joins = Vec::new();
    for i in 0..24 {
        let r = router.clone();
        let topic = ["Daily Sync", "DAILY SYNC", "daily sync"][i % 3];
        joins.push(tokio::spawn(async move {
            let (c, reply) = TestConn::join(&*r, "app-a", topic, i == 0, &format!("u{i}")).await;
            (c, session_id(&reply))
        }));
    }
    let mut ids = Vec::new();
    let mut conns = Vec::new();
    for j in joins {
        let (c, id) = j.await.expect("join task");
        ids.push(id);
        conns.push(c);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one session for one topic: {ids:?}");
    let (_other, reply) = TestConn::join(&*router, "app-b", "Daily Sync", true, "x").await;
    assert_ne!(session_id(&reply), ids[0], "apps never share sessions");
    let found = router.find(&ids[0]).await.expect("found by id");
    assert!(found.same(&conns[0].session));
}

/// Listing shows each started session of an app, with the starter's topic and its users.
pub(crate) async fn listing(router: Arc<dyn Router>) {
    let (_a1, r) = TestConn::join(&*router, "app-l", "Alpha", true, "a1").await;
    let alpha = session_id(&r);
    let (_a2, _) = TestConn::join(&*router, "app-l", "ALPHA", false, "a2").await;
    let (_b1, r) = TestConn::join(&*router, "app-l", "Beta", false, "b1").await;
    let beta = session_id(&r);
    let (_z, _) = TestConn::join(&*router, "app-other", "Gamma", false, "z").await;
    eventually("both sessions listed with their users", async || {
        let l = router.list("app-l").await;
        l.len() == 2
            && l[0].topic == "Alpha"
            && l[0].session_id == alpha
            && l[0].users == 2
            && l[1].topic == "Beta"
            && l[1].session_id == beta
            && l[1].users == 1
    })
    .await;
}

/// A session the host ends, or whose last user leaves, is gone; the next join starts anew.
pub(crate) async fn ended_sessions_are_gone(router: Arc<dyn Router>) {
    let (mut host, r) = TestConn::join(&*router, "app-e", "Retro", true, "h").await;
    let first = session_id(&r);
    let (_p, _) = TestConn::join(&*router, "app-e", "retro", false, "p").await;
    let reply = host.call(ClientMsg::Leave { end: true }).await;
    assert_eq!(reply["ok"], true, "{reply}");
    eventually("ended session gone", async || {
        router.find(&first).await.is_none() && router.list("app-e").await.is_empty()
    })
    .await;
    let (mut again, r) = TestConn::join(&*router, "app-e", "RETRO", false, "p2").await;
    let second = session_id(&r);
    assert_ne!(first, second, "a new instance after the end");
    let reply = again.call(ClientMsg::Leave { end: false }).await;
    assert_eq!(reply["ok"], true, "{reply}");
    eventually("left session gone", async || {
        router.find(&second).await.is_none()
    })
    .await;
}

/// A session left with one user ends at its idle timeout and leaves the directory.
pub(crate) async fn idle_sessions_are_gone(router: Arc<dyn Router>) {
    let (_only, r) = TestConn::join(&*router, "app-i", "Lonely", true, "h").await;
    let id = session_id(&r);
    assert!(router.find(&id).await.is_some());
    eventually("idle session gone", async || {
        router.find(&id).await.is_none() && router.local_sessions() == 0
    })
    .await;
}

/// A config whose "minute" is short, so idle timeouts fire within a test.
pub(crate) fn fast_idle_config() -> convene_session::Config {
    convene_session::Config {
        idle_minute: Duration::from_millis(200),
        ..Default::default()
    }
}
