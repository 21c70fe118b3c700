//! The raw relay's load: publishers and receivers shaped like `convene load --scenario
//! forward`, and the measurement, made the same way as every `forward` report's.
//!
//! Per publisher: Opus-shaped audio, one 80-byte packet every 20 ms; VP8-shaped 3-layer
//! simulcast video at 20 frames/s, frames of 400, 1,200 and 3,000 bytes cut into packets of
//! at most 1,100 bytes (the load generator's defaults, packetised as str0m does with its
//! 1,150-byte datagram target: 20 + 40 + 60 packets/s). Each receiver
//! gets one video layer of every publisher, plus the audio of the first three publishers (an
//! SFU's three loudest speakers).
//!
//! The window: after a warm-up, the relay's and this process's CPU (`/proc/PID/stat`) and
//! the packet counters are read; media flows for the duration; sending stops, a short grace
//! lets the last datagrams land, and everything is read again.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use convene_loadtest::{procfs, Percentiles};
use mio::net::UdpSocket as MioSocket;
use mio::{Events, Interest, Poll, Token};

use crate::cipher::{PacketKey, INGRESS_KEY};
use crate::report::Report;
use crate::wire::{self, Header, AUDIO_TRACK, HEADER_LEN, VIDEO_TRACK_BASE};

/// The media each publisher sends.
#[derive(Debug, Clone)]
pub struct MediaShape {
    /// Audio payload bytes, one packet per 20 ms.
    pub audio_bytes: usize,
    /// Video frames per second, per layer.
    pub video_fps: u32,
    /// Frame bytes of the three simulcast layers, lowest first.
    pub video_frame_bytes: [usize; 3],
    /// Largest payload of one packet; bigger frames are cut into equal packets.
    pub mtu: usize,
}

impl Default for MediaShape {
    fn default() -> Self {
        MediaShape {
            audio_bytes: 80,
            video_fps: 20,
            video_frame_bytes: [400, 1200, 3000],
            mtu: 1100,
        }
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The relay.
    pub relay: SocketAddr,
    /// The relay's pid, to read its CPU and memory.
    pub relay_pid: Option<u32>,
    /// Publishers.
    pub publishers: u16,
    /// Receivers.
    pub subscribers: u32,
    /// Media before the window opens.
    pub warmup: Duration,
    /// The measured window.
    pub duration: Duration,
    /// The video layer every receiver gets (0 = lowest).
    pub layer: u8,
    /// How many publishers' audio every receiver gets (must match the relay's).
    pub audio_slots: u16,
    /// The media.
    pub media: MediaShape,
}

/// How long after the last send the receivers are still counted.
const GRACE: Duration = Duration::from_millis(300);

/// Runs the load against a relay that is already listening, and measures.
pub fn run(o: &LoadOptions) -> io::Result<Report> {
    let anchor = Instant::now();
    let receivers = register(o)?;
    let shared = Arc::new(Shared::default());
    let rx = {
        let shared = shared.clone();
        thread::spawn(move || receive(receivers, &shared, anchor))
    };
    let mut senders = Publishers::new(o, anchor)?;
    let started = Instant::now();
    senders.run_until(started + o.warmup)?;

    let cpu = |pid: Option<u32>| pid.map(|p| procfs::cpu_secs(Some(p))).transpose();
    let relay_cpu0 = cpu(o.relay_pid)?;
    let load_cpu0 = procfs::cpu_secs(None)?;
    let (expected0, ingress0) = (senders.expected, senders.sent);
    let received0 = shared.received.load(Ordering::Relaxed);
    shared.measuring.store(true, Ordering::Relaxed);
    let window = Instant::now();
    senders.run_until(window + o.duration)?;
    let (expected1, ingress1) = (senders.expected, senders.sent);
    let duration = window.elapsed();
    thread::sleep(GRACE);
    shared.measuring.store(false, Ordering::Relaxed);
    let received1 = shared.received.load(Ordering::Relaxed);
    let relay_cpu1 = cpu(o.relay_pid)?;
    let load_cpu1 = procfs::cpu_secs(None)?;
    let peak_rss = o
        .relay_pid
        .map(|p| procfs::peak_rss_kib(Some(p)))
        .transpose()?;
    shared.stop.store(true, Ordering::Relaxed);
    let latencies = rx
        .join()
        .map_err(|_| io::Error::other("receiver thread panicked"))??;

    let egress = received1 - received0;
    let expected = expected1 - expected0;
    // Clock ticks are 10 ms: rounding drops the float noise of the subtraction, not data.
    let secs = |d: f64| (d * 1e3).round() / 1e3;
    let server_cpu = relay_cpu0.zip(relay_cpu1).map(|(a, b)| secs(b - a));
    Ok(Report {
        scenario: "forward".into(),
        server: "raw".into(),
        publishers: usize::from(o.publishers),
        subscribers: o.subscribers as usize,
        sessions: 1,
        window_secs: duration.as_secs_f64(),
        ingress_packets: ingress1 - ingress0,
        egress_packets: egress,
        egress_packets_per_sec: egress as f64 / duration.as_secs_f64(),
        loss_percent: if expected == 0 {
            0.0
        } else {
            (expected.saturating_sub(egress) as f64 * 100.0 / expected as f64).max(0.0)
        },
        latency_ms: Percentiles::of(latencies),
        server_cpu_secs: server_cpu,
        server_peak_rss_kib: peak_rss,
        server_cpu_us_per_packet: server_cpu
            .filter(|_| egress > 0)
            .map(|c| c * 1e6 / egress as f64),
        load_cpu_secs: secs(load_cpu1 - load_cpu0),
        load_peak_rss_kib: procfs::peak_rss_kib(None)?,
    })
}

/// Counters the receiver thread shares with the measuring one.
#[derive(Default)]
struct Shared {
    received: AtomicU64,
    measuring: AtomicBool,
    stop: AtomicBool,
}

/// Binds the receivers and registers each with the relay (hello, then its echo).
fn register(o: &LoadOptions) -> io::Result<Vec<UdpSocket>> {
    let mut sockets = Vec::with_capacity(o.subscribers as usize);
    let mut buf = [0u8; 64];
    for i in 0..o.subscribers {
        let s = UdpSocket::bind("127.0.0.1:0")?;
        let _ = socket2::SockRef::from(&s).set_recv_buffer_size(1 << 20);
        s.connect(o.relay)?;
        s.set_read_timeout(Some(Duration::from_millis(200)))?;
        let hello = wire::hello(i, o.layer);
        let acked = (0..10).any(|_| {
            s.send(&hello).is_ok() && matches!(s.recv(&mut buf), Ok(n) if buf[..n] == hello)
        });
        if !acked {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("relay at {} did not acknowledge receiver {i}", o.relay),
            ));
        }
        sockets.push(s);
    }
    Ok(sockets)
}

/// Counts every media datagram; while measuring, also keeps its latency (ms). Ends when
/// `stop` is set; returns the latencies.
fn receive(sockets: Vec<UdpSocket>, shared: &Shared, anchor: Instant) -> io::Result<Vec<f64>> {
    let mut poll = Poll::new()?;
    let mut sockets: Vec<MioSocket> = sockets
        .into_iter()
        .map(|s| {
            s.set_nonblocking(true)?;
            Ok(MioSocket::from_std(s))
        })
        .collect::<io::Result<_>>()?;
    for (i, s) in sockets.iter_mut().enumerate() {
        poll.registry().register(s, Token(i), Interest::READABLE)?;
    }
    let mut events = Events::with_capacity(1024);
    let mut buf = vec![0u8; 65_536];
    let mut latencies = Vec::new();
    while !shared.stop.load(Ordering::Relaxed) {
        match poll.poll(&mut events, Some(Duration::from_millis(50))) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        let measuring = shared.measuring.load(Ordering::Relaxed);
        let mut count = 0;
        for ev in events.iter() {
            let socket = &sockets[ev.token().0];
            loop {
                match socket.recv(&mut buf) {
                    Ok(n) => {
                        let Some(h) = Header::read(&buf[..n]) else {
                            continue;
                        };
                        count += 1;
                        if measuring {
                            let now = anchor.elapsed().as_nanos() as u64;
                            latencies.push(now.saturating_sub(h.sent_at_ns) as f64 / 1e6);
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
        shared.received.fetch_add(count, Ordering::Relaxed);
    }
    Ok(latencies)
}

/// The publishers: one socket each, sending on schedule.
struct Publishers<'a> {
    o: &'a LoadOptions,
    anchor: Instant,
    key: PacketKey,
    sockets: Vec<UdpSocket>,
    /// Next sequence number per publisher and track.
    seqs: Vec<[u32; 4]>,
    next_audio: Vec<Instant>,
    next_video: Vec<Instant>,
    /// Media datagrams sent so far.
    sent: u64,
    /// Copies the receivers should get of what was sent so far.
    expected: u64,
    packet: Vec<u8>,
}

impl<'a> Publishers<'a> {
    fn new(o: &'a LoadOptions, anchor: Instant) -> io::Result<Publishers<'a>> {
        let n = usize::from(o.publishers);
        let now = Instant::now();
        let audio = Duration::from_millis(20);
        let video = Duration::from_secs(1) / o.media.video_fps.max(1);
        let mut sockets = Vec::with_capacity(n);
        for _ in 0..n {
            let s = UdpSocket::bind("127.0.0.1:0")?;
            s.connect(o.relay)?;
            sockets.push(s);
        }
        // Publishers are spread over the period, as independent clients would be.
        let phase = |period: Duration, i: usize| now + period * i as u32 / n.max(1) as u32;
        Ok(Publishers {
            o,
            anchor,
            key: PacketKey::new(INGRESS_KEY),
            sockets,
            seqs: vec![[0; 4]; n],
            next_audio: (0..n).map(|i| phase(audio, i)).collect(),
            next_video: (0..n).map(|i| phase(video, i)).collect(),
            sent: 0,
            expected: 0,
            packet: Vec::with_capacity(2048),
        })
    }

    /// Sends everything due until `end`, sleeping in between.
    fn run_until(&mut self, end: Instant) -> io::Result<()> {
        let audio = Duration::from_millis(20);
        let video = Duration::from_secs(1) / self.o.media.video_fps.max(1);
        loop {
            let now = Instant::now();
            if now >= end {
                return Ok(());
            }
            for p in 0..self.sockets.len() {
                while self.next_audio[p] <= now {
                    self.send(p, AUDIO_TRACK, self.o.media.audio_bytes)?;
                    self.next_audio[p] += audio;
                }
                while self.next_video[p] <= now {
                    for layer in 0..3u8 {
                        let frame = self.o.media.video_frame_bytes[usize::from(layer)];
                        let packets = frame.div_ceil(self.o.media.mtu.max(1)).max(1);
                        for _ in 0..packets {
                            self.send(p, VIDEO_TRACK_BASE + layer, frame / packets)?;
                        }
                    }
                    self.next_video[p] += video;
                }
            }
            let next = self
                .next_audio
                .iter()
                .chain(&self.next_video)
                .min()
                .copied()
                .unwrap_or(end)
                .min(end);
            thread::sleep(next.saturating_duration_since(Instant::now()));
        }
    }

    fn send(&mut self, p: usize, track: u8, payload: usize) -> io::Result<()> {
        let seq = &mut self.seqs[p][usize::from(track)];
        let header = Header {
            track,
            publisher: p as u16,
            seq: *seq,
            ssrc: p as u32,
            sent_at_ns: self.anchor.elapsed().as_nanos() as u64,
        };
        *seq = seq.wrapping_add(1);
        self.packet.clear();
        self.packet.resize(HEADER_LEN + payload, 0xa5);
        header.write(&mut self.packet);
        self.key.seal(&mut self.packet);
        match self.sockets[p].send(&self.packet) {
            Ok(_) => {}
            // The relay's buffer is full: the datagram is lost, and counted as expected.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {}
            Err(e) => return Err(e),
        }
        self.sent += 1;
        let wanted = if track == AUDIO_TRACK {
            p < usize::from(self.o.audio_slots)
        } else {
            track == VIDEO_TRACK_BASE + self.o.layer
        };
        if wanted {
            self.expected += u64::from(self.o.subscribers);
        }
        Ok(())
    }
}
