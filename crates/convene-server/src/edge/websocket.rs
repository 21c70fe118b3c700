//! The WebSocket handshake (RFC 6455 §4.2), done here rather than by axum so that a
//! connection holds tungstenite's stream itself, and the writing of long messages in
//! fragments.
//!
//! Why fragments: tungstenite keeps its write buffer at the size of the largest message it
//! ever wrote. A join reply in a 5,000-user session is about a megabyte, so every user of
//! such a session would keep a megabyte for its socket's life, and a reply over the
//! write-buffer cap could not be sent at all. Written as frames of [`FRAGMENT`] bytes, with
//! back-pressure between them, a socket never buffers much more than one frame; clients
//! reassemble fragments on their own (browsers and tungstenite both do), so nothing changes
//! for them.

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{Sink, SinkExt};
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use tokio_tungstenite::WebSocketStream;

/// An upgraded signaling connection.
pub(crate) type WebSocket = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

/// Text longer than this goes out in fragments of this size.
pub(crate) const FRAGMENT: usize = 16 * 1024;

/// A valid WebSocket upgrade request (HTTP/1.1 `GET`, `Connection: upgrade`,
/// `Upgrade: websocket`, version 13, a key). Anything else is answered 400 or 426.
pub(crate) struct Upgrade {
    key: HeaderValue,
    on_upgrade: OnUpgrade,
}

impl<S: Send + Sync> FromRequestParts<S> for Upgrade {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        let h = &parts.headers;
        let refuse = |why: &'static str| (StatusCode::BAD_REQUEST, why).into_response();
        if parts.method != Method::GET {
            return Err(refuse("a WebSocket upgrade is a GET"));
        }
        if !has_token(h, header::CONNECTION, "upgrade")
            || !has_token(h, header::UPGRADE, "websocket")
        {
            return Err(
                (StatusCode::UPGRADE_REQUIRED, "this is a WebSocket endpoint").into_response(),
            );
        }
        if !has_token(h, header::SEC_WEBSOCKET_VERSION, "13") {
            return Err(refuse("WebSocket version 13 only"));
        }
        let key = h
            .get(header::SEC_WEBSOCKET_KEY)
            .cloned()
            .ok_or_else(|| refuse("no Sec-WebSocket-Key"))?;
        let on_upgrade = parts
            .extensions
            .remove::<OnUpgrade>()
            .ok_or_else(|| refuse("this connection cannot be upgraded"))?;
        Ok(Upgrade { key, on_upgrade })
    }
}

impl Upgrade {
    /// Answers `101 Switching Protocols` and runs `serve` on the socket once upgraded.
    pub(crate) fn on_upgrade<F, Fut>(self, config: WebSocketConfig, serve: F) -> Response
    where
        F: FnOnce(WebSocket) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let on_upgrade = self.on_upgrade;
        tokio::spawn(async move {
            match on_upgrade.await {
                Ok(io) => {
                    let io = TokioIo::new(io);
                    serve(WebSocketStream::from_raw_socket(io, Role::Server, Some(config)).await)
                        .await
                }
                Err(e) => tracing::debug!("websocket upgrade failed: {e}"),
            }
        });
        let accept = derive_accept_key(self.key.as_bytes());
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let h = res.headers_mut();
        h.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        // unwrap is ok because the key is base64: always a valid header value.
        h.insert(
            header::SEC_WEBSOCKET_ACCEPT,
            accept.parse().expect("base64"),
        );
        res
    }
}

/// `name` lists `token` (comma-separated, any case).
fn has_token(h: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    h.get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// Queues `text` as one message: a single frame when short, else fragments of [`FRAGMENT`]
/// bytes, each waiting for room in the write buffer. The caller flushes.
pub(crate) async fn feed_text<S>(sink: &mut S, text: Utf8Bytes) -> Result<(), S::Error>
where
    S: Sink<Message> + Unpin,
{
    if text.len() <= FRAGMENT {
        return sink.feed(Message::Text(text)).await;
    }
    let bytes = tokio_tungstenite::tungstenite::Bytes::from(text);
    let mut at = 0;
    while at < bytes.len() {
        let end = (at + FRAGMENT).min(bytes.len());
        let op = if at == 0 {
            OpCode::Data(Data::Text)
        } else {
            OpCode::Data(Data::Continue)
        };
        let frame = Frame::message(bytes.slice(at..end), op, end == bytes.len());
        sink.feed(Message::Frame(frame)).await?;
        at = end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    /// A message far over the write-buffer cap reaches a reader whole: in fragments it never
    /// needs more buffer than one of them.
    #[tokio::test]
    async fn long_text_goes_out_in_fragments_and_arrives_whole() {
        let (a, b) = tokio::io::duplex(4 * 1024);
        let small = WebSocketConfig::default()
            .write_buffer_size(FRAGMENT)
            .max_write_buffer_size(4 * FRAGMENT);
        let mut server = WebSocketStream::from_raw_socket(a, Role::Server, Some(small)).await;
        let mut client = WebSocketStream::from_raw_socket(b, Role::Client, None).await;
        // Multi-byte characters, so that fragment ends fall inside some of them.
        let long: String = "é-ü-€ ".repeat(60_000);
        assert!(long.len() > 8 * 4 * FRAGMENT);
        let sent = long.clone();
        let writer = tokio::spawn(async move {
            // (No unwrap: the error would print the whole frame.)
            let written = feed_text(&mut server, Utf8Bytes::from(sent)).await;
            assert!(written.is_ok(), "the long text could not be written");
            feed_text(&mut server, Utf8Bytes::from("short"))
                .await
                .unwrap();
            server.flush().await.unwrap();
            server
        });
        let first = client.next().await.unwrap().unwrap();
        assert!(
            first == Message::Text(long.into()),
            "the long text arrived changed"
        );
        let second = client.next().await.unwrap().unwrap();
        assert_eq!(second, Message::Text("short".into()));
        writer.await.unwrap();
    }
}
