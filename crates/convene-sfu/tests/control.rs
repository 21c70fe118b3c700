//! The SFU fails closed and never drops control: removals and permissions through
//! [`Control`](convene_sfu::Control) always land, a new peer forwards nothing until allowed,
//! a stuck event consumer does not stop media, a silent client is removed and reported.

use std::sync::atomic::Ordering;
use std::time::Duration;

use convene_media::SynthKind;
use convene_sfu::{Command, Event, PeerId, SfuConfig, TrackKind};

use crate::harness::{cuttable_proxy, frames_from, plan, TestSfu, WAIT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removal_after_a_flood_of_changes_always_lands() {
    let sfu = TestSfu::start().await;
    let a = sfu.join_user(1, plan(true, false, 0, 0)).await;
    let b = sfu.join_user(2, plan(false, false, 3, 0)).await;
    b.media
        .wait_for(WAIT, |s| frames_from(s, 1, SynthKind::Audio) >= 10)
        .await
        .expect("b hears a");
    // A session task floods changes without ever waiting (far more than any bounded command
    // queue holds), then removes B: the removal must not be lost.
    for i in 0..200_000u32 {
        sfu.control
            .set_allowed(b.peer, TrackKind::Audio, i % 2 == 0);
        sfu.control.attach_video(b.peer, 1, (i % 5) as u8);
    }
    sfu.control.remove_peer(b.peer);
    sfu.wait_stats("b removed", |s| s.peers == 1).await;
    // Let what was in flight land, then nothing more reaches B.
    a.wait_sent(SynthKind::Audio, 50).await;
    let got = frames_from(&b.snapshot().await, 1, SynthKind::Audio);
    a.wait_sent(SynthKind::Audio, 50).await;
    assert_eq!(frames_from(&b.snapshot().await, 1, SynthKind::Audio), got);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_peer_forwards_nothing_until_allowed() {
    let sfu = TestSfu::start().await;
    let listener = sfu.join_user(2, plan(false, false, 3, 1)).await;
    // The publisher's peer is added, but the session has not allowed anything yet.
    let mut config = convene_media::MediaPeerConfig::new(1);
    config.video_fps = 15;
    let peer = PeerId(1);
    sfu.control
        .add_peer(peer, convene_sfu::RoomId("room".into()), 1);
    let media = convene_media::MediaPeer::start(config).await.unwrap();
    let mut publisher = crate::harness::Client {
        peer,
        user: 1,
        media,
        offer: Default::default(),
        proxy: None,
    };
    publisher.renegotiate(&sfu, plan(true, true, 0, 0)).await;
    sfu.control.attach_video(listener.peer, 1, 2);
    // Its audio and video arrive at the SFU...
    sfu.wait_stats("publisher media in", |s| {
        s.rtp_packets_in[0] >= 50 && s.rtp_packets_in[1] >= 50
    })
    .await;
    // ...and none of it is forwarded, and no slot carries it.
    assert_eq!(sfu.stats().forwarded_packets, 0);
    assert!(sfu
        .slots(listener.peer)
        .values()
        .all(|(u, k)| *k != TrackKind::Audio || u.is_none()));
    assert_eq!(
        frames_from(&listener.snapshot().await, 1, SynthKind::Audio),
        0
    );

    // Once allowed, it flows.
    sfu.control.set_allowed(peer, TrackKind::Audio, true);
    sfu.control.set_allowed(peer, TrackKind::Video, true);
    sfu.wait_receives(&listener, &publisher).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_event_consumer_does_not_stop_media() {
    // One event slot: the channel is full as soon as the consumer stops reading.
    let sfu = TestSfu::start_with(SfuConfig::default(), false, 1).await;
    let a = sfu.join_user(1, plan(true, true, 0, 0)).await;
    let b = sfu.join_user(2, plan(false, false, 3, 1)).await;
    sfu.attach(b.peer, 1, 2).await;
    sfu.wait_receives(&b, &a).await;
    sfu.events_paused.send_replace(true);
    // Events keep coming: 20 slot changes (commands, one event each) for a full channel.
    let from = sfu.log_len();
    for _ in 0..10 {
        sfu.send(Command::DetachVideo {
            subscriber: b.peer,
            publisher_user: 1,
        })
        .await;
        sfu.send(Command::AttachVideo {
            subscriber: b.peer,
            publisher_user: 1,
            quality: 2,
        })
        .await;
    }
    // Media keeps flowing to B.
    let before = frames_from(&b.snapshot().await, 1, SynthKind::Audio);
    b.media
        .wait_for(WAIT, |s| {
            frames_from(s, 1, SynthKind::Audio) >= before + 100
        })
        .await
        .expect("media keeps flowing while events are stuck");
    // The held events are delivered, in order, once the consumer reads again.
    sfu.events_paused.send_replace(false);
    sfu.wait_until(|| {
        let n = sfu
            .events_since(from)
            .iter()
            .filter(|e| matches!(e, Event::SlotAssigned { peer, .. } if *peer == b.peer))
            .count();
        (n >= 20).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_client_is_removed_and_reported() {
    // Short ICE consent: a pair fails after a few unanswered checks 100 ms apart.
    let mut config = SfuConfig::default();
    config.stun_max_rto = Duration::from_millis(100);
    config.stun_max_retransmits = 3;
    let sfu = TestSfu::start_with(config, false, 256).await;
    let (proxy, cut) = cuttable_proxy(sfu.addr).await;
    let a = sfu
        .join_user_via(1, plan(true, false, 0, 0), Some(proxy))
        .await;
    let b = sfu.join_user(2, plan(false, false, 3, 0)).await;
    sfu.wait_slot(b.peer, 1, TrackKind::Audio).await;
    let from = sfu.log_len();
    // A vanishes without a word (no DTLS close, no BYE): only ICE can tell.
    cut.store(true, Ordering::Relaxed);
    sfu.wait_event(from, |e| match e {
        Event::Disconnected { peer } if *peer == a.peer => Some(()),
        _ => None,
    })
    .await;
    sfu.wait_no_slot(b.peer, 1, TrackKind::Audio).await;
    sfu.wait_stats("a removed", |s| s.peers == 1).await;
    assert!(b.snapshot().await.connected);
}
