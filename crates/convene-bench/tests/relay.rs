//! The relay delivers every datagram to every receiver that wants it, and the copies open
//! with the receiver's key to exactly the publisher's plaintext.

use std::net::{SocketAddrV4, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use convene_bench::cipher::{PacketKey, INGRESS_KEY};
use convene_bench::load::{self, LoadOptions, MediaShape};
use convene_bench::wire::{self, Header, AUDIO_TRACK, HEADER_LEN, VIDEO_TRACK_BASE};
use convene_bench::{Relay, RelayConfig};

/// A relay on its own thread, stopped when dropped.
struct Running {
    addr: std::net::SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Running {
    fn start(audio_slots: u16) -> Running {
        let config = RelayConfig {
            audio_slots,
            ..RelayConfig::default()
        };
        let mut relay = Relay::bind(SocketAddrV4::new([127, 0, 0, 1].into(), 0), config).unwrap();
        let addr = relay.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let thread = thread::spawn(move || relay.run(&s).unwrap());
        Running {
            addr,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

fn receiver(relay: std::net::SocketAddr, index: u32, layer: u8) -> UdpSocket {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.connect(relay).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let hello = wire::hello(index, layer);
    s.send(&hello).unwrap();
    let mut buf = [0u8; 64];
    let n = s.recv(&mut buf).unwrap();
    assert_eq!(buf[..n], hello, "the relay echoes the hello");
    s
}

fn sealed(publisher: u16, track: u8, seq: u32, payload: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut p = vec![0u8; HEADER_LEN];
    Header {
        track,
        publisher,
        seq,
        ssrc: 99,
        sent_at_ns: 1_000 + u64::from(seq),
    }
    .write(&mut p);
    p.extend_from_slice(payload);
    let clear = p.clone();
    PacketKey::new(INGRESS_KEY).seal(&mut p);
    (clear, p)
}

#[test]
fn every_packet_reaches_every_receiver_and_opens_to_the_input() {
    let relay = Running::start(3);
    let receivers: Vec<UdpSocket> = (0..3).map(|i| receiver(relay.addr, i, 1)).collect();
    let publisher = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut sent = Vec::new();
    for seq in 0..20u32 {
        // Alternately audio and the receivers' layer (1), with distinct payloads.
        let track = if seq % 2 == 0 {
            AUDIO_TRACK
        } else {
            VIDEO_TRACK_BASE + 1
        };
        let payload: Vec<u8> = (0..100 + seq).map(|b| (b ^ seq) as u8).collect();
        let (clear, datagram) = sealed(0, track, seq, &payload);
        publisher.send_to(&datagram, relay.addr).unwrap();
        sent.push(clear);
    }
    // Not wanted: another layer, and audio beyond the audio slots; and garbage.
    publisher
        .send_to(
            &sealed(0, VIDEO_TRACK_BASE + 2, 100, b"layer 2").1,
            relay.addr,
        )
        .unwrap();
    publisher
        .send_to(&sealed(3, AUDIO_TRACK, 0, b"fourth speaker").1, relay.addr)
        .unwrap();
    let (_, mut forged) = sealed(0, AUDIO_TRACK, 200, b"forged");
    forged[HEADER_LEN] ^= 1;
    publisher.send_to(&forged, relay.addr).unwrap();
    let (last_clear, last) = sealed(1, AUDIO_TRACK, 0, b"the end");
    publisher.send_to(&last, relay.addr).unwrap();
    sent.push(last_clear);

    for (i, r) in receivers.iter().enumerate() {
        let key = PacketKey::for_receiver(i as u32);
        let mut buf = [0u8; 2048];
        for want in &sent {
            let n = r.recv(&mut buf).expect("every copy arrives, in order");
            let mut got = buf[..n].to_vec();
            let h = Header::read(&got).unwrap();
            assert_eq!(h.ssrc, i as u32, "the stream id is rewritten per receiver");
            let plain = key.open(&mut got).expect("sealed with the receiver's key");
            let mut want = want.clone();
            wire::rewrite_ssrc(&mut want, i as u32);
            assert_eq!(got[..HEADER_LEN + plain], want[..]);
        }
        r.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        assert!(r.recv(&mut buf).is_err(), "nothing more for receiver {i}");
    }
}

#[test]
fn the_load_at_small_size_counts_every_copy() {
    let relay = Running::start(3);
    let report = load::run(&LoadOptions {
        relay: relay.addr,
        relay_pid: Some(std::process::id()),
        publishers: 2,
        subscribers: 3,
        warmup: Duration::from_millis(200),
        duration: Duration::from_secs(1),
        layer: 1,
        audio_slots: 3,
        media: MediaShape::default(),
    })
    .unwrap();
    // Per second: 2 publishers × (50 audio + 40 layer-1 video) × 3 receivers = 540.
    assert!(report.egress_packets > 400, "{report:?}");
    assert_eq!(report.loss_percent, 0.0, "{report:?}");
    assert!(
        report.ingress_packets > 0 && report.latency_ms.max > 0.0,
        "{report:?}"
    );
    assert!(report.server_cpu_us_per_packet.is_some(), "{report:?}");
    let json = serde_json::to_value(&report).unwrap();
    for field in [
        "egressPackets",
        "egressPacketsPerSec",
        "serverCpuSecs",
        "serverCpuUsPerPacket",
        "lossPercent",
        "loadCpuSecs",
    ] {
        assert!(json.get(field).is_some(), "{field} in {json}");
    }
}
