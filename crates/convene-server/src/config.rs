//! Server configuration: defaults, a TOML file, environment and flags (merged by the binary).

use crate::turn::{self, TurnRestServer, TurnSecret, DEFAULT_TURN_TTL};
use convene_auth::AppCredentials;
use serde::{Deserialize, Serialize};
use std::fmt;
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

/// Signed webhooks: which URLs get which app's session events, the secret each app's events
/// are signed with, and how hard delivery tries.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// URLs that get every app's events (`--webhook-url`, `webhook_urls`).
    pub urls: Vec<WebhookUrl>,
    /// Per app: URLs for its events only, and its webhook secret.
    pub apps: Vec<AppWebhooks>,
    /// Each attempt (connect, send, answer) gets at most this long.
    pub timeout: Duration,
    /// Attempts after the first, on errors, non-2xx answers and timeouts.
    pub retries: u32,
    /// The wait before the first retry; it doubles for each next one.
    pub backoff: Duration,
    /// Events waiting for delivery at most; beyond, new events are dropped (and counted).
    pub queue: usize,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        WebhookConfig {
            urls: Vec::new(),
            apps: Vec::new(),
            timeout: Duration::from_secs(5),
            retries: 3,
            backoff: Duration::from_millis(500),
            queue: 1024,
        }
    }
}

/// One app's webhooks.
#[derive(Clone)]
pub struct AppWebhooks {
    /// The app's SDK key.
    pub key: String,
    /// URLs for this app's events only (besides [`WebhookConfig::urls`]).
    pub urls: Vec<WebhookUrl>,
    /// Signs this app's events instead of its SDK secret. Never printed by `Debug`.
    pub secret: Option<String>,
}

// Hand-written so that logging a config never leaks a secret.
impl fmt::Debug for AppWebhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppWebhooks")
            .field("key", &self.key)
            .field("urls", &self.urls)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A webhook receiver's URL: `http://HOST[:PORT][/PATH]` (plain HTTP; put a TLS proxy in
/// front of a receiver that needs HTTPS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(axum::http::Uri);

impl WebhookUrl {
    /// Parses and checks a receiver's URL.
    pub fn parse(s: &str) -> Result<Self, ConfigError> {
        let bad = |why| ConfigError::BadWebhookUrl(s.to_owned(), why);
        let uri: axum::http::Uri = s.parse().map_err(|_| bad("not a URL"))?;
        if uri.scheme_str() != Some("http") {
            return Err(bad("only http:// URLs are supported"));
        }
        if uri.host().is_none_or(str::is_empty) {
            return Err(bad("no host"));
        }
        Ok(WebhookUrl(uri))
    }

    /// The URL.
    pub fn uri(&self) -> &axum::http::Uri {
        &self.0
    }
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
        let public_url = public_url
            .or_else(|| old.map(|c| c.public_url))
            .unwrap_or_default();
        self.cluster = Some(crate::ClusterConfig {
            redis_url,
            node_id,
            public_url,
        });
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

/// The TOML config file (`--config FILE`). Every field optional; flags and env win.
///
/// ```toml
/// bind = "127.0.0.1:8080"
/// max_users_per_session = 5000
/// media_port = 7882
/// [[apps]]
/// key = "my-sdk-key"
/// secret = "my-sdk-secret"
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Bind address.
    pub bind: Option<SocketAddr>,
    /// Apps.
    #[serde(default)]
    pub apps: Vec<FileApp>,
    /// Session capacity.
    pub max_users_per_session: Option<usize>,
    /// Media UDP port.
    pub media_port: Option<u16>,
    /// Failover window, seconds.
    pub failover_window_secs: Option<u64>,
    /// Media IP (binds and is offered to clients).
    pub media_ip: Option<std::net::IpAddr>,
    /// STUN/TURN servers for clients.
    #[serde(default)]
    pub ice_servers: Vec<FileIceServer>,
    /// A file of `KEY:SECRET` lines, one app each (keeps secrets off the command line).
    pub app_file: Option<String>,
    /// Origins allowed to read `/api/v1/client-config` (CORS); default: same origin only.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Webhook URLs that get every app's session events.
    #[serde(default)]
    pub webhook_urls: Vec<String>,
    /// Frames per second one connection may send.
    pub max_messages_per_sec: Option<u32>,
    /// Bytes per second one connection may send.
    pub max_bytes_per_sec: Option<u32>,
    /// Seconds a request's headers may take.
    pub header_read_timeout_secs: Option<u64>,
    /// Seconds a WebSocket may stay in no session.
    pub join_timeout_secs: Option<u64>,
    /// Seconds between server pings.
    pub ping_interval_secs: Option<u64>,
    /// Seconds of silence after which a connection is dropped.
    pub dead_peer_timeout_secs: Option<u64>,
    /// Open connections at most (default: from the fd limit).
    pub max_connections: Option<usize>,
    /// Open connections from one IP address at most (default: no cap).
    pub max_connections_per_ip: Option<usize>,
    /// Seconds clients get to take their goodbye on shutdown.
    pub shutdown_grace_secs: Option<u64>,
    /// Seconds without progress on pending work before `/healthz` says 503.
    pub stall_timeout_secs: Option<u64>,
    /// Chat messages per user per second (7012 beyond).
    pub chat_rate_per_sec: Option<u32>,
    /// Chat messages a session keeps for `chat.getHistory`.
    pub chat_history: Option<usize>,
    /// Command channel messages per user per second (7105 beyond).
    pub command_rate_per_sec: Option<u32>,
    /// ICE-TCP connections at most.
    pub ice_tcp_max_connections: Option<usize>,
    /// ICE-TCP connections from one IP address at most.
    pub ice_tcp_max_connections_per_ip: Option<usize>,
    /// Seconds an ICE-TCP connection has to complete its first frame.
    pub ice_tcp_handshake_timeout_secs: Option<u64>,
    /// Seconds of silence after which an ICE-TCP connection is closed.
    pub ice_tcp_idle_timeout_secs: Option<u64>,
    /// Redis URL shared by the cluster's nodes (`--redis`).
    pub redis: Option<String>,
    /// This node's name in the cluster (`--node-id`).
    pub node_id: Option<String>,
    /// How clients and other nodes reach this node (`--public-url`).
    pub public_url: Option<String>,
}

/// One `[[ice_servers]]` entry: static credentials (`username`, `credential`), or a shared
/// `secret` (or `secret_file`) from which each client gets short-lived ones.
///
/// ```toml
/// [[ice_servers]]
/// urls = ["turn:turn.example.com:3478?transport=udp"]
/// secret_file = "/etc/convene/turn-secret"   # or: secret = "..." (coturn's static-auth-secret)
/// ttl_secs = 86400
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileIceServer {
    /// `stun:...`, `turn:...`, `turns:...`.
    pub urls: Vec<String>,
    /// Static TURN user name.
    pub username: Option<String>,
    /// Static TURN credential.
    pub credential: Option<String>,
    /// The TURN server's `static-auth-secret`.
    pub secret: Option<TurnSecret>,
    /// A file holding the secret (one line), so it stays out of the config file.
    pub secret_file: Option<String>,
    /// Seconds each minted credential is valid (default: 86,400, a day).
    pub ttl_secs: Option<u64>,
}

impl FileIceServer {
    fn apply(self, config: &mut Config) -> Result<(), ConfigError> {
        let urls = self.urls.join(" ");
        let secret = match (self.secret, &self.secret_file) {
            (None, None) => {
                if self.ttl_secs.is_some() {
                    return Err(ConfigError::BadIceServer(urls, "ttl_secs without a secret"));
                }
                config.ice_servers.push(IceServer {
                    urls: self.urls,
                    username: self.username,
                    credential: self.credential,
                });
                return Ok(());
            }
            (Some(_), Some(_)) => {
                return Err(ConfigError::BadIceServer(
                    urls,
                    "both secret and secret_file",
                ))
            }
            (Some(s), None) if s.is_empty() => {
                return Err(ConfigError::BadIceServer(urls, "empty secret"))
            }
            (Some(s), None) => s,
            (None, Some(path)) => load_turn_secret(path)?,
        };
        if self.username.is_some() || self.credential.is_some() {
            return Err(ConfigError::BadIceServer(
                urls,
                "a secret and a static username/credential",
            ));
        }
        config
            .turn_servers
            .push(turn_server(self.urls, secret, self.ttl_secs)?);
        Ok(())
    }
}

/// A [`TurnRestServer`] for the TURN URLs among `urls` (an error when there are none: the
/// secret would be unused).
fn turn_server(
    urls: Vec<String>,
    secret: TurnSecret,
    ttl_secs: Option<u64>,
) -> Result<TurnRestServer, ConfigError> {
    let all = urls.join(" ");
    if urls.is_empty() || !urls.iter().all(|u| turn::is_turn_url(u)) {
        return Err(ConfigError::BadIceServer(
            all,
            "a secret is for turn: and turns: URLs only",
        ));
    }
    let ttl = match ttl_secs {
        Some(0) => return Err(ConfigError::BadIceServer(all, "ttl_secs must be above 0")),
        Some(s) => Duration::from_secs(s),
        None => DEFAULT_TURN_TTL,
    };
    Ok(TurnRestServer { urls, secret, ttl })
}

/// Reads a TURN secret file: its first line, trimmed.
pub(crate) fn load_turn_secret(path: &str) -> Result<TurnSecret, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read(path.to_owned(), e))?;
    TurnSecret::new(text.lines().next().unwrap_or("").trim())
        .ok_or_else(|| ConfigError::EmptyTurnSecret(path.to_owned()))
}

/// One app in the config file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileApp {
    /// SDK key.
    pub key: String,
    /// SDK secret.
    pub secret: String,
    /// Webhook URLs for this app's session events only.
    #[serde(default)]
    pub webhook_urls: Vec<String>,
    /// Signs this app's webhooks instead of its SDK secret.
    pub webhook_secret: Option<String>,
}

/// A config that cannot be used.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    Read(String, std::io::Error),
    /// The file is not valid TOML for [`FileConfig`].
    Parse(String, String),
    /// Line `usize` of an app file is not `KEY:SECRET`.
    BadAppLine(String, usize),
    /// An `--app` / `CONVENE_APPS` entry is not `KEY:SECRET`.
    BadApp(String),
    /// An ICE server entry (its URLs) cannot be used, and why.
    BadIceServer(String, &'static str),
    /// A TURN secret (from this file or flag) is empty.
    EmptyTurnSecret(String),
    /// A webhook URL cannot be used, and why.
    BadWebhookUrl(String, &'static str),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Read(p, e) => write!(f, "cannot read config file {p}: {e}"),
            ConfigError::Parse(p, e) => write!(f, "invalid config file {p}: {e}"),
            ConfigError::BadApp(s) => write!(f, "app must be KEY:SECRET, got {s:?}"),
            // The line itself is not shown: it holds a secret.
            ConfigError::BadAppLine(p, n) => write!(f, "{p}:{n}: an app line must be KEY:SECRET"),
            ConfigError::BadIceServer(urls, why) => write!(f, "ICE server {urls:?}: {why}"),
            ConfigError::EmptyTurnSecret(from) => write!(f, "empty TURN secret in {from}"),
            ConfigError::BadWebhookUrl(url, why) => write!(f, "webhook URL {url:?}: {why}"),
        }
    }
}

impl std::error::Error for ConfigError {}

impl FileConfig {
    /// Reads and parses a config file.
    pub fn load(path: &str) -> Result<Self, ConfigError> {
        let text =
            std::fs::read_to_string(path).map_err(|e| ConfigError::Read(path.to_owned(), e))?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse(path.to_owned(), e.to_string()))
    }

    /// Applies the file on top of `config` (reading its `app_file`, if any).
    pub fn apply(self, config: &mut Config) -> Result<(), ConfigError> {
        if let Some(path) = &self.app_file {
            config.apps.extend(load_app_file(path)?);
        }
        config.allowed_origins.extend(self.allowed_origins);
        let secs = Duration::from_secs;
        let edge = &mut config.edge;
        set(&mut config.max_messages_per_sec, self.max_messages_per_sec);
        set(&mut config.max_bytes_per_sec, self.max_bytes_per_sec);
        set(
            &mut edge.header_read_timeout,
            self.header_read_timeout_secs.map(secs),
        );
        set(&mut edge.join_timeout, self.join_timeout_secs.map(secs));
        set(&mut edge.ping_interval, self.ping_interval_secs.map(secs));
        set(
            &mut edge.dead_peer_timeout,
            self.dead_peer_timeout_secs.map(secs),
        );
        set(&mut edge.shutdown_grace, self.shutdown_grace_secs.map(secs));
        set(&mut edge.stall_timeout, self.stall_timeout_secs.map(secs));
        let session = &mut config.session;
        set(&mut session.chat_rate_per_sec, self.chat_rate_per_sec);
        set(&mut session.chat_history, self.chat_history);
        set(&mut session.command_rate_per_sec, self.command_rate_per_sec);
        let media = &mut config.media_limits;
        set(&mut media.tcp_max_connections, self.ice_tcp_max_connections);
        set(
            &mut media.tcp_max_connections_per_ip,
            self.ice_tcp_max_connections_per_ip,
        );
        set(
            &mut media.tcp_handshake_timeout,
            self.ice_tcp_handshake_timeout_secs.map(secs),
        );
        set(
            &mut media.tcp_idle_timeout,
            self.ice_tcp_idle_timeout_secs.map(secs),
        );
        if self.max_connections.is_some() {
            edge.max_connections = self.max_connections;
        }
        if self.max_connections_per_ip.is_some() {
            edge.max_connections_per_ip = self.max_connections_per_ip;
        }
        if let Some(b) = self.bind {
            config.bind = b;
        }
        for u in &self.webhook_urls {
            config.webhooks.urls.push(WebhookUrl::parse(u)?);
        }
        config.set_cluster(self.redis, self.node_id, self.public_url);
        for a in self.apps {
            if !a.webhook_urls.is_empty() || a.webhook_secret.is_some() {
                config.webhooks.apps.push(AppWebhooks {
                    key: a.key.clone(),
                    urls: a
                        .webhook_urls
                        .iter()
                        .map(|u| WebhookUrl::parse(u))
                        .collect::<Result<_, _>>()?,
                    secret: a.webhook_secret.filter(|s| !s.is_empty()),
                });
            }
            config.apps.push(AppCredentials::new(a.key, a.secret));
        }
        if let Some(n) = self.max_users_per_session {
            config.session.max_users_per_session = n;
        }
        if let Some(p) = self.media_port {
            config.media_port = p;
        }
        for s in self.ice_servers {
            s.apply(config)?;
        }
        if let Some(ip) = self.media_ip {
            config.media_ip = Some(ip);
        }
        if let Some(s) = self.failover_window_secs {
            config.session.failover_window = Duration::from_secs(s);
        }
        Ok(())
    }
}

/// Overwrites `field` with `value` when there is one.
fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *field = v;
    }
}

/// Reads an app file: one `KEY:SECRET` per line; blank lines and `#` comments are skipped.
pub fn load_app_file(path: &str) -> Result<Vec<AppCredentials>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read(path.to_owned(), e))?;
    parse_app_lines(path, &text)
}

fn parse_app_lines(path: &str, text: &str) -> Result<Vec<AppCredentials>, ConfigError> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(n, l)| parse_app(l).map_err(|_| ConfigError::BadAppLine(path.to_owned(), n)))
        .collect()
}

/// Parses `KEY:SECRET`.
pub fn parse_app(s: &str) -> Result<AppCredentials, ConfigError> {
    match s.split_once(':') {
        Some((k, v)) if !k.is_empty() && !v.is_empty() => Ok(AppCredentials::new(k, v)),
        _ => Err(ConfigError::BadApp(s.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_config_applies() {
        let f: FileConfig = toml::from_str(
            "bind = \"127.0.0.1:9000\"\nmax_users_per_session = 3\n[[apps]]\nkey = \"k\"\nsecret = \"s\"\n\
             [[ice_servers]]\nurls = [\"turn:t.example:3478\"]\nusername = \"u\"\ncredential = \"c\"\n",
        )
        .unwrap();
        let mut c = Config::default();
        f.apply(&mut c).unwrap();
        assert_eq!(c.bind.port(), 9000);
        assert_eq!(c.session.max_users_per_session, 3);
        assert_eq!(c.apps, vec![AppCredentials::new("k", "s")]);
        assert_eq!(
            c.ice_servers[0].urls,
            vec!["turn:t.example:3478".to_owned()]
        );
        assert_eq!(c.ice_servers[0].username.as_deref(), Some("u"));
        assert!(toml::from_str::<FileConfig>("nope = 1").is_err());
    }

    #[test]
    fn edge_keys_apply() {
        let f: FileConfig = toml::from_str(
            "join_timeout_secs = 3\nmax_connections_per_ip = 7\nallowed_origins = [\"https://a.example\"]\n",
        )
        .unwrap();
        let mut c = Config::default();
        f.apply(&mut c).unwrap();
        assert_eq!(c.edge.join_timeout, Duration::from_secs(3));
        assert_eq!(c.edge.max_connections_per_ip, Some(7));
        assert_eq!(c.edge.header_read_timeout, Duration::from_secs(10));
        assert_eq!(c.allowed_origins, vec!["https://a.example".to_owned()]);
    }

    #[test]
    fn session_and_media_keys_apply() {
        let f: FileConfig = toml::from_str(
            "chat_rate_per_sec = 3\nchat_history = 50\ncommand_rate_per_sec = 4\n\
             ice_tcp_max_connections = 9\nice_tcp_max_connections_per_ip = 3\nice_tcp_handshake_timeout_secs = 2\nice_tcp_idle_timeout_secs = 5\n",
        )
        .unwrap();
        let mut c = Config::default();
        f.apply(&mut c).unwrap();
        assert_eq!(c.session.chat_rate_per_sec, 3);
        assert_eq!(c.session.chat_history, 50);
        assert_eq!(c.session.command_rate_per_sec, 4);
        assert_eq!(c.media_limits.tcp_max_connections, 9);
        assert_eq!(c.media_limits.tcp_max_connections_per_ip, 3);
        assert_eq!(c.media_limits.tcp_handshake_timeout, Duration::from_secs(2));
        assert_eq!(c.media_limits.tcp_idle_timeout, Duration::from_secs(5));
    }

    #[test]
    fn ice_server_secrets() {
        let parse = |t: &str| {
            let mut c = Config::default();
            toml::from_str::<FileConfig>(t)
                .unwrap()
                .apply(&mut c)
                .map(|()| c)
        };
        let c = parse(
            "[[ice_servers]]\nurls = [\"turn:t.example:3478\"]\nsecret = \"s3cret\"\nttl_secs = 60\n",
        )
        .unwrap();
        assert!(c.ice_servers.is_empty());
        assert_eq!(c.turn_servers[0].ttl, Duration::from_secs(60));
        assert_eq!(c.turn_servers[0].secret, TurnSecret::new("s3cret").unwrap());
        assert!(
            !format!("{c:?}").contains("s3cret"),
            "Debug shows no secret"
        );
        let dir = std::env::temp_dir().join(format!("convene-turn-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("secret");
        std::fs::write(&file, "from-file\n").unwrap();
        let c = parse(&format!(
            "[[ice_servers]]\nurls = [\"turns:t.example:5349\"]\nsecret_file = {:?}\n",
            file.to_str().unwrap()
        ))
        .unwrap();
        assert_eq!(
            c.turn_servers[0].secret,
            TurnSecret::new("from-file").unwrap()
        );
        assert_eq!(c.turn_servers[0].ttl, DEFAULT_TURN_TTL);
        for bad in [
            "urls = [\"turn:t:3478\"]\nsecret = \"s\"\nusername = \"u\"",
            "urls = [\"stun:t:3478\"]\nsecret = \"s\"",
            "urls = [\"turn:t:3478\"]\nsecret = \"\"",
            "urls = [\"turn:t:3478\"]\nsecret = \"s\"\nttl_secs = 0",
            "urls = [\"turn:t:3478\"]\nttl_secs = 10",
        ] {
            let e = parse(&format!("[[ice_servers]]\n{bad}\n")).unwrap_err();
            assert!(matches!(e, ConfigError::BadIceServer(..)), "{bad}: {e}");
        }

        let mut c = Config::default();
        let urls = vec!["stun:s:3478".to_owned(), "turn:t:3478".to_owned()];
        c.add_ice_urls(urls.clone(), Some("k".into()), None, Some(5))
            .unwrap();
        assert_eq!(c.ice_servers[0].urls, vec!["stun:s:3478".to_owned()]);
        assert_eq!(c.turn_servers[0].urls, vec!["turn:t:3478".to_owned()]);
        assert_eq!(c.turn_servers[0].ttl, Duration::from_secs(5));
        let f = file.to_str();
        let mut c = Config::default();
        c.add_ice_urls(urls.clone(), None, f, None).unwrap();
        assert_eq!(
            c.turn_servers[0].secret,
            TurnSecret::new("from-file").unwrap()
        );
        let mut c = Config::default();
        c.add_ice_urls(urls, None, None, None).unwrap();
        assert_eq!(c.ice_servers.len(), 2);
        assert!(c.turn_servers.is_empty());
        let e = Config::default()
            .add_ice_urls(vec!["stun:s:3478".into()], Some("k".into()), None, None)
            .unwrap_err();
        assert!(matches!(e, ConfigError::BadIceServer(..)), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn app_file_lines() {
        let apps = parse_app_lines("f", "# apps\n\n a:b \nc:d\n").unwrap();
        assert_eq!(
            apps,
            vec![AppCredentials::new("a", "b"), AppCredentials::new("c", "d")]
        );
        let e = parse_app_lines("f", "a:b\nsecret-without-key\n").unwrap_err();
        assert_eq!(e.to_string(), "f:2: an app line must be KEY:SECRET");
    }

    #[test]
    fn apps_parse() {
        assert_eq!(parse_app("a:b").unwrap(), AppCredentials::new("a", "b"));
        assert!(parse_app("ab").is_err());
        assert!(parse_app(":b").is_err());
    }

    #[test]
    fn dev_app_only_without_apps() {
        let mut c = Config::default();
        assert!(c.ensure_dev_app().is_some());
        assert!(c.dev_token_endpoint);
        assert!(c.ensure_dev_app().is_none());
    }

    #[test]
    fn webhook_urls_global_and_per_app_with_a_secret() {
        let f: FileConfig = toml::from_str(
            "webhook_urls = [\"http://127.0.0.1:9/all\"]\n\
             [[apps]]\nkey = \"a\"\nsecret = \"s\"\n\
             webhook_urls = [\"http://hooks.example:8000/a?x=1\"]\nwebhook_secret = \"wh\"\n\
             [[apps]]\nkey = \"b\"\nsecret = \"t\"\n",
        )
        .unwrap();
        let mut c = Config::default();
        f.apply(&mut c).unwrap();
        assert_eq!(
            c.webhooks.urls,
            vec![WebhookUrl::parse("http://127.0.0.1:9/all").unwrap()]
        );
        assert_eq!(c.webhooks.apps.len(), 1, "only apps with webhook settings");
        let a = &c.webhooks.apps[0];
        assert_eq!(a.key, "a");
        assert_eq!(a.urls[0].uri().path_and_query().unwrap().as_str(), "/a?x=1");
        assert_eq!(a.secret.as_deref(), Some("wh"));
        assert!(
            !format!("{a:?}").contains("wh\""),
            "the secret is not printed"
        );
        assert_eq!(c.apps.len(), 2);
    }

    #[test]
    fn webhook_urls_must_be_http_with_a_host() {
        for bad in [
            "https://x.example/",
            "x.example/hook",
            "ftp://x/",
            "not a url",
            "http:///p",
        ] {
            assert!(
                matches!(WebhookUrl::parse(bad), Err(ConfigError::BadWebhookUrl(..))),
                "{bad}"
            );
        }
        let f: FileConfig = toml::from_str("webhook_urls = [\"https://x.example/\"]").unwrap();
        assert!(f.apply(&mut Config::default()).is_err());
    }
}
