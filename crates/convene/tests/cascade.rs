//! Cascading: one session over two nodes' SFUs. Two `convene serve` nodes and a real
//! `redis-server` on 127.0.0.1, with `--cascade-above 1`: the host's media goes to the
//! owner's SFU, the next user's to the other node's, and each receives the other's camera
//! and audio, relayed between the two SFUs, and the host's share. A host mute holds across
//! the relay. The edge killed, both see each other again. Skipped
//! (with a note) when `redis-server` is missing, unless `CONVENE_REQUIRE_REDIS=1` (CI).

mod common;

use common::*;

/// `name` in `port`'s `/metrics` (0 when absent).
async fn metric(port: u16, name: &str) -> u64 {
    let (_, _, body) = api_get(port, "/metrics").await;
    body.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map_or(0, |v| v as u64)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_session_over_two_nodes_sfus() {
    let Some((_redis, rport)) = redis() else {
        return;
    };
    let (ports, mut nodes) = cluster(["ca", "cb"], rport, &["--cascade-above", "1"]).await;

    // The host's media is the first on the owner's SFU.
    let host = join(ports[0], "wide", true, "host", None).await.unwrap();
    publish_camera(&host).await;
    host.get_media_stream()
        .unwrap()
        .start_audio(false)
        .await
        .unwrap();
    // Bob signals through the owner (redirected there), his media goes to the other node.
    let bob = join(ports[1], "wide", false, "bob", None).await.unwrap();
    assert_eq!(
        bob.get_session_info().session_id,
        host.get_session_info().session_id
    );
    publish_camera(&bob).await;
    bob.get_media_stream()
        .unwrap()
        .start_audio(false)
        .await
        .unwrap();
    let (host_id, bob_id) = (
        host.get_session_info().user_id,
        bob.get_session_info().user_id,
    );
    host.get_media_stream()
        .unwrap()
        .attach_video(bob_id, 2)
        .await
        .unwrap();
    bob.get_media_stream()
        .unwrap()
        .attach_video(host_id, 2)
        .await
        .unwrap();

    // Each SFU holds one user and the relays: bob's media is on the second node.
    // On each: its user, the other's relay sink, its own user's relay source; the owner runs
    // both relays, over one link. (The relays start as the users' tracks do.)
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let peers = |p| metric(p, "convene_media_peers");
        let seen = (
            peers(ports[0]).await,
            peers(ports[1]).await,
            metric(ports[0], "convene_cascade_relays").await,
            metric(ports[0], "convene_cascade_links").await,
        );
        if seen == (3, 3, 2, 1) {
            break;
        }
        assert!(
            std::time::Instant::now() < until,
            "(peers on the owner's SFU, on the edge's, relays, links): {seen:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Camera and audio both ways, across the two SFUs.
    media_flows(&bob, host_id, "video", "the host's camera at bob").await;
    media_flows(&host, bob_id, "video", "bob's camera at the host").await;
    media_flows(&bob, host_id, "audio", "the host's audio at bob").await;
    media_flows(&host, bob_id, "audio", "bob's audio at the host").await;

    // The host shares: bob gets the share across the relay, and no more once it stops.
    let host_media = host.get_media_stream().unwrap();
    host_media.start_share_screen().await.unwrap();
    media_flows(&bob, host_id, "share", "the host's share at bob").await;
    host_media.stop_share_screen().await.unwrap();
    media_stops(
        &bob,
        host_id,
        "share",
        "the host's share at bob once stopped",
    )
    .await;

    // The host mutes bob: his audio stops reaching the host across the relay.
    host.get_media_stream()
        .unwrap()
        .mute_audio(Some(bob_id))
        .await
        .unwrap();
    media_stops(
        &host,
        bob_id,
        "audio",
        "bob's audio at the host after a host mute",
    )
    .await;

    // The edge dies: bob's media comes back on the owner's SFU (the link's loss removes his
    // peer there; his SDK restarts the path), and both see each other again.
    drop(nodes[1].take());
    media_flows(
        &bob,
        host_id,
        "video",
        "the host's camera at bob after the edge died",
    )
    .await;
    media_flows(
        &host,
        bob_id,
        "video",
        "bob's camera at the host after the edge died",
    )
    .await;
}
