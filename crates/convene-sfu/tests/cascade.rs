//! One room spread over two SFUs (cascading): a relay carries a user's tracks from the SFU
//! it publishes to onto the other (`convene_media::Relay`, on a relay peer pinned to that
//! user, `Command::SetRelaySource`). Both directions, bit-exact (audio, camera and share),
//! with audio levels and keyframe requests crossing.

use std::time::Duration;

use convene_media::{relay_configs, OfferPlan, Relay};
use convene_sfu::{Event, PeerId, TrackKind};

use crate::harness::{assert_bit_exact, plan, Client, TestSfu, WAIT};

/// Relay peers' own user ids (they publish nothing under them).
const RELAY_USER: u32 = 1_000_000;

/// Relays `user`'s audio, camera and share from `from` to `to`: a relay peer of `from`
/// pinned to `user` with its camera attached, and a peer of `to` publishing as `user`.
async fn relay(from: &TestSfu, to: &TestSfu, user: u32, peer: u64) -> Relay {
    let (source_config, sink_config, taps) = relay_configs(RELAY_USER + user, user);
    let source_plan = OfferPlan {
        audio_slots: 1,
        video_slots: 1,
        share_slots: 1,
        ..OfferPlan::default()
    };
    let Client {
        peer: source_peer,
        media: source,
        offer,
        ..
    } = from
        .join(peer, RELAY_USER + user, source_plan, source_config)
        .await;
    from.control.set_relay_source(source_peer, user);
    from.attach(source_peer, user, 4).await;
    let sink_plan = OfferPlan {
        share: true,
        ..plan(true, true, 0, 0)
    };
    let sink = to.join(peer, user, sink_plan, sink_config).await;
    Relay::spawn(source, &offer, sink.media, taps)
}

#[tokio::test]
async fn one_room_over_two_sfus_both_ways() {
    let (a, b) = (TestSfu::start().await, TestSfu::start().await);
    let sharing = OfferPlan {
        share: true,
        ..plan(true, true, 0, 0)
    };
    let on_a = a.join_user(1, sharing).await;
    let on_b = b
        .join_user(
            2,
            OfferPlan {
                share_slots: 1,
                ..plan(true, true, 1, 1)
            },
        )
        .await;
    let listener_a = a.join_user(3, plan(false, false, 2, 1)).await;
    let _one_to_b = relay(&a, &b, 1, 101).await;
    let _two_to_a = relay(&b, &a, 2, 102).await;

    // Each hears and sees the other through its own SFU.
    let vmid = b.attach(on_b.peer, 1, 2).await;
    a.attach(listener_a.peer, 2, 2).await;
    b.wait_receives(&on_b, &on_a).await;
    a.wait_receives(&listener_a, &on_b).await;

    // user 1's share too.
    let share_mid = b.wait_slot(on_b.peer, 1, TrackKind::Share).await;
    on_b.media
        .wait_for(WAIT, |s| s.track(&share_mid).frames >= 10)
        .await
        .expect("user 1's share crosses");

    // What crossed is what was sent (audio, camera and share).
    let sent_a = on_a.media.snapshot().await.unwrap();
    let got_b = on_b.media.snapshot().await.unwrap();
    assert!(assert_bit_exact(&got_b, 1, &sent_a) >= 50);
    let sent_b = on_b.media.snapshot().await.unwrap();
    let got_a = listener_a.media.snapshot().await.unwrap();
    assert!(assert_bit_exact(&got_a, 2, &sent_b) >= 50);

    // The audio level crossed too: the far SFU ranks the relayed user as a speaker.
    b.wait_event(0, |e| match e {
        Event::ActiveSpeakers { users, .. } if users.contains(&1) => Some(()),
        _ => None,
    })
    .await;

    // A keyframe asked on the far side reaches the publisher.
    let before = on_a.media.snapshot().await.unwrap().keyframe_requests;
    let end = tokio::time::Instant::now() + WAIT;
    loop {
        on_b.media.request_keyframe(&vmid).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = on_a.media.snapshot().await.unwrap().keyframe_requests;
        if now > before {
            break;
        }
        assert!(
            tokio::time::Instant::now() < end,
            "the publisher got no keyframe request from the far side"
        );
    }

    // The relay peer heard only its user, though user 2 speaks on its SFU too.
    let relay_slots = b.slots(PeerId(102));
    assert!(relay_slots
        .values()
        .filter(|(_, k)| *k == TrackKind::Audio)
        .all(|(u, _)| *u == Some(2)));
}
