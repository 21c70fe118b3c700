//! Timers: the idle timeout (a session with one user left) and failover expiry (a dropped
//! user not resumed in time). One heap of deadlines; a fired timer that no longer matches
//! the state it was armed for (the deadline moved or was cleared) is ignored, so nothing is
//! ever removed from the heap early.

use crate::core::Core;
use convene_protocol::{SessionId, UserId, DEFAULT_IDLE_TIMEOUT_MINS};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Timer {
    /// The session's idle deadline.
    Idle(SessionId),
    /// A user's failover deadline.
    Failover(SessionId, UserId),
}

/// Deadlines, earliest first.
#[derive(Debug, Default)]
pub(crate) struct Timers(BinaryHeap<Reverse<(Instant, Timer)>>);

impl Timers {
    /// The earliest deadline, if any.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.0.peek().map(|Reverse((t, _))| *t)
    }

    /// Takes the earliest timer if it is due at `now`.
    fn pop_due(&mut self, now: Instant) -> Option<(Instant, Timer)> {
        if self.next()? > now {
            return None;
        }
        self.0.pop().map(|Reverse(t)| t)
    }

    fn push(&mut self, at: Instant, timer: Timer) {
        self.0.push(Reverse((at, timer)));
    }
}

impl Core {
    /// Re-arms the idle timer: it runs exactly while one user remains, for the host's
    /// `idleTimeoutMins` or, for a lone non-host, the default.
    pub(crate) fn rearm_idle(&mut self, now: Instant, sid: &SessionId) {
        let minute = self.config.idle_minute;
        let Some(s) = self.sessions.get_mut(sid) else {
            return;
        };
        if s.users.len() != 1 {
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
