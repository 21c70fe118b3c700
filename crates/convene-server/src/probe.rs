//! `POST /api/v1/probe`: the network test before joining. No token: the body is an SDP offer
//! with one data channel, the answer comes from a *probe peer* in the node's SFU (see
//! `convene_sfu::Command::Probe` and docs/probe.md), so the test runs over the media port
//! itself (UDP, or ICE-TCP where UDP is blocked).
//!
//! Abuse is bounded three ways: each probe's lifetime, bytes and rate ([`LIMITS`], enforced
//! in the SFU), probe peers at once (`convene_sfu::MAX_PROBE_PEERS`, 503 beyond), and tests
//! per client address ([`ProbeThrottle`], 429 beyond).

use crate::edge::cors_allow;
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use convene_sfu::ProbeLimits;
use serde::Deserialize;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What every probe may do before the SFU cuts it off.
pub(crate) const LIMITS: ProbeLimits = ProbeLimits {
    max_duration: Duration::from_secs(30),
    max_bytes: 32 * 1024 * 1024,
    max_rate_bps: 10_000_000,
};

/// Longest SDP offer accepted.
const MAX_SDP: usize = 16 * 1024;

#[derive(Deserialize)]
pub(crate) struct ProbeRequest {
    sdp: String,
}

/// Tests started per client address in a fixed window; beyond, 429 until the window ends.
#[derive(Debug, Default)]
pub(crate) struct ProbeThrottle {
    starts: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl ProbeThrottle {
    /// Tests one address may start per [`Self::WINDOW`].
    pub(crate) const MAX_PER_WINDOW: u32 = 20;
    /// The window tests are counted in.
    pub(crate) const WINDOW: Duration = Duration::from_secs(60);
    /// Addresses remembered at most; beyond, expired ones are swept, then the map is cleared
    /// (a flood of addresses resets the counts rather than growing memory).
    const MAX_ENTRIES: usize = 100_000;

    /// Counts one test from `ip`; `Err(wait)` when over the limit.
    pub(crate) fn start(&self, now: Instant, ip: IpAddr) -> Result<(), Duration> {
        let mut map = self.starts.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= Self::MAX_ENTRIES {
            map.retain(|_, (since, _)| now < *since + Self::WINDOW);
            if map.len() >= Self::MAX_ENTRIES {
                map.clear();
            }
        }
        let (since, count) = map.entry(ip).or_insert((now, 0));
        if now >= *since + Self::WINDOW {
            *since = now;
            *count = 0;
        }
        if *count >= Self::MAX_PER_WINDOW {
            return Err(*since + Self::WINDOW - now);
        }
        *count += 1;
        Ok(())
    }
}

/// `{"sdp": offer}` → `{"sdp": answer}`; 400 for a bad body or offer, 429 over the per-address rate,
/// 503 when the SFU runs as many probes as it may.
pub(crate) async fn probe(
    State(state): State<std::sync::Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    // Any content type: a page on another origin posts `text/plain`, which needs no CORS
    // preflight; the answer carries `Access-Control-Allow-Origin` for `allowed_origins`.
    let mut res = match serde_json::from_slice::<ProbeRequest>(&body) {
        Ok(req) => answer(&state, peer.ip(), req).await,
        Err(e) => error(StatusCode::BAD_REQUEST, &format!("body: {e}")),
    };
    if let Some(origin) = cors_allow(&state.config.allowed_origins, &headers) {
        let h = res.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(header::VARY, header::HeaderValue::from_static("Origin"));
    }
    res
}

async fn answer(state: &AppState, ip: IpAddr, req: ProbeRequest) -> Response {
    if req.sdp.len() > MAX_SDP {
        return error(StatusCode::PAYLOAD_TOO_LARGE, "offer too long");
    }
    if let Err(wait) = state.media.probe_throttle().start(Instant::now(), ip) {
        let msg = format!("too many network tests; retry in {} s", wait.as_secs() + 1);
        return error(StatusCode::TOO_MANY_REQUESTS, &msg);
    }
    match state.media.probe(req.sdp, LIMITS).await {
        Ok(sdp) => Json(serde_json::json!({ "sdp": sdp })).into_response(),
        Err(convene_sfu::SfuError::ProbeRefused(e)) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!("probe refused: {e}"),
        ),
        Err(e) => error(StatusCode::BAD_REQUEST, &e.to_string()),
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "code": status.as_u16(), "message": message });
    (status, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_gets_its_share_of_tests_per_window() {
        let t = ProbeThrottle::default();
        let now = Instant::now();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..ProbeThrottle::MAX_PER_WINDOW {
            assert!(t.start(now, a).is_ok());
        }
        assert!(t.start(now, a).is_err(), "over the limit");
        assert!(t.start(now, b).is_ok(), "other addresses unaffected");
        assert!(
            t.start(now + ProbeThrottle::WINDOW, a).is_ok(),
            "a new window"
        );
    }
}
