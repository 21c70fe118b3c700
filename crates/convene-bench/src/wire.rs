//! The datagrams of the raw relay and its load: a 20-byte header in clear (authenticated as
//! the AEAD's associated data, like an RTP header under SRTP), then the sealed payload and
//! its 16-byte tag. A receiver registers with a hello.
//!
//! ```text
//! media:  0x80 | track u8 | publisher u16 | seq u32 | ssrc u32 | sent_at_ns u64 | sealed payload | tag
//! hello:  b"HELO" | receiver u32 | layer u8          (echoed back by the relay as the ack)
//! ```
//!
//! All integers are big-endian.

/// Length of the media header.
pub const HEADER_LEN: usize = 20;
/// Length of the AES-GCM tag after the payload.
pub const TAG_LEN: usize = 16;
/// First byte of every media datagram (RTP version 2).
pub const MEDIA_MARK: u8 = 0x80;
/// First bytes of a hello.
pub const HELLO_MAGIC: &[u8; 4] = b"HELO";
/// Length of a hello.
pub const HELLO_LEN: usize = 9;
/// The `track` of audio; video layer `l` is `VIDEO_TRACK_BASE + l`.
pub const AUDIO_TRACK: u8 = 0;
/// The `track` of the lowest video layer.
pub const VIDEO_TRACK_BASE: u8 = 1;

/// The clear header of a media datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// [`AUDIO_TRACK`], or [`VIDEO_TRACK_BASE`] + the simulcast layer.
    pub track: u8,
    /// The publisher's index.
    pub publisher: u16,
    /// Per (publisher, track) sequence number: with them, the nonce.
    pub seq: u32,
    /// The stream id. The relay rewrites it in every copy to the receiver's index, as an SFU
    /// rewrites SSRC and sequence numbers per subscriber slot.
    pub ssrc: u32,
    /// Send time in nanoseconds on the load generator's clock, for the latency.
    pub sent_at_ns: u64,
}

impl Header {
    /// Writes the header into the first [`HEADER_LEN`] bytes of `out`.
    ///
    /// # Panics
    /// If `out` is shorter than [`HEADER_LEN`] (a caller bug).
    pub fn write(&self, out: &mut [u8]) {
        out[0] = MEDIA_MARK;
        out[1] = self.track;
        out[2..4].copy_from_slice(&self.publisher.to_be_bytes());
        out[4..8].copy_from_slice(&self.seq.to_be_bytes());
        out[8..12].copy_from_slice(&self.ssrc.to_be_bytes());
        out[12..20].copy_from_slice(&self.sent_at_ns.to_be_bytes());
    }

    /// Reads a media header; `None` if `data` is not a media datagram.
    pub fn read(data: &[u8]) -> Option<Header> {
        if data.len() < HEADER_LEN + TAG_LEN || data[0] != MEDIA_MARK {
            return None;
        }
        let u32_at =
            |i: usize| u32::from_be_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]);
        Some(Header {
            track: data[1],
            publisher: u16::from_be_bytes([data[2], data[3]]),
            seq: u32_at(4),
            ssrc: u32_at(8),
            sent_at_ns: (u64::from(u32_at(12)) << 32) | u64::from(u32_at(16)),
        })
    }

    /// The AES-GCM nonce: unique per (publisher, track, seq), so per key.
    pub fn nonce(&self) -> [u8; 12] {
        let mut n = [0u8; 12];
        n[0..2].copy_from_slice(&self.publisher.to_be_bytes());
        n[2] = self.track;
        n[4..8].copy_from_slice(&self.seq.to_be_bytes());
        n
    }
}

/// Sets the `ssrc` field of a media datagram in place (the relay's per-copy rewrite).
///
/// # Panics
/// If `data` is shorter than [`HEADER_LEN`] (a caller bug).
pub fn rewrite_ssrc(data: &mut [u8], ssrc: u32) {
    data[8..12].copy_from_slice(&ssrc.to_be_bytes());
}

/// A hello: receiver `receiver` wants video layer `layer`.
pub fn hello(receiver: u32, layer: u8) -> [u8; HELLO_LEN] {
    let mut h = [0u8; HELLO_LEN];
    h[..4].copy_from_slice(HELLO_MAGIC);
    h[4..8].copy_from_slice(&receiver.to_be_bytes());
    h[8] = layer;
    h
}

/// Reads a hello: `(receiver, layer)`.
pub fn read_hello(data: &[u8]) -> Option<(u32, u8)> {
    if data.len() != HELLO_LEN || &data[..4] != HELLO_MAGIC {
        return None;
    }
    Some((
        u32::from_be_bytes([data[4], data[5], data[6], data[7]]),
        data[8],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips() {
        let h = Header {
            track: 2,
            publisher: 513,
            seq: 0xdead_beef,
            ssrc: 7,
            sent_at_ns: 0x0102_0304_0506_0708,
        };
        let mut buf = [0u8; HEADER_LEN + TAG_LEN];
        h.write(&mut buf);
        assert_eq!(Header::read(&buf), Some(h));
        rewrite_ssrc(&mut buf, 9);
        assert_eq!(Header::read(&buf).map(|h| h.ssrc), Some(9));
        assert_eq!(read_hello(&hello(5, 1)), Some((5, 1)));
        assert_eq!(read_hello(&buf[..HELLO_LEN]), None);
    }
}
