//! A connection's inbound budget: frames and bytes per second over every frame it sends
//! (text, binary, ping, pong), so no kind of frame is a free way to make the server work.

use std::time::{Duration, Instant};

/// A fixed one-second window: more than `max_frames` frames or `max_bytes` bytes in it
/// closes the connection.
#[derive(Debug)]
pub(crate) struct FrameBudget {
    max_frames: u32,
    max_bytes: u64,
    start: Option<Instant>,
    frames: u32,
    bytes: u64,
}

impl FrameBudget {
    pub(crate) fn new(max_frames: u32, max_bytes: u32) -> Self {
        FrameBudget {
            max_frames,
            max_bytes: u64::from(max_bytes),
            start: None,
            frames: 0,
            bytes: 0,
        }
    }

    /// Counts one frame of `len` bytes received at `now`; false once over the budget.
    pub(crate) fn allow(&mut self, now: Instant, len: usize) -> bool {
        match self.start {
            Some(s) if now.duration_since(s) < Duration::from_secs(1) => {}
            _ => {
                self.start = Some(now);
                self.frames = 0;
                self.bytes = 0;
            }
        }
        self.frames = self.frames.saturating_add(1);
        self.bytes = self
            .bytes
            .saturating_add(u64::try_from(len).unwrap_or(u64::MAX));
        self.frames <= self.max_frames && self.bytes <= self.max_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_and_bytes_per_window() {
        let t = Instant::now();
        let mut b = FrameBudget::new(3, 1000);
        assert!(b.allow(t, 10) && b.allow(t, 10) && b.allow(t, 10));
        assert!(!b.allow(t, 0));
        assert!(b.allow(t + Duration::from_secs(1), 10));
        let mut b = FrameBudget::new(100, 1000);
        assert!(b.allow(t, 600));
        assert!(!b.allow(t, 600));
        assert!(b.allow(t + Duration::from_secs(1), 1000));
    }
}
