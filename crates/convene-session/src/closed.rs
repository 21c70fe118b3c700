//! The connections the core has closed, remembered so that nothing more comes from them.
//!
//! A close travels to the driver while the client may already have sent its next request (a
//! `join` right after its `leave`). Were that join to bind a user to the closed connection,
//! the user would be a ghost: no socket to fail over from, so never removed. So the core
//! ignores every input of a closed connection until the driver reports it gone
//! ([`crate::Input::Disconnected`]). A driver that never reports cannot make this grow
//! without bound: only the last `cap` closed connections are kept, far more than can have
//! requests in flight.

use crate::input::ConnId;
use std::collections::{HashSet, VecDeque};

#[derive(Debug)]
pub(crate) struct ClosedConns {
    set: HashSet<ConnId>,
    /// Closing order, oldest first, to forget the oldest past `cap`. Entries already
    /// forgotten through [`ClosedConns::forget`] stay here until they age out.
    order: VecDeque<ConnId>,
    cap: usize,
}

impl ClosedConns {
    pub(crate) fn new(cap: usize) -> Self {
        ClosedConns {
            set: HashSet::new(),
            order: VecDeque::new(),
            cap,
        }
    }

    /// Records that `conn` was closed.
    pub(crate) fn insert(&mut self, conn: ConnId) {
        if !self.set.insert(conn) {
            return;
        }
        self.order.push_back(conn);
        while self.order.len() > self.cap {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
    }

    pub(crate) fn contains(&self, conn: ConnId) -> bool {
        self.set.contains(&conn)
    }

    /// The driver reported `conn` gone: nothing more can come from it.
    pub(crate) fn forget(&mut self, conn: ConnId) {
        self.set.remove(&conn);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_cap_and_forgets_reported_ones() {
        let mut c = ClosedConns::new(2);
        for i in 1..=3 {
            c.insert(ConnId(i));
        }
        assert!(!c.contains(ConnId(1)), "oldest forgotten past the cap");
        assert!(c.contains(ConnId(2)) && c.contains(ConnId(3)));
        c.forget(ConnId(3));
        assert!(!c.contains(ConnId(3)));
        c.insert(ConnId(4));
        assert!(!c.contains(ConnId(2)) && c.contains(ConnId(4)));
    }
}
