//! Whether a subscriber's downlink loses packets of its own accord (radio, a noisy Wi-Fi) or
//! because it is full.
//!
//! str0m's loss-based estimator lowers its estimate for any steady loss, and a slot chosen
//! from that estimate loses frames it did not need to: random loss of a few percent is
//! repaired by retransmission, and sending less does not make it go away. Congestion shows
//! otherwise: a queue (the round trip grows over its floor) or, once str0m's pacer holds media
//! back, no loss at all. So loss counts as the link's own once it is steady between
//! [`MIN_LOSS`] and [`ENTER_LOSS`] with no queue seen for [`QUEUE_MEMORY`], and stops counting
//! so over [`LEAVE_LOSS`], where repairs no longer keep up, or under [`MIN_LOSS`], or at a
//! queue. The gap between entering and leaving keeps a loss near the bound (its samples
//! wander by several percent) from switching between the two every few samples.

use std::time::{Duration, Instant};

/// The smoothed loss fraction under which there is no loss to speak of.
pub(crate) const MIN_LOSS: f32 = 0.005;
/// The smoothed loss fraction at or under which loss becomes the link's own.
pub(crate) const ENTER_LOSS: f32 = 0.25;
/// The smoothed loss fraction over which it is no longer.
pub(crate) const LEAVE_LOSS: f32 = 0.3;
/// A round trip this far over the lowest seen means packets queue on the way.
pub(crate) const QUEUE_DELAY: Duration = Duration::from_millis(100);
/// How long a queue, once seen, keeps loss from counting as the link's own.
pub(crate) const QUEUE_MEMORY: Duration = Duration::from_secs(5);
/// Weight of a new loss sample in the smoothed loss.
const SMOOTHING: f32 = 0.3;

/// A subscriber's downlink, from the loss and round trip its receiver reports give.
#[derive(Debug, Default, Clone)]
pub(crate) struct Downlink {
    /// Smoothed loss fraction.
    loss: Option<f32>,
    /// The lowest round trip seen.
    floor: Option<Duration>,
    /// When a round trip last stood over the floor by [`QUEUE_DELAY`].
    queued_at: Option<Instant>,
    /// Whether the last round trip reported did.
    queueing: bool,
    /// Whether the loss was the link's own at the last sample.
    own: bool,
}

impl Downlink {
    /// One statistics sample: the loss fraction and round trip reported, if any.
    pub(crate) fn sample(&mut self, loss: Option<f32>, rtt: Option<Duration>, now: Instant) {
        if let Some(l) = loss.filter(|l| l.is_finite()) {
            let l = l.clamp(0.0, 1.0);
            self.loss = Some(self.loss.map_or(l, |s| s + SMOOTHING * (l - s)));
        }
        if let Some(rtt) = rtt {
            let floor = *self.floor.get_or_insert(rtt);
            self.floor = Some(floor.min(rtt));
            self.queueing = rtt >= floor + QUEUE_DELAY;
            if self.queueing {
                self.queued_at = Some(now);
            }
        }
        self.own = match self.loss {
            Some(l) if self.queued(now) || !(MIN_LOSS..=LEAVE_LOSS).contains(&l) => false,
            Some(l) if l <= ENTER_LOSS => true,
            _ => self.own,
        };
    }

    /// Whether the loss seen now is the link's own (see the module's doc).
    pub(crate) fn inherent_loss(&self, now: Instant) -> bool {
        self.own && !self.queued(now)
    }

    /// Whether the last round trip reported stood over the floor by [`QUEUE_DELAY`]: packets
    /// are queueing on the way now.
    pub(crate) fn queueing(&self) -> bool {
        self.queueing
    }

    fn queued(&self, now: Instant) -> bool {
        self.queued_at
            .is_some_and(|t| now.saturating_duration_since(t) < QUEUE_MEMORY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    /// `n` samples 500 ms apart from `at`, each with `loss` and `rtt`; the time after.
    fn feed(d: &mut Downlink, at: Instant, n: u32, loss: f32, rtt: Duration) -> Instant {
        let mut t = at;
        for _ in 0..n {
            d.sample(Some(loss), Some(rtt), t);
            t += 500 * MS;
        }
        t
    }

    #[test]
    fn steady_random_loss_with_a_short_round_trip_is_the_links_own() {
        let mut d = Downlink::default();
        let t = feed(&mut d, Instant::now(), 2, 0.0, 15 * MS);
        assert!(!d.inherent_loss(t), "no loss");
        // Samples of 10 % loss read 4-14 % each (receiver reports of a few dozen packets).
        let mut t = t;
        for l in [0.04, 0.14, 0.08, 0.12, 0.06, 0.13, 0.09, 0.11] {
            t = feed(&mut d, t, 1, l, 18 * MS);
        }
        assert!(d.inherent_loss(t));
    }

    #[test]
    fn a_loss_near_the_bound_does_not_switch_back_and_forth() {
        // 35 % loss, samples wandering down to 24 %: congestion throughout.
        let mut d = Downlink::default();
        let mut t = Instant::now();
        for l in [
            0.35, 0.4, 0.27, 0.24, 0.38, 0.26, 0.24, 0.35, 0.42, 0.25, 0.26, 0.27,
        ] {
            t = feed(&mut d, t, 1, l, 15 * MS);
            assert!(!d.inherent_loss(t), "smoothed {:?}", d.loss);
        }
        // 20 % loss, samples wandering up to 36 %: the link's own throughout, once settled.
        let mut d = Downlink::default();
        let mut t = feed(&mut d, Instant::now(), 3, 0.2, 15 * MS);
        for l in [0.36, 0.1, 0.3, 0.32, 0.14, 0.25, 0.12, 0.36, 0.2, 0.22] {
            t = feed(&mut d, t, 1, l, 15 * MS);
            assert!(d.inherent_loss(t), "smoothed {:?}", d.loss);
        }
    }

    #[test]
    fn heavy_loss_counts_as_congestion() {
        let mut d = Downlink::default();
        let t = feed(&mut d, Instant::now(), 10, 0.32, 15 * MS);
        assert!(!d.inherent_loss(t), "repairs do not keep up with 32 %");
    }

    #[test]
    fn loss_with_a_queue_counts_as_congestion_until_the_queue_is_long_gone() {
        let mut d = Downlink::default();
        let t = feed(&mut d, Instant::now(), 4, 0.0, 10 * MS);
        // A full bottleneck: loss and a round trip far over its floor.
        let t = feed(&mut d, t, 2, 0.08, 400 * MS);
        assert!(!d.inherent_loss(t));
        // The queue drains (str0m's pacer holds media back), a little loss lingers.
        let t = feed(&mut d, t, 4, 0.06, 12 * MS);
        assert!(!d.inherent_loss(t), "a queue seen within QUEUE_MEMORY");
        let t = feed(&mut d, t, 8, 0.06, 12 * MS);
        assert!(
            d.inherent_loss(t),
            "QUEUE_MEMORY after the queue, the loss is the link's"
        );
    }

    #[test]
    fn a_long_but_steady_round_trip_is_no_queue() {
        let mut d = Downlink::default();
        let t = feed(&mut d, Instant::now(), 10, 0.05, 180 * MS);
        assert!(d.inherent_loss(t), "a far peer with random loss");
        let t = feed(&mut d, t, 1, 0.05, 300 * MS);
        assert!(!d.inherent_loss(t));
    }
}
