//! A relay between two SFUs, for a session spread over several nodes (cascading, see
//! docs/scale-out.md): one peer receives a user's tracks from the SFU that user publishes
//! to (the *source*, a relay peer of that SFU pinned to the user), another publishes them on
//! a second SFU as that user (the *sink*), frame by frame, as they are. Keyframe requests go
//! the other way: the second SFU's subscribers asking the sink for one make the source ask
//! the first SFU, which asks the publisher.
//!
//! Frames are depacketized and packetized again (str0m's frame API): the payload is
//! bit-exact, the sequence numbers are the sink's own, and one simulcast layer crosses (the
//! one the source's slot carries).

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::{MediaPeer, MediaPeerConfig, Offer, PushedFrame, ReceivedFrame, SynthKind};

/// Frames (and keyframe requests) in flight between the two ends; beyond, they are lost.
const TAP_DEPTH: usize = 256;

/// What the relay task reads: the source's frames and the sink's keyframe requests.
#[derive(Debug)]
pub struct RelayTaps {
    frames: mpsc::Receiver<ReceivedFrame>,
    keyframes: mpsc::Receiver<SynthKind>,
}

/// The configurations of a relay's two peers, and the taps that join them: start the source
/// with the first (give it one audio, video and share slot), the sink with the second
/// (publish audio, video and share), negotiate both, then [`Relay::spawn`].
pub fn relay_configs(
    source_user: u32,
    sink_user: u32,
) -> (MediaPeerConfig, MediaPeerConfig, RelayTaps) {
    let (frames_tx, frames) = mpsc::channel(TAP_DEPTH);
    let (keys_tx, keyframes) = mpsc::channel(TAP_DEPTH);
    let mut source = MediaPeerConfig::new(source_user);
    source.keep_frame_records = false;
    source.frame_tap = Some(frames_tx);
    let mut sink = MediaPeerConfig::new(sink_user);
    sink.pushed_frames = true;
    sink.keyframe_tap = Some(keys_tx);
    (source, sink, RelayTaps { frames, keyframes })
}

/// A running relay; dropping it stops the task and closes both peers.
#[derive(Debug)]
pub struct Relay {
    task: JoinHandle<()>,
}

impl Relay {
    /// Copies every frame `source` receives on the slots of `source_offer` to `sink`'s track
    /// of the same kind, and each keyframe request `sink` gets to `source`'s slot of that
    /// kind. Both peers were started with the configurations of [`relay_configs`].
    pub fn spawn(
        source: MediaPeer,
        source_offer: &Offer,
        sink: MediaPeer,
        taps: RelayTaps,
    ) -> Relay {
        let kind_of = SlotKinds::of(source_offer);
        let RelayTaps {
            mut frames,
            mut keyframes,
        } = taps;
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    f = frames.recv() => {
                        let Some(f) = f else { return };
                        let Some(kind) = kind_of.kind(&f.mid) else { continue };
                        let frame = PushedFrame {
                            kind,
                            rtp_time: f.rtp_time,
                            data: f.data,
                            audio_level: f.audio_level,
                        };
                        if sink.push_frame(frame).await.is_err() {
                            return;
                        }
                    }
                    k = keyframes.recv() => {
                        let Some(kind) = k else { return };
                        if let Some(mid) = kind_of.mid(kind) {
                            if source.request_keyframe(mid).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            }
        });
        Relay { task }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The source's receive slots by kind (the first of each).
struct SlotKinds([Option<String>; 3]);

const KINDS: [SynthKind; 3] = [SynthKind::Audio, SynthKind::Video, SynthKind::Share];

impl SlotKinds {
    fn of(offer: &Offer) -> Self {
        SlotKinds(
            [&offer.audio_slots, &offer.video_slots, &offer.share_slots]
                .map(|mids| mids.first().cloned()),
        )
    }

    fn kind(&self, mid: &str) -> Option<SynthKind> {
        let i = self.0.iter().position(|m| m.as_deref() == Some(mid))?;
        Some(KINDS[i])
    }

    fn mid(&self, kind: SynthKind) -> Option<&str> {
        let i = KINDS.iter().position(|k| *k == kind)?;
        self.0[i].as_deref()
    }
}
