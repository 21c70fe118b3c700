//! Active speaker detection from the RFC 6464 audio level header extension.
//!
//! Each audio packet carries the sender's level in -dBov (0 = loudest, -127 = silence). We keep
//! a smoothed loudness per user; a user counts as speaking while the smoothed level is above
//! [`SPEAKING_DBOV`] and packets keep coming. The ranking is recomputed on a fixed tick (the
//! debounce) and reordered with hysteresis, so two users at similar levels do not swap places
//! on every tick.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Smoothed level (dBov) above which a user counts as speaking.
const SPEAKING_DBOV: f32 = -70.0;
/// A user must be louder by this many dB to overtake one ranked ahead of them.
const HYSTERESIS_DB: f32 = 6.0;
/// Without packets for this long a user is silent (muted, DTX, or gone).
const STALE: Duration = Duration::from_millis(1000);
/// Weight of a new sample in the exponential moving average (50 packets/s → ~100 ms).
const ALPHA: f32 = 0.2;

#[derive(Debug)]
struct Level {
    smoothed: f32,
    last: Instant,
}

/// Tracks audio levels of one room's users.
#[derive(Debug, Default)]
pub(crate) struct SpeakerDetector {
    levels: HashMap<u32, Level>,
    ranking: Vec<u32>,
}

impl SpeakerDetector {
    /// Record one packet's level (RFC 6464: 0 loudest .. -127 silence; positive values clamp).
    pub(crate) fn observe(&mut self, user: u32, level: i8, now: Instant) {
        let dbov = f32::from(level.clamp(-127, 0));
        let entry = self.levels.entry(user).or_insert(Level {
            smoothed: dbov,
            last: now,
        });
        if now.saturating_duration_since(entry.last) > STALE {
            entry.smoothed = dbov;
        } else {
            entry.smoothed += ALPHA * (dbov - entry.smoothed);
        }
        entry.last = now;
    }

    /// Forget a user (left, or host-muted).
    pub(crate) fn remove(&mut self, user: u32) {
        self.levels.remove(&user);
        self.ranking.retain(|u| *u != user);
    }

    /// The current ranking, loudest first (as of the last [`Self::update`]).
    pub(crate) fn ranking(&self) -> &[u32] {
        &self.ranking
    }

    /// Recompute the ranking. Returns true if it changed.
    pub(crate) fn update(&mut self, now: Instant) -> bool {
        let speaking = |u: &u32| {
            self.levels.get(u).is_some_and(|l| {
                l.smoothed > SPEAKING_DBOV && now.saturating_duration_since(l.last) <= STALE
            })
        };
        let level = |u: &u32| self.levels.get(u).map_or(-127.0, |l| l.smoothed);

        // Start from the previous order (that is the hysteresis), then new speakers by level.
        let mut next: Vec<u32> = self.ranking.iter().copied().filter(speaking).collect();
        let mut new: Vec<u32> = self
            .levels
            .keys()
            .copied()
            .filter(|u| speaking(u) && !next.contains(u))
            .collect();
        new.sort_by(|a, b| level(b).total_cmp(&level(a)).then(a.cmp(b)));
        next.extend(new);

        // Insertion sort where overtaking needs a margin.
        for i in 1..next.len() {
            let mut j = i;
            while j > 0 && level(&next[j]) > level(&next[j - 1]) + HYSTERESIS_DB {
                next.swap(j, j - 1);
                j -= 1;
            }
        }
        let changed = next != self.ranking;
        self.ranking = next;
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(d: &mut SpeakerDetector, user: u32, level: i8, from: Instant, n: u32) {
        for i in 0..n {
            d.observe(user, level, from + Duration::from_millis(20 * i as u64));
        }
    }

    #[test]
    fn loudest_first_and_silence_excluded() {
        let t = Instant::now();
        let mut d = SpeakerDetector::default();
        feed(&mut d, 1, -40, t, 25);
        feed(&mut d, 2, -10, t, 25);
        feed(&mut d, 3, -127, t, 25);
        let now = t + Duration::from_millis(500);
        assert!(d.update(now));
        assert_eq!(d.ranking(), &[2, 1]);
        assert!(!d.update(now));
    }

    #[test]
    fn hysteresis_keeps_order_for_close_levels() {
        let t = Instant::now();
        let mut d = SpeakerDetector::default();
        feed(&mut d, 1, -20, t, 25);
        feed(&mut d, 2, -30, t, 25);
        d.update(t + Duration::from_millis(500));
        assert_eq!(d.ranking(), &[1, 2]);
        let t2 = t + Duration::from_millis(500);
        feed(&mut d, 1, -20, t2, 25);
        feed(&mut d, 2, -17, t2, 25); // louder, but by less than the margin
        d.update(t2 + Duration::from_millis(500));
        assert_eq!(d.ranking(), &[1, 2]);
        let t3 = t2 + Duration::from_millis(500);
        feed(&mut d, 1, -20, t3, 25);
        feed(&mut d, 2, -5, t3, 25);
        d.update(t3 + Duration::from_millis(500));
        assert_eq!(d.ranking(), &[2, 1]);
    }

    #[test]
    fn stale_user_drops_out() {
        let t = Instant::now();
        let mut d = SpeakerDetector::default();
        feed(&mut d, 1, -20, t, 5);
        d.update(t + Duration::from_millis(100));
        assert_eq!(d.ranking(), &[1]);
        assert!(d.update(t + Duration::from_secs(3)));
        assert!(d.ranking().is_empty());
    }
}
