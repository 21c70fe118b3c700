//! The STUN / DTLS / RTP demultiplexer in front of str0m: arbitrary datagrams (UDP, and ICE-TCP
//! frames) fed to a `convene_sfu::Sfu` serving two connected peers, one publishing audio and
//! one listening, from their own addresses and from addresses no peer has.
//!
//! Each run first connects two real str0m clients in memory (ICE, DTLS, SRTP) and keeps every
//! datagram they sent, so that inputs can also replay those with a byte changed (STUN with the
//! right ufrag, DTLS records, SRTP) instead of stopping at the first check. Nothing may panic,
//! and when every datagram came from an address no peer has, the audio must still flow.
#![no_main]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use arbitrary::Arbitrary;
use convene_sfu::{Command, Event, Output, PeerId, RoomId, Sfu};
use libfuzzer_sys::fuzz_target;
use str0m::change::SdpAnswer;
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event as RtcEvent, Input, Output as RtcOutput, Rtc};

const SFU: &str = "10.0.0.1:5000";
const STRANGER: &str = "10.9.9.9:1234";

#[derive(Debug, Arbitrary)]
enum Op {
    /// Bytes from a peer's address (`from` 0 or 1) or a stranger's (anything else).
    Raw { from: u8, tcp: bool, bytes: Vec<u8> },
    /// The `nth` datagram a client sent during the handshake and first media, with the byte
    /// at `at` xored with `xor`, sent from `from` as above.
    Mutate {
        nth: u16,
        at: u16,
        xor: u8,
        from: u8,
    },
    /// Time passes (and the publisher speaks).
    Wait { ms: u8 },
}

struct Client {
    addr: SocketAddr,
    rtc: Rtc,
    send_mid: Option<Mid>,
    received: usize,
    timeout: Instant,
}

struct World {
    now: Instant,
    sfu: Sfu,
    clients: Vec<Client>,
    /// In flight: (from, to, bytes).
    net: VecDeque<(SocketAddr, SocketAddr, Vec<u8>)>,
    /// Every datagram a client sent to the SFU.
    sent: Vec<Vec<u8>>,
    frame: u64,
}

impl World {
    fn new() -> World {
        let now = Instant::now();
        let mut sfu = Sfu::new(SFU.parse().expect("an address"), now);
        sfu.set_tcp_addr(Some(SFU.parse().expect("an address")));
        let mut w = World {
            now,
            sfu,
            clients: Vec::new(),
            net: VecDeque::new(),
            sent: Vec::new(),
            frame: 0,
        };
        w.join(1, true);
        w.join(2, false);
        w
    }

    /// A client publishing one audio track (`publish`) or with one audio slot.
    fn join(&mut self, user: u32, publish: bool) {
        let addr: SocketAddr = format!("10.0.0.{}:6000", 10 + user)
            .parse()
            .expect("an address");
        let mut rtc = Rtc::builder()
            .clear_codecs()
            .enable_opus(true, false)
            .build(self.now);
        rtc.add_local_candidate(Candidate::host(addr, "udp").expect("a host candidate"));
        let mut api = rtc.sdp_api();
        let dir = if publish {
            Direction::SendOnly
        } else {
            Direction::RecvOnly
        };
        let mid = api.add_media(MediaKind::Audio, dir, None, None, None);
        let (offer, pending) = api.apply().expect("an offer");
        let peer = PeerId(u64::from(user));
        let room = RoomId("r".into());
        self.sfu.handle_command(
            self.now,
            Command::AddPeer {
                peer,
                room,
                user_id: user,
            },
        );
        // Permissions fail closed: the session core allows audio of a user in audio, unmuted.
        let allowed = true;
        self.sfu
            .handle_command(self.now, Command::SetAudioAllowed { peer, allowed });
        let sdp = offer.to_sdp_string();
        let share_mids = vec![];
        self.sfu.handle_command(
            self.now,
            Command::Offer {
                peer,
                sdp,
                share_mids,
            },
        );
        let mut answer = None;
        self.drain_sfu(|e| {
            if let Event::Answer { peer: p, sdp } = e {
                if p == peer {
                    answer = Some(sdp);
                }
            }
        });
        let answer = SdpAnswer::from_sdp_string(&answer.expect("the SFU answers"))
            .expect("the answer parses");
        rtc.sdp_api()
            .accept_answer(pending, answer)
            .expect("the answer fits");
        self.clients.push(Client {
            addr,
            rtc,
            send_mid: publish.then_some(mid),
            received: 0,
            timeout: self.now,
        });
    }

    fn drain_sfu(&mut self, mut on_event: impl FnMut(Event)) -> Instant {
        loop {
            match self.sfu.poll_output() {
                Output::Transmit(t) => {
                    self.net
                        .push_back((self.sfu.local_addr(), t.destination, t.contents))
                }
                Output::Event(e) => on_event(e),
                Output::Timeout(t) => return t,
            }
        }
    }

    fn drain_client(&mut self, i: usize) {
        let c = &mut self.clients[i];
        loop {
            match c.rtc.poll_output() {
                Ok(RtcOutput::Transmit(t)) => {
                    self.net
                        .push_back((c.addr, t.destination, t.contents.into()))
                }
                Ok(RtcOutput::Event(RtcEvent::MediaData(_))) => c.received += 1,
                Ok(RtcOutput::Event(_)) => {}
                Ok(RtcOutput::Timeout(t)) => {
                    c.timeout = t;
                    return;
                }
                // Not what is fuzzed: a client that fails just stops talking.
                Err(_) => {
                    c.timeout = self.now + Duration::from_secs(3600);
                    return;
                }
            }
        }
    }

    fn speak(&mut self) {
        let now = self.now;
        let n = self.frame;
        self.frame += 1;
        let c = &mut self.clients[0];
        let Some(mid) = c.send_mid else { return };
        if !c.rtc.is_connected() {
            return;
        }
        let Some(w) = c.rtc.writer(mid) else { return };
        let Some(pt) = w
            .payload_params()
            .find(|p| p.spec().codec == Codec::Opus)
            .map(|p| p.pt())
        else {
            return;
        };
        let time = MediaTime::new(n * 960, Frequency::FORTY_EIGHT_KHZ);
        if w.audio_level(-20, true)
            .write(pt, now, time, vec![7; 40])
            .is_ok()
        {
            self.drain_client(0);
        }
    }

    /// Runs `duration` of virtual time on a lossless network; the publisher speaks every 20 ms.
    fn run(&mut self, duration: Duration) {
        let end = self.now + duration;
        let mut next_frame = self.now;
        while self.now < end {
            while let Some((from, to, data)) = self.net.pop_front() {
                if to == self.sfu.local_addr() {
                    self.sent.push(data.clone());
                    self.sfu.handle_receive(self.now, from, &data);
                    self.drain_sfu(drop);
                } else if let Some(i) = self.clients.iter().position(|c| c.addr == to) {
                    let Ok(r) = Receive::new(Protocol::Udp, from, to, &data) else {
                        continue;
                    };
                    let _ = self.clients[i]
                        .rtc
                        .handle_input(Input::Receive(self.now, r));
                    self.drain_client(i);
                }
            }
            let sfu_t = self.drain_sfu(drop);
            let next = self
                .clients
                .iter()
                .map(|c| c.timeout)
                .fold(sfu_t.min(next_frame), Instant::min);
            self.now = next.max(self.now + Duration::from_micros(100)).min(end);
            self.sfu.handle_timeout(self.now);
            self.drain_sfu(drop);
            for i in 0..self.clients.len() {
                if self.clients[i].timeout <= self.now {
                    let _ = self.clients[i].rtc.handle_input(Input::Timeout(self.now));
                    self.drain_client(i);
                }
            }
            if self.now >= next_frame {
                self.speak();
                next_frame = self.now + Duration::from_millis(20);
            }
        }
    }

    fn source(&self, from: u8) -> SocketAddr {
        match self.clients.get(usize::from(from)) {
            Some(c) => c.addr,
            None => STRANGER.parse().expect("an address"),
        }
    }

    /// Delivers `bytes` to the SFU; true when they came from a peer's address.
    fn inject(&mut self, from: u8, tcp: bool, bytes: &[u8]) -> bool {
        let source = self.source(from);
        if tcp {
            self.sfu.handle_receive_tcp(self.now, source, bytes);
        } else {
            self.sfu.handle_receive(self.now, source, bytes);
        }
        self.drain_sfu(drop);
        source != STRANGER.parse::<SocketAddr>().expect("an address")
    }
}

fuzz_target!(|ops: Vec<Op>| {
    let mut w = World::new();
    for _ in 0..50 {
        if w.clients[1].received > 0 {
            break;
        }
        w.run(Duration::from_millis(10));
    }
    assert!(
        w.clients[1].received > 0,
        "the setup connects and forwards audio"
    );

    let mut from_peer = false;
    for op in ops.into_iter().take(64) {
        match op {
            Op::Raw { from, tcp, bytes } => from_peer |= w.inject(from, tcp, &bytes),
            Op::Mutate { nth, at, xor, from } => {
                let mut bytes = w.sent[usize::from(nth) % w.sent.len()].clone();
                if let Some(len) = std::num::NonZeroUsize::new(bytes.len()) {
                    bytes[usize::from(at) % len.get()] ^= xor;
                }
                from_peer |= w.inject(from, false, &bytes);
            }
            Op::Wait { ms } => w.run(Duration::from_millis(u64::from(ms))),
        }
    }
    if !from_peer {
        let before = w.clients[1].received;
        w.run(Duration::from_millis(200));
        assert!(
            w.clients[1].received > before,
            "strangers' datagrams stopped the audio"
        );
    }
});
