//! # Convene load generator
//!
//! N synthetic users against a running server, built on the Rust client SDK. The command is
//! `convene load`; the numbers go to `BENCHMARKS.md` with the command that produced them.
//!
//! ## Brief overview
//! 1. `users` clients join one session, `concurrency` at a time. Each `join()` is timed
//!    (signaling: token check, session core, and the reply with the user list).
//! 2. The first `publishers` users start synthetic audio and video; every user attaches up
//!    to `attach` publishers' cameras.
//! 3. After `duration`, every client reports what it received, then all leave.
//!
//! The report is plain data ([`Report`]), printed as one JSON object by the binary.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use convene_client::protocol::UserId;
use convene_client::{Client, MediaOptions};
use serde::Serialize;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Server, e.g. `http://127.0.0.1:8080`.
    pub url: String,
    /// SDK key and secret of an app the server knows (tokens are minted locally).
    pub key: String,
    /// SDK secret.
    pub secret: String,
    /// Session topic.
    pub topic: String,
    /// How many users join.
    pub users: usize,
    /// How many joins run at once.
    pub concurrency: usize,
    /// How many of the users publish audio and video.
    pub publishers: usize,
    /// How many publishers' cameras each user attaches.
    pub attach: usize,
    /// How long media flows before the report.
    pub duration: Duration,
}

/// Latency percentiles, milliseconds.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Slowest.
    pub max: f64,
}

/// What a run measured.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Users that joined.
    pub joined: usize,
    /// Joins that failed.
    pub join_failures: usize,
    /// First failure, if any.
    pub first_error: Option<String>,
    /// Join latency.
    pub join_ms: Percentiles,
    /// Wall time for all joins, seconds.
    pub join_phase_secs: f64,
    /// Publishers that started media.
    pub publishers: usize,
    /// Video frames received over all users during the media phase, per second.
    pub video_frames_per_sec: f64,
    /// Audio frames received over all users during the media phase, per second.
    pub audio_frames_per_sec: f64,
    /// RTP packets received over all users during the media phase, per second.
    pub packets_per_sec: f64,
}

fn percentiles(mut v: Vec<f64>) -> Percentiles {
    if v.is_empty() {
        return Percentiles::default();
    }
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    Percentiles {
        p50: at(0.5),
        p90: at(0.9),
        p99: at(0.99),
        max: at(1.0),
    }
}

fn mint(o: &LoadOptions, i: usize) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let role = if i == 0 {
        convene_auth::Role::Host
    } else {
        convene_auth::Role::Participant
    };
    let mut m = convene_auth::MintOptions::new(&o.key, &o.secret, &o.topic, role, now);
    // Distinct tokens per user, so one removal never bans another (SPEC §4, 3009).
    m.user_identity = Some(format!("load-{i}"));
    convene_auth::mint(&m)
}

async fn join_one(o: &LoadOptions, i: usize) -> Result<(Client, f64), String> {
    let c = Client::new();
    c.init(&o.url).await.map_err(|e| e.to_string())?;
    let token = mint(o, i);
    let t = Instant::now();
    c.join(&o.topic, &token, &format!("load-{i}"), None, None)
        .await
        .map_err(|e| e.to_string())?;
    Ok((c, t.elapsed().as_secs_f64() * 1000.0))
}

async fn received(clients: &[Client]) -> (u64, u64, u64) {
    let (mut video, mut audio, mut packets) = (0, 0, 0);
    for c in clients {
        let Ok(stream) = c.get_media_stream() else {
            continue;
        };
        for s in stream.stats().await.unwrap_or_default() {
            match s.kind.as_str() {
                "video" => video += s.frames,
                "audio" => audio += s.frames,
                _ => {}
            }
            packets += s.packets;
        }
    }
    (video, audio, packets)
}

/// Runs the load and reports. Every client leaves before it returns.
pub async fn run(o: LoadOptions) -> Report {
    let mut report = Report::default();
    let mut clients: Vec<Client> = Vec::with_capacity(o.users);
    let mut lat = Vec::with_capacity(o.users);
    let start = Instant::now();
    let mut next = 0;
    while next < o.users {
        let batch: Vec<usize> = (next..o.users.min(next + o.concurrency.max(1))).collect();
        next += batch.len();
        let joins = batch.iter().map(|&i| {
            let o = o.clone();
            tokio::spawn(async move { join_one(&o, i).await })
        });
        for h in joins.collect::<Vec<_>>() {
            match h.await {
                Ok(Ok((c, ms))) => {
                    clients.push(c);
                    lat.push(ms);
                }
                Ok(Err(e)) => {
                    report.join_failures += 1;
                    report.first_error.get_or_insert(e);
                }
                Err(e) => {
                    report.join_failures += 1;
                    report.first_error.get_or_insert(e.to_string());
                }
            }
        }
    }
    report.join_phase_secs = start.elapsed().as_secs_f64();
    report.joined = clients.len();
    report.join_ms = percentiles(lat);

    let publishers: Vec<(UserId, Client)> = clients
        .iter()
        .take(o.publishers)
        .filter_map(|c| c.get_current_user_info().map(|u| (u.user_id, c.clone())))
        .collect();
    for (_, c) in &publishers {
        let Ok(s) = c.get_media_stream() else {
            continue;
        };
        s.set_options(MediaOptions {
            simulcast: false,
            ..MediaOptions::default()
        })
        .await;
        if s.start_audio(false).await.is_ok() && s.start_video().await.is_ok() {
            report.publishers += 1;
        }
    }
    if !publishers.is_empty() && o.attach > 0 {
        for c in &clients {
            let Ok(s) = c.get_media_stream() else {
                continue;
            };
            let me = c.get_current_user_info().map(|u| u.user_id);
            for (id, _) in publishers
                .iter()
                .filter(|(id, _)| Some(*id) != me)
                .take(o.attach)
            {
                let _ = s.attach_video(*id, 1).await;
            }
        }
    }
    if report.publishers > 0 {
        // Let media start, then measure a window.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let before = received(&clients).await;
        let t = Instant::now();
        tokio::time::sleep(o.duration).await;
        let after = received(&clients).await;
        let secs = t.elapsed().as_secs_f64().max(0.001);
        report.video_frames_per_sec = (after.0 - before.0) as f64 / secs;
        report.audio_frames_per_sec = (after.1 - before.1) as f64 / secs;
        report.packets_per_sec = (after.2 - before.2) as f64 / secs;
    }
    // Everyone leaves at once: a sequential teardown of thousands of users takes minutes.
    let leaving: Vec<_> = clients
        .into_iter()
        .map(|c| {
            tokio::spawn(async move {
                let _ = c.leave(false).await;
                let _ = c.destroy().await;
            })
        })
        .collect();
    for h in leaving {
        let _ = h.await;
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_known_list() {
        let p = percentiles((1..=100).map(f64::from).collect());
        assert_eq!((p.p50, p.p90, p.p99, p.max), (51.0, 90.0, 99.0, 100.0));
        assert_eq!(percentiles(vec![]), Percentiles::default());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_small_load_joins_everyone_and_moves_media() {
        let mut cfg = convene_server::Config::for_tests("load-key", "load-secret-0123456789abcdef");
        cfg.session.max_users_per_session = 100;
        let server = convene_server::spawn(cfg).await.unwrap();
        let report = run(LoadOptions {
            url: server.url(),
            key: "load-key".into(),
            secret: "load-secret-0123456789abcdef".into(),
            topic: "load".into(),
            users: 12,
            concurrency: 4,
            publishers: 2,
            attach: 2,
            duration: Duration::from_millis(800),
        })
        .await;
        assert_eq!(report.joined, 12, "{report:?}");
        assert_eq!(report.join_failures, 0);
        assert_eq!(report.publishers, 2);
        assert!(report.video_frames_per_sec > 0.0, "{report:?}");
        assert!(report.join_ms.p50 > 0.0 && report.join_ms.max >= report.join_ms.p99);
        server.shutdown().await;
    }
}
