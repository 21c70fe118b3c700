//! How many connections the server holds: at most `max` in all and `per_ip` from one address.
//! A connection holds a [`ConnPermit`] from its accept until its socket is gone (through the
//! WebSocket upgrade), so the count is of open sockets, which is what runs out.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};

/// Why a connection was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The server holds `max` connections.
    Full,
    /// This address holds `per_ip` connections.
    PerIp,
}

/// The open connections, in all and per address.
#[derive(Debug)]
pub(crate) struct ConnLimits {
    max: usize,
    per_ip: Option<usize>,
    open: Mutex<Open>,
}

#[derive(Debug, Default)]
struct Open {
    total: usize,
    by_ip: HashMap<IpAddr, usize>,
}

/// One counted connection; dropping it frees its place.
#[derive(Debug)]
pub(crate) struct ConnPermit {
    limits: Arc<ConnLimits>,
    ip: IpAddr,
}

impl ConnLimits {
    pub(crate) fn new(max: usize, per_ip: Option<usize>) -> Arc<Self> {
        Arc::new(ConnLimits {
            max,
            per_ip,
            open: Mutex::default(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Open> {
        // The counts stay consistent even if a holder panicked: each change is one statement.
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A place for one more connection from `ip`, or why not.
    pub(crate) fn acquire(self: &Arc<Self>, ip: IpAddr) -> Result<ConnPermit, Refusal> {
        let mut open = self.lock();
        if open.total >= self.max {
            return Err(Refusal::Full);
        }
        let mine = open.by_ip.get(&ip).copied().unwrap_or(0);
        if self.per_ip.is_some_and(|cap| mine >= cap) {
            return Err(Refusal::PerIp);
        }
        open.total += 1;
        open.by_ip.insert(ip, mine + 1);
        Ok(ConnPermit {
            limits: self.clone(),
            ip,
        })
    }

    /// Open connections now.
    pub(crate) fn open(&self) -> usize {
        self.lock().total
    }
}

impl Drop for ConnPermit {
    fn drop(&mut self) {
        let mut open = self.limits.lock();
        open.total -= 1;
        if let Some(n) = open.by_ip.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.by_ip.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_in_all_and_per_address_and_frees_on_drop() {
        let limits = ConnLimits::new(3, Some(2));
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let a1 = limits.acquire(a).unwrap();
        let _a2 = limits.acquire(a).unwrap();
        assert_eq!(limits.acquire(a).unwrap_err(), Refusal::PerIp);
        let _b1 = limits.acquire(b).unwrap();
        assert_eq!(limits.acquire(b).unwrap_err(), Refusal::Full);
        drop(a1);
        assert_eq!(limits.open(), 2);
        let _a3 = limits.acquire(a).unwrap();
        assert_eq!(limits.acquire(b).unwrap_err(), Refusal::Full);
    }
}
