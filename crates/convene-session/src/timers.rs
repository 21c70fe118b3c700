//! The timer heap: idle deadlines (a session with one user left), failover deadlines (a
//! dropped user not resumed in time) and subsession deadlines, earliest first. Nothing is removed early: a fired
//! timer that no longer matches the state it was armed for (the deadline moved or was
//! cleared) is ignored by its handler (`handlers/timeouts.rs`).

use convene_protocol::{SessionId, UserId};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Timer {
    /// The session's idle deadline.
    Idle(SessionId),
    /// A user's failover deadline.
    Failover(SessionId, UserId),
    /// A main session's subsessions: their timer's end or their closing countdown's end.
    Rooms(SessionId),
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
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<(Instant, Timer)> {
        if self.next()? > now {
            return None;
        }
        self.0.pop().map(|Reverse(t)| t)
    }

    pub(crate) fn push(&mut self, at: Instant, timer: Timer) {
        self.0.push(Reverse((at, timer)));
    }
}
