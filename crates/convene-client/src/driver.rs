//! The driver task: the one owner of the socket, the pending requests and the session state.
//!
//! [`crate::Client`] handles only send [`Command`]s here and await a oneshot reply. The driver
//! turns socket input and its own timers (keep-alive, request deadlines, reconnect backoff) into
//! state changes and events, always in this order: change [`LocalState`], then deliver the
//! event, so that an app reading the list in reaction to an event sees the change.

use crate::event::Subscribers;
use crate::state::LocalState;
use crate::url::ServerUrl;
use crate::{ClientError, ClientEvent, SessionInfo};
use convene_protocol::{
    ClientMsg, ConnectionState, ErrorBody, ErrorCode, Event, JoinParams, JoinResult, Request,
    ServerMsg, FAILOVER_WINDOW_SECS,
};
use futures_util::{SinkExt, StreamExt};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
type ConnectFuture = Pin<Box<dyn Future<Output = Result<Ws, String>> + Send>>;
pub(crate) type Reply<T> = oneshot::Sender<Result<T, ClientError>>;

/// Keep-alive period (SPEC: the server drops silent sockets; a `ping` every 15 s keeps ours).
const PING_EVERY: Duration = Duration::from_secs(15);
/// A request without a reply after this long fails with [`ClientError::Timeout`].
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// A `ping` or `resume` without a reply after this long means the connection is dead.
const LIVENESS_TIMEOUT: Duration = Duration::from_secs(10);
/// Opening the WebSocket may take this long.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a `leave` waits for the server before the client leaves anyway.
const LEAVE_TIMEOUT: Duration = Duration::from_secs(3);
/// First reconnect delay; doubled after each failed try up to [`BACKOFF_MAX`].
const BACKOFF_START: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(2);
/// How often deadlines are checked.
const TICK: Duration = Duration::from_millis(250);

/// What the shared handle and the driver both see. Only the driver writes.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    state: RwLock<LocalState>,
    pub(crate) subscribers: Subscribers,
    /// The media peer and its receive-slot map.
    pub(crate) media: std::sync::Arc<crate::media::MediaShared>,
}

impl Shared {
    /// Reads the local state. The lock is never held across an `.await`.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&LocalState) -> R) -> R {
        // A poisoned lock still holds a consistent LocalState: every write is one call.
        f(&self.state.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn write<R>(&self, f: impl FnOnce(&mut LocalState) -> R) -> R {
        f(&mut self.state.write().unwrap_or_else(|e| e.into_inner()))
    }

    fn emit(&self, event: Event) {
        self.subscribers.emit(ClientEvent::Session(event));
    }
}

/// A call from a [`crate::Client`] handle.
pub(crate) enum Command {
    Init {
        url: ServerUrl,
        reply: Reply<()>,
    },
    Join {
        params: JoinParams,
        reply: Reply<SessionInfo>,
    },
    Request {
        msg: ClientMsg,
        reply: Reply<serde_json::Value>,
    },
    Leave {
        end: bool,
        reply: Reply<()>,
    },
    Destroy {
        reply: Reply<()>,
    },
    DropConnection {
        reply: Reply<()>,
    },
    Kill {
        reply: Reply<()>,
    },
}

/// Where the client is in its lifecycle.
enum Phase {
    /// Not in a session.
    Idle,
    /// Opening the socket for a join.
    Connecting {
        params: JoinParams,
        reply: Reply<SessionInfo>,
    },
    /// `join` sent; its reply is pending.
    Joining,
    /// In the session. `leaving` while a `leave` is pending: a drop then means "left".
    Joined { leaving: bool },
    /// Failover: the socket dropped without a leave; trying to `resume`.
    Reconnecting {
        /// When the drop was noticed; we give up [`FAILOVER_WINDOW_SECS`] later.
        since: Instant,
        /// Delay before the next try.
        delay: Duration,
        /// `None` while a try (connect, then `resume`) is under way.
        next_try: Option<Instant>,
        /// The server's reason when it refused the last `resume`, for the final `Fail`.
        last_error: Option<String>,
    },
}

enum PendingKind {
    Join(Reply<SessionInfo>),
    Resume,
    Leave(Reply<()>),
    Call(Reply<serde_json::Value>),
    Ping,
}

impl PendingKind {
    /// Tells the caller waiting on this request (if any) that it failed.
    fn fail(self, err: ClientError) {
        match self {
            PendingKind::Join(r) => {
                let _ = r.send(Err(err));
            }
            PendingKind::Leave(r) => {
                let _ = r.send(Err(err));
            }
            PendingKind::Call(r) => {
                let _ = r.send(Err(err));
            }
            PendingKind::Resume | PendingKind::Ping => {}
        }
    }
}

struct Pending {
    kind: PendingKind,
    deadline: Instant,
}

enum Flow {
    Continue,
    Stop,
}

pub(crate) struct Driver {
    shared: Arc<Shared>,
    cmds: mpsc::UnboundedReceiver<Command>,
    /// Set by `init`.
    url: Option<ServerUrl>,
    /// The URL of the current session, for reconnecting (a later `init` does not move us).
    session_url: Option<String>,
    ws: Option<Ws>,
    connecting: Option<ConnectFuture>,
    phase: Phase,
    next_id: u64,
    pending: HashMap<u64, Pending>,
    /// Events that arrived before the `join`/`resume` reply; applied after its snapshot.
    early_events: Vec<Event>,
    next_ping: Instant,
}

impl Driver {
    pub(crate) fn new(shared: Arc<Shared>, cmds: mpsc::UnboundedReceiver<Command>) -> Self {
        Driver {
            shared,
            cmds,
            url: None,
            session_url: None,
            ws: None,
            connecting: None,
            phase: Phase::Idle,
            next_id: 1,
            pending: HashMap::new(),
            early_events: Vec::new(),
            next_ping: Instant::now() + PING_EVERY,
        }
    }

    /// Runs until destroyed, killed, or every handle is dropped (then it leaves first).
    pub(crate) async fn run(mut self) {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let retry_at = match self.phase {
                Phase::Reconnecting {
                    next_try: Some(t), ..
                } => Some(t),
                _ => None,
            };
            let flow = tokio::select! {
                cmd = self.cmds.recv() => match cmd {
                    Some(cmd) => self.on_command(cmd).await,
                    None => {
                        // Every handle is gone: leave cleanly (STYLE rule 10).
                        self.leave_now().await;
                        Flow::Stop
                    }
                },
                msg = next_message(&mut self.ws) => {
                    self.on_socket(msg).await;
                    Flow::Continue
                }
                res = finish_connect(&mut self.connecting) => {
                    self.on_connected(res).await;
                    Flow::Continue
                }
                _ = sleep_until_opt(retry_at) => {
                    self.try_reconnect();
                    Flow::Continue
                }
                _ = tick.tick() => {
                    self.on_tick().await;
                    Flow::Continue
                }
            };
            if let Flow::Stop = flow {
                break;
            }
        }
        self.cancel_all(|| ClientError::Destroyed);
        self.shared.write(LocalState::clear);
        self.shared.subscribers.close();
    }

    // ---- commands ----------------------------------------------------------------------

    async fn on_command(&mut self, cmd: Command) -> Flow {
        match cmd {
            Command::Init { url, reply } => {
                self.url = Some(url);
                let _ = reply.send(Ok(()));
            }
            Command::Join { params, reply } => {
                let Some(url) = self.url.as_ref() else {
                    let _ = reply.send(Err(ClientError::NotInitialized));
                    return Flow::Continue;
                };
                if !matches!(self.phase, Phase::Idle) {
                    let _ = reply.send(Err(ClientError::AlreadyJoined));
                    return Flow::Continue;
                }
                let ws_url = url.ws.clone();
                self.session_url = Some(ws_url.clone());
                self.connecting = Some(connect(ws_url));
                self.phase = Phase::Connecting { params, reply };
            }
            Command::Request { msg, reply } => match self.phase {
                Phase::Joined { leaving: false } => {
                    self.send_request(msg, PendingKind::Call(reply), REQUEST_TIMEOUT)
                        .await;
                }
                Phase::Reconnecting { .. } => {
                    let _ = reply.send(Err(ClientError::Reconnecting));
                }
                _ => {
                    let _ = reply.send(Err(crate::client::not_joined_error(&msg)));
                }
            },
            Command::Leave { end, reply } => {
                match std::mem::replace(&mut self.phase, Phase::Idle) {
                    Phase::Joined { leaving: false } => {
                        self.phase = Phase::Joined { leaving: true };
                        self.send_request(
                            ClientMsg::Leave { end },
                            PendingKind::Leave(reply),
                            LEAVE_TIMEOUT,
                        )
                        .await;
                    }
                    Phase::Joined { leaving: true } => {
                        self.phase = Phase::Joined { leaving: true };
                        let _ = reply.send(Err(ClientError::NotJoined));
                    }
                    Phase::Idle => {
                        let _ = reply.send(Err(ClientError::NotJoined));
                    }
                    Phase::Connecting {
                        reply: join_reply, ..
                    } => {
                        let _ = join_reply.send(Err(ClientError::Cancelled));
                        self.end_session();
                        let _ = reply.send(Ok(()));
                    }
                    Phase::Joining | Phase::Reconnecting { .. } => {
                        // Abandon the join or the failover; the server forgets us on its own.
                        self.end_session();
                        let _ = reply.send(Ok(()));
                    }
                }
            }
            Command::Destroy { reply } => {
                self.leave_now().await;
                let _ = reply.send(Ok(()));
                return Flow::Stop;
            }
            Command::DropConnection { reply } => {
                if let Some(ws) = self.ws.take() {
                    abort_socket(ws);
                    self.on_lost("connection dropped (debug)".into());
                }
                let _ = reply.send(Ok(()));
            }
            Command::Kill { reply } => {
                if let Some(ws) = self.ws.take() {
                    abort_socket(ws);
                }
                self.connecting = None;
                let _ = reply.send(Ok(()));
                return Flow::Stop;
            }
        }
        Flow::Continue
    }

    /// Sends a request and remembers what to do with its reply. A failed send is a lost
    /// connection (which settles the pending entry just added).
    async fn send_request(&mut self, msg: ClientMsg, kind: PendingKind, timeout: Duration) {
        let id = self.next_id;
        self.next_id += 1;
        self.pending.insert(
            id,
            Pending {
                kind,
                deadline: Instant::now() + timeout,
            },
        );
        let text = match serde_json::to_string(&Request { id, msg }) {
            Ok(t) => t,
            Err(e) => {
                // Our own types always serialise; if not, fail this call only.
                self.fail_pending(id, ClientError::Protocol(e.to_string()));
                return;
            }
        };
        let Some(ws) = self.ws.as_mut() else {
            self.fail_pending(id, ClientError::NotJoined);
            return;
        };
        if let Err(e) = ws.send(Message::Text(text.into())).await {
            tracing::debug!(error = %e, "signaling send failed");
            self.ws = None;
            self.on_lost(e.to_string());
        }
    }

    /// Fails one pending request (outside reply handling).
    fn fail_pending(&mut self, id: u64, err: ClientError) {
        if let Some(p) = self.pending.remove(&id) {
            p.kind.fail(err);
        }
    }

    // ---- socket ------------------------------------------------------------------------

    async fn on_connected(&mut self, res: Result<Ws, String>) {
        match std::mem::replace(&mut self.phase, Phase::Idle) {
            Phase::Connecting { params, reply } => match res {
                Ok(ws) => {
                    self.ws = Some(ws);
                    self.phase = Phase::Joining;
                    self.early_events.clear();
                    self.send_request(
                        ClientMsg::Join(params),
                        PendingKind::Join(reply),
                        REQUEST_TIMEOUT,
                    )
                    .await;
                }
                Err(e) => {
                    let _ = reply.send(Err(ClientError::Transport(e)));
                    self.end_session();
                }
            },
            phase @ Phase::Reconnecting { .. } => {
                self.phase = phase;
                match res {
                    Ok(ws) => {
                        let Some(params) = self.shared.read(LocalState::resume_params) else {
                            self.give_up("no session to resume".into());
                            return;
                        };
                        self.ws = Some(ws);
                        self.early_events.clear();
                        self.send_request(
                            ClientMsg::Resume(params),
                            PendingKind::Resume,
                            LIVENESS_TIMEOUT,
                        )
                        .await;
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, "reconnect failed");
                        self.schedule_retry(None);
                    }
                }
            }
            other => {
                // Nobody waits for this socket any more (left meanwhile); drop it.
                self.phase = other;
            }
        }
    }

    async fn on_socket(
        &mut self,
        msg: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
    ) {
        let text = match msg {
            Some(Ok(Message::Text(t))) => t,
            Some(Ok(Message::Close(_))) | None => {
                self.ws = None;
                self.on_lost("connection closed".into());
                return;
            }
            Some(Err(e)) => {
                self.ws = None;
                self.on_lost(e.to_string());
                return;
            }
            // Pings are answered by tungstenite; nothing else is expected.
            Some(Ok(_)) => return,
        };
        match serde_json::from_str::<ServerMsg>(text.as_str()) {
            Ok(ServerMsg::Reply(r)) => self.on_reply(r).await,
            Ok(ServerMsg::Event(e)) => self.on_event(e),
            Err(e) => {
                // A message from a newer server, or a bug there: skip it, keep the session.
                tracing::warn!(error = %e, "unrecognised signaling message ignored");
            }
        }
    }

    async fn on_reply(&mut self, reply: convene_protocol::Reply) {
        let Some(pending) = self.pending.remove(&reply.id) else {
            return;
        };
        let result: Result<serde_json::Value, ErrorBody> = if reply.ok {
            Ok(reply.result.unwrap_or(serde_json::Value::Null))
        } else {
            Err(reply.error.unwrap_or_else(|| {
                ErrorBody::new(ErrorCode::InternalError, "failure without an error body")
            }))
        };
        match pending.kind {
            PendingKind::Call(r) => {
                let _ = r.send(result.map_err(ClientError::Server));
            }
            PendingKind::Ping => {}
            PendingKind::Join(r) => self.on_join_reply(r, result),
            PendingKind::Resume => self.on_resume_reply(result),
            PendingKind::Leave(r) => match result {
                Ok(_) => {
                    self.close_socket().await;
                    self.end_session();
                    let _ = r.send(Ok(()));
                }
                Err(e) => {
                    // e.g. `leave(true)` by a non-host: 5007, and we stay.
                    self.phase = Phase::Joined { leaving: false };
                    let _ = r.send(Err(ClientError::Server(e)));
                }
            },
        }
    }

    fn on_join_reply(
        &mut self,
        reply: Reply<SessionInfo>,
        result: Result<serde_json::Value, ErrorBody>,
    ) {
        let joined = result.map_err(ClientError::Server).and_then(|v| {
            serde_json::from_value::<JoinResult>(v)
                .map_err(|e| ClientError::Protocol(format!("join result: {e}")))
        });
        match joined {
            Ok(j) => {
                self.shared.write(|s| s.install(j));
                self.phase = Phase::Joined { leaving: false };
                self.next_ping = Instant::now() + PING_EVERY;
                let _ = reply.send(Ok(self.shared.read(LocalState::session_info)));
                self.shared.emit(Event::ConnectionChange {
                    state: ConnectionState::Connected,
                    reason: None,
                });
                self.flush_early_events();
            }
            Err(e) => {
                let _ = reply.send(Err(e));
                self.ws = None;
                self.end_session();
            }
        }
    }

    fn on_resume_reply(&mut self, result: Result<serde_json::Value, ErrorBody>) {
        match result {
            Ok(v) => match serde_json::from_value::<JoinResult>(v) {
                Ok(j) => {
                    let catch_up = self.shared.write(|s| s.resume(j));
                    self.phase = Phase::Joined { leaving: false };
                    self.next_ping = Instant::now() + PING_EVERY;
                    for e in catch_up {
                        self.shared.emit(e);
                    }
                    self.shared.emit(Event::ConnectionChange {
                        state: ConnectionState::Connected,
                        reason: None,
                    });
                    self.flush_early_events();
                }
                Err(e) => {
                    self.ws = None;
                    self.schedule_retry(Some(format!("resume result: {e}")));
                }
            },
            Err(body) => {
                // Transient server trouble is retried; any other refusal (session ended,
                // window over, removed) is final.
                let transient = body.code().is_some_and(ErrorCode::is_transient);
                self.ws = None;
                if transient {
                    self.schedule_retry(Some(body.reason));
                } else {
                    self.give_up(body.reason);
                }
            }
        }
    }

    fn on_event(&mut self, event: Event) {
        match self.phase {
            Phase::Joined { .. } => self.deliver(event),
            Phase::Joining | Phase::Reconnecting { .. } => self.early_events.push(event),
            Phase::Idle | Phase::Connecting { .. } => {}
        }
    }

    fn flush_early_events(&mut self) {
        for e in std::mem::take(&mut self.early_events) {
            if matches!(self.phase, Phase::Joined { .. }) {
                self.deliver(e);
            }
        }
    }

    /// Applies, then delivers. A `Closed`/`Fail` from the server ends our session.
    fn deliver(&mut self, event: Event) {
        if let Event::MediaSlot { mid, user_id, kind } = &event {
            self.shared
                .media
                .slots
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(mid.clone(), (*user_id, kind.clone()));
        }
        let terminal = matches!(
            event,
            Event::ConnectionChange {
                state: ConnectionState::Closed | ConnectionState::Fail,
                ..
            }
        );
        self.shared.write(|s| s.apply(&event));
        if terminal {
            // The server closes the socket; we do not wait for it.
            self.ws = None;
            self.end_session();
        }
        self.shared.emit(event);
    }

    /// The socket is gone (already taken out of `self.ws`).
    fn on_lost(&mut self, why: String) {
        match std::mem::replace(&mut self.phase, Phase::Idle) {
            Phase::Joining => {
                self.cancel_all(|| ClientError::Transport(why.clone()));
                self.end_session();
            }
            Phase::Joined { leaving: true } => {
                // The server closed right after our leave: that is the leave.
                let leaves: Vec<u64> = self
                    .pending
                    .iter()
                    .filter(|(_, p)| matches!(p.kind, PendingKind::Leave(_)))
                    .map(|(id, _)| *id)
                    .collect();
                for id in leaves {
                    if let Some(Pending {
                        kind: PendingKind::Leave(r),
                        ..
                    }) = self.pending.remove(&id)
                    {
                        let _ = r.send(Ok(()));
                    }
                }
                self.end_session();
            }
            Phase::Joined { leaving: false } => {
                tracing::info!(reason = %why, "signaling connection lost; failover");
                self.cancel_all(|| ClientError::Cancelled);
                self.shared.write(|s| s.set_connected(false));
                let now = Instant::now();
                self.phase = Phase::Reconnecting {
                    since: now,
                    delay: BACKOFF_START,
                    next_try: Some(now + BACKOFF_START),
                    last_error: None,
                };
                self.shared.emit(Event::ConnectionChange {
                    state: ConnectionState::Reconnecting,
                    reason: Some("failover".into()),
                });
            }
            phase @ Phase::Reconnecting { .. } => {
                self.phase = phase;
                self.pending.clear();
                self.schedule_retry(None);
            }
            phase => self.phase = phase,
        }
    }

    fn try_reconnect(&mut self) {
        let Phase::Reconnecting {
            since,
            next_try,
            last_error,
            ..
        } = &mut self.phase
        else {
            return;
        };
        if since.elapsed() >= Duration::from_secs(FAILOVER_WINDOW_SECS) {
            let why = last_error
                .take()
                .unwrap_or_else(|| "failover timeout".into());
            self.give_up(why);
            return;
        }
        *next_try = None;
        match &self.session_url {
            Some(url) => self.connecting = Some(connect(url.clone())),
            None => self.give_up("no session to resume".into()),
        }
    }

    fn schedule_retry(&mut self, error: Option<String>) {
        if let Phase::Reconnecting {
            delay,
            next_try,
            last_error,
            ..
        } = &mut self.phase
        {
            *next_try = Some(Instant::now() + *delay);
            *delay = (*delay * 2).min(BACKOFF_MAX);
            if error.is_some() {
                *last_error = error;
            }
        }
    }

    /// Failover is over without success.
    fn give_up(&mut self, reason: String) {
        tracing::info!(%reason, "failover failed");
        self.ws = None;
        self.end_session();
        self.shared.emit(Event::ConnectionChange {
            state: ConnectionState::Fail,
            reason: Some(reason),
        });
    }

    /// Back to idle: no socket, nothing pending, no session.
    fn end_session(&mut self) {
        self.cancel_all(|| ClientError::Cancelled);
        self.ws = None;
        self.connecting = None;
        self.early_events.clear();
        self.phase = Phase::Idle;
        self.shared.write(LocalState::clear);
    }

    fn cancel_all(&mut self, err: impl Fn() -> ClientError) {
        for (_, p) in self.pending.drain() {
            p.kind.fail(err());
        }
        if let Phase::Connecting { .. } = self.phase {
            if let Phase::Connecting { reply, .. } = std::mem::replace(&mut self.phase, Phase::Idle)
            {
                let _ = reply.send(Err(err()));
            }
        }
    }

    /// Sends `leave` (when in a session) and waits briefly for the reply, then closes. Used by
    /// `destroy` and when the last handle is dropped.
    async fn leave_now(&mut self) {
        if let Phase::Joined { .. } = self.phase {
            if let Some(ws) = self.ws.as_mut() {
                let id = self.next_id;
                self.next_id += 1;
                let req = Request {
                    id,
                    msg: ClientMsg::Leave { end: false },
                };
                if let Ok(text) = serde_json::to_string(&req) {
                    if ws.send(Message::Text(text.into())).await.is_ok() {
                        let wait = async {
                            while let Some(Ok(m)) = ws.next().await {
                                if let Message::Text(t) = m {
                                    if let Ok(ServerMsg::Reply(r)) =
                                        serde_json::from_str::<ServerMsg>(t.as_str())
                                    {
                                        if r.id == id {
                                            break;
                                        }
                                    }
                                }
                            }
                        };
                        let _ = tokio::time::timeout(LEAVE_TIMEOUT, wait).await;
                    }
                }
            }
            self.close_socket().await;
        }
        self.end_session();
    }

    async fn close_socket(&mut self) {
        if let Some(mut ws) = self.ws.take() {
            let _ = tokio::time::timeout(Duration::from_millis(500), ws.close(None)).await;
        }
    }

    // ---- timers ------------------------------------------------------------------------

    async fn on_tick(&mut self) {
        let now = Instant::now();
        let expired: Vec<u64> = self
            .pending
            .iter()
            .filter(|(_, p)| p.deadline <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            let Some(p) = self.pending.remove(&id) else {
                continue;
            };
            match p.kind {
                PendingKind::Call(r) => {
                    let _ = r.send(Err(ClientError::Timeout));
                }
                PendingKind::Join(r) => {
                    let _ = r.send(Err(ClientError::Timeout));
                    self.end_session();
                }
                PendingKind::Leave(r) => {
                    // The server did not answer: we leave anyway.
                    self.ws = None;
                    self.end_session();
                    let _ = r.send(Ok(()));
                }
                PendingKind::Ping | PendingKind::Resume => {
                    // A silent socket is a dead one.
                    if let Some(ws) = self.ws.take() {
                        abort_socket(ws);
                    }
                    self.on_lost("no reply from the server".into());
                }
            }
        }
        if matches!(self.phase, Phase::Joined { leaving: false }) && now >= self.next_ping {
            self.next_ping = now + PING_EVERY;
            self.send_request(ClientMsg::Ping, PendingKind::Ping, LIVENESS_TIMEOUT)
                .await;
        }
    }
}

/// Opens the signaling socket, with a deadline.
fn connect(url: String) -> ConnectFuture {
    Box::pin(async move {
        let open = tokio_tungstenite::connect_async_with_config(url.as_str(), None, true);
        match tokio::time::timeout(CONNECT_TIMEOUT, open).await {
            Ok(Ok((ws, _response))) => Ok(ws),
            Ok(Err(e)) => Err(format!("{url}: {e}")),
            Err(_) => Err(format!("{url}: connect timed out")),
        }
    })
}

/// Drops a socket the way a crash or a network loss would: no close frame, and a TCP reset
/// rather than an orderly FIN.
fn abort_socket(ws: Ws) {
    if let MaybeTlsStream::Plain(tcp) = ws.get_ref() {
        // A zero linger makes close() send RST at once; it never blocks.
        let _ = tcp.set_zero_linger();
    }
    drop(ws);
}

async fn next_message(
    ws: &mut Option<Ws>,
) -> Option<Result<Message, tokio_tungstenite::tungstenite::Error>> {
    match ws.as_mut() {
        Some(ws) => ws.next().await,
        None => std::future::pending().await,
    }
}

async fn finish_connect(connecting: &mut Option<ConnectFuture>) -> Result<Ws, String> {
    match connecting.as_mut() {
        Some(fut) => {
            let res = fut.await;
            *connecting = None;
            res
        }
        None => std::future::pending().await,
    }
}

async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
