//! SPEC §1, §5 and §8: sessions by topic, ending, removal, host hand-over, idle timeout, and
//! the consistency of every client's user list.

use convene_testkit::*;
use std::time::Duration;

#[tokio::test]
async fn topics_are_case_insensitive() {
    let server = TestServer::start().await;
    let a = Peer::join(&server, "Room", Role::Host, "A").await;
    let b = Peer::join(&server, "rOOM", Role::Participant, "B").await;
    let sa = a.client.get_session_info();
    let sb = b.client.get_session_info();
    assert!(!sa.session_id.as_str().is_empty());
    assert_eq!(sa.session_id, sb.session_id);
    assert_eq!(sb.topic, "Room", "the starter's spelling is kept");
    let ac = &a.client;
    wait_until("A sees B", || ac.get_user(b.id).is_some()).await;
    assert_eq!(b.client.get_all_user().len(), 2);
    // A different topic is a different session.
    let c = Peer::join(&server, "Room 2", Role::Host, "C").await;
    assert_ne!(c.client.get_session_info().session_id, sa.session_id);
    assert!(c.client.is_host(), "first role-1 user of its own session");
}

#[tokio::test]
async fn end_by_host_closes_everyone_and_a_later_join_starts_anew() {
    let server = TestServer::start().await;
    let t = "end";
    let host = Peer::join(&server, t, Role::Host, "H").await;
    let mut p = Peer::join(&server, t, Role::Participant, "P").await;
    let mut m = Peer::join(&server, t, Role::Host, "M").await;
    let old = host.client.get_session_info().session_id;
    assert_ok(host.client.leave(true).await, "host ends");
    for peer in [&mut p, &mut m] {
        peer.wait_for(|e| is_conn_change(e, ConnectionState::Closed, Some("ended by host")))
            .await;
        let c = &peer.client;
        wait_until("out of the session", || !c.get_session_info().is_in_meeting).await;
        assert_code(c.chat_send_to_all("x").await, 5002, "call after the end");
    }
    let again = Peer::join(&server, t, Role::Participant, "Later").await;
    let new = again.client.get_session_info().session_id;
    assert_ne!(new, old, "a new session instance");
    assert_eq!(again.client.get_all_user().len(), 1, "nobody carried over");
    // The ended session's members may join the new instance.
    let p_again = Peer::join(&server, t, Role::Participant, "P").await;
    assert_eq!(p_again.client.get_session_info().session_id, new);
}

#[tokio::test]
async fn kicked_user_is_told_and_others_see_user_removed() {
    let server = TestServer::start().await;
    let t = "kick";
    let host = Peer::join(&server, t, Role::Host, "H").await;
    let mut p = Peer::join(&server, t, Role::Participant, "P").await;
    let mut q = Peer::join(&server, t, Role::Participant, "Q").await;
    assert_ok(host.client.remove_user(p.id).await, "host removes P");
    p.wait_for(|e| is_conn_change(e, ConnectionState::Closed, Some("kicked by host")))
        .await;
    let ev = q.wait_for(|e| is_user_removed(e, p.id)).await;
    if let Some(Event::UserRemoved(v)) = ev.as_session() {
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].display_name.as_deref(), Some("P"));
    }
    q.wait_gone(p.id).await;
    let pc = &p.client;
    wait_until("P out", || !pc.get_session_info().is_in_meeting).await;
    // P's user id is never reused in this instance.
    // (R needs a token of its own: a byte-identical token minted in the same second as P's
    // would be refused as P's, 3009.)
    let r_token = token(t, Role::Participant, Some("r"));
    let r = Peer::join_with(&server, t, &r_token, "R", JoinOpts::default()).await;
    assert!(r.id > q.id && r.id != p.id);
}

#[tokio::test]
async fn host_passes_to_longest_present_manager_then_user() {
    let server = TestServer::start().await;
    let t = "handover";
    let host = Peer::join(&server, t, Role::Host, "H").await;
    let a = Peer::join(&server, t, Role::Participant, "A").await;
    let m1 = Peer::join(&server, t, Role::Host, "M1").await;
    let m2 = Peer::join(&server, t, Role::Host, "M2").await;
    let b = Peer::join(&server, t, Role::Participant, "B").await;
    let bc = &b.client;
    wait_until("B sees 5", || bc.get_all_user().len() == 5).await;
    assert_ok(host.client.leave(false).await, "host leaves");
    // A joined before the managers, but a manager comes first.
    for peer in [&a, &m2, &b] {
        peer.wait_user(m1.id, "M1 is host", |u| u.is_host && !u.is_manager)
            .await;
    }
    assert!(m1.client.is_host());
    assert!(!a.client.get_user(a.id).unwrap().is_host);
    assert_ok(m1.client.leave(false).await, "M1 leaves");
    b.wait_user(m2.id, "M2 is host", |u| u.is_host).await;
    assert_ok(m2.client.leave(false).await, "M2 leaves");
    // No manager left: the longest-present user.
    b.wait_user(a.id, "A is host", |u| u.is_host).await;
    assert!(a.client.is_host());
    assert_eq!(b.client.get_session_host().map(|u| u.user_id), Some(a.id));
    // The new host has the host's rights.
    assert_ok(
        a.client.make_manager(b.id).await,
        "new host makes a manager",
    );
}

#[tokio::test]
async fn original_host_reclaims() {
    let server = TestServer::start().await;
    let t = "reclaim";
    let h = Peer::join(&server, t, Role::Host, "H").await;
    let p = Peer::join(&server, t, Role::Participant, "P").await;
    let m = Peer::join(&server, t, Role::Host, "M").await;
    assert!(h.client.is_original_host());
    assert!(!m.client.is_original_host());
    assert_ok(h.client.make_host(p.id).await, "H hands host to P");
    m.wait_user(p.id, "P host", |u| u.is_host).await;
    m.wait_user(h.id, "H manager", |u| u.is_manager && !u.is_host)
        .await;
    assert_code(m.client.reclaim_host().await, 5008, "manager reclaims");
    assert_code(p.client.reclaim_host().await, 5008, "current host reclaims");
    assert_ok(h.client.reclaim_host().await, "original host reclaims");
    for peer in [&p, &m] {
        peer.wait_user(h.id, "H host again", |u| u.is_host && !u.is_manager)
            .await;
        peer.wait_user(p.id, "P participant", |u| !u.is_host && !u.is_manager)
            .await;
    }
    assert!(h.client.is_host());
}

#[tokio::test]
async fn idle_timeout_ends_a_lone_hosts_session() {
    let server =
        TestServer::start_with(|c| c.session.idle_minute = Duration::from_millis(200)).await;
    let t = "idle";
    let opts = JoinOpts {
        idle_timeout_mins: Some(1),
        ..JoinOpts::default()
    };
    let mut h = Peer::join_with(&server, t, &host_token(t), "H", opts).await;
    h.wait_for(|e| is_conn_change(e, ConnectionState::Closed, Some("session idle timeout")))
        .await;
    let hc = &h.client;
    wait_until("host out", || !hc.get_session_info().is_in_meeting).await;
    let old = h.client.get_session_info().session_id;
    let again = Peer::join(&server, t, Role::Host, "H").await;
    assert_ne!(again.client.get_session_info().session_id, old);
}

#[tokio::test]
async fn a_second_user_cancels_the_idle_timeout() {
    let minute = Duration::from_millis(400);
    let server = TestServer::start_with(|c| c.session.idle_minute = minute).await;
    let t = "idle-cancel";
    let opts = JoinOpts {
        idle_timeout_mins: Some(1),
        ..JoinOpts::default()
    };
    let joined_at = tokio::time::Instant::now();
    let mut h = Peer::join_with(&server, t, &host_token(t), "H", opts).await;
    let p = Peer::join(&server, t, Role::Participant, "P").await;
    assert!(
        joined_at.elapsed() < minute,
        "setup too slow to test cancellation ({:?}); the timer may have fired already",
        joined_at.elapsed()
    );
    // Past the host's idle deadline, with two users the session is alive. (This wait proves
    // an absence; it asserts nothing about speed.)
    tokio::time::sleep(minute * 3).await;
    assert_ok(
        h.client.chat_send_to_all("alive").await,
        "host still in session",
    );
    assert!(h.client.get_session_info().is_in_meeting);
    // Alone again, the timer restarts and fires after P left, not before.
    assert_ok(p.client.leave(false).await, "P leaves");
    let events = collect_until(&mut h.events, |e| e.is_terminal()).await;
    let last = events.last().unwrap();
    assert!(
        is_conn_change(last, ConnectionState::Closed, Some("session idle timeout")),
        "{last:?}"
    );
    assert!(
        events.iter().any(|e| is_user_removed(e, p.id)),
        "the timeout came after P left: {events:?}"
    );
}

#[tokio::test]
async fn every_clients_list_matches_the_servers() {
    let server = TestServer::start().await;
    let t = "consistency";
    let h = Peer::join(&server, t, Role::Host, "H").await;
    let m = Peer::join(&server, t, Role::Host, "M").await;
    let p1 = Peer::join(&server, t, Role::Participant, "P1").await;
    let p2 = Peer::join(&server, t, Role::Participant, "P2").await;
    let p3 = Peer::join(&server, t, Role::Participant, "P3").await;
    let p4 = Peer::join(&server, t, Role::Participant, "P4").await;
    assert_ok(h.client.make_manager(p1.id).await, "make P1 manager");
    assert_ok(h.client.revoke_manager(m.id).await, "revoke M");
    assert_ok(p2.client.leave(false).await, "P2 leaves");
    assert_ok(p3.client.start_audio(true).await, "P3 audio");
    assert_ok(p4.client.start_video().await, "P4 video");
    let p5 = Peer::join(&server, t, Role::Participant, "P5").await;
    assert_ok(
        p1.client.change_name("P1 renamed", Some(p5.id)).await,
        "rename P5",
    );
    assert_ok(h.client.make_host(p3.id).await, "P3 host");
    assert_ok(p3.client.remove_user(p4.id).await, "P3 removes P4");
    assert_ok(h.client.change_name("H2", None).await, "H renames");
    let present = [&h, &m, &p1, &p3, &p5];
    for peer in present {
        let server_list = peer.client.fetch_all_users().await.unwrap();
        assert_eq!(server_list.len(), 5, "{server_list:?}");
        // Every event the server sent before its reply has been applied by the time the
        // reply arrives (one ordered socket), so the lists must be equal right now.
        assert_eq!(peer.client.get_all_user(), server_list, "user {}", peer.id);
    }
    let ids: Vec<UserId> = h.client.get_all_user().iter().map(|u| u.user_id).collect();
    assert_eq!(ids, vec![h.id, m.id, p1.id, p3.id, p5.id], "join order");
    let p3v = h.client.get_user(p3.id).unwrap();
    assert!(p3v.is_host && p3v.muted == Some(true));
    assert_eq!(h.client.get_user(p5.id).unwrap().display_name, "P1 renamed");
    assert!(h.client.get_user(h.id).unwrap().is_manager);
}

#[tokio::test]
async fn joins_are_batched_one_user_added_each() {
    const N: usize = 30;
    let server = TestServer::start().await;
    let t = "batch";
    let mut peers = Vec::with_capacity(N);
    for i in 0..N {
        let role = if i == 0 {
            Role::Host
        } else {
            Role::Participant
        };
        peers.push(Peer::join(&server, t, role, &format!("U{i}")).await);
    }
    let newcomer = Peer::join(&server, t, Role::Participant, "Newcomer").await;
    // The joiner gets everyone in its join result.
    let all = newcomer.client.get_all_user();
    assert_eq!(all.len(), N + 1);
    for p in &peers {
        assert!(all.iter().any(|u| u.user_id == p.id), "{} missing", p.id);
    }
    // A marker after the join: per connection the server keeps order, so each user's events
    // up to the marker hold every user-added about the newcomer.
    assert_ok(newcomer.client.chat_send_to_all("marker").await, "marker");
    for p in &mut peers {
        let events = collect_until(&mut p.events, |e| is_chat(e, "marker")).await;
        let adds = events
            .iter()
            .filter(|e| is_user_added(e, newcomer.id))
            .count();
        assert_eq!(
            adds, 1,
            "user {} got {adds} user-added for the newcomer",
            p.id
        );
        let pc = &p.client;
        assert_eq!(pc.get_all_user().len(), N + 1);
    }
}

#[tokio::test]
async fn a_lone_non_host_uses_the_default_40_minutes() {
    // 40 idle "minutes" of 20 ms each: 800 ms.
    let server =
        TestServer::start_with(|c| c.session.idle_minute = Duration::from_millis(20)).await;
    let t = "idle-participant";
    let opts = JoinOpts {
        idle_timeout_mins: Some(1),
        ..JoinOpts::default()
    };
    let started = tokio::time::Instant::now();
    // A participant's own idleTimeoutMins does not apply: only the host's does.
    let mut p = Peer::join_with(&server, t, &participant_token(t), "P", opts).await;
    p.wait_for(|e| is_conn_change(e, ConnectionState::Closed, Some("session idle timeout")))
        .await;
    assert!(
        started.elapsed() >= Duration::from_millis(20 * 40),
        "ended after {:?}: the 1-minute timeout of a non-host was used",
        started.elapsed()
    );
}

#[tokio::test]
async fn init_gets_the_configured_ice_servers_and_the_sdk_is_served() {
    let server = TestServer::start_with(|c| {
        c.ice_servers = vec![convene_server::IceServer {
            urls: vec!["turn:turn.example:3478?transport=udp".into()],
            username: Some("u".into()),
            credential: Some("c".into()),
        }];
    })
    .await;
    let (status, body) = http_get(&server, "/api/v1/client-config").await;
    assert!(status.contains("200"), "{status}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["protocolVersion"], 1);
    assert_eq!(
        v["iceServers"][0]["urls"][0],
        "turn:turn.example:3478?transport=udp"
    );
    assert_eq!(v["iceServers"][0]["username"], "u");
    let (status, body) = http_get(&server, "/sdk/convene.js").await;
    assert!(status.contains("200"), "{status}");
    assert!(
        body.contains("export default"),
        "an ES module with a default export"
    );
    let (status, body) = http_get(&server, "/").await;
    assert!(status.contains("200"), "{status}");
    assert!(body.contains("/demo/app.js"), "the demo app is served at /");
    let (status, _) = http_get(&server, "/healthz").await;
    assert!(status.contains("200"));
}

#[tokio::test]
async fn a_user_list_longer_than_a_websocket_frame_arrives_whole() {
    // 100 users with 200-character names: each join reply and `getAllUser` answer is tens of
    // kilobytes, so the server writes it in fragments (edge/websocket.rs).
    const N: usize = 100;
    let server = TestServer::start().await;
    let t = "long-lists";
    let name = |i: usize| format!("{i:03}{}", "ü".repeat(197));
    let mut peers = Vec::new();
    for i in 0..N {
        let role = if i == 0 {
            Role::Host
        } else {
            Role::Participant
        };
        peers.push(Peer::join(&server, t, role, &name(i)).await);
    }
    let last = peers.last().expect("joined");
    let fetched = last.client.fetch_all_users().await.expect("getAllUser");
    let json = serde_json::to_string(&fetched).expect("json");
    assert!(json.len() > 2 * 16 * 1024, "only {} bytes", json.len());
    let names: Vec<String> = fetched.iter().map(|p| p.display_name.clone()).collect();
    assert_eq!(names, (0..N).map(name).collect::<Vec<_>>());
    // The last joiner's list came whole in its join reply; the first's grew by events.
    assert_eq!(last.client.get_all_user(), fetched);
    let first = &peers[0].client;
    assert_eq!(first.fetch_all_users().await.expect("getAllUser"), fetched);
    assert_eq!(first.get_all_user(), fetched);
}
