//! `big-session`: `users` join one session (signaling only): join latency, the server's RSS
//! growth per user, list consistency. Then every user but the first (or the first
//! `listeners` of them) opens a receive-only media peer with one audio slot, the first user (`load-0`, the host) speaks for up to
//! `duration`, and the report counts the listeners that heard it (`audioReceivers`).
//! The window covers everything from the first join to the end of the audio phase.

use std::time::{Duration, Instant};

use convene_client::protocol::UserId;

use crate::media::{self, Peer};
use crate::progress::Progress;
use crate::scenario::{connected_subscriber, gated, join_checked, one_session_seats, CheckedJoin};
use crate::server::ServerProbe;
use crate::users::leave_all;
use crate::{LoadOptions, Report};

pub(crate) async fn run(o: &LoadOptions, probe: ServerProbe, progress: &Progress) -> Report {
    let CheckedJoin {
        start,
        end: joined,
        phase,
        mut report,
    } = join_checked(o, one_session_seats(o), &probe, progress).await;
    report.server_rss_per_user_kib = start
        .server_rss_growth_kib(&joined)
        .map(|kib| kib / phase.users.len().max(1) as f64);

    // Listeners first, so the speaker's first packets already have somewhere to go.
    let speaker = phase.users.iter().find(|u| u.seat.index == 0);
    let clients: Vec<_> = phase
        .users
        .iter()
        .filter(|u| u.seat.index != 0)
        .take(o.listeners.unwrap_or(usize::MAX))
        .map(|u| u.client.clone())
        .collect();
    report.listeners = Some(clients.len());
    progress.phase("listeners", clients.len());
    let listeners: Vec<Peer> = gated(clients, o.concurrency, progress, |c| {
        connected_subscriber(c, 1, Vec::new())
    })
    .await
    .into_iter()
    .flatten()
    .collect();
    report.listeners_connected = Some(listeners.len());

    // The speaker is in shard 0; other shards find it by name to know whose audio to expect.
    let speaker_id = phase.users.first().and_then(|u| {
        u.client
            .get_all_user()
            .into_iter()
            .find(|p| p.display_name == "load-0")
            .map(|p| p.user_id)
    });
    progress.phase("speaking", listeners.len());
    let spoke = Instant::now();
    let _talking = match speaker {
        Some(s) => media::publish(&s.client, true, false).await.ok(),
        None => None,
    };
    let heard = match speaker_id {
        Some(id) => wait_heard(&listeners, id, o.duration, progress).await,
        None => 0,
    };
    report.audio_receivers = Some(heard);
    report.audio_phase_secs = Some(spoke.elapsed().as_secs_f64());
    let end = probe.read();
    start.window_into(&end, &mut report);
    drop(listeners);
    leave_all(phase.users, progress).await;
    report
}

/// Polls the listeners until all have received audio from `speaker` or `within` passed;
/// returns how many did.
async fn wait_heard(
    listeners: &[Peer],
    speaker: UserId,
    within: Duration,
    progress: &Progress,
) -> usize {
    let end = Instant::now() + within;
    let mut heard = vec![false; listeners.len()];
    loop {
        for (p, h) in listeners.iter().zip(heard.iter_mut()).filter(|(_, h)| !**h) {
            let Ok(snap) = p.peer.snapshot().await else {
                continue;
            };
            *h = snap
                .received
                .values()
                .any(|t| t.last_tag.is_some_and(|tag| tag.user == speaker.0));
            if *h {
                progress.inc();
            }
        }
        let n = heard.iter().filter(|h| **h).count();
        if n == listeners.len() || Instant::now() >= end {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
