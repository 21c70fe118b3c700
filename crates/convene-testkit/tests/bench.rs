//! Rough signaling figures. Ignored by default; run with
//! `cargo test --release -p convene-testkit --test main -- --ignored --nocapture bench`.

use convene_testkit::*;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn bench_join_latency() {
    let n: usize = std::env::var("BENCH_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let server = TestServer::start().await;
    let t = "bench-join";
    let mut keep = Vec::with_capacity(n);
    let mut lat = Vec::with_capacity(n);
    for i in 0..n {
        let token = participant_token(t);
        let (c, _events) = new_client(&server).await;
        let start = Instant::now();
        c.join(t, &token, &format!("u{i}"), None, None)
            .await
            .expect("join");
        lat.push(start.elapsed());
        keep.push(c);
    }
    // The last joins happen into a session of n-1 users.
    let tail: Vec<Duration> = lat[n - n / 10..].to_vec();
    lat.sort();
    let mut tail_sorted = tail.clone();
    tail_sorted.sort();
    println!(
        "BENCH join latency, {n} users joining one session one after another: median {:?}, p99 {:?}, \
         median of the last 10% (session of {}+ users) {:?}",
        lat[n / 2],
        lat[n * 99 / 100],
        n - n / 10,
        tail_sorted[tail_sorted.len() / 2],
    );
}
