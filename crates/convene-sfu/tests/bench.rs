//! A rough forwarding throughput figure. Ignored by default; run with
//! `cargo test --release -p convene-sfu --test main -- --ignored --nocapture bench`.

use std::time::{Duration, Instant};

use convene_media::MediaPeerConfig;
use convene_sfu::Command;

use crate::harness::{plan, TestSfu};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn bench_forwarding_packets_per_second() {
    let publishers: u32 = std::env::var("BENCH_PUBLISHERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let subscribers: u32 = std::env::var("BENCH_SUBSCRIBERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6);
    let sfu = TestSfu::start().await;
    let mut keep = Vec::new();
    for u in 1..=publishers {
        let mut cfg = MediaPeerConfig::new(u);
        cfg.video_fps = 30;
        cfg.video_frame_bytes = [3000, 3000, 3000];
        keep.push(sfu.join(u64::from(u), u, plan(true, true, 0, 0), cfg).await);
    }
    for s in 0..subscribers {
        let u = 1000 + s;
        let c = sfu
            .join(
                u64::from(u),
                u,
                plan(false, false, 3, publishers as usize),
                MediaPeerConfig::new(u),
            )
            .await;
        for p in 1..=publishers {
            sfu.send(Command::AttachVideo {
                subscriber: c.peer,
                publisher_user: p,
                quality: 4,
            })
            .await;
        }
        keep.push(c);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let s0 = sfu.stats();
    let t0 = Instant::now();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let s1 = sfu.stats();
    let secs = t0.elapsed().as_secs_f64();
    let sum = |a: [u64; 3]| a.iter().sum::<u64>() as f64;
    let out = (s1.forwarded_packets - s0.forwarded_packets) as f64;
    let busy = (s1.loop_busy_ns - s0.loop_busy_ns) as f64 / 1e9;
    println!(
        "BENCH publishers={publishers} subscribers={subscribers}: in {:.0} pkt/s, forwarded {:.0} pkt/s, \
         sent {:.0} pkt/s with {:.1} Mbit/s payload (str0m's figures, retransmissions included); \
         SFU task busy {:.0}% of wall time => ~{:.0} forwarded pkt/s per busy second",
        (sum(s1.rtp_packets_in) - sum(s0.rtp_packets_in)) / secs,
        out / secs,
        (sum(s1.rtp_packets_out) - sum(s0.rtp_packets_out)) / secs,
        (sum(s1.rtp_bytes_out) - sum(s0.rtp_bytes_out)) * 8.0 / secs / 1e6,
        busy / secs * 100.0,
        out / busy.max(1e-9),
    );
}
