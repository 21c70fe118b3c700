//! The accept loop: every TCP connection is counted against the caps, served by hyper with a
//! header read timeout (axum::serve has none, so a client trickling its headers held a
//! socket forever), and shut down within a bound whatever its client does.

use super::limits::{ConnLimits, ConnPermit, Refusal};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tower_service::Service;

/// After a failed `accept` (out of file descriptors), how long before the next: the error
/// repeats at once otherwise, and the loop would spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// How often shutdown looks whether every WebSocket has closed.
const DRAIN_POLL: Duration = Duration::from_millis(10);

/// A connection's place under the caps, carried by each of its requests so that a WebSocket
/// keeps it after the upgrade (when hyper's side of the connection is done).
#[derive(Debug, Clone)]
pub(crate) struct Admission {
    _permit: Arc<ConnPermit>,
}

/// Serves `app` on `listener` until `stop` resolves, then shuts down: stops accepting, tells
/// every WebSocket (they send their goodbye and close), lets HTTP requests in flight finish,
/// and after `shutdown_grace` drops whatever is left.
pub(crate) async fn serve(
    listener: TcpListener,
    app: axum::Router,
    state: Arc<AppState>,
    stop: impl std::future::Future<Output = ()>,
) {
    let edge = &state.config.edge;
    let max = edge
        .max_connections
        .unwrap_or_else(super::derived_max_connections);
    let limits = ConnLimits::new(max, edge.max_connections_per_ip);
    tracing::info!(
        "at most {max} connections{}",
        match edge.max_connections_per_ip {
            Some(n) => format!(", {n} per IP address"),
            None => String::new(),
        }
    );
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(edge.header_read_timeout);
    let mut conns = JoinSet::new();
    // Failed accepts in a row: logged at the first and when they end, not 20 times a second.
    let mut failing = 0u64;
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            // Reap finished connections so the set holds only live ones.
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            accepted = listener.accept() => {
                let (tcp, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        if failing == 0 {
                            tracing::warn!("accept failed, retrying every {ACCEPT_BACKOFF:?}: {e}");
                        }
                        failing += 1;
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                        continue;
                    }
                };
                if failing > 0 {
                    tracing::warn!("accept works again after {failing} failures");
                    failing = 0;
                }
                // Signaling is small frames written one after another (an event, then a
                // reply): with Nagle, the second waits for the client's delayed ACK (~40 ms).
                let _ = tcp.set_nodelay(true);
                let admitted = limits.acquire(peer.ip()).map(|p| Admission { _permit: Arc::new(p) });
                if let Err(r) = &admitted {
                    tracing::debug!("refused a connection from {peer}: {r:?}");
                }
                let service = service(app.clone(), peer, admitted);
                let conn = http
                    .serve_connection(TokioIo::new(tcp), service)
                    .with_upgrades();
                let mut stopping = state.shutdown.subscribe();
                conns.spawn(async move {
                    let mut conn = std::pin::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => return,
                        // Finish the request in flight, take no other.
                        _ = stopping.wait_for(|stop| *stop) => conn.as_mut().graceful_shutdown(),
                    }
                    let _ = conn.await;
                });
            }
        }
    }
    drop(listener);
    let deadline = tokio::time::Instant::now() + edge.shutdown_grace;
    // On a cluster, the sessions move to other nodes: their users fail over instead of
    // hearing that the session is over.
    if state.router.drain().await {
        state
            .handed_over
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }
    let _ = state.shutdown.send(true);
    let drained = async { while conns.join_next().await.is_some() {} };
    let _ = tokio::time::timeout_at(deadline, drained).await;
    // A request still half-sent at the deadline is dropped with its socket.
    conns.abort_all();
    // WebSockets left hyper at their upgrade; each holds its permit until its task ends.
    while limits.open() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(DRAIN_POLL).await;
    }
}

/// Each request of a connection: the app, told the peer's address and the connection's
/// admission; or, for a connection over a cap, a refusal.
fn service(
    app: axum::Router,
    peer: SocketAddr,
    admitted: Result<Admission, Refusal>,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = Response<Body>,
    Error = std::convert::Infallible,
    Future = impl Send,
> + Clone {
    hyper::service::service_fn(move |mut req: Request<Incoming>| {
        let mut app = app.clone();
        let admitted = admitted.clone();
        async move {
            match admitted {
                Ok(a) => {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    req.extensions_mut().insert(a);
                    app.call(req).await
                }
                Err(r) => Ok(refusal(r)),
            }
        }
    })
}

/// The answer to a connection over a cap; the connection closes after it.
fn refusal(r: Refusal) -> Response<Body> {
    let (status, text) = match r {
        Refusal::Full => (
            StatusCode::SERVICE_UNAVAILABLE,
            "server at its connection limit; retry later\n",
        ),
        Refusal::PerIp => (
            StatusCode::TOO_MANY_REQUESTS,
            "too many connections from this address\n",
        ),
    };
    let mut res = Response::new(Body::from(text));
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    res.headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
    res
}
