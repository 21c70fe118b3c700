//! One user's audio as an Ogg Opus file (RFC 7845), the received packets copied as they
//! are. The file's timeline is continuous: where the user was not forwarded (not among the
//! loudest, muted, paused out) for longer than a few packets, 20 ms silence packets fill
//! the gap, so every sample sits at its recorded time from the file's start.

use super::super::rtp::OPUS_SILENCE;
use ogg::writing::{PacketWriteEndInfo, PacketWriter};
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::time::Duration;

/// Samples per second of every Opus stream.
const RATE: u64 = 48_000;
/// One silence packet's samples (20 ms).
const SILENCE: u64 = 960;
/// How far the file may run behind the clock before silence fills it (jitter is not a gap).
const SLACK: u64 = 3 * SILENCE;

pub(crate) struct OggOpus {
    out: PacketWriter<'static, BufWriter<File>>,
    serial: u32,
    /// Samples written, and the packet held back (the last one must end the stream).
    samples: u64,
    held: Option<Vec<u8>>,
}

impl OggOpus {
    /// Creates `path` with the Opus headers (stereo, 48 kHz, no pre-skip).
    pub(crate) fn create(path: &Path, serial: u32) -> std::io::Result<Self> {
        let mut out = PacketWriter::new(BufWriter::new(File::create(path)?));
        let mut head = b"OpusHead".to_vec();
        head.extend_from_slice(&[1, 2]); // version 1, two channels
        head.extend_from_slice(&0u16.to_le_bytes()); // pre-skip
        head.extend_from_slice(&(RATE as u32).to_le_bytes());
        head.extend_from_slice(&0i16.to_le_bytes()); // output gain
        head.push(0); // channel mapping family 0
        out.write_packet(head, serial, PacketWriteEndInfo::EndPage, 0)?;
        let vendor = b"convene";
        let mut tags = b"OpusTags".to_vec();
        tags.extend_from_slice(&(vendor.len() as u32).to_le_bytes());
        tags.extend_from_slice(vendor);
        tags.extend_from_slice(&0u32.to_le_bytes()); // no comments
        out.write_packet(tags, serial, PacketWriteEndInfo::EndPage, 0)?;
        Ok(OggOpus {
            out,
            serial,
            samples: 0,
            held: None,
        })
    }

    /// A received packet, `at` after the file's start.
    pub(crate) fn packet(&mut self, packet: &[u8], at: Duration) -> std::io::Result<()> {
        let due = (at.as_micros() as u64) * RATE / 1_000_000;
        while self.samples + SLACK < due {
            self.push(OPUS_SILENCE.to_vec())?;
        }
        self.push(packet.to_vec())
    }

    /// The file's length.
    pub(crate) fn duration(&self) -> Duration {
        let held = self.held.as_deref().map_or(0, samples);
        Duration::from_micros((self.samples + held) * 1_000_000 / RATE)
    }

    fn push(&mut self, packet: Vec<u8>) -> std::io::Result<()> {
        if let Some(prev) = self.held.replace(packet) {
            self.samples += samples(&prev);
            let end = PacketWriteEndInfo::NormalPacket;
            self.out
                .write_packet(prev, self.serial, end, self.samples)?;
        }
        Ok(())
    }

    /// Ends the stream and flushes the file.
    pub(crate) fn finish(mut self) -> std::io::Result<()> {
        let last = self.held.take().unwrap_or_else(|| OPUS_SILENCE.to_vec());
        self.samples += samples(&last);
        let end = PacketWriteEndInfo::EndStream;
        self.out
            .write_packet(last, self.serial, end, self.samples)?;
        use std::io::Write;
        self.out.inner_mut().flush()
    }
}

/// The samples (at 48 kHz) an Opus packet holds, from its TOC byte (RFC 6716 §3.1).
fn samples(packet: &[u8]) -> u64 {
    let Some(&toc) = packet.first() else {
        return 0;
    };
    let config = u64::from(toc >> 3);
    // Frame length in 1/400 s (2.5 ms) units.
    let frame = match config {
        0..=11 => [4, 8, 16, 24][(config % 4) as usize],
        12..=15 => [4, 8][(config % 2) as usize],
        _ => [1, 2, 4, 8][(config % 4) as usize],
    };
    let frames = match toc & 3 {
        0 => 1,
        1 | 2 => 2,
        _ => packet.get(1).map_or(0, |c| u64::from(c & 0x3f)),
    };
    frames * frame * RATE / 400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packet_lengths_come_from_the_toc() {
        assert_eq!(samples(&OPUS_SILENCE), 960, "CELT 20 ms");
        assert_eq!(samples(&[0x08]), 960, "SILK 20 ms");
        assert_eq!(samples(&[0x09]), 2 * 960, "two SILK 20 ms frames");
        assert_eq!(samples(&[0x1B, 0x03]), 3 * 2880, "three SILK 60 ms frames");
        assert_eq!(samples(&[0x90]), 480, "CELT 10 ms");
        assert_eq!(samples(&[]), 0);
    }

    #[test]
    fn gaps_are_filled_with_silence_and_the_file_reads_back() {
        let path = std::env::temp_dir().join(format!("convene-ogg-{}.ogg", std::process::id()));
        let mut f = OggOpus::create(&path, 7).unwrap();
        let tone = [0xFC, 1, 2, 3]; // CELT 20 ms
        f.packet(&tone, Duration::ZERO).unwrap();
        f.packet(&tone, Duration::from_millis(20)).unwrap();
        // A second without the user: filled up to within the slack.
        f.packet(&tone, Duration::from_millis(1040)).unwrap();
        let d = f.duration();
        f.finish().unwrap();
        assert!(
            d >= Duration::from_millis(1000) && d <= Duration::from_millis(1060),
            "{d:?}"
        );
        let bytes = std::fs::read(&path).unwrap();
        let packets = convene_media::read_ogg_opus(&bytes).unwrap();
        assert_eq!(packets.first().map(Vec::as_slice), Some(&tone[..]));
        assert_eq!(packets.last().map(Vec::as_slice), Some(&tone[..]));
        assert!(packets.len() > 40, "{} packets", packets.len());
        let _ = std::fs::remove_file(path);
    }
}
