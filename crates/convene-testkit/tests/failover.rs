//! SPEC §8 failover: a dropped connection resumes by itself; a dead client is removed after
//! the failover window and the host role passes on.

use convene_testkit::*;
use std::time::Duration;

#[tokio::test]
async fn dropped_connection_resumes_as_the_same_user() {
    let server = TestServer::start().await;
    let t = "failover-drop";
    let mut h = Peer::join(&server, t, Role::Host, "H").await;
    let mut p = Peer::join(&server, t, Role::Participant, "P").await;
    let q = Peer::join(&server, t, Role::Participant, "Q").await;
    assert_ok(h.client.make_manager(p.id).await, "P manager");
    assert_ok(p.client.start_audio(true).await, "P audio");
    q.wait_user(p.id, "P manager with audio", |u| {
        u.is_manager && u.muted == Some(true)
    })
    .await;
    let before = p.client.get_session_info();

    p.client.debug_drop_connection().await;

    h.wait_for(|e| is_user_updated(e, p.id, |u| u.is_in_failover == Some(true)))
        .await;
    h.wait_for(|e| is_user_updated(e, p.id, |u| u.is_in_failover == Some(false)))
        .await;
    // Skip what came before the drop (the join's own Connected among them).
    let mut events = vec![
        p.wait_for(|e| is_conn_change(e, ConnectionState::Reconnecting, None))
            .await,
    ];
    events.extend(
        collect_until(&mut p.events, |e| {
            is_conn_change(e, ConnectionState::Connected, None)
        })
        .await,
    );
    let states: Vec<_> = events
        .iter()
        .filter_map(|e| e.connection_change())
        .map(|(s, _)| s)
        .collect();
    assert_eq!(
        states,
        [ConnectionState::Reconnecting, ConnectionState::Connected],
        "{events:?}"
    );
    let reconnecting = events.iter().find_map(|e| e.connection_change()).unwrap();
    assert_eq!(reconnecting.1, Some("failover"));

    let after = p.client.get_session_info();
    assert!(after.is_in_meeting);
    assert_eq!(after.user_id, before.user_id, "same userId");
    assert_eq!(after.session_id, before.session_id);
    let me = p.client.get_current_user_info().unwrap();
    assert!(
        me.is_manager && !me.is_in_failover && me.muted == Some(true),
        "role and state kept: {me:?}"
    );
    for peer in [&h, &q] {
        peer.wait_user(p.id, "P back, still manager", |u| {
            !u.is_in_failover && u.is_manager
        })
        .await;
    }
    // Nobody saw P leave or join again.
    assert!(!events.iter().any(|e| is_user_removed(e, p.id)));
    assert_eq!(h.client.get_all_user().len(), 3);
    // And P's session works: a manager's call succeeds, chat reaches the others.
    assert_ok(
        p.client.change_name("Q renamed", Some(q.id)).await,
        "manager call after resume",
    );
    assert_ok(p.client.chat_send_to_all("back").await, "chat after resume");
    h.wait_for(|e| is_chat(e, "back")).await;
    assert_eq!(
        p.client.fetch_all_users().await.unwrap(),
        p.client.get_all_user()
    );
}

#[tokio::test]
async fn killed_host_is_removed_after_the_window_and_host_passes_on() {
    let server =
        TestServer::start_with(|c| c.session.failover_window = Duration::from_secs(1)).await;
    let t = "failover-kill";
    let h = Peer::join(&server, t, Role::Host, "H").await;
    let mut a = Peer::join(&server, t, Role::Participant, "A").await;
    let mut m = Peer::join(&server, t, Role::Host, "M").await;
    let ac = &a.client;
    wait_until("A sees three", || ac.get_all_user().len() == 3).await;

    h.client.debug_kill().await;

    a.wait_for(|e| is_user_updated(e, h.id, |u| u.is_in_failover == Some(true)))
        .await;
    // Within the window the user is still listed (in failover) and still host.
    assert!(a.client.get_user(h.id).is_some_and(|u| u.is_in_failover));
    a.wait_for(|e| is_user_removed(e, h.id)).await;
    m.wait_for(|e| is_user_removed(e, h.id)).await;
    // The host role went to the longest-present manager.
    let mid = m.id;
    m.wait_for(|e| is_user_updated(e, mid, |u| u.is_host == Some(true)))
        .await;
    a.wait_user(m.id, "M is host", |u| u.is_host).await;
    assert!(m.client.is_host());
    assert_eq!(a.client.get_all_user().len(), 2);
    assert_eq!(m.client.fetch_all_users().await.unwrap().len(), 2);
}

#[tokio::test]
async fn killed_participant_is_removed_after_the_window() {
    let server =
        TestServer::start_with(|c| c.session.failover_window = Duration::from_secs(1)).await;
    let t = "failover-kill-p";
    let mut h = Peer::join(&server, t, Role::Host, "H").await;
    let p = Peer::join(&server, t, Role::Participant, "P").await;
    p.client.debug_kill().await;
    let events = collect_until(&mut h.events, |e| is_user_removed(e, p.id)).await;
    assert!(
        events
            .iter()
            .any(|e| is_user_updated(e, p.id, |u| u.is_in_failover == Some(true))),
        "failover came first: {events:?}"
    );
    h.wait_gone(p.id).await;
    assert!(h.client.is_host());
    // A killed client refuses every call.
    assert!(p.client.chat_send_to_all("x").await.is_err());
}
