//! RTP packets for ffmpeg's SDP input: VP8 (RFC 7741) and Opus (RFC 7587) frames cut into
//! packets with our own sequence numbers and timestamps, so what ffmpeg sees is one steady
//! stream per input whatever the sources did (speaker switches, pauses cut out).

/// Payload type of the video input (any dynamic type; the SDP names it).
pub(crate) const VP8_PT: u8 = 96;
/// Payload type of the audio inputs.
pub(crate) const OPUS_PT: u8 = 111;
/// Payload bytes per packet at most, well under a loopback datagram.
const MAX_PAYLOAD: usize = 1200;

/// One outgoing RTP stream.
#[derive(Debug)]
pub(crate) struct RtpStream {
    pt: u8,
    ssrc: u32,
    seq: u16,
}

impl RtpStream {
    pub(crate) fn new(pt: u8, ssrc: u32) -> Self {
        RtpStream { pt, ssrc, seq: 0 }
    }

    fn header(&mut self, marker: bool, ts: u32, out: &mut Vec<u8>) {
        out.push(0x80); // version 2, no padding, extension or CSRC
        out.push(self.pt | if marker { 0x80 } else { 0 });
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&ts.to_be_bytes());
        out.extend_from_slice(&self.ssrc.to_be_bytes());
        self.seq = self.seq.wrapping_add(1);
    }

    /// One VP8 frame as packets: a one-byte payload descriptor each (S set on the first,
    /// partition 0), the marker on the last.
    pub(crate) fn vp8(&mut self, frame: &[u8], ts: u32) -> Vec<Vec<u8>> {
        let chunks: Vec<&[u8]> = frame.chunks(MAX_PAYLOAD).collect();
        let last = chunks.len().saturating_sub(1);
        chunks
            .iter()
            .enumerate()
            .map(|(i, chunk)| {
                let mut p = Vec::with_capacity(13 + chunk.len());
                self.header(i == last, ts, &mut p);
                p.push(if i == 0 { 0x10 } else { 0x00 });
                p.extend_from_slice(chunk);
                p
            })
            .collect()
    }

    /// One Opus packet as one RTP packet.
    pub(crate) fn opus(&mut self, packet: &[u8], ts: u32) -> Vec<u8> {
        let mut p = Vec::with_capacity(12 + packet.len());
        self.header(false, ts, &mut p);
        p.extend_from_slice(packet);
        p
    }
}

/// A 20 ms Opus packet of silence (CELT, full band, mono: TOC 0xF8 and an empty frame), sent
/// for an audio input with nothing to say so that ffmpeg's mixer never waits on it.
pub(crate) const OPUS_SILENCE: [u8; 3] = [0xF8, 0xFF, 0xFE];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_vp8_frame_is_cut_with_start_bit_and_marker_right() {
        let mut s = RtpStream::new(VP8_PT, 7);
        let frame = vec![9u8; 2500];
        let p = s.vp8(&frame, 3000);
        assert_eq!(p.len(), 3);
        assert_eq!(p[0][1], VP8_PT, "no marker on the first");
        assert_eq!(p[2][1], VP8_PT | 0x80, "marker on the last");
        assert_eq!((p[0][12], p[1][12]), (0x10, 0x00));
        assert_eq!(u16::from_be_bytes([p[2][2], p[2][3]]), 2);
        assert_eq!(
            u32::from_be_bytes([p[1][4], p[1][5], p[1][6], p[1][7]]),
            3000
        );
        let payload: usize = p.iter().map(|x| x.len() - 13).sum();
        assert_eq!(payload, 2500);
        let a = RtpStream::new(OPUS_PT, 8).opus(&OPUS_SILENCE, 960);
        assert_eq!((a.len(), a[1]), (15, OPUS_PT));
    }
}
