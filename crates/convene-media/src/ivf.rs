//! A tiny IVF (VP8/VP9/AV1 elementary stream container) reader, for publishing real
//! encoded video from a file.

use std::fmt;

/// Why an IVF buffer could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IvfError {
    /// The 32-byte file header is missing or does not start with `DKIF`.
    BadHeader,
    /// A frame header announces more bytes than remain.
    Truncated,
}

impl fmt::Display for IvfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IvfError::BadHeader => f.write_str("not an IVF file"),
            IvfError::Truncated => f.write_str("IVF frame truncated"),
        }
    }
}

impl std::error::Error for IvfError {}

/// The IVF file header fields we use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IvfHeader {
    /// Codec FourCC, e.g. `*b"VP80"`.
    pub fourcc: [u8; 4],
    /// Width in pixels.
    pub width: u16,
    /// Height in pixels.
    pub height: u16,
    /// Timebase numerator/denominator: timestamps are in units of `num/den` seconds.
    pub timebase: (u32, u32),
}

/// One encoded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IvfFrame {
    /// Presentation timestamp in timebase units.
    pub timestamp: u64,
    /// The encoded frame.
    pub data: Vec<u8>,
}

impl IvfHeader {
    /// The 32-byte file header, with a frame count of 0 (unknown: the file is written as a
    /// stream).
    pub fn to_bytes(&self) -> [u8; 32] {
        let mut h = [0u8; 32];
        h[..4].copy_from_slice(b"DKIF");
        h[6..8].copy_from_slice(&32u16.to_le_bytes());
        h[8..12].copy_from_slice(&self.fourcc);
        h[12..14].copy_from_slice(&self.width.to_le_bytes());
        h[14..16].copy_from_slice(&self.height.to_le_bytes());
        h[16..20].copy_from_slice(&self.timebase.1.to_le_bytes());
        h[20..24].copy_from_slice(&self.timebase.0.to_le_bytes());
        h
    }
}

impl IvfFrame {
    /// A frame of `data` at `timestamp` as it is stored: its 12-byte header (size,
    /// timestamp), then its bytes.
    pub fn encode(timestamp: u64, data: &[u8]) -> Vec<u8> {
        let mut v = Vec::with_capacity(12 + data.len());
        v.extend_from_slice(&(data.len() as u32).to_le_bytes());
        v.extend_from_slice(&timestamp.to_le_bytes());
        v.extend_from_slice(data);
        v
    }
}

/// Parse a whole IVF file held in memory.
pub fn read_ivf(bytes: &[u8]) -> Result<(IvfHeader, Vec<IvfFrame>), IvfError> {
    let h = bytes.get(..32).ok_or(IvfError::BadHeader)?;
    if &h[..4] != b"DKIF" {
        return Err(IvfError::BadHeader);
    }
    let header_len = usize::from(u16::from_le_bytes([h[6], h[7]])).max(32);
    let header = IvfHeader {
        fourcc: [h[8], h[9], h[10], h[11]],
        width: u16::from_le_bytes([h[12], h[13]]),
        height: u16::from_le_bytes([h[14], h[15]]),
        timebase: (
            u32::from_le_bytes([h[20], h[21], h[22], h[23]]),
            u32::from_le_bytes([h[16], h[17], h[18], h[19]]),
        ),
    };
    let mut frames = Vec::new();
    let mut rest = bytes.get(header_len..).ok_or(IvfError::BadHeader)?;
    while !rest.is_empty() {
        let fh = rest.get(..12).ok_or(IvfError::Truncated)?;
        let len = u32::from_le_bytes([fh[0], fh[1], fh[2], fh[3]]) as usize;
        let mut ts = [0u8; 8];
        ts.copy_from_slice(&fh[4..12]);
        let data = rest.get(12..12 + len).ok_or(IvfError::Truncated)?;
        frames.push(IvfFrame {
            timestamp: u64::from_le_bytes(ts),
            data: data.to_vec(),
        });
        rest = &rest[12 + len..];
    }
    Ok((header, frames))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(frames: &[&[u8]]) -> Vec<u8> {
        let mut v = b"DKIF".to_vec();
        v.extend_from_slice(&0u16.to_le_bytes());
        v.extend_from_slice(&32u16.to_le_bytes());
        v.extend_from_slice(b"VP80");
        v.extend_from_slice(&640u16.to_le_bytes());
        v.extend_from_slice(&360u16.to_le_bytes());
        v.extend_from_slice(&30u32.to_le_bytes());
        v.extend_from_slice(&1u32.to_le_bytes());
        v.extend_from_slice(&(frames.len() as u32).to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        for (i, f) in frames.iter().enumerate() {
            v.extend_from_slice(&(f.len() as u32).to_le_bytes());
            v.extend_from_slice(&(i as u64).to_le_bytes());
            v.extend_from_slice(f);
        }
        v
    }

    #[test]
    fn reads_frames() {
        let (h, frames) = read_ivf(&file(&[b"abc", b"", b"defg"])).unwrap();
        assert_eq!(&h.fourcc, b"VP80");
        assert_eq!((h.width, h.height, h.timebase), (640, 360, (1, 30)));
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[2].data, b"defg");
        assert_eq!(frames[2].timestamp, 2);
    }

    #[test]
    fn rejects_garbage_and_truncation() {
        assert_eq!(read_ivf(b"nope").unwrap_err(), IvfError::BadHeader);
        let mut f = file(&[b"abcdef"]);
        f.truncate(f.len() - 2);
        assert_eq!(read_ivf(&f).unwrap_err(), IvfError::Truncated);
    }

    #[test]
    fn what_is_written_reads_back() {
        let header = IvfHeader {
            fourcc: *b"VP80",
            width: 320,
            height: 180,
            timebase: (1, 1000),
        };
        let frame = IvfFrame {
            timestamp: 1234,
            data: b"xyz".to_vec(),
        };
        let mut f = header.to_bytes().to_vec();
        f.extend(IvfFrame::encode(frame.timestamp, &frame.data));
        assert_eq!(read_ivf(&f).unwrap(), (header, vec![frame]));
    }
}
