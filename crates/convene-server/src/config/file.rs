//! The TOML config file (`--config FILE`) and app lists (`--app`, `--app-file`).

use super::{AppWebhooks, Config, IceServer, WebhookUrl};
use crate::turn::{self, TurnRestServer, TurnSecret, DEFAULT_TURN_TTL};
use convene_auth::AppCredentials;
use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

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
    /// Cascading: a session's new users' media goes to other nodes once this node's SFU
    /// holds this many peers (`--cascade-above`).
    pub cascade_above: Option<usize>,
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
pub(super) fn turn_server(
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
        config.set_cascade_above(self.cascade_above);
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

pub(super) fn parse_app_lines(path: &str, text: &str) -> Result<Vec<AppCredentials>, ConfigError> {
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
