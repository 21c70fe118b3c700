//! The sans-IO test world: str0m clients and one [`Sfu`] exchange datagrams in memory, on a
//! virtual clock, over a network without latency or loss.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::change::SdpAnswer;
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaData, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event as RtcEvent, Input, Output as RtcOutput, Rtc};

use crate::{Command, Event, Output, PeerId, RoomId, Sfu, SfuConfig};

pub(super) struct Client {
    pub(super) addr: SocketAddr,
    pub(super) rtc: Rtc,
    pub(super) send_mid: Option<Mid>,
    pub(super) recv_mid: Option<Mid>,
    /// Every frame received, in order.
    pub(super) received: Vec<MediaData>,
    pub(super) timeout: Instant,
}

pub(super) struct World {
    pub(super) now: Instant,
    pub(super) sfu: Sfu,
    pub(super) clients: Vec<Client>,
    pub(super) events: Vec<Event>,
    /// Datagrams in flight: (from, to, bytes).
    pub(super) net: VecDeque<(SocketAddr, SocketAddr, Vec<u8>)>,
}

pub(super) const SFU: &str = "10.0.0.1:5000";

impl World {
    pub(super) fn new() -> World {
        Self::with_config(SfuConfig::default())
    }

    pub(super) fn with_config(config: SfuConfig) -> World {
        let now = Instant::now();
        World {
            now,
            sfu: Sfu::with_config(SFU.parse().unwrap(), config, now),
            clients: Vec::new(),
            events: Vec::new(),
            net: VecDeque::new(),
        }
    }

    /// Join a client publishing audio (`publish`) and/or with one audio slot (`listen`).
    pub(super) fn join(&mut self, user: u32, publish: bool, listen: bool) -> usize {
        let rtc = Rtc::builder()
            .clear_codecs()
            .enable_opus(true, false)
            .build(self.now);
        let send = publish.then_some(MediaKind::Audio);
        let recv = listen.then_some(MediaKind::Audio);
        self.join_with(user, rtc, send, recv)
    }

    /// Join a client publishing VP8 video it writes as RTP itself (`publish`, see
    /// [`World::write_rtp`]), or with one video slot.
    pub(super) fn join_video(&mut self, user: u32, publish: bool) -> usize {
        let rtc = Rtc::builder()
            .clear_codecs()
            .enable_vp8(true)
            .set_rtp_mode(publish)
            .build(self.now);
        let (send, recv) = match publish {
            true => (Some(MediaKind::Video), None),
            false => (None, Some(MediaKind::Video)),
        };
        self.join_with(user, rtc, send, recv)
    }

    fn join_with(
        &mut self,
        user: u32,
        mut rtc: Rtc,
        send: Option<MediaKind>,
        recv: Option<MediaKind>,
    ) -> usize {
        let addr: SocketAddr = format!("10.0.0.{}:6000", 10 + user).parse().unwrap();
        rtc.add_local_candidate(Candidate::host(addr, "udp").unwrap());
        let mut api = rtc.sdp_api();
        let send_mid = send.map(|k| api.add_media(k, Direction::SendOnly, None, None, None));
        let recv_mid = recv.map(|k| api.add_media(k, Direction::RecvOnly, None, None, None));
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
        self.command(Command::SetVideoAllowed {
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

    pub(super) fn command(&mut self, c: Command) {
        self.sfu.handle_command(self.now, c);
        self.drain_sfu();
    }

    pub(super) fn drain_sfu(&mut self) -> Instant {
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

    pub(super) fn drain_client(&mut self, i: usize) {
        let c = &mut self.clients[i];
        loop {
            match c.rtc.poll_output().unwrap() {
                RtcOutput::Transmit(t) => {
                    self.net
                        .push_back((c.addr, t.destination, t.contents.into()))
                }
                RtcOutput::Event(RtcEvent::MediaData(d)) => c.received.push(d),
                RtcOutput::Event(_) => {}
                RtcOutput::Timeout(t) => {
                    c.timeout = t;
                    return;
                }
            }
        }
    }

    /// Write one 20 ms audio frame from client `i` at `level`.
    pub(super) fn speak(&mut self, i: usize, n: u64, level: i8) {
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

    /// Write RTP packets from client `i` (joined with [`World::join_video`]): (sequence
    /// number, RTP time, marker, payload) on its published track. `false` while not
    /// connected yet.
    pub(super) fn write_rtp(&mut self, i: usize, packets: &[(u64, u32, bool, Vec<u8>)]) -> bool {
        let now = self.now;
        let c = &mut self.clients[i];
        let Some(mid) = c.send_mid else { return false };
        if !c.rtc.is_connected() {
            return false;
        }
        let pt = c
            .rtc
            .codec_config()
            .params()
            .iter()
            .find(|p| p.spec().codec == Codec::Vp8)
            .unwrap()
            .pt();
        for (seq, time, marker, payload) in packets {
            let mut api = c.rtc.direct_api();
            let tx = api.stream_tx_by_mid(mid, None).unwrap();
            let w = str0m::rtp::RtpWrite::new(pt, (*seq).into(), *time, now, payload.clone())
                .marker(*marker)
                .nackable(true);
            tx.write_rtp(w);
        }
        self.drain_client(i);
        true
    }

    /// Run `duration` of virtual time; every 20 ms each publisher `i` speaks at `levels[i]`.
    pub(super) fn run(&mut self, duration: Duration, levels: &[i8], frame: &mut u64) {
        self.run_each(duration, Duration::from_millis(20), |w| {
            for (i, level) in levels.iter().enumerate() {
                w.speak(i, *frame, *level);
            }
            *frame += 1;
        });
    }

    /// Run `duration` of virtual time, calling `each` every `every`.
    pub(super) fn run_each(
        &mut self,
        duration: Duration,
        every: Duration,
        mut each: impl FnMut(&mut World),
    ) {
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
                each(self);
                next_frame = self.now + every;
            }
        }
    }
}
