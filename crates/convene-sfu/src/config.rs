//! The SFU's tunables and limits.

use std::sync::Arc;
use std::time::Duration;

use crate::{Control, SfuStats};

/// Most camera videos one subscriber can attach.
pub const MAX_ATTACHED_VIDEOS: usize = 25;
/// Default number of loudest speakers whose audio a subscriber receives.
pub const DEFAULT_AUDIO_SLOTS: usize = 3;
/// Most speakers one subscriber can be set to receive ([`Command::SetAudioSlots`]).
///
/// [`Command::SetAudioSlots`]: crate::Command::SetAudioSlots
pub const MAX_AUDIO_SLOTS: usize = 32;
/// How often speakers, simulcast layers and keyframe retries are re-evaluated.
pub const SPEAKER_INTERVAL: Duration = Duration::from_millis(500);
/// How long a video slot waits for a keyframe before asking the publisher again.
pub(crate) const KEYFRAME_RETRY: Duration = Duration::from_millis(1000);
/// After a video slot moved down a simulcast layer for bandwidth, the least time before it
/// may move up again (and then only when the bandwidth estimate carries the higher layer).
pub(crate) const UPGRADE_HOLD: Duration = Duration::from_secs(3);
/// The same for a move back up temporal layers within one simulcast layer: it needs no
/// keyframe, so a short dip of the estimate (its loss-based part reacts to random loss too)
/// costs about a second of half the frame rate, not three.
pub(crate) const TEMPORAL_UPGRADE_HOLD: Duration = Duration::from_secs(1);
/// Evaluations in a row (`SPEAKER_INTERVAL` apart) whose estimate carries a higher layer
/// before a slot held down for bandwidth moves up: an estimate that wobbles over the higher
/// layer's rate for a moment (as it does under a steady cap) is not a change of the link.
pub(crate) const UPGRADE_VOTES: u8 = 3;
/// While a video slot is held below its wanted layer for bandwidth (past `UPGRADE_HOLD`),
/// how often the SFU has its bandwidth estimator probe towards the wanted rate.
pub(crate) const UPGRADE_PROBE_EVERY: Duration = Duration::from_secs(2);
/// Least time between two keyframe requests (PLI) to one layer of a publisher: requests of
/// many subscribers within it share one keyframe (an encoder asked for keyframes faster
/// than it can send them only lowers everyone's picture quality).
pub(crate) const KEYFRAME_MIN_GAP: Duration = Duration::from_millis(250);
/// Most share mids one peer may declare over all its offers (a share send track and share
/// slots; clients declare a handful).
pub const MAX_SHARE_MIDS: usize = 32;
/// Most remote addresses remembered per peer for demultiplexing (its ICE candidates; the
/// oldest is forgotten first, and re-learnt from its next STUN message).
pub(crate) const MAX_ADDRS_PER_PEER: usize = 32;

/// Tunables of an [`Sfu`](crate::Sfu).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SfuConfig {
    /// At most this many speakers' audio per subscriber (N, default 3), unless set for one
    /// peer ([`Command::SetAudioSlots`](crate::Command::SetAudioSlots)).
    pub audio_slots: usize,
    /// Enable TWCC bandwidth estimation towards subscribers, starting at this bitrate.
    /// `None` disables it (no pacing, no probing); layers are then chosen by quality only.
    pub bwe_initial: Option<u64>,
    /// How often str0m reports statistics (drives [`Event::NetworkQuality`](crate::Event),
    /// the str0m-reported figures of [`SfuStats`], and the current bandwidth estimate that
    /// layer choices read: default 500 ms).
    pub stats_interval: Duration,
    /// Where the SFU counts; keep a clone to read it ([`SfuStats::snapshot`]). The default
    /// is a fresh one.
    pub stats: Arc<SfuStats>,
    /// The never-dropped control path (peers, permissions, attachments) the driver applies
    /// before any other input; keep a clone to write to it. The default is a fresh one.
    pub control: Control,
    /// ICE consent: the longest wait between STUN checks of a working pair (str0m's default
    /// 3 s). With [`SfuConfig::stun_max_retransmits`] it sets how long a silent peer takes to
    /// be found disconnected and removed (about 20 s with the defaults).
    pub stun_max_rto: Duration,
    /// ICE consent: unanswered STUN checks before a pair fails (str0m's default 9).
    pub stun_max_retransmits: usize,
    /// An ICE-TCP connection is closed unless a peer accepts one of its frames (its first
    /// STUN check) within this time (default 10 s).
    pub tcp_handshake_timeout: Duration,
    /// An established ICE-TCP connection is closed after this long without a frame
    /// (default 30 s; ICE consent checks arrive every few seconds).
    pub tcp_idle_timeout: Duration,
    /// At most this many ICE-TCP connections at once; further ones are closed at once
    /// (default 4,096).
    pub tcp_max_connections: usize,
    /// At most this many ICE-TCP connections from one IP address; further ones are closed
    /// at once (default 256: one address cannot take the whole of `tcp_max_connections`,
    /// while a NAT with many users behind it still gets through).
    pub tcp_max_connections_per_ip: usize,
    /// Events the driver holds while the event receiver is full (it never waits on it);
    /// beyond this, further events are dropped and logged (default 65,536).
    pub event_backlog: usize,
}

impl Default for SfuConfig {
    fn default() -> Self {
        SfuConfig {
            audio_slots: DEFAULT_AUDIO_SLOTS,
            bwe_initial: Some(2_500_000),
            stats_interval: Duration::from_millis(500),
            stats: Arc::default(),
            control: Control::default(),
            stun_max_rto: Duration::from_secs(3),
            stun_max_retransmits: 9,
            tcp_handshake_timeout: Duration::from_secs(10),
            tcp_idle_timeout: Duration::from_secs(30),
            tcp_max_connections: 4096,
            tcp_max_connections_per_ip: 256,
            event_backlog: 65_536,
        }
    }
}
