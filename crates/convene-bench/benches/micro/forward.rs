//! `convene-sfu`: one RTP packet forwarded to one subscriber, through the SFU's sans-IO
//! core ([`Sfu`]) and its public API only. Two str0m clients, a publisher and a subscriber,
//! talk to the SFU in memory on a virtual clock (ICE, DTLS, SRTP: all real, no sockets).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use convene_sfu::{Command, Event, Output, PeerId, RoomId, Sfu};
use divan::Bencher;
use str0m::change::SdpAnswer;
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event as RtcEvent, Input, Output as RtcOutput, Rtc};

const SFU_ADDR: &str = "10.0.0.1:5000";
const PUBLISHER: usize = 0;
const SUBSCRIBER: usize = 1;

/// A str0m client: the publisher (one send-only audio track) or the subscriber (one audio
/// slot).
struct Client {
    addr: SocketAddr,
    rtc: Rtc,
    send_mid: Option<Mid>,
    timeout: Instant,
    /// Audio frames it decrypted and depacketised.
    frames: u64,
}

/// The SFU, its two clients and the datagrams in flight between them.
struct World {
    now: Instant,
    sfu: Sfu,
    clients: Vec<Client>,
    answers: Vec<(PeerId, String)>,
    net: VecDeque<(SocketAddr, SocketAddr, Vec<u8>)>,
    frame: u64,
}

impl World {
    /// Both clients connected, the subscriber's slot assigned to the publisher, and audio
    /// flowing (checked).
    fn connected() -> World {
        let now = Instant::now();
        // unwrap is ok because the constant is an address.
        let sfu_addr: SocketAddr = SFU_ADDR.parse().expect("address");
        let mut w = World {
            now,
            sfu: Sfu::new(sfu_addr, now),
            clients: Vec::new(),
            answers: Vec::new(),
            net: VecDeque::new(),
            frame: 0,
        };
        w.join(1, true);
        w.join(2, false);
        for _ in 0..150 {
            w.step();
            if let Some(packet) = w.publish() {
                w.forward(packet);
            }
        }
        // The copy leaves within the timed call (str0m's pacer does not hold audio back).
        w.step();
        let packet = w.publish().expect("the publisher is connected");
        assert_eq!(w.forward(packet), 1, "one packet in, one datagram out");
        w.step();
        assert!(
            w.clients[SUBSCRIBER].frames > 100,
            "the subscriber hears the publisher ({} frames)",
            w.clients[SUBSCRIBER].frames
        );
        w
    }

    fn join(&mut self, user: u32, publish: bool) {
        let addr: SocketAddr = format!("10.0.0.{}:6000", 10 + user)
            .parse()
            .expect("address");
        let mut rtc = Rtc::builder()
            .clear_codecs()
            .enable_opus(true, false)
            .build(self.now);
        rtc.add_local_candidate(Candidate::host(addr, "udp").expect("host candidate"));
        let mut api = rtc.sdp_api();
        let direction = if publish {
            Direction::SendOnly
        } else {
            Direction::RecvOnly
        };
        let mid = api.add_media(MediaKind::Audio, direction, None, None, None);
        let (offer, pending) = api.apply().expect("an offer");
        let peer = PeerId(u64::from(user));
        for command in [
            Command::AddPeer {
                peer,
                room: RoomId("bench".into()),
                user_id: user,
            },
            Command::SetAudioAllowed {
                peer,
                allowed: true,
            },
            Command::Offer {
                peer,
                sdp: offer.to_sdp_string(),
                share_mids: vec![],
            },
        ] {
            self.sfu.handle_command(self.now, command);
            self.drain_sfu();
        }
        let answer = self
            .answers
            .iter()
            .find(|(p, _)| *p == peer)
            .map(|(_, sdp)| SdpAnswer::from_sdp_string(sdp).expect("an SDP answer"))
            .expect("the SFU answers");
        rtc.sdp_api()
            .accept_answer(pending, answer)
            .expect("answer accepted");
        self.clients.push(Client {
            addr,
            rtc,
            send_mid: publish.then_some(mid),
            timeout: self.now,
            frames: 0,
        });
    }

    fn drain_sfu(&mut self) -> Instant {
        loop {
            match self.sfu.poll_output() {
                Output::Transmit(t) => {
                    self.net
                        .push_back((self.sfu.local_addr(), t.destination, t.contents))
                }
                Output::Event(Event::Answer { peer, sdp }) => self.answers.push((peer, sdp)),
                Output::Event(_) => {}
                Output::Timeout(t) => return t,
            }
        }
    }

    /// Drains client `i`; its datagrams to the SFU go on the network.
    fn drain_client(&mut self, i: usize) {
        let c = &mut self.clients[i];
        loop {
            match c.rtc.poll_output().expect("client rtc") {
                RtcOutput::Transmit(t) => {
                    self.net
                        .push_back((c.addr, t.destination, t.contents.into()))
                }
                RtcOutput::Event(RtcEvent::MediaData(_)) => c.frames += 1,
                RtcOutput::Event(_) => {}
                RtcOutput::Timeout(t) => {
                    c.timeout = t;
                    return;
                }
            }
        }
    }

    /// 20 ms of virtual time: everything in flight delivered, every due timer fired.
    fn step(&mut self) {
        self.deliver();
        self.now += Duration::from_millis(20);
        self.sfu.handle_timeout(self.now);
        self.drain_sfu();
        for i in 0..self.clients.len() {
            if self.clients[i].timeout <= self.now {
                self.clients[i]
                    .rtc
                    .handle_input(Input::Timeout(self.now))
                    .expect("client timeout");
                self.drain_client(i);
            }
        }
        self.deliver();
    }

    fn deliver(&mut self) {
        while let Some((from, to, data)) = self.net.pop_front() {
            if to == self.sfu.local_addr() {
                self.sfu.handle_receive(self.now, from, &data);
                self.drain_sfu();
            } else if let Some(i) = self.clients.iter().position(|c| c.addr == to) {
                let r = Receive::new(Protocol::Udp, from, to, &data).expect("a datagram");
                self.clients[i]
                    .rtc
                    .handle_input(Input::Receive(self.now, r))
                    .expect("client input");
                self.drain_client(i);
            }
        }
    }

    /// The publisher writes one 20 ms Opus-shaped frame (80 bytes, audio level set); returns
    /// its SRTP datagram to the SFU, leaving anything else it sent on the network. `None`
    /// until the publisher is connected.
    fn publish(&mut self) -> Option<(SocketAddr, Vec<u8>)> {
        if !self.clients[PUBLISHER].rtc.is_connected() {
            return None;
        }
        self.frame += 1;
        let (now, n) = (self.now, self.frame);
        let c = &mut self.clients[PUBLISHER];
        let mid = c.send_mid.expect("the publisher sends");
        let w = c.rtc.writer(mid).expect("a writer");
        let pt = w
            .payload_params()
            .find(|p| p.spec().codec == Codec::Opus)
            .expect("Opus negotiated")
            .pt();
        let mut frame = vec![0xf8; 80];
        frame[1..9].copy_from_slice(&n.to_be_bytes());
        w.audio_level(-20, true)
            .write(
                pt,
                now,
                MediaTime::new(n * 960, Frequency::FORTY_EIGHT_KHZ),
                frame,
            )
            .expect("written");
        // str0m's pacer releases the packet on the next timeout input.
        self.drain_client(PUBLISHER);
        self.clients[PUBLISHER]
            .rtc
            .handle_input(Input::Timeout(now))
            .expect("client timeout");
        self.drain_client(PUBLISHER);
        let sfu = self.sfu.local_addr();
        let at = self.net.iter().rposition(|(from, to, data)| {
            *from == self.clients[PUBLISHER].addr && *to == sfu && is_rtp(data)
        })?;
        let (from, _, data) = self.net.remove(at)?;
        Some((from, data))
    }

    /// What is timed: the SFU receives one SRTP packet and is drained, as its driver does,
    /// until its next deadline lies in the future (the subscriber's `Rtc` releases the
    /// written packet from its pacer on a timeout at the same instant); its datagrams go on
    /// the network. Returns how many it sent.
    fn forward(&mut self, (from, data): (SocketAddr, Vec<u8>)) -> usize {
        let before = self.net.len();
        self.sfu.handle_receive(self.now, from, &data);
        // A few rounds at most: each timeout input drains every peer that was due.
        for _ in 0..4 {
            if self.drain_sfu() > self.now {
                break;
            }
            self.sfu.handle_timeout(self.now);
        }
        self.net.len() - before
    }
}

/// An RTP (not RTCP, STUN or DTLS) datagram: version 2, and a payload type outside RTCP's
/// 192–223 range (RFC 5761).
fn is_rtp(data: &[u8]) -> bool {
    data.len() > 12 && data[0] >> 6 == 2 && !(192..=223).contains(&data[1])
}

/// One Opus-shaped RTP packet (80-byte payload, audio level extension) from a publisher,
/// forwarded by the SFU to the one subscriber whose audio slot carries it. Timed:
/// `Sfu::handle_receive` and draining `Sfu::poll_output` until `Timeout`: demultiplexing by
/// source address, SRTP decrypt and replay check (str0m), the speaker level observed, the
/// route looked up, sequence number, timestamp and SSRC rewritten for the slot,
/// `write_rtp` into the subscriber's `Rtc`, SRTP encrypt (AES-128-GCM or AES-CM, whichever
/// DTLS negotiated) and the datagram handed out. Not timed: the socket calls, and between
/// packets the publisher writing the next one and 20 ms of virtual time for both clients
/// (so str0m's RTCP and the SFU's timers run as in a live session).
#[divan::bench(sample_count = 1000, sample_size = 1)]
fn forward_one_rtp_packet_to_one_subscriber(bencher: Bencher) {
    let world = RefCell::new(World::connected());
    bencher
        .with_inputs(|| {
            let mut w = world.borrow_mut();
            w.step();
            w.publish()
                .expect("the publisher sends one packet per 20 ms")
        })
        .bench_local_values(|packet| world.borrow_mut().forward(packet));
    let w = world.borrow();
    assert!(w.clients[SUBSCRIBER].frames > 100);
}
