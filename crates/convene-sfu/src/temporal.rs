//! Temporal layers of one video slot: which frames of the forwarded simulcast layer go to
//! the subscriber.
//!
//! Browsers send each VP8 simulcast layer in three temporal layers (L1T3): at 20 fps, TL0
//! carries 5 frames a second, TL1 5 more and TL2 the other 10, and a frame only refers to
//! frames of its own layer or below. So a subscriber whose downlink cannot carry a layer's
//! full rate can get the same resolution at 10 fps (TL0 + TL1, about 60 % of the rate) before
//! it is moved to a lower resolution. A move down takes effect at the next frame; a move up
//! goes one layer at a time, each at a frame of the new layer marked "layer sync" (it refers
//! to the base layer only), so the subscriber never gets a frame whose reference it did not
//! receive. Frames
//! are decided once, at their first packet, and every packet of a frame shares its fate.
//! The slot's sequence numbers and picture ids close over what is dropped
//! ([`Rewriter::skip`](crate::rewrite::Rewriter::skip)).

use std::collections::VecDeque;

use crate::vp8::Temporal;

/// The highest temporal layer (TL2 of L1T3).
pub(crate) const TOP_TID: u8 = 2;

/// Frames remembered, so late packets (retransmissions) follow their frame's decision.
const RECENT_FRAMES: usize = 16;

/// What happens to one packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admit {
    /// Forward it.
    Forward,
    /// Drop it; `new_frame` when it is the first packet seen of a newer frame (picture ids
    /// close over the frame).
    Drop { new_frame: bool },
}

/// Temporal layer choice of one video slot.
#[derive(Debug)]
pub(crate) struct TemporalFilter {
    /// The highest temporal layer wanted (the bandwidth decision).
    pub(crate) target: u8,
    /// The highest temporal layer forwarded now.
    current: u8,
    /// Recent frames: (simulcast layer, RTP timestamp, forwarded), newest last.
    recent: VecDeque<(usize, u32, bool)>,
}

impl Default for TemporalFilter {
    fn default() -> Self {
        TemporalFilter {
            target: TOP_TID,
            current: TOP_TID,
            recent: VecDeque::with_capacity(RECENT_FRAMES),
        }
    }
}

impl TemporalFilter {
    /// The highest temporal layer forwarded now.
    pub(crate) fn current(&self) -> u8 {
        self.current
    }

    /// The fate of a packet of simulcast `layer` at RTP time `ts`.
    pub(crate) fn admit(&mut self, layer: usize, ts: u32, t: Temporal) -> Admit {
        if let Some(&(_, _, fwd)) = self.recent.iter().find(|f| f.0 == layer && f.1 == ts) {
            return drop_unless(fwd, false);
        }
        let tid = t.tid.unwrap_or(0);
        let newer = match self.recent.back() {
            Some(&(l, last, _)) if l == layer => (ts.wrapping_sub(last) as i32) > 0,
            _ => true,
        };
        if !newer {
            // A late packet of a frame no longer remembered: no state changes.
            return drop_unless(tid <= self.current, false);
        }
        if self.target < self.current {
            self.current = self.target;
        } else if tid == self.current + 1 && tid <= self.target && t.sync {
            // One layer at a time: a TL2 frame may refer to TL1 frames, so TL2 joins only
            // once TL1 is forwarded.
            self.current = tid;
        }
        let fwd = tid <= self.current;
        if self.recent.len() == RECENT_FRAMES {
            self.recent.pop_front();
        }
        self.recent.push_back((layer, ts, fwd));
        drop_unless(fwd, true)
    }
}

fn drop_unless(forward: bool, new_frame: bool) -> Admit {
    match forward {
        true => Admit::Forward,
        false => Admit::Drop { new_frame },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capped(target: u8) -> TemporalFilter {
        TemporalFilter {
            target,
            ..TemporalFilter::default()
        }
    }

    fn pkt(tid: u8, sync: bool) -> Temporal {
        Temporal {
            tid: Some(tid),
            sync,
            frame_start: true,
            picture_id: None,
        }
    }

    /// The L1T3 pattern from a keyframe: TL0, TL2 (sync), TL1 (sync), TL2, TL0, ...
    const PATTERN: [(u8, bool); 4] = [(0, false), (2, true), (1, true), (2, false)];

    fn run(f: &mut TemporalFilter, from: u32, frames: u32) -> Vec<bool> {
        (from..from + frames)
            .map(|i| {
                let (tid, sync) = PATTERN[(i % 4) as usize];
                f.admit(0, i * 4500, pkt(tid, sync)) == Admit::Forward
            })
            .collect()
    }

    #[test]
    fn everything_by_default_and_base_plus_one_when_capped() {
        let mut f = TemporalFilter::default();
        assert!(run(&mut f, 0, 8).iter().all(|x| *x));
        f.target = 1;
        assert_eq!(run(&mut f, 8, 4), [true, false, true, false]);
        f.target = 0;
        assert_eq!(run(&mut f, 12, 4), [true, false, false, false]);
    }

    #[test]
    fn up_only_at_a_sync_frame_of_the_new_layer() {
        let mut f = capped(0);
        run(&mut f, 0, 4);
        f.target = TOP_TID;
        // Frame 5 is a TL2 sync frame, but TL1 comes first (frame 6); TL2 from the next
        // cycle's sync frame (9) on.
        assert_eq!(run(&mut f, 4, 4), [true, false, true, false]);
        assert_eq!(run(&mut f, 8, 4), [true, true, true, true]);
        let mut f = capped(0);
        run(&mut f, 0, 4);
        f.target = TOP_TID;
        // A TL2 frame without the sync bit cannot start the layer.
        let r: Vec<_> = [(2, false), (1, true), (2, false)]
            .iter()
            .enumerate()
            .map(|(i, &(tid, sync))| f.admit(0, 100_000 + i as u32, pkt(tid, sync)))
            .collect();
        assert_eq!(
            r,
            [
                Admit::Drop { new_frame: true },
                Admit::Forward,
                Admit::Drop { new_frame: true }
            ]
        );
    }

    #[test]
    fn packets_follow_their_frame_and_late_ones_change_nothing() {
        let mut f = capped(0);
        assert_eq!(f.admit(0, 1000, pkt(0, false)), Admit::Forward);
        assert_eq!(
            f.admit(0, 2000, pkt(2, true)),
            Admit::Drop { new_frame: true }
        );
        // The frame's second packet, and a retransmission of it.
        assert_eq!(
            f.admit(0, 2000, pkt(2, true)),
            Admit::Drop { new_frame: false }
        );
        assert_eq!(f.admit(0, 1000, pkt(0, false)), Admit::Forward);
        // A packet older than anything remembered is decided by its layer alone.
        assert_eq!(
            f.admit(0, 10, pkt(1, true)),
            Admit::Drop { new_frame: false }
        );
        assert_eq!(f.current(), 0);
    }

    #[test]
    fn streams_without_temporal_layers_pass() {
        let mut f = capped(0);
        let t = Temporal {
            tid: None,
            sync: false,
            frame_start: true,
            picture_id: None,
        };
        assert_eq!(f.admit(1, 0, t), Admit::Forward);
        assert_eq!(f.admit(1, 3000, t), Admit::Forward);
    }
}
