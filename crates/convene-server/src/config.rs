//! Server configuration: defaults, a TOML file, environment and flags (merged by the binary).

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
    /// UDP port for media; the next free one is used when it is taken; 0 picks any.
    pub media_port: u16,
    /// The IP the media socket binds and offers to clients (default: the bind IP).
    pub media_ip: Option<std::net::IpAddr>,
    /// Serve `/api/dev/token` (only ever honoured when bound to loopback).
    pub dev_token_endpoint: bool,
    /// Messages per second a connection may send before it is closed for flooding.
    pub max_messages_per_sec: u32,
    /// STUN/TURN servers handed to clients by `init` (`/api/v1/client-config`).
    pub ice_servers: Vec<IceServer>,
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
            media_port: 7882,
            media_ip: None,
            dev_token_endpoint: false,
            max_messages_per_sec: 100,
            ice_servers: Vec::new(),
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
    pub ice_servers: Vec<IceServer>,
}

/// One app in the config file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileApp {
    /// SDK key.
    pub key: String,
    /// SDK secret.
    pub secret: String,
}

/// A config that cannot be used.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    Read(String, std::io::Error),
    /// The file is not valid TOML for [`FileConfig`].
    Parse(String, String),
    /// An `--app` / `CONVENE_APPS` entry is not `KEY:SECRET`.
    BadApp(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Read(p, e) => write!(f, "cannot read config file {p}: {e}"),
            ConfigError::Parse(p, e) => write!(f, "invalid config file {p}: {e}"),
            ConfigError::BadApp(s) => write!(f, "app must be KEY:SECRET, got {s:?}"),
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

    /// Applies the file on top of `config`.
    pub fn apply(self, config: &mut Config) {
        if let Some(b) = self.bind {
            config.bind = b;
        }
        config.apps.extend(
            self.apps
                .into_iter()
                .map(|a| AppCredentials::new(a.key, a.secret)),
        );
        if let Some(n) = self.max_users_per_session {
            config.session.max_users_per_session = n;
        }
        if let Some(p) = self.media_port {
            config.media_port = p;
        }
        config.ice_servers.extend(self.ice_servers);
        if let Some(ip) = self.media_ip {
            config.media_ip = Some(ip);
        }
        if let Some(s) = self.failover_window_secs {
            config.session.failover_window = Duration::from_secs(s);
        }
    }
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
        f.apply(&mut c);
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
}
