//! Probe peers: the network test before joining (`convene probe`, the browser's
//! `createProber()`), run over the real media path.
//!
//! A probe peer is a str0m `Rtc` on the SFU's own UDP socket (and ICE-TCP listener) with one
//! SCTP data channel and no media: its offer's audio and video m-lines are refused, since the
//! `Rtc` knows no codec. It lives in a map of its own, never in a room, so nothing the
//! forwarding rules do can reach it and it can reach no session. It answers the messages of
//! the probe protocol (docs/probe.md):
//!
//! | first byte | client → SFU | SFU → client |
//! |---|---|---|
//! | 1 `ECHO` | any payload | the same bytes back |
//! | 2 `UP` | filler, counted | nothing |
//! | 3 `DOWN` | `rate_kbps: u32, duration_ms: u32, size: u16` | paced `4 FILL` messages of `size` bytes |
//! | 5 `STATS` | nothing more | `up_bytes: u64, up_messages: u32, up_span_us: u64` |
//! | 6 `LEVEL` | `rtt_ms: u32, loss_permille: u16` | `level: u8` (0–5, the SFU's quality rule) |
//!
//! Integers are big-endian. Each probe is cut off by [`ProbeLimits`]: its lifetime, the
//! bytes it may move (both ways) and the downlink rate it may ask for. At most
//! [`MAX_PROBE_PEERS`] run at once; more are refused.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use convene_protocol::probe::{DOWN, ECHO, FILL, LEVEL, STATS, UP};
use str0m::change::SdpOffer;
use str0m::channel::ChannelId;
use str0m::net::{Protocol, TcpType};
use str0m::{Candidate, IceConnectionState, Input, Rtc};

use crate::quality::quality_level;
use crate::{Event, PeerId, SfuError, Transmit};

/// Probe peers allowed at once in one SFU; [`Command::Probe`](crate::Command::Probe) beyond
/// it is refused with [`SfuError::ProbeRefused`].
pub const MAX_PROBE_PEERS: usize = 32;

/// The largest probe message read or sent (one SCTP chunk in one datagram).
const MAX_MESSAGE: usize = 1200;
/// Remote addresses remembered per probe (for demultiplexing).
const MAX_ADDRS: usize = 8;
/// Filler messages sent per wake-up at most, so one probe cannot hold the media loop.
const MAX_BURST: usize = 32;

/// What one probe may do before it is cut off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeLimits {
    /// Lifetime from the offer: the probe is removed when it ends, finished or not.
    pub max_duration: Duration,
    /// Data channel bytes in both directions together; the probe is removed beyond.
    pub max_bytes: u64,
    /// The highest downlink rate (bits/s) a `DOWN` request gets; higher asks are lowered.
    pub max_rate_bps: u64,
}

impl Default for ProbeLimits {
    fn default() -> Self {
        ProbeLimits {
            max_duration: Duration::from_secs(30),
            max_bytes: 32 * 1024 * 1024,
            max_rate_bps: 10_000_000,
        }
    }
}

/// Why a probe peer was removed ([`Event::ProbeEnded`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProbeEnd {
    /// The client closed its channel or connection.
    Closed,
    /// [`ProbeLimits::max_duration`] passed.
    Duration,
    /// [`ProbeLimits::max_bytes`] was exceeded.
    Bytes,
    /// ICE or DTLS failed.
    Failed,
}

/// Paced filler towards the client.
struct Down {
    /// Bits per second.
    rate: u64,
    size: usize,
    next: Instant,
    until: Instant,
    seq: u32,
}

struct ProbePeer {
    rtc: Rtc,
    ufrag: String,
    addrs: Vec<(Protocol, SocketAddr)>,
    limits: ProbeLimits,
    ends_at: Instant,
    rtc_timeout: Instant,
    channel: Option<ChannelId>,
    /// Data channel bytes both ways.
    bytes: u64,
    up_bytes: u64,
    up_messages: u32,
    up_first: Option<Instant>,
    up_last: Option<Instant>,
    down: Option<Down>,
    /// Set when the probe must go.
    end: Option<ProbeEnd>,
}

/// Every probe peer of one SFU, with their own demultiplexing maps.
#[derive(Default)]
pub(crate) struct Probes {
    peers: HashMap<PeerId, ProbePeer>,
    ufrags: HashMap<String, PeerId>,
    addrs: HashMap<(Protocol, SocketAddr), PeerId>,
    pub(crate) transmits: VecDeque<Transmit>,
    pub(crate) events: VecDeque<Event>,
}

/// Where a new probe peer listens: the SFU's candidates and STUN tunables.
pub(crate) struct ProbeHost {
    pub(crate) udp: SocketAddr,
    pub(crate) tcp: Option<SocketAddr>,
    pub(crate) stun_max_rto: Duration,
    pub(crate) stun_max_retransmits: usize,
}

impl Probes {
    /// The probe peer a datagram belongs to, by the ufrag its STUN names or its source.
    pub(crate) fn owner(&self, ufrag: Option<&str>, key: (Protocol, SocketAddr)) -> Option<PeerId> {
        if self.peers.is_empty() {
            return None;
        }
        match ufrag {
            Some(u) => self.ufrags.get(u).copied(),
            None => self.addrs.get(&key).copied(),
        }
    }

    /// Answer a probe's offer (queued as [`Event::Answer`]) or refuse it.
    pub(crate) fn add(
        &mut self,
        now: Instant,
        id: PeerId,
        sdp: &str,
        limits: ProbeLimits,
        host: &ProbeHost,
    ) -> Result<(), SfuError> {
        if self.peers.contains_key(&id) {
            return Err(SfuError::PeerExists(id));
        }
        if self.peers.len() >= MAX_PROBE_PEERS {
            return Err(SfuError::ProbeRefused(format!(
                "{MAX_PROBE_PEERS} probes running"
            )));
        }
        let offer =
            SdpOffer::from_sdp_string(sdp).map_err(|e| SfuError::BadOffer(e.to_string()))?;
        // No codec at all: any audio or video m-line is refused in the answer.
        let mut builder = Rtc::builder().clear_codecs();
        builder.set_max_stun_rto(host.stun_max_rto);
        builder.set_max_stun_retransmits(host.stun_max_retransmits);
        let mut rtc = builder.build(now);
        let c = Candidate::host(host.udp, "udp")
            .map_err(|e| SfuError::Rtc(format!("local candidate: {e}")))?;
        rtc.add_local_candidate(c);
        if let Some(tcp) = host.tcp {
            let c = Candidate::builder()
                .tcp()
                .host(tcp)
                .tcptype(TcpType::Passive)
                .build()
                .map_err(|e| SfuError::Rtc(format!("local tcp candidate: {e}")))?;
            rtc.add_local_candidate(c);
        }
        let answer = rtc
            .sdp_api()
            .accept_offer(offer)
            .map_err(|e| SfuError::BadOffer(e.to_string()))?;
        let ufrag = rtc.direct_api().local_ice_credentials().ufrag;
        self.ufrags.insert(ufrag.clone(), id);
        self.peers.insert(
            id,
            ProbePeer {
                rtc,
                ufrag,
                addrs: Vec::new(),
                limits,
                ends_at: now + limits.max_duration,
                rtc_timeout: now,
                channel: None,
                bytes: 0,
                up_bytes: 0,
                up_messages: 0,
                up_first: None,
                up_last: None,
                down: None,
                end: None,
            },
        );
        self.events.push_back(Event::Answer {
            peer: id,
            sdp: answer.to_sdp_string(),
        });
        self.drain(now, id);
        Ok(())
    }

    /// A packet for probe `id` (see [`Probes::owner`]). Returns whether it took it.
    ///
    /// STUN must pass `Rtc::accepts` (the ufrag and integrity). Anything else comes from an
    /// address the probe learnt from STUN, and is taken even before our side of ICE has
    /// nominated a pair: the client's first DTLS flight often arrives in that gap, and
    /// `accepts` would drop it, costing a DTLS retransmission (about a second).
    pub(crate) fn receive(
        &mut self,
        now: Instant,
        id: PeerId,
        key: (Protocol, SocketAddr),
        stun: bool,
        input: Input<'_>,
    ) -> bool {
        let Some(p) = self.peers.get_mut(&id) else {
            return false;
        };
        if stun && !p.rtc.accepts(&input) {
            return false;
        }
        if !p.addrs.contains(&key) && p.addrs.len() < MAX_ADDRS {
            p.addrs.push(key);
            self.addrs.insert(key, id);
        }
        if let Err(e) = p.rtc.handle_input(input) {
            tracing::debug!(peer = %id, "probe input rejected: {e}");
        }
        self.drain(now, id);
        true
    }

    /// Drive every probe whose deadline is due; remove those whose lifetime is over.
    pub(crate) fn handle_timeout(&mut self, now: Instant) {
        let ids: Vec<PeerId> = self.peers.keys().copied().collect();
        for id in ids {
            let Some(p) = self.peers.get_mut(&id) else {
                continue;
            };
            if now >= p.ends_at {
                p.end.get_or_insert(ProbeEnd::Duration);
            } else if p.rtc_timeout <= now {
                if let Err(e) = p.rtc.handle_input(Input::Timeout(now)) {
                    tracing::debug!(peer = %id, "probe timeout failed: {e}");
                }
            }
            self.drain(now, id);
        }
    }

    /// The earliest deadline of any probe.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.peers
            .values()
            .map(|p| {
                let pace = p.down.as_ref().map_or(p.ends_at, |d| d.next.min(d.until));
                p.rtc_timeout.min(p.ends_at).min(pace)
            })
            .min()
    }

    /// Close and forget probe `id` now (the caller's [`Command::RemovePeer`](crate::Command)).
    pub(crate) fn remove(&mut self, now: Instant, id: PeerId) -> bool {
        let Some(p) = self.peers.get_mut(&id) else {
            return false;
        };
        p.end.get_or_insert(ProbeEnd::Closed);
        self.drain(now, id);
        true
    }

    /// Poll `id`'s `Rtc` to its timeout, answer its messages, pace its filler, end it if due.
    fn drain(&mut self, now: Instant, id: PeerId) {
        let Some(p) = self.peers.get_mut(&id) else {
            return;
        };
        // A few rounds: answering a message is a write, and every write needs a poll.
        for _ in 0..4 {
            let mut messages = Vec::new();
            loop {
                match p.rtc.poll_output() {
                    Ok(str0m::Output::Transmit(t)) => {
                        // Our STUN checks go to the client's candidates: their answers
                        // (which name no ufrag) find the probe by address.
                        let key = (t.proto, t.destination);
                        if t.contents.first().is_some_and(|b| *b < 2)
                            && !p.addrs.contains(&key)
                            && p.addrs.len() < MAX_ADDRS
                        {
                            p.addrs.push(key);
                            self.addrs.insert(key, id);
                        }
                        self.transmits.push_back(t.into());
                    }
                    Ok(str0m::Output::Timeout(t)) => {
                        p.rtc_timeout = t;
                        break;
                    }
                    Ok(str0m::Output::Event(e)) => match e {
                        str0m::Event::Connected => {
                            self.events.push_back(Event::Connected { peer: id });
                        }
                        str0m::Event::IceConnectionStateChange(
                            IceConnectionState::Disconnected,
                        ) => {
                            p.end.get_or_insert(ProbeEnd::Failed);
                        }
                        str0m::Event::ChannelOpen(c, _) => {
                            p.channel.get_or_insert(c);
                        }
                        str0m::Event::ChannelClose(c) if Some(c) == p.channel => {
                            p.end.get_or_insert(ProbeEnd::Closed);
                        }
                        str0m::Event::ChannelData(d) if Some(d.id) == p.channel => {
                            messages.push(d.data);
                        }
                        _ => {}
                    },
                    Err(e) => {
                        tracing::debug!(peer = %id, "probe rtc failed: {e}");
                        p.end.get_or_insert(ProbeEnd::Failed);
                        p.rtc_timeout = now + Duration::from_secs(3600);
                        break;
                    }
                }
            }
            if !p.rtc.is_alive() {
                p.end.get_or_insert(ProbeEnd::Closed);
            }
            let wrote = p.end.is_none() && (p.answer(now, &messages) | p.pace(now));
            if !wrote {
                break;
            }
        }
        if let Some(reason) = p.end {
            let bytes = p.bytes;
            self.close(id);
            self.events.push_back(Event::ProbeEnded {
                peer: id,
                reason,
                bytes,
            });
        }
    }

    /// Say goodbye (bounded) and forget the probe.
    fn close(&mut self, id: PeerId) {
        let Some(mut p) = self.peers.remove(&id) else {
            return;
        };
        if p.rtc.close().is_ok() {
            for _ in 0..1000 {
                match p.rtc.poll_output() {
                    Ok(str0m::Output::Transmit(t)) => self.transmits.push_back(t.into()),
                    Ok(str0m::Output::Event(_)) => {}
                    Ok(str0m::Output::Timeout(_)) | Err(_) => break,
                }
            }
        }
        if self.ufrags.get(&p.ufrag) == Some(&id) {
            self.ufrags.remove(&p.ufrag);
        }
        for key in &p.addrs {
            if self.addrs.get(key) == Some(&id) {
                self.addrs.remove(key);
            }
        }
    }
}

impl ProbePeer {
    /// Count `n` data channel bytes; past the cap the probe ends. Returns whether it may go on.
    fn count(&mut self, n: usize) -> bool {
        self.bytes += n as u64;
        if self.bytes > self.limits.max_bytes {
            self.end.get_or_insert(ProbeEnd::Bytes);
            return false;
        }
        true
    }

    /// Write one message on the channel (dropped if SCTP's buffer is full, like a lost one).
    fn write(&mut self, msg: &[u8]) -> bool {
        let Some(c) = self.channel else {
            return false;
        };
        if !self.count(msg.len()) {
            return false;
        }
        match self.rtc.channel(c).map(|mut ch| ch.write(true, msg)) {
            Some(Ok(true)) => true,
            Some(Ok(false)) | None => false,
            Some(Err(e)) => {
                tracing::debug!("probe write failed: {e}");
                false
            }
        }
    }

    /// Act on the client's messages. Returns whether anything was written.
    fn answer(&mut self, now: Instant, messages: &[Vec<u8>]) -> bool {
        let mut wrote = false;
        for m in messages {
            if self.end.is_some() || !self.count(m.len()) {
                break;
            }
            if m.len() > MAX_MESSAGE {
                continue;
            }
            match m.first() {
                Some(&ECHO) => wrote |= self.write(m),
                Some(&UP) => {
                    self.up_bytes += m.len() as u64;
                    self.up_messages += 1;
                    self.up_first.get_or_insert(now);
                    self.up_last = Some(now);
                }
                Some(&DOWN) if m.len() >= 11 => {
                    let kbps = u64::from(be_u32(&m[1..5]));
                    let ms = u64::from(be_u32(&m[5..9]));
                    let size = usize::from(u16::from_be_bytes([m[9], m[10]]));
                    let rate = (kbps * 1000).clamp(8_000, self.limits.max_rate_bps);
                    self.down = Some(Down {
                        rate,
                        size: size.clamp(16, MAX_MESSAGE),
                        next: now,
                        until: (now + Duration::from_millis(ms)).min(self.ends_at),
                        seq: 0,
                    });
                }
                Some(&STATS) => {
                    let span = match (self.up_first, self.up_last) {
                        (Some(a), Some(b)) => b.duration_since(a).as_micros() as u64,
                        _ => 0,
                    };
                    let mut r = vec![STATS];
                    r.extend_from_slice(&self.up_bytes.to_be_bytes());
                    r.extend_from_slice(&self.up_messages.to_be_bytes());
                    r.extend_from_slice(&span.to_be_bytes());
                    wrote |= self.write(&r);
                }
                Some(&LEVEL) if m.len() >= 7 => {
                    let rtt = Duration::from_millis(u64::from(be_u32(&m[1..5])));
                    let loss = f32::from(u16::from_be_bytes([m[5], m[6]])) / 1000.0;
                    let level = quality_level(Some(loss), Some(rtt));
                    wrote |= self.write(&[LEVEL, level]);
                }
                _ => {}
            }
        }
        wrote
    }

    /// Send the filler that is due. Returns whether anything was written.
    fn pace(&mut self, now: Instant) -> bool {
        let Some(mut d) = self.down.take() else {
            return false;
        };
        if now >= d.until {
            return false;
        }
        let mut wrote = false;
        let mut burst = 0;
        while d.next <= now && burst < MAX_BURST && self.end.is_none() {
            let mut msg = vec![0u8; d.size];
            msg[0] = FILL;
            msg[1..5].copy_from_slice(&d.seq.to_be_bytes());
            d.seq = d.seq.wrapping_add(1);
            wrote |= self.write(&msg);
            d.next += Duration::from_nanos(d.size as u64 * 8 * 1_000_000_000 / d.rate);
            burst += 1;
        }
        // Behind by more than a burst: do not try to catch up later in one go.
        if d.next + Duration::from_millis(50) < now {
            d.next = now;
        }
        self.down = Some(d);
        wrote
    }
}

fn be_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}
