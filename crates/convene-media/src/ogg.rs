//! A minimal Ogg Opus reader: the Opus packets of the first logical stream (RFC 7845),
//! without the `OpusHead` / `OpusTags` header packets. Enough to publish a file as a
//! microphone; no seeking, no granule handling.

use std::fmt;

/// Why a file is not usable Ogg Opus.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OggError {
    /// A page does not start with `OggS` where one should.
    BadCapture(usize),
    /// The file ends inside a page.
    Truncated,
    /// The first packet is not an `OpusHead`.
    NotOpus,
}

impl fmt::Display for OggError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OggError::BadCapture(at) => write!(f, "no Ogg page at byte {at}"),
            OggError::Truncated => f.write_str("file ends inside an Ogg page"),
            OggError::NotOpus => f.write_str("the stream is not Opus (no OpusHead)"),
        }
    }
}

impl std::error::Error for OggError {}

/// The Opus packets of an Ogg Opus file, in order.
pub fn read_ogg_opus(bytes: &[u8]) -> Result<Vec<Vec<u8>>, OggError> {
    let mut packets = Vec::new();
    let mut partial: Vec<u8> = Vec::new();
    let mut serial: Option<u32> = None;
    let mut at = 0;
    while at < bytes.len() {
        let header = bytes.get(at..at + 27).ok_or(OggError::Truncated)?;
        if &header[..4] != b"OggS" {
            return Err(OggError::BadCapture(at));
        }
        let page_serial = u32::from_le_bytes([header[14], header[15], header[16], header[17]]);
        let segments = header[26] as usize;
        let table = bytes
            .get(at + 27..at + 27 + segments)
            .ok_or(OggError::Truncated)?;
        let mut body = at + 27 + segments;
        let ours = *serial.get_or_insert(page_serial) == page_serial;
        for &len in table {
            let seg = bytes
                .get(body..body + len as usize)
                .ok_or(OggError::Truncated)?;
            body += len as usize;
            if !ours {
                continue;
            }
            partial.extend_from_slice(seg);
            // A lacing value below 255 ends a packet.
            if len < 255 {
                packets.push(std::mem::take(&mut partial));
            }
        }
        at = body;
    }
    let mut it = packets.into_iter();
    match it.next() {
        Some(head) if head.starts_with(b"OpusHead") => {}
        _ => return Err(OggError::NotOpus),
    }
    // The second packet is OpusTags; the rest is audio.
    Ok(it.skip(1).filter(|p| !p.is_empty()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(serial: u32, packets: &[&[u8]]) -> Vec<u8> {
        let mut table = Vec::new();
        let mut body = Vec::new();
        for p in packets {
            let mut n = p.len();
            while n >= 255 {
                table.push(255u8);
                n -= 255;
            }
            table.push(n as u8);
            body.extend_from_slice(p);
        }
        let mut out = b"OggS".to_vec();
        out.extend_from_slice(&[0, 0]); // version, flags
        out.extend_from_slice(&[0; 8]); // granule
        out.extend_from_slice(&serial.to_le_bytes());
        out.extend_from_slice(&[0; 8]); // sequence, crc (not checked)
        out.push(table.len() as u8);
        out.extend_from_slice(&table);
        out.extend_from_slice(&body);
        out
    }

    #[test]
    fn reads_packets_after_the_headers() {
        let big = vec![7u8; 300];
        let mut f = page(1, &[b"OpusHead\x01\x02"]);
        f.extend(page(1, &[b"OpusTags...."]));
        f.extend(page(1, &[b"a1", &big, b"c3"]));
        f.extend(page(2, &[b"other stream"]));
        let p = read_ogg_opus(&f).unwrap();
        assert_eq!(p, vec![b"a1".to_vec(), big, b"c3".to_vec()]);
    }

    #[test]
    fn refuses_what_is_not_ogg_opus() {
        assert_eq!(
            read_ogg_opus(b"nope, not ogg at all....... "),
            Err(OggError::BadCapture(0))
        );
        assert_eq!(
            read_ogg_opus(&page(1, &[b"vorbis"])),
            Err(OggError::NotOpus)
        );
        let mut f = page(1, &[b"OpusHead"]);
        f.truncate(f.len() - 2);
        assert_eq!(read_ogg_opus(&f), Err(OggError::Truncated));
    }

    #[test]
    fn reads_the_committed_fixture() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/tone-440.opus");
        let bytes = std::fs::read(path).unwrap();
        let p = read_ogg_opus(&bytes).unwrap();
        // 2 s of 20 ms frames.
        assert!((95..=105).contains(&p.len()), "{} packets", p.len());
    }
}
