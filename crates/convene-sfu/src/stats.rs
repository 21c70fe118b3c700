//! Live counters of the media plane, for whoever exports metrics (the server's `/metrics`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::Duration;

use str0m::media::{Mid, Rid};
use str0m::stats::{MediaEgressStats, MediaIngressStats};

use crate::TrackKind;

/// Most bandwidth samples kept between two [`SfuStats::take_bandwidth_samples`].
pub const MAX_BANDWIDTH_SAMPLES: usize = 16_384;

/// Live counters of the media plane, shared with whoever exports metrics. Relaxed atomics.
///
/// The [`Sfu`](crate::Sfu) and its [`run`](crate::run) driver count into the one given in
/// [`SfuConfig::stats`](crate::SfuConfig::stats); keep a clone of that `Arc` and read it with
/// [`SfuStats::snapshot`] from any thread. Counters only grow, except `peers` (a gauge).
/// Arrays are indexed by [`TrackKind`]: audio 0, video 1, share 2.
#[derive(Debug, Default)]
pub struct SfuStats {
    peers: AtomicU64,
    rtp_packets_in: [AtomicU64; 3],
    rtp_bytes_in: [AtomicU64; 3],
    rtp_packets_out: [AtomicU64; 3],
    rtp_bytes_out: [AtomicU64; 3],
    forwarded_packets: AtomicU64,
    nacks_received: AtomicU64,
    nacks_sent: AtomicU64,
    subscriber_packets_lost: AtomicU64,
    upstream_packets_lost: AtomicU64,
    plis_sent: AtomicU64,
    keyframe_requests: AtomicU64,
    red_packets_in: AtomicU64,
    layer_switches: AtomicU64,
    /// Subscribers' bandwidth estimates since the last [`SfuStats::take_bandwidth_samples`].
    bandwidth_samples: Mutex<Vec<u64>>,
    loop_busy_ns: AtomicU64,
    loop_turns: AtomicU64,
}

/// A copy of [`SfuStats`] at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SfuStatsSnapshot {
    /// Gauge: peers now.
    pub peers: u64,
    /// RTP packets received from publishers, by kind (audio 0, video 1, share 2).
    pub rtp_packets_in: [u64; 3],
    /// RTP payload bytes received from publishers, by kind.
    pub rtp_bytes_in: [u64; 3],
    /// RTP packets sent to subscribers as str0m reports them (retransmissions included), by
    /// kind. Updated every [`SfuConfig::stats_interval`](crate::SfuConfig::stats_interval).
    pub rtp_packets_out: [u64; 3],
    /// RTP payload bytes sent to subscribers (retransmissions included), by kind. Updated
    /// like `rtp_packets_out`.
    pub rtp_bytes_out: [u64; 3],
    /// RTP packets the forwarder wrote towards subscribers (one per subscriber slot).
    pub forwarded_packets: u64,
    /// NACKs received from subscribers (retransmissions asked of the SFU), from str0m's
    /// per-stream statistics.
    pub nacks_received: u64,
    /// NACKs str0m sent to publishers for packets lost on their uplink, from str0m's
    /// per-stream statistics.
    pub nacks_sent: u64,
    /// Packets subscribers reported lost in their RTCP receiver reports: per stream, the
    /// highest cumulative loss reported, so what NACK/RTX had not repaired when a report went
    /// out (a repair that lands after the report is not taken back). Updated like
    /// `rtp_packets_out`.
    pub subscriber_packets_lost: u64,
    /// Publishers' video packets lost for good on the way in: still missing 300 ms after
    /// they went missing, when str0m has stopped asking for them.
    pub upstream_packets_lost: u64,
    /// Keyframe requests (PLI) the SFU sent to publishers.
    pub plis_sent: u64,
    /// Times a subscriber needed a keyframe: its own PLI/FIR, an attach, a layer switch, a new
    /// share, a retry while waiting, or a publisher's packet lost for good. Each becomes a PLI
    /// if the publisher's track exists.
    pub keyframe_requests: u64,
    /// Audio packets received as RFC 2198 RED (Opus with the previous frame repeated).
    pub red_packets_in: u64,
    /// Times a video slot moved from one simulcast layer to another (at a keyframe).
    pub layer_switches: u64,
    /// Nanoseconds the [`run`](crate::run) loop spent working (not waiting for input).
    pub loop_busy_ns: u64,
    /// Turns of the [`run`](crate::run) loop (inputs handled).
    pub loop_turns: u64,
}

impl SfuStats {
    /// A copy of every counter now (each read on its own: not one atomic cut).
    pub fn snapshot(&self) -> SfuStatsSnapshot {
        let all = |a: &[AtomicU64; 3]| a.each_ref().map(|c| c.load(Relaxed));
        SfuStatsSnapshot {
            peers: self.peers.load(Relaxed),
            rtp_packets_in: all(&self.rtp_packets_in),
            rtp_bytes_in: all(&self.rtp_bytes_in),
            rtp_packets_out: all(&self.rtp_packets_out),
            rtp_bytes_out: all(&self.rtp_bytes_out),
            forwarded_packets: self.forwarded_packets.load(Relaxed),
            nacks_received: self.nacks_received.load(Relaxed),
            nacks_sent: self.nacks_sent.load(Relaxed),
            subscriber_packets_lost: self.subscriber_packets_lost.load(Relaxed),
            upstream_packets_lost: self.upstream_packets_lost.load(Relaxed),
            plis_sent: self.plis_sent.load(Relaxed),
            keyframe_requests: self.keyframe_requests.load(Relaxed),
            red_packets_in: self.red_packets_in.load(Relaxed),
            layer_switches: self.layer_switches.load(Relaxed),
            loop_busy_ns: self.loop_busy_ns.load(Relaxed),
            loop_turns: self.loop_turns.load(Relaxed),
        }
    }

    pub(crate) fn set_peers(&self, n: usize) {
        self.peers.store(n as u64, Relaxed);
    }

    pub(crate) fn rtp_in(&self, kind: TrackKind, payload_bytes: usize) {
        let k = kind.index();
        self.rtp_packets_in[k].fetch_add(1, Relaxed);
        self.rtp_bytes_in[k].fetch_add(payload_bytes as u64, Relaxed);
    }

    pub(crate) fn forwarded(&self) {
        self.forwarded_packets.fetch_add(1, Relaxed);
    }

    pub(crate) fn upstream_lost(&self, packets: u64) {
        self.upstream_packets_lost.fetch_add(packets, Relaxed);
    }

    pub(crate) fn keyframe_request(&self) {
        self.keyframe_requests.fetch_add(1, Relaxed);
    }

    /// The bandwidth estimates (bits/s) of subscribers receiving video, one per subscriber
    /// per statistics interval, since the last call (at most [`MAX_BANDWIDTH_SAMPLES`]; the
    /// rest are dropped until the next call).
    pub fn take_bandwidth_samples(&self) -> Vec<u64> {
        std::mem::take(
            &mut *self
                .bandwidth_samples
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        )
    }

    pub(crate) fn bandwidth_sample(&self, bps: u64) {
        let mut v = self
            .bandwidth_samples
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if v.len() < MAX_BANDWIDTH_SAMPLES {
            v.push(bps);
        }
    }

    pub(crate) fn layer_switch(&self) {
        self.layer_switches.fetch_add(1, Relaxed);
    }

    pub(crate) fn red_in(&self) {
        self.red_packets_in.fetch_add(1, Relaxed);
    }

    pub(crate) fn pli_sent(&self) {
        self.plis_sent.fetch_add(1, Relaxed);
    }

    /// One turn of the driver loop that worked for `busy`.
    pub(crate) fn loop_turn(&self, busy: Duration) {
        self.loop_turns.fetch_add(1, Relaxed);
        let ns = u64::try_from(busy.as_nanos()).unwrap_or(u64::MAX);
        self.loop_busy_ns.fetch_add(ns, Relaxed);
    }
}

/// The cumulative per-stream figures str0m last reported for one peer, so each report adds
/// only its increase to [`SfuStats`]. A stream whose figures restart (re-created) counts from
/// its new values on.
#[derive(Debug, Default)]
pub(crate) struct ReportedTotals {
    /// Towards the client, per send stream.
    egress: HashMap<(Mid, Option<Rid>), EgressTotals>,
    /// From the client: NACKs sent.
    ingress_nacks: HashMap<(Mid, Option<Rid>), u64>,
}

/// One send stream's cumulative figures as last reported.
#[derive(Debug, Default, Clone, Copy)]
struct EgressTotals {
    packets: u64,
    bytes: u64,
    nacks: u64,
    /// The highest cumulative loss the subscriber reported.
    lost: u64,
}

impl ReportedTotals {
    /// Add a send stream's report (of a slot carrying `kind`) to `stats`.
    pub(crate) fn egress(&mut self, s: &MediaEgressStats, kind: TrackKind, stats: &SfuStats) {
        let last = self.egress.entry((s.mid, s.rid)).or_default();
        let k = kind.index();
        let lost = s
            .remote
            .as_ref()
            .map_or(last.lost, |r| r.packets_lost.max(last.lost));
        stats.rtp_packets_out[k].fetch_add(s.packets.saturating_sub(last.packets), Relaxed);
        stats.rtp_bytes_out[k].fetch_add(s.bytes.saturating_sub(last.bytes), Relaxed);
        stats
            .nacks_received
            .fetch_add(s.nacks.saturating_sub(last.nacks), Relaxed);
        stats
            .subscriber_packets_lost
            .fetch_add(lost - last.lost, Relaxed);
        *last = EgressTotals {
            packets: s.packets,
            bytes: s.bytes,
            nacks: s.nacks,
            lost,
        };
    }

    /// Add a receive stream's report to `stats`.
    pub(crate) fn ingress(&mut self, s: &MediaIngressStats, stats: &SfuStats) {
        let last = self.ingress_nacks.entry((s.mid, s.rid)).or_default();
        stats
            .nacks_sent
            .fetch_add(s.nacks.saturating_sub(*last), Relaxed);
        *last = s.nacks;
    }
}
