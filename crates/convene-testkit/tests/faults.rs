//! Faults from outside: a client process killed (SIGKILL) mid-join or mid-media. The server
//! keeps the session going, puts the dead user in failover, removes it when the window ends,
//! and never leaves a ghost behind.

use convene_testkit::*;
use std::time::Duration;

const WINDOW: Duration = Duration::from_secs(1);

async fn server() -> TestServer {
    TestServer::start_with(|c| c.session.failover_window = WINDOW).await
}

fn join_args<'a>(url: &'a str, topic: &'a str, token: &'a str, name: &'a str) -> Vec<&'a str> {
    vec![
        "join", "--url", url, "--topic", topic, "--token", token, "--name", name,
    ]
}

#[tokio::test]
async fn a_client_killed_mid_media_fails_over_then_is_removed() {
    let server = server().await;
    let t = "kill-mid-media";
    let host = Peer::join(&server, t, Role::Host, "host").await;
    let (url, token) = (server.url(), participant_token(t));
    tokio::task::spawn_blocking(convene_bin)
        .await
        .expect("built");
    let mut args = join_args(&url, t, &token, "victim");
    args.extend([
        "--publish-audio",
        "synthetic",
        "--publish-video",
        "synthetic",
    ]);
    let mut bot = convene_command(&args).spawn().expect("spawn bot");

    // The bot publishes: the host sees its camera on.
    let c = &host.client;
    wait_until_for("the bot's camera is on", Duration::from_secs(20), || {
        c.get_all_user()
            .iter()
            .any(|p| p.display_name == "victim" && p.b_video_on)
    })
    .await;
    let victim = c
        .get_all_user()
        .into_iter()
        .find(|p| p.display_name == "victim")
        .expect("listed")
        .user_id;

    bot.start_kill().expect("SIGKILL");
    host.wait_user(victim, "in failover", |p| p.is_in_failover)
        .await;
    host.wait_gone(victim).await;
    // The session goes on.
    assert_ok(host.client.chat_send_to_all("still here").await, "chat");
    assert_eq!(host.client.get_all_user().len(), 1);
}

#[tokio::test]
async fn clients_killed_mid_join_leave_no_ghosts() {
    let server = server().await;
    let t = "kill-mid-join";
    let host = Peer::join(&server, t, Role::Host, "host").await;
    let (url, token) = (server.url(), participant_token(t));
    tokio::task::spawn_blocking(convene_bin)
        .await
        .expect("built");
    for (i, after_ms) in [0u64, 5, 20, 50, 100, 250].into_iter().enumerate() {
        let name = format!("k{i}");
        let mut bot = convene_command(&join_args(&url, t, &token, &name))
            .spawn()
            .expect("spawn bot");
        tokio::time::sleep(Duration::from_millis(after_ms)).await;
        bot.start_kill().expect("SIGKILL");
        let _ = bot.wait().await;
    }
    // Whatever each got to before dying, once the window passes only the host is left.
    let c = &host.client;
    wait_until_for("every killed client is gone", WINDOW * 10, || {
        c.get_all_user().len() == 1
    })
    .await;
    // And the server agrees with what the host's events say.
    let (status, body) = http_get(&server, "/metrics").await;
    assert!(status.contains("200"), "{status}");
    assert!(body.lines().any(|l| l == "convene_users 1"), "{body}");
}
