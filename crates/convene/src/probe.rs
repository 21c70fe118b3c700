//! `convene probe --url URL [--duration-secs N]`: the network test before joining, run from
//! a terminal. Posts a data-channel offer to `/api/v1/probe` (no token), runs the test over
//! the SFU's media port with `convene_media::probe`, prints one JSON line.

use anyhow::{bail, Context};
use clap::Args;
use convene_media::probe::{probe, ProbeOptions};
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Longest test: the server cuts probes off at 30 s, connecting included.
const MAX_SECS: u64 = 25;

#[derive(Args, Debug)]
pub(crate) struct ProbeArgs {
    /// The server's HTTP URL, e.g. `http://127.0.0.1:8080`.
    #[arg(long)]
    url: String,
    /// How long the measurement runs (1 to 25 s).
    #[arg(long, default_value_t = 5)]
    duration_secs: u64,
}

pub(crate) async fn run(args: ProbeArgs) -> anyhow::Result<()> {
    let authority = authority(&args.url)?;
    let server = tokio::net::lookup_host(&authority)
        .await
        .with_context(|| format!("resolving {authority}"))?
        .next()
        .with_context(|| format!("no address for {authority}"))?;
    let opts = ProbeOptions {
        bind: SocketAddr::new(local_ip_towards(server)?, 0),
        duration: Duration::from_secs(args.duration_secs.clamp(1, MAX_SECS)),
        ..Default::default()
    };
    let report = probe(opts, |offer| async move {
        post_offer(server, &authority, &offer)
            .await
            .map_err(|e| format!("{e:#}"))
    })
    .await
    .context("running the network test")?;
    let line = serde_json::json!({
        "rttMs": round1(report.rtt_ms),
        "jitterMs": round1(report.jitter_ms),
        "lossPercent": round1(report.loss_percent),
        "uplinkKbps": report.uplink_kbps.round(),
        "downlinkKbps": report.downlink_kbps.round(),
        "level": report.level,
    });
    println!("{line}");
    Ok(())
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// `host:port` of an `http://` URL (port 80 when absent).
fn authority(url: &str) -> anyhow::Result<String> {
    let Some(rest) = url.strip_prefix("http://") else {
        bail!("--url must be an http:// URL, e.g. http://127.0.0.1:8080");
    };
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() {
        bail!("--url has no host");
    }
    Ok(if host.contains(':') && !host.ends_with(']') {
        host.to_string()
    } else {
        format!("{host}:80")
    })
}

/// The local address the system routes towards `server` from: the IP our candidate must have.
fn local_ip_towards(server: SocketAddr) -> anyhow::Result<std::net::IpAddr> {
    let any: SocketAddr = if server.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let s = UdpSocket::bind(any).context("binding a UDP socket")?;
    s.connect(server).context("finding a route to the server")?;
    Ok(s.local_addr()?.ip())
}

/// `POST /api/v1/probe {"sdp": offer}` over plain HTTP/1.1; the answer's SDP.
async fn post_offer(server: SocketAddr, authority: &str, offer: &str) -> anyhow::Result<String> {
    let body = serde_json::json!({ "sdp": offer }).to_string();
    let request = format!(
        "POST /api/v1/probe HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let exchange = async {
        let mut stream = TcpStream::connect(server).await?;
        stream.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        anyhow::Ok(response)
    };
    let response = tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .context("the server did not answer within 10 s")??;
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .context("malformed HTTP response")?;
    let status = head.split(' ').nth(1).unwrap_or_default();
    let json: serde_json::Value = serde_json::from_str(body.trim())
        .with_context(|| format!("HTTP {status}: {}", body.trim()))?;
    if status != "200" {
        bail!(
            "HTTP {status}: {}",
            json["message"].as_str().unwrap_or(body)
        );
    }
    json["sdp"]
        .as_str()
        .map(str::to_string)
        .context("no sdp in the answer")
}
