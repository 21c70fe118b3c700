//! The SFU's tunables and limits.

use std::sync::Arc;
use std::time::Duration;

use crate::SfuStats;

/// Most camera videos one subscriber can attach.
pub const MAX_ATTACHED_VIDEOS: usize = 25;
/// Default number of loudest speakers whose audio a subscriber receives.
pub const DEFAULT_AUDIO_SLOTS: usize = 3;
/// How often speakers, simulcast layers and keyframe retries are re-evaluated.
pub const SPEAKER_INTERVAL: Duration = Duration::from_millis(500);
/// Bandwidth kept for audio before the rest is shared among a subscriber's videos.
pub(crate) const AUDIO_RESERVE_BPS: u64 = 150_000;
/// How long a video slot waits for a keyframe before asking the publisher again.
pub(crate) const KEYFRAME_RETRY: Duration = Duration::from_millis(1000);

/// Tunables of an [`Sfu`](crate::Sfu).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SfuConfig {
    /// At most this many speakers' audio per subscriber (N, default 3).
    pub audio_slots: usize,
    /// Enable TWCC bandwidth estimation towards subscribers, starting at this bitrate.
    /// `None` disables it (no pacing, no probing); layers are then chosen by quality only.
    pub bwe_initial: Option<u64>,
    /// How often str0m reports statistics (drives [`Event::NetworkQuality`](crate::Event)
    /// and the str0m-reported figures of [`SfuStats`]).
    pub stats_interval: Duration,
    /// Where the SFU counts; keep a clone to read it ([`SfuStats::snapshot`]). The default
    /// is a fresh one.
    pub stats: Arc<SfuStats>,
}

impl Default for SfuConfig {
    fn default() -> Self {
        SfuConfig {
            audio_slots: DEFAULT_AUDIO_SLOTS,
            bwe_initial: Some(2_500_000),
            stats_interval: Duration::from_secs(1),
            stats: Arc::default(),
        }
    }
}
