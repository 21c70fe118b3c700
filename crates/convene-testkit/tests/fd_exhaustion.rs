//! Out of file descriptors: a server whose `--max-connections` is above what its fd limit
//! allows sees `accept` fail with EMFILE. Its accept loops back off instead of spinning, the
//! users already in a session keep it, and the server serves again once descriptors free up.

use convene_testkit::*;
use std::time::Duration;
use tokio::net::TcpStream;

/// The server's open-file limit, soft and hard (it raises the soft one to the hard one).
const FD_LIMIT: usize = 64;

/// How long the server is watched while it is out of descriptors.
const WATCH: Duration = Duration::from_secs(2);

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

#[tokio::test]
async fn out_of_descriptors_the_server_backs_off_keeps_its_users_and_recovers() {
    let bin = tokio::task::spawn_blocking(convene_bin).await.unwrap();
    let app = format!("{APP_KEY}:{APP_SECRET}");
    let mut serve = tokio::process::Command::new("prlimit");
    serve
        .arg(format!("--nofile={FD_LIMIT}:{FD_LIMIT}"))
        .arg("--")
        .arg(bin)
        .args(["serve", "--bind", "127.0.0.1:0", "--media-port", "0"])
        .args(["--app", &app, "--max-connections", "1000"])
        // The flood's sockets say nothing: keep them open past the test.
        .args(["--header-read-timeout-secs", "60"])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    let (server, mut out) = piped(serve);
    let pid = server.id().expect("pid");
    let listening = line_until(&mut out, "the listening line", |l| {
        l.contains("listening on")
    })
    .await;
    let words: Vec<&str> = listening.split_whitespace().collect();
    let url = words
        .iter()
        .find(|w| w.starts_with("http://"))
        .expect("url");
    let http = url.trim_start_matches("http://").to_owned();
    let media = words.last().expect("media address").trim_end_matches(')');

    // A user in a session before the descriptors run out.
    let topic = "emfile";
    let token = host_token(topic);
    let (_a, mut a_out) = spawn_piped(&[
        "join", "--url", url, "--topic", topic, "--token", &token, "--name", "A",
    ]);
    line_until(&mut a_out, "A's join", |l| l.contains("\"joined\"")).await;

    // Connections until the server has no descriptor left, on the signaling port and on
    // ICE-TCP; the kernel queues those the server cannot accept, and may refuse some once a
    // listen queue is full (the server running out is what the wait below checks).
    let mut flood = Vec::new();
    for i in 0..FD_LIMIT * 2 {
        let to = if i % 4 == 0 { media } else { http.as_str() };
        match TcpStream::connect(to).await {
            Ok(s) => flood.push(s),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {}
            Err(e) => panic!("connect: {e}"),
        }
    }
    wait_until("the server to run out of descriptors", || {
        open_fds(pid) >= FD_LIMIT
    })
    .await;

    // Failing accepts are retried after a pause, not in a loop that burns a core.
    let before = convene_loadtest::procfs::cpu_secs(Some(pid)).expect("cpu");
    tokio::time::sleep(WATCH).await;
    let used = convene_loadtest::procfs::cpu_secs(Some(pid)).expect("cpu") - before;
    assert!(
        used < WATCH.as_secs_f64() / 2.0,
        "{used:.2} CPU seconds in {WATCH:?} while out of descriptors: accept spins"
    );

    // Descriptors free again: new users join, and the one who stayed sees them.
    drop(flood);
    let token = participant_token(topic);
    let (_b, mut b_out) = spawn_piped(&[
        "join", "--url", url, "--topic", topic, "--token", &token, "--name", "B",
    ]);
    line_until(&mut b_out, "B's join", |l| l.contains("\"joined\"")).await;
    line_until(&mut a_out, "A told of B", |l| {
        l.contains("user-added") && l.contains("\"B\"")
    })
    .await;
}
