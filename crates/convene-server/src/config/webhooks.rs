//! Where an app's session events go, and how they are signed and delivered.

use super::ConfigError;
use std::fmt;
use std::time::Duration;

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
