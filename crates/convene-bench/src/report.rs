//! [`Report`]: what `raw-load` prints, with the field names of every `forward` report.

use convene_loadtest::Percentiles;
use serde::Serialize;

/// One run of the raw relay under `forward`-shaped load. Serialised in camelCase, one JSON
/// object on one line (the format of `docs/bench/README.md`).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Always `forward`: the scenario this run mirrors.
    pub scenario: String,
    /// Always `raw`: the server measured.
    pub server: String,
    /// Publishers.
    pub publishers: usize,
    /// Receivers ("subscribers").
    pub subscribers: usize,
    /// Sessions (the relay has one).
    pub sessions: usize,
    /// Length of the measured window, seconds.
    pub window_secs: f64,
    /// Media datagrams the publishers sent in the window.
    pub ingress_packets: u64,
    /// Datagrams received by all receivers in the window.
    pub egress_packets: u64,
    /// `egress_packets / duration_secs`.
    pub egress_packets_per_sec: f64,
    /// Copies that should have arrived but did not, percent of those expected.
    pub loss_percent: f64,
    /// Send to receipt, on one host clock.
    pub latency_ms: Percentiles,
    /// The relay's utime + stime over the window (from `/proc/PID/stat`), when its pid is
    /// known.
    pub server_cpu_secs: Option<f64>,
    /// The relay's `VmHWM` at the end, KiB.
    pub server_peak_rss_kib: Option<u64>,
    /// `server_cpu_secs · 1e6 / egress_packets`.
    pub server_cpu_us_per_packet: Option<f64>,
    /// The load generator's own CPU over the same window.
    pub load_cpu_secs: f64,
    /// The load generator's peak RSS, KiB.
    pub load_peak_rss_kib: u64,
}
