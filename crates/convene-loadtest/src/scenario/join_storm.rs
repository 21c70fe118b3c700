//! `join-storm`: `users` join one session, `concurrency` at a time; then every user's own
//! list is checked against the server's. The window covers the joins and the check.

use crate::progress::Progress;
use crate::scenario::{joined_report, SETTLE};
use crate::server::ServerProbe;
use crate::users::{join_all, leave_all, lists_consistent, Seat};
use crate::{LoadOptions, Report};

pub(crate) async fn run(o: &LoadOptions, probe: ServerProbe, progress: &Progress) -> Report {
    let seats = (0..o.users)
        .filter(|&i| o.shard.owns(i))
        .map(|index| Seat {
            index,
            topic: o.topic.clone(),
            host: index == 0,
        })
        .collect();
    let start = probe.read();
    let phase = join_all(o, seats, progress).await;
    let consistent = lists_consistent(&phase.users, SETTLE, progress).await;
    let end = probe.read();
    let mut report = joined_report(o, &phase);
    report.lists_consistent = Some(consistent);
    start.window_into(&end, &mut report);
    leave_all(phase.users, progress).await;
    report
}
