//! The recorder: turns received frames into the RTP inputs of `ffmpeg` on its own clock.
//!
//! The clock counts recorded time only: it stops while the recording is paused, so a pause
//! is cut out of the file (no frozen frames, no gap in the timeline). Each video input (the
//! main picture, the strip's tiles) shows one receive slot: its frames are stamped with the
//! clock as they arrive; after a source switch (or a pause) they wait for a keyframe. Audio
//! goes out on a 20 ms tick, one packet per input (the slot's oldest frame, or silence), so
//! the mixer never waits for a quiet input. An audio input carries the first slot to arrive,
//! unless the slots to mix are set (a worker that receives more speakers than it mixes). When no frame went out on a video input for
//! [`VIDEO_IDLE`], a black keyframe does.

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

/// One video input of ffmpeg and what it shows.
struct VideoOut {
    to: SocketAddr,
    rtp: RtpStream,
    /// The receive slot shown, and whether it must start on a keyframe.
    source: Option<String>,
    need_key: bool,
    /// Recorded time of its last frame.
    last: Option<Duration>,
}

pub(crate) struct Recorder {
    sock: UdpSocket,
    audio_to: Vec<SocketAddr>,
    video: Vec<VideoOut>,
    audio: Vec<RtpStream>,
    /// Per audio input: the receive slot it carries and its queued frames.
    audio_in: Vec<(Option<String>, VecDeque<Vec<u8>>)>,
    /// The slots to mix, when set ([`Recorder::set_audio_sources`]).
    audio_wanted: Option<Vec<String>>,
    audio_ts: u32,
    /// Recorded time before the current run, and when the current run started.
    recorded: Duration,
    running_since: Option<Instant>,
    black: Vec<u8>,
}

fn local(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

impl Recorder {
    /// A recorder sending to `ports`, recording from `now`.
    pub(crate) async fn new(ports: &Ports, black: Vec<u8>, now: Instant) -> std::io::Result<Self> {
        let video = ports.video.iter().enumerate().map(|(i, p)| VideoOut {
            to: local(*p),
            rtp: RtpStream::new(VP8_PT, rand_ssrc(i as u32)),
            source: None,
            need_key: true,
            last: None,
        });
        let first_audio = ports.video.len() as u32;
        Ok(Recorder {
            sock: UdpSocket::bind("127.0.0.1:0").await?,
            audio_to: ports.audio.iter().map(|p| local(*p)).collect(),
            video: video.collect(),
            audio: (0..AUDIO_INPUTS)
                .map(|i| RtpStream::new(OPUS_PT, rand_ssrc(first_audio + i as u32)))
                .collect(),
            audio_in: vec![(None, VecDeque::new()); AUDIO_INPUTS],
            audio_wanted: None,
            audio_ts: 0,
            recorded: Duration::ZERO,
            running_since: Some(now),
            black,
        })
    }

    /// Sends to a new ffmpeg's `ports` from now on; its video starts on keyframes.
    pub(crate) fn retarget(&mut self, ports: &Ports) {
        for (out, p) in self.video.iter_mut().zip(&ports.video) {
            out.to = local(*p);
            out.need_key = true;
            out.last = None;
        }
        self.audio_to = ports.audio.iter().map(|p| local(*p)).collect();
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
            for out in &mut self.video {
                out.need_key = true;
            }
        }
    }

    /// Video input `input` shows receive slot `mid` from now on; true when that is a change
    /// (ask its sender for a keyframe).
    pub(crate) fn set_source(&mut self, input: usize, mid: Option<String>) -> bool {
        let Some(out) = self.video.get_mut(input) else {
            return false;
        };
        if out.source == mid {
            return false;
        }
        out.source = mid;
        out.need_key = true;
        out.source.is_some()
    }

    /// Mix only the audio of these receive slots (the loudest speakers'); an input whose
    /// slot is no longer among them is freed for one that is.
    pub(crate) fn set_audio_sources(&mut self, mids: Vec<String>) {
        for (mid, queue) in &mut self.audio_in {
            if mid.as_ref().is_some_and(|m| !mids.contains(m)) {
                *mid = None;
                queue.clear();
            }
        }
        self.audio_wanted = Some(mids);
    }

    /// The shown sources that still wait for a keyframe.
    pub(crate) fn waiting_for_key(&self) -> impl Iterator<Item = &str> {
        self.video
            .iter()
            .filter(|o| o.need_key)
            .filter_map(|o| o.source.as_deref())
    }

    /// A received frame: video of the shown source goes out now, audio is queued.
    pub(crate) async fn frame(&mut self, f: ReceivedFrame, now: Instant) {
        if self.paused() {
            return;
        }
        if !f.video {
            if self
                .audio_wanted
                .as_ref()
                .is_some_and(|w| !w.contains(&f.mid))
            {
                return;
            }
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
        for i in 0..self.video.len() {
            let out = &mut self.video[i];
            if out.source.as_deref() != Some(f.mid.as_str()) || (out.need_key && !f.keyframe) {
                continue;
            }
            out.need_key = false;
            self.send_video(i, &f.data, now).await;
        }
    }

    async fn send_video(&mut self, input: usize, frame: &[u8], now: Instant) {
        let t = self.clock(now);
        let ts = (t.as_micros() * 9 / 100) as u32; // 90 kHz
        let out = &mut self.video[input];
        for p in out.rtp.vp8(frame, ts) {
            let _ = self.sock.send_to(&p, out.to).await;
        }
        out.last = Some(t);
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

    /// Black on each video input without a source, and where nothing went out for
    /// [`VIDEO_IDLE`] (and at the start); a source then restarts on a keyframe. ffmpeg joins
    /// the inputs by time, so every input must move on for the picture to.
    pub(crate) async fn keepalive(&mut self, now: Instant) {
        if self.paused() {
            return;
        }
        let t = self.clock(now);
        let black = std::mem::take(&mut self.black);
        for i in 0..self.video.len() {
            let out = &mut self.video[i];
            let idle = out.last.is_none_or(|l| t.saturating_sub(l) >= VIDEO_IDLE);
            if out.source.is_none() || idle {
                out.need_key = true;
                self.send_video(i, &black, now).await;
            }
        }
        self.black = black;
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
            video: vec![9, 9],
            audio: vec![9, 9, 9],
        };
        let t0 = Instant::now();
        let mut r = Recorder::new(&ports, vec![0], t0).await.unwrap();
        r.pause(t0 + Duration::from_secs(2));
        r.resume(t0 + Duration::from_secs(5));
        assert_eq!(r.clock(t0 + Duration::from_secs(6)), Duration::from_secs(3));
        assert!(r.set_source(0, Some("1".into())));
        assert!(!r.set_source(0, Some("1".into())));
        assert!(r.set_source(1, Some("2".into())));
        let frame = |mid: &str, key| ReceivedFrame {
            mid: mid.into(),
            video: true,
            keyframe: key,
            rtp_time: 0,
            data: vec![1],
            audio_level: None,
        };
        r.frame(frame("1", false), t0).await;
        assert_eq!(r.waiting_for_key().collect::<Vec<_>>(), ["1", "2"]);
        r.frame(frame("1", true), t0).await;
        assert_eq!(
            r.waiting_for_key().collect::<Vec<_>>(),
            ["2"],
            "each input on its own"
        );
        r.frame(frame("2", true), t0).await;
        assert_eq!(r.waiting_for_key().count(), 0);
        // A pause makes every input start on a keyframe again.
        r.pause(t0 + Duration::from_secs(7));
        r.resume(t0 + Duration::from_secs(8));
        assert_eq!(r.waiting_for_key().count(), 2);
    }

    #[tokio::test]
    async fn the_mix_follows_the_slots_it_is_given() {
        let ports = Ports {
            video: vec![9],
            audio: vec![9, 9, 9],
        };
        let mut r = Recorder::new(&ports, vec![0], Instant::now())
            .await
            .unwrap();
        let audio = |mid: &str| ReceivedFrame {
            mid: mid.into(),
            video: false,
            keyframe: false,
            rtp_time: 0,
            data: vec![1],
            audio_level: None,
        };
        let carried = |r: &Recorder| -> Vec<Option<String>> {
            r.audio_in.iter().map(|(m, _)| m.clone()).collect()
        };
        // Unset: the first three slots to arrive.
        for mid in ["a", "b", "c", "d"] {
            r.frame(audio(mid), Instant::now()).await;
        }
        assert_eq!(
            carried(&r),
            [Some("a".into()), Some("b".into()), Some("c".into())]
        );
        // Set: "b" stays where it is, the others make room for "d".
        r.set_audio_sources(vec!["d".into(), "b".into()]);
        assert_eq!(carried(&r), [None, Some("b".into()), None]);
        r.frame(audio("a"), Instant::now()).await;
        r.frame(audio("d"), Instant::now()).await;
        assert_eq!(carried(&r), [Some("d".into()), Some("b".into()), None]);
        assert!(r.audio_in[1].1.len() == 1, "b's frame is still queued");
    }
}
