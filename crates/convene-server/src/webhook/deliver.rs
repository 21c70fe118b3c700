//! One event to one receiver: an HTTP/1.1 POST on a fresh connection, signed anew at each
//! attempt, retried with doubling backoff on errors, non-2xx answers and timeouts.

use super::sign::signature;
use axum::body::{Body, Bytes};
use axum::http::{header, Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A receiver: its URL and the secret its events are signed with.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) uri: Uri,
    pub(crate) secret: String,
}

/// How hard to try.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    /// Each attempt (connect, send, answer) gets at most this long.
    pub(crate) timeout: Duration,
    /// Attempts after the first.
    pub(crate) retries: u32,
    /// The wait before the first retry; it doubles for each next one.
    pub(crate) backoff: Duration,
}

/// What became of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Delivery {
    /// A 2xx answer came.
    pub(crate) delivered: bool,
    /// Attempts after the first.
    pub(crate) retries: u32,
}

/// Delivers `body` to `target`, trying `1 + policy.retries` times.
pub(crate) async fn deliver(target: &Target, body: &Bytes, policy: Policy) -> Delivery {
    let mut wait = policy.backoff;
    for attempt in 0..=policy.retries {
        if attempt > 0 {
            tokio::time::sleep(wait).await;
            wait = wait.saturating_mul(2);
        }
        let why = match tokio::time::timeout(policy.timeout, post(target, body.clone())).await {
            Ok(Ok(s)) if s.is_success() => {
                return Delivery {
                    delivered: true,
                    retries: attempt,
                }
            }
            Ok(Ok(s)) => format!("answered {s}"),
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer within {:?}", policy.timeout),
        };
        tracing::debug!("webhook to {} (attempt {}): {why}", target.uri, attempt + 1);
    }
    tracing::warn!(
        "webhook to {} failed after {} attempts",
        target.uri,
        policy.retries + 1
    );
    Delivery {
        delivered: false,
        retries: policy.retries,
    }
}

/// One POST: the answer's status (its body is not read).
async fn post(target: &Target, body: Bytes) -> std::io::Result<StatusCode> {
    let uri = &target.uri;
    let host = uri.host().unwrap_or("localhost");
    let port = uri.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host, port)).await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(std::io::Error::other)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let req = Request::post(uri.path_and_query().map_or("/", |p| p.as_str()))
        .header(header::HOST, uri.authority().map_or(host, |a| a.as_str()))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::USER_AGENT, "Convene-Webhook/1")
        .header("x-convene-request-timestamp", now.to_string())
        .header("x-convene-signature", signature(&target.secret, now, &body))
        .body(Body::from(body))
        .map_err(std::io::Error::other)?;
    // The connection is driven here, not in a task of its own, so a receiver that never
    // answers holds nothing once the caller's timeout drops this future.
    let send = sender.send_request(req);
    tokio::pin!(conn, send);
    let res = tokio::select! {
        r = &mut send => r,
        r = &mut conn => match r {
            // The connection may end in the same poll that read the answer (`Connection:
            // close`): the answer is then waiting in `send` (or it says why there is none).
            Ok(()) => send.await,
            Err(e) => Err(e),
        },
    };
    res.map(|r| r.status()).map_err(std::io::Error::other)
}
