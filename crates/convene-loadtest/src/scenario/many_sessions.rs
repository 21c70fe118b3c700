//! `many-sessions`: `sessions` sessions of two users each (signaling only). The server's
//! RSS growth over the joins, per session, is the figure; each user's list is checked too.

use crate::progress::Progress;
use crate::scenario::{join_checked, CheckedJoin};
use crate::server::ServerProbe;
use crate::users::{leave_all, Seat};
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
    let CheckedJoin {
        start,
        end,
        phase,
        mut report,
    } = join_checked(o, seats, &probe, progress).await;
    report.sessions = Some(sessions.len());
    report.server_rss_per_session_kib = start
        .server_rss_growth_kib(&end)
        .map(|kib| kib / sessions.len().max(1) as f64);
    start.window_into(&end, &mut report);
    leave_all(phase.users, progress).await;
    report
}
