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
