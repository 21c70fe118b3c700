//! A subscriber: one PeerConnection receiving audio and one video layer of every publisher
//! in its room (Janus offers, the subscriber answers), recorded per RTP packet.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use str0m::change::SdpOffer;
use str0m::media::{KeyframeRequestKind, Mid};
use str0m::Event;
use tokio::sync::watch;

use crate::measure::{Recorder, Window};
use crate::payload::{now_micros, stamp_of_rtp};
use crate::peer::Peer;

/// Until it receives every stream, a subscriber asks for keyframes this often.
const KEYFRAME_RETRY: Duration = Duration::from_secs(1);

/// A subscriber that answered Janus's offer.
pub struct Subscriber {
    peer: Peer,
    video_mids: Vec<Mid>,
    feeds: usize,
    audio_seen: HashSet<u32>,
    video_seen: HashSet<u32>,
    recorder: Recorder,
}

impl Subscriber {
    /// Answers Janus's `offer` for `feeds` publishers whose video arrives on `video_mids`.
    pub async fn answer(
        offer: &str,
        feeds: usize,
        video_mids: &[String],
    ) -> Result<(Subscriber, String)> {
        let mut peer = Peer::bind(true).await?;
        let answer = peer
            .rtc
            .sdp_api()
            .accept_offer(SdpOffer::from_sdp_string(offer)?)?;
        let subscriber = Subscriber {
            peer,
            video_mids: video_mids.iter().map(|m| Mid::from(m.as_str())).collect(),
            feeds,
            audio_seen: HashSet::new(),
            video_seen: HashSet::new(),
            recorder: Recorder::default(),
        };
        Ok((subscriber, answer.to_sdp_string()))
    }

    fn is_ready(&self) -> bool {
        self.audio_seen.len() >= self.feeds && self.video_seen.len() >= self.feeds
    }

    /// Receives until `stop` fires, recording the packets that arrive inside `window`;
    /// counts itself in `ready` once frames arrived on every stream. Returns the record.
    pub async fn run(
        mut self,
        window: Window,
        ready: Arc<AtomicUsize>,
        mut stop: watch::Receiver<bool>,
    ) -> Recorder {
        let mut events = Vec::new();
        let mut next_ask = Instant::now() + KEYFRAME_RETRY;
        loop {
            if self.peer.flush(&mut events).await.is_err() {
                return self.recorder;
            }
            let was_ready = self.is_ready();
            for e in events.drain(..) {
                let Event::RtpPacket(p) = e else {
                    continue;
                };
                let stamp = stamp_of_rtp(&p.payload);
                if let Some(s) = stamp {
                    let seen = if s.video {
                        &mut self.video_seen
                    } else {
                        &mut self.audio_seen
                    };
                    seen.insert(*p.header.ssrc);
                }
                let inside = window
                    .get()
                    .is_some_and(|(from, to)| (*from..*to).contains(&p.timestamp));
                if inside {
                    let (ssrc, seq, marker) = (*p.header.ssrc, *p.seq_no, p.header.marker);
                    self.recorder.packet(ssrc, seq, stamp, marker, now_micros());
                }
            }
            if !was_ready && self.is_ready() {
                ready.fetch_add(1, Ordering::Relaxed);
            }
            let now = Instant::now();
            if !self.is_ready() && now >= next_ask {
                // As a decoder without a picture would: ask for a keyframe.
                next_ask = now + KEYFRAME_RETRY;
                for mid in &self.video_mids {
                    if let Some(mut w) = self.peer.rtc.writer(*mid) {
                        let _ = w.request_keyframe(None, KeyframeRequestKind::Pli);
                    }
                }
                continue;
            }
            let due = (!self.is_ready()).then_some(next_ask);
            if !self.peer.step(due, &mut stop).await {
                return self.recorder;
            }
        }
    }
}
