//! [`LatencyHistogram`]: send-to-receive times of frames, counted in log-linear buckets so
//! that a long run keeps a few kilobytes per receive slot instead of one record per frame.

/// Values below this many microseconds get one bucket each.
const LINEAR: u64 = 32;
/// Buckets per power of two above [`LINEAR`]: a bucket is at most 1/16 of its value wide.
const SUB: u64 = 16;
/// Powers of two covered above [`LINEAR`] (up to 2^36 µs, about 19 hours; more is clamped).
const OCTAVES: u64 = 31;
const BUCKETS: usize = (LINEAR + OCTAVES * SUB) as usize;

/// Frame latencies (microseconds), counted per bucket; every value is kept to within 1/16.
///
/// Cumulative, like the rest of [`TrackStats`](crate::TrackStats): a window is the
/// difference of two snapshots ([`LatencyHistogram::since`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LatencyHistogram {
    /// Counts per bucket; empty until the first value.
    counts: Vec<u64>,
    /// The largest value recorded, exact.
    max_us: u64,
}

fn bucket(us: u64) -> usize {
    if us < LINEAR {
        return us as usize;
    }
    // `us` is in [2^e, 2^(e+1)) with e >= 5; its bucket is the next 4 bits after the top one.
    let e = u64::from(63 - us.leading_zeros()).min(4 + OCTAVES);
    let sub = (us >> (e - 4)).min(2 * SUB - 1) - SUB;
    (LINEAR + (e - 5) * SUB + sub) as usize
}

/// The lowest value and the width of bucket `i`.
fn bounds(i: usize) -> (u64, u64) {
    let i = i as u64;
    if i < LINEAR {
        return (i, 1);
    }
    let e = (i - LINEAR) / SUB + 5;
    let sub = (i - LINEAR) % SUB;
    ((SUB + sub) << (e - 4), 1 << (e - 4))
}

impl LatencyHistogram {
    /// Count one latency.
    pub fn record(&mut self, us: u64) {
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS];
        }
        self.counts[bucket(us)] += 1;
        self.max_us = self.max_us.max(us);
    }

    /// How many latencies were counted.
    pub fn count(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Add `other`'s counts to these (e.g. all receive slots of a run).
    pub fn merge(&mut self, other: &LatencyHistogram) {
        if other.counts.is_empty() {
            return;
        }
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS];
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.max_us = self.max_us.max(other.max_us);
    }

    /// What was counted after `earlier`, a snapshot of the same histogram. The window's
    /// maximum is the top of its highest bucket, capped by the exact maximum so far.
    pub fn since(&self, earlier: &LatencyHistogram) -> LatencyHistogram {
        let mut counts = self.counts.clone();
        for (a, b) in counts.iter_mut().zip(&earlier.counts) {
            *a = a.saturating_sub(*b);
        }
        let max_us = counts.iter().rposition(|&c| c > 0).map_or(0, |i| {
            let (low, width) = bounds(i);
            (low + width - 1).min(self.max_us)
        });
        LatencyHistogram { counts, max_us }
    }

    /// The latency at quantile `q` (0.0 to 1.0), as the middle of its bucket; `None` when
    /// nothing was counted. `q = 1.0` gives the maximum.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        let total = self.count();
        if total == 0 {
            return None;
        }
        if q >= 1.0 {
            return Some(self.max_us);
        }
        // The rank of the wanted value, from 1.
        let rank = ((total as f64 * q.max(0.0)).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let (low, width) = bounds(i);
                return Some((low + width / 2).min(self.max_us));
            }
        }
        Some(self.max_us)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_lands_in_a_bucket_that_holds_it() {
        for us in (0..5000).chain([65_535, 1 << 20, 123_456_789, u64::MAX]) {
            let i = bucket(us);
            assert!(i < BUCKETS, "{us}");
            let (low, width) = bounds(i);
            if us < 1 << 36 {
                assert!(low <= us && us < low + width, "{us} in [{low}, +{width})");
                assert!(width * 16 <= low.max(16), "bucket of {us} too wide");
            }
        }
    }

    #[test]
    fn quantiles_within_a_sixteenth() {
        let mut h = LatencyHistogram::default();
        assert_eq!(h.quantile(0.5), None);
        for us in 1..=1000 {
            h.record(us * 10);
        }
        assert_eq!(h.count(), 1000);
        let near = |got: Option<u64>, want: u64| {
            let got = got.expect("counted") as f64;
            assert!(
                (got - want as f64).abs() <= want as f64 / 16.0,
                "{got} vs {want}"
            );
        };
        near(h.quantile(0.5), 5000);
        near(h.quantile(0.99), 9900);
        assert_eq!(h.quantile(1.0), Some(10_000));
    }

    #[test]
    fn a_window_is_the_difference_of_two_snapshots() {
        let mut h = LatencyHistogram::default();
        for _ in 0..10 {
            h.record(100_000);
        }
        let before = h.clone();
        for _ in 0..10 {
            h.record(1000);
        }
        let w = h.since(&before);
        assert_eq!(w.count(), 10);
        let max = w.quantile(1.0).expect("counted");
        assert!((1000..1064).contains(&max), "{max}");
        let mut all = LatencyHistogram::default();
        all.merge(&w);
        all.merge(&before);
        assert_eq!(all.count(), 20);
        assert_eq!(all.quantile(1.0), Some(100_000));
    }
}
