//! Short-lived TURN credentials against a real coturn on 127.0.0.1: what
//! `/api/v1/client-config` hands out must be accepted by `turnserver --use-auth-secret`
//! (an allocation succeeds with `turnutils_uclient`), and a wrong credential refused.
//!
//! coturn is a Debian package; as root the test installs it when missing (scripts/test.sh
//! does too). Without it and without root, the test is skipped with a message.

use convene_testkit::*;
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

const SECRET: &str = "convene-test-turn-secret";
/// How long one `turnutils_uclient` run may take before it counts as hung.
const UCLIENT_WAIT: Duration = Duration::from_secs(30);

#[tokio::test]
async fn coturn_accepts_the_minted_credentials_and_refuses_a_wrong_one() {
    if !coturn_installed().await {
        return;
    }
    let dir = std::env::temp_dir().join(format!("convene-turn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (turn_port, peer_port) = (free_udp_port(), free_udp_port());
    let _coturn = start_coturn(&dir, turn_port).await;
    let _peer = Command::new("turnutils_peer")
        .args(["-L", "127.0.0.1", "-p", &peer_port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn turnutils_peer");
    let turn_url = format!("turn:127.0.0.1:{turn_port}?transport=udp");

    // The in-process server, configured by the config file's keys.
    let file: convene_server::FileConfig = serde_json::from_value(serde_json::json!({
        "ice_servers": [
            {"urls": ["stun:127.0.0.1:3478"]},
            {"urls": [turn_url], "secret": SECRET, "ttl_secs": 600},
        ],
    }))
    .unwrap();
    let server = TestServer::start_with(|c| file.apply(c).unwrap()).await;
    let before = now_secs();
    let (username, credential) = turn_entry(server.addr(), &turn_url).await;
    let after = now_secs();
    let (expiry, user) = username.split_once(':').expect("<expiry>:<user>");
    let expiry: u64 = expiry.parse().expect("a unix time");
    assert!(
        (before + 600..=after + 600).contains(&expiry),
        "expiry {expiry} is 600 s after the request ({before}..{after})"
    );
    assert!(!user.is_empty());
    let (again, _) = turn_entry(server.addr(), &turn_url).await;
    assert_ne!(again, username, "each request gets its own user name");

    let ok = uclient(turn_port, peer_port, &username, &credential).await;
    assert!(ok.0, "coturn refused the minted credential:\n{}", ok.1);
    let mut wrong = credential.clone().into_bytes();
    wrong[0] = if wrong[0] == b'A' { b'B' } else { b'A' };
    let wrong = String::from_utf8(wrong).unwrap();
    let refused = uclient(turn_port, peer_port, &username, &wrong).await;
    assert!(
        !refused.0,
        "coturn accepted a wrong credential:\n{}",
        refused.1
    );
    server.shutdown().await;

    // The binary, configured by flags: --ice-server URLs and the secret from a file.
    let secret_file = dir.join("turn-secret");
    std::fs::write(&secret_file, format!("{SECRET}\n")).unwrap();
    let (_serve, addr) = serve(&[
        "--ice-server",
        "stun:127.0.0.1:3478",
        "--ice-server",
        &turn_url,
        "--turn-secret-file",
        secret_file.to_str().unwrap(),
        "--turn-ttl-secs",
        "300",
    ])
    .await;
    let (username, credential) = turn_entry(addr, &turn_url).await;
    let ok = uclient(turn_port, peer_port, &username, &credential).await;
    assert!(ok.0, "coturn refused the binary's credential:\n{}", ok.1);

    // The same with the flags as issue 12 names them: --turn-url and --turn-secret.
    let (_serve, addr) = serve(&[
        "--ice-server",
        "stun:127.0.0.1:3478",
        "--turn-url",
        &turn_url,
        "--turn-secret",
        SECRET,
    ])
    .await;
    let (username, credential) = turn_entry(addr, &turn_url).await;
    let ok = uclient(turn_port, peer_port, &username, &credential).await;
    assert!(
        ok.0,
        "coturn refused the credential of --turn-url:\n{}",
        ok.1
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Whether `turnserver` and its tools are here; as root, installs coturn when they are not.
async fn coturn_installed() -> bool {
    let have = || async {
        Command::new("turnutils_uclient")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await
            .is_ok()
    };
    if have().await {
        return true;
    }
    let uid = Command::new("id").arg("-u").output().await.expect("run id");
    assert!(uid.status.success(), "id -u failed");
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        eprintln!(
            "SKIPPED: coturn is not installed and this is not root \
             (apt-get install coturn, or run scripts/test.sh as root)"
        );
        return false;
    }
    let apt = |args: &'static [&'static str]| async move {
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status()
            .await
            .expect("run apt-get")
            .success()
    };
    eprintln!("installing coturn");
    let install = &["install", "-y", "-qq", "coturn"];
    if !apt(install).await {
        assert!(apt(&["update", "-qq"]).await, "apt-get update failed");
        assert!(apt(install).await, "apt-get install coturn failed");
    }
    assert!(
        have().await,
        "coturn installed but turnutils_uclient missing"
    );
    true
}

/// A UDP port free on 127.0.0.1 a moment ago.
fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// coturn on 127.0.0.1:`port` (UDP only) with the TURN REST API secret, started once it
/// answers a STUN Binding request. Its log goes to `dir`.
async fn start_coturn(dir: &Path, port: u16) -> Child {
    let empty_conf = dir.join("turnserver.conf");
    std::fs::write(&empty_conf, "").unwrap();
    let log = std::fs::File::create(dir.join("turnserver.log")).unwrap();
    let path = |p: PathBuf| p.to_str().unwrap().to_owned();
    let child = Command::new("turnserver")
        .args(["-c", &path(empty_conf)])
        .args(["--listening-ip", "127.0.0.1", "--relay-ip", "127.0.0.1"])
        .args(["--listening-port", &port.to_string()])
        .arg("--use-auth-secret")
        .arg(format!("--static-auth-secret={SECRET}"))
        .args(["--realm", "convene"])
        .args(["--no-tls", "--no-dtls", "--no-tcp", "--no-cli"])
        // The test's peer is on loopback, which coturn refuses to relay to by default.
        .arg("--allow-loopback-peers")
        .args(["--pidfile", &path(dir.join("turnserver.pid"))])
        .args(["--log-file", "stdout", "--simple-log"])
        .stdout(log)
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn turnserver");
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    // A STUN Binding request: type 0x0001, no attributes, the magic cookie, a transaction id.
    let mut binding = vec![0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42];
    binding.extend_from_slice(b"convene-test");
    let mut buf = [0u8; 512];
    bounded("coturn to answer STUN", async {
        loop {
            sock.send_to(&binding, ("127.0.0.1", port)).await.unwrap();
            let reply = tokio::time::timeout(Duration::from_millis(100), sock.recv(&mut buf));
            if let Ok(Ok(n)) = reply.await {
                if n >= 20 && buf[8..20] == binding[8..20] {
                    break;
                }
            }
        }
    })
    .await;
    child
}

/// The minted (username, credential) of the `url` entry of `client-config` at `addr`.
async fn turn_entry(addr: SocketAddr, url: &str) -> (String, String) {
    let req = "GET /api/v1/client-config HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    let (status, text) = http_exchange(addr, req).await;
    assert!(status.contains("200"), "{status}");
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(
        head.to_ascii_lowercase()
            .contains("cache-control: no-store"),
        "{head}"
    );
    assert!(!body.contains(SECRET), "the secret itself is never sent");
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    let servers = v["iceServers"].as_array().unwrap();
    assert_eq!(servers[0]["urls"][0], "stun:127.0.0.1:3478");
    assert!(servers[0].get("username").is_none());
    let turn = servers
        .iter()
        .find(|s| s["urls"][0] == url)
        .expect("the TURN entry");
    (
        turn["username"].as_str().unwrap().to_owned(),
        turn["credential"].as_str().unwrap().to_owned(),
    )
}

/// Runs one TURN client (an Allocate, then a message relayed to the echo peer and back):
/// (whether it succeeded, its output).
async fn uclient(turn_port: u16, peer_port: u16, user: &str, password: &str) -> (bool, String) {
    let run = Command::new("turnutils_uclient")
        .args(["-p", &turn_port.to_string(), "-u", user, "-w", password])
        .args(["-n", "1", "-m", "1", "-c"])
        .args(["-e", "127.0.0.1", "-r", &peer_port.to_string(), "127.0.0.1"])
        .kill_on_drop(true)
        .output();
    let out = bounded_for("turnutils_uclient", UCLIENT_WAIT, run)
        .await
        .expect("run turnutils_uclient");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let allocated = out.status.success() && !text.contains("Cannot complete Allocation");
    (allocated, text)
}

/// `convene serve ARGS` on a free port (killed on drop), and its HTTP address.
async fn serve(args: &[&str]) -> (Child, SocketAddr) {
    let mut all = vec!["--bind", "127.0.0.1:0", "--media-port", "0"];
    all.extend_from_slice(args);
    let (child, url) = spawn_serve(&all, &format!("{APP_KEY}:{APP_SECRET}")).await;
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    (child, addr.parse().expect("an address"))
}
