//! Video attach/detach, keyframes, simulcast, limits.

use convene_media::SynthKind;
use convene_sfu::{Command, Event, SfuError, TrackKind, MAX_ATTACHED_VIDEOS};

use crate::harness::{assert_bit_exact, plan, simulcast_video, TestSfu, WAIT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_joiner_gets_keyframe_after_attach() {
    let sfu = TestSfu::start().await;
    let a = sfu.join_user(1, plan(false, true, 0, 0)).await;
    // Let the publisher's only unsolicited keyframe (its first frame) pass long ago.
    a.wait_sent(SynthKind::Video, 40).await;
    let requests_before = a.snapshot().await.keyframe_requests;

    let b = sfu.join_user(2, plan(false, false, 0, 1)).await;
    let counted_before = sfu.stats();
    let mid = sfu.attach(b.peer, 1, 2).await;
    let snap = b
        .media
        .wait_for(WAIT, |s| s.track(&mid).frames >= 5)
        .await
        .expect("late joiner receives video");
    let first = snap.track(&mid).records[0];
    assert!(
        first.keyframe,
        "first frame after attach is a keyframe: {first:?}"
    );
    assert!(
        first.tag.unwrap().counter > 0,
        "keyframe was produced on request"
    );
    assert!(a.snapshot().await.keyframe_requests > requests_before);
    assert!(assert_bit_exact(&snap, 1, &a.snapshot().await) >= 5);
    // The attach asked for a keyframe, and the SFU counted its PLI to the publisher.
    let counted = sfu.stats();
    assert!(counted.keyframe_requests > counted_before.keyframe_requests);
    assert!(counted.plis_sent > counted_before.plis_sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_asking_at_once_share_one_keyframe() {
    let sfu = TestSfu::start().await;
    let a = sfu.join_user(1, plan(false, true, 0, 0)).await;
    a.wait_sent(SynthKind::Video, 40).await;
    let mut subs = Vec::new();
    for user in 2..=6 {
        subs.push(sfu.join_user(user, plan(false, false, 0, 1)).await);
    }
    let before = (sfu.stats(), a.snapshot().await.keyframe_requests);
    // Five attaches in a row, each needing a keyframe.
    for s in &subs {
        sfu.send(Command::AttachVideo {
            subscriber: s.peer,
            publisher_user: 1,
            quality: 2,
        })
        .await;
    }
    for s in &subs {
        let mid = sfu.wait_slot(s.peer, 1, TrackKind::Video).await;
        let snap = s
            .media
            .wait_for(WAIT, |snap| snap.track(&mid).frames >= 5)
            .await
            .expect("every subscriber receives video");
        assert!(
            snap.track(&mid).records[0].keyframe,
            "starting at a keyframe"
        );
    }
    let after = (sfu.stats(), a.snapshot().await.keyframe_requests);
    let asked = after.0.keyframe_requests - before.0.keyframe_requests;
    let plis = after.0.plis_sent - before.0.plis_sent;
    assert!(asked >= 5, "each attach asked for a keyframe ({asked})");
    assert!(
        plis < asked,
        "{asked} requests within moments were sent as {plis} PLIs"
    );
    assert_eq!(
        after.1 - before.1,
        plis,
        "the publisher received the PLIs the SFU counted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn detach_stops_delivery() {
    let sfu = TestSfu::start().await;
    let a = sfu.join_user(1, plan(false, true, 0, 0)).await;
    let b = sfu.join_user(2, plan(false, false, 0, 1)).await;
    let mid = sfu.attach(b.peer, 1, 2).await;
    b.media
        .wait_for(WAIT, |s| s.track(&mid).frames >= 10)
        .await
        .expect("video flows");

    sfu.send(Command::DetachVideo {
        subscriber: b.peer,
        publisher_user: 1,
    })
    .await;
    sfu.wait_no_slot(b.peer, 1, TrackKind::Video).await;
    // Let packets already in flight land, then nothing more may arrive.
    a.wait_sent(SynthKind::Video, 5).await;
    let before = b.snapshot().await.track(&mid).frames;
    a.wait_sent(SynthKind::Video, 30).await;
    assert_eq!(b.snapshot().await.track(&mid).frames, before);

    // Detaching again is an error for that peer only.
    let from = sfu.log_len();
    sfu.send(Command::DetachVideo {
        subscriber: b.peer,
        publisher_user: 1,
    })
    .await;
    sfu.wait_event(from, |e| match e {
        Event::Error {
            reason: SfuError::NotAttached { publisher_user: 1 },
            ..
        } => Some(()),
        _ => None,
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attach_limits() {
    let sfu = TestSfu::start().await;
    let b = sfu
        .join_user(1, plan(false, false, 0, MAX_ATTACHED_VIDEOS + 1))
        .await;
    for user in 100..100 + MAX_ATTACHED_VIDEOS as u32 {
        sfu.send(Command::AttachVideo {
            subscriber: b.peer,
            publisher_user: user,
            quality: 1,
        })
        .await;
    }
    let from = sfu.log_len();
    sfu.send(Command::AttachVideo {
        subscriber: b.peer,
        publisher_user: 999,
        quality: 1,
    })
    .await;
    let max = sfu
        .wait_event(from, |e| match e {
            Event::Error {
                reason: SfuError::TooManyVideos { max },
                ..
            } => Some(*max),
            _ => None,
        })
        .await;
    assert_eq!(max, MAX_ATTACHED_VIDEOS);

    // More attachments than receive slots: the extra one waits for the next offer's slot.
    let mut c = sfu.join_user(2, plan(false, false, 0, 1)).await;
    for user in [1, 3] {
        sfu.send(Command::AttachVideo {
            subscriber: c.peer,
            publisher_user: user,
            quality: 1,
        })
        .await;
    }
    sfu.wait_slot(c.peer, 1, TrackKind::Video).await;
    c.renegotiate(&sfu, plan(false, false, 0, 2)).await;
    sfu.wait_slot(c.peer, 3, TrackKind::Video).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulcast_quality_switches_layer() {
    let sfu = TestSfu::start().await;
    let a = sfu.join_user(1, simulcast_video()).await;
    let b = sfu.join_user(2, plan(false, false, 0, 1)).await;
    let attach = |quality| Command::AttachVideo {
        subscriber: b.peer,
        publisher_user: 1,
        quality,
    };
    sfu.send(attach(0)).await;
    let mid = sfu.wait_slot(b.peer, 1, TrackKind::Video).await;
    let layer_count = |s: &convene_media::PeerSnapshot, layer: u8| {
        s.track(&mid)
            .records
            .iter()
            .filter(|r| r.tag.is_some_and(|t| t.layer == layer))
            .count()
    };
    b.media
        .wait_for(WAIT, |s| layer_count(s, 0) >= 10)
        .await
        .expect("lowest layer arrives");
    assert_eq!(layer_count(&b.snapshot().await, 2), 0);

    sfu.send(attach(4)).await;
    let snap = b
        .media
        .wait_for(WAIT, |s| layer_count(s, 2) >= 10)
        .await
        .expect("switches to the highest layer");
    // The switch happened at a keyframe, and after it only the new layer flows.
    let recs = &snap.track(&mid).records;
    let first_high = recs.iter().position(|r| r.tag.unwrap().layer == 2).unwrap();
    assert!(recs[first_high].keyframe);
    let layers: Vec<u8> = recs.iter().map(|r| r.tag.unwrap().layer).collect();
    assert!(
        layers[first_high..].iter().all(|l| *l == 2),
        "layers received: {layers:?}"
    );
    assert!(assert_bit_exact(&snap, 1, &a.snapshot().await) >= 20);

    sfu.send(attach(2)).await;
    b.media
        .wait_for(WAIT, |s| layer_count(s, 1) >= 5)
        .await
        .expect("switches down to the middle layer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publisher_track_on_off_follows_sending() {
    let sfu = TestSfu::start().await;
    let a = sfu.join_user(1, plan(false, true, 0, 0)).await;
    let track = |on: bool| {
        move |e: &Event| match e {
            Event::PublisherTrack {
                user: 1,
                kind: TrackKind::Video,
                on: o,
                ..
            } if *o == on => Some(()),
            _ => None,
        }
    };
    sfu.wait_event(0, track(true)).await;
    let from = sfu.log_len();
    a.media.set_sending(SynthKind::Video, false).await.unwrap();
    sfu.wait_event(from, track(false)).await;
    let from = sfu.log_len();
    a.media.set_sending(SynthKind::Video, true).await.unwrap();
    sfu.wait_event(from, track(true)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attach_before_the_publisher_joins() {
    let sfu = TestSfu::start().await;
    let b = sfu.join_user(2, plan(false, false, 0, 1)).await;
    let mid = sfu.attach(b.peer, 1, 2).await;
    let a = sfu.join_user(1, plan(false, true, 0, 0)).await;
    let snap = b
        .media
        .wait_for(WAIT, |s| s.track(&mid).frames >= 5)
        .await
        .expect("video starts once the publisher is there");
    assert!(snap.track(&mid).records[0].keyframe);
    assert!(assert_bit_exact(&snap, 1, &a.snapshot().await) >= 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_that_restarts_ice_gets_a_keyframe_once_connected_again() {
    let sfu = TestSfu::start().await;
    let a = sfu.join_user(1, plan(false, true, 0, 0)).await;
    let mut b = sfu.join_user(2, plan(false, false, 0, 1)).await;
    let mid = sfu.attach(b.peer, 1, 2).await;
    b.media
        .wait_for(WAIT, |s| s.track(&mid).frames >= 10)
        .await
        .expect("video flows");
    a.wait_sent(SynthKind::Video, 20).await;
    let asked = a.snapshot().await.keyframe_requests;
    // B's network changed: it offers again with new ICE credentials.
    let restart = convene_media::OfferPlan {
        ice_restart: true,
        ..plan(false, false, 0, 1)
    };
    b.renegotiate(&sfu, restart).await;
    let before = b.snapshot().await;
    let (frames, seen) = (before.track(&mid).frames, before.track(&mid).records.len());
    let snap = b
        .media
        .wait_for(WAIT, |s| s.track(&mid).frames >= frames + 10)
        .await
        .expect("video flows after the ICE restart");
    assert!(
        a.snapshot().await.keyframe_requests > asked,
        "the SFU asked the publisher for a keyframe for the reconnected subscriber"
    );
    assert!(
        snap.track(&mid).records[seen..].iter().any(|r| r.keyframe),
        "a keyframe reached the subscriber after the restart"
    );
}
