//! Synthetic media: frames that are not decodable but are shaped like the real thing
//! (VP8 frame tag with the keyframe bit, Opus TOC byte) and tagged so that a receiver can
//! tell who sent a frame, on which layer, and which frame it was.
//!
//! Layout after the codec-shaped prefix: `b"CVN"`, kind, layer, keyframe, user (u32 BE),
//! counter (u32 BE), send time (u64 BE, microseconds since the Unix epoch), then
//! deterministic filler bytes. The send time lets a receiver on the same host measure how
//! long the frame took ([`sent_at_us`]); the filler does not depend on it.
//!
//! [`track_writer`] is how a frame reaches the wire: the peer's publishing task and
//! `janus-load`'s publishers both write through it.

use std::time::{SystemTime, UNIX_EPOCH};

use str0m::format::Codec;
use str0m::media::{Mid, Pt, Rid, Writer};
use str0m::Rtc;

/// The writer of track `mid`, on simulcast layer `rid` when given, with the payload type
/// negotiated for `codec`; `None` when the track or the codec was not negotiated (then the
/// frame is not sent).
pub fn track_writer(
    rtc: &mut Rtc,
    mid: Mid,
    codec: Codec,
    rid: Option<Rid>,
) -> Option<(Writer<'_>, Pt)> {
    let writer = rtc.writer(mid)?;
    let pt = writer
        .payload_params()
        .find(|p| p.spec().codec == codec)
        .map(|p| p.pt())?;
    Some((
        match rid {
            Some(rid) => writer.rid(rid),
            None => writer,
        },
        pt,
    ))
}

/// Which synthetic track a frame belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SynthKind {
    /// Opus-shaped audio.
    Audio = 0,
    /// VP8-shaped camera video.
    Video = 1,
    /// VP8-shaped screen share.
    Share = 2,
}

impl SynthKind {
    fn from_u8(v: u8) -> Option<Self> {
        match v {
            0 => Some(SynthKind::Audio),
            1 => Some(SynthKind::Video),
            2 => Some(SynthKind::Share),
            _ => None,
        }
    }
}

/// What a tagged frame says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameTag {
    /// The track kind.
    pub kind: SynthKind,
    /// Simulcast layer (0 = lowest; 0 without simulcast).
    pub layer: u8,
    /// Whether the sender marked it as a keyframe.
    pub keyframe: bool,
    /// The sender's user id.
    pub user: u32,
    /// Per (kind, layer) frame counter, from 0.
    pub counter: u32,
}

const MAGIC: &[u8; 3] = b"CVN";
const TAG_LEN: usize = 3 + 3 + 8 + 8;
/// VP8 keyframe prefix: 3-byte frame tag, start code, 2+2 bytes of dimensions.
const VP8_KEY_PREFIX: usize = 10;
const VP8_INTER_PREFIX: usize = 3;
const OPUS_PREFIX: usize = 1;

/// Microseconds since the Unix epoch on this host's wall clock (0 if it is before 1970):
/// the clock of the send time in frames, so sender and receiver must share a host.
pub fn wall_clock_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

/// Build one frame of `size` bytes (at least the prefix plus the tag), stamped with the
/// current [`wall_clock_us`] as its send time.
pub fn build_frame(tag: FrameTag, size: usize) -> Vec<u8> {
    build_frame_at(tag, size, wall_clock_us())
}

/// Build one frame of `size` bytes stamped with the send time `sent_at_us`.
pub fn build_frame_at(tag: FrameTag, size: usize, sent_at_us: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(size.max(VP8_KEY_PREFIX + TAG_LEN));
    match tag.kind {
        // Opus TOC: config 31 (CELT FB 20 ms), mono, one frame.
        SynthKind::Audio => out.push(0xf8),
        SynthKind::Video | SynthKind::Share => {
            let first_part = 64u32;
            let p = if tag.keyframe { 0 } else { 1 };
            // RFC 6386 frame tag: P (bit 0), version 0, show_frame (bit 4), size (19 bits).
            let bits = p | (1 << 4) | (first_part << 5);
            out.extend_from_slice(&[bits as u8, (bits >> 8) as u8, (bits >> 16) as u8]);
            if tag.keyframe {
                let (w, h) = (640u16 >> tag.layer.min(2), 360u16 >> tag.layer.min(2));
                out.extend_from_slice(&[0x9d, 0x01, 0x2a]);
                out.extend_from_slice(&w.to_le_bytes());
                out.extend_from_slice(&h.to_le_bytes());
            }
        }
    }
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[tag.kind as u8, tag.layer, tag.keyframe as u8]);
    out.extend_from_slice(&tag.user.to_be_bytes());
    out.extend_from_slice(&tag.counter.to_be_bytes());
    out.extend_from_slice(&sent_at_us.to_be_bytes());
    // xorshift64 filler seeded by the tag: deterministic, different per frame.
    let mut x = (u64::from(tag.user) << 32 | u64::from(tag.counter))
        ^ (u64::from(tag.kind as u8) << 56 | u64::from(tag.layer) << 48)
        ^ 0x9e37_79b9_7f4a_7c15;
    while out.len() < size {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push(x as u8);
    }
    out
}

/// The tag bytes of a frame built by [`build_frame`], after whichever prefix it has.
fn tag_bytes(data: &[u8]) -> Option<&[u8; TAG_LEN]> {
    [OPUS_PREFIX, VP8_INTER_PREFIX, VP8_KEY_PREFIX]
        .into_iter()
        .find_map(|off| {
            let t: &[u8; TAG_LEN] = data.get(off..off + TAG_LEN)?.try_into().ok()?;
            (&t[..3] == MAGIC).then_some(t)
        })
}

/// Read the tag of a frame built by [`build_frame`].
pub fn parse_frame(data: &[u8]) -> Option<FrameTag> {
    let t = tag_bytes(data)?;
    Some(FrameTag {
        kind: SynthKind::from_u8(t[3])?,
        layer: t[4],
        keyframe: t[5] != 0,
        user: u32::from_be_bytes([t[6], t[7], t[8], t[9]]),
        counter: u32::from_be_bytes([t[10], t[11], t[12], t[13]]),
    })
}

/// The send time (microseconds since the Unix epoch) of a frame built by [`build_frame`].
pub fn sent_at_us(data: &[u8]) -> Option<u64> {
    let t = tag_bytes(data)?;
    let mut b = [0u8; 8];
    b.copy_from_slice(&t[14..22]);
    Some(u64::from_be_bytes(b))
}

/// 64-bit FNV-1a: the per-frame checksum used to prove bit-exact delivery.
pub fn fnv1a64(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_all_kinds() {
        for kind in [SynthKind::Audio, SynthKind::Video, SynthKind::Share] {
            for keyframe in [false, true] {
                let tag = FrameTag {
                    kind,
                    layer: 2,
                    keyframe,
                    user: 7,
                    counter: 99,
                };
                let f = build_frame_at(tag, 500, 1_700_000_000_123_456);
                assert_eq!(f.len(), 500);
                assert_eq!(parse_frame(&f), Some(tag));
                assert_eq!(sent_at_us(&f), Some(1_700_000_000_123_456));
                if kind != SynthKind::Audio {
                    assert_eq!(f[0] & 1 == 0, keyframe, "VP8 P bit");
                }
            }
        }
    }

    #[test]
    fn frames_differ_and_checksum_is_stable() {
        let t = |counter| FrameTag {
            kind: SynthKind::Video,
            layer: 0,
            keyframe: false,
            user: 1,
            counter,
        };
        assert_ne!(build_frame(t(1), 100), build_frame(t(2), 100));
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert!(parse_frame(b"garbage").is_none());
        assert!(sent_at_us(b"garbage").is_none());
        // The filler depends on the tag only, not on the send time.
        let (a, b) = (build_frame_at(t(3), 300, 1), build_frame_at(t(3), 300, 2));
        assert_ne!(a, b);
        assert_eq!(a[40..], b[40..]);
    }

    #[test]
    fn build_frame_stamps_the_current_time() {
        let before = wall_clock_us();
        let f = build_frame(
            FrameTag {
                kind: SynthKind::Audio,
                layer: 0,
                keyframe: false,
                user: 1,
                counter: 0,
            },
            80,
        );
        let sent = sent_at_us(&f).expect("a tagged frame");
        assert!(before <= sent && sent <= wall_clock_us());
    }
}
