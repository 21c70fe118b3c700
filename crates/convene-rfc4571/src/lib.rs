//! RFC 4571 framing for ICE over TCP: every STUN, DTLS, RTP or RTCP packet travels on the
//! byte stream as a 2-byte big-endian length followed by the packet.
//!
//! # Brief overview
//!
//! * [`Rfc4571Codec`] is the one codec of this framing in Convene, shared by the SFU's ICE-TCP
//!   listener (`convene-sfu`) and the client's TCP transport (`convene-media`). It is a
//!   `tokio_util::codec` [`Decoder`]/[`Encoder`], so it plugs into `FramedRead`,
//!   `FramedWrite` or `Framed` over any `AsyncRead`/`AsyncWrite`; the length-prefix work
//!   itself is tokio-util's `LengthDelimitedCodec`, this crate fixes RFC 4571's parameters
//!   and Convene's policy on top.
//! * The codec is sans-IO: [`Decoder::decode`] takes whatever bytes have arrived (a split
//!   frame, several frames, one byte at a time) and yields complete packets, keeping the
//!   rest buffered for the next call.
//!
//! # Policy and errors
//!
//! * A length above the codec's maximum ([`MAX_FRAME`] by default) is an error of kind
//!   [`std::io::ErrorKind::InvalidData`]: WebRTC packets stay below ~1200 bytes, so a peer
//!   announcing a longer frame is not speaking ICE-TCP and its connection should be closed.
//!   Encoding a packet longer than the maximum fails with
//!   [`std::io::ErrorKind::InvalidInput`] and writes nothing.
//! * Zero-length frames carry nothing and are skipped by the decoder.
//! * Nothing panics on peer input.

#![deny(missing_docs)]

use std::io;

pub use bytes::{Bytes, BytesMut};
use tokio_util::codec::LengthDelimitedCodec;
pub use tokio_util::codec::{Decoder, Encoder, Framed, FramedRead, FramedWrite};

/// Largest frame Convene accepts or sends by default: as large as the UDP datagrams the SFU
/// and the client read (WebRTC stays below ~1200 bytes).
pub const MAX_FRAME: usize = 2048;

/// RFC 4571 framing: a 2-byte big-endian length, then one packet.
#[derive(Debug)]
pub struct Rfc4571Codec {
    inner: LengthDelimitedCodec,
}

impl Rfc4571Codec {
    /// A codec refusing frames longer than `max_frame` bytes (at most 65535, what the 2-byte
    /// length can say).
    pub fn new(max_frame: usize) -> Self {
        let inner = LengthDelimitedCodec::builder()
            .big_endian()
            .length_field_type::<u16>()
            .max_frame_length(max_frame.min(usize::from(u16::MAX)))
            .new_codec();
        Rfc4571Codec { inner }
    }
}

impl Default for Rfc4571Codec {
    /// [`Rfc4571Codec::new`]`(`[`MAX_FRAME`]`)`.
    fn default() -> Self {
        Self::new(MAX_FRAME)
    }
}

impl Decoder for Rfc4571Codec {
    /// One packet, without its length prefix. Never empty.
    type Item = BytesMut;
    type Error = io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<BytesMut>> {
        loop {
            match self.inner.decode(src)? {
                // Zero-length frames carry nothing: skip to the next one.
                Some(frame) if frame.is_empty() => continue,
                other => return Ok(other),
            }
        }
    }
}

impl Encoder<Bytes> for Rfc4571Codec {
    type Error = io::Error;

    fn encode(&mut self, packet: Bytes, dst: &mut BytesMut) -> io::Result<()> {
        self.inner.encode(packet, dst)
    }
}

impl Encoder<&[u8]> for Rfc4571Codec {
    type Error = io::Error;

    fn encode(&mut self, packet: &[u8], dst: &mut BytesMut) -> io::Result<()> {
        self.inner.encode(packet, dst)
    }
}

/// Packets read from `io` (e.g. the read half of a `TcpStream`).
pub fn reader<R>(io: R) -> FramedRead<R, Rfc4571Codec> {
    FramedRead::new(io, Rfc4571Codec::default())
}

/// A sink of packets written to `io` (e.g. the write half of a `TcpStream`).
pub fn writer<W>(io: W) -> FramedWrite<W, Rfc4571Codec> {
    FramedWrite::new(io, Rfc4571Codec::default())
}

/// Packets both ways on `io` (e.g. a whole `TcpStream`).
pub fn framed<T>(io: T) -> Framed<T, Rfc4571Codec> {
    Framed::new(io, Rfc4571Codec::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(payload: &[u8]) -> Vec<u8> {
        let mut out = (payload.len() as u16).to_be_bytes().to_vec();
        out.extend_from_slice(payload);
        out
    }

    fn decode_all(codec: &mut Rfc4571Codec, buf: &mut BytesMut) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(f) = codec.decode(buf).unwrap() {
            out.push(f.to_vec());
        }
        out
    }

    #[test]
    fn several_frames_in_one_read() {
        let mut codec = Rfc4571Codec::default();
        let mut buf = BytesMut::new();
        buf.extend_from_slice(&frame(b"stun"));
        buf.extend_from_slice(&frame(b"dtls!"));
        buf.extend_from_slice(&frame(&[7; 1200]));
        let frames = decode_all(&mut codec, &mut buf);
        assert_eq!(
            frames,
            vec![b"stun".to_vec(), b"dtls!".to_vec(), vec![7; 1200]]
        );
        assert!(buf.is_empty());
    }

    #[test]
    fn frames_split_across_reads_byte_by_byte() {
        let mut codec = Rfc4571Codec::default();
        let mut wire = frame(b"hello");
        wire.extend_from_slice(&frame(b"world"));
        let mut buf = BytesMut::new();
        let mut frames = Vec::new();
        for b in wire {
            buf.extend_from_slice(&[b]);
            frames.extend(decode_all(&mut codec, &mut buf));
        }
        assert_eq!(frames, vec![b"hello".to_vec(), b"world".to_vec()]);
    }

    #[test]
    fn a_partial_frame_waits_for_the_rest() {
        let mut codec = Rfc4571Codec::default();
        let wire = frame(b"partial read");
        let mut buf = BytesMut::from(&wire[..5]);
        assert_eq!(codec.decode(&mut buf).unwrap(), None);
        buf.extend_from_slice(&wire[5..]);
        assert_eq!(
            codec.decode(&mut buf).unwrap().as_deref(),
            Some(&b"partial read"[..])
        );
    }

    #[test]
    fn an_oversize_length_is_invalid_data() {
        let mut codec = Rfc4571Codec::default();
        let mut buf = BytesMut::from(&((MAX_FRAME + 1) as u16).to_be_bytes()[..]);
        let err = codec.decode(&mut buf).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        // The largest allowed frame still passes.
        let mut buf = BytesMut::from(&frame(&[1; MAX_FRAME])[..]);
        assert_eq!(
            codec.decode(&mut buf).unwrap().map(|f| f.len()),
            Some(MAX_FRAME)
        );
        // A smaller limit is honoured too.
        let mut small = Rfc4571Codec::new(4);
        let mut buf = BytesMut::from(&frame(b"12345")[..]);
        assert!(small.decode(&mut buf).is_err());
    }

    #[test]
    fn zero_length_frames_are_skipped() {
        let mut codec = Rfc4571Codec::default();
        let mut wire = frame(b"");
        wire.extend_from_slice(&frame(b""));
        wire.extend_from_slice(&frame(b"x"));
        wire.extend_from_slice(&frame(b""));
        let mut buf = BytesMut::from(&wire[..]);
        assert_eq!(decode_all(&mut codec, &mut buf), vec![b"x".to_vec()]);
        assert!(buf.is_empty());
    }

    #[test]
    fn encode_prefixes_the_length_and_refuses_oversize() {
        let mut codec = Rfc4571Codec::default();
        let mut dst = BytesMut::new();
        codec.encode(Bytes::from_static(b"rtp"), &mut dst).unwrap();
        assert_eq!(&dst[..], &frame(b"rtp")[..]);
        // Round trip.
        assert_eq!(
            codec.decode(&mut dst).unwrap().as_deref(),
            Some(&b"rtp"[..])
        );

        let mut dst = BytesMut::new();
        let err = codec
            .encode(Bytes::from(vec![0; MAX_FRAME + 1]), &mut dst)
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let err = codec.encode(&[0; MAX_FRAME + 1][..], &mut dst).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(dst.is_empty());
    }

    #[test]
    fn garbage_never_panics() {
        let mut codec = Rfc4571Codec::default();
        for wire in [&[0xff, 0xff, 0, 0][..], &[0x00], &[0x00, 0x03, 1], &[]] {
            let mut buf = BytesMut::from(wire);
            let _ = codec.decode(&mut buf);
        }
    }
}
