//! Audio: host mute, active speakers, loudest-N slots.

use convene_media::{MediaPeerConfig, SynthKind};
use convene_sfu::{Command, Event, TrackKind};

use crate::harness::{assert_bit_exact, frames_from, plan, TestSfu, WAIT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_mute_stops_audio_and_unmute_restores() {
    let sfu = TestSfu::start().await;
    let a = sfu.join_user(1, plan(true, false, 0, 0)).await;
    let b = sfu.join_user(2, plan(false, false, 3, 0)).await;
    let c = sfu.join_user(3, plan(true, false, 3, 0)).await;
    for l in [&b, &c] {
        sfu.wait_slot(l.peer, 1, TrackKind::Audio).await;
        l.media
            .wait_for(WAIT, |s| frames_from(s, 1, SynthKind::Audio) >= 10)
            .await
            .expect("audio flows");
    }

    sfu.send(Command::SetAudioAllowed {
        peer: a.peer,
        allowed: false,
    })
    .await;
    sfu.wait_no_slot(b.peer, 1, TrackKind::Audio).await;
    sfu.wait_no_slot(c.peer, 1, TrackKind::Audio).await;
    a.wait_sent(SynthKind::Audio, 10).await;
    let before_b = frames_from(&b.snapshot().await, 1, SynthKind::Audio);
    let before_c = frames_from(&c.snapshot().await, 1, SynthKind::Audio);
    a.wait_sent(SynthKind::Audio, 50).await;
    assert_eq!(
        frames_from(&b.snapshot().await, 1, SynthKind::Audio),
        before_b
    );
    assert_eq!(
        frames_from(&c.snapshot().await, 1, SynthKind::Audio),
        before_c
    );
    // C's audio still reaches B.
    let c_before = frames_from(&b.snapshot().await, 3, SynthKind::Audio);
    b.media
        .wait_for(WAIT, |s| {
            frames_from(s, 3, SynthKind::Audio) > c_before + 10
        })
        .await
        .expect("unmuted user still heard");

    sfu.send(Command::SetAudioAllowed {
        peer: a.peer,
        allowed: true,
    })
    .await;
    b.media
        .wait_for(WAIT, |s| {
            frames_from(s, 1, SynthKind::Audio) > before_b + 10
        })
        .await
        .expect("audio restored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn louder_publisher_is_reported_first() {
    let sfu = TestSfu::start().await;
    let mut quiet = MediaPeerConfig::new(1);
    quiet.audio_level = -45;
    let mut loud = MediaPeerConfig::new(2);
    loud.audio_level = -10;
    let a = sfu.join(1, 1, plan(true, false, 0, 0), quiet).await;
    let b = sfu.join(2, 2, plan(true, false, 0, 0), loud).await;
    let _listener = sfu.join_user(3, plan(false, false, 3, 0)).await;

    sfu.wait_event(0, |e| match e {
        Event::ActiveSpeakers { users, .. } if users == &[2, 1] => Some(()),
        _ => None,
    })
    .await;

    // Swap: the ranking follows.
    let from = sfu.log_len();
    a.media.set_audio_level(-5).await.unwrap();
    b.media.set_audio_level(-50).await.unwrap();
    sfu.wait_event(from, |e| match e {
        Event::ActiveSpeakers { users, .. } if users == &[1, 2] => Some(()),
        _ => None,
    })
    .await;

    // Silence drops a user from the list.
    let from = sfu.log_len();
    b.media.set_audio_level(-127).await.unwrap();
    sfu.wait_event(from, |e| match e {
        Event::ActiveSpeakers { users, .. } if users == &[1] => Some(()),
        _ => None,
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_n_loudest_speakers_are_forwarded() {
    let sfu = TestSfu::start().await;
    // Five speakers, levels -10 (user 1) .. -50 (user 5); a listener with 5 audio slots
    // still gets only the 3 loudest.
    let mut speakers = Vec::new();
    for u in 1..=5u32 {
        let mut cfg = MediaPeerConfig::new(u);
        cfg.audio_level = -10 * u as i8;
        speakers.push(
            sfu.join(u64::from(u), u, plan(true, false, 0, 0), cfg)
                .await,
        );
    }
    let listener = sfu.join_user(9, plan(false, false, 5, 0)).await;
    sfu.wait_event(0, |e| match e {
        Event::ActiveSpeakers { users, .. } if users.starts_with(&[1, 2, 3]) => Some(()),
        _ => None,
    })
    .await;
    sfu.wait_until(|| {
        let carried: Vec<u32> = sfu
            .slots(listener.peer)
            .values()
            .filter(|(_, k)| *k == TrackKind::Audio)
            .filter_map(|(u, _)| *u)
            .collect();
        let mut c = carried.clone();
        c.sort();
        (c == [1, 2, 3]).then_some(())
    })
    .await;
    // From here on, users 4 and 5 are not forwarded.
    speakers[0].wait_sent(SynthKind::Audio, 10).await;
    let snap = listener.snapshot().await;
    let (n4, n5) = (
        frames_from(&snap, 4, SynthKind::Audio),
        frames_from(&snap, 5, SynthKind::Audio),
    );
    speakers[0].wait_sent(SynthKind::Audio, 50).await;
    let snap = listener.snapshot().await;
    assert_eq!(frames_from(&snap, 4, SynthKind::Audio), n4);
    assert_eq!(frames_from(&snap, 5, SynthKind::Audio), n5);
    assert!(frames_from(&snap, 1, SynthKind::Audio) > 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn red_audio_reaches_red_and_plain_subscribers_intact() {
    let sfu = TestSfu::start().await;
    let red = |user| {
        let mut c = MediaPeerConfig::new(user);
        c.red = true;
        c
    };
    // A sends Opus in RED; B takes RED, C only plain Opus.
    let a = sfu.join(1, 1, plan(true, false, 0, 0), red(1)).await;
    let b = sfu.join(2, 2, plan(false, false, 3, 0), red(2)).await;
    let c = sfu.join_user(3, plan(false, false, 3, 0)).await;
    for l in [&b, &c] {
        sfu.wait_slot(l.peer, 1, TrackKind::Audio).await;
        l.media
            .wait_for(WAIT, |s| frames_from(s, 1, SynthKind::Audio) >= 30)
            .await
            .expect("audio flows");
    }
    assert!(sfu.stats().red_packets_in > 0, "the publisher sent RED");
    let sent = a.snapshot().await;
    for l in [&b, &c] {
        assert!(assert_bit_exact(&l.snapshot().await, 1, &sent) >= 30);
    }
}
