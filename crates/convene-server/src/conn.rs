//! One signaling WebSocket: decode, check, route to the session's task; write what it sends.
//!
//! A connection is in at most one session. Until a join or resume succeeds it belongs to none,
//! and its other requests are answered here by an empty session core (the same answers a
//! session would give: "join first"). A join is routed by `(app, topic)`, a resume by session
//! id; from then on every request goes to that session's task.

use crate::edge::{feed_text, Admission, Due, FrameBudget, Keepalive, WebSocket};
use crate::handle::{Attach, ConnRx, ConnTx, SessionHandle, SessionKey, SessionMsg, ToConn};
use crate::router::Routed;
use crate::state::AppState;
use convene_protocol::{
    ClientMsg, ConnectionState, ErrorBody, ErrorCode, Event, Reply, Request, ServerMsg,
};
use convene_session::{validate_join_params, ConnId, Core, Input, JoinToken, Output};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// Most frames written with one flush.
const WRITE_BATCH: usize = 64;

/// How long a dropped slow connection may take to send its close frame.
const KICK_CLOSE_WAIT: Duration = Duration::from_secs(1);

/// The `connection-change` reason every user hears when the server stops. The state is
/// `Closed`, not `Reconnecting`: sessions live in this process, so no resume can succeed
/// after it, and a client told `Closed` stops at once instead of retrying for the failover
/// window against a server that is gone.
pub(crate) const SHUTDOWN_REASON: &str = "server shutting down";

/// How often a join is routed again when the session it reached ended meanwhile.
const MAX_REROUTES: u32 = 8;

/// How long the goodbye of a shutdown (event and close frame) may take to write.
const GOODBYE_WAIT: Duration = Duration::from_secs(1);

/// Runs one connection until either side closes it, the client stays silent past the
/// dead-peer timeout, or it stays out of any session past the join timeout.
pub(crate) async fn run(
    socket: WebSocket,
    state: Arc<AppState>,
    peer: SocketAddr,
    admission: Option<Admission>,
) {
    state.metrics.connections.inc();
    let (sink, mut stream) = socket.split();
    let (tx, mut from_session, kicked) = ConnTx::new();
    let mut conn = Conn {
        id: state.next_conn(),
        state: state.clone(),
        peer,
        _admission: admission,
        sink,
        tx,
        bound: None,
        lobby: None,
        nodes: state.router.nodes(),
    };
    let mut budget = FrameBudget::new(
        state.config.max_messages_per_sec,
        state.config.max_bytes_per_sec,
    );
    let mut keepalive = Keepalive::new(Instant::now(), &state.config.edge);
    let mut shutdown = state.shutdown.subscribe();
    loop {
        keepalive.set_bound(conn.bound.is_some(), Instant::now());
        let (wake_at, due) = keepalive.deadline();
        tokio::select! {
            _ = tokio::time::sleep_until(wake_at.into()) => match due {
                Due::Ping => {
                    // A client that does not read cannot take the ping either: that is death.
                    let sent = tokio::select! {
                        r = conn.sink.send(Message::Ping(Default::default())) => r.is_ok(),
                        _ = tokio::time::sleep_until(keepalive.dead_at().into()) => false,
                        _ = kicked.notified() => false
                    };
                    if !sent { break; }
                    keepalive.pinged(Instant::now());
                }
                // No leave is sent: the session sees a lost socket and fails the user over.
                Due::Dead => {
                    tracing::debug!("connection {:?} from {} silent too long; dropping it", conn.id, conn.peer);
                    break;
                }
                Due::NotJoined => {
                    let close = conn.sink.send(Message::Close(Some(CloseFrame { code: 1008.into(), reason: "join timeout: no session joined".into() })));
                    let _ = tokio::time::timeout(GOODBYE_WAIT, close).await;
                    break;
                }
            },
            _ = kicked.notified() => {
                // The session dropped us for falling behind; it already counts us as gone.
                let close = conn.sink.send(Message::Close(Some(CloseFrame { code: 1013.into(), reason: "too slow: outgoing queue full".into() })));
                let _ = tokio::time::timeout(KICK_CLOSE_WAIT, close).await;
                break;
            }
            _ = shutdown.changed() => {
                conn.goodbye().await;
                break;
            }
            // A node came or went while this client is in a session: it fails over by this list.
            () = nodes_changed(&mut conn.nodes), if conn.bound.is_some() => {
                if conn.tell_nodes().await.is_err() { break; }
            }
            out = from_session.recv() => match out {
                Some(ToConn::Text(t)) => {
                    // A client that stops reading blocks this write; being dropped for it
                    // must still end the connection.
                    let sent = tokio::select! {
                        r = conn.write_queued(t, &mut from_session) => r.is_ok(),
                        _ = kicked.notified() => false
                    };
                    if !sent { break; }
                }
                Some(ToConn::Unbound) => conn.bound = None,
                Some(ToConn::Reroute(id, attach)) => {
                    if conn.attach(id, attach, Instant::now()).await.is_err() { break; }
                }
                // `tx` lives in `conn`, so the queue never ends on its own.
                Some(ToConn::Close) | None => {
                        // Session tasks stop with the server too: say why the session ended.
                    if *shutdown.borrow() {
                        conn.goodbye().await;
                    } else {
                        let _ = conn.sink.send(Message::Close(Some(CloseFrame { code: 1000.into(), reason: "session over".into() }))).await;
                    }
                    break;
                }
            },
            frame = stream.next() => {
                let Some(Ok(frame)) = frame else { break };
                let now = Instant::now();
                keepalive.heard(now);
                // Every kind of frame counts: a flood of pings or binary frames is a flood.
                if !budget.allow(now, frame_len(&frame)) {
                    let _ = conn.sink.send(Message::Close(Some(CloseFrame { code: 1008.into(), reason: "rate limit: too many messages".into() }))).await;
                    break;
                }
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
                if conn.on_text(&text).await.is_err() { break; }
            }
        }
    }
    state.metrics.connections.dec();
    // Also after the session closed us: the core then forgets the connection, and a join that
    // was already on its way (ignored by the core) leaves nothing behind in the session task.
    if let Some(session) = conn.bound.take() {
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
    /// The client's address as the TCP connection shows it.
    peer: SocketAddr,
    /// Its place under the connection caps, freed when the connection ends.
    _admission: Option<Admission>,
    sink: SplitSink<WebSocket, Message>,
    /// This connection's queue, handed to the session it joins.
    tx: ConnTx,
    /// The session this connection is in (or is joining).
    bound: Option<SessionHandle>,
    /// Answers requests made outside any session; made on first use.
    lobby: Option<Core>,
    /// On a cluster, its live nodes as they change.
    nodes: Option<watch::Receiver<Vec<String>>>,
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
        if let Attach::Join { token, params } = &attach {
            let key = SessionKey::new(&token.app_key, &params.topic);
            if let Err(wait) = self.state.throttle.check(received, self.peer.ip(), &key) {
                let why = format!(
                    "too many wrong passcodes from this address; retry in {} s",
                    wait.as_secs().max(1)
                );
                let e = ErrorBody::new(ErrorCode::IncorrectPasscode, why);
                return self.write(reply_text(Reply::err(id, e))).await;
            }
        }
        self.tell_nodes().await?;
        for _ in 0..MAX_REROUTES {
            let routed = match &attach {
                Attach::Join { token, params } => self
                    .state
                    .router
                    .route(SessionKey::new(&token.app_key, &params.topic))
                    .await
                    .map(Some),
                // A subsession lives in its main session's task.
                Attach::Resume(r) => self.state.router.locate(&r.session_id.main()).await,
            };
            let session = match routed {
                Ok(Some(Routed::Here(h))) => h,
                Ok(Some(Routed::Elsewhere(url))) => {
                    return self
                        .write(reply_text(Reply::err(id, ErrorBody::redirect(url))))
                        .await;
                }
                Ok(None) => break,
                Err(e) => return self.write(reply_text(Reply::err(id, e))).await,
            };
            let msg = SessionMsg::Attach {
                conn: self.id,
                tx: self.tx.clone(),
                from: self.peer.ip(),
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

    /// On a cluster, tells the client the live nodes' URLs before its join or resume is
    /// answered, so that it can reconnect through another node if this one dies.
    async fn tell_nodes(&mut self) -> Result<(), Gone> {
        let Some(nodes) = &mut self.nodes else {
            return Ok(());
        };
        let urls = nodes.borrow_and_update().clone();
        let ev = ServerMsg::Event(Event::ClusterNodes { urls });
        match serde_json::to_string(&ev) {
            Ok(t) => self.write(t.into()).await,
            Err(_) => Ok(()),
        }
    }

    /// Answers a request made outside any session, as an empty session core does.
    async fn answer_unbound(&mut self, id: u64, msg: ClientMsg) -> Result<(), Gone> {
        let now = Instant::now();
        let lobby = self
            .lobby
            .get_or_insert_with(|| Core::new(self.state.config.session.clone(), now, 0, [0; 32]));
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

    /// The server is shutting down: a user in a session hears that it is over and why,
    /// then the socket closes. Bounded, so a client that does not read cannot hold it up.
    async fn goodbye(&mut self) {
        let moved = self
            .state
            .handed_over
            .load(std::sync::atomic::Ordering::Relaxed);
        let bye = async {
            if self.bound.is_some() && !moved {
                let ev = ServerMsg::Event(Event::ConnectionChange {
                    state: ConnectionState::Closed,
                    reason: Some(SHUTDOWN_REASON.to_owned()),
                    subsession_name: None,
                });
                if let Ok(t) = serde_json::to_string(&ev) {
                    self.sink.send(Message::Text(t.into())).await?;
                }
            }
            let close = if moved {
                // "Service restart": the client reconnects, through another node.
                CloseFrame {
                    code: 1012.into(),
                    reason: "node draining: the session moves to another node".into(),
                }
            } else {
                CloseFrame {
                    code: 1001.into(),
                    reason: SHUTDOWN_REASON.into(),
                }
            };
            self.sink.send(Message::Close(Some(close))).await
        };
        let _ = tokio::time::timeout(GOODBYE_WAIT, bye).await;
    }

    /// Writes `first` and the text queued behind it (up to [`WRITE_BATCH`] frames) with one
    /// flush: under a burst of events the socket sees one write, not one per frame.
    async fn write_queued(&mut self, first: Utf8Bytes, rx: &mut ConnRx) -> Result<(), Gone> {
        feed_text(&mut self.sink, first).await.map_err(|_| Gone)?;
        for _ in 1..WRITE_BATCH {
            let Some(t) = rx.text_now() else { break };
            feed_text(&mut self.sink, t).await.map_err(|_| Gone)?;
        }
        self.sink.flush().await.map_err(|_| Gone)
    }

    async fn write(&mut self, text: Utf8Bytes) -> Result<(), Gone> {
        feed_text(&mut self.sink, text).await.map_err(|_| Gone)?;
        self.sink.flush().await.map_err(|_| Gone)
    }
}

/// The next change of a cluster's nodes; never, on one node or once the router is gone.
async fn nodes_changed(nodes: &mut Option<watch::Receiver<Vec<String>>>) {
    if let Some(rx) = nodes {
        if rx.changed().await.is_ok() {
            return;
        }
        *nodes = None;
    }
    std::future::pending().await
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

/// The size of a frame as it counts against the budget.
fn frame_len(frame: &Message) -> usize {
    match frame {
        Message::Text(t) => t.len(),
        Message::Binary(b) | Message::Ping(b) | Message::Pong(b) => b.len(),
        Message::Close(_) => 0,
        // Reading yields whole messages, never raw frames.
        Message::Frame(f) => f.len(),
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
}
