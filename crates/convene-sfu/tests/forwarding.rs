//! Basic forwarding: three peers exchange audio and video, bit-exact.

use convene_media::SynthKind;
use convene_sfu::{Command, Event, PeerId, RoomId, SfuError, TrackKind};

use crate::harness::{assert_bit_exact, frames_from, plan, TestSfu, WAIT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_peers_exchange_audio_and_video_bit_exact() {
    let sfu = TestSfu::start().await;
    let mut clients = Vec::new();
    for i in 1..=3u32 {
        clients.push(sfu.join_user(i, plan(true, true, 3, 2)).await);
    }
    for c in &clients {
        for other in &clients {
            if other.user != c.user {
                sfu.send(Command::AttachVideo {
                    subscriber: c.peer,
                    publisher_user: other.user,
                    quality: 4,
                })
                .await;
            }
        }
    }
    // Each one's frames arrive at the others, on the slot the SFU announced.
    for c in &clients {
        for other in &clients {
            if other.user != c.user {
                sfu.wait_receives(c, other).await;
            }
        }
    }
    // Bit-exact: every received frame's checksum equals the sender's.
    for c in &clients {
        let received = c.snapshot().await;
        for other in &clients {
            if other.user == c.user {
                continue;
            }
            let sent = other.snapshot().await;
            let n = assert_bit_exact(&received, other.user, &sent);
            assert!(n >= 50, "compared only {n} frames");
        }
        // Nobody receives their own media.
        assert_eq!(frames_from(&received, c.user, SynthKind::Audio), 0);
        assert_eq!(frames_from(&received, c.user, SynthKind::Video), 0);
    }
    // The counters moved: packets in and out by kind (audio 0, video 1; no share), packets
    // forwarded, keyframes asked for on attach, turns of the loop. Packets out come from
    // str0m's statistics, so they may take one stats interval.
    let (audio, video, share) = (0, 1, 2);
    let s = sfu
        .wait_stats("packets out", |s| {
            s.rtp_packets_out[audio] > 0 && s.rtp_packets_out[video] > 0
        })
        .await;
    assert_eq!(s.peers, 3);
    assert!(
        s.rtp_packets_in[audio] > 0 && s.rtp_packets_in[video] > 0,
        "{s:?}"
    );
    assert!(
        s.rtp_bytes_in[audio] > 0 && s.rtp_bytes_in[video] > 0,
        "{s:?}"
    );
    assert!(
        s.rtp_bytes_out[audio] > 0 && s.rtp_bytes_out[video] > 0,
        "{s:?}"
    );
    assert_eq!(
        s.rtp_packets_in[share] + s.rtp_packets_out[share],
        0,
        "{s:?}"
    );
    // Each packet goes to the two others: at least as many forwarded as received, give or
    // take the packets that arrived before the attachments.
    assert!(s.forwarded_packets > s.rtp_packets_in[audio], "{s:?}");
    assert!(s.keyframe_requests > 0 && s.plis_sent > 0, "{s:?}");
    assert!(s.loop_turns > 0 && s.loop_busy_ns > 0, "{s:?}");
    drop(clients);
    sfu.wait_stats("peers gone", |s| s.peers == 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screen_share_reaches_share_slot_and_can_be_stopped() {
    let sfu = TestSfu::start().await;
    let mut p = plan(false, false, 0, 0);
    p.share = true;
    let a = sfu.join_user(1, p).await;
    let mut p = plan(false, false, 0, 0);
    p.share_slots = 1;
    let b = sfu.join_user(2, p).await;
    let mid = sfu.wait_slot(b.peer, 1, TrackKind::Share).await;
    let snap = b
        .media
        .wait_for(WAIT, |s| s.track(&mid).frames >= 10)
        .await
        .expect("share frames arrive");
    assert!(
        snap.track(&mid).records[0].keyframe,
        "share starts at a keyframe"
    );
    assert!(assert_bit_exact(&snap, 1, &a.snapshot().await) >= 10);

    sfu.send(Command::SetShareAllowed {
        peer: a.peer,
        allowed: false,
    })
    .await;
    sfu.wait_no_slot(b.peer, 1, TrackKind::Share).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renegotiation_adds_tracks_and_slots() {
    let sfu = TestSfu::start().await;
    // A starts as a pure listener, B publishes audio.
    let mut a = sfu.join_user(1, plan(false, false, 1, 0)).await;
    let mut b = sfu.join_user(2, plan(true, false, 0, 0)).await;
    sfu.wait_slot(a.peer, 2, TrackKind::Audio).await;

    // A starts publishing audio and video: a new offer from the client, answered by the SFU.
    a.renegotiate(&sfu, plan(true, true, 1, 0)).await;
    // B adds a slot for video and an audio slot: again the client offers.
    b.renegotiate(&sfu, plan(true, false, 1, 1)).await;
    let vmid = sfu.attach(b.peer, 1, 2).await;
    sfu.wait_slot(b.peer, 1, TrackKind::Audio).await;
    let snap = b
        .media
        .wait_for(WAIT, |s| {
            s.track(&vmid).frames >= 10 && frames_from(s, 1, SynthKind::Audio) >= 10
        })
        .await
        .expect("media published after renegotiation arrives");
    assert!(assert_bit_exact(&snap, 1, &a.snapshot().await) >= 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_a_publisher_frees_slots() {
    let sfu = TestSfu::start().await;
    let a = sfu.join_user(1, plan(true, false, 0, 0)).await;
    let b = sfu.join_user(2, plan(false, false, 3, 0)).await;
    sfu.wait_slot(b.peer, 1, TrackKind::Audio).await;
    sfu.send(Command::RemovePeer { peer: a.peer }).await;
    sfu.wait_no_slot(b.peer, 1, TrackKind::Audio).await;
    // Commands for the removed peer are errors for that peer, nothing else happens.
    let from = sfu.log_len();
    sfu.send(Command::SetAudioAllowed {
        peer: a.peer,
        allowed: false,
    })
    .await;
    sfu.wait_event(from, |e| match e {
        Event::Error {
            peer,
            reason: SfuError::UnknownPeer(_),
        } if *peer == a.peer => Some(()),
        _ => None,
    })
    .await;
    // Quality reports exist for the remaining peer.
    sfu.wait_event(0, |e| match e {
        Event::NetworkQuality { peer, .. } if *peer == b.peer => Some(()),
        _ => None,
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_offers_and_candidates_are_errors_not_panics() {
    let sfu = TestSfu::start().await;
    sfu.send(Command::AddPeer {
        peer: PeerId(1),
        room: RoomId("r".into()),
        user_id: 1,
    })
    .await;
    for c in [
        Command::Offer {
            peer: PeerId(1),
            sdp: "v=0\r\nnonsense".into(),
            share_mids: vec![],
        },
        Command::Candidate {
            peer: PeerId(1),
            candidate: "candidate:garbage".into(),
        },
        Command::AddPeer {
            peer: PeerId(1),
            room: RoomId("r".into()),
            user_id: 1,
        },
    ] {
        let from = sfu.log_len();
        sfu.send(c).await;
        sfu.wait_event(from, |e| match e {
            Event::Error { peer, .. } if *peer == PeerId(1) => Some(()),
            _ => None,
        })
        .await;
    }
    // The SFU still works.
    let a = sfu.join_user(2, plan(true, false, 0, 0)).await;
    let b = sfu.join_user(3, plan(false, false, 1, 0)).await;
    b.media
        .wait_for(WAIT, |s| frames_from(s, 2, SynthKind::Audio) >= 5)
        .await
        .expect("media flows");
    drop(a);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_leaving_is_reported_and_frees_slots() {
    let sfu = TestSfu::start().await;
    let a = sfu.join_user(1, plan(true, false, 0, 0)).await;
    let b = sfu.join_user(2, plan(false, false, 3, 0)).await;
    sfu.wait_slot(b.peer, 1, TrackKind::Audio).await;
    let from = sfu.log_len();
    drop(a); // the client closes its connection (DTLS close_notify)
    sfu.wait_event(from, |e| match e {
        Event::Disconnected { peer: PeerId(1) } => Some(()),
        _ => None,
    })
    .await;
    sfu.wait_no_slot(b.peer, 1, TrackKind::Audio).await;
}
