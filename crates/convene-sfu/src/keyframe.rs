//! Keyframe detection for codecs str0m does not expose a detector for (VP8 uses str0m's
//! `Vp8Descriptor::starts_keyframe`).

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
