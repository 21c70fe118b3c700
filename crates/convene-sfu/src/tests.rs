//! Sans-IO tests of the core: str0m clients and the [`Sfu`] exchange datagrams in memory on
//! a virtual clock. No sockets, no sleeping: seconds of media run in milliseconds.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::change::SdpAnswer;
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event as RtcEvent, Input, Output as RtcOutput, Rtc};

use crate::{Command, Event, Output, PeerId, RoomId, Sfu, TrackKind};

struct Client {
    addr: SocketAddr,
    rtc: Rtc,
    send_mid: Option<Mid>,
    recv_mid: Option<Mid>,
    received: Vec<Vec<u8>>,
    timeout: Instant,
}

struct World {
    now: Instant,
    sfu: Sfu,
    clients: Vec<Client>,
    events: Vec<Event>,
    /// Datagrams in flight: (from, to, bytes).
    net: VecDeque<(SocketAddr, SocketAddr, Vec<u8>)>,
}

const SFU: &str = "10.0.0.1:5000";

impl World {
    fn new() -> World {
        let now = Instant::now();
        World {
            now,
            sfu: Sfu::new(SFU.parse().unwrap(), now),
            clients: Vec::new(),
            events: Vec::new(),
            net: VecDeque::new(),
        }
    }

    /// Join a client publishing audio (`publish`) and/or with one audio slot (`listen`).
    fn join(&mut self, user: u32, publish: bool, listen: bool) -> usize {
        let addr: SocketAddr = format!("10.0.0.{}:6000", 10 + user).parse().unwrap();
        let mut rtc = Rtc::builder()
            .clear_codecs()
            .enable_opus(true, false)
            .build(self.now);
        rtc.add_local_candidate(Candidate::host(addr, "udp").unwrap());
        let mut api = rtc.sdp_api();
        let send_mid =
            publish.then(|| api.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None));
        let recv_mid =
            listen.then(|| api.add_media(MediaKind::Audio, Direction::RecvOnly, None, None, None));
        let (offer, pending) = api.apply().unwrap();
        let peer = PeerId(u64::from(user));
        self.command(Command::AddPeer {
            peer,
            room: RoomId("r".into()),
            user_id: user,
        });
        self.command(Command::SetAudioAllowed {
            peer,
            allowed: true,
        });
        self.command(Command::Offer {
            peer,
            sdp: offer.to_sdp_string(),
            share_mids: vec![],
        });
        let answer = self
            .events
            .iter()
            .find_map(|e| match e {
                Event::Answer { peer: p, sdp } if *p == peer => Some(sdp.clone()),
                _ => None,
            })
            .unwrap();
        let answer = SdpAnswer::from_sdp_string(&answer).unwrap();
        rtc.sdp_api().accept_answer(pending, answer).unwrap();
        self.clients.push(Client {
            addr,
            rtc,
            send_mid,
            recv_mid,
            received: Vec::new(),
            timeout: self.now,
        });
        self.clients.len() - 1
    }

    fn command(&mut self, c: Command) {
        self.sfu.handle_command(self.now, c);
        self.drain_sfu();
    }

    fn drain_sfu(&mut self) -> Instant {
        loop {
            match self.sfu.poll_output() {
                Output::Transmit(t) => {
                    self.net
                        .push_back((self.sfu.local_addr(), t.destination, t.contents))
                }
                Output::Event(e) => self.events.push(e),
                Output::Timeout(t) => return t,
            }
        }
    }

    fn drain_client(&mut self, i: usize) {
        let c = &mut self.clients[i];
        loop {
            match c.rtc.poll_output().unwrap() {
                RtcOutput::Transmit(t) => {
                    self.net
                        .push_back((c.addr, t.destination, t.contents.into()))
                }
                RtcOutput::Event(RtcEvent::MediaData(d)) => c.received.push(d.data.to_vec()),
                RtcOutput::Event(_) => {}
                RtcOutput::Timeout(t) => {
                    c.timeout = t;
                    return;
                }
            }
        }
    }

    /// Write one 20 ms audio frame from client `i` at `level`.
    fn speak(&mut self, i: usize, n: u64, level: i8) {
        let c = &mut self.clients[i];
        let Some(mid) = c.send_mid else { return };
        if !c.rtc.is_connected() {
            return;
        }
        let w = c.rtc.writer(mid).unwrap();
        let pt = w
            .payload_params()
            .find(|p| p.spec().codec == Codec::Opus)
            .unwrap()
            .pt();
        let frame = [n.to_be_bytes().as_slice(), &[i as u8; 40]].concat();
        w.audio_level(level, true)
            .write(
                pt,
                self.now,
                MediaTime::new(n * 960, Frequency::FORTY_EIGHT_KHZ),
                frame,
            )
            .unwrap();
        self.drain_client(i);
    }

    /// Run `duration` of virtual time; every 20 ms each publisher `i` speaks at `levels[i]`.
    fn run(&mut self, duration: Duration, levels: &[i8], frame: &mut u64) {
        let end = self.now + duration;
        let mut next_frame = self.now;
        while self.now < end {
            // Deliver everything in flight (zero latency network).
            while let Some((from, to, data)) = self.net.pop_front() {
                if to == self.sfu.local_addr() {
                    self.sfu.handle_receive(self.now, from, &data);
                    self.drain_sfu();
                } else if let Some(i) = self.clients.iter().position(|c| c.addr == to) {
                    let r = Receive::new(Protocol::Udp, from, to, &data).unwrap();
                    self.clients[i]
                        .rtc
                        .handle_input(Input::Receive(self.now, r))
                        .unwrap();
                    self.drain_client(i);
                }
            }
            let sfu_t = self.drain_sfu();
            let next = self
                .clients
                .iter()
                .map(|c| c.timeout)
                .fold(sfu_t.min(next_frame), Instant::min);
            // Always move forward a little, so a deadline of "now" cannot stall the loop.
            self.now = next.max(self.now + Duration::from_micros(100)).min(end);
            self.sfu.handle_timeout(self.now);
            self.drain_sfu();
            for i in 0..self.clients.len() {
                if self.clients[i].timeout <= self.now {
                    self.clients[i]
                        .rtc
                        .handle_input(Input::Timeout(self.now))
                        .unwrap();
                    self.drain_client(i);
                }
            }
            if self.now >= next_frame {
                for (i, level) in levels.iter().enumerate() {
                    self.speak(i, *frame, *level);
                }
                *frame += 1;
                next_frame = self.now + Duration::from_millis(20);
            }
        }
    }
}

#[test]
fn audio_forwarded_bit_exact_and_host_mute_in_virtual_time() {
    let real_start = Instant::now();
    let mut w = World::new();
    let a = w.join(1, true, false);
    let b = w.join(2, false, true);
    let mut frame = 0;
    w.run(Duration::from_secs(3), &[-20], &mut frame);

    assert!(w.events.iter().any(|e| matches!(
        e,
        Event::SlotAssigned {
            peer: PeerId(2),
            user: Some(1),
            kind: TrackKind::Audio,
            ..
        }
    )));
    let got = &w.clients[b].received;
    assert!(got.len() > 100, "received {} frames", got.len());
    // Frames arrive unmodified and in order.
    for pair in got.windows(2) {
        let n0 = u64::from_be_bytes(pair[0][..8].try_into().unwrap());
        let n1 = u64::from_be_bytes(pair[1][..8].try_into().unwrap());
        assert_eq!(n1, n0 + 1);
    }
    assert!(got.iter().all(|f| f[8..] == [a as u8; 40]));
    assert!(w.events.iter().any(|e| matches!(
        e,
        Event::ActiveSpeakers { users, .. } if users == &[1]
    )));
    // The counters saw it: audio in, one forwarded copy per packet (one listener), str0m's
    // egress figures for the audio slot; no video or share.
    let s = w.sfu.stats().snapshot();
    assert_eq!(s.peers, 2);
    assert!(s.rtp_packets_in[0] >= got.len() as u64, "{s:?}");
    assert!(s.rtp_bytes_in[0] >= 48 * got.len() as u64, "{s:?}");
    assert_eq!(s.forwarded_packets, s.rtp_packets_in[0], "{s:?}");
    assert!(s.rtp_packets_out[0] > 0 && s.rtp_bytes_out[0] > 0, "{s:?}");
    assert_eq!(s.rtp_packets_in[1] + s.rtp_packets_in[2], 0, "{s:?}");

    // Host mute: nothing more arrives.
    w.command(Command::SetAudioAllowed {
        peer: PeerId(1),
        allowed: false,
    });
    w.run(Duration::from_millis(100), &[-20], &mut frame);
    let muted_at = w.clients[b].received.len();
    let forwarded = w.sfu.stats().snapshot().forwarded_packets;
    w.run(Duration::from_secs(2), &[-20], &mut frame);
    assert_eq!(w.clients[b].received.len(), muted_at);
    // Muted audio still comes in, but is not forwarded.
    let s = w.sfu.stats().snapshot();
    assert_eq!(s.forwarded_packets, forwarded, "{s:?}");
    assert!(s.rtp_packets_in[0] > forwarded, "{s:?}");

    w.command(Command::SetAudioAllowed {
        peer: PeerId(1),
        allowed: true,
    });
    w.run(Duration::from_secs(1), &[-20], &mut frame);
    assert!(w.clients[b].received.len() > muted_at + 30);

    // Six seconds of media in (much) less real time.
    assert!(real_start.elapsed() < Duration::from_secs(6));
    let _ = w.clients[a].recv_mid;
}

#[test]
fn random_datagrams_and_offers_never_panic() {
    let mut w = World::new();
    w.join(1, true, false);
    let b = w.join(2, false, true);
    let mut frame = 0;
    w.run(Duration::from_secs(1), &[-20], &mut frame);
    let before = w.clients[b].received.len();
    assert!(before > 0);

    // xorshift: deterministic garbage shaped like STUN, DTLS, RTP and RTCP.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let sources: Vec<SocketAddr> = vec![
        w.clients[0].addr,
        w.clients[1].addr,
        "10.9.9.9:1234".parse().unwrap(),
    ];
    for i in 0..20_000 {
        let len = (next() % 1400) as usize;
        let mut data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if let Some(first) = data.first_mut() {
            *first = [0x00, 0x01, 0x16, 0x17, 0x80, 0x90, 0x81][i % 7];
        }
        if data.len() > 1 && i % 3 == 0 {
            data[1] = 200 + (i % 7) as u8; // RTCP packet types
        }
        let from = sources[i % sources.len()];
        w.sfu.handle_receive(w.now, from, &data);
        w.drain_sfu();
    }
    for sdp in [
        "",
        "v=0",
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n",
        "\u{0}\u{1}garbage",
    ] {
        w.command(Command::Offer {
            peer: PeerId(2),
            sdp: sdp.into(),
            share_mids: vec!["x".into()],
        });
    }
    w.command(Command::Candidate {
        peer: PeerId(2),
        candidate: "candidate:1 1 udp x".into(),
    });
    assert!(w.events.iter().any(|e| matches!(
        e,
        Event::Error {
            peer: PeerId(2),
            ..
        }
    )));

    // Media still flows.
    w.run(Duration::from_secs(1), &[-20], &mut frame);
    assert!(w.clients[b].received.len() > before + 30);
}

/// The answer's candidates for a peer joined to `sfu`.
fn answer_candidates(sfu: &mut Sfu, now: Instant) -> Vec<String> {
    let mut rtc = Rtc::builder()
        .clear_codecs()
        .enable_opus(true, false)
        .build(now);
    rtc.add_local_candidate(Candidate::host("10.0.0.9:6000".parse().unwrap(), "udp").unwrap());
    let mut api = rtc.sdp_api();
    api.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
    let (offer, _pending) = api.apply().unwrap();
    let peer = PeerId(1);
    sfu.handle_command(
        now,
        Command::AddPeer {
            peer,
            room: RoomId("r".into()),
            user_id: 1,
        },
    );
    sfu.handle_command(
        now,
        Command::Offer {
            peer,
            sdp: offer.to_sdp_string(),
            share_mids: vec![],
        },
    );
    let mut answer = None;
    loop {
        match sfu.poll_output() {
            Output::Event(Event::Answer { sdp, .. }) => answer = Some(sdp),
            Output::Event(_) | Output::Transmit(_) => {}
            Output::Timeout(_) => break,
        }
    }
    answer
        .unwrap()
        .split("\r\n")
        .filter(|l| l.starts_with("a=candidate"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn tcp_candidate_only_when_enabled() {
    let now = Instant::now();
    let mut udp_only = Sfu::new(SFU.parse().unwrap(), now);
    let cands = answer_candidates(&mut udp_only, now);
    assert_eq!(cands.len(), 1, "{cands:?}");
    assert!(cands[0].contains(" udp "), "{cands:?}");
    // A TCP frame without a TCP candidate is ignored.
    udp_only.handle_receive_tcp(now, "10.0.0.9:7000".parse().unwrap(), &[0, 1, 0, 0]);

    let mut with_tcp = Sfu::new(SFU.parse().unwrap(), now);
    with_tcp.set_tcp_addr(Some("10.0.0.1:5001".parse().unwrap()));
    let cands = answer_candidates(&mut with_tcp, now);
    assert_eq!(cands.len(), 2, "{cands:?}");
    assert!(
        cands.iter().any(|c| c.contains(" tcp ")
            && c.contains("10.0.0.1 5001")
            && c.contains("tcptype passive")),
        "{cands:?}"
    );
    // Random frames on a TCP connection never panic.
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for i in 0..2000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = (x % 300) as usize;
        let data: Vec<u8> = (0..len).map(|j| (x >> (j % 56)) as u8).collect();
        let from: SocketAddr = format!("10.0.0.9:{}", 7000 + i % 5).parse().unwrap();
        with_tcp.handle_receive_tcp(now, from, &data);
        while let Output::Event(_) | Output::Transmit(_) = with_tcp.poll_output() {}
    }
}

#[test]
fn demultiplexing_and_polling_touch_only_the_peers_concerned() {
    let mut w = World::new();
    let a = w.join(1, true, false);
    let b = w.join(2, false, true);
    // Silent publishers: peers with nothing to do with A's packets.
    for user in 3..40 {
        w.join(user, true, false);
    }
    let mut frame = 0;
    w.run(Duration::from_secs(2), &[-20], &mut frame);
    assert!(w.clients[b].received.len() > 50);

    // From an unknown source: an RTP-looking datagram, and a STUN check naming no peer's
    // ufrag. No peer is asked, none is polled.
    let stranger: SocketAddr = "10.9.9.9:1234".parse().unwrap();
    let rtp = [0x80u8, 111, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 1, 2, 3, 4];
    let mut stun = vec![0x00, 0x01, 0x00, 0x0c, 0x21, 0x12, 0xa4, 0x42];
    stun.extend_from_slice(&[7; 12]);
    stun.extend_from_slice(&[0x00, 0x06, 0x00, 0x09]);
    stun.extend_from_slice(b"nope:zzzz\0\0\0");
    w.sfu.work_log = Default::default();
    w.sfu.handle_receive(w.now, stranger, &rtp);
    w.sfu.handle_receive(w.now, stranger, &stun);
    assert_eq!(w.sfu.work_log.probes, 0);
    assert!(w.sfu.work_log.drained.is_empty());
    w.drain_sfu();

    // One audio packet from A: one peer asked (A), and only A and its listener B polled.
    w.net.clear();
    let (from, data) = (0..100)
        .find_map(|n| {
            w.speak(a, frame + n, -20);
            // Let A's pacer release it.
            w.now = w.now.max(w.clients[a].timeout);
            let now = w.now;
            w.clients[a].rtc.handle_input(Input::Timeout(now)).unwrap();
            w.drain_client(a);
            // RTP: version 2, not an RTCP packet type (200..=206).
            let i = w.net.iter().position(|(_, _, d)| {
                d.len() > 12 && d[0] >> 6 == 2 && !(200..=206).contains(&d[1])
            })?;
            w.net.remove(i).map(|(from, _, data)| (from, data))
        })
        .expect("A sends RTP");
    w.sfu.work_log = Default::default();
    w.sfu.handle_receive(w.now, from, &data);
    assert_eq!(w.sfu.work_log.probes, 1);
    let mut drained = w.sfu.work_log.drained.clone();
    drained.sort();
    drained.dedup();
    assert!(
        drained.iter().all(|p| [PeerId(1), PeerId(2)].contains(p)),
        "{drained:?}"
    );

    // A timeout polls only the peers whose deadline is due.
    let next = w.drain_sfu();
    w.sfu.work_log = Default::default();
    w.sfu.handle_timeout(next);
    assert!(
        w.sfu.work_log.drained.len() < 39,
        "every peer polled on one timeout: {:?}",
        w.sfu.work_log.drained
    );
}
