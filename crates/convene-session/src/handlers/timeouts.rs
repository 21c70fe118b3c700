//! Timeouts: arming the idle timer (it runs exactly while one user remains) and failover
//! expiry, and firing what is due.

use crate::core::Core;
use crate::timers::Timer;
use convene_protocol::{SessionId, UserId, DEFAULT_IDLE_TIMEOUT_MINS};
use std::time::Instant;

impl Core {
    /// Re-arms the idle timer: it runs exactly while one user remains, for the host's
    /// `idleTimeoutMins` or, for a lone non-host, the default.
    pub(crate) fn rearm_idle(&mut self, now: Instant, sid: &SessionId) {
        let minute = self.config.idle_minute;
        let Some(s) = self.sessions.get_mut(sid) else {
            return;
        };
        if s.parent.is_some() {
            // A subsession has no idle timer: its main session's counts.
            return;
        }
        // A running recording keeps a one-user session alive (SPEC §7), and so do open
        // subsessions (their users are elsewhere).
        if s.users.len() != 1
            || s.recording != convene_protocol::RecordingStatus::Stopped
            || s.rooms.is_open()
        {
            s.idle_deadline = None;
            return;
        }
        if s.idle_deadline.is_some() {
            return;
        }
        // unwrap is ok because len() == 1.
        let (uid, u) = s.users.iter().next().expect("one user");
        let mins = if s.host == Some(*uid) {
            u.idle_timeout_mins
        } else {
            DEFAULT_IDLE_TIMEOUT_MINS
        };
        let at = now + minute * mins;
        s.idle_deadline = Some(at);
        self.timers.push(at, Timer::Idle(sid.clone()));
    }

    /// Arms `uid`'s failover expiry at `at`.
    pub(crate) fn arm_failover(&mut self, at: Instant, sid: &SessionId, uid: UserId) {
        self.timers.push(at, Timer::Failover(sid.clone(), uid));
    }

    /// Fires every timer due at `now`.
    pub(crate) fn timeout(&mut self, now: Instant) {
        while let Some((at, timer)) = self.timers.pop_due(now) {
            match timer {
                Timer::Idle(sid) => {
                    let due = self
                        .sessions
                        .get(&sid)
                        .is_some_and(|s| s.idle_deadline == Some(at));
                    if due {
                        self.end_session(&sid, "session idle timeout", None);
                    }
                }
                Timer::Rooms(main) => self.rooms_timer(now, &main, at),
                Timer::Failover(sid, uid) => {
                    let due = self
                        .sessions
                        .get(&sid)
                        .and_then(|s| s.users.get(&uid))
                        .is_some_and(|u| u.failover_deadline == Some(at));
                    if due {
                        self.remove_user(now, &sid, uid);
                    }
                }
            }
        }
    }
}
