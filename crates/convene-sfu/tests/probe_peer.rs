//! Probe peers (the network test before joining): a real `convene_media::probe` client over
//! the driver's UDP socket. The probe echoes and paces, its caps cut it off, too many at once
//! are refused, and it never receives a session's media.

use std::time::Duration;

use convene_media::probe::{probe, ProbeOptions, ProbeReport};
use convene_sfu::{Command, Event, PeerId, ProbeEnd, ProbeLimits, SfuError, MAX_PROBE_PEERS};

use crate::harness::{plan, TestSfu};

/// Runs one test against `sfu` as probe `peer` with `limits`.
async fn run_probe(
    sfu: &TestSfu,
    peer: PeerId,
    limits: ProbeLimits,
    opts: ProbeOptions,
) -> ProbeReport {
    let from = sfu.log_len();
    probe(opts, |sdp| async move {
        sfu.send(Command::Probe { peer, sdp, limits }).await;
        Ok(sfu
            .wait_event(from, |e| match e {
                Event::Answer { peer: p, sdp } if *p == peer => Some(sdp.clone()),
                _ => None,
            })
            .await)
    })
    .await
    .expect("probe ran")
}

async fn ended(sfu: &TestSfu, peer: PeerId) -> (ProbeEnd, u64) {
    sfu.wait_event(0, |e| match e {
        Event::ProbeEnded {
            peer: p,
            reason,
            bytes,
        } if *p == peer => Some((*reason, *bytes)),
        _ => None,
    })
    .await
}

fn opts(secs: f64) -> ProbeOptions {
    ProbeOptions {
        duration: Duration::from_secs_f64(secs),
        up_rate_bps: 2_000_000,
        down_rate_bps: 2_000_000,
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_probe_echoes_paces_and_ends_when_the_client_closes() {
    let sfu = TestSfu::start().await;
    let r = run_probe(&sfu, PeerId(900), ProbeLimits::default(), opts(1.5)).await;
    assert!(r.rtt_ms >= 0.0 && r.rtt_ms < 1000.0, "{r:?}");
    assert_eq!(r.loss_percent, 0.0, "no loss on loopback: {r:?}");
    assert!(r.uplink_kbps > 0.0, "{r:?}");
    assert!(r.downlink_kbps > 0.0, "{r:?}");
    assert!(r.level <= 5 && r.level > 0, "{r:?}");
    let (reason, bytes) = ended(&sfu, PeerId(900)).await;
    assert_eq!(reason, ProbeEnd::Closed);
    assert!(bytes > 10_000, "{bytes}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_probe_beyond_its_byte_or_duration_cap_is_cut_off() {
    let sfu = TestSfu::start().await;
    let small = ProbeLimits {
        max_bytes: 100_000,
        ..Default::default()
    };
    // Asks for 2 Mbit/s both ways for 2 s: ~1 MB, ten times the cap.
    let r = run_probe(&sfu, PeerId(901), small, opts(2.0)).await;
    let (reason, bytes) = ended(&sfu, PeerId(901)).await;
    assert_eq!(reason, ProbeEnd::Bytes, "{r:?}");
    assert!(bytes <= 100_000 + 1200, "{bytes}");
    assert_eq!(r.level, 0, "a cut-off probe gets no verdict: {r:?}");

    let short = ProbeLimits {
        max_duration: Duration::from_millis(2500),
        ..Default::default()
    };
    // The cap counts from the offer; the test asks for longer.
    let _ = run_probe(&sfu, PeerId(902), short, opts(4.0)).await;
    let (reason, _) = ended(&sfu, PeerId(902)).await;
    assert_eq!(reason, ProbeEnd::Duration);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_probes_at_once_are_refused() {
    let sfu = TestSfu::start().await;
    // A valid offer that never connects: probes stay until their lifetime ends.
    let offer = {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let _ = probe(opts(0.1), |sdp| async move {
            let _ = tx.send(sdp);
            Err("only the offer was wanted".to_string())
        })
        .await;
        rx.await.unwrap()
    };
    let from = sfu.log_len();
    for i in 0..=MAX_PROBE_PEERS as u64 {
        sfu.send(Command::Probe {
            peer: PeerId(1000 + i),
            sdp: offer.clone(),
            limits: ProbeLimits::default(),
        })
        .await;
    }
    let last = PeerId(1000 + MAX_PROBE_PEERS as u64);
    let refused = sfu
        .wait_event(from, |e| match e {
            Event::Error { peer, reason } if *peer == last => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert!(matches!(refused, SfuError::ProbeRefused(_)), "{refused:?}");
    let answers = sfu
        .events_since(from)
        .iter()
        .filter(|e| matches!(e, Event::Answer { .. }))
        .count();
    assert_eq!(answers, MAX_PROBE_PEERS);
    // Ending one makes room again.
    sfu.send(Command::RemovePeer { peer: PeerId(1000) }).await;
    let from = sfu.log_len();
    sfu.send(Command::Probe {
        peer: PeerId(2000),
        sdp: offer,
        limits: ProbeLimits::default(),
    })
    .await;
    sfu.wait_event(from, |e| match e {
        Event::Answer { peer, .. } if *peer == PeerId(2000) => Some(()),
        _ => None,
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_probe_never_receives_session_media() {
    let sfu = TestSfu::start().await;
    // A session publishing audio and video on the same socket.
    let a = sfu.join_user(1, plan(true, true, 3, 1)).await;
    let b = sfu.join_user(2, plan(true, true, 3, 1)).await;
    sfu.attach(b.peer, a.user, 4).await;
    sfu.wait_receives(&b, &a).await;
    // The probe offers receive-only audio and video too: both are refused.
    let probe_opts = ProbeOptions {
        offer_media: true,
        ..opts(1.0)
    };
    let r = run_probe(&sfu, PeerId(903), ProbeLimits::default(), probe_opts).await;
    let media_lines: Vec<&str> = r
        .answer_sdp
        .split("\r\n")
        .filter(|l| l.starts_with("m=audio") || l.starts_with("m=video"))
        .collect();
    assert_eq!(media_lines.len(), 2, "{}", r.answer_sdp);
    assert!(
        media_lines.iter().all(|l| l.split(' ').nth(1) == Some("0")),
        "media m-lines refused (port 0): {media_lines:?}"
    );
    assert_eq!(r.media_received, 0);
    assert!(r.downlink_kbps > 0.0, "{r:?}");
    // Not a session peer: session commands naming it fail.
    let from = sfu.log_len();
    sfu.send(Command::AttachVideo {
        subscriber: PeerId(903),
        publisher_user: a.user,
        quality: 2,
    })
    .await;
    let e = sfu
        .wait_event(from, |e| match e {
            Event::Error { peer, reason } if *peer == PeerId(903) => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert_eq!(e, SfuError::UnknownPeer(PeerId(903)));
}
