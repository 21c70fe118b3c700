//! The HTTP surface (SPEC §12): `/`, `/healthz`, `/metrics`, `/rtc/v1`, `/api/dev/token`,
//! `/api/dev/sessions`, the network test (`/api/v1/probe`, in `probe.rs`), and the REST API
//! (`/api/v1/...`, in `api/`).

use crate::edge::Upgrade;
use crate::edge::{cors_allow, is_direct_loopback, Admission};
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use convene_protocol::MAX_FRAME_BYTES;
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Bytes a WebSocket reads at once. Small, because the read buffer is zero-filled to this
/// size and kept for the socket's life (tungstenite's default of 128 KiB would be most of a
/// signaling user's memory); a longer frame grows it as needed, up to `MAX_FRAME_BYTES`.
const READ_BUFFER: usize = 4 * 1024;
/// Bytes a WebSocket gathers before writing them out.
const WRITE_BUFFER: usize = 16 * 1024;
/// Unsent bytes a WebSocket may hold for a client that does not read; beyond, its writes fail.
const MAX_WRITE_BUFFER: usize = 1024 * 1024;

/// The router (testable without a socket, e.g. with `tower::ServiceExt::oneshot`).
pub fn app(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(demo_index))
        .route("/sdk/", get(sdk_page))
        .route("/healthz", get(healthz))
        .route("/sdk/{file}", get(crate::assets::sdk_module))
        .route("/demo/app.js", get(demo_js))
        .route("/demo/style.css", get(demo_css))
        .route("/metrics", get(metrics))
        .route("/rtc/v1", get(signaling))
        .route("/cluster/media", get(crate::cascade::accept))
        .route("/api/dev/token", post(dev_token))
        .route("/api/dev/sessions", get(dev_sessions))
        .route("/api/v1/client-config", get(client_config))
        .route("/api/v1/probe", post(crate::probe::probe))
        .merge(crate::api::routes())
        .with_state(state)
}

/// An empty page on the server's origin, for trying the SDK from a console or a test.
async fn sdk_page() -> Html<&'static str> {
    Html(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Convene SDK</title></head>\
         <body><p>Convene browser SDK: <code>const ConveneVideo = (await import('/sdk/convene.js')).default</code></p></body></html>",
    )
}

/// The demo app (apps/demo), embedded in the binary.
async fn demo_index() -> Html<&'static str> {
    Html(include_str!("../../../apps/demo/index.html"))
}

async fn demo_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../../apps/demo/app.js"),
    )
}

async fn demo_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../../apps/demo/style.css"),
    )
}

async fn signaling(
    ws: Upgrade,
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    admission: Option<Extension<Admission>>,
) -> Response {
    // The socket keeps its place under the connection caps until it is gone.
    let admission = admission.map(|Extension(a)| a);
    // A client that stops reading must not make the server buffer for it without limit: past
    // MAX_WRITE_BUFFER unsent bytes the write fails and the connection ends (failover).
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_FRAME_BYTES))
        .max_frame_size(Some(MAX_FRAME_BYTES))
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(MAX_WRITE_BUFFER);
    ws.on_upgrade(config, move |socket| {
        crate::conn::run(socket, state, peer, admission)
    })
}

/// `ok`, or 503 naming what stopped making progress (see `watchdog.rs`).
async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    let stuck = state.watchdog.stuck(std::time::Instant::now());
    if stuck.is_empty() {
        return "ok".into_response();
    }
    let why: Vec<String> = stuck.iter().map(ToString::to_string).collect();
    (StatusCode::SERVICE_UNAVAILABLE, why.join("; ")).into_response()
}

async fn metrics(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    state
        .metrics
        .sessions
        .set(state.router.local_sessions() as i64);
    if let Some(c) = state.media.cascade() {
        let (relays, links) = c.load();
        state.metrics.cascade_relays.set(relays as i64);
        state.metrics.cascade_links.set(links as i64);
    }
    let body = state
        .metrics
        .render(state.media.stats(), state.media.bandwidth_samples());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}

/// What `init` fetches: the protocol version and the ICE servers to use (TURN credentials
/// among them), so other origins read it only when listed in `allowed_origins` (an app
/// served elsewhere that points `webEndpoint` here). TURN servers with a shared secret get
/// credentials minted for this request, so the answer must not be cached.
async fn client_config(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let mut ice_servers = state.config.ice_servers.clone();
    if !state.config.turn_servers.is_empty() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        // Opaque to the TURN server (it only logs it); random so that nothing about the
        // caller is disclosed and two clients' credentials differ.
        let user = format!("{:016x}", rand::random::<u64>());
        ice_servers.extend(
            state
                .config
                .turn_servers
                .iter()
                .map(|t| t.issue(now, &user)),
        );
    }
    let mut res = Json(serde_json::json!({
            "protocolVersion": convene_protocol::PROTOCOL_VERSION,
            "version": env!("CARGO_PKG_VERSION"),
            "iceServers": ice_servers,
            "maxUsersPerSession": state.config.session.max_users_per_session,
    }))
    .into_response();
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(origin) = cors_allow(&state.config.allowed_origins, &headers) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    res
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DevTokenRequest {
    topic: String,
    #[serde(default)]
    role: u8,
    #[serde(default)]
    user_identity: Option<String>,
}

/// The dev app, when dev mode is on: no app was configured, the server is bound to loopback
/// and the caller is directly on loopback (see [`is_direct_loopback`]).
fn dev_app<'a>(
    state: &'a AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
) -> Option<&'a convene_auth::AppCredentials> {
    let enabled = state.config.dev_token_endpoint
        && state.bound.ip().is_loopback()
        && is_direct_loopback(peer, headers);
    state.config.apps.first().filter(|_| enabled)
}

/// Dev mode only: the dev app's live sessions, `[{topic, sessionId, users}]` sorted by topic
/// (what the router's listing shows; the demo and debugging use it).
async fn dev_sessions(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let Some(app) = dev_app(&state, peer, &headers) else {
        return (StatusCode::NOT_FOUND, "dev endpoints disabled").into_response();
    };
    let list: Vec<serde_json::Value> = state
        .router
        .list(&app.key)
        .await
        .into_iter()
        .map(|s| serde_json::json!({ "topic": s.topic, "sessionId": s.session_id, "users": s.users }))
        .collect();
    Json(list).into_response()
}

/// Dev mode only: mints a token for the dev app. Served only when the server is bound to
/// loopback and the caller is on loopback.
async fn dev_token(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Some(app) = dev_app(&state, peer, &headers) else {
        return (StatusCode::NOT_FOUND, "dev token endpoint disabled").into_response();
    };
    // The body is JSON whatever its declared type: `curl -d`, a bare `fetch` and Python's
    // urllib send JSON labelled as a form or as text.
    let req: DevTokenRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            let why =
                format!("the body must be JSON {{\"topic\", \"role\", \"userIdentity\"?}}: {e}");
            return (StatusCode::BAD_REQUEST, why).into_response();
        }
    };
    if req.role > 1 {
        return (StatusCode::BAD_REQUEST, "role must be 0 or 1").into_response();
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let role = if req.role == 1 {
        convene_auth::Role::Host
    } else {
        convene_auth::Role::Participant
    };
    let mut opts = convene_auth::MintOptions::new(&app.key, &app.secret, &req.topic, role, now);
    opts.user_identity = req.user_identity;
    Json(serde_json::json!({ "token": convene_auth::mint(&opts) })).into_response()
}
