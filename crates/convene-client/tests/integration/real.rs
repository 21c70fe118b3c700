//! Against the real server (`convene_server::spawn`), for what a fake cannot prove: the
//! server keeps our place during failover and `resume` restores it.

use convene_auth::{mint, MintOptions, Role};
use convene_client::protocol::{ConnectionState, Event};
use convene_client::{Client, ClientEvent, Events};
use futures_util::StreamExt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const KEY: &str = "test-key";
const SECRET: &str = "test-secret-test-secret-test-secret";
const WAIT: Duration = Duration::from_secs(10);

fn token(topic: &str, role: Role) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    mint(&MintOptions::new(KEY, SECRET, topic, role, now))
}

async fn server(failover: Duration) -> convene_server::Server {
    let mut cfg = convene_server::Config::for_tests(KEY, SECRET);
    cfg.session.failover_window = failover;
    convene_server::spawn(cfg).await.unwrap()
}

async fn join(url: &str, topic: &str, name: &str, role: Role) -> (Client, Events) {
    let c = Client::new();
    let events = c.events();
    c.init(url).await.unwrap();
    c.join(topic, &token(topic, role), name, None, None)
        .await
        .unwrap();
    (c, events)
}

/// Waits for the first event matching `pred`, skipping others.
async fn wait_for(events: &mut Events, pred: impl Fn(&ClientEvent) -> bool) -> ClientEvent {
    tokio::time::timeout(WAIT, async {
        loop {
            let ev = events.next().await.expect("event stream ended");
            if pred(&ev) {
                return ev;
            }
        }
    })
    .await
    .expect("expected event did not come")
}

fn failover_flag(ev: &ClientEvent, flag: bool) -> bool {
    matches!(ev.as_session(), Some(Event::UserUpdated(v)) if v.iter().any(|u| u.is_in_failover == Some(flag)))
}

#[tokio::test]
async fn dropped_connection_resumes_with_the_same_user() {
    let srv = server(Duration::from_secs(30)).await;
    let url = srv.url();
    let (host, _host_events) = join(&url, "Failover", "Ann", Role::Host).await;
    let (bob, mut bob_events) = join(&url, "Failover", "Bob", Role::Host).await;
    let before = bob.get_session_info();
    assert!(bob.is_manager(), "second role-1 joiner is a manager");

    bob.debug_drop_connection().await;
    wait_for(&mut bob_events, |e| {
        e.connection_change() == Some((ConnectionState::Reconnecting, Some("failover")))
    })
    .await;
    wait_for(&mut bob_events, |e| {
        e.connection_change() == Some((ConnectionState::Connected, None))
    })
    .await;
    let after = bob.get_session_info();
    assert_eq!(after.user_id, before.user_id);
    assert_eq!(after.session_id, before.session_id);
    assert!(after.is_in_meeting);
    assert!(bob.is_manager(), "role kept");

    // The local list agrees with the server's, and calls work on the new socket.
    let mut local = bob.get_all_user();
    let mut remote = bob.fetch_all_users().await.unwrap();
    local.sort_by_key(|p| p.user_id);
    remote.sort_by_key(|p| p.user_id);
    assert_eq!(local, remote);
    bob.chat_send_to_all("back").await.unwrap();

    // The host never saw Bob leave.
    assert!(host.get_user(before.user_id).is_some());
    bob.leave(false).await.unwrap();
    host.leave(false).await.unwrap();
    srv.shutdown().await;
}

#[tokio::test]
async fn killed_client_is_kept_in_failover_then_removed() {
    let srv = server(Duration::from_millis(800)).await;
    let url = srv.url();
    let (host, mut host_events) = join(&url, "Kill", "Ann", Role::Host).await;
    let (bob, _bob_events) = join(&url, "Kill", "Bob", Role::Host).await;
    let bob_id = bob.get_session_info().user_id;
    bob.debug_kill().await;
    wait_for(&mut host_events, |e| failover_flag(e, true)).await;
    assert!(host.get_user(bob_id).unwrap().is_in_failover);
    wait_for(&mut host_events, |e| {
        matches!(e.as_session(), Some(Event::UserRemoved(v)) if v.iter().any(|u| u.user_id == bob_id))
    })
    .await;
    assert!(host.get_user(bob_id).is_none());
    host.destroy().await.unwrap();
    srv.shutdown().await;
}
