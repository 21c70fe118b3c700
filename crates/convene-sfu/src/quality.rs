//! Connection quality levels (0–5) and simulcast layer choice: small pure functions.

use std::time::Duration;

use crate::temporal::TOP_TID;

/// Map a loss fraction (0.0–1.0) and round-trip time to a level: 5 excellent … 0 unusable.
pub(crate) fn quality_level(loss: Option<f32>, rtt: Option<Duration>) -> u8 {
    let loss = loss.unwrap_or(0.0).max(0.0);
    let rtt_ms = rtt.map_or(0, |r| r.as_millis());
    let by_loss = level_below(loss, [0.01, 0.03, 0.06, 0.12, 0.25]);
    let by_rtt = level_below(rtt_ms, [100, 200, 300, 500, 1000]);
    by_loss.min(by_rtt)
}

/// 5 below the first of the ascending `thresholds`, 4 below the second, … 0 from the last
/// (and for a value that does not compare, such as NaN).
fn level_below<T: PartialOrd>(value: T, thresholds: [T; 5]) -> u8 {
    let passed = thresholds
        .iter()
        .take_while(|t| value.partial_cmp(t) != Some(std::cmp::Ordering::Less))
        .count();
    5 - passed as u8
}

/// The simulcast layer index (0 = lowest) wanted for a requested quality
/// (0 = 90p … 4 = 1080p) when the publisher sends `layers` layers.
///
/// With three layers (¼, ½, full resolution of a 720p camera): 90p/180p → 0, 360p → 1,
/// 720p/1080p → 2.
pub(crate) fn layer_for_quality(quality: u8, layers: usize) -> usize {
    if layers <= 1 {
        return 0;
    }
    let wanted = match quality {
        0 | 1 => 0,
        2 => 1,
        _ => 2,
    };
    wanted.min(layers - 1)
}

/// The highest layer at or below `wanted` that is receiving media, so a subscriber is not
/// left waiting on a layer the publisher does not send (browsers start the top simulcast
/// layer only once their own estimate allows it). `wanted` itself when none is live yet.
pub(crate) fn live_at_or_below(wanted: usize, live: &[bool]) -> usize {
    (0..=wanted)
        .rev()
        .find(|&i| live.get(i).copied().unwrap_or(false))
        .unwrap_or(wanted)
}

/// The best (simulcast layer, highest temporal layer) at or below `wanted` whose measured
/// rate fits `budget` (bits/s). `rates[layer]` is the layer's rate up to each temporal layer
/// (TL0, TL0-1, all). Temporal layers go before spatial ones: a layer at 10 fps (TL0-1)
/// comes before the layer below at full rate; the base alone (TL0) only for the lowest layer,
/// which is the floor. Unknown rates or budget never lower the choice.
pub(crate) fn fit_layer(
    wanted: usize,
    rates: &[Option<[u64; 3]>],
    budget: Option<u64>,
) -> (usize, u8) {
    let Some(budget) = budget else {
        return (wanted, TOP_TID);
    };
    for layer in (0..=wanted).rev() {
        let Some(rate) = rates.get(layer).copied().flatten() else {
            return (layer, TOP_TID);
        };
        let lowest_tid = if layer == 0 { 0 } else { 1 };
        for tid in (lowest_tid..=TOP_TID).rev() {
            if rate[usize::from(tid)] <= budget {
                return (layer, tid);
            }
        }
    }
    (0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        assert_eq!(quality_level(None, None), 5);
        assert_eq!(
            quality_level(Some(0.02), Some(Duration::from_millis(50))),
            4
        );
        assert_eq!(
            quality_level(Some(0.0), Some(Duration::from_millis(350))),
            2
        );
        assert_eq!(quality_level(Some(0.5), None), 0);
        // A threshold itself falls in the worse level.
        assert_eq!(quality_level(Some(0.01), None), 4);
        assert_eq!(quality_level(Some(0.25), None), 0);
        assert_eq!(quality_level(None, Some(Duration::from_millis(99))), 5);
        assert_eq!(quality_level(None, Some(Duration::from_millis(100))), 4);
        assert_eq!(quality_level(None, Some(Duration::from_millis(999))), 1);
        assert_eq!(quality_level(None, Some(Duration::from_secs(1))), 0);
    }

    #[test]
    fn layers() {
        assert_eq!(layer_for_quality(4, 1), 0);
        assert_eq!(layer_for_quality(0, 3), 0);
        assert_eq!(layer_for_quality(2, 3), 1);
        assert_eq!(layer_for_quality(3, 3), 2);
        assert_eq!(layer_for_quality(4, 2), 1);
        assert_eq!(
            live_at_or_below(2, &[true, true, false]),
            1,
            "top layer not sent"
        );
        assert_eq!(live_at_or_below(2, &[true, false, true]), 2);
        assert_eq!(
            live_at_or_below(1, &[false, false, false]),
            1,
            "nothing live yet"
        );
        assert_eq!(live_at_or_below(0, &[true, true, true]), 0);
    }

    #[test]
    fn bandwidth_caps_temporal_layers_before_spatial_ones() {
        // Rates up to TL0, TL1, TL2 of each layer (40 % / 60 % / 100 %, as libwebrtc splits).
        let rates = [
            Some([40_000, 60_000, 100_000]),
            Some([160_000, 240_000, 400_000]),
            Some([600_000, 900_000, 1_500_000]),
        ];
        assert_eq!(fit_layer(2, &rates, None), (2, 2));
        assert_eq!(fit_layer(2, &rates, Some(2_000_000)), (2, 2));
        assert_eq!(
            fit_layer(2, &rates, Some(1_000_000)),
            (2, 1),
            "720p at 10 fps"
        );
        assert_eq!(
            fit_layer(2, &rates, Some(500_000)),
            (1, 2),
            "not 720p at 5 fps"
        );
        assert_eq!(fit_layer(2, &rates, Some(300_000)), (1, 1));
        assert_eq!(fit_layer(2, &rates, Some(70_000)), (0, 1));
        assert_eq!(fit_layer(2, &rates, Some(50_000)), (0, 0));
        assert_eq!(fit_layer(2, &rates, Some(1)), (0, 0), "the floor");
        assert_eq!(fit_layer(2, &[None, None, None], Some(1)), (2, 2));
        // Without temporal layers every rate is the whole layer's.
        let flat = [Some([100_000; 3]), Some([400_000; 3])];
        assert_eq!(fit_layer(1, &flat, Some(300_000)), (0, 2));
    }
}
