//! RFC 2198 redundant audio (RED) for subscribers that did not negotiate it: the primary
//! block alone is an ordinary Opus packet.

use str0m::media::Pt;
use str0m::rtp::RedDecoder;

/// The primary block of a RED payload, if it is well formed and carries `primary_pt` (the
/// codec RED was negotiated for). Redundant blocks are dropped.
pub(crate) fn red_primary(payload: &[u8], primary_pt: Pt) -> Option<Vec<u8>> {
    let blocks = RedDecoder::decode(payload).ok()?;
    let last = blocks.last()?;
    (last.is_primary && last.pt == *primary_pt).then(|| last.payload.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use str0m::rtp::{RedEncoder, RedundantBlock};

    #[test]
    fn the_primary_block_is_kept_and_the_redundancy_dropped() {
        let older = RedundantBlock {
            pt: 111,
            timestamp_offset: 960,
            payload: vec![1, 2, 3],
        };
        let red = RedEncoder::encode(111, &[7, 8, 9, 10], &[older]);
        assert_eq!(red_primary(&red, 111.into()), Some(vec![7, 8, 9, 10]));
        // Only RED: no redundancy at all.
        let bare = RedEncoder::encode(111, &[5], &[]);
        assert_eq!(red_primary(&bare, 111.into()), Some(vec![5]));
        // A primary of another codec (e.g. comfort noise) is not passed off as Opus.
        assert_eq!(
            red_primary(&RedEncoder::encode(13, &[5], &[]), 111.into()),
            None
        );
        // Garbage never panics.
        assert_eq!(red_primary(&[0xff, 0xff], 111.into()), None);
        assert_eq!(red_primary(&[], 111.into()), None);
    }
}
