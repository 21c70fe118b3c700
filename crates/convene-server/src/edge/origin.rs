//! Who may use what over HTTP: which browser origins may read the client config (CORS), and
//! whether a request really comes straight from this machine (the dev endpoints).

use axum::http::{header, HeaderMap, HeaderValue};
use std::net::{IpAddr, SocketAddr};

/// The `Access-Control-Allow-Origin` value for a request with these headers: `*` when any
/// origin is allowed, the request's own origin when it is listed, else none (the browser then
/// lets only the server's own origin read the answer).
pub(crate) fn cors_allow(allowed: &[String], headers: &HeaderMap) -> Option<HeaderValue> {
    if allowed.iter().any(|a| a == "*") {
        return Some(HeaderValue::from_static("*"));
    }
    let origin = headers.get(header::ORIGIN)?;
    let listed = allowed
        .iter()
        .any(|a| a.trim_end_matches('/').as_bytes() == origin.as_bytes());
    listed.then(|| origin.clone())
}

/// True for a request made directly from this machine to a loopback name: the TCP peer is
/// loopback, no proxy forwarded it, and the `Host` header names loopback (a page of another
/// site whose name was rebound to 127.0.0.1 still sends its own name: DNS rebinding).
pub(crate) fn is_direct_loopback(peer: SocketAddr, headers: &HeaderMap) -> bool {
    let forwarded = [
        "forwarded",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-real-ip",
    ]
    .iter()
    .any(|h| headers.contains_key(*h));
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(is_loopback_host);
    peer.ip().is_loopback() && !forwarded && host
}

/// `localhost`, `127.x.y.z` or `[::1]`, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_listed_origins_get_cors() {
        let from = headers(&[("origin", "https://app.example")]);
        assert_eq!(cors_allow(&[], &from), None);
        let listed = vec!["https://app.example/".to_owned()];
        assert_eq!(cors_allow(&listed, &from).unwrap(), "https://app.example");
        let evil = headers(&[("origin", "https://evil.example")]);
        assert_eq!(cors_allow(&listed, &evil), None);
        assert_eq!(cors_allow(&["*".to_owned()], &evil).unwrap(), "*");
    }

    #[test]
    fn loopback_means_peer_host_and_no_proxy() {
        let lo: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let far: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        for host in [
            "localhost:8080",
            "127.0.0.1",
            "127.0.0.1:8080",
            "[::1]:8080",
            "LOCALHOST",
        ] {
            let h = headers(&[("host", host)]);
            assert!(is_direct_loopback(lo, &h), "{host}");
            assert!(!is_direct_loopback(far, &h), "{host}");
        }
        assert!(!is_direct_loopback(
            lo,
            &headers(&[("host", "evil.example:8080")])
        ));
        assert!(!is_direct_loopback(lo, &headers(&[])));
        let proxied = headers(&[("host", "localhost"), ("x-forwarded-for", "203.0.113.9")]);
        assert!(!is_direct_loopback(lo, &proxied));
    }
}
