//! The recorder: turns received frames into the RTP inputs of `ffmpeg` on its own clock.
//!
//! The clock counts recorded time only: it stops while the recording is paused, so a pause
//! is cut out of the file (no frozen frames, no gap in the timeline). Video frames of the
//! chosen source are stamped with it as they arrive; after a source switch (or a pause) they
//! wait for a keyframe. Audio goes out on a 20 ms tick, one packet per input (the slot's
//! oldest frame, or silence), so the mixer never waits for a quiet input. When no video frame
//! went out for [`VIDEO_IDLE`], a black keyframe does.

use super::ffmpeg::{Ports, AUDIO_INPUTS};
use super::rtp::{RtpStream, OPUS_PT, OPUS_SILENCE, VP8_PT};
use convene_media::ReceivedFrame;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;

/// How long the video may go without a frame before black is shown.
pub(crate) const VIDEO_IDLE: Duration = Duration::from_secs(1);
/// The audio tick: one Opus frame.
pub(crate) const AUDIO_TICK: Duration = Duration::from_millis(20);
/// Frames kept per audio input (beyond, the oldest go): 200 ms.
const AUDIO_QUEUE: usize = 10;

pub(crate) struct Recorder {
    sock: UdpSocket,
    video_to: SocketAddr,
    audio_to: Vec<SocketAddr>,
    video: RtpStream,
    audio: Vec<RtpStream>,
    /// Per audio input: the receive slot it carries and its queued frames.
    audio_in: Vec<(Option<String>, VecDeque<Vec<u8>>)>,
    audio_ts: u32,
    /// Recorded time before the current run, and when the current run started.
    recorded: Duration,
    running_since: Option<Instant>,
    /// The receive slot whose video is shown, and whether it must start on a keyframe.
    source: Option<String>,
    need_key: bool,
    last_video: Option<Duration>,
    black: Vec<u8>,
}

impl Recorder {
    /// A recorder sending to `ports`, recording from `now`.
    pub(crate) async fn new(ports: &Ports, black: Vec<u8>, now: Instant) -> std::io::Result<Self> {
        let to = |p: u16| SocketAddr::from(([127, 0, 0, 1], p));
        Ok(Recorder {
            sock: UdpSocket::bind("127.0.0.1:0").await?,
            video_to: to(ports.video),
            audio_to: ports.audio.iter().map(|p| to(*p)).collect(),
            video: RtpStream::new(VP8_PT, rand_ssrc(0)),
            audio: (0..AUDIO_INPUTS)
                .map(|i| RtpStream::new(OPUS_PT, rand_ssrc(i as u32 + 1)))
                .collect(),
            audio_in: vec![(None, VecDeque::new()); AUDIO_INPUTS],
            audio_ts: 0,
            recorded: Duration::ZERO,
            running_since: Some(now),
            source: None,
            need_key: true,
            last_video: None,
            black,
        })
    }

    /// Sends to a new ffmpeg's `ports` from now on; its video starts on a keyframe.
    pub(crate) fn retarget(&mut self, ports: &Ports) {
        let to = |p: u16| SocketAddr::from(([127, 0, 0, 1], p));
        self.video_to = to(ports.video);
        self.audio_to = ports.audio.iter().map(|p| to(*p)).collect();
        self.need_key = true;
        self.last_video = None;
    }

    /// Recorded time so far.
    pub(crate) fn clock(&self, now: Instant) -> Duration {
        self.recorded
            + self
                .running_since
                .map_or(Duration::ZERO, |s| now.saturating_duration_since(s))
    }

    pub(crate) fn paused(&self) -> bool {
        self.running_since.is_none()
    }

    pub(crate) fn pause(&mut self, now: Instant) {
        if let Some(s) = self.running_since.take() {
            self.recorded += now.saturating_duration_since(s);
        }
    }

    pub(crate) fn resume(&mut self, now: Instant) {
        if self.running_since.is_none() {
            self.running_since = Some(now);
            self.need_key = true;
        }
    }

    /// Shows receive slot `mid` from now on; true when that is a change (ask its sender for
    /// a keyframe).
    pub(crate) fn set_source(&mut self, mid: Option<String>) -> bool {
        if self.source == mid {
            return false;
        }
        self.source = mid;
        self.need_key = true;
        self.source.is_some()
    }

    /// Whether the shown source still waits for a keyframe.
    pub(crate) fn waits_for_key(&self) -> Option<&str> {
        self.source.as_deref().filter(|_| self.need_key)
    }

    /// A received frame: video of the shown source goes out now, audio is queued.
    pub(crate) async fn frame(&mut self, f: ReceivedFrame, now: Instant) {
        if self.paused() {
            return;
        }
        if !f.video {
            let slot = match self
                .audio_in
                .iter()
                .position(|(m, _)| m.as_ref() == Some(&f.mid))
            {
                Some(i) => i,
                None => match self.audio_in.iter().position(|(m, _)| m.is_none()) {
                    Some(i) => {
                        self.audio_in[i].0 = Some(f.mid.clone());
                        i
                    }
                    None => return,
                },
            };
            let q = &mut self.audio_in[slot].1;
            if q.len() == AUDIO_QUEUE {
                q.pop_front();
            }
            q.push_back(f.data);
            return;
        }
        if self.source.as_deref() != Some(f.mid.as_str()) || (self.need_key && !f.keyframe) {
            return;
        }
        self.need_key = false;
        self.send_video(&f.data, now).await;
    }

    async fn send_video(&mut self, frame: &[u8], now: Instant) {
        let t = self.clock(now);
        let ts = (t.as_micros() * 9 / 100) as u32; // 90 kHz
        for p in self.video.vp8(frame, ts) {
            let _ = self.sock.send_to(&p, self.video_to).await;
        }
        self.last_video = Some(t);
    }

    /// One audio tick: a packet on every input.
    pub(crate) async fn audio_tick(&mut self) {
        if self.paused() {
            return;
        }
        for i in 0..AUDIO_INPUTS {
            let frame = self.audio_in[i].1.pop_front();
            let p = self.audio[i].opus(frame.as_deref().unwrap_or(&OPUS_SILENCE), self.audio_ts);
            let _ = self.sock.send_to(&p, self.audio_to[i]).await;
        }
        self.audio_ts = self.audio_ts.wrapping_add(960); // 20 ms at 48 kHz
    }

    /// Black when no video went out for [`VIDEO_IDLE`] (and at the start); the source then
    /// restarts on a keyframe.
    pub(crate) async fn keepalive(&mut self, now: Instant) {
        if self.paused() {
            return;
        }
        let t = self.clock(now);
        if self
            .last_video
            .is_none_or(|l| t.saturating_sub(l) >= VIDEO_IDLE)
        {
            let black = std::mem::take(&mut self.black);
            self.send_video(&black, now).await;
            self.black = black;
            self.need_key = true;
        }
    }
}

/// SSRCs only need to differ between our own streams.
fn rand_ssrc(i: u32) -> u32 {
    0x4356_0000 + i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_clock_leaves_pauses_out_and_video_waits_for_a_keyframe() {
        let ports = Ports {
            video: 9,
            audio: vec![9, 9, 9],
        };
        let t0 = Instant::now();
        let mut r = Recorder::new(&ports, vec![0], t0).await.unwrap();
        r.pause(t0 + Duration::from_secs(2));
        r.resume(t0 + Duration::from_secs(5));
        assert_eq!(r.clock(t0 + Duration::from_secs(6)), Duration::from_secs(3));
        assert!(r.set_source(Some("1".into())));
        assert!(!r.set_source(Some("1".into())));
        let frame = |key| ReceivedFrame {
            mid: "1".into(),
            video: true,
            keyframe: key,
            rtp_time: 0,
            data: vec![1],
        };
        r.frame(frame(false), t0).await;
        assert_eq!(r.waits_for_key(), Some("1"));
        r.frame(frame(true), t0).await;
        assert_eq!(r.waits_for_key(), None);
    }
}
