//! Turning what the app gives `init` into the signaling URL.

use crate::ClientError;

/// The server address `init` was given, resolved to the signaling WebSocket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServerUrl {
    /// `ws://host:port/.../rtc/v1`.
    pub(crate) ws: String,
    /// `host:port` for the reachability check (port 80 when none was given).
    pub(crate) authority: String,
}

/// Derives the signaling URL from `http://host:port`, `ws://host:port`, `host:port`, or a full
/// `ws://host:port/rtc/v1`.
///
/// A path other than `/rtc/v1` is kept as a prefix (`http://h/convene` → `ws://h/convene/rtc/v1`),
/// for servers behind a reverse proxy. Only plain `http`/`ws` are accepted: this client has no TLS.
pub(crate) fn parse_server_url(input: &str) -> Result<ServerUrl, ClientError> {
    let input = input.trim();
    let bad = |why: &str| ClientError::InvalidUrl(format!("{why}: {input:?}"));
    let rest = match input.split_once("://") {
        Some((scheme, rest)) => match scheme.to_ascii_lowercase().as_str() {
            "http" | "ws" => rest,
            "https" | "wss" => return Err(bad("TLS (https/wss) is not supported by this client")),
            _ => return Err(bad("scheme must be http or ws")),
        },
        None => input,
    };
    // Query and fragment have no meaning for the signaling socket.
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.is_empty() || authority.contains('@') || authority.contains(char::is_whitespace) {
        return Err(bad("missing or invalid host"));
    }
    let has_port = match authority.rfind(':') {
        // An IPv6 literal `[::1]` without port has its last ':' inside the brackets.
        Some(i) => !authority[i..].contains(']'),
        None => false,
    };
    if has_port {
        let port = &authority[authority.rfind(':').unwrap_or_default() + 1..];
        if port.parse::<u16>().is_err() {
            return Err(bad("invalid port"));
        }
    }
    let path = path.trim_end_matches('/');
    let suffix = format!("/rtc/v{}", convene_protocol::PROTOCOL_VERSION);
    let path = if path.ends_with(&suffix) {
        path.to_string()
    } else {
        format!("{path}{suffix}")
    };
    let authority_with_port = if has_port {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    Ok(ServerUrl {
        ws: format!("ws://{authority}{path}"),
        authority: authority_with_port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(input: &str) -> String {
        parse_server_url(input).unwrap().ws
    }

    #[test]
    fn derives_the_signaling_url() {
        assert_eq!(ws("http://127.0.0.1:8080"), "ws://127.0.0.1:8080/rtc/v1");
        assert_eq!(ws("http://127.0.0.1:8080/"), "ws://127.0.0.1:8080/rtc/v1");
        assert_eq!(ws("ws://localhost:9/rtc/v1"), "ws://localhost:9/rtc/v1");
        assert_eq!(ws("HTTP://Host:1/rtc/v1/"), "ws://Host:1/rtc/v1");
        assert_eq!(ws("localhost:3000"), "ws://localhost:3000/rtc/v1");
        assert_eq!(ws("http://h:1/convene"), "ws://h:1/convene/rtc/v1");
        assert_eq!(ws("http://h:1/?x=1#y"), "ws://h:1/rtc/v1");
        assert_eq!(ws("http://[::1]:7000"), "ws://[::1]:7000/rtc/v1");
    }

    #[test]
    fn authority_defaults_to_port_80() {
        assert_eq!(
            parse_server_url("http://example").unwrap().authority,
            "example:80"
        );
        assert_eq!(
            parse_server_url("http://[::1]").unwrap().authority,
            "[::1]:80"
        );
        assert_eq!(
            parse_server_url("ws://a:5/rtc/v1").unwrap().authority,
            "a:5"
        );
    }

    #[test]
    fn refuses_what_it_cannot_connect_to() {
        for bad in [
            "https://h:1",
            "wss://h:1",
            "ftp://h",
            "",
            "http://",
            "http://h:x",
            "http://u@h:1",
        ] {
            assert!(
                matches!(parse_server_url(bad), Err(ClientError::InvalidUrl(_))),
                "{bad}"
            );
        }
    }
}
