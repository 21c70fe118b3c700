//! Per-slot RTP sequence number and timestamp rewriting.
//!
//! A subscriber's slot is one continuous outgoing RTP stream (its SSRC belongs to the
//! subscriber's `Rtc`), but its source changes: another speaker takes an audio slot, another
//! simulcast layer replaces the current one. Each source has its own sequence numbers and
//! timestamps, so every switch starts a new mapping that continues right after the last packet
//! written: the receiver sees no gap in sequence numbers (which it would NACK) and no jump in
//! time (which would upset its jitter buffer). Packets the slot drops on purpose (frames of a
//! temporal layer it does not forward) close up the same way ([`Rewriter::skip`]).

use std::collections::VecDeque;
use std::time::Instant;

/// First outgoing sequence number. Kept below 65 536 so that no ROC needs signalling.
const FIRST_SEQ: u64 = 1;

/// Skipped sequence numbers remembered per mapping (a few seconds of dropped frames); the
/// oldest is folded into the mapping's offset, and packets from before it are too late.
const SKIPPED_KEPT: usize = 512;

/// Picture ids remembered, so a late packet gets its frame's id.
const RECENT_PICTURES: usize = 16;

/// Identifies a source feeding a slot: (publisher peer, SSRC, layer). Opaque here.
pub(crate) type SourceKey = (u64, u64, u8);

#[derive(Debug, Clone, Copy)]
struct Mapping {
    key: SourceKey,
    /// out = in + seq_delta
    seq_delta: i64,
    /// out = in + ts_delta (mod 2^32)
    ts_delta: u32,
    /// Packets older than the switch point belong to the previous mapping: drop them.
    first_in_seq: u64,
}

/// Rewrites (seq, timestamp) of packets written to one outgoing slot.
#[derive(Debug)]
pub(crate) struct Rewriter {
    clock_rate: u32,
    mapping: Option<Mapping>,
    /// Incoming sequence numbers of the current mapping skipped on purpose, ascending.
    skipped: VecDeque<u64>,
    /// The highest incoming sequence number of the current mapping, forwarded or skipped.
    highest_in: Option<u64>,
    last_seq: Option<u64>,
    last_ts: u32,
    last_at: Option<Instant>,
}

impl Rewriter {
    pub(crate) fn new(clock_rate: u32) -> Self {
        Rewriter {
            clock_rate,
            mapping: None,
            skipped: VecDeque::new(),
            highest_in: None,
            last_seq: None,
            last_ts: 0,
            last_at: None,
        }
    }

    /// Forget the current source: the next packet starts a new mapping.
    pub(crate) fn reset_source(&mut self) {
        self.mapping = None;
    }

    /// Map an incoming packet (extended seq, RTP timestamp) of `key` to the outgoing
    /// numbering. `None` means "drop": a late packet from before the last switch.
    pub(crate) fn rewrite(
        &mut self,
        key: SourceKey,
        in_seq: u64,
        in_ts: u32,
        now: Instant,
    ) -> Option<(u64, u32)> {
        let mapping = match self.mapping {
            Some(m) if m.key == key => m,
            _ => {
                let out_seq = self.last_seq.map_or(FIRST_SEQ, |s| s + 1);
                let out_ts = match self.last_at {
                    // Advance the timestamp by the wall time since the last packet, at least 1.
                    Some(at) => {
                        let elapsed = now.saturating_duration_since(at);
                        let ticks = (elapsed.as_secs_f64() * self.clock_rate as f64) as u64;
                        self.last_ts
                            .wrapping_add(ticks.clamp(1, u32::MAX as u64 / 2) as u32)
                    }
                    None => in_ts,
                };
                let m = Mapping {
                    key,
                    seq_delta: out_seq as i64 - in_seq as i64,
                    ts_delta: out_ts.wrapping_sub(in_ts),
                    first_in_seq: in_seq,
                };
                self.mapping = Some(m);
                self.skipped.clear();
                self.highest_in = None;
                m
            }
        };
        if in_seq < mapping.first_in_seq {
            return None;
        }
        let before = self.skipped.partition_point(|s| *s < in_seq);
        if self.skipped.get(before) == Some(&in_seq) {
            return None;
        }
        self.highest_in = self.highest_in.max(Some(in_seq));
        let out_seq = (in_seq as i64 + mapping.seq_delta - before as i64) as u64;
        let out_ts = in_ts.wrapping_add(mapping.ts_delta);
        if self.last_seq.is_none_or(|s| out_seq > s) {
            self.last_seq = Some(out_seq);
            self.last_ts = out_ts;
            self.last_at = Some(now);
        }
        Some((out_seq, out_ts))
    }

    /// Leaves out incoming packet `in_seq` of `key`: the packets after it move up one, so
    /// the subscriber sees no gap to ask about. Only packets newer than every packet of the
    /// mapping so far can be left out (older ones were numbered around already): for an
    /// older one (a late repair of a frame left out) this returns false, and its number is
    /// still a gap the caller should fill.
    pub(crate) fn skip(&mut self, key: SourceKey, in_seq: u64) -> bool {
        let Some(m) = self.mapping.as_mut() else {
            return true;
        };
        if m.key != key {
            return true;
        }
        if self.highest_in.is_some_and(|h| in_seq <= h) {
            return false;
        }
        self.highest_in = Some(in_seq);
        self.skipped.push_back(in_seq);
        if self.skipped.len() > SKIPPED_KEPT {
            if let Some(oldest) = self.skipped.pop_front() {
                m.seq_delta -= 1;
                m.first_in_seq = oldest + 1;
            }
        }
        true
    }
}

/// Rewrites VP8 PictureID and TL0PICIDX per slot, like [`Rewriter`] does for sequence
/// numbers: every simulcast layer counts its own pictures, so a layer switch would make the
/// receiver's picture ids jump (which libwebrtc treats as loss or reordering).
#[derive(Debug, Default)]
pub(crate) struct PictureIdRewriter {
    key: Option<SourceKey>,
    pic_delta: u16,
    tl0_delta: u8,
    last_pic: Option<u16>,
    last_tl0: Option<u8>,
    /// Recent frames of the current source: (incoming id, outgoing id).
    recent: VecDeque<(u16, u16)>,
}

impl PictureIdRewriter {
    /// Map the incoming (PictureID, TL0PICIDX) of `key` to the outgoing ones (15-bit ids).
    pub(crate) fn rewrite(
        &mut self,
        key: SourceKey,
        pic: Option<u16>,
        tl0: Option<u8>,
    ) -> (Option<u16>, Option<u8>) {
        if self.key != Some(key) {
            self.key = Some(key);
            self.recent.clear();
            self.pic_delta = match (self.last_pic, pic) {
                (Some(last), Some(p)) => last.wrapping_add(1).wrapping_sub(p),
                _ => 0,
            };
            self.tl0_delta = match (self.last_tl0, tl0) {
                (Some(last), Some(t)) => last.wrapping_add(1).wrapping_sub(t),
                _ => 0,
            };
        }
        let pic = pic.map(|p| {
            if let Some(&(_, out)) = self.recent.iter().find(|r| r.0 == p) {
                return out;
            }
            let out = p.wrapping_add(self.pic_delta) & 0x7fff;
            // Newer than the last id sent (by less than half the 15-bit space).
            let newer = self
                .last_pic
                .is_none_or(|l| (out.wrapping_sub(l) & 0x7fff).wrapping_sub(1) < 0x3fff);
            if newer {
                if self.recent.len() == RECENT_PICTURES {
                    self.recent.pop_front();
                }
                self.recent.push_back((p, out));
                self.last_pic = Some(out);
            }
            out
        });
        let tl0 = tl0.map(|t| t.wrapping_add(self.tl0_delta));
        if tl0.is_some() {
            self.last_tl0 = tl0;
        }
        (pic, tl0)
    }

    /// A frame of the current source is left out: the ids of the frames after it move up
    /// one, so the subscriber sees consecutive ids (libwebrtc reads a gap as a lost frame).
    pub(crate) fn skip_frame(&mut self) {
        self.pic_delta = self.pic_delta.wrapping_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn continuous_across_switch() {
        let t0 = Instant::now();
        let mut r = Rewriter::new(90_000);
        assert_eq!(r.rewrite((1, 0, 0), 5000, 100, t0), Some((1, 100)));
        assert_eq!(r.rewrite((1, 0, 0), 5001, 3100, t0), Some((2, 3100)));
        // Reordered packet of the same source keeps its relative position.
        assert_eq!(r.rewrite((1, 0, 0), 5003, 6100, t0), Some((4, 6100)));
        assert_eq!(r.rewrite((1, 0, 0), 5002, 6100, t0), Some((3, 6100)));
        // Switch 100 ms later to another source with unrelated numbering.
        let t1 = t0 + Duration::from_millis(100);
        let (s, ts) = r.rewrite((2, 0, 0), 40_000, 7, t1).unwrap();
        assert_eq!(s, 5);
        assert_eq!(ts, 6100 + 9000);
        assert_eq!(
            r.rewrite((2, 0, 0), 40_001, 3007, t1),
            Some((6, 6100 + 12_000))
        );
        // A late packet of the new source from before the switch is dropped.
        assert_eq!(r.rewrite((2, 0, 0), 39_999, 0, t1), None);
    }

    #[test]
    fn switching_back_starts_a_new_mapping() {
        let t0 = Instant::now();
        let mut r = Rewriter::new(48_000);
        r.rewrite((1, 0, 0), 10, 0, t0);
        r.rewrite((2, 0, 0), 900, 0, t0);
        assert_eq!(r.rewrite((1, 0, 0), 11, 960, t0).map(|x| x.0), Some(3));
    }

    #[test]
    fn picture_ids_continue_across_switch() {
        let mut r = PictureIdRewriter::default();
        assert_eq!(
            r.rewrite((1, 1, 0), Some(500), Some(7)),
            (Some(500), Some(7))
        );
        assert_eq!(
            r.rewrite((1, 1, 0), Some(501), Some(8)),
            (Some(501), Some(8))
        );
        assert_eq!(
            r.rewrite((1, 1, 2), Some(9000), Some(200)),
            (Some(502), Some(9))
        );
        assert_eq!(
            r.rewrite((1, 1, 2), Some(9001), Some(201)),
            (Some(503), Some(10))
        );
        // 15-bit wrap.
        let mut r = PictureIdRewriter::default();
        r.rewrite((1, 1, 0), Some(0x7fff), None);
        assert_eq!(r.rewrite((1, 1, 1), Some(3), None), (Some(0), None));
    }

    #[test]
    fn skipped_packets_close_up_and_late_ones_keep_their_number() {
        let t0 = Instant::now();
        let k = (1, 0, 0);
        let mut r = Rewriter::new(90_000);
        assert_eq!(r.rewrite(k, 100, 0, t0).map(|x| x.0), Some(1));
        assert!(r.skip(k, 101));
        assert!(r.skip(k, 102));
        assert_eq!(r.rewrite(k, 104, 0, t0).map(|x| x.0), Some(3));
        // 103 was lost upstream and comes late: it keeps the gap left for it.
        assert_eq!(r.rewrite(k, 103, 0, t0).map(|x| x.0), Some(2));
        // A skipped packet coming again (a retransmission) stays out.
        assert_eq!(r.rewrite(k, 102, 0, t0), None);
        // Too late to skip: numbered around already; the caller is told so.
        assert!(!r.skip(k, 100));
        assert_eq!(r.rewrite(k, 105, 0, t0).map(|x| x.0), Some(4));
        // A packet of a left-out frame lost upstream: the frame's next packet is skipped, and
        // the lost one, once repaired, is too late to skip but still has its own number.
        assert!(r.skip(k, 107));
        assert!(!r.skip(k, 106));
        assert_eq!(r.rewrite(k, 106, 0, t0).map(|x| x.0), Some(5));
        assert_eq!(r.rewrite(k, 108, 0, t0).map(|x| x.0), Some(6));
        // Another source's skip changes nothing.
        r.skip((2, 0, 0), 109);
        assert_eq!(r.rewrite(k, 109, 0, t0).map(|x| x.0), Some(7));
    }

    #[test]
    fn many_skips_fold_into_the_offset() {
        let t0 = Instant::now();
        let k = (1, 0, 0);
        let mut r = Rewriter::new(90_000);
        r.rewrite(k, 0, 0, t0);
        let n = SKIPPED_KEPT as u64 + 10;
        for s in 1..=n {
            r.skip(k, s);
        }
        assert_eq!(r.rewrite(k, n + 1, 0, t0).map(|x| x.0), Some(2));
        // From before the oldest skip still remembered: too late.
        assert_eq!(r.rewrite(k, 5, 0, t0), None);
    }

    #[test]
    fn picture_ids_close_over_skipped_frames() {
        let mut r = PictureIdRewriter::default();
        let k = (1, 1, 0);
        assert_eq!(r.rewrite(k, Some(10), Some(1)).0, Some(10));
        r.skip_frame(); // 11
        r.skip_frame(); // 12
        assert_eq!(r.rewrite(k, Some(13), Some(1)).0, Some(11));
        // A late packet of frame 10 keeps its id.
        assert_eq!(r.rewrite(k, Some(10), Some(1)).0, Some(10));
        // A switch continues from the last id sent.
        assert_eq!(r.rewrite((1, 1, 1), Some(700), Some(9)).0, Some(12));
    }

    #[test]
    fn timestamp_wraps() {
        let t0 = Instant::now();
        let mut r = Rewriter::new(48_000);
        r.rewrite((1, 0, 0), 1, u32::MAX - 10, t0);
        assert_eq!(r.rewrite((1, 0, 0), 2, 949, t0), Some((2, 949)));
    }
}
