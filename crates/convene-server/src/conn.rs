//! One signaling WebSocket: decode, check, forward to the hub; write what the hub sends.

use crate::http::AppState;
use crate::hub::ToConn;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use convene_protocol::{ClientMsg, ErrorBody, ErrorCode, Reply, Request, ServerMsg};
use convene_session::{validate_join_params, Input, JoinToken};
use futures_util::{SinkExt, StreamExt};
use std::hash::{Hash, Hasher};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Runs one connection until either side closes it.
pub(crate) async fn run(socket: WebSocket, state: Arc<AppState>) {
    let hub = &state.hub;
    let (conn, mut from_hub) = hub.open();
    hub.stats.connections.fetch_add(1, Ordering::Relaxed);
    let (mut sink, mut stream) = socket.split();
    let mut limiter = RateLimiter::new(state.config.max_messages_per_sec);
    let mut closed_by_hub = false;
    loop {
        tokio::select! {
            out = from_hub.recv() => match out {
                Some(ToConn::Text(t)) => {
                    if sink.send(Message::Text(t)).await.is_err() { break; }
                }
                Some(ToConn::Close) | None => {
                    closed_by_hub = true;
                    let _ = sink.send(Message::Close(Some(CloseFrame { code: 1000, reason: "session over".into() }))).await;
                    break;
                }
            },
            frame = stream.next() => {
                let Some(Ok(frame)) = frame else { break };
                let text = match frame {
                    Message::Text(t) => t,
                    Message::Binary(_) => {
                        let reply = bad(0, ErrorCode::InvalidParameter, "binary frames are not supported; send JSON text");
                        if sink.send(Message::Text(reply)).await.is_err() { break; }
                        continue;
                    }
                    Message::Close(_) => break,
                    _ => continue,
                };
                hub.stats.messages_in.fetch_add(1, Ordering::Relaxed);
                if !limiter.allow(Instant::now()) {
                    let _ = sink.send(Message::Close(Some(CloseFrame { code: 1008, reason: "rate limit: too many messages".into() }))).await;
                    break;
                }
                match decode(&text) {
                    Ok(Request { id, msg: ClientMsg::Join(params) }) => {
                        match check_join(&state, &params) {
                            Ok(token) => hub.input(Input::Join { conn, id, params, token }),
                            Err(e) => {
                                let r = reply_text(Reply::err(id, e));
                                if sink.send(Message::Text(r)).await.is_err() { break; }
                            }
                        }
                    }
                    Ok(Request { id, msg }) => hub.input(Input::Request { conn, id, msg }),
                    Err(reply) => {
                        hub.stats.malformed.fetch_add(1, Ordering::Relaxed);
                        if sink.send(Message::Text(reply)).await.is_err() { break; }
                    }
                }
            }
        }
    }
    hub.stats.connections.fetch_sub(1, Ordering::Relaxed);
    if !closed_by_hub {
        hub.input(Input::Disconnected { conn });
    }
}

fn reply_text(r: Reply) -> Utf8Bytes {
    // unwrap is ok because a Reply always serialises.
    serde_json::to_string(&ServerMsg::Reply(r))
        .expect("reply serialises")
        .into()
}

fn bad(id: u64, code: ErrorCode, why: impl Into<String>) -> Utf8Bytes {
    reply_text(Reply::err(id, ErrorBody::new(code, why)))
}

/// Decodes a request; on failure, the error reply to send (with the id when readable).
fn decode(text: &str) -> Result<Request, Utf8Bytes> {
    match serde_json::from_str::<Request>(text) {
        Ok(r) => Ok(r),
        Err(e) => {
            let v: Option<serde_json::Value> = serde_json::from_str(text).ok();
            let id = v
                .as_ref()
                .and_then(|v| v.get("id"))
                .and_then(|i| i.as_u64())
                .unwrap_or(0);
            let method = v
                .as_ref()
                .and_then(|v| v.get("method"))
                .and_then(|m| m.as_str())
                .map(str::to_owned);
            // A join whose params are of the wrong shape is an invalid join parameter.
            let code = if method.as_deref() == Some("join") {
                ErrorCode::InvalidJoinParameter
            } else {
                ErrorCode::InvalidParameter
            };
            let why = match (v, method) {
                (None, _) => format!("malformed JSON: {e}"),
                (Some(_), None) => "missing \"method\"".to_owned(),
                (Some(_), Some(m)) => format!("bad request {m:?}: {e}"),
            };
            Err(bad(id, code, why))
        }
    }
}

/// Join checks that need no session state: parameters (5013) and the token (200 / 3010).
fn check_join(state: &AppState, p: &convene_protocol::JoinParams) -> Result<JoinToken, ErrorBody> {
    validate_join_params(p)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let claims =
        convene_auth::validate(&p.token, &p.topic, &state.config.apps, now).map_err(|e| {
            let code = if e.is_role_type_error() {
                ErrorCode::RoleTypeError
            } else {
                ErrorCode::SessionFetchInfoError
            };
            ErrorBody::new(code, format!("invalid token: {e}"))
        })?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    p.token.hash(&mut h);
    Ok(JoinToken {
        app_key: claims.app_key,
        role_host: claims.role == convene_auth::Role::Host,
        user_identity: claims.user_identity,
        session_key: claims.session_key,
        fingerprint: h.finish(),
    })
}

/// A fixed one-second window: more than `max` messages in it closes the connection.
struct RateLimiter {
    max: u32,
    start: Option<Instant>,
    n: u32,
}

impl RateLimiter {
    fn new(max: u32) -> Self {
        RateLimiter {
            max,
            start: None,
            n: 0,
        }
    }

    fn allow(&mut self, now: Instant) -> bool {
        match self.start {
            Some(s) if now.duration_since(s) < Duration::from_secs(1) => {
                self.n += 1;
                self.n <= self.max
            }
            _ => {
                self.start = Some(now);
                self.n = 1;
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_frames_get_typed_errors_with_their_id() {
        let e = |t: &str| -> serde_json::Value {
            serde_json::from_str(decode(t).unwrap_err().as_str()).unwrap()
        };
        let v = e("{not json");
        assert_eq!(v["id"], 0);
        assert_eq!(v["error"]["errorCode"], 4003);
        let v = e(r#"{"id":9,"method":"nope"}"#);
        assert_eq!(v["id"], 9);
        assert_eq!(v["error"]["errorCode"], 4003);
        let v = e(r#"{"id":3,"method":"join","params":{"topic":5}}"#);
        assert_eq!(v["error"]["errorCode"], 5013);
        assert_eq!(v["error"]["type"], "INVALID_PARAMETERS");
    }

    #[test]
    fn rate_limiter_window() {
        let mut r = RateLimiter::new(3);
        let t = Instant::now();
        assert!(r.allow(t) && r.allow(t) && r.allow(t));
        assert!(!r.allow(t));
        assert!(r.allow(t + Duration::from_secs(1)));
    }
}
