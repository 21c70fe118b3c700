//! The RFC 4571 framer on an ICE-TCP byte stream: arbitrary bytes, arriving in arbitrary
//! pieces, must decode to exactly the frames a plain reading of the format gives (2-byte
//! big-endian length, then that many bytes; empty frames skipped; a length over the limit
//! ends the stream with an error), whatever the split. Nothing may panic.
#![no_main]

use arbitrary::Arbitrary;
use convene_rfc4571::{BytesMut, Decoder, Encoder, Rfc4571Codec, MAX_FRAME};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Stream {
    /// Largest frame the codec accepts (the default, or a small one to reach the limit).
    small_limit: Option<u8>,
    /// Sizes of the reads the bytes arrive in (cycled; 0 counts as 1).
    reads: Vec<u8>,
    bytes: Vec<u8>,
}

/// The frames a plain reading of RFC 4571 gives, and whether it stopped on an oversize one.
fn model(bytes: &[u8], max: usize) -> (Vec<Vec<u8>>, bool) {
    let mut frames = Vec::new();
    let mut rest = bytes;
    while rest.len() >= 2 {
        let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
        if len > max {
            return (frames, true);
        }
        if rest.len() < 2 + len {
            break;
        }
        if len > 0 {
            frames.push(rest[2..2 + len].to_vec());
        }
        rest = &rest[2 + len..];
    }
    (frames, false)
}

fuzz_target!(|s: Stream| {
    let max = s.small_limit.map_or(MAX_FRAME, usize::from);
    let mut codec = Rfc4571Codec::new(max);
    let (want, want_err) = model(&s.bytes, max);

    let mut got = Vec::new();
    let mut got_err = false;
    let mut buf = BytesMut::new();
    let mut sizes = s.reads.iter().map(|&n| usize::from(n.max(1))).cycle();
    let mut rest = &s.bytes[..];
    'stream: while !rest.is_empty() {
        let n = if s.reads.is_empty() {
            rest.len()
        } else {
            sizes.next().unwrap_or(1).min(rest.len())
        };
        buf.extend_from_slice(&rest[..n]);
        rest = &rest[n..];
        loop {
            match codec.decode(&mut buf) {
                Ok(Some(frame)) => {
                    assert!(!frame.is_empty() && frame.len() <= max);
                    got.push(frame.to_vec());
                }
                Ok(None) => break,
                Err(_) => {
                    got_err = true;
                    break 'stream;
                }
            }
        }
    }
    assert_eq!(got, want);
    assert_eq!(got_err, want_err);

    // Every decoded frame encodes back to its own bytes.
    let mut out = BytesMut::new();
    for f in &got {
        codec
            .encode(&f[..], &mut out)
            .expect("a decoded frame fits");
    }
    assert_eq!(model(&out, max), (got, false));
});
