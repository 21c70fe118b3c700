//! Bandwidth probing (padding) goes only to subscribers with a video layer to probe for.

use std::sync::atomic::Ordering;

use crate::harness::{counting_proxy, plan, TestSfu};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_receives_no_video_is_never_probed() {
    let sfu = TestSfu::start().await;
    // A publishes audio and video and has audio slots, but nobody else speaks: the SFU has
    // nothing to send it. B watches A's camera, so A's link is busy and the SFU probes B's.
    let (via, rtp_to_a) = counting_proxy(sfu.addr).await;
    let a = sfu
        .join_user_via(1, plan(true, true, 3, 0), Some(via))
        .await;
    let b = sfu.join_user(2, plan(false, false, 0, 1)).await;
    let mid = sfu.attach(b.peer, 1, 2).await;
    // Three seconds of video: past the estimator's start-up probes and into its periodic ones.
    b.media
        .wait_for(std::time::Duration::from_secs(20), |s| {
            s.track(&mid).frames >= 60
        })
        .await
        .expect("video flows");
    assert_eq!(
        rtp_to_a.load(Ordering::Relaxed),
        0,
        "the SFU sent RTP (padding) to a peer it forwards nothing to"
    );
    let _ = a;
}
