//! `join-storm`: `users` join one session, `concurrency` at a time; then every user's own
//! list is checked against the server's. The window covers the joins and the check.

use crate::progress::Progress;
use crate::scenario::{join_checked, one_session_seats, CheckedJoin};
use crate::server::ServerProbe;
use crate::users::leave_all;
use crate::{LoadOptions, Report};

pub(crate) async fn run(o: &LoadOptions, probe: ServerProbe, progress: &Progress) -> Report {
    let CheckedJoin {
        start,
        end,
        phase,
        mut report,
    } = join_checked(o, one_session_seats(o), &probe, progress).await;
    start.window_into(&end, &mut report);
    leave_all(phase.users, progress).await;
    report
}
