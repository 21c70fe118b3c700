//! Keyframes: detection for codecs str0m does not expose a detector for (VP8 uses str0m's
//! `Vp8Descriptor::starts_keyframe`), and the gate that coalesces requests for them.

use std::time::Instant;

use crate::config::KEYFRAME_MIN_GAP;

/// Keyframe requests towards one layer of one publisher's track, coalesced across its
/// subscribers: at most one PLI per [`KEYFRAME_MIN_GAP`]. A request inside the gap is owed;
/// the next keyframe answers it (every subscriber of the layer receives that keyframe), and
/// if none has come when the gap ends, one PLI goes out for all owed requests.
#[derive(Debug, Default)]
pub(crate) struct KeyframeGate {
    /// When the last PLI went out.
    asked: Option<Instant>,
    /// A request arrived since then that no keyframe has answered yet.
    owed: bool,
}

impl KeyframeGate {
    /// A subscriber needs a keyframe: true when a PLI goes out now.
    pub(crate) fn request(&mut self, now: Instant) -> bool {
        if self.gap_open(now) {
            self.owed = true;
            return false;
        }
        self.asked = Some(now);
        self.owed = false;
        true
    }

    /// A keyframe of this layer arrived: it answers every request made so far.
    pub(crate) fn keyframe(&mut self) {
        self.owed = false;
    }

    /// True when owed requests are due: no keyframe came within the gap. Counts as a PLI sent.
    pub(crate) fn due(&mut self, now: Instant) -> bool {
        if !self.owed || self.gap_open(now) {
            return false;
        }
        self.asked = Some(now);
        self.owed = false;
        true
    }

    fn gap_open(&self, now: Instant) -> bool {
        self.asked
            .is_some_and(|t| now.saturating_duration_since(t) < KEYFRAME_MIN_GAP)
    }
}

/// H.264 NAL unit types that start a decodable picture: IDR slice (5) and SPS (7), which
/// encoders send right before an IDR.
fn is_key_nal(nal_type: u8) -> bool {
    nal_type == 5 || nal_type == 7
}

/// Whether an H.264 RTP payload (RFC 6184) starts a keyframe: a single IDR/SPS NAL unit, a
/// STAP-A containing one, or the first fragment (FU-A, S bit) of one.
pub(crate) fn h264_starts_keyframe(payload: &[u8]) -> bool {
    let Some(&first) = payload.first() else {
        return false;
    };
    match first & 0x1f {
        t @ 1..=23 => is_key_nal(t),
        // STAP-A: [header] then repeated [u16 size][NAL].
        24 => {
            let mut rest = &payload[1..];
            while rest.len() >= 3 {
                let size = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
                if is_key_nal(rest[2] & 0x1f) {
                    return true;
                }
                let Some(next) = rest.get(2 + size..) else {
                    return false;
                };
                rest = next;
            }
            false
        }
        // FU-A: [indicator][fu header: S E R type].
        28 => payload
            .get(1)
            .is_some_and(|fu| fu & 0x80 != 0 && is_key_nal(fu & 0x1f)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_within_the_gap_become_one_pli_unless_a_keyframe_answers_them() {
        let t0 = Instant::now();
        let at = |ms| t0 + std::time::Duration::from_millis(ms);
        let mut g = KeyframeGate::default();
        assert!(g.request(t0), "the first request is sent at once");
        assert!(!g.request(at(10)), "a second one inside the gap waits");
        assert!(!g.request(at(20)));
        assert!(!g.due(at(100)), "nothing is due inside the gap");
        let end = KEYFRAME_MIN_GAP.as_millis() as u64;
        assert!(g.due(at(end)), "the owed requests go out as one PLI");
        assert!(!g.due(at(end + 1)), "once");
        // A keyframe answers what is owed: nothing goes out at the end of the gap.
        assert!(!g.request(at(end + 10)));
        g.keyframe();
        assert!(!g.due(at(3 * end)));
        // After the gap a request is sent at once again.
        assert!(g.request(at(3 * end)));
    }

    #[test]
    fn h264_keyframes() {
        assert!(h264_starts_keyframe(&[0x65, 1, 2])); // IDR
        assert!(h264_starts_keyframe(&[0x67, 1, 2])); // SPS
        assert!(!h264_starts_keyframe(&[0x41, 1, 2])); // non-IDR slice
                                                       // STAP-A with SPS (len 2) and PPS (len 1).
        assert!(h264_starts_keyframe(&[0x78, 0, 2, 0x67, 9, 0, 1, 0x68]));
        // STAP-A with only a non-IDR slice.
        assert!(!h264_starts_keyframe(&[0x78, 0, 2, 0x41, 9]));
        // FU-A: start of IDR vs continuation vs start of non-IDR.
        assert!(h264_starts_keyframe(&[0x7c, 0x85, 0]));
        assert!(!h264_starts_keyframe(&[0x7c, 0x05, 0]));
        assert!(!h264_starts_keyframe(&[0x7c, 0x81, 0]));
        // Garbage never panics.
        assert!(!h264_starts_keyframe(&[]));
        assert!(!h264_starts_keyframe(&[0x78, 0xff, 0xff, 0x41]));
        assert!(!h264_starts_keyframe(&[0x7c]));
    }
}
