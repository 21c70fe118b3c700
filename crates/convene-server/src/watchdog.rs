//! Supervision for `/healthz`: whether the router, every session task and the SFU loop still
//! make progress. Idle is healthy; stuck is work pending for longer than the stall timeout.
//!
//! - The **router** is probed: a lookup runs in its own task; one unfinished after the stall
//!   timeout means the directory is stuck (a lock held forever, say).
//! - The **SFU loop** is probed from outside, as a client reaches it: one datagram to the
//!   media socket must make its loop turn (`SfuStats::loop_turns`). An idle loop turns for
//!   it; a stuck or dead one does not.
//! - A **session task** holds a [`Beat`] and marks itself busy while it handles an input and
//!   idle while it waits; one busy for longer than the stall timeout is stuck.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// What is stuck, as `/healthz` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stuck {
    Router,
    SfuLoop,
    Sessions(usize),
}

impl std::fmt::Display for Stuck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stuck::Router => f.write_str("router stuck"),
            Stuck::SfuLoop => f.write_str("SFU loop stuck"),
            Stuck::Sessions(n) => write!(f, "{n} session task(s) stuck"),
        }
    }
}

/// The node's supervisor; shared by `/healthz`, the probe task and session tasks.
#[derive(Debug)]
pub(crate) struct Watchdog {
    stall: Duration,
    epoch: Instant,
    next: AtomicU64,
    /// Each session task's busy-since, in microseconds after `epoch` plus one; 0 when idle.
    tasks: Mutex<HashMap<u64, Arc<AtomicU64>>>,
    /// Since when a router lookup has been unanswered.
    router_since: Mutex<Option<Instant>>,
    /// Since when the SFU loop owes a turn, and its turn count then.
    sfu_since: Mutex<Option<(Instant, u64)>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every value behind these locks is written in one statement: a panic leaves it whole.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Watchdog {
    pub(crate) fn new(stall: Duration) -> Arc<Self> {
        Arc::new(Watchdog {
            stall,
            epoch: Instant::now(),
            next: AtomicU64::new(1),
            tasks: Mutex::default(),
            router_since: Mutex::default(),
            sfu_since: Mutex::default(),
        })
    }

    /// A beat for one more task; it stops being watched when the beat is dropped.
    pub(crate) fn beat(self: &Arc<Self>) -> Beat {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let busy = Arc::new(AtomicU64::new(0));
        lock(&self.tasks).insert(id, busy.clone());
        Beat {
            watchdog: self.clone(),
            id,
            busy,
        }
    }

    fn micros(&self, at: Instant) -> u64 {
        u64::try_from(at.duration_since(self.epoch).as_micros()).unwrap_or(u64::MAX - 1) + 1
    }

    /// A router lookup started (`true`) or finished (`false`).
    pub(crate) fn router_probe(&self, pending: bool, now: Instant) {
        *lock(&self.router_since) = pending.then_some(now);
    }

    /// Whether a router lookup is still out.
    pub(crate) fn router_pending(&self) -> bool {
        lock(&self.router_since).is_some()
    }

    /// The SFU loop had turned `turns` times at `now`. Returns true when a new probe
    /// datagram should go out (the last one was answered, or none was sent).
    pub(crate) fn sfu_turns(&self, turns: u64, now: Instant) -> bool {
        let mut since = lock(&self.sfu_since);
        match *since {
            Some((_, before)) if turns == before => false,
            _ => {
                *since = Some((now, turns));
                true
            }
        }
    }

    /// Everything stuck at `now`; empty when healthy.
    pub(crate) fn stuck(&self, now: Instant) -> Vec<Stuck> {
        let late = |since: Instant| now.saturating_duration_since(since) > self.stall;
        let mut out = Vec::new();
        if lock(&self.router_since).is_some_and(late) {
            out.push(Stuck::Router);
        }
        if lock(&self.sfu_since).is_some_and(|(since, _)| late(since)) {
            out.push(Stuck::SfuLoop);
        }
        let limit = self
            .micros(now)
            .saturating_sub(self.stall.as_micros() as u64);
        let sessions = lock(&self.tasks)
            .values()
            .filter(|b| {
                let since = b.load(Ordering::Relaxed);
                since != 0 && since < limit
            })
            .count();
        if sessions > 0 {
            out.push(Stuck::Sessions(sessions));
        }
        out
    }
}

/// A task's heartbeat: [`busy`](Beat::busy) when it takes an input, [`idle`](Beat::idle)
/// before it waits for the next.
#[derive(Debug)]
pub(crate) struct Beat {
    watchdog: Arc<Watchdog>,
    id: u64,
    busy: Arc<AtomicU64>,
}

impl Beat {
    /// The task is working on an input from now on.
    pub(crate) fn busy(&self) {
        let at = self.watchdog.micros(Instant::now());
        self.busy.store(at, Ordering::Relaxed);
    }

    /// The task waits for its next input.
    pub(crate) fn idle(&self) {
        self.busy.store(0, Ordering::Relaxed);
    }
}

impl Drop for Beat {
    fn drop(&mut self) {
        lock(&self.watchdog.tasks).remove(&self.id);
    }
}

/// Probes the router and the SFU loop until the server stops; `/healthz` reads the verdict.
pub(crate) async fn run(
    state: std::sync::Weak<crate::state::AppState>,
    media: std::net::SocketAddr,
) {
    let Ok(probe) = tokio::net::UdpSocket::bind((media.ip(), 0)).await else {
        tracing::warn!("watchdog: no UDP socket to probe the SFU loop with");
        return;
    };
    loop {
        let (send, period) = {
            let Some(state) = state.upgrade() else { return };
            if *state.shutdown.borrow() {
                return;
            }
            let now = Instant::now();
            let dog = state.watchdog.clone();
            if !dog.router_pending() {
                dog.router_probe(true, now);
                let st = state.clone();
                tokio::spawn(async move {
                    let id = convene_protocol::SessionId("watchdog-probe".to_owned());
                    let _ = st.router.find(&id).await;
                    st.watchdog.router_probe(false, Instant::now());
                });
            }
            let send = dog.sfu_turns(state.media.stats().loop_turns, now);
            (send, (dog.stall / 4).max(Duration::from_millis(10)))
        };
        if send {
            // One byte is no protocol the SFU speaks: it is read, dropped, and the loop turns.
            let _ = tokio::time::timeout(period, probe.send_to(&[0], media)).await;
        }
        tokio::time::sleep(period).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_is_healthy_and_long_pending_work_is_stuck() {
        let dog = Watchdog::new(Duration::from_millis(100));
        let t = Instant::now();
        let later = t + Duration::from_millis(500);
        assert!(dog.stuck(later).is_empty());
        // The router answers; the SFU turns for each probe.
        dog.router_probe(true, t);
        dog.router_probe(false, t);
        assert!(dog.sfu_turns(5, t));
        assert!(dog.sfu_turns(6, t));
        assert!(dog.stuck(t + Duration::from_millis(50)).is_empty());
        // Neither moves any more.
        dog.router_probe(true, t);
        assert!(!dog.sfu_turns(6, t + Duration::from_millis(10)));
        assert_eq!(dog.stuck(later), vec![Stuck::Router, Stuck::SfuLoop]);
        // A task busy past the stall timeout is stuck; idle again, it is not.
        let dog = Watchdog::new(Duration::from_millis(100));
        let beat = dog.beat();
        beat.busy();
        assert!(dog.stuck(Instant::now()).is_empty());
        assert_eq!(
            dog.stuck(Instant::now() + Duration::from_secs(1)),
            vec![Stuck::Sessions(1)]
        );
        beat.idle();
        assert!(dog
            .stuck(Instant::now() + Duration::from_secs(1))
            .is_empty());
        beat.busy();
        drop(beat);
        assert!(dog
            .stuck(Instant::now() + Duration::from_secs(1))
            .is_empty());
    }
}
