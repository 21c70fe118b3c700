//! The scenarios, one file each. Each joins its users (see `users.rs`), measures a window
//! with the [`ServerProbe`], fills a [`Report`] and leaves.

pub(crate) mod big_session;
pub(crate) mod forward;
pub(crate) mod join_storm;
pub(crate) mod many_sessions;

use std::sync::Arc;
use std::time::Duration;

use convene_client::protocol::UserId;
use convene_client::Client;
use tokio::sync::Semaphore;

use crate::media::{self, Peer};
use crate::progress::Progress;
use crate::server::{Reading, ServerProbe};
use crate::users::{join_all, lists_consistent, JoinPhase, Seat};
use crate::{LoadOptions, Percentiles, Report};

/// How long user lists may take to settle after the last join before they count as
/// inconsistent (the last `user-added` events may still be on their way).
pub(crate) const SETTLE: Duration = Duration::from_secs(10);
/// How long a media peer may take to connect.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// This shard's seats of `users` users in the one session `o.topic`; `load-0` hosts.
pub(crate) fn one_session_seats(o: &LoadOptions) -> Vec<Seat> {
    (0..o.users)
        .filter(|&i| o.shard.owns(i))
        .map(|index| Seat {
            index,
            topic: o.topic.clone(),
            host: index == 0,
        })
        .collect()
}

/// A join phase measured from outside, lists checked (signaling-only scenarios).
pub(crate) struct CheckedJoin {
    /// Read before the first join.
    pub(crate) start: Reading,
    /// Read after the lists were checked.
    pub(crate) end: Reading,
    pub(crate) phase: JoinPhase,
    /// [`joined_report`] with `listsConsistent`.
    pub(crate) report: Report,
}

/// Joins `seats`, then checks every user's list against the server's (for up to
/// [`SETTLE`]), reading the probe before and after.
pub(crate) async fn join_checked(
    o: &LoadOptions,
    seats: Vec<Seat>,
    probe: &ServerProbe,
    progress: &Progress,
) -> CheckedJoin {
    let start = probe.read();
    let phase = join_all(o, seats, progress).await;
    let consistent = lists_consistent(&phase.users, SETTLE, progress).await;
    let end = probe.read();
    let mut report = joined_report(o, &phase);
    report.lists_consistent = Some(consistent);
    CheckedJoin {
        start,
        end,
        phase,
        report,
    }
}

/// A receive-only media peer of `c` (`audio_slots` speakers, the cameras of `videos`),
/// once connected; `None` if it failed or did not connect within [`CONNECT_TIMEOUT`].
pub(crate) async fn connected_subscriber(
    c: Client,
    audio_slots: usize,
    videos: Vec<UserId>,
) -> Option<Peer> {
    let p = media::subscribe(&c, audio_slots, &videos).await.ok()?;
    media::connected(&p.peer, CONNECT_TIMEOUT)
        .await
        .then_some(p)
}

/// A report with the join phase's fields filled.
pub(crate) fn joined_report(o: &LoadOptions, phase: &JoinPhase) -> Report {
    Report {
        scenario: o.scenario.name().to_owned(),
        shard: (o.shard.count > 1).then(|| o.shard.to_string()),
        users: phase.users.len() + phase.failures,
        joined: phase.users.len(),
        join_failures: phase.failures,
        first_error: phase.first_error.clone(),
        join_ms: Percentiles::of(phase.latencies_ms.clone()),
        join_phase_secs: phase.secs,
        ..Report::default()
    }
}

/// Runs `f` on every item, at most `concurrency` at once, one progress step each; the
/// results come back in the items' order.
pub(crate) async fn gated<T, R, F, Fut>(
    items: Vec<T>,
    concurrency: usize,
    progress: &Progress,
    f: F,
) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = R> + Send + 'static,
{
    let gate = Arc::new(Semaphore::new(concurrency.max(1)));
    let tasks: Vec<_> = items
        .into_iter()
        .map(|item| {
            let (gate, progress, f) = (gate.clone(), progress.clone(), f.clone());
            tokio::spawn(async move {
                // The semaphore is never closed, so acquiring only waits.
                let _permit = gate.acquire_owned().await;
                let r = f(item).await;
                progress.inc();
                r
            })
        })
        .collect();
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        match t.await {
            Ok(r) => out.push(r),
            // A panicking task is a bug in this crate; carry it on.
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    out
}
