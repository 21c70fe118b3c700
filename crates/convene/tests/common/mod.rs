//! What the multi-node tests share: a real `redis-server`, `convene serve` nodes on
//! 127.0.0.1, clients joining through them, and waits on what they receive.

#![allow(dead_code)]

use convene_client::{Client, ClientError, MediaOptions};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) const KEY: &str = "cluster-key";
pub(crate) const SECRET: &str = "cluster-secret-cluster-secret";

/// A child process killed when dropped.
pub(crate) struct Proc(pub(crate) Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn redis() -> Option<(Proc, u16)> {
    let found = Command::new("redis-server")
        .arg("--version")
        .output()
        .is_ok();
    if !found {
        assert!(
            std::env::var("CONVENE_REQUIRE_REDIS").as_deref() != Ok("1"),
            "redis-server is required (CONVENE_REQUIRE_REDIS=1) but not installed"
        );
        eprintln!("skipped: redis-server is not installed (apt-get install redis-server)");
        return None;
    }
    let port = free_port();
    let child = Command::new("redis-server")
        .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server starts");
    Some((Proc(child), port))
}

/// A node's own recordings folder (each node has its own disk).
pub(crate) fn recordings_of(id: &str, port: u16) -> PathBuf {
    std::env::temp_dir().join(format!(
        "convene-cluster-{}-{id}-{port}",
        std::process::id()
    ))
}

/// A node named `id` on `port`, in the cluster of the Redis on `redis_port`, with `extra`
/// flags.
pub(crate) fn node(id: &str, port: u16, redis_port: u16, extra: &[&str]) -> Proc {
    let child = Command::new(env!("CARGO_BIN_EXE_convene"))
        .arg("serve")
        .arg("--recordings-dir")
        .arg(recordings_of(id, port))
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .args(["--app", &format!("{KEY}:{SECRET}"), "--media-port", "0"])
        .args(["--redis", &format!("redis://127.0.0.1:{redis_port}/")])
        .args(["--node-id", id, "--failover-window-secs", "60"])
        .args(["--shutdown-grace-secs", "2"])
        .args(extra)
        .env(
            "RUST_LOG",
            std::env::var("CONVENE_TEST_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::null())
        .spawn()
        .expect("convene serve starts");
    Proc(child)
}

/// Nodes named `ids` (each on a port of its own) sharing the Redis on `redis_port`, once
/// each listens and has advertised itself.
pub(crate) async fn cluster<const N: usize>(
    ids: [&str; N],
    redis_port: u16,
    extra: &[&str],
) -> ([u16; N], Vec<Option<Proc>>) {
    let ports = ids.map(|_| free_port());
    let nodes = ids
        .iter()
        .zip(ports)
        .map(|(id, p)| Some(node(id, p, redis_port, extra)))
        .collect();
    for p in ports {
        wait_listening(p).await;
    }
    // Every node advertises itself within a keeper round.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    (ports, nodes)
}

pub(crate) async fn wait_listening(port: u16) {
    let until = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < until, "node on {port} never listened");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) fn token(topic: &str, host: bool, who: &str) -> String {
    let role = if host {
        convene_auth::Role::Host
    } else {
        convene_auth::Role::Participant
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut m = convene_auth::MintOptions::new(KEY, SECRET, topic, role, now);
    m.user_identity = Some(who.to_owned());
    convene_auth::mint(&m)
}

pub(crate) async fn join(
    port: u16,
    topic: &str,
    host: bool,
    who: &str,
    passcode: Option<&str>,
) -> Result<Client, ClientError> {
    let c = Client::new();
    c.init(&format!("http://127.0.0.1:{port}")).await?;
    c.join(topic, &token(topic, host, who), who, passcode, None)
        .await?;
    Ok(c)
}

pub(crate) async fn eventually(what: &str, within: Duration, mut cond: impl FnMut() -> bool) {
    let until = Instant::now() + within;
    while !cond() {
        assert!(Instant::now() < until, "not within {within:?}: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `c` publishes the test pattern (`fixtures/testsrc-320x180.ivf`) as its camera.
pub(crate) async fn publish_camera(c: &Client) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/testsrc-320x180.ivf"
    );
    let (_, frames) = convene_media::read_ivf(&std::fs::read(path).unwrap()).unwrap();
    let media = c.get_media_stream().unwrap();
    media
        .set_options(MediaOptions {
            video_frames: Some(frames.into_iter().map(|f| f.data).collect()),
            simulcast: false,
            ..MediaOptions::default()
        })
        .await;
    media.start_video().await.unwrap();
}

/// `GET path` on 127.0.0.1:`port` with the app's API token: the status line, the
/// `Location` header (if any) and the body. The responses are small JSON, not chunked.
pub(crate) async fn api_get(port: u16, path: &str) -> (String, Option<String>, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let app = convene_auth::AppCredentials::new(KEY, SECRET);
    let token = convene_auth::mint_api(&app, now, 600);
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Authorization: Bearer {token}\r\n\r\n"
    );
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = String::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_string(&mut buf))
        .await
        .expect("an answer within 5 s")
        .unwrap();
    let (head, body) = buf.split_once("\r\n\r\n").expect("a head");
    let status = head.lines().next().unwrap_or("").to_owned();
    let location = head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case("location")
            .then(|| v.trim().to_owned())
    });
    (status, location, body.to_owned())
}

/// Frames of `from`'s `kind` that `c` received so far.
async fn frames_from(c: &Client, from: convene_protocol::UserId, kind: &str) -> u64 {
    let Ok(media) = c.get_media_stream() else {
        return 0;
    };
    let stats = media.stats().await.unwrap_or_default();
    stats
        .iter()
        .filter(|s| s.user_id == Some(from) && s.kind == kind)
        .map(|s| s.frames)
        .sum::<u64>()
}

/// Waits until `c` receives no new frame of `from`'s `kind` for a whole second.
pub(crate) async fn media_stops(
    c: &Client,
    from: convene_protocol::UserId,
    kind: &str,
    what: &str,
) {
    let stopped = |before: u64, after: u64| after == before;
    frames_until(c, from, kind, Duration::from_secs(10), stopped, what).await;
}

/// Waits until `c` receives new frames of `from`'s `kind` (`"video"`, `"audio"`): more in
/// one second than before. While `c` is still failing over it has no media stream: no
/// frames yet.
pub(crate) async fn media_flows(
    c: &Client,
    from: convene_protocol::UserId,
    kind: &str,
    what: &str,
) {
    let flowing = |before: u64, after: u64| after > before + 5;
    frames_until(c, from, kind, Duration::from_secs(20), flowing, what).await;
}

/// Counts `c`'s frames of `from`'s `kind` one second apart until `done(before, after)`.
async fn frames_until(
    c: &Client,
    from: convene_protocol::UserId,
    kind: &str,
    within: Duration,
    done: impl Fn(u64, u64) -> bool,
    what: &str,
) {
    let until = Instant::now() + within;
    loop {
        let before = frames_from(c, from, kind).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        if done(before, frames_from(c, from, kind).await) {
            return;
        }
        assert!(Instant::now() < until, "not within {within:?}: {what}");
    }
}
