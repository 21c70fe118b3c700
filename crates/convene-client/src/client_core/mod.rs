//! [`ClientCore`]: the client as a sans-IO state machine.
//!
//! No socket, no clock, no tokio, no task: the core is a plain value that takes [`Input`]s
//! (app calls, what happened to the socket, the passing of time) and hands out [`Output`]s
//! (open a socket, send a frame, close it, deliver an event, finish a call). Time is always
//! passed in, so the tests drive it in virtual time, as str0m's `Rtc` and quinn-proto's
//! `Connection` are driven.
//!
//! The contract with whoever drives it (the async [`crate::driver`] in this crate):
//! 1. feed each input with [`ClientCore::handle_input`], together with the current time;
//! 2. then drain [`ClientCore::poll_output`] until it returns `None`, performing each output
//!    in order;
//! 3. then wait for the next input, but no later than [`ClientCore::poll_timeout`]; when that
//!    deadline passes, feed [`Input::Timeout`].
//!
//! Nothing polls: when nothing is due, `poll_timeout` is `None` and the driver just sleeps on
//! its channels and socket.
//!
//! The local copy of the session ([`LocalState`]) is updated *before* the event that changes
//! it is handed out, so an app reading the list in reaction to an event sees the change.

mod failover;
mod pending;
mod phase;
mod session;
mod subsession;
#[cfg(test)]
mod tests;

use crate::state::LocalState;
use crate::{ClientError, ClientEvent, SessionInfo};
use convene_protocol::{ClientMsg, ConnectionState, Event, JoinParams, Request, ServerMsg};
use pending::{Pending, Waiting};
use phase::{Link, Phase};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Keep-alive period (the server drops silent sockets; a `ping` every 15 s keeps ours).
const PING_EVERY: Duration = Duration::from_secs(15);
/// A request without a reply after this long fails with [`ClientError::Timeout`].
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// A `ping` or `resume` without a reply after this long means the connection is dead.
const LIVENESS_TIMEOUT: Duration = Duration::from_secs(10);
/// Opening the WebSocket may take this long.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a `leave` waits for the server before the client leaves anyway.
const LEAVE_TIMEOUT: Duration = Duration::from_secs(3);
/// Redirects to another node a `join` follows at most (a cluster sends at most one).
const MAX_REDIRECTS: u8 = 3;

/// Names one app call, chosen by the driver; its [`Output::Complete`] carries it back.
pub(crate) type CallId = u64;

/// What the app asked for. Each one is finished by exactly one [`Output::Complete`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Call {
    /// `init`: later joins go to this signaling URL (a session in progress keeps its own);
    /// `nodes` are a cluster's nodes given with it (the URL included), for failover.
    Init { ws_url: String, nodes: Vec<String> },
    /// `join`; the parameters were checked by the caller.
    Join(JoinParams),
    /// Any other method of the session (not `join`, `resume` or `leave`).
    Request(ClientMsg),
    /// `leave`, or `leave(true)` to end the session for everyone.
    Leave { end: bool },
    /// Leave (when in a session, waiting briefly for the server) and stop for good.
    Destroy,
    /// Stop at once, without leave and without reconnecting, like a crashed process.
    Kill,
    /// Drop the socket the way a network failure would; failover follows.
    DropConnection,
}

/// Something the core must know about.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Input {
    /// An app call.
    Call(CallId, Call),
    /// The socket asked for with [`Output::Connect`] is open.
    Opened,
    /// The socket asked for with [`Output::Connect`] could not be opened.
    ConnectFailed(String),
    /// A text frame arrived.
    Frame(String),
    /// The open socket closed or broke (also: a send on it failed).
    Closed(String),
    /// The deadline from [`ClientCore::poll_timeout`] has passed.
    Timeout,
}

/// How to let go of the socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CloseMode {
    /// Send a close frame (after a completed leave).
    Graceful,
    /// Just drop it; also cancels a connect still under way.
    Drop,
    /// Drop it the way a crash would: no close frame, a TCP reset.
    Reset,
}

/// What a finished call returns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    /// `join` succeeded.
    Joined(SessionInfo),
    /// The server's result of a [`Call::Request`].
    Value(serde_json::Value),
    /// Done, nothing to return.
    Done,
}

/// Something the driver must do.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Output {
    /// Open the signaling socket to this URL; report with [`Input::Opened`] or
    /// [`Input::ConnectFailed`].
    Connect(String),
    /// Send this text frame on the open socket.
    Send(String),
    /// Let go of the socket (or of the connect under way).
    Close(CloseMode),
    /// Deliver this event to the app; the local state already reflects it.
    Event(Event),
    /// Deliver this event that the client made (not a server event) to the app.
    Local(ClientEvent),
    /// Finish this app call.
    Complete(CallId, Result<Outcome, ClientError>),
    /// Our media peer is gone: a failover resumed on another node than the one lost (the
    /// session was taken over there, without its media), or we moved to another room of the
    /// session (`subsession-moved`; the server dropped the old room's peer). The media peer
    /// starts again and asks again for what `was` (this user before) had on.
    Moved(Option<convene_protocol::Participant>),
    /// The client is destroyed: the driver ends, and so do the event streams.
    Stopped,
}

/// The client's sans-IO core. See the module docs for how to drive it.
#[derive(Debug)]
pub(crate) struct ClientCore {
    /// The local copy of the session, read by the app's getters.
    state: LocalState,
    phase: Phase,
    link: Link,
    /// Set by `init`.
    server_url: Option<String>,
    /// The URL of the current session, for reconnecting (a later `init` does not move us).
    session_url: Option<String>,
    /// On a cluster: every node's signaling URL, to reconnect through when ours is lost.
    nodes: Vec<String>,
    /// The nodes given to `init`, where each join's list starts.
    init_nodes: Vec<String>,
    /// The URL of the socket last opened.
    link_url: Option<String>,
    /// The `join` on its way, kept to send again where a redirect points.
    join_params: Option<JoinParams>,
    /// Redirects followed by the current `join`.
    redirects: u8,
    pending: Pending,
    /// Events that arrived before the `join`/`resume` reply; applied after its snapshot.
    early_events: Vec<Event>,
    /// When the next keep-alive is due (while joined).
    next_ping: Option<Instant>,
    /// The subsessions' countdowns, ticked each second.
    countdowns: subsession::Countdowns,
    out: VecDeque<Output>,
}

impl Default for ClientCore {
    fn default() -> Self {
        ClientCore {
            state: LocalState::default(),
            phase: Phase::Idle,
            link: Link::Down,
            server_url: None,
            session_url: None,
            nodes: Vec::new(),
            init_nodes: Vec::new(),
            link_url: None,
            join_params: None,
            redirects: 0,
            pending: Pending::default(),
            early_events: Vec::new(),
            next_ping: None,
            countdowns: subsession::Countdowns::default(),
            out: VecDeque::new(),
        }
    }
}

impl ClientCore {
    /// The local copy of the session.
    pub(crate) fn state(&self) -> &LocalState {
        &self.state
    }

    /// The URL of the current session's node, while in a session.
    pub(crate) fn session_url(&self) -> Option<&str> {
        match self.phase {
            Phase::Idle | Phase::Stopped => None,
            _ => self.session_url.as_deref(),
        }
    }

    /// Feeds one input. Drain [`ClientCore::poll_output`] afterwards.
    pub(crate) fn handle_input(&mut self, now: Instant, input: Input) {
        if let Phase::Stopped = self.phase {
            if let Input::Call(call, _) = input {
                self.complete(call, Err(ClientError::Destroyed));
            }
            return;
        }
        match input {
            Input::Call(call, c) => self.on_call(now, call, c),
            Input::Opened => self.on_opened(now),
            Input::ConnectFailed(why) => {
                if let Link::Opening { .. } = self.link {
                    self.link = Link::Down;
                    self.on_connect_failed(now, why);
                }
            }
            Input::Frame(text) => self.on_frame(now, &text),
            Input::Closed(why) => {
                if let Link::Up = self.link {
                    self.link = Link::Down;
                    self.on_lost(now, why);
                }
            }
            Input::Timeout => self.on_timeout(now),
        }
    }

    /// The next thing to do, in order; `None` when there is nothing left. Call again after
    /// every [`ClientCore::handle_input`].
    pub(crate) fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// When to feed [`Input::Timeout`] at the latest: the next keep-alive, reply deadline,
    /// connect deadline, reconnect try or the end of the failover window. `None` when nothing
    /// is due. Ask again after every input.
    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        let connect = match &self.link {
            Link::Opening { deadline, .. } => Some(*deadline),
            Link::Down | Link::Up => None,
        };
        let (ping, countdown) = match self.phase {
            Phase::Joined { leaving: false } => (self.next_ping, self.countdowns.next()),
            _ => (None, None),
        };
        let failover = match &self.phase {
            Phase::Reconnecting(f) => Some(f.next_deadline()),
            _ => None,
        };
        [self.pending.earliest(), connect, ping, countdown, failover]
            .into_iter()
            .flatten()
            .min()
    }

    // ---- time ----------------------------------------------------------------------------

    fn on_timeout(&mut self, now: Instant) {
        if let Link::Opening { url, deadline } = &self.link {
            if *deadline <= now {
                let why = format!("{url}: connect timed out");
                self.close(CloseMode::Drop);
                self.on_connect_failed(now, why);
            }
        }
        for id in self.pending.expired(now) {
            // An earlier expiry may have ended the session and settled this one already.
            let Some(waiting) = self.pending.remove(id) else {
                continue;
            };
            self.on_expired(now, waiting);
        }
        if let Phase::Joined { leaving: false } = self.phase {
            if self.next_ping.is_some_and(|t| t <= now) {
                self.next_ping = Some(now + PING_EVERY);
                self.send_request(now, ClientMsg::Ping, Waiting::Ping, LIVENESS_TIMEOUT);
            }
            self.on_countdown_timer(now);
        }
        if let Phase::Reconnecting(_) = self.phase {
            self.on_failover_timer(now);
        }
    }

    fn on_expired(&mut self, now: Instant, waiting: Waiting) {
        match waiting {
            Waiting::Call(call) => self.complete(call, Err(ClientError::Timeout)),
            Waiting::Join(call) => {
                self.complete(call, Err(ClientError::Timeout));
                self.end_session();
            }
            Waiting::Leave(call) => {
                // The server did not answer: we leave anyway.
                self.end_session();
                self.complete(call, Ok(Outcome::Done));
            }
            Waiting::Ping | Waiting::Resume => {
                // A silent socket is a dead one.
                self.close(CloseMode::Reset);
                self.on_lost(now, "no reply from the server".into());
            }
            Waiting::Farewell => self.finish_stop(),
        }
    }

    // ---- socket --------------------------------------------------------------------------

    fn on_frame(&mut self, now: Instant, text: &str) {
        match ServerMsg::from_text(text) {
            Ok(ServerMsg::Reply(r)) => self.on_reply(now, r),
            Ok(ServerMsg::Event(e)) => self.on_event(now, e),
            Err(e) => {
                // A message from a newer server, or a bug there: skip it, keep the session.
                tracing::warn!(error = %e, "unrecognised signaling message ignored");
            }
        }
    }

    /// Asks the driver for a socket to `url`.
    fn open(&mut self, now: Instant, url: String) {
        self.link = Link::Opening {
            url: url.clone(),
            deadline: now + CONNECT_TIMEOUT,
        };
        self.out.push_back(Output::Connect(url));
    }

    /// Lets go of the socket, or of the connect under way; nothing when there is neither.
    fn close(&mut self, mode: CloseMode) {
        if !matches!(self.link, Link::Down) {
            self.link = Link::Down;
            self.out.push_back(Output::Close(mode));
        }
    }

    /// Sends a request and remembers who waits for its reply.
    fn send_request(&mut self, now: Instant, msg: ClientMsg, waiting: Waiting, timeout: Duration) {
        let id = self.pending.insert(waiting, now + timeout);
        if !matches!(self.link, Link::Up) {
            self.fail(id, ClientError::NotJoined);
            return;
        }
        match serde_json::to_string(&Request { id, msg }) {
            Ok(text) => self.out.push_back(Output::Send(text)),
            // Our own types always serialise; if not, fail this call only.
            Err(e) => self.fail(id, ClientError::Protocol(e.to_string())),
        }
    }

    /// Fails one pending request (outside reply handling).
    fn fail(&mut self, id: u64, err: ClientError) {
        if let Some(call) = self.pending.remove(id).and_then(Waiting::call) {
            self.complete(call, Err(err));
        }
    }

    // ---- outputs and endings -------------------------------------------------------------

    fn complete(&mut self, call: CallId, result: Result<Outcome, ClientError>) {
        self.out.push_back(Output::Complete(call, result));
    }

    fn emit(&mut self, event: Event) {
        self.out.push_back(Output::Event(event));
    }

    fn emit_connection(&mut self, state: ConnectionState, reason: Option<String>) {
        self.emit(Event::ConnectionChange {
            state,
            reason,
            subsession_name: None,
        });
    }

    /// Back to idle: no socket, nothing pending, no session.
    fn end_session(&mut self) {
        self.cancel_all(|| ClientError::Cancelled);
        self.close(CloseMode::Drop);
        self.early_events.clear();
        self.next_ping = None;
        self.countdowns = subsession::Countdowns::default();
        self.phase = Phase::Idle;
        self.state.clear();
    }

    /// Fails every pending call, including a join still connecting.
    fn cancel_all(&mut self, err: impl Fn() -> ClientError) {
        for waiting in self.pending.drain() {
            if let Some(call) = waiting.call() {
                self.complete(call, Err(err()));
            }
        }
        if let Phase::Connecting { call, .. } = self.phase {
            self.phase = Phase::Idle;
            self.complete(call, Err(err()));
        }
    }
}
