//! `forward`: `sessions` sessions, each of `publishers` users sending Opus-shaped audio
//! (50 packets/s) and 3-layer simulcast VP8-shaped video, and `subscribers` users each
//! receiving one layer of every publisher's camera (or `attach` of them) and the loudest
//! speakers' audio (up to 3 slots, the SFU's default). After the peers connect and a short
//! warm-up, a window of `duration` is measured: RTP packets received by the subscribers,
//! frames lost (gaps in the senders' frame counters), send-to-receive latency of every
//! frame (the send time is in the payload; one host, one clock), and the server's CPU.

use std::time::Duration;

use convene_client::protocol::{UserId, AUDIO_SLOTS};

use crate::media::{self, Peer};
use crate::progress::Progress;
use crate::scenario::{connected_subscriber, gated, joined_report, CONNECT_TIMEOUT};
use crate::server::ServerProbe;
use crate::users::{join_all, leave_all, Joined, Seat};
use crate::{LoadOptions, Percentiles, Report};

/// Media flows this long before the window opens (first keyframes, speaker ranking).
const WARM_UP: Duration = Duration::from_secs(2);

/// The topic of session `k` (the plain topic when there is one session).
fn topic(o: &LoadOptions, k: usize) -> String {
    if o.sessions == 1 {
        o.topic.clone()
    } else {
        format!("{}-{k}", o.topic)
    }
}

pub(crate) async fn run(o: &LoadOptions, probe: ServerProbe, progress: &Progress) -> Report {
    let per = o.publishers + o.subscribers;
    let sessions: Vec<usize> = (0..o.sessions).filter(|&k| o.shard.owns(k)).collect();
    let seats = sessions
        .iter()
        .flat_map(|&k| {
            (0..per).map(move |j| Seat {
                index: k * per + j,
                topic: topic(o, k),
                host: j == 0,
            })
        })
        .collect();
    let phase = join_all(o, seats, progress).await;
    let mut report = joined_report(o, &phase);
    report.sessions = Some(sessions.len());
    let is_publisher = |u: &Joined| u.seat.index % per.max(1) < o.publishers;

    progress.phase(
        "publishing",
        phase.users.iter().filter(|u| is_publisher(u)).count(),
    );
    let pubs: Vec<_> = phase
        .users
        .iter()
        .filter(|u| is_publisher(u))
        .map(|u| (u.seat.topic.clone(), u.client.clone()))
        .collect();
    let publishers: Vec<(String, UserId, Peer)> =
        gated(pubs, o.concurrency, progress, |(topic, c)| async move {
            let me = c.get_current_user_info()?.user_id;
            let p = media::publish(&c, true, true).await.ok()?;
            media::connected(&p.peer, CONNECT_TIMEOUT)
                .await
                .then_some((topic, me, p))
        })
        .await
        .into_iter()
        .flatten()
        .collect();
    report.publishers = Some(publishers.len());

    let subs: Vec<_> = phase
        .users
        .iter()
        .filter(|u| !is_publisher(u))
        .map(|u| {
            let mut videos: Vec<UserId> = publishers
                .iter()
                .filter(|(t, _, _)| *t == u.seat.topic)
                .map(|(_, id, _)| *id)
                .collect();
            videos.truncate(o.attach.unwrap_or(usize::MAX));
            let audio = o.publishers.min(AUDIO_SLOTS);
            (u.client.clone(), audio, videos)
        })
        .collect();
    progress.phase("subscribing", subs.len());
    let subscribers: Vec<Peer> = gated(subs, o.concurrency, progress, |(c, audio, videos)| {
        connected_subscriber(c, audio, videos)
    })
    .await
    .into_iter()
    .flatten()
    .collect();
    report.subscribers = Some(subscribers.len());

    progress.phase("warming up", 0);
    tokio::time::sleep(WARM_UP).await;
    let before = media::received(&subscribers).await;
    let start = probe.read();
    progress.phase("measuring", 0);
    tokio::time::sleep(o.duration).await;
    let end = probe.read();
    let got = media::received(&subscribers).await.since(&before);
    start.window_into(&end, &mut report);

    let secs = report.window_secs.max(0.001);
    let frames = got.audio_frames + got.video_frames;
    report.egress_packets = Some(got.packets);
    report.egress_packets_per_sec = Some(got.packets as f64 / secs);
    report.packets_per_sec = report.egress_packets_per_sec;
    report.video_frames_per_sec = Some(got.video_frames as f64 / secs);
    report.audio_frames_per_sec = Some(got.audio_frames as f64 / secs);
    report.loss_percent = Some(if frames + got.lost_frames == 0 {
        0.0
    } else {
        100.0 * got.lost_frames as f64 / (frames + got.lost_frames) as f64
    });
    report.latency_ms = Percentiles::of_histogram(&got.latency);
    report.server_cpu_us_per_packet = report
        .server_cpu_secs
        .filter(|_| got.packets > 0)
        .map(|cpu| cpu * 1e6 / got.packets as f64);

    drop(subscribers);
    drop(publishers);
    leave_all(phase.users, progress).await;
    report
}
