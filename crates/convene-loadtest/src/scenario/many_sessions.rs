//! `many-sessions`: `sessions` sessions of two users each (signaling only). The server's
//! RSS growth over the joins, per session, is the figure; each user's list is checked too.

use crate::progress::Progress;
use crate::scenario::{joined_report, SETTLE};
use crate::server::ServerProbe;
use crate::users::{join_all, leave_all, lists_consistent, Seat};
use crate::{LoadOptions, Report};

pub(crate) async fn run(o: &LoadOptions, probe: ServerProbe, progress: &Progress) -> Report {
    let sessions: Vec<usize> = (0..o.sessions).filter(|&s| o.shard.owns(s)).collect();
    let seats = sessions
        .iter()
        .flat_map(|&s| {
            [0, 1].map(|j| Seat {
                index: 2 * s + j,
                topic: format!("{}-{s}", o.topic),
                host: j == 0,
            })
        })
        .collect();
    let start = probe.read();
    let phase = join_all(o, seats, progress).await;
    let consistent = lists_consistent(&phase.users, SETTLE, progress).await;
    let end = probe.read();
    let mut report = joined_report(o, &phase);
    report.sessions = Some(sessions.len());
    report.lists_consistent = Some(consistent);
    report.server_rss_per_session_kib = start
        .server_rss_growth_kib(&end)
        .map(|kib| kib / sessions.len().max(1) as f64);
    start.window_into(&end, &mut report);
    leave_all(phase.users, progress).await;
    report
}
