//! [`Report`]: what a run measured, printed as one camelCase JSON object. Fields a scenario
//! does not measure are left out of the JSON.

use convene_media::LatencyHistogram;
use serde::Serialize;

/// Latency percentiles, milliseconds: the `joinMs` and `latencyMs` objects of every report
/// (`convene load`, `raw-load`, `janus-load`).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Slowest.
    pub max: f64,
}

impl Percentiles {
    /// Percentiles of a list of milliseconds (nearest rank); zeros for an empty list.
    pub fn of(mut v: Vec<f64>) -> Percentiles {
        if v.is_empty() {
            return Percentiles::default();
        }
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        Percentiles {
            p50: at(0.5),
            p90: at(0.9),
            p99: at(0.99),
            max: at(1.0),
        }
    }

    /// The same percentiles rounded to the microsecond (0.001 ms), for samples kept as `f32`
    /// whose conversion would otherwise print float noise.
    pub fn rounded_to_us(self) -> Percentiles {
        let us = |ms: f64| (ms * 1000.0).round() / 1000.0;
        Percentiles {
            p50: us(self.p50),
            p90: us(self.p90),
            p99: us(self.p99),
            max: us(self.max),
        }
    }

    /// Percentiles of a histogram of microseconds; `None` when it is empty.
    pub fn of_histogram(h: &LatencyHistogram) -> Option<Percentiles> {
        let ms = |q| h.quantile(q).map(|us| us as f64 / 1000.0);
        Some(Percentiles {
            p50: ms(0.5)?,
            p90: ms(0.9)?,
            p99: ms(0.99)?,
            max: ms(1.0)?,
        })
    }
}

/// What a run measured. See `docs/load.md` for each field.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The scenario's name.
    pub scenario: String,
    /// This process's part of the run (`i/n`), when sharded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// Users this process tried to join.
    pub users: usize,
    /// Users that joined.
    pub joined: usize,
    /// Joins that failed.
    pub join_failures: usize,
    /// First failure, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
    /// Join latency (each `join()` call, after `init`).
    pub join_ms: Percentiles,
    /// Wall time for all joins, seconds.
    pub join_phase_secs: f64,
    /// Every user's own user list equals the server's (a fresh `getAllUser`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lists_consistent: Option<bool>,
    /// Sessions this process joined users into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions: Option<usize>,
    /// `big-session`: listeners that received the speaker's audio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_receivers: Option<usize>,
    /// `big-session`: listeners that tried to receive (all users but the speaker).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listeners: Option<usize>,
    /// `big-session`: listeners whose media peer connected (ICE and DTLS) in time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listeners_connected: Option<usize>,
    /// `big-session`: seconds from the speaker's start to the last listener hearing it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_phase_secs: Option<f64>,
    /// Length of the measured window, seconds (what the CPU figures cover).
    pub window_secs: f64,
    /// Server CPU (utime + stime from `/proc/PID/stat`) over the window, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_cpu_secs: Option<f64>,
    /// The server's peak RSS (`VmHWM` from `/proc/PID/status`), KiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_peak_rss_kib: Option<u64>,
    /// `big-session`: growth of the server's RSS over the joins, per joined user, KiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_rss_per_user_kib: Option<f64>,
    /// `many-sessions`: growth of the server's RSS over the joins, per session, KiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_rss_per_session_kib: Option<f64>,
    /// This load generator's CPU over the same window, seconds.
    pub load_cpu_secs: f64,
    /// This load generator's peak RSS, KiB.
    pub load_peak_rss_kib: u64,
    /// `forward`: publishers that started media.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publishers: Option<usize>,
    /// `forward`: subscribers whose media peer connected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscribers: Option<usize>,
    /// `forward`: RTP packets received by all subscribers in the window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egress_packets: Option<u64>,
    /// `forward`: `egressPackets` per second.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egress_packets_per_sec: Option<f64>,
    /// `forward`: frames lost / frames expected, in percent (gaps in the senders' frame
    /// counters, over the window).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loss_percent: Option<f64>,
    /// `forward`: send time (in the payload) to receipt, over the window's frames.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<Percentiles>,
    /// `forward`: `serverCpuSecs · 1e6 / egressPackets`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_cpu_us_per_packet: Option<f64>,
    /// `forward`: video frames received over all subscribers, per second.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video_frames_per_sec: Option<f64>,
    /// `forward`: audio frames received over all subscribers, per second.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_frames_per_sec: Option<f64>,
    /// `forward`: same as `egressPacketsPerSec` (the field name of earlier reports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packets_per_sec: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_known_list() {
        let p = Percentiles::of((1..=100).map(f64::from).collect());
        assert_eq!((p.p50, p.p90, p.p99, p.max), (51.0, 90.0, 99.0, 100.0));
        assert_eq!(Percentiles::of(vec![]), Percentiles::default());
        let p = Percentiles::of(vec![f64::from(1.1f32)]).rounded_to_us();
        assert_eq!((p.p50, p.max), (1.1, 1.1));
    }

    #[test]
    fn unmeasured_fields_are_left_out() {
        let r = Report {
            scenario: "join-storm".into(),
            lists_consistent: Some(true),
            ..Report::default()
        };
        let v = serde_json::to_value(&r).expect("serialisable");
        assert_eq!(v["listsConsistent"], true);
        assert_eq!(v["joinMs"]["p99"], 0.0);
        assert!(v.get("serverCpuSecs").is_none() && v.get("latencyMs").is_none());
    }
}
