//! SPEC §9 through the whole stack: Rust clients negotiate over the signaling socket, media
//! flows over real UDP on 127.0.0.1 through the server's SFU, and the server's rules (host
//! mute, share lock, attach) decide what is forwarded.

use convene_client::protocol::MediaKind;
use convene_client::{MediaOptions, MediaStream};
use convene_media::{PeerSnapshot, SynthKind};
use convene_testkit::*;
use std::time::Duration;

const MEDIA_WAIT: Duration = Duration::from_secs(15);

struct MediaPeer {
    peer: Peer,
    stream: MediaStream,
}

async fn media_peer(server: &TestServer, topic: &str, role: Role, name: &str) -> MediaPeer {
    let peer = Peer::join(server, topic, role, name).await;
    let stream = peer.client.get_media_stream().expect("joined");
    stream
        .set_options(MediaOptions {
            simulcast: false,
            ..MediaOptions::default()
        })
        .await;
    MediaPeer { peer, stream }
}

async fn snapshot(s: &MediaStream) -> PeerSnapshot {
    s.snapshot()
        .await
        .expect("snapshot")
        .expect("media peer exists")
}

/// Waits until `rx` received at least `n` frames of `kind` from `from` (any slot).
async fn wait_frames(rx: &MediaStream, from: UserId, kind: SynthKind, n: usize) -> PeerSnapshot {
    let deadline = tokio::time::Instant::now() + MEDIA_WAIT;
    loop {
        let snap = snapshot(rx).await;
        let got = frames_from(&snap, from, kind).len();
        if got >= n {
            return snap;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {got} {kind:?} frames from {from} after {MEDIA_WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Every received frame tagged as `from`'s `kind`: (layer, counter, checksum, keyframe).
fn frames_from(snap: &PeerSnapshot, from: UserId, kind: SynthKind) -> Vec<(u8, u32, u64, bool)> {
    snap.received
        .values()
        .flat_map(|t| t.records.iter())
        .filter_map(|r| r.tag.map(|tag| (tag, r)))
        .filter(|(tag, _)| tag.user == from.0 && tag.kind == kind)
        .map(|(tag, r)| (tag.layer, tag.counter, r.checksum, r.keyframe))
        .collect()
}

/// Every frame `rx` got from `tx` is byte-for-byte a frame `tx` sent.
fn assert_bit_exact(rx: &PeerSnapshot, tx: &PeerSnapshot, from: UserId, kind: SynthKind) {
    let frames = frames_from(rx, from, kind);
    assert!(!frames.is_empty(), "no {kind:?} frames from {from}");
    for (layer, counter, sum, _) in frames {
        let sent = tx.sent.get(&(kind, layer, counter));
        assert_eq!(
            sent,
            Some(&sum),
            "{kind:?} frame {counter} (layer {layer}) from {from} differs from what was sent"
        );
    }
}

#[tokio::test]
async fn three_clients_receive_each_others_media_bit_exact() {
    let server = TestServer::start().await;
    let t = "media-three";
    let a = media_peer(&server, t, Role::Host, "A").await;
    let b = media_peer(&server, t, Role::Participant, "B").await;
    let c = media_peer(&server, t, Role::Participant, "C").await;
    let all = [&a, &b, &c];
    for p in all {
        assert_ok(p.stream.start_audio(false).await, "start audio");
        assert_ok(p.stream.start_video().await, "start video");
    }
    for rx in all {
        for tx in all {
            if rx.peer.id != tx.peer.id {
                assert_ok(rx.stream.attach_video(tx.peer.id, 2).await, "attach");
            }
        }
    }
    for rx in all {
        for tx in all {
            if rx.peer.id == tx.peer.id {
                continue;
            }
            wait_frames(&rx.stream, tx.peer.id, SynthKind::Video, 10).await;
            let got = wait_frames(&rx.stream, tx.peer.id, SynthKind::Audio, 10).await;
            let sent = snapshot(&tx.stream).await;
            assert_bit_exact(&got, &sent, tx.peer.id, SynthKind::Video);
            assert_bit_exact(&got, &sent, tx.peer.id, SynthKind::Audio);
        }
    }
    // The slot map names who each video slot carries.
    assert!(a.stream.slot_of(b.peer.id, MediaKind::Video).is_some());
    let stats = a.stream.stats().await.unwrap();
    assert!(stats
        .iter()
        .any(|s| s.user_id == Some(b.peer.id) && s.kind == "video" && s.frames > 0));
}

#[tokio::test]
async fn late_joiner_gets_a_keyframe_and_detach_stops_delivery() {
    let server = TestServer::start().await;
    let t = "media-late";
    let a = media_peer(&server, t, Role::Host, "A").await;
    assert_ok(a.stream.start_video().await, "start video");
    // A publishes for a while before anyone watches.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let b = media_peer(&server, t, Role::Participant, "B").await;
    assert_ok(b.stream.attach_video(a.peer.id, 2).await, "attach");
    let snap = wait_frames(&b.stream, a.peer.id, SynthKind::Video, 1).await;
    let first = frames_from(&snap, a.peer.id, SynthKind::Video)[0];
    assert!(
        first.3,
        "the first frame a late subscriber decodes is a keyframe"
    );

    assert_ok(b.stream.detach_video(a.peer.id).await, "detach");
    // Let frames in flight land, then nothing more may arrive.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let n0 = frames_from(&snapshot(&b.stream).await, a.peer.id, SynthKind::Video).len();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let n1 = frames_from(&snapshot(&b.stream).await, a.peer.id, SynthKind::Video).len();
    assert_eq!(n0, n1, "frames kept arriving after detach");
}

#[tokio::test]
async fn host_mute_stops_forwarding_until_the_user_unmutes() {
    let server = TestServer::start().await;
    let t = "media-mute";
    let h = media_peer(&server, t, Role::Host, "H").await;
    let p = media_peer(&server, t, Role::Participant, "P").await;
    let q = media_peer(&server, t, Role::Participant, "Q").await;
    assert_ok(h.stream.start_audio(true).await, "host audio");
    assert_ok(q.stream.start_audio(true).await, "q audio");
    assert_ok(p.stream.start_audio(false).await, "p audio");
    wait_frames(&q.stream, p.peer.id, SynthKind::Audio, 5).await;

    assert_ok(h.stream.mute_audio(Some(p.peer.id)).await, "host mutes P");
    // A participant cannot unmute someone else.
    assert_code(
        q.stream.unmute_audio(Some(p.peer.id)).await,
        5006,
        "q unmutes p",
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let count = |s: &PeerSnapshot| frames_from(s, p.peer.id, SynthKind::Audio).len();
    let (h0, q0) = (
        count(&snapshot(&h.stream).await),
        count(&snapshot(&q.stream).await),
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    let (h1, q1) = (
        count(&snapshot(&h.stream).await),
        count(&snapshot(&q.stream).await),
    );
    assert_eq!((h0, q0), (h1, q1), "muted audio still reached someone");

    assert_ok(p.stream.unmute_audio(None).await, "P unmutes itself");
    wait_frames(&q.stream, p.peer.id, SynthKind::Audio, q1 + 5).await;
}

#[tokio::test]
async fn locked_share_stops_a_participant_but_not_a_manager() {
    let server = TestServer::start().await;
    let t = "media-share";
    let h = media_peer(&server, t, Role::Host, "H").await;
    let m = media_peer(&server, t, Role::Host, "M").await;
    let p = media_peer(&server, t, Role::Participant, "P").await;
    assert_ok(
        h.peer
            .client
            .set_share_privilege(convene_client::protocol::SharePrivilege::MultipleShare)
            .await,
        "multiple share",
    );
    assert_ok(h.stream.start_audio(true).await, "h negotiates");
    assert_ok(p.stream.start_share_screen().await, "p shares");
    assert_ok(m.stream.start_share_screen().await, "m shares");
    wait_frames(&h.stream, p.peer.id, SynthKind::Share, 3).await;

    assert_ok(h.peer.client.lock_share(true).await, "lock");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let n0 = frames_from(&snapshot(&h.stream).await, p.peer.id, SynthKind::Share).len();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let n1 = frames_from(&snapshot(&h.stream).await, p.peer.id, SynthKind::Share).len();
    assert_eq!(
        n0, n1,
        "a locked-out participant's share is still forwarded"
    );
    assert_code(
        p.stream.start_share_screen().await,
        6204,
        "share while locked",
    );
    // The manager's share goes on.
    let before = frames_from(&snapshot(&h.stream).await, m.peer.id, SynthKind::Share).len();
    wait_frames(&h.stream, m.peer.id, SynthKind::Share, before + 3).await;
}

#[tokio::test]
async fn the_louder_speaker_is_reported_first() {
    let server = TestServer::start().await;
    let t = "media-speaker";
    let mut a = media_peer(&server, t, Role::Host, "A").await;
    let b = media_peer(&server, t, Role::Participant, "B").await;
    let c = media_peer(&server, t, Role::Participant, "C").await;
    assert_ok(b.stream.set_audio_level(-10).await, "b loud");
    assert_ok(c.stream.set_audio_level(-60).await, "c quiet");
    assert_ok(a.stream.start_audio(true).await, "a audio");
    assert_ok(b.stream.start_audio(false).await, "b audio");
    assert_ok(c.stream.start_audio(false).await, "c audio");
    let (bid, cid) = (b.peer.id, c.peer.id);
    a.peer
        .wait_for(|e| match e.as_session() {
            Some(convene_client::protocol::Event::ActiveSpeaker(list)) => {
                list.first().map(|s| s.user_id) == Some(bid)
                    && list.iter().any(|s| s.user_id == cid)
            }
            _ => false,
        })
        .await;
}

#[tokio::test]
async fn media_calls_before_join_are_6002() {
    let server = TestServer::start().await;
    let (client, _events) = new_client(&server).await;
    assert_code(
        client.get_media_stream().map(drop),
        6002,
        "getMediaStream before join",
    );
}

/// The simulcast layer of the newest frames `rx` got from `from`.
fn latest_layer(snap: &PeerSnapshot, from: UserId) -> Option<u8> {
    frames_from(snap, from, SynthKind::Video)
        .last()
        .map(|(layer, ..)| *layer)
}

#[tokio::test]
async fn requested_quality_picks_the_simulcast_layer() {
    let server = TestServer::start().await;
    let t = "media-simulcast";
    let a = media_peer(&server, t, Role::Host, "A").await;
    a.stream
        .set_options(MediaOptions {
            simulcast: true,
            ..MediaOptions::default()
        })
        .await;
    let mut b = media_peer(&server, t, Role::Participant, "B").await;
    assert_ok(a.stream.start_video().await, "simulcast video");
    assert_ok(b.stream.attach_video(a.peer.id, 0).await, "attach at 90p");
    wait_frames(&b.stream, a.peer.id, SynthKind::Video, 5).await;
    let deadline = tokio::time::Instant::now() + MEDIA_WAIT;
    while latest_layer(&snapshot(&b.stream).await, a.peer.id) != Some(0) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "never on the lowest layer"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Asking for 720p switches to the top layer, at a keyframe, on the same slot.
    let slot = b.stream.slot_of(a.peer.id, MediaKind::Video).expect("slot");
    assert_ok(
        b.stream.attach_video(a.peer.id, 3).await,
        "re-attach at 720p",
    );
    let deadline = tokio::time::Instant::now() + MEDIA_WAIT;
    let snap = loop {
        let snap = snapshot(&b.stream).await;
        if latest_layer(&snap, a.peer.id) == Some(2) {
            break snap;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never switched to the top layer"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(
        b.stream.slot_of(a.peer.id, MediaKind::Video),
        Some(slot.clone())
    );
    // Decoding order holds across the switch: the first top-layer frame is a keyframe,
    // and each layer's frames arrive in counter order.
    let frames = frames_from(&snap, a.peer.id, SynthKind::Video);
    let first_top = frames.iter().find(|f| f.0 == 2).unwrap();
    assert!(first_top.3, "switch happens at a keyframe");
    for layer in 0..3u8 {
        let counters: Vec<u32> = frames
            .iter()
            .filter(|f| f.0 == layer)
            .map(|f| f.1)
            .collect();
        assert!(
            counters.windows(2).all(|w| w[0] < w[1]),
            "layer {layer} out of order"
        );
    }
    // The publisher's link quality reaches the session.
    b.peer
        .wait_for(|e| {
            matches!(
                e.as_session(),
                Some(convene_client::protocol::Event::NetworkQualityChange { .. })
            )
        })
        .await;
}

#[tokio::test]
async fn a_client_whose_udp_is_blocked_uses_ice_tcp() {
    let server = TestServer::start().await;
    let t = "media-tcp";
    let a = media_peer(&server, t, Role::Host, "A").await;
    let b = media_peer(&server, t, Role::Participant, "B").await;
    b.stream
        .set_options(MediaOptions {
            simulcast: false,
            transport: convene_client::Transport::Tcp,
            ..MediaOptions::default()
        })
        .await;
    for p in [&a, &b] {
        assert_ok(p.stream.start_audio(false).await, "audio");
        assert_ok(p.stream.start_video().await, "video");
    }
    assert_ok(a.stream.attach_video(b.peer.id, 2).await, "a attaches b");
    assert_ok(b.stream.attach_video(a.peer.id, 2).await, "b attaches a");
    for (rx, tx) in [(&a, &b), (&b, &a)] {
        wait_frames(&rx.stream, tx.peer.id, SynthKind::Video, 10).await;
        let got = wait_frames(&rx.stream, tx.peer.id, SynthKind::Audio, 10).await;
        let sent = snapshot(&tx.stream).await;
        assert_bit_exact(&got, &sent, tx.peer.id, SynthKind::Video);
        assert_bit_exact(&got, &sent, tx.peer.id, SynthKind::Audio);
    }
}

/// One sample of `/metrics`: the value of `name` (with its labels, e.g.
/// `convene_rtp_packets_in_total{kind="audio"}`), 0 when absent.
async fn metric(server: &TestServer, name: &str) -> f64 {
    let (status, body) = http_get(server, "/metrics").await;
    assert!(status.contains("200"), "{status}");
    body.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            l.strip_prefix(name)
                .filter(|rest| rest.starts_with(' '))
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(0.0)
}

#[tokio::test]
async fn metrics_move_while_media_flows() {
    let server = TestServer::start().await;
    let t = "media-metrics";
    let a = media_peer(&server, t, Role::Host, "A").await;
    let b = media_peer(&server, t, Role::Participant, "B").await;
    let audio_in = r#"convene_rtp_packets_in_total{kind="audio"}"#;
    let video_out = r#"convene_rtp_packets_out_total{kind="video"}"#;
    let before = (
        metric(&server, audio_in).await,
        metric(&server, video_out).await,
    );
    assert_ok(a.stream.start_audio(false).await, "start audio");
    assert_ok(a.stream.start_video().await, "start video");
    assert_ok(b.stream.start_audio(false).await, "start audio");
    assert_ok(b.stream.attach_video(a.peer.id, 2).await, "attach");
    wait_frames(&b.stream, a.peer.id, SynthKind::Video, 10).await;
    wait_frames(&b.stream, a.peer.id, SynthKind::Audio, 10).await;

    // Egress counters come from str0m's statistics, refreshed about once a second.
    for (name, floor) in [
        (audio_in, before.0),
        (video_out, before.1),
        (r#"convene_rtp_bytes_out_total{kind="video"}"#, 0.0),
        ("convene_forwarded_packets_total", 0.0),
        ("convene_keyframe_requests_total", 0.0),
        ("convene_plis_sent_total", 0.0),
        ("convene_subscriber_bandwidth_estimate_bps_count", 0.0),
        ("convene_sfu_loop_busy_seconds_total", 0.0),
    ] {
        let deadline = tokio::time::Instant::now() + MEDIA_WAIT;
        while metric(&server, name).await <= floor {
            assert!(tokio::time::Instant::now() < deadline, "{name} never moved");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    assert_eq!(metric(&server, "convene_media_peers").await, 2.0);
    assert_eq!(metric(&server, "convene_sessions").await, 1.0);
    assert_eq!(metric(&server, "convene_users").await, 2.0);
    assert!(metric(&server, "convene_join_duration_seconds_count").await >= 2.0);
    assert!(metric(&server, "convene_session_inbox_depth_count").await >= 2.0);
}

/// Waits until `rx` has `n` more of `from`'s video frames than `before`.
async fn wait_more_video(rx: &MediaStream, from: UserId, before: usize, n: usize) {
    wait_frames(rx, from, SynthKind::Video, before + n).await;
}

#[tokio::test]
async fn an_ice_restart_on_a_new_socket_brings_media_back_without_a_rejoin() {
    let server = TestServer::start().await;
    let t = "media-ice-restart";
    let a = media_peer(&server, t, Role::Host, "A").await;
    let b = media_peer(&server, t, Role::Participant, "B").await;
    assert_ok(a.stream.start_video().await, "start video");
    assert_ok(b.stream.attach_video(a.peer.id, 2).await, "attach");
    wait_frames(&b.stream, a.peer.id, SynthKind::Video, 5).await;

    // The subscriber's network changes, then the publisher's: each moves to a new local
    // port (the old socket is closed) and restarts ICE; frames flow again on the new path.
    for (who, mover) in [("subscriber", &b), ("publisher", &a)] {
        let old = snapshot(&mover.stream).await.local_addr;
        assert_ok(mover.stream.restart_ice().await, "restart ice");
        let new = snapshot(&mover.stream).await.local_addr;
        assert_ne!(old, new, "the {who} kept its socket");
        let before = frames_from(&snapshot(&b.stream).await, a.peer.id, SynthKind::Video).len();
        wait_more_video(&b.stream, a.peer.id, before, 20).await;
        assert!(snapshot(&mover.stream).await.connected, "{who} connected");
    }
    // Same users, same session: no rejoin happened.
    assert_eq!(a.peer.client.get_all_user().len(), 2);
    assert_eq!(
        b.peer.client.get_current_user_info().map(|u| u.user_id),
        Some(b.peer.id)
    );
}
