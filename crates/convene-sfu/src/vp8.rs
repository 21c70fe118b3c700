//! The temporal-layer fields of a VP8 RTP payload descriptor (RFC 7741 §4.2), which str0m's
//! `Vp8Descriptor` does not expose: TID, the layer sync bit, where a frame starts, and the
//! PictureID.

/// What the SFU needs to pick temporal layers from one VP8 packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Temporal {
    /// The temporal layer (0 = base), if the sender uses temporal layers.
    pub(crate) tid: Option<u8>,
    /// Layer sync (Y): the frame depends only on the base layer, so a receiver may start
    /// taking its layer here.
    pub(crate) sync: bool,
    /// The packet starts a frame (S bit set, partition 0).
    pub(crate) frame_start: bool,
    /// The frame's PictureID, when it has the 15-bit form browsers send.
    pub(crate) picture_id: Option<u16>,
}

/// Reads the descriptor at the start of `payload`; `None` when it is cut short.
pub(crate) fn temporal(payload: &[u8]) -> Option<Temporal> {
    let first = *payload.first()?;
    let frame_start = first & 0x10 != 0 && first & 0x07 == 0;
    let mut t = Temporal {
        tid: None,
        sync: false,
        frame_start,
        picture_id: None,
    };
    if first & 0x80 == 0 {
        return Some(t);
    }
    let ext = *payload.get(1)?;
    let mut at = 2;
    if ext & 0x80 != 0 {
        // PictureID: one byte, or two when its M bit is set.
        let high = *payload.get(at)?;
        if high & 0x80 != 0 {
            let low = *payload.get(at + 1)?;
            t.picture_id = Some(u16::from_be_bytes([high & 0x7f, low]));
            at += 2;
        } else {
            at += 1;
        }
    }
    if ext & 0x40 != 0 {
        at += 1; // TL0PICIDX
    }
    if ext & 0x20 != 0 {
        // T: the TID/Y/KEYIDX byte carries a temporal layer (K alone carries only KEYIDX).
        let b = *payload.get(at)?;
        t.tid = Some(b >> 6);
        t.sync = b & 0x20 != 0;
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tid_and_sync_after_a_long_picture_id_and_tl0picidx() {
        // X=1 S=1 PID=0 | I L T | PictureID 0x8123 (15 bit) | TL0PICIDX | TID=2 Y=1 KEYIDX=0
        let p = [0x90, 0xe0, 0x81, 0x23, 0x07, 0xa0, 0x9d];
        assert_eq!(
            temporal(&p),
            Some(Temporal {
                tid: Some(2),
                sync: true,
                frame_start: true,
                picture_id: Some(0x0123),
            })
        );
    }

    #[test]
    fn a_short_picture_id_and_a_continuation_packet() {
        // X=1 S=0 | I T | PictureID 0x05 (7 bit) | TID=1 Y=0
        let p = [0x80, 0xa0, 0x05, 0x40, 0x00];
        assert_eq!(
            temporal(&p),
            Some(Temporal {
                tid: Some(1),
                sync: false,
                frame_start: false,
                picture_id: None,
            })
        );
    }

    #[test]
    fn no_temporal_layers_and_truncated_descriptors() {
        assert_eq!(temporal(&[0x10, 0x9d]).map(|t| t.tid), Some(None));
        // K alone (KEYIDX, no TID).
        assert_eq!(temporal(&[0x90, 0x10, 0x03]).map(|t| t.tid), Some(None));
        assert_eq!(temporal(&[]), None);
        assert_eq!(temporal(&[0x90]), None);
        assert_eq!(temporal(&[0x90, 0xe0, 0x81]), None);
        assert_eq!(temporal(&[0x90, 0x20]), None);
    }
}
