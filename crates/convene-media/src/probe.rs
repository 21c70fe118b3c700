//! The client of the network test before joining (`convene probe`): a str0m peer with one
//! unordered, unreliable data channel that measures round-trip time, jitter, loss and both
//! directions' rates against the SFU's probe peer, over the media path itself (the SFU's UDP
//! port). The protocol is in docs/probe.md; the browser's `createProber()` speaks the same.
//!
//! The test runs in three phases of the requested duration: echoes every 20 ms (40 %),
//! paced uplink filler (30 %), then filler the SFU paces towards us (30 %). At the end the
//! SFU turns the RTT and loss into the 0–5 level with its own quality rule, so every client
//! reports the same level for the same figures.

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use convene_protocol::probe::{DOWN, ECHO, FILL, LEVEL, STATS, UP};
use str0m::channel::{ChannelConfig, ChannelId, Reliability};
use str0m::media::{Direction, MediaKind};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;

use crate::MediaError;

/// Bytes of each filler message (one SCTP chunk in one datagram).
const FILLER: usize = 1000;
/// How often an echo goes out.
const ECHO_EVERY: Duration = Duration::from_millis(20);
/// How long connecting (ICE, DTLS, the channel) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the SFU's verdict (`STATS`, `LEVEL`) is waited for.
const REPLY_TIMEOUT: Duration = Duration::from_secs(2);

/// How to run a test.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// The local UDP address (a concrete IP the SFU can reach; port 0 picks one).
    pub bind: SocketAddr,
    /// The whole test, connecting not included.
    pub duration: Duration,
    /// Uplink filler rate, bits/s.
    pub up_rate_bps: u64,
    /// Downlink filler rate asked of the SFU, bits/s (the SFU caps it).
    pub down_rate_bps: u64,
    /// Also offer receive-only audio and video m-lines (the SFU must refuse them: a probe
    /// never receives media). For tests.
    pub offer_media: bool,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            duration: Duration::from_secs(5),
            up_rate_bps: 8_000_000,
            down_rate_bps: 8_000_000,
            offer_media: false,
        }
    }
}

/// What a test measured (the JSON line of `convene probe`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProbeReport {
    /// Median round-trip time of the echoes, ms.
    pub rtt_ms: f64,
    /// Mean difference between consecutive round-trip times, ms.
    pub jitter_ms: f64,
    /// Echoes that never came back, percent.
    pub loss_percent: f64,
    /// What the SFU received of our filler, kbit/s.
    pub uplink_kbps: f64,
    /// What we received of the SFU's filler, kbit/s.
    pub downlink_kbps: f64,
    /// 0 (unusable) to 5 (excellent), decided by the SFU's quality rule; 0 when it did not
    /// answer.
    pub level: u8,
    /// Media packets received (always 0: a probe is in no session).
    pub media_received: u64,
    /// The answer's SDP, for tests.
    pub answer_sdp: String,
}

/// Run one test: `signal` takes our SDP offer to the SFU and returns its answer (e.g. by
/// `POST /api/v1/probe`). Errors only before the test starts (socket, refused offer, no
/// connection); a test the SFU cuts off reports what it measured until then.
pub async fn probe<F, Fut>(opts: ProbeOptions, signal: F) -> Result<ProbeReport, MediaError>
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = Result<String, String>>,
{
    str0m::crypto::from_feature_flags().install_process_default();
    let socket = UdpSocket::bind(opts.bind).await.map_err(MediaError::Io)?;
    let local = socket.local_addr().map_err(MediaError::Io)?;
    let mut rtc = Rtc::builder().build(Instant::now());
    let c = Candidate::host(local, "udp").map_err(|e| MediaError::Rtc(e.to_string()))?;
    rtc.add_local_candidate(c);
    let mut api = rtc.sdp_api();
    if opts.offer_media {
        api.add_media(MediaKind::Audio, Direction::RecvOnly, None, None, None);
        api.add_media(MediaKind::Video, Direction::RecvOnly, None, None, None);
    }
    let channel = api.add_channel_with_config(ChannelConfig {
        label: "probe".into(),
        ordered: false,
        reliability: Reliability::MaxRetransmits { retransmits: 0 },
        ..Default::default()
    });
    let (offer, pending) = api
        .apply()
        .ok_or_else(|| MediaError::Rtc("nothing to offer".into()))?;
    let answer = signal(offer.to_sdp_string())
        .await
        .map_err(MediaError::Sdp)?;
    let parsed = str0m::change::SdpAnswer::from_sdp_string(&answer)
        .map_err(|e| MediaError::Sdp(e.to_string()))?;
    rtc.sdp_api()
        .accept_answer(pending, parsed)
        .map_err(|e| MediaError::Sdp(e.to_string()))?;
    let mut t = Tester {
        rtc,
        socket,
        local,
        channel,
        open: false,
        start: Instant::now(),
        timeout: Instant::now(),
        buf: vec![0; 2048],
        report: ProbeReport {
            answer_sdp: answer,
            ..Default::default()
        },
        echo_sent: 0,
        echo_back: 0,
        rtts: Vec::new(),
        down_bytes: 0,
        down_first: None,
        down_last: None,
        stats: None,
        level: None,
    };
    t.run(&opts).await?;
    Ok(t.report)
}

struct Tester {
    rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    channel: ChannelId,
    open: bool,
    /// When the channel opened: echoes carry their send time since then.
    start: Instant,
    timeout: Instant,
    buf: Vec<u8>,
    report: ProbeReport,
    echo_sent: u32,
    echo_back: u32,
    rtts: Vec<f64>,
    down_bytes: u64,
    down_first: Option<Instant>,
    down_last: Option<Instant>,
    /// (bytes, span in µs) the SFU received of our filler.
    stats: Option<(u64, u64)>,
    level: Option<u8>,
}

impl Tester {
    async fn run(&mut self, opts: &ProbeOptions) -> Result<(), MediaError> {
        let give_up = Instant::now() + CONNECT_TIMEOUT;
        while !self.open {
            if Instant::now() > give_up || !self.rtc.is_alive() {
                return Err(MediaError::Timeout);
            }
            self.step(give_up).await;
        }
        let start = Instant::now();
        self.start = start;
        let d = opts.duration;
        let echo_end = start + d.mul_f64(0.4);
        let up_end = echo_end + d.mul_f64(0.3);
        let end = start + d;
        let mut next_echo = start;
        let mut next_up = echo_end;
        let mut down_asked = false;
        let mut stats_asked = false;
        while Instant::now() < end && self.rtc.is_alive() {
            let now = Instant::now();
            if now < echo_end && now >= next_echo {
                let mut m = vec![ECHO];
                m.extend_from_slice(&self.echo_sent.to_be_bytes());
                m.extend_from_slice(&(now.duration_since(start).as_micros() as u64).to_be_bytes());
                if self.write(&m) {
                    self.echo_sent += 1;
                }
                next_echo += ECHO_EVERY;
            }
            if now >= echo_end && now < up_end {
                let mut burst = 0;
                while next_up <= now && burst < 32 {
                    let mut m = vec![0u8; FILLER];
                    m[0] = UP;
                    self.write(&m);
                    next_up += per_message(opts.up_rate_bps);
                    burst += 1;
                }
                if next_up + Duration::from_millis(50) < now {
                    next_up = now;
                }
            }
            if now >= up_end && !stats_asked {
                stats_asked = true;
                self.write(&[STATS]);
            }
            if now >= up_end && !down_asked {
                down_asked = true;
                let kbps = (opts.down_rate_bps / 1000) as u32;
                let ms = end.duration_since(now).as_millis() as u32;
                let mut m = vec![DOWN];
                m.extend_from_slice(&kbps.to_be_bytes());
                m.extend_from_slice(&ms.to_be_bytes());
                m.extend_from_slice(&(FILLER as u16).to_be_bytes());
                self.write(&m);
            }
            let next = if now < echo_end {
                next_echo
            } else if now < up_end {
                next_up
            } else {
                end
            };
            self.step(next.min(end)).await;
        }
        self.report.rtt_ms = median(&mut self.rtts);
        self.report.jitter_ms = mean_step(&self.rtts);
        self.report.loss_percent = if self.echo_sent == 0 {
            100.0
        } else {
            f64::from(self.echo_sent - self.echo_back.min(self.echo_sent)) * 100.0
                / f64::from(self.echo_sent)
        };
        self.report.downlink_kbps = rate_kbps(
            self.down_bytes,
            self.down_first
                .zip(self.down_last)
                .map_or(0, |(a, b)| b.duration_since(a).as_micros() as u64),
        );
        // The SFU's verdict: the uplink it saw, and the level for our figures.
        let loss_permille = (self.report.loss_percent * 10.0).round() as u16;
        let mut m = vec![LEVEL];
        m.extend_from_slice(&(self.report.rtt_ms.round() as u32).to_be_bytes());
        m.extend_from_slice(&loss_permille.to_be_bytes());
        if !stats_asked {
            self.write(&[STATS]);
        }
        self.write(&m);
        let until = Instant::now() + REPLY_TIMEOUT;
        while (self.level.is_none() || self.stats.is_none())
            && Instant::now() < until
            && self.rtc.is_alive()
        {
            self.step(until).await;
        }
        if let Some((bytes, span)) = self.stats {
            self.report.uplink_kbps = rate_kbps(bytes, span);
        }
        self.report.level = self.level.unwrap_or(0);
        if self.rtc.close().is_ok() {
            self.flush().await;
        }
        Ok(())
    }

    /// Write one message; `false` when the channel is not open or its buffer is full.
    fn write(&mut self, m: &[u8]) -> bool {
        let ok = matches!(
            self.rtc.channel(self.channel).map(|mut c| c.write(true, m)),
            Some(Ok(true))
        );
        ok
    }

    /// Drain, send, then wait for a packet or until `until` (or the `Rtc`'s deadline).
    async fn step(&mut self, until: Instant) {
        self.flush().await;
        let deadline = until.min(self.timeout);
        tokio::select! {
            r = self.socket.recv_from(&mut self.buf) => {
                if let Ok((n, source)) = r {
                    let now = Instant::now();
                    if let Ok(recv) = Receive::new(Protocol::Udp, source, self.local, &self.buf[..n]) {
                        if let Err(e) = self.rtc.handle_input(Input::Receive(now, recv)) {
                            tracing::debug!("probe input rejected: {e}");
                        }
                    }
                }
            }
            _ = tokio::time::sleep_until(deadline.into()) => {
                let now = Instant::now();
                if self.timeout <= now {
                    if let Err(e) = self.rtc.handle_input(Input::Timeout(now)) {
                        tracing::debug!("probe timeout failed: {e}");
                    }
                }
            }
        }
        self.flush().await;
    }

    /// Poll the `Rtc` to its timeout, sending what it transmits and reading its events.
    async fn flush(&mut self) {
        loop {
            match self.rtc.poll_output() {
                Ok(Output::Timeout(t)) => {
                    self.timeout = t;
                    return;
                }
                Ok(Output::Transmit(t)) => {
                    if let Err(e) = self.socket.send_to(&t.contents, t.destination).await {
                        tracing::debug!("probe send failed: {e}");
                    }
                }
                Ok(Output::Event(e)) => self.event(e),
                Err(e) => {
                    tracing::debug!("probe rtc failed: {e}");
                    self.timeout = Instant::now() + Duration::from_secs(3600);
                    return;
                }
            }
        }
    }

    fn event(&mut self, e: Event) {
        let now = Instant::now();
        match e {
            Event::ChannelOpen(id, _) if id == self.channel => self.open = true,
            Event::MediaData(_) | Event::RtpPacket(_) => self.report.media_received += 1,
            Event::ChannelData(d) if d.id == self.channel => match d.data.first() {
                Some(&ECHO) if d.data.len() >= 13 => {
                    self.echo_back += 1;
                    let sent = u64::from_be_bytes(d.data[5..13].try_into().unwrap_or([0; 8]));
                    // The echo carries its send time since the test's start.
                    let now_us = now.saturating_duration_since(self.start).as_micros() as u64;
                    self.rtts.push(now_us.saturating_sub(sent) as f64 / 1000.0);
                }
                Some(&FILL) => {
                    self.down_bytes += d.data.len() as u64;
                    self.down_first.get_or_insert(now);
                    self.down_last = Some(now);
                }
                Some(&STATS) if d.data.len() >= 21 => {
                    let bytes = u64::from_be_bytes(d.data[1..9].try_into().unwrap_or([0; 8]));
                    let span = u64::from_be_bytes(d.data[13..21].try_into().unwrap_or([0; 8]));
                    self.stats = Some((bytes, span));
                }
                Some(&LEVEL) if d.data.len() >= 2 => self.level = Some(d.data[1].min(5)),
                _ => {}
            },
            _ => {}
        }
    }
}

/// The time one filler message takes at `rate` bits/s.
fn per_message(rate: u64) -> Duration {
    Duration::from_nanos(FILLER as u64 * 8 * 1_000_000_000 / rate.max(8_000))
}

fn rate_kbps(bytes: u64, span_us: u64) -> f64 {
    if span_us == 0 {
        return 0.0;
    }
    bytes as f64 * 8.0 * 1000.0 / span_us as f64
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Mean absolute difference between consecutive values (the jitter of the RTT series).
fn mean_step(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return 0.0;
    }
    let sum: f64 = v.windows(2).map(|w| (w[1] - w[0]).abs()).sum();
    sum / (v.len() - 1) as f64
}
