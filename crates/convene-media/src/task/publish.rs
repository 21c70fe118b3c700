//! Publishing: every track the peer offered sends synthetic (or file) frames on time, or
//! the frames the app pushes.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use str0m::format::Codec;
use str0m::media::{Frequency, MediaTime, Mid, Rid};

use super::Core;
use crate::synth::{build_frame, fnv1a64, track_writer, FrameTag, SynthKind};

/// A track this peer publishes.
#[derive(Debug)]
pub(super) struct Track {
    pub(super) mid: Mid,
    pub(super) kind: SynthKind,
    /// Simulcast layers, lowest first; `[None]` without simulcast.
    pub(super) rids: Vec<Option<Rid>>,
    /// Next frame counter, shared by all layers (frames of one instant share a counter).
    counter: u32,
    pub(super) next_at: Instant,
    interval: Duration,
    /// Layers that must send a keyframe next.
    pub(super) force_key: HashSet<Option<Rid>>,
    /// Not sending (see [`MediaPeer::set_sending`](crate::MediaPeer::set_sending)).
    pub(super) paused: bool,
}

impl Track {
    /// A track that starts at `now` with a keyframe on every layer, one frame per `interval`.
    pub(super) fn new(
        mid: Mid,
        kind: SynthKind,
        rids: Vec<Option<Rid>>,
        interval: Duration,
        now: Instant,
    ) -> Self {
        Track {
            mid,
            kind,
            force_key: rids.iter().copied().collect(),
            rids,
            counter: 0,
            next_at: now,
            interval,
            paused: false,
        }
    }
}

impl Core {
    /// Write every frame that is due. Each write is followed by a drain (str0m's rule).
    pub(super) fn write_media(&mut self, now: Instant) {
        if self.config.pushed_frames {
            return;
        }
        if !self.rtc.is_connected() {
            for t in &mut self.tracks {
                t.next_at = t.next_at.max(now);
            }
            return;
        }
        for i in 0..self.tracks.len() {
            while self.tracks[i].next_at <= now {
                if !self.tracks[i].paused {
                    self.write_frame(i, now);
                }
                let t = &mut self.tracks[i];
                t.counter += 1;
                t.next_at += t.interval;
                if t.next_at + t.interval * 5 < now {
                    // Fell far behind (slow machine): skip instead of bursting.
                    t.next_at = now + t.interval;
                }
            }
        }
    }

    /// Send a frame the app pushed on the first published track of its kind (its lowest
    /// layer), as it is.
    pub(super) fn write_pushed(&mut self, frame: crate::PushedFrame, now: Instant) {
        if !self.rtc.is_connected() {
            return;
        }
        let Some(t) = self
            .tracks
            .iter()
            .find(|t| t.kind == frame.kind && !t.paused)
        else {
            return;
        };
        let (mid, rid) = (t.mid, t.rids.first().copied().flatten());
        let (time, codec) = match frame.kind {
            SynthKind::Audio => (
                MediaTime::new(frame.rtp_time, Frequency::FORTY_EIGHT_KHZ),
                Codec::Opus,
            ),
            _ => (
                MediaTime::new(frame.rtp_time, Frequency::NINETY_KHZ),
                Codec::Vp8,
            ),
        };
        let Some((mut writer, pt)) = track_writer(&mut self.rtc, mid, codec, rid) else {
            return;
        };
        if let Some(level) = frame.audio_level {
            writer = writer.audio_level(level, level > -127);
        }
        if let Err(e) = writer.write(pt, now, time, frame.data) {
            tracing::debug!("write failed: {e}");
            return;
        }
        *self.snapshot.frames_sent.entry(frame.kind).or_default() += 1;
        self.drain();
    }

    pub(super) fn write_frame(&mut self, i: usize, now: Instant) {
        let (mid, kind, counter, rids) = {
            let t = &self.tracks[i];
            (t.mid, t.kind, t.counter, t.rids.clone())
        };
        let periodic_key = self
            .config
            .keyframe_interval
            .is_some_and(|n| n > 0 && counter % n == 0);
        for (layer, rid) in rids.iter().enumerate() {
            // A keyframe owed stays owed until one is written: a frame the track cannot send
            // yet (its m-line still being negotiated) does not use it up.
            let keyframe = kind != SynthKind::Audio
                && (self.tracks[i].force_key.contains(rid) || periodic_key);
            let tag = FrameTag {
                kind,
                layer: layer as u8,
                keyframe,
                user: self.config.user_id,
                counter,
            };
            let data = match (kind, &self.config.video_frames) {
                (SynthKind::Audio, _) => match &self.config.audio_frames {
                    Some(frames) if !frames.is_empty() => {
                        frames[counter as usize % frames.len()].clone()
                    }
                    _ => build_frame(tag, self.config.audio_frame_bytes),
                },
                (SynthKind::Video, Some(frames)) if !frames.is_empty() => {
                    frames[counter as usize % frames.len()].clone()
                }
                (SynthKind::Video, _) => {
                    build_frame(tag, self.config.video_frame_bytes[layer.min(2)])
                }
                (SynthKind::Share, _) => build_frame(tag, self.config.share_frame_bytes),
            };
            let (time, codec) = match kind {
                SynthKind::Audio => (
                    MediaTime::new(u64::from(counter) * 960, Frequency::FORTY_EIGHT_KHZ),
                    Codec::Opus,
                ),
                _ => {
                    let step = 90_000 / u64::from(self.config.video_fps.max(1));
                    (
                        MediaTime::new(u64::from(counter) * step, Frequency::NINETY_KHZ),
                        Codec::Vp8,
                    )
                }
            };
            let Some((mut writer, pt)) = track_writer(&mut self.rtc, mid, codec, *rid) else {
                return;
            };
            if kind == SynthKind::Audio {
                let level = self.config.audio_level;
                writer = writer.audio_level(level, level > -127);
            }
            let checksum = fnv1a64(&data);
            if let Err(e) = writer.write(pt, now, time, data) {
                tracing::debug!("write failed: {e}");
                return;
            }
            if keyframe {
                self.tracks[i].force_key.remove(rid);
            }
            self.snapshot
                .sent
                .insert((kind, layer as u8, counter), checksum);
            *self.snapshot.frames_sent.entry(kind).or_default() += 1;
            self.drain();
        }
    }
}
