//! Packet loss on both legs is repaired by NACK/RTX: frames still arrive complete, in order
//! and bit-exact.

use std::sync::atomic::Ordering;

use convene_media::MediaPeerConfig;
use convene_sfu::{Command, TrackKind};

use crate::harness::{assert_bit_exact, lossy_proxy, plan, TestSfu, WAIT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nack_rtx_repairs_loss_on_both_legs() {
    let sfu = TestSfu::start().await;
    let (up, up_dropped) = lossy_proxy(sfu.addr, 15).await;
    let (down, down_dropped) = lossy_proxy(sfu.addr, 15).await;
    let a = sfu
        .join_via(
            1,
            1,
            plan(false, true, 0, 0),
            MediaPeerConfig::new(1),
            Some(up),
        )
        .await;
    let b = sfu
        .join_via(
            2,
            2,
            plan(false, false, 0, 1),
            MediaPeerConfig::new(2),
            Some(down),
        )
        .await;
    sfu.send(Command::AttachVideo {
        subscriber: b.peer,
        publisher_user: 1,
        quality: 4,
    })
    .await;
    let mid = sfu.wait_slot(b.peer, 1, TrackKind::Video).await;
    let snap = b
        .media
        .wait_for(WAIT, |s| s.track(&mid).frames >= 60)
        .await
        .expect("video flows despite loss");
    assert!(
        up_dropped.load(Ordering::Relaxed) > 0,
        "uplink lost packets"
    );
    assert!(
        down_dropped.load(Ordering::Relaxed) > 0,
        "downlink lost packets"
    );

    // Every frame from the first one on arrived: consecutive counters, identical bytes.
    let counters: Vec<u32> = snap
        .track(&mid)
        .records
        .iter()
        .map(|r| r.tag.expect("tagged frame").counter)
        .collect();
    assert!(
        counters.windows(2).all(|w| w[1] == w[0] + 1),
        "frames missing or out of order: {counters:?}"
    );
    assert!(assert_bit_exact(&snap, 1, &a.snapshot().await) >= 60);
}
