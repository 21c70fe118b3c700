//! Short-lived TURN credentials: coturn's TURN REST API scheme (`use-auth-secret` with a
//! `static-auth-secret`). The server and the TURN server share a secret; each client gets a
//! user name `"<unix expiry>:<opaque user id>"` and the credential
//! `base64(HMAC-SHA1(secret, user name))`, which the TURN server recomputes. A credential read
//! by someone else is worth nothing after its expiry, and the secret never leaves the server.

use crate::config::IceServer;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha1::Sha1;
use std::fmt;
use std::time::Duration;

/// How long a credential stays valid unless configured. A client gets its credentials once,
/// at `init`, and an expired one cannot allocate again (after an ICE restart, say), so this
/// should outlast the longest session; shorter limits what a leaked credential is worth.
pub(crate) const DEFAULT_TURN_TTL: Duration = Duration::from_secs(24 * 3600);

/// The secret shared with the TURN server (coturn's `static-auth-secret`). Never printed.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct TurnSecret(String);

impl TurnSecret {
    /// A secret, or `None` when it is empty (an empty HMAC key would be accepted by
    /// coturn's arithmetic but is no secret at all).
    pub fn new(secret: impl Into<String>) -> Option<Self> {
        let s = secret.into();
        (!s.is_empty()).then_some(TurnSecret(s))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for TurnSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TurnSecret(..)")
    }
}

/// TURN URLs whose credentials are minted per client from a shared secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnRestServer {
    /// `turn:host:port?transport=udp`, `turns:...`, all sharing the secret.
    pub urls: Vec<String>,
    /// The TURN server's `static-auth-secret`.
    pub secret: TurnSecret,
    /// How long each handed-out credential is valid.
    pub ttl: Duration,
}

impl TurnRestServer {
    /// The entry handed to one client at `now_unix` (seconds): valid until `now_unix + ttl`,
    /// for `user`, an opaque id (coturn only logs it).
    pub fn issue(&self, now_unix: u64, user: &str) -> IceServer {
        let expiry = now_unix.saturating_add(self.ttl.as_secs());
        let username = format!("{expiry}:{user}");
        let credential = credential(&self.secret, &username);
        IceServer {
            urls: self.urls.clone(),
            username: Some(username),
            credential: Some(credential),
        }
    }
}

/// `base64(HMAC-SHA1(secret, username))`, what coturn expects as the password.
fn credential(secret: &TurnSecret, username: &str) -> String {
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret.0.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(username.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether a URL is a TURN one (and so needs credentials), not STUN.
pub(crate) fn is_turn_url(url: &str) -> bool {
    let scheme = url.split(':').next().unwrap_or("");
    scheme.eq_ignore_ascii_case("turn") || scheme.eq_ignore_ascii_case("turns")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(secret: &str, ttl: u64) -> TurnRestServer {
        TurnRestServer {
            urls: vec!["turn:127.0.0.1:3478".into()],
            secret: TurnSecret::new(secret).unwrap(),
            ttl: Duration::from_secs(ttl),
        }
    }

    /// Expected values computed independently with Python:
    /// `base64.b64encode(hmac.new(secret, username.encode(), hashlib.sha1).digest())`.
    #[test]
    fn credential_matches_an_independent_hmac_sha1() {
        let s = TurnSecret::new("north").unwrap();
        assert_eq!(
            credential(&s, "1700000000:alice"),
            "Cd/49soE35ICqcJF/bCTn8Z4OyE="
        );
        let e = server("convene-turn-secret", 3600).issue(1_735_686_000, "0123456789abcdef");
        assert_eq!(e.username.as_deref(), Some("1735689600:0123456789abcdef"));
        assert_eq!(
            e.credential.as_deref(),
            Some("e++v/vGvrv7aPU7xOq8TIPCymto=")
        );
        assert_eq!(e.urls, vec!["turn:127.0.0.1:3478".to_owned()]);
    }

    #[test]
    fn the_secret_is_never_printed() {
        let s = server("hunter2-secret", 60);
        assert!(!format!("{s:?}").contains("hunter2"));
        let e = s.issue(0, "u");
        let json = serde_json::to_string(&e).unwrap();
        assert!(!json.contains("hunter2"), "{json}");
    }

    #[test]
    fn empty_secrets_and_turn_urls() {
        assert!(TurnSecret::new("").is_none());
        assert!(is_turn_url("turn:a:3478?transport=udp"));
        assert!(is_turn_url("TURNS:a:5349"));
        assert!(!is_turn_url("stun:a:3478"));
    }
}
