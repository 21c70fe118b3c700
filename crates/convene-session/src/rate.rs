//! A per-user message budget over fixed windows (chat and the command channel).

use convene_protocol::COMMAND_RATE_WINDOW_MS;
use std::time::{Duration, Instant};

/// Messages counted in the current one-second window.
#[derive(Debug, Default)]
pub(crate) struct RateWindow {
    start: Option<Instant>,
    n: u32,
}

impl RateWindow {
    /// Counts one message at `now`; false (and not counted) when `max` were already sent
    /// in the current window.
    pub(crate) fn allow(&mut self, now: Instant, max: u32) -> bool {
        let window = Duration::from_millis(COMMAND_RATE_WINDOW_MS);
        match self.start {
            Some(start) if now.saturating_duration_since(start) < window => {
                if self.n >= max {
                    return false;
                }
                self.n += 1;
            }
            _ => {
                if max == 0 {
                    return false;
                }
                self.start = Some(now);
                self.n = 1;
            }
        }
        true
    }
}
