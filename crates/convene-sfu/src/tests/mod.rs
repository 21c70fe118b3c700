//! Sans-IO tests of the core: str0m clients and the [`Sfu`] exchange datagrams in memory on
//! a virtual clock (`world.rs`). No sockets, no sleeping: seconds of media run in
//! milliseconds.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::media::{Direction, MediaKind};
use str0m::{Candidate, Input, Rtc};

use crate::{Command, Event, Output, PeerId, RoomId, Sfu, TrackKind};
use world::{World, SFU};

mod relay;
mod temporal;
mod world;

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
        let n0 = u64::from_be_bytes(pair[0].data[..8].try_into().unwrap());
        let n1 = u64::from_be_bytes(pair[1].data[..8].try_into().unwrap());
        assert_eq!(n1, n0 + 1);
    }
    assert!(got.iter().all(|f| f.data[8..] == [a as u8; 40]));
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
