//! `convene probe` against a real server on 127.0.0.1: one JSON line with the six fields and
//! sane values, exit 0. Speed is never asserted.

use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_prints_one_json_line_with_sane_figures() {
    let config = convene_server::Config::for_tests("probe-key", "probe-secret-probe-secret");
    let server = convene_server::spawn(config).await.expect("server binds");
    let url = format!("http://{}", server.local_addr());
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_convene"))
            .args(["probe", "--url", &url, "--duration-secs", "2"])
            .env("RUST_LOG", "warn")
            .output()
            .expect("convene runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "exit {:?}; stdout {stdout}; stderr {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {stdout}");
    let v: serde_json::Value = serde_json::from_str(lines[0]).expect("JSON");
    let obj = v.as_object().unwrap();
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "downlinkKbps",
            "jitterMs",
            "level",
            "lossPercent",
            "rttMs",
            "uplinkKbps"
        ]
    );
    let num = |k: &str| {
        v[k].as_f64()
            .unwrap_or_else(|| panic!("{k} is a number: {v}"))
    };
    assert!(num("rttMs") >= 0.0, "{v}");
    assert!(num("jitterMs") >= 0.0, "{v}");
    assert_eq!(num("lossPercent"), 0.0, "no loss on loopback: {v}");
    assert!(num("uplinkKbps") > 0.0, "{v}");
    assert!(num("downlinkKbps") > 0.0, "{v}");
    let level = v["level"].as_u64().expect("level is an integer");
    assert!(level <= 5, "{v}");
    server.shutdown().await;
}

/// `POST /api/v1/probe` over a plain HTTP/1.1 connection: (status, body).
async fn post(addr: std::net::SocketAddr, body: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "POST /api/v1/probe HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let status = out.split(' ').nth(1).unwrap().parse().unwrap();
    let body = out.split_once("\r\n\r\n").unwrap().1.to_string();
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_probe_endpoint_refuses_bad_offers_and_throttles_each_address() {
    let config = convene_server::Config::for_tests("probe-key", "probe-secret-probe-secret");
    let server = convene_server::spawn(config).await.expect("server binds");
    let addr = server.local_addr();
    let (status, body) = post(addr, r#"{"sdp": "not sdp"}"#).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"code\":400"), "{body}");
    // A valid offer (answered, never connected: the probe peer waits out its lifetime).
    let offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n\
        m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n\
        a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n\
        a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n\
        a=setup:actpass\r\na=mid:0\r\na=sctp-port:5000\r\n";
    let body = serde_json::json!({ "sdp": offer }).to_string();
    let mut statuses = Vec::new();
    for _ in 0..20 {
        statuses.push(post(addr, &body).await.0);
    }
    // The bad offer counted too: one address gets 20 tests a minute.
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        19,
        "{statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    server.shutdown().await;
}
