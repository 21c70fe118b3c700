//! A WebSocket's clocks: when the server pings it, when it counts as dead (nothing heard,
//! not even a pong), and when it has been in no session for too long. Sans-IO: the
//! connection task tells it what happened and sleeps until [`Keepalive::deadline`].

use crate::EdgeConfig;
use std::time::{Duration, Instant};

/// What is due at the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Due {
    /// Send a ping.
    Ping,
    /// Nothing heard for the dead-peer timeout: drop the connection (its user fails over).
    Dead,
    /// In no session for the join timeout: close it.
    NotJoined,
}

#[derive(Debug)]
pub(crate) struct Keepalive {
    ping_interval: Duration,
    dead_after: Duration,
    join_timeout: Duration,
    last_heard: Instant,
    last_ping: Instant,
    /// Since when the connection has been in no session (`None` while in one).
    unbound_since: Option<Instant>,
}

impl Keepalive {
    /// A connection opened at `now`, in no session yet.
    pub(crate) fn new(now: Instant, edge: &EdgeConfig) -> Self {
        Keepalive {
            ping_interval: edge.ping_interval,
            dead_after: edge.dead_peer_timeout,
            join_timeout: edge.join_timeout,
            last_heard: now,
            last_ping: now,
            unbound_since: Some(now),
        }
    }

    /// A frame (any kind) arrived.
    pub(crate) fn heard(&mut self, now: Instant) {
        self.last_heard = now;
    }

    /// A ping went out.
    pub(crate) fn pinged(&mut self, now: Instant) {
        self.last_ping = now;
    }

    /// Whether the connection is in a session (or joining one) now. Leaving one starts the
    /// join clock again.
    pub(crate) fn set_bound(&mut self, bound: bool, now: Instant) {
        match (bound, self.unbound_since) {
            (true, _) => self.unbound_since = None,
            (false, None) => self.unbound_since = Some(now),
            (false, Some(_)) => {}
        }
    }

    /// When the connection counts as dead.
    pub(crate) fn dead_at(&self) -> Instant {
        self.last_heard + self.dead_after
    }

    /// The next thing due and when (on a tie, the one that ends the connection).
    pub(crate) fn deadline(&self) -> (Instant, Due) {
        let mut next = (self.last_ping + self.ping_interval, Due::Ping);
        let dead = (self.dead_at(), Due::Dead);
        if dead.0 <= next.0 {
            next = dead;
        }
        if let Some(since) = self.unbound_since {
            let join = (since + self.join_timeout, Due::NotJoined);
            if join.0 <= next.0 {
                next = join;
            }
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unjoined_socket_is_closed_then_pings_then_dead() {
        let edge = EdgeConfig {
            ping_interval: Duration::from_secs(15),
            dead_peer_timeout: Duration::from_secs(30),
            join_timeout: Duration::from_secs(10),
            ..EdgeConfig::default()
        };
        let s = Duration::from_secs;
        let t = Instant::now();
        let mut k = Keepalive::new(t, &edge);
        assert_eq!(k.deadline(), (t + s(10), Due::NotJoined));
        k.set_bound(true, t + s(1));
        assert_eq!(k.deadline(), (t + s(15), Due::Ping));
        k.pinged(t + s(15));
        // No pong: dead 30 s after the last frame heard (here: the connect).
        assert_eq!(k.deadline(), (t + s(30), Due::Dead));
        k.heard(t + s(20));
        assert_eq!(k.deadline(), (t + s(30), Due::Ping));
        k.pinged(t + s(30));
        assert_eq!(k.deadline(), (t + s(45), Due::Ping));
        // Leaving the session starts the join clock again.
        k.set_bound(false, t + s(40));
        k.pinged(t + s(45));
        assert_eq!(k.deadline(), (t + s(50), Due::NotJoined));
    }
}
