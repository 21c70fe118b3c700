//! Each scenario at a tiny size against an in-process server. Behaviour only: who joined,
//! whose lists agree, who heard whom, that packets arrived and figures are present and
//! ordered. The server's pid is ours (it runs in this process), so `/proc` readings of it
//! must be there.

use std::time::Duration;

use crate::{run, LoadOptions, Percentiles, Report, Scenario, Shard};

const KEY: &str = "load-key";
const SECRET: &str = "load-secret-0123456789abcdef";

async fn server() -> convene_server::Server {
    let mut cfg = convene_server::Config::for_tests(KEY, SECRET);
    cfg.session.max_users_per_session = 100;
    convene_server::spawn(cfg).await.expect("server starts")
}

fn options(server: &convene_server::Server, scenario: Scenario) -> LoadOptions {
    let mut o = LoadOptions::new(server.url(), KEY, SECRET, scenario);
    o.server_pid = Some(std::process::id());
    o
}

fn ordered(p: &Percentiles) -> bool {
    p.p50 > 0.0 && p.p50 <= p.p90 && p.p90 <= p.p99 && p.p99 <= p.max
}

/// The server's readings are there. CPU time comes in 10 ms ticks, and the window of a run
/// this small may span none, so its amount is not checked here (procfs's own test checks
/// that readings show CPU).
fn assert_measured_from_proc(r: &Report) {
    assert!(r.window_secs > 0.0, "{r:?}");
    assert!(r.server_cpu_secs.is_some(), "{r:?}");
    assert!(r.server_peak_rss_kib.is_some_and(|k| k > 0), "{r:?}");
    assert!(r.load_peak_rss_kib > 0, "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_storm_joins_everyone_with_consistent_lists() {
    let server = server().await;
    let mut o = options(&server, Scenario::JoinStorm);
    o.users = 12;
    let r = run(o).await;
    assert_eq!((r.joined, r.join_failures), (12, 0), "{r:?}");
    assert_eq!(r.lists_consistent, Some(true), "{r:?}");
    assert!(ordered(&r.join_ms), "{r:?}");
    assert_measured_from_proc(&r);
    let json = serde_json::to_value(&r).expect("serialisable");
    assert_eq!(json["scenario"], "join-storm");
    assert_eq!(json["listsConsistent"], true);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_shards_make_one_storm() {
    let server = server().await;
    let shard = |index| {
        let mut o = options(&server, Scenario::JoinStorm);
        o.users = 10;
        o.shard = Shard { index, count: 2 };
        run(o)
    };
    let (a, b) = tokio::join!(shard(0), shard(1));
    assert_eq!((a.joined, b.joined), (5, 5), "{a:?} {b:?}");
    // Each shard's users see all ten: the other shard's joins reached them too.
    assert_eq!(a.lists_consistent, Some(true), "{a:?}");
    assert_eq!(b.lists_consistent, Some(true), "{b:?}");
    assert_eq!(a.shard.as_deref(), Some("0/2"));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn big_session_speaker_is_heard_by_every_other_user() {
    let server = server().await;
    let mut o = options(&server, Scenario::BigSession);
    o.users = 8;
    o.duration = Duration::from_secs(10);
    let r = run(o).await;
    assert_eq!(r.joined, 8, "{r:?}");
    assert_eq!(r.lists_consistent, Some(true), "{r:?}");
    assert_eq!(r.listeners, Some(7), "{r:?}");
    assert_eq!(r.listeners_connected, Some(7), "{r:?}");
    assert_eq!(r.audio_receivers, Some(7), "{r:?}");
    assert!(r.server_rss_per_user_kib.is_some(), "{r:?}");
    assert_measured_from_proc(&r);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_sessions_are_two_users_each() {
    let server = server().await;
    let mut o = options(&server, Scenario::ManySessions);
    o.sessions = 6;
    let r = run(o).await;
    assert_eq!((r.sessions, r.joined), (Some(6), 12), "{r:?}");
    assert_eq!(r.lists_consistent, Some(true), "{r:?}");
    assert!(r.server_rss_per_session_kib.is_some(), "{r:?}");
    assert_measured_from_proc(&r);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_delivers_packets_with_latency() {
    let server = server().await;
    let mut o = options(&server, Scenario::Forward);
    o.publishers = 2;
    o.subscribers = 2;
    o.sessions = 2;
    o.duration = Duration::from_secs(2);
    let r = run(o).await;
    assert_eq!(r.joined, 8, "{r:?}");
    assert_eq!((r.publishers, r.subscribers), (Some(4), Some(4)), "{r:?}");
    assert!(r.egress_packets.is_some_and(|p| p > 0), "{r:?}");
    // Each subscriber gets 2 audio (50 frames/s) and 2 videos (20 frames/s): 280 frames/s
    // over the 4, so at least half of that must have arrived.
    let fps = r.audio_frames_per_sec.unwrap_or(0.0) + r.video_frames_per_sec.unwrap_or(0.0);
    assert!(fps > 140.0, "{r:?}");
    assert!(r.audio_frames_per_sec.is_some_and(|f| f > 0.0), "{r:?}");
    assert!(r.video_frames_per_sec.is_some_and(|f| f > 0.0), "{r:?}");
    assert!(r.loss_percent.is_some_and(|l| l < 5.0), "{r:?}");
    let lat = r.latency_ms.clone().expect("latency measured");
    assert!(ordered(&lat), "{r:?}");
    assert!(
        r.server_cpu_us_per_packet.is_some_and(|us| us > 0.0),
        "{r:?}"
    );
    assert_measured_from_proc(&r);
    let json = serde_json::to_value(&r).expect("serialisable");
    for field in [
        "egressPackets",
        "egressPacketsPerSec",
        "lossPercent",
        "serverCpuUsPerPacket",
    ] {
        assert!(json.get(field).is_some(), "{field} in {json}");
    }
    assert!(json["latencyMs"]["p99"].is_number());
    server.shutdown().await;
}
