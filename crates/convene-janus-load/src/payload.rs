//! Synthetic media shaped like Convene's load generator's (`convene-media`'s defaults:
//! 80-byte Opus frames every 20 ms; VP8 frames of 400/1200/3000 bytes per simulcast layer at
//! 20 fps), carrying the publisher's send time so a subscriber can measure latency.
//!
//! Layout: a codec prefix (Opus TOC byte; or a VP8 frame tag with the keyframe bit, plus the
//! start code and dimensions on keyframes, so an SFU can find keyframes), then `b"JLD"` and the
//! send time in microseconds since the Unix epoch (u64 BE), then filler.

use std::time::{SystemTime, UNIX_EPOCH};

/// Audio frame size, bytes.
pub const AUDIO_BYTES: usize = 80;
/// Video frame size per simulcast layer, lowest first.
pub const VIDEO_BYTES: [usize; 3] = [400, 1200, 3000];
/// Video frames per second.
pub const VIDEO_FPS: u32 = 20;

const MAGIC: &[u8; 3] = b"JLD";
const OPUS_PREFIX: usize = 1;
const VP8_INTER_PREFIX: usize = 3;
const VP8_KEY_PREFIX: usize = 10;

/// Microseconds since the Unix epoch (the clock both ends share: same host).
pub fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

/// An Opus-shaped frame (config 31, CELT FB 20 ms, mono) sent at `sent_us`.
pub fn audio_frame(sent_us: u64) -> Vec<u8> {
    let mut out = vec![0xf8];
    tag_and_fill(&mut out, sent_us, AUDIO_BYTES);
    out
}

/// A VP8-shaped frame of `size` bytes for layer `layer` (0 = lowest), sent at `sent_us`.
pub fn video_frame(sent_us: u64, layer: usize, keyframe: bool, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size);
    // RFC 6386 frame tag: P bit (0 = keyframe), version 0, show_frame, first partition size.
    let bits: u32 = u32::from(!keyframe) | (1 << 4) | (64 << 5);
    out.extend_from_slice(&bits.to_le_bytes()[..3]);
    if keyframe {
        let (w, h) = (640u16 >> (2 - layer.min(2)), 360u16 >> (2 - layer.min(2)));
        out.extend_from_slice(&[0x9d, 0x01, 0x2a]);
        out.extend_from_slice(&w.to_le_bytes());
        out.extend_from_slice(&h.to_le_bytes());
    }
    tag_and_fill(&mut out, sent_us, size);
    out
}

fn tag_and_fill(out: &mut Vec<u8>, sent_us: u64, size: usize) {
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&sent_us.to_be_bytes());
    // Not all zeros, so nothing on the path can shortcut it; content does not matter.
    let mut x = sent_us | 1;
    while out.len() < size {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push(x as u8);
    }
}

/// What the start of a frame says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Video (else audio).
    pub video: bool,
    /// Send time, µs since the Unix epoch.
    pub sent_us: u64,
}

/// Reads the stamp of an RTP payload that starts a frame: any Opus payload, or a VP8 payload
/// whose descriptor has S=1 and partition 0. `None` for other packets.
pub fn stamp_of_rtp(payload: &[u8]) -> Option<Stamp> {
    if let Some(sent_us) = stamp_at(payload, OPUS_PREFIX) {
        return Some(Stamp {
            video: false,
            sent_us,
        });
    }
    let frame = vp8_frame_start(payload)?;
    [VP8_INTER_PREFIX, VP8_KEY_PREFIX]
        .into_iter()
        .find_map(|at| stamp_at(frame, at))
        .map(|sent_us| Stamp {
            video: true,
            sent_us,
        })
}

fn stamp_at(data: &[u8], at: usize) -> Option<u64> {
    let t = data.get(at..at + MAGIC.len() + 8)?;
    if &t[..3] != MAGIC {
        return None;
    }
    Some(u64::from_be_bytes(t[3..].try_into().ok()?))
}

/// The VP8 frame bytes after the RFC 7741 payload descriptor, if this packet starts a frame.
pub fn vp8_frame_start(payload: &[u8]) -> Option<&[u8]> {
    let b0 = *payload.first()?;
    let (extended, start, partition) = (b0 & 0x80 != 0, b0 & 0x10 != 0, b0 & 0x07);
    if !start || partition != 0 {
        return None;
    }
    let mut at = 1;
    if extended {
        let x = *payload.get(1)?;
        at = 2;
        if x & 0x80 != 0 {
            // PictureID: 7 bits, or 15 with the M bit.
            at += if *payload.get(at)? & 0x80 != 0 { 2 } else { 1 };
        }
        if x & 0x40 != 0 {
            at += 1; // TL0PICIDX
        }
        if x & 0x30 != 0 {
            at += 1; // TID / KEYIDX
        }
    }
    payload.get(at..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_stamp_round_trip() {
        let f = audio_frame(1_700_000_000_123_456);
        assert_eq!(f.len(), AUDIO_BYTES);
        let s = stamp_of_rtp(&f).unwrap();
        assert_eq!((s.video, s.sent_us), (false, 1_700_000_000_123_456));
    }

    #[test]
    fn video_stamp_round_trip_through_a_descriptor() {
        for keyframe in [false, true] {
            let f = video_frame(42, 1, keyframe, VIDEO_BYTES[1]);
            assert_eq!(f.len(), VIDEO_BYTES[1]);
            assert_eq!(f[0] & 1 == 0, keyframe, "VP8 P bit");
            // X=1, S=1, PID 0; I=1 with a 15-bit PictureID; L=1 (TL0PICIDX); T=1 (TID).
            let mut rtp = vec![0x90, 0xe0, 0x80 | 0x12, 0x34, 0x05, 0x40];
            rtp.extend_from_slice(&f);
            let s = stamp_of_rtp(&rtp).unwrap();
            assert_eq!((s.video, s.sent_us), (true, 42));
            // Simplest descriptor: one byte, S=1.
            let mut short = vec![0x10];
            short.extend_from_slice(&f);
            assert_eq!(stamp_of_rtp(&short).unwrap().sent_us, 42);
        }
    }

    #[test]
    fn continuation_packets_have_no_stamp() {
        let f = video_frame(42, 2, false, 3000);
        let mut middle = vec![0x80, 0x80, 0x01];
        middle.extend_from_slice(&f[1000..]);
        assert_eq!(stamp_of_rtp(&middle), None);
        assert_eq!(stamp_of_rtp(&[]), None);
        assert_eq!(vp8_frame_start(&[0x90]), None, "truncated descriptor");
    }

    #[test]
    fn keyframes_are_recognisable() {
        let k = video_frame(1, 2, true, 3000);
        assert_eq!(&k[3..6], &[0x9d, 0x01, 0x2a]);
        assert_eq!(u16::from_le_bytes([k[6], k[7]]), 640);
        let low = video_frame(1, 0, true, 400);
        assert_eq!(u16::from_le_bytes([low[6], low[7]]), 160);
    }
}
