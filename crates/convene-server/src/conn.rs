//! One signaling WebSocket: decode, check, route to the session's task; write what it sends.
//!
//! A connection is in at most one session. Until a join or resume succeeds it belongs to none,
//! and its other requests are answered here by an empty session core (the same answers a
//! session would give: "join first"). A join is routed by `(app, topic)`, a resume by session
//! id; from then on every request goes to that session's task.

use crate::handle::{Attach, ConnTx, SessionHandle, SessionKey, SessionMsg, ToConn};
use crate::state::AppState;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use convene_protocol::{ClientMsg, ErrorBody, ErrorCode, Reply, Request, ServerMsg};
use convene_session::{validate_join_params, ConnId, Core, Input, JoinToken, Output};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc;

/// How often a join is routed again when the session it reached ended meanwhile.
const MAX_REROUTES: u32 = 8;

/// Runs one connection until either side closes it.
pub(crate) async fn run(socket: WebSocket, state: Arc<AppState>) {
    state.metrics.connections.inc();
    let (sink, mut stream) = socket.split();
    let (tx, mut from_session, kicked) = ConnTx::new();
    let mut conn = Conn {
        id: state.next_conn(),
        state: state.clone(),
        sink,
        tx,
        bound: None,
        lobby: None,
    };
    let mut limiter = RateLimiter::new(state.config.max_messages_per_sec);
    let mut closed_by_session = false;
    let mut shutdown = state.shutdown.subscribe();
    loop {
        tokio::select! {
            _ = kicked.notified() => {
                // The session dropped us for falling behind; it already counts us as gone.
                closed_by_session = true;
                let _ = conn.sink.send(Message::Close(Some(CloseFrame { code: 1013, reason: "too slow: outgoing queue full".into() }))).await;
                break;
            }
            _ = shutdown.changed() => {
                closed_by_session = true;
                let _ = conn.sink.send(Message::Close(Some(CloseFrame { code: 1001, reason: "server shutting down".into() }))).await;
                break;
            }
            out = from_session.recv() => match out {
                Some(ToConn::Text(t)) => {
                    if conn.sink.send(Message::Text(t)).await.is_err() { break; }
                }
                Some(ToConn::Unbound) => conn.bound = None,
                Some(ToConn::Reroute(id, attach)) => {
                    if conn.attach(id, attach, Instant::now()).await.is_err() { break; }
                }
                // `tx` lives in `conn`, so the queue never ends on its own.
                Some(ToConn::Close) | None => {
                    closed_by_session = true;
                    let _ = conn.sink.send(Message::Close(Some(CloseFrame { code: 1000, reason: "session over".into() }))).await;
                    break;
                }
            },
            frame = stream.next() => {
                let Some(Ok(frame)) = frame else { break };
                let text = match frame {
                    Message::Text(t) => t,
                    Message::Binary(_) => {
                        let reply = bad(0, ErrorCode::InvalidParameter, "binary frames are not supported; send JSON text");
                        if conn.sink.send(Message::Text(reply)).await.is_err() { break; }
                        continue;
                    }
                    Message::Close(_) => break,
                    _ => continue,
                };
                state.metrics.messages_in.inc();
                if !limiter.allow(Instant::now()) {
                    let _ = conn.sink.send(Message::Close(Some(CloseFrame { code: 1008, reason: "rate limit: too many messages".into() }))).await;
                    break;
                }
                if conn.on_text(&text).await.is_err() { break; }
            }
        }
    }
    state.metrics.connections.dec();
    if let (Some(session), false) = (conn.bound.take(), closed_by_session) {
        let _ = session
            .tx
            .send(SessionMsg::Input(Input::Disconnected { conn: conn.id }))
            .await;
    }
}

/// The socket is gone.
struct Gone;

struct Conn {
    id: ConnId,
    state: Arc<AppState>,
    sink: SplitSink<WebSocket, Message>,
    /// This connection's queue, handed to the session it joins.
    tx: ConnTx,
    /// The session this connection is in (or is joining).
    bound: Option<SessionHandle>,
    /// Answers requests made outside any session; made on first use.
    lobby: Option<Core>,
}

impl Conn {
    async fn on_text(&mut self, text: &str) -> Result<(), Gone> {
        let received = Instant::now();
        let req = match decode(text) {
            Ok(r) => r,
            Err(reply) => {
                self.state.metrics.malformed.inc();
                return self.write(reply).await;
            }
        };
        let Request { id, msg } = req;
        // In a session, everything goes there (a second join gets its 5012 from the session).
        if let Some(session) = &self.bound {
            let input = match msg {
                ClientMsg::Join(params) => match check_join(&self.state, &params) {
                    Ok(token) => Input::Join {
                        conn: self.id,
                        id,
                        params,
                        token,
                    },
                    Err(e) => return self.write(reply_text(Reply::err(id, e))).await,
                },
                msg => Input::Request {
                    conn: self.id,
                    id,
                    msg,
                },
            };
            let unsent = match session.tx.send(SessionMsg::Input(input)).await {
                Ok(()) => return Ok(()),
                Err(mpsc::error::SendError(SessionMsg::Input(input))) => input,
                Err(_) => return Ok(()),
            };
            // The session ended under us: this connection is in none now.
            self.bound = None;
            return match unsent {
                Input::Join { params, token, .. } => {
                    self.attach(id, Attach::Join { params, token }, received)
                        .await
                }
                Input::Request { msg, .. } => self.answer_unbound(id, msg).await,
                _ => Ok(()),
            };
        }
        match msg {
            ClientMsg::Join(params) => match check_join(&self.state, &params) {
                Ok(token) => {
                    self.attach(id, Attach::Join { params, token }, received)
                        .await
                }
                Err(e) => self.write(reply_text(Reply::err(id, e))).await,
            },
            ClientMsg::Resume(r) => self.attach(id, Attach::Resume(r), received).await,
            msg => self.answer_unbound(id, msg).await,
        }
    }

    /// Takes a join or resume to its session: by topic, or by id.
    async fn attach(&mut self, id: u64, mut attach: Attach, received: Instant) -> Result<(), Gone> {
        for _ in 0..MAX_REROUTES {
            let session = match &attach {
                Attach::Join { token, params } => Some(
                    self.state
                        .router
                        .route(SessionKey::new(&token.app_key, &params.topic))
                        .await,
                ),
                Attach::Resume(r) => self.state.router.find(&r.session_id).await,
            };
            let Some(session) = session else { break };
            let msg = SessionMsg::Attach {
                conn: self.id,
                tx: self.tx.clone(),
                id,
                attach,
                received,
            };
            attach = match session.tx.send(msg).await {
                Ok(()) => {
                    self.bound = Some(session);
                    return Ok(());
                }
                // It ended between routing and sending: route again.
                Err(mpsc::error::SendError(SessionMsg::Attach { attach, .. })) => attach,
                Err(_) => unreachable!("send gives back what it was given"),
            };
        }
        let msg = match attach {
            Attach::Join { .. } => {
                let e = ErrorBody::new(
                    ErrorCode::InternalError,
                    "could not reach the session; retry",
                );
                return self.write(reply_text(Reply::err(id, e))).await;
            }
            Attach::Resume(r) => ClientMsg::Resume(r),
        };
        self.answer_unbound(id, msg).await
    }

    /// Answers a request made outside any session, as an empty session core does.
    async fn answer_unbound(&mut self, id: u64, msg: ClientMsg) -> Result<(), Gone> {
        let now = Instant::now();
        let lobby = self
            .lobby
            .get_or_insert_with(|| Core::new(self.state.config.session.clone(), now, 0, 0));
        lobby.handle(
            now,
            Input::Request {
                conn: self.id,
                id,
                msg,
            },
        );
        let mut texts = Vec::new();
        while let Some(out) = lobby.poll_output() {
            if let Output::Send { msg, .. } = out {
                if let Ok(t) = serde_json::to_string(&msg) {
                    texts.push(t);
                }
            }
        }
        for t in texts {
            self.write(t.into()).await?;
        }
        Ok(())
    }

    async fn write(&mut self, text: Utf8Bytes) -> Result<(), Gone> {
        self.sink.send(Message::Text(text)).await.map_err(|_| Gone)
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
