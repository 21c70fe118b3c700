//! [`Pending`]: requests sent and not yet answered, each with its deadline.

use super::CallId;
use std::collections::BTreeMap;
use std::time::Instant;

/// Who waits for the reply to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Waiting {
    /// The app's `join`.
    Join(CallId),
    /// Failover's `resume` (no app call waits).
    Resume,
    /// The app's `leave`.
    Leave(CallId),
    /// Any other app call.
    Call(CallId),
    /// The keep-alive.
    Ping,
    /// The `leave` sent by `destroy` (or by dropping the last handle).
    Farewell,
}

impl Waiting {
    /// The app call answered by this request's reply, if any.
    pub(crate) fn call(self) -> Option<CallId> {
        match self {
            Waiting::Join(c) | Waiting::Leave(c) | Waiting::Call(c) => Some(c),
            Waiting::Resume | Waiting::Ping | Waiting::Farewell => None,
        }
    }
}

/// Requests in flight by wire id. A `BTreeMap` so that expiry runs in send order, which keeps
/// the core deterministic.
#[derive(Debug)]
pub(crate) struct Pending {
    next_id: u64,
    by_id: BTreeMap<u64, (Waiting, Instant)>,
}

impl Default for Pending {
    fn default() -> Self {
        Pending {
            next_id: 1,
            by_id: BTreeMap::new(),
        }
    }
}

impl Pending {
    /// Records a request and returns the wire id to send it with.
    pub(crate) fn insert(&mut self, waiting: Waiting, deadline: Instant) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.by_id.insert(id, (waiting, deadline));
        id
    }

    /// The request answered by the reply with this id.
    pub(crate) fn remove(&mut self, id: u64) -> Option<Waiting> {
        self.by_id.remove(&id).map(|(w, _)| w)
    }

    /// The earliest deadline.
    pub(crate) fn earliest(&self) -> Option<Instant> {
        self.by_id.values().map(|(_, d)| *d).min()
    }

    /// Ids whose deadline has passed, oldest first.
    pub(crate) fn expired(&self, now: Instant) -> Vec<u64> {
        self.by_id
            .iter()
            .filter(|(_, (_, d))| *d <= now)
            .map(|(id, _)| *id)
            .collect()
    }

    /// Ids of the pending `leave` calls.
    pub(crate) fn leaves(&self) -> Vec<u64> {
        self.by_id
            .iter()
            .filter(|(_, (w, _))| matches!(w, Waiting::Leave(_)))
            .map(|(id, _)| *id)
            .collect()
    }

    /// Forgets everything, returning what was waiting.
    pub(crate) fn drain(&mut self) -> Vec<Waiting> {
        std::mem::take(&mut self.by_id)
            .into_values()
            .map(|(w, _)| w)
            .collect()
    }
}
