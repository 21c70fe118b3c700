//! What subscribers record inside the measured window, and the report made from it. Field
//! names follow `convene load --scenario forward`'s report, so the two compare line by line.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use convene_loadtest::Percentiles;
use serde::Serialize;

use crate::payload::Stamp;

/// The measured window, set once by the run when every subscriber receives media; packets
/// received outside it are not counted.
pub type Window = Arc<OnceLock<(Instant, Instant)>>;

/// Sequence numbers seen on one received stream (extended, so no wrap-around).
#[derive(Debug, Clone, Copy)]
struct SeqSpan {
    first: u64,
    last: u64,
    received: u64,
}

/// One subscriber's record of its window.
#[derive(Debug, Default)]
pub struct Recorder {
    packets: u64,
    audio_frames: u64,
    video_frames: u64,
    streams: HashMap<u32, SeqSpan>,
    /// Send time of the video frame each stream is receiving.
    open_frames: HashMap<u32, u64>,
    latency_ms: Vec<f32>,
}

impl Recorder {
    /// Records one RTP packet of stream `ssrc` with extended sequence number `seq`, received
    /// at `now_us` (µs since the Unix epoch); `stamp` when it starts a frame, `marker` when it
    /// ends a video frame. Latency is taken when a frame is complete, as Convene's load
    /// generator does: on an audio packet, on the last packet of a video frame.
    pub fn packet(&mut self, ssrc: u32, seq: u64, stamp: Option<Stamp>, marker: bool, now_us: u64) {
        self.packets += 1;
        self.streams
            .entry(ssrc)
            .and_modify(|s| {
                s.first = s.first.min(seq);
                s.last = s.last.max(seq);
                s.received += 1;
            })
            .or_insert(SeqSpan {
                first: seq,
                last: seq,
                received: 1,
            });
        let sent_us = match stamp {
            Some(s) if !s.video => {
                self.audio_frames += 1;
                Some(s.sent_us)
            }
            Some(s) => {
                self.video_frames += 1;
                self.open_frames.insert(ssrc, s.sent_us);
                None
            }
            None => None,
        };
        let sent_us = sent_us.or_else(|| marker.then(|| self.open_frames.remove(&ssrc)).flatten());
        if let Some(sent_us) = sent_us {
            let ms = now_us.saturating_sub(sent_us) as f64 / 1000.0;
            // A stamp more than a minute old is filler that looked like one: not a latency.
            if ms < 60_000.0 {
                self.latency_ms.push(ms as f32);
            }
        }
    }
}

/// What a run measured: the `forward` report's fields, plus what is peculiar to Janus.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Always `"janus"`.
    pub server: String,
    /// Publishers per room.
    pub publishers: usize,
    /// Subscribers per room.
    pub subscribers: usize,
    /// Rooms.
    pub sessions: usize,
    /// Simulcast layer each subscriber receives (0 = lowest).
    pub substream: u8,
    /// Subscribers that received audio and video from every publisher before the window.
    pub subscribers_ready: usize,
    /// Length of the window, seconds.
    pub window_secs: f64,
    /// RTP packets received by all subscribers in the window.
    pub egress_packets: u64,
    /// `egress_packets` per second.
    pub egress_packets_per_sec: f64,
    /// Audio frames (one packet each) received in the window.
    pub audio_frames: u64,
    /// Video frames whose first packet was received in the window.
    pub video_frames: u64,
    /// Packets missing from each received stream's sequence-number range, percent of
    /// expected (Convene's report counts lost frames instead; both are 0 without loss).
    pub loss_percent: f64,
    /// Publisher send time (in the payload) to the frame being complete at the subscriber:
    /// each audio packet, each video frame's last packet.
    pub latency_ms: Percentiles,
    /// The server's `utime + stime` over the window (`--server-pid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_cpu_secs: Option<f64>,
    /// The server's `VmHWM` at the end of the window (`--server-pid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_peak_rss_kib: Option<u64>,
    /// `server_cpu_secs · 1e6 / egress_packets`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_cpu_us_per_packet: Option<f64>,
    /// This process's own CPU over the window, seconds.
    pub load_cpu_secs: f64,
}

impl Report {
    /// Adds the subscribers' records (window of `window_secs`) to the report.
    pub fn add_records(&mut self, records: Vec<Recorder>, window_secs: f64) {
        let (mut expected, mut received) = (0u64, 0u64);
        let mut latency = Vec::new();
        for r in records {
            self.egress_packets += r.packets;
            self.audio_frames += r.audio_frames;
            self.video_frames += r.video_frames;
            for s in r.streams.values() {
                let span = s.last - s.first + 1;
                expected += span;
                // Duplicates (retransmissions) never make a stream better than complete.
                received += s.received.min(span);
            }
            latency.extend(r.latency_ms);
        }
        self.window_secs = window_secs;
        self.egress_packets_per_sec = self.egress_packets as f64 / window_secs.max(1e-3);
        self.loss_percent = if expected == 0 {
            0.0
        } else {
            100.0 * (expected - received) as f64 / expected as f64
        };
        // Kept as f32 (4 bytes a sample); reported to the microsecond, without the conversion's
        // float noise.
        self.latency_ms =
            Percentiles::of(latency.into_iter().map(f64::from).collect()).rounded_to_us();
    }

    /// Adds the server's CPU over the window, and the cost per packet.
    pub fn add_server_cpu(&mut self, cpu_secs: f64, peak_rss_kib: Option<u64>) {
        self.server_cpu_secs = Some(cpu_secs);
        self.server_peak_rss_kib = peak_rss_kib;
        self.server_cpu_us_per_packet =
            (self.egress_packets > 0).then(|| cpu_secs * 1e6 / self.egress_packets as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(video: bool, sent_us: u64) -> Option<Stamp> {
        Some(Stamp { video, sent_us })
    }

    #[test]
    fn loss_and_latency_from_two_subscribers() {
        let mut a = Recorder::default();
        // Stream 1: seqs 10..=19 with 12 and 13 missing; stream 2 complete, one duplicate.
        for seq in (10..20).filter(|s| *s != 12 && *s != 13) {
            a.packet(1, seq, stamp(false, 1_000), false, 3_000);
        }
        // A video frame of three packets (and a duplicate): its latency is taken when the
        // last (marker) packet arrives, 6 ms after it was sent.
        for (seq, at) in [(5, 4_000), (6, 5_000), (7, 7_000), (7, 8_000)] {
            let start = if seq == 5 { stamp(true, 1_000) } else { None };
            a.packet(2, seq, start, seq == 7, at);
        }
        let mut b = Recorder::default();
        b.packet(1, 100, stamp(false, 0), false, 1_000_000_000_000);
        let mut r = Report::default();
        r.add_records(vec![a, b], 2.0);
        assert_eq!(r.egress_packets, 13);
        assert_eq!(r.egress_packets_per_sec, 6.5);
        assert_eq!((r.audio_frames, r.video_frames), (9, 1));
        assert!(
            (r.loss_percent - 100.0 * 2.0 / 14.0).abs() < 1e-9,
            "{}",
            r.loss_percent
        );
        assert_eq!(r.latency_ms.p50, 2.0);
        assert_eq!(
            r.latency_ms.max, 6.0,
            "one latency per video frame; the implausible stamp is not one"
        );
        r.add_server_cpu(0.013, Some(1));
        assert_eq!(r.server_cpu_us_per_packet, Some(1000.0));
    }

    #[test]
    fn report_uses_the_contract_field_names() {
        let mut r = Report::default();
        r.add_server_cpu(1.0, Some(2048));
        let v = serde_json::to_value(&r).unwrap();
        for key in [
            "egressPackets",
            "egressPacketsPerSec",
            "lossPercent",
            "latencyMs",
            "serverCpuSecs",
            "serverPeakRssKib",
            "loadCpuSecs",
        ] {
            assert!(v.get(key).is_some(), "{key} missing from {v}");
        }
        assert!(
            v["serverCpuUsPerPacket"].is_null(),
            "no packets, no cost per packet"
        );
    }
}
