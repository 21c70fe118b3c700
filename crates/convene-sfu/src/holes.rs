//! Packets of a publisher's video layer that never arrived, even repaired.
//!
//! str0m asks a publisher again for a lost packet a few times, one round trip apart, then
//! gives up without a word. The packet's number is then a hole every subscriber of the layer
//! asks the SFU about in vain, and if it belonged to a frame others refer to, each subscriber
//! waits for a keyframe: until its own keyframe request reaches the publisher, which on a
//! lossy link may itself be lost (a 4 s freeze at 20 % loss, measured). So the SFU watches
//! each layer's sequence numbers itself: a hole still open [`LOST_AFTER`] after it opened is
//! lost for good, and unless it is known to hold only a frame nothing refers to (temporal
//! layer 1 or 2), the SFU asks the publisher for a keyframe at once.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::vp8::Temporal;

/// A hole still open this long is lost for good: str0m's last request for it went out well
/// before (five requests a round trip plus 5 ms apart; this covers round trips up to 50 ms).
pub(crate) const LOST_AFTER: Duration = Duration::from_millis(300);
/// Holes tracked per layer at most (str0m asks for none more than 100 packets old).
const MAX_HOLES: usize = 100;

/// What the SFU read from one packet of the layer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seen {
    /// Extended sequence number.
    pub(crate) seq: u64,
    /// RTP timestamp: packets of one frame share it.
    pub(crate) ts: u32,
    /// The VP8 descriptor's temporal layer, frame start and picture id, where there is one.
    pub(crate) vp8: Option<Temporal>,
    /// Whether it ends a frame (RTP marker).
    pub(crate) ends_frame: bool,
}

impl Seen {
    fn tid(&self) -> Option<u8> {
        self.vp8.and_then(|t| t.tid)
    }
}

/// The open holes of one published video layer.
#[derive(Debug, Default)]
pub(crate) struct Holes {
    /// The newest packet seen.
    last: Option<Seen>,
    /// Missing sequence numbers, oldest first: when each went missing, and whether it is
    /// known to carry only a frame no other frame refers to.
    open: VecDeque<(u64, Instant, bool)>,
}

impl Holes {
    /// A packet arrived (first time or repaired).
    pub(crate) fn arrived(&mut self, p: Seen, now: Instant) {
        let Some(last) = self.last else {
            self.last = Some(p);
            return;
        };
        if p.seq <= last.seq {
            // A repair (or a duplicate): the hole it fills is closed.
            if let Ok(i) = self.open.binary_search_by_key(&p.seq, |h| h.0) {
                self.open.remove(i);
            }
            return;
        }
        let missing = p.seq - last.seq - 1;
        if missing as usize > MAX_HOLES {
            // A jump (a restarted stream): nothing to repair across it.
            self.open.clear();
        } else if missing > 0 {
            // Whose frame the missing packets belong to, where the neighbours say: one frame
            // around the hole, or two frames one after the other, of which the first did not
            // end before it (the rest of that one is missing) or the second did not start
            // after it (its beginning is missing). Any other hole may hold whole frames.
            let picture_id = |s: Seen| s.vp8.and_then(|t| t.picture_id);
            let next = match (picture_id(last), picture_id(p)) {
                (Some(a), Some(b)) => b == (a + 1) & 0x7fff,
                _ => false,
            };
            let starts_frame = p.vp8.is_some_and(|t| t.frame_start);
            let tid = match (last.ends_frame, starts_frame) {
                _ if last.ts == p.ts => p.tid(),
                (false, true) if next => last.tid(),
                (true, false) if next => p.tid(),
                _ => None,
            };
            let unreferenced = tid.is_some_and(|t| t > 0);
            for seq in last.seq + 1..p.seq {
                self.open.push_back((seq, now, unreferenced));
            }
            while self.open.len() > MAX_HOLES {
                self.open.pop_front();
            }
        }
        self.last = Some(p);
    }

    /// A keyframe started: what was missing before it no longer matters.
    pub(crate) fn keyframe(&mut self) {
        self.open.clear();
    }

    /// Forgets the holes open for [`LOST_AFTER`] or longer: how many, and whether one of them
    /// may have held a frame that others refer to.
    pub(crate) fn lost_for_good(&mut self, now: Instant) -> Lost {
        let mut lost = Lost::default();
        while let Some(&(_, at, unreferenced)) = self.open.front() {
            if now.saturating_duration_since(at) < LOST_AFTER {
                break;
            }
            lost.packets += 1;
            lost.referenced |= !unreferenced;
            self.open.pop_front();
        }
        lost
    }
}

/// Packets [`Holes::lost_for_good`] gave up on.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lost {
    /// How many.
    pub(crate) packets: u64,
    /// One of them may have held a frame others refer to: a keyframe is needed.
    pub(crate) referenced: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    /// Packet `seq` of frame `frame` (two packets a frame, timestamps 3000 apart).
    fn packet(seq: u64, tid: u8) -> Seen {
        let frame = seq / 2;
        Seen {
            seq,
            ts: (frame * 3000) as u32,
            vp8: Some(Temporal {
                tid: Some(tid),
                sync: false,
                frame_start: seq % 2 == 0,
                picture_id: Some(frame as u16),
            }),
            ends_frame: seq % 2 == 1,
        }
    }

    #[test]
    fn a_hole_repaired_in_time_is_forgotten_and_one_never_repaired_is_lost_for_good() {
        let t = Instant::now();
        let mut h = Holes::default();
        for s in [0, 1, 2, 4, 5] {
            h.arrived(packet(s, 0), t);
        }
        h.arrived(packet(3, 0), t + 50 * MS);
        assert_eq!(h.lost_for_good(t + LOST_AFTER), Lost::default(), "repaired");
        h.arrived(packet(7, 0), t + LOST_AFTER);
        assert_eq!(
            h.lost_for_good(t + LOST_AFTER + 299 * MS).packets,
            0,
            "not yet"
        );
        let lost = Lost {
            packets: 1,
            referenced: true,
        };
        assert_eq!(
            h.lost_for_good(t + LOST_AFTER * 2),
            lost,
            "packet 6, a TL0 frame's"
        );
        assert_eq!(h.lost_for_good(t + LOST_AFTER * 3).packets, 0, "told once");
    }

    #[test]
    fn a_lost_packet_of_a_frame_nothing_refers_to_needs_no_keyframe() {
        let t = Instant::now();
        let mut h = Holes::default();
        // Frame 1 (packets 2, 3) is TL2: its second packet lost, the hole closed by frame 2.
        for (s, tid) in [(0, 0), (1, 0), (2, 2), (4, 0), (5, 0)] {
            h.arrived(packet(s, tid), t);
        }
        // Frame 3 (packets 6, 7) is TL1: its first packet lost.
        for (s, tid) in [(7, 1), (8, 0)] {
            h.arrived(packet(s, tid), t);
        }
        let lost = Lost {
            packets: 2,
            referenced: false,
        };
        assert_eq!(h.lost_for_good(t + LOST_AFTER), lost);
        // A whole frame lost (packets 10, 11): its layer is unknown.
        for (s, tid) in [(9, 0), (12, 2)] {
            h.arrived(packet(s, tid), t + LOST_AFTER);
        }
        assert!(h.lost_for_good(t + LOST_AFTER * 2).referenced);
    }

    #[test]
    fn a_keyframe_or_a_jump_closes_every_hole() {
        let t = Instant::now();
        let mut h = Holes::default();
        h.arrived(packet(0, 0), t);
        h.arrived(packet(3, 0), t);
        h.keyframe();
        assert_eq!(h.lost_for_good(t + LOST_AFTER).packets, 0);
        h.arrived(packet(5_000, 0), t);
        assert_eq!(
            h.lost_for_good(t + LOST_AFTER).packets,
            0,
            "a restarted stream"
        );
    }
}
