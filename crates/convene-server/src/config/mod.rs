//! Server configuration: defaults, a TOML file, environment and flags (merged by the binary).
//!
//! Inside: this file holds [`Config`] and its parts; `file.rs` the TOML file and the app
//! lists; `webhooks.rs` where session events are delivered.

mod file;
#[cfg(test)]
mod tests;
mod webhooks;

pub(crate) use file::load_turn_secret;
use file::turn_server;
pub use file::{load_app_file, parse_app, ConfigError, FileApp, FileConfig};
pub use webhooks::{AppWebhooks, WebhookConfig, WebhookUrl};

use crate::turn::{self, TurnRestServer, TurnSecret};
use convene_auth::AppCredentials;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::time::Duration;

/// Everything the server needs. `Default` is the embedded default: `127.0.0.1:8080`, no
/// apps (a random dev app is made), 5,000 users per session.
#[derive(Debug, Clone)]
pub struct Config {
    /// HTTP / WebSocket address.
    pub bind: SocketAddr,
    /// Known apps (SDK key + secret). Empty: a random dev app is generated and the dev
    /// token endpoint is enabled (loopback binds only).
    pub apps: Vec<AppCredentials>,
    /// Session rules (capacity, failover window, idle minute, command rate).
    pub session: convene_session::Config,
    /// Cloud recording: where files go, the worker's program and media tool.
    pub egress: crate::EgressConfig,
    /// UDP port for media; the next free one is used when it is taken; 0 picks any.
    pub media_port: u16,
    /// The IP the media socket binds and offers to clients (default: the bind IP).
    pub media_ip: Option<std::net::IpAddr>,
    /// Serve `/api/dev/token` (only ever honoured when bound to loopback).
    pub dev_token_endpoint: bool,
    /// Frames per second (text, binary, ping, pong alike) a connection may send before it is
    /// closed for flooding (1008).
    pub max_messages_per_sec: u32,
    /// Bytes per second, over all frames, a connection may send before it is closed (1008).
    pub max_bytes_per_sec: u32,
    /// STUN/TURN servers handed to clients by `init` (`/api/v1/client-config`) as they are.
    pub ice_servers: Vec<IceServer>,
    /// TURN servers handed to clients with credentials minted per request from a shared
    /// secret (after [`ice_servers`](Self::ice_servers)).
    pub turn_servers: Vec<TurnRestServer>,
    /// The edge's timeouts and caps against anonymous clients.
    pub edge: EdgeConfig,
    /// Limits of the media port's ICE-TCP side.
    pub media_limits: MediaLimits,
    /// Origins allowed to read `/api/v1/client-config` from a browser (CORS). Empty: the
    /// server's own origin only (no CORS header). `*` allows any.
    pub allowed_origins: Vec<String>,
    /// Where session events are POSTed (signed webhooks).
    pub webhooks: WebhookConfig,
    /// Several nodes sharing sessions through Redis (`--redis`); `None`: this node alone.
    pub cluster: Option<crate::ClusterConfig>,
}
/// Timeouts and caps of the server's edge: what an anonymous client may hold.
#[derive(Debug, Clone)]
pub struct EdgeConfig {
    /// A request's headers must arrive within this long (slowloris).
    pub header_read_timeout: Duration,
    /// A WebSocket that has not joined (or resumed) within this long is closed.
    pub join_timeout: Duration,
    /// The server pings every connection this often.
    pub ping_interval: Duration,
    /// A connection that sent nothing (not even a pong) for this long is dropped; its user
    /// goes into failover, as when the socket is lost.
    pub dead_peer_timeout: Duration,
    /// Open HTTP/WebSocket connections at most; more get 503. `None`: derived from the fd
    /// limit at start (see [`derived_max_connections`](crate::derived_max_connections)).
    pub max_connections: Option<usize>,
    /// Open connections from one IP address at most; more get 429. `None`: no per-IP cap.
    pub max_connections_per_ip: Option<usize>,
    /// On shutdown, how long clients are given to take their goodbye before every socket is
    /// dropped (the process exits within this plus a little).
    pub shutdown_grace: Duration,
    /// `/healthz` answers 503 when the router, a session task or the SFU loop has not made
    /// progress on pending work for this long.
    pub stall_timeout: Duration,
}

impl Default for EdgeConfig {
    fn default() -> Self {
        EdgeConfig {
            header_read_timeout: Duration::from_secs(10),
            join_timeout: Duration::from_secs(10),
            ping_interval: Duration::from_secs(15),
            dead_peer_timeout: Duration::from_secs(30),
            max_connections: None,
            max_connections_per_ip: None,
            shutdown_grace: Duration::from_secs(5),
            stall_timeout: Duration::from_secs(10),
        }
    }
}

/// Limits of the media port's ICE-TCP side (the UDP side needs none: unknown sources are
/// dropped, and each peer is bounded by the SFU itself).
#[derive(Debug, Clone)]
pub struct MediaLimits {
    /// ICE-TCP connections at most; more are closed at once.
    pub tcp_max_connections: usize,
    /// ICE-TCP connections from one IP address at most; more are closed at once.
    pub tcp_max_connections_per_ip: usize,
    /// An ICE-TCP connection must complete its first frame within this long.
    pub tcp_handshake_timeout: Duration,
    /// An ICE-TCP connection silent for this long is closed.
    pub tcp_idle_timeout: Duration,
}

impl Default for MediaLimits {
    fn default() -> Self {
        let sfu = convene_sfu::SfuConfig::default();
        MediaLimits {
            tcp_max_connections: sfu.tcp_max_connections,
            tcp_max_connections_per_ip: sfu.tcp_max_connections_per_ip,
            tcp_handshake_timeout: sfu.tcp_handshake_timeout,
            tcp_idle_timeout: sfu.tcp_idle_timeout,
        }
    }
}

/// One STUN or TURN server, in the shape of WebRTC's `RTCIceServer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IceServer {
    /// `stun:host:port`, `turn:host:port?transport=udp`, `turns:...`.
    pub urls: Vec<String>,
    /// TURN user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// TURN credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            apps: Vec::new(),
            session: convene_session::Config::default(),
            egress: crate::EgressConfig::default(),
            media_port: 7882,
            media_ip: None,
            dev_token_endpoint: false,
            max_messages_per_sec: 100,
            max_bytes_per_sec: 1 << 20,
            ice_servers: Vec::new(),
            turn_servers: Vec::new(),
            edge: EdgeConfig::default(),
            media_limits: MediaLimits::default(),
            allowed_origins: Vec::new(),
            webhooks: WebhookConfig::default(),
            cluster: None,
        }
    }
}

impl Config {
    /// A config for tests: `127.0.0.1:0`, one app.
    pub fn for_tests(key: &str, secret: &str) -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            apps: vec![AppCredentials::new(key, secret)],
            media_port: 0,
            ..Config::default()
        }
    }

    /// Adds the `--ice-server` URLs. With a TURN secret (`secret`, or the first line of
    /// `secret_file`), the TURN ones (`turn:`, `turns:`) get short-lived credentials valid
    /// `ttl_secs` (default: 24 hours) and the STUN ones are handed as they are; a secret with
    /// no TURN URL is an error.
    pub fn add_ice_urls(
        &mut self,
        urls: Vec<String>,
        secret: Option<String>,
        secret_file: Option<&str>,
        ttl_secs: Option<u64>,
    ) -> Result<(), ConfigError> {
        let secret = match (secret, secret_file) {
            (_, Some(path)) => Some(load_turn_secret(path)?),
            (Some(s), None) => Some(
                TurnSecret::new(s)
                    .ok_or_else(|| ConfigError::EmptyTurnSecret("--turn-secret".into()))?,
            ),
            (None, None) => None,
        };
        let (turn, plain): (Vec<_>, Vec<_>) = match secret {
            Some(_) => urls.into_iter().partition(|u| turn::is_turn_url(u)),
            None => (Vec::new(), urls),
        };
        if let Some(secret) = secret {
            if turn.is_empty() {
                return Err(ConfigError::BadIceServer(
                    plain.join(" "),
                    "a TURN secret was given but no turn: or turns: URL",
                ));
            }
            self.turn_servers.push(turn_server(turn, secret, ttl_secs)?);
        }
        self.ice_servers
            .extend(plain.into_iter().map(|url| IceServer {
                urls: vec![url],
                username: None,
                credential: None,
            }));
        Ok(())
    }

    /// Joins a cluster when a Redis URL is given now or was before; what is given wins,
    /// the rest stays. An empty public URL is derived from the bound address at start.
    pub fn set_cluster(
        &mut self,
        redis: Option<String>,
        node_id: Option<String>,
        public_url: Option<String>,
    ) {
        let old = self.cluster.take();
        let Some(redis_url) = redis.or_else(|| old.as_ref().map(|c| c.redis_url.clone())) else {
            return;
        };
        let node_id = node_id
            .or_else(|| old.as_ref().map(|c| c.node_id.clone()))
            .unwrap_or_else(|| format!("node-{:08x}", rand::random::<u32>()));
        let cascade_above = old.as_ref().map_or(0, |c| c.cascade_above);
        let public_url = public_url
            .or_else(|| old.map(|c| c.public_url))
            .unwrap_or_default();
        self.cluster = Some(crate::ClusterConfig {
            redis_url,
            node_id,
            public_url,
            cascade_above,
        });
    }

    /// Cascading in a cluster (see [`crate::ClusterConfig::cascade_above`]); without a
    /// cluster there is nothing to cascade over, and `above` is ignored.
    pub fn set_cascade_above(&mut self, above: Option<usize>) {
        if let (Some(n), Some(c)) = (above, self.cluster.as_mut()) {
            c.cascade_above = n;
        }
    }

    /// When no app is configured: makes a random dev app, enables the dev token endpoint,
    /// and returns the app so the caller can print it.
    pub fn ensure_dev_app(&mut self) -> Option<AppCredentials> {
        if !self.apps.is_empty() {
            return None;
        }
        use rand::Rng;
        let mut rng = rand::rng();
        let key: String = (0..22)
            .map(|_| {
                char::from(
                    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                        [rng.random_range(0..62)],
                )
            })
            .collect();
        let secret: String = (0..40)
            .map(|_| {
                char::from(
                    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                        [rng.random_range(0..62)],
                )
            })
            .collect();
        let app = AppCredentials::new(format!("dev{key}"), secret);
        self.apps.push(app.clone());
        self.dev_token_endpoint = true;
        Some(app)
    }
}
