//! Several `convene serve` processes sharing sessions through a real `redis-server`, all on
//! 127.0.0.1: clients joining one topic through different nodes meet in one session, chat
//! with each other, and one receives the host's camera from the owner's SFU; first joins
//! racing through three nodes make one session; the REST API asked about the session on
//! another node answers 307 to the owner. The owner killed with SIGKILL, its users come back
//! through the other nodes with their ids, the host still host, the passcode still asked,
//! and the camera flowing again through the new owner (the Rust SDK rebuilds its media when
//! the session moved); the next owner stopped with SIGTERM hands its session over without a
//! `Fail`. A cloud recording running when its owner is killed goes on on the new owner, in
//! a new file there. Skipped (with a note) when `redis-server` (or, for the recording,
//! `ffmpeg`) is missing, unless `CONVENE_REQUIRE_REDIS=1` (`CONVENE_REQUIRE_FFMPEG=1`) (CI)
//! makes that a failure.

mod common;

use common::*;
use convene_client::{Client, ClientError};
use convene_protocol::{ConnectionState, Event};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn user_ids(c: &Client) -> Vec<u32> {
    let mut ids: Vec<u32> = c.get_all_user().iter().map(|p| p.user_id.0).collect();
    ids.sort_unstable();
    ids
}

/// Whether `c` ever heard `connection-change` `Fail` (drains what it heard so far).
fn failed(events: &mut convene_client::Events) -> bool {
    let mut fail = false;
    while let Some(e) = events.try_next() {
        if let convene_client::ClientEvent::Session(Event::ConnectionChange {
            state: ConnectionState::Fail,
            ..
        }) = e
        {
            fail = true;
        }
    }
    fail
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_share_sessions_and_survive_the_loss_of_one() {
    let Some((_redis, rport)) = redis() else {
        return;
    };
    let (ports, mut nodes) = cluster(["a", "b", "c"], rport, &[]).await;

    // One topic, joined through three nodes: one session, everyone sees everyone.
    let host = join(ports[0], "Ops", true, "host", Some("pw"))
        .await
        .unwrap();
    let bob = join(ports[1], "ops", false, "bob", Some("pw"))
        .await
        .unwrap();
    let cy = join(ports[2], "OPS", false, "cy", Some("pw"))
        .await
        .unwrap();
    let sid = host.get_session_info().session_id.clone();
    for c in [&bob, &cy] {
        assert_eq!(c.get_session_info().session_id, sid, "one session");
    }
    eventually("all see three users", Duration::from_secs(5), || {
        [&host, &bob, &cy]
            .iter()
            .all(|c| c.get_all_user().len() == 3)
    })
    .await;
    // The passcode is the session's rule on every node.
    let wrong = join(ports[2], "ops", false, "eve", Some("no")).await;
    assert!(matches!(wrong, Err(ClientError::Server(e)) if e.error_code == 3004));

    // Chat between users who came in through different nodes.
    let mut heard: Vec<_> = [&host, &bob].iter().map(|c| c.events()).collect();
    cy.chat_send_to_all("hello from node c").await.unwrap();
    let mut got = [false, false];
    eventually(
        "the chat reaches host and bob",
        Duration::from_secs(5),
        || {
            for (seen, ev) in got.iter_mut().zip(heard.iter_mut()) {
                while let Some(e) = ev.try_next() {
                    if let convene_client::ClientEvent::Session(Event::ChatOnMessage(m)) = e {
                        *seen |= m.message == "hello from node c";
                    }
                }
            }
            got.iter().all(|g| *g)
        },
    )
    .await;

    // The host's camera reaches bob (who came in through another node) on the owner's SFU.
    let host_id = host.get_session_info().user_id;
    publish_camera(&host).await;
    bob.get_media_stream()
        .unwrap()
        .attach_video(host_id, 1)
        .await
        .unwrap();
    media_flows(&bob, host_id, "video", "the host's camera at bob").await;

    // The REST API of another node sends a request about the session to its owner.
    let users_path = format!("/api/v1/sessions/{}/users", sid.0);
    let (status, location, _) = api_get(ports[1], &users_path).await;
    assert!(status.contains(" 307 "), "{status}");
    let owner = format!("http://127.0.0.1:{}{users_path}", ports[0]);
    assert_eq!(location.as_deref(), Some(owner.as_str()));
    let (status, _, body) = api_get(ports[0], &users_path).await;
    assert!(status.contains(" 200 "), "{status}");
    let users: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(users["users"].as_array().map(Vec::len), Some(3), "{body}");
    let (status, _, _) = api_get(ports[1], "/api/v1/sessions/no-such-session").await;
    assert!(status.contains(" 404 "), "{status}");

    // First joins racing through three nodes make exactly one session.
    let names = ports.map(|p| format!("r{p}"));
    let [a, b, c] = [0, 1, 2].map(|i| join(ports[i], "race", false, &names[i], None));
    let (a, b, c) = tokio::join!(a, b, c);
    let racers = [a, b, c];
    let ids: Vec<_> = racers
        .iter()
        .map(|c| c.as_ref().unwrap().get_session_info().session_id.clone())
        .collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "one session: {ids:?}");

    // The owner (the first node: it placed the session on itself) dies.
    let before = user_ids(&host);
    let mut events: Vec<_> = [&host, &bob, &cy].iter().map(|c| c.events()).collect();
    drop(nodes[0].take());
    let killed = Instant::now();
    // Everyone notices first (the owner's lease holds the session for seconds yet).
    eventually("everyone fails over", Duration::from_secs(10), || {
        [&host, &bob, &cy]
            .iter()
            .all(|c| !c.get_session_info().is_in_meeting)
    })
    .await;
    eventually(
        "everyone back in the session",
        Duration::from_secs(30),
        || {
            [&host, &bob, &cy]
                .iter()
                .all(|c| c.get_session_info().is_in_meeting && c.get_all_user().len() == 3)
        },
    )
    .await;
    eprintln!("back {:?} after the SIGKILL", killed.elapsed());
    assert!(events.iter_mut().all(|e| !failed(e)), "nobody got Fail");
    // Media again, through the new owner: the host publishes and bob attaches once more.
    media_flows(
        &bob,
        host_id,
        "video",
        "the host's camera at bob after the takeover",
    )
    .await;
    assert_eq!(user_ids(&host), before, "user ids kept");
    assert_eq!(host.get_session_info().session_id, sid, "the same session");
    assert!(host.is_host(), "the host is still host");
    assert!(bob
        .get_user(host.get_session_info().user_id)
        .is_some_and(|p| p.is_host));
    let wrong = join(ports[1], "ops", false, "eve", Some("no")).await;
    assert!(matches!(wrong, Err(ClientError::Server(e)) if e.error_code == 3004));
    let dan = join(ports[2], "ops", false, "dan", Some("pw"))
        .await
        .unwrap();
    assert_eq!(dan.get_session_info().session_id, sid);
    eventually("four users", Duration::from_secs(5), || {
        host.get_all_user().len() == 4
    })
    .await;

    // A graceful drain of the new owner moves the session again, without Fail.
    let owner = [1, 2]
        .into_iter()
        .find(|i| {
            let url = format!("127.0.0.1:{}", ports[*i]);
            host.current_server_url().is_some_and(|u| u.contains(&url))
        })
        .expect("the host is on b or c");
    let pid = nodes[owner].as_ref().unwrap().0.id();
    let drained = format!("127.0.0.1:{}", ports[owner]);
    Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    // Everyone is back through another node (not merely still connected to the draining one).
    eventually(
        "everyone back on another node after the drain",
        Duration::from_secs(30),
        || {
            [&host, &bob, &cy, &dan].iter().all(|c| {
                c.get_session_info().is_in_meeting
                    && c.get_all_user().len() == 4
                    && c.current_server_url()
                        .is_some_and(|u| !u.contains(&drained))
            })
        },
    )
    .await;
    assert!(events.iter_mut().all(|e| !failed(e)), "nobody got Fail");
    assert!(host.is_host());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_goes_on_when_its_node_is_lost() {
    let ffmpeg = Command::new("ffmpeg").arg("-version").output().is_ok();
    if !ffmpeg {
        assert!(
            std::env::var("CONVENE_REQUIRE_FFMPEG").as_deref() != Ok("1"),
            "ffmpeg is required (CONVENE_REQUIRE_FFMPEG=1) but not installed"
        );
        eprintln!("skipped: ffmpeg is not installed (apt-get install ffmpeg)");
        return;
    }
    let Some((_redis, rport)) = redis() else {
        return;
    };
    let (ports, mut nodes) = cluster(["ra", "rb"], rport, &[]).await;
    let host = join(ports[0], "Rec", true, "host", None).await.unwrap();
    publish_camera(&host).await;
    host.start_cloud_recording().await.unwrap();
    // The worker writes on the owner (the MP4 exists before it is finished), and a keeper
    // round saves the snapshot with the recording in it.
    let on_a = recordings_of("ra", ports[0]);
    eventually("the recording runs on a", Duration::from_secs(20), || {
        mp4s(&on_a, false) == 1
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;

    drop(nodes[0].take());
    eventually("the host fails over", Duration::from_secs(10), || {
        !host.get_session_info().is_in_meeting
    })
    .await;
    eventually(
        "the host is back through b",
        Duration::from_secs(40),
        || host.get_session_info().is_in_meeting,
    )
    .await;
    assert_eq!(
        host.get_cloud_recording_status().await.unwrap(),
        convene_protocol::RecordingStatus::Recording,
        "still recording"
    );
    let on_b = recordings_of("rb", ports[1]);
    eventually("b records on", Duration::from_secs(20), || {
        mp4s(&on_b, false) == 1
    })
    .await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    host.stop_cloud_recording().await.unwrap();
    eventually("b's file is finished", Duration::from_secs(40), || {
        mp4s(&on_b, true) == 1
    })
    .await;
    let _ = (
        nodes,
        std::fs::remove_dir_all(on_a),
        std::fs::remove_dir_all(on_b),
    );
}

/// The MP4 files under a node's recordings folder (`finished`: only those with their
/// sidecar).
fn mp4s(dir: &Path, finished: bool) -> usize {
    let files = std::fs::read_dir(dir).into_iter().flatten().flatten();
    let in_sessions =
        files.flat_map(|s| std::fs::read_dir(s.path()).into_iter().flatten().flatten());
    in_sessions
        .map(|f| f.path())
        .filter(|p| p.extension().is_some_and(|x| x == "mp4"))
        .filter(|p| !finished || p.with_extension("json").exists())
        .count()
}
