//! Passcode guessing is throttled per client address and session: after
//! [`PasscodeThrottle::MAX_FAILURES`] wrong passcodes within [`PasscodeThrottle::WINDOW`], joins
//! from that address to that session are refused for the rest of the window, with the code
//! of a wrong passcode (3004) and a reason that says to wait. Time is passed in, so the rule is
//! tested without sleeping.

use crate::handle::SessionKey;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed passcode attempts by (client address, session).
#[derive(Debug, Default)]
pub(crate) struct PasscodeThrottle {
    failures: Mutex<HashMap<(IpAddr, SessionKey), Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    since: Instant,
    count: u32,
}

impl PasscodeThrottle {
    /// Wrong passcodes allowed per address and session within [`Self::WINDOW`].
    pub(crate) const MAX_FAILURES: u32 = 5;
    /// The window failures are counted in.
    pub(crate) const WINDOW: Duration = Duration::from_secs(60);
    /// Most (address, session) pairs remembered; beyond, expired entries are swept, and if
    /// none expired the oldest go, so the map never grows without bound.
    const MAX_ENTRIES: usize = 100_000;

    /// `Err(wait)` while `ip` may not try `key` again.
    pub(crate) fn check(&self, now: Instant, ip: IpAddr, key: &SessionKey) -> Result<(), Duration> {
        let map = self.lock();
        match map.get(&(ip, key.clone())) {
            Some(f) if f.count >= Self::MAX_FAILURES && now < f.since + Self::WINDOW => {
                Err(f.since + Self::WINDOW - now)
            }
            _ => Ok(()),
        }
    }

    /// Counts one wrong passcode from `ip` for `key`.
    pub(crate) fn failed(&self, now: Instant, ip: IpAddr, key: &SessionKey) {
        let mut map = self.lock();
        if map.len() >= Self::MAX_ENTRIES {
            map.retain(|_, f| now < f.since + Self::WINDOW);
            while map.len() >= Self::MAX_ENTRIES {
                let Some(oldest) = map
                    .iter()
                    .min_by_key(|(_, f)| f.since)
                    .map(|(k, _)| k.clone())
                else {
                    break;
                };
                map.remove(&oldest);
            }
        }
        let f = map.entry((ip, key.clone())).or_insert(Failures {
            since: now,
            count: 0,
        });
        if now >= f.since + Self::WINDOW {
            *f = Failures {
                since: now,
                count: 0,
            };
        }
        f.count += 1;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(IpAddr, SessionKey), Failures>> {
        // A panic while holding this lock is a bug elsewhere; the map itself stays valid.
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_wrong_passcodes_block_that_address_for_that_session_until_the_window_ends() {
        let t = PasscodeThrottle::default();
        let now = Instant::now();
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let other: IpAddr = "192.0.2.8".parse().unwrap();
        let key = SessionKey::new("app", "Board Meeting");
        for i in 0..PasscodeThrottle::MAX_FAILURES {
            assert!(t.check(now, ip, &key).is_ok(), "attempt {i} allowed");
            t.failed(now, ip, &key);
        }
        assert!(t.check(now, ip, &key).is_err(), "blocked after five");
        assert!(
            t.check(now, other, &key).is_ok(),
            "other addresses unaffected"
        );
        assert!(
            t.check(now, ip, &SessionKey::new("app", "other")).is_ok(),
            "other sessions unaffected"
        );
        assert!(
            t.check(now, ip, &SessionKey::new("app", "BOARD MEETING"))
                .is_err(),
            "topics compare case-insensitively"
        );
        let later = now + PasscodeThrottle::WINDOW;
        assert!(
            t.check(later, ip, &key).is_ok(),
            "free again after the window"
        );
        t.failed(later, ip, &key);
        assert!(
            t.check(later, ip, &key).is_ok(),
            "a new window counts from zero"
        );
    }
}
