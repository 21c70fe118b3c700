//! `/metrics`: the node's counters in the Prometheus text format, kept with the `prometheus`
//! crate. Signaling counters are updated where things happen; the SFU's counters live in the
//! media plane ([`convene_sfu::SfuStats`]) and are copied in at each scrape.

use prometheus::{
    Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};
use std::sync::Mutex;

/// Every metric of the node. One per server; shared by all tasks.
#[derive(Debug)]
pub(crate) struct Metrics {
    registry: Registry,
    /// Session tasks on this node (set from the router at each scrape).
    pub(crate) sessions: IntGauge,
    /// Users in sessions (including failover).
    pub(crate) users: IntGauge,
    /// Open signaling connections.
    pub(crate) connections: IntGauge,
    /// Signaling messages received.
    pub(crate) messages_in: IntCounter,
    /// Signaling messages sent (one per recipient).
    pub(crate) messages_out: IntCounter,
    /// Malformed signaling messages.
    pub(crate) malformed: IntCounter,
    /// Connections dropped because they fell too far behind.
    pub(crate) slow_drops: IntCounter,
    /// From a join's arrival to its successful reply.
    pub(crate) join_seconds: Histogram,
    /// Messages waiting in a session task's inbox, sampled as each is taken.
    pub(crate) session_inbox_depth: Histogram,
    /// Webhook deliveries by event and outcome (`delivered`, `failed`, `dropped`).
    pub(crate) webhook_deliveries: IntCounterVec,
    /// Webhook attempts after the first, by event.
    pub(crate) webhook_retries: IntCounterVec,
    /// Relays this node runs between SFUs (cascading; set at each scrape).
    pub(crate) cascade_relays: IntGauge,
    /// Open links from this node to edges' SFUs (cascading; set at each scrape).
    pub(crate) cascade_links: IntGauge,
    media: MediaMetrics,
}

/// The SFU's counters as Prometheus metrics, and the snapshot they were last brought to.
#[derive(Debug)]
struct MediaMetrics {
    peers: IntGauge,
    rtp_packets_in: IntCounterVec,
    rtp_bytes_in: IntCounterVec,
    rtp_packets_out: IntCounterVec,
    rtp_bytes_out: IntCounterVec,
    forwarded: IntCounter,
    nacks_received: IntCounter,
    nacks_sent: IntCounter,
    subscriber_packets_lost: IntCounter,
    upstream_packets_lost: IntCounter,
    plis_sent: IntCounter,
    keyframe_requests: IntCounter,
    red_packets_in: IntCounter,
    layer_switches: IntCounter,
    /// Each subscriber's bandwidth estimate, once per SFU statistics interval.
    bandwidth_estimate: Histogram,
    loop_busy_seconds: prometheus::Counter,
    loop_turns: IntCounter,
    last: Mutex<convene_sfu::SfuStatsSnapshot>,
}

const KINDS: [&str; 3] = ["audio", "video", "share"];

fn reg<T: prometheus::core::Collector + Clone + 'static>(r: &Registry, m: T) -> T {
    // Names are fixed and distinct, so registering cannot fail.
    r.register(Box::new(m.clone()))
        .expect("metric names are unique");
    m
}

fn gauge(r: &Registry, name: &str, help: &str) -> IntGauge {
    reg(r, IntGauge::new(name, help).expect("valid metric"))
}

fn counter(r: &Registry, name: &str, help: &str) -> IntCounter {
    reg(r, IntCounter::new(name, help).expect("valid metric"))
}

fn by_kind(r: &Registry, name: &str, help: &str) -> IntCounterVec {
    reg(
        r,
        IntCounterVec::new(Opts::new(name, help), &["kind"]).expect("valid metric"),
    )
}

fn histogram(r: &Registry, name: &str, help: &str, buckets: Vec<f64>) -> Histogram {
    reg(
        r,
        Histogram::with_opts(HistogramOpts::new(name, help).buckets(buckets))
            .expect("valid metric"),
    )
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let r = Registry::new();
        let media = MediaMetrics {
            peers: gauge(
                &r,
                "convene_media_peers",
                "Media peers (one per user with media).",
            ),
            rtp_packets_in: by_kind(
                &r,
                "convene_rtp_packets_in_total",
                "RTP packets received from publishers.",
            ),
            rtp_bytes_in: by_kind(
                &r,
                "convene_rtp_bytes_in_total",
                "RTP payload bytes received from publishers.",
            ),
            rtp_packets_out: by_kind(
                &r,
                "convene_rtp_packets_out_total",
                "RTP packets sent to subscribers.",
            ),
            rtp_bytes_out: by_kind(
                &r,
                "convene_rtp_bytes_out_total",
                "RTP payload bytes sent to subscribers.",
            ),
            forwarded: counter(
                &r,
                "convene_forwarded_packets_total",
                "RTP packets forwarded to subscribers.",
            ),
            nacks_received: counter(
                &r,
                "convene_nacks_received_total",
                "NACKs received from subscribers.",
            ),
            nacks_sent: counter(&r, "convene_nacks_sent_total", "NACKs sent to publishers."),
            subscriber_packets_lost: counter(
                &r,
                "convene_subscriber_packets_lost_total",
                "Packets subscribers reported lost (RTCP receiver reports): not repaired in time.",
            ),
            upstream_packets_lost: counter(
                &r,
                "convene_upstream_packets_lost_total",
                "Publishers' video packets lost for good on the way in (no repair within 300 ms).",
            ),
            plis_sent: counter(
                &r,
                "convene_plis_sent_total",
                "Keyframe requests (PLI) sent to publishers.",
            ),
            keyframe_requests: counter(
                &r,
                "convene_keyframe_requests_total",
                "Keyframes asked for by subscribers, attaches and layer switches.",
            ),
            red_packets_in: counter(
                &r,
                "convene_red_packets_in_total",
                "Audio packets received in RFC 2198 RED (Opus with the previous frame repeated).",
            ),
            layer_switches: counter(
                &r,
                "convene_layer_switches_total",
                "Video slots moved from one simulcast layer to another.",
            ),
            bandwidth_estimate: histogram(
                &r,
                "convene_subscriber_bandwidth_estimate_bps",
                "Bandwidth estimates of subscribers receiving video, one per subscriber per \
                 second.",
                vec![
                    100e3, 200e3, 300e3, 500e3, 750e3, 1e6, 1.5e6, 2e6, 3e6, 5e6, 10e6,
                ],
            ),
            loop_busy_seconds: reg(
                &r,
                prometheus::Counter::new(
                    "convene_sfu_loop_busy_seconds_total",
                    "Time the SFU loop spent working.",
                )
                .expect("valid metric"),
            ),
            loop_turns: counter(&r, "convene_sfu_loop_turns_total", "Turns of the SFU loop."),
            last: Mutex::new(Default::default()),
        };
        Metrics {
            sessions: gauge(&r, "convene_sessions", "Live sessions on this node."),
            cascade_relays: gauge(
                &r,
                "convene_cascade_relays",
                "Relays this node runs between SFUs (cascading): one per publisher and other SFU.",
            ),
            cascade_links: gauge(
                &r,
                "convene_cascade_links",
                "Open links from this node to edges' SFUs (cascading).",
            ),
            users: gauge(
                &r,
                "convene_users",
                "Users in sessions (including failover).",
            ),
            connections: gauge(&r, "convene_connections", "Open signaling connections."),
            messages_in: counter(
                &r,
                "convene_messages_in_total",
                "Signaling messages received.",
            ),
            messages_out: counter(&r, "convene_messages_out_total", "Signaling messages sent."),
            malformed: counter(
                &r,
                "convene_malformed_total",
                "Malformed signaling messages.",
            ),
            slow_drops: counter(
                &r,
                "convene_slow_connections_dropped_total",
                "Connections dropped because their outgoing queue was full.",
            ),
            join_seconds: histogram(
                &r,
                "convene_join_duration_seconds",
                "From a join's arrival to its successful reply.",
                prometheus::exponential_buckets(0.0005, 2.0, 14).expect("valid buckets"),
            ),
            session_inbox_depth: histogram(
                &r,
                "convene_session_inbox_depth",
                "Messages waiting in a session task's inbox, sampled as each is taken.",
                vec![0.0, 1.0, 4.0, 16.0, 64.0, 256.0, 1024.0],
            ),
            webhook_deliveries: reg(
                &r,
                IntCounterVec::new(
                    Opts::new(
                        "convene_webhook_deliveries_total",
                        "Webhook deliveries (one per event and receiver) by outcome: delivered, \
                         failed (after every retry), dropped (queue full).",
                    ),
                    &["event", "outcome"],
                )
                .expect("valid metric"),
            ),
            webhook_retries: reg(
                &r,
                IntCounterVec::new(
                    Opts::new(
                        "convene_webhook_retries_total",
                        "Webhook attempts after the first.",
                    ),
                    &["event"],
                )
                .expect("valid metric"),
            ),
            media,
            registry: r,
        }
    }

    /// The text exposition, with the SFU's counters brought up to `sfu` and the bandwidth
    /// estimates sampled since the last scrape observed.
    pub(crate) fn render(&self, sfu: convene_sfu::SfuStatsSnapshot, bandwidth: Vec<u64>) -> String {
        self.media.catch_up(sfu);
        for bps in bandwidth {
            self.media.bandwidth_estimate.observe(bps as f64);
        }
        let mut out = Vec::new();
        // Encoding into a Vec cannot fail for these metric types.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

impl MediaMetrics {
    /// Adds what the SFU counted since the last scrape.
    fn catch_up(&self, now: convene_sfu::SfuStatsSnapshot) {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let d = |a: u64, b: u64| a.saturating_sub(b);
        self.peers.set(now.peers as i64);
        for (i, kind) in KINDS.iter().enumerate() {
            let k = [*kind];
            self.rtp_packets_in
                .with_label_values(&k)
                .inc_by(d(now.rtp_packets_in[i], last.rtp_packets_in[i]));
            self.rtp_bytes_in
                .with_label_values(&k)
                .inc_by(d(now.rtp_bytes_in[i], last.rtp_bytes_in[i]));
            self.rtp_packets_out
                .with_label_values(&k)
                .inc_by(d(now.rtp_packets_out[i], last.rtp_packets_out[i]));
            self.rtp_bytes_out
                .with_label_values(&k)
                .inc_by(d(now.rtp_bytes_out[i], last.rtp_bytes_out[i]));
        }
        self.forwarded
            .inc_by(d(now.forwarded_packets, last.forwarded_packets));
        self.nacks_received
            .inc_by(d(now.nacks_received, last.nacks_received));
        self.nacks_sent.inc_by(d(now.nacks_sent, last.nacks_sent));
        self.subscriber_packets_lost
            .inc_by(d(now.subscriber_packets_lost, last.subscriber_packets_lost));
        self.upstream_packets_lost
            .inc_by(d(now.upstream_packets_lost, last.upstream_packets_lost));
        self.plis_sent.inc_by(d(now.plis_sent, last.plis_sent));
        self.keyframe_requests
            .inc_by(d(now.keyframe_requests, last.keyframe_requests));
        self.red_packets_in
            .inc_by(d(now.red_packets_in, last.red_packets_in));
        self.layer_switches
            .inc_by(d(now.layer_switches, last.layer_switches));
        self.loop_busy_seconds
            .inc_by(d(now.loop_busy_ns, last.loop_busy_ns) as f64 / 1e9);
        self.loop_turns.inc_by(d(now.loop_turns, last.loop_turns));
        *last = now;
    }
}
