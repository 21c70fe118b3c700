//! AES-128-GCM over the [`wire`](crate::wire) datagrams, with aws-lc-rs (the workspace's
//! crypto stack, which str0m uses for SRTP's `AEAD_AES_128_GCM` profile).
//!
//! The keys are fixed constants: this is a benchmark, and the point is the work of sealing,
//! not secrecy. Publishers seal with [`INGRESS_KEY`]; the relay seals each receiver's copy
//! with that receiver's own key ([`PacketKey::for_receiver`]), as an SFU holds one SRTP
//! context per subscriber.

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM};

use crate::wire::{Header, HEADER_LEN, TAG_LEN};

/// The key publishers seal with and the relay opens with.
pub const INGRESS_KEY: [u8; 16] = *b"convene-ingress!";
/// The key receivers' keys are derived from.
pub const EGRESS_MASTER_KEY: [u8; 16] = *b"convene-egress!!";

/// One AES-128-GCM key.
pub struct PacketKey(LessSafeKey);

impl PacketKey {
    /// A key from its 16 bytes.
    pub fn new(bytes: [u8; 16]) -> PacketKey {
        // unwrap is ok because 16 bytes is exactly AES-128's key length.
        let key = UnboundKey::new(&AES_128_GCM, &bytes).expect("a 16-byte AES-128 key");
        PacketKey(LessSafeKey::new(key))
    }

    /// Receiver `receiver`'s key: [`EGRESS_MASTER_KEY`] with its last four bytes XORed with
    /// the receiver's index.
    pub fn for_receiver(receiver: u32) -> PacketKey {
        let mut bytes = EGRESS_MASTER_KEY;
        for (b, r) in bytes[12..].iter_mut().zip(receiver.to_be_bytes()) {
            *b ^= r;
        }
        PacketKey::new(bytes)
    }

    /// Seals `packet` (a written [`Header`], then the plaintext) in place and appends the tag.
    /// The header is authenticated, not encrypted.
    ///
    /// # Panics
    /// If `packet` is shorter than [`HEADER_LEN`] (a caller bug).
    pub fn seal(&self, packet: &mut Vec<u8>) {
        let (header, payload) = packet.split_at_mut(HEADER_LEN);
        let nonce = nonce_of(header);
        // unwrap is ok because sealing fails only for payloads over 64 GiB.
        let tag = self
            .0
            .seal_in_place_separate_tag(nonce, Aad::from(&*header), payload)
            .expect("a datagram-sized payload seals");
        packet.extend_from_slice(tag.as_ref());
    }

    /// Opens a sealed datagram in place. Returns the plaintext's length (it then sits right
    /// after the header), or `None` if the datagram is not authentic under this key.
    pub fn open(&self, packet: &mut [u8]) -> Option<usize> {
        if packet.len() < HEADER_LEN + TAG_LEN {
            return None;
        }
        let (header, sealed) = packet.split_at_mut(HEADER_LEN);
        let nonce = nonce_of(header);
        let plain = self
            .0
            .open_in_place(nonce, Aad::from(&*header), sealed)
            .ok()?;
        Some(plain.len())
    }
}

fn nonce_of(header: &[u8]) -> Nonce {
    // The nonce is built from fields the relay never rewrites (publisher, track, seq).
    let h = Header {
        track: header[1],
        publisher: u16::from_be_bytes([header[2], header[3]]),
        seq: u32::from_be_bytes([header[4], header[5], header[6], header[7]]),
        ssrc: 0,
        sent_at_ns: 0,
    };
    Nonce::assume_unique_for_key(h.nonce())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(payload: &[u8]) -> Vec<u8> {
        let mut p = vec![0u8; HEADER_LEN];
        Header {
            track: 1,
            publisher: 3,
            seq: 42,
            ssrc: 0,
            sent_at_ns: 1,
        }
        .write(&mut p);
        p.extend_from_slice(payload);
        p
    }

    #[test]
    fn sealed_opens_with_its_key_only() {
        let clear = packet(b"hello media");
        let mut sealed = clear.clone();
        PacketKey::for_receiver(7).seal(&mut sealed);
        assert_eq!(sealed.len(), clear.len() + TAG_LEN);
        assert_ne!(sealed[HEADER_LEN..clear.len()], clear[HEADER_LEN..]);
        assert_eq!(PacketKey::for_receiver(8).open(&mut sealed.clone()), None);
        let n = PacketKey::for_receiver(7).open(&mut sealed).unwrap();
        assert_eq!(sealed[..HEADER_LEN + n], clear[..]);
    }

    #[test]
    fn a_tampered_header_is_refused() {
        let mut sealed = packet(b"x");
        let key = PacketKey::new(INGRESS_KEY);
        key.seal(&mut sealed);
        sealed[12] ^= 1; // the send time
        assert_eq!(key.open(&mut sealed), None);
    }
}
