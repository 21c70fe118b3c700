//! A publisher: Opus-shaped audio at 50 packets/s and VP8-shaped video in three simulcast
//! layers at 20 fps, each frame stamped with its send time; keyframes first and on request.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use convene_media::synth::track_writer;
use str0m::change::{SdpAnswer, SdpPendingOffer};
use str0m::format::Codec;
use str0m::media::{
    Direction, Frequency, MediaKind, MediaTime, Mid, Rid, Simulcast, SimulcastLayer,
};
use str0m::Event;
use tokio::sync::watch;

use crate::payload::{audio_frame, now_micros, video_frame, VIDEO_BYTES, VIDEO_FPS};
use crate::peer::Peer;

/// Simulcast rids, highest first: the order Janus reads them in by default (substream 2 is
/// the first rid).
const RIDS: [&str; 3] = ["h", "m", "l"];
const AUDIO_INTERVAL: Duration = Duration::from_millis(20);

/// A publisher before and after its offer is answered.
pub struct Publisher {
    peer: Peer,
    pending: Option<SdpPendingOffer>,
    audio: Mid,
    video: Mid,
    /// Layers (0 = lowest) that send a keyframe next.
    force_key: [bool; 3],
}

impl Publisher {
    /// A publisher and its offer (sendonly audio, sendonly simulcast video).
    pub async fn offer() -> Result<(Publisher, String)> {
        let mut peer = Peer::bind(false).await?;
        let mut api = peer.rtc.sdp_api();
        let audio = api.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
        let mut sim = Simulcast::new();
        for r in RIDS {
            sim.add_send_layer(SimulcastLayer::new(r));
        }
        let video = api.add_media(MediaKind::Video, Direction::SendOnly, None, None, Some(sim));
        let (offer, pending) = api.apply().ok_or_else(|| anyhow!("nothing to offer"))?;
        let publisher = Publisher {
            peer,
            pending: Some(pending),
            audio,
            video,
            force_key: [true; 3],
        };
        Ok((publisher, offer.to_sdp_string()))
    }

    /// Applies Janus's answer.
    pub fn accept_answer(&mut self, sdp: &str) -> Result<()> {
        let pending = self
            .pending
            .take()
            .ok_or_else(|| anyhow!("no pending offer"))?;
        let answer = SdpAnswer::from_sdp_string(sdp)?;
        self.peer.rtc.sdp_api().accept_answer(pending, answer)?;
        Ok(())
    }

    /// Sends media until `stop` fires; counts itself in `connected` once ICE and DTLS are up.
    pub async fn run(mut self, connected: Arc<AtomicUsize>, mut stop: watch::Receiver<bool>) {
        let mut events = Vec::new();
        let (mut next_audio, mut next_video) = (None::<Instant>, None::<Instant>);
        let (mut audio_n, mut video_n) = (0u64, 0u64);
        let video_interval = Duration::from_secs(1) / VIDEO_FPS;
        loop {
            if self.peer.flush(&mut events).await.is_err() {
                return;
            }
            for e in events.drain(..) {
                match e {
                    Event::Connected => {
                        connected.fetch_add(1, Ordering::Relaxed);
                        let now = Instant::now();
                        next_audio = Some(now);
                        next_video = Some(now);
                    }
                    Event::KeyframeRequest(req) if req.mid == self.video => {
                        match req
                            .rid
                            .and_then(|r| RIDS.iter().position(|x| Rid::from(*x) == r))
                        {
                            Some(i) => self.force_key[2 - i] = true,
                            None => self.force_key = [true; 3],
                        }
                    }
                    _ => {}
                }
            }
            let now = Instant::now();
            if let Some(at) = next_audio.filter(|at| *at <= now) {
                let time = MediaTime::new(audio_n * 960, Frequency::FORTY_EIGHT_KHZ);
                self.write(
                    self.audio,
                    None,
                    Codec::Opus,
                    time,
                    audio_frame(now_micros()),
                );
                audio_n += 1;
                next_audio = Some(catch_up(at + AUDIO_INTERVAL, now, AUDIO_INTERVAL));
            } else if let Some(at) = next_video.filter(|at| *at <= now) {
                let time = MediaTime::new(
                    video_n * 90_000 / u64::from(VIDEO_FPS),
                    Frequency::NINETY_KHZ,
                );
                for (i, rid) in RIDS.iter().enumerate() {
                    let layer = 2 - i;
                    let key = std::mem::take(&mut self.force_key[layer]);
                    let frame = video_frame(now_micros(), layer, key, VIDEO_BYTES[layer]);
                    self.write(self.video, Some(Rid::from(*rid)), Codec::Vp8, time, frame);
                    if self.peer.flush(&mut events).await.is_err() {
                        return;
                    }
                }
                video_n += 1;
                next_video = Some(catch_up(at + video_interval, now, video_interval));
            } else {
                let due = [next_audio, next_video].into_iter().flatten().min();
                if !self.peer.step(due, &mut stop).await {
                    return;
                }
            }
        }
    }

    fn write(&mut self, mid: Mid, rid: Option<Rid>, codec: Codec, time: MediaTime, data: Vec<u8>) {
        let Some((writer, pt)) = track_writer(&mut self.peer.rtc, mid, codec, rid) else {
            return;
        };
        // A write str0m refuses (not connected yet) loses that frame only.
        let _ = writer.write(pt, Instant::now(), time, data);
    }
}

/// The next send time: on schedule, unless the machine fell far behind (then skip ahead
/// rather than burst).
fn catch_up(next: Instant, now: Instant, interval: Duration) -> Instant {
    if next + interval * 5 < now {
        now + interval
    } else {
        next
    }
}
