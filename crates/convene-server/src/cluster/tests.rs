//! [`RedisRouter`] against a real `redis-server` (started here on a free loopback port): the
//! router conformance suite, placement across two routers, and Redis going away and coming
//! back. Each test uses its own Redis database, so their nodes never meet. Skipped with a
//! note when `redis-server` is missing, unless `CONVENE_REQUIRE_REDIS=1`.

use super::{ClusterConfig, RedisRouter};
use crate::handle::SessionKey;
use crate::router::conformance::{self, context, TestConn};
use crate::router::{Routed, Router};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// The redis-server the tests share: its port and process (bounded by `timeout`, so it
/// never outlives the test run by long).
static REDIS: OnceLock<Option<(u16, Mutex<Child>)>> = OnceLock::new();

fn start_redis(port: u16) -> Child {
    Command::new("timeout")
        .args(["600", "redis-server", "--bind", "127.0.0.1"])
        .args([
            "--port",
            &port.to_string(),
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server starts")
}

/// Stops a redis-server from [`start_redis`]: `timeout` passes SIGTERM on to it (SIGKILL
/// would end only `timeout` and leave the server running).
fn stop(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

/// Whether redis-server can run here (a failure when CI requires it).
fn have_redis() -> bool {
    if Command::new("redis-server")
        .arg("--version")
        .output()
        .is_ok()
    {
        return true;
    }
    assert!(
        std::env::var("CONVENE_REQUIRE_REDIS").as_deref() != Ok("1"),
        "redis-server is required (CONVENE_REQUIRE_REDIS=1) but not installed"
    );
    eprintln!("skipped: redis-server is not installed");
    false
}

/// A redis-server of its own on a free port.
fn own_redis() -> Option<(u16, Mutex<Child>)> {
    if !have_redis() {
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    Some((port, Mutex::new(start_redis(port))))
}

/// The redis-server the tests share.
fn redis() -> Option<&'static (u16, Mutex<Child>)> {
    REDIS.get_or_init(own_redis).as_ref()
}

async fn until_up(port: u16) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("redis-server never listened on {port}");
}

/// A router of node `node` on the shared Redis' database `db`, or `None` without Redis.
async fn router(config: convene_session::Config, db: u8, node: &str) -> Option<Arc<dyn Router>> {
    let (port, _) = redis()?;
    Some(router_on(config, *port, db, node).await)
}

async fn router_on(
    config: convene_session::Config,
    port: u16,
    db: u8,
    node: &str,
) -> Arc<dyn Router> {
    until_up(port).await;
    let cluster = ClusterConfig {
        redis_url: format!("redis://127.0.0.1:{port}/{db}"),
        node_id: node.to_owned(),
        public_url: format!("http://{node}.test:80"),
        cascade_above: 0,
    };
    let r = RedisRouter::new(context(config).await, &cluster).expect("router");
    Arc::new(r)
}

#[tokio::test]
async fn concurrent_first_joins_make_one_session() {
    let Some(r) = router(Default::default(), 1, "a").await else {
        return;
    };
    conformance::concurrent_first_joins_make_one_session(r).await;
}

#[tokio::test]
async fn listing() {
    let Some(r) = router(Default::default(), 2, "a").await else {
        return;
    };
    conformance::listing(r).await;
}

#[tokio::test]
async fn ended_sessions_are_gone() {
    let Some(r) = router(Default::default(), 3, "a").await else {
        return;
    };
    conformance::ended_sessions_are_gone(r).await;
}

#[tokio::test]
async fn idle_sessions_are_gone() {
    let Some(r) = router(conformance::fast_idle_config(), 4, "a").await else {
        return;
    };
    conformance::idle_sessions_are_gone(r).await;
}

#[tokio::test]
async fn a_topic_placed_on_one_node_is_redirected_there_by_another() {
    let Some(a) = router(Default::default(), 5, "a").await else {
        return;
    };
    let mut urls = a.nodes().expect("a cluster node tells its nodes");
    let b = router(Default::default(), 5, "b").await.unwrap();
    let (_host, _) = TestConn::join(&*a, "app", "Standup", true, "h").await;
    match b.route(SessionKey::new("app", "STANDUP")).await {
        Ok(Routed::Elsewhere(url)) => assert_eq!(url, "ws://a.test:80/rtc/v1"),
        other => panic!("b sends the join to a, not {other:?}"),
    }
    // Both list it: the cluster view.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let listed = b.list("app").await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].topic, "Standup");
    // A node that came up later is told to a's clients (conn.rs passes each change on).
    assert!(urls.has_changed().unwrap(), "b's arrival changed a's nodes");
    assert_eq!(
        *urls.borrow_and_update(),
        ["ws://a.test:80/rtc/v1", "ws://b.test:80/rtc/v1"],
        "a first, then b"
    );
}

#[tokio::test]
async fn without_redis_running_sessions_go_on_and_new_ones_wait_until_it_is_back() {
    let Some((port, child)) = own_redis() else {
        return;
    };
    let r = router_on(Default::default(), port, 0, "a").await;
    let (mut host, _) = TestConn::join(&*r, "app", "Kept", true, "h").await;
    stop(&mut child.lock().unwrap());
    // The running session answers; a new topic is refused with a clear, retryable error.
    let reply = host.call(convene_protocol::ClientMsg::GetAllUser).await;
    assert_eq!(reply["ok"], true, "{reply}");
    assert!(matches!(
        r.route(SessionKey::new("app", "Kept")).await,
        Ok(Routed::Here(_))
    ));
    match r.route(SessionKey::new("app", "New")).await {
        Err(e) => {
            assert_eq!(e.error_code, 2, "{e:?}");
            assert!(e.reason.contains("Redis"), "{e:?}");
        }
        Ok(other) => panic!("no placement without Redis: {other:?}"),
    }
    *child.lock().unwrap() = start_redis(port);
    until_up(port).await;
    // The node recovers by itself: new sessions are placed again.
    let mut placed = false;
    for _ in 0..40 {
        if let Ok(Routed::Here(_)) = r.route(SessionKey::new("app", "New")).await {
            placed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(placed, "placement works again once Redis is back");
    stop(&mut child.lock().unwrap());
}

#[test]
fn the_signaling_url_follows_the_public_url() {
    let c = |u: &str| ClusterConfig {
        redis_url: String::new(),
        node_id: "a".into(),
        public_url: u.into(),
        cascade_above: 0,
    };
    assert_eq!(c("http://h:1/").signaling_url(), "ws://h:1/rtc/v1");
    assert_eq!(c("https://h").signaling_url(), "wss://h/rtc/v1");
}
