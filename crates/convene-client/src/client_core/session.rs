//! The session's way in and out: app calls, `join`, replies, events, `leave`, `destroy`.

use super::pending::Waiting;
use super::phase::{Link, Phase};
use super::{
    Call, CallId, ClientCore, CloseMode, Outcome, Output, LEAVE_TIMEOUT, PING_EVERY,
    REQUEST_TIMEOUT,
};
use crate::{ClientError, ClientEvent};
use convene_protocol::{
    ClientMsg, ConnectionState, ErrorBody, ErrorCode, Event, JoinParams, JoinResult, Reply,
    ResultJson,
};
use std::time::Instant;

impl ClientCore {
    pub(super) fn on_call(&mut self, now: Instant, call: CallId, c: Call) {
        if let Phase::Stopping { .. } = self.phase {
            let result = match c {
                Call::Destroy => Ok(Outcome::Done),
                Call::Kill => return self.kill(call),
                _ => Err(ClientError::Destroyed),
            };
            return self.complete(call, result);
        }
        match c {
            Call::Init { ws_url, nodes } => {
                self.server_url = Some(ws_url);
                self.init_nodes = nodes;
                self.complete(call, Ok(Outcome::Done));
            }
            Call::Join(params) => self.join(now, call, params),
            Call::Request(msg) => self.request(now, call, msg),
            Call::Leave { end } => self.leave(now, call, end),
            Call::Destroy => self.destroy(now, call),
            Call::Kill => self.kill(call),
            Call::DropConnection => {
                if let Link::Up = self.link {
                    self.close(CloseMode::Reset);
                    self.on_lost(now, "connection dropped (debug)".into());
                }
                self.complete(call, Ok(Outcome::Done));
            }
        }
    }

    fn join(&mut self, now: Instant, call: CallId, params: JoinParams) {
        let Some(url) = self.server_url.clone() else {
            return self.complete(call, Err(ClientError::NotInitialized));
        };
        if !matches!(self.phase, Phase::Idle) {
            return self.complete(call, Err(ClientError::AlreadyJoined));
        }
        self.session_url = Some(url.clone());
        self.nodes = self.init_nodes.clone();
        self.redirects = 0;
        self.open(now, url);
        self.phase = Phase::Connecting { call, params };
    }

    fn request(&mut self, now: Instant, call: CallId, msg: ClientMsg) {
        match self.phase {
            Phase::Joined { leaving: false } => {
                self.send_request(now, msg, Waiting::Call(call), REQUEST_TIMEOUT);
            }
            Phase::Reconnecting(_) => self.complete(call, Err(ClientError::Reconnecting)),
            _ => self.complete(call, Err(ClientError::not_joined_for(&msg))),
        }
    }

    fn leave(&mut self, now: Instant, call: CallId, end: bool) {
        match std::mem::replace(&mut self.phase, Phase::Idle) {
            Phase::Joined { leaving: false } => {
                self.phase = Phase::Joined { leaving: true };
                let msg = ClientMsg::Leave { end };
                self.send_request(now, msg, Waiting::Leave(call), LEAVE_TIMEOUT);
            }
            phase @ (Phase::Idle
            | Phase::Joined { leaving: true }
            | Phase::Stopping { .. }
            | Phase::Stopped) => {
                self.phase = phase;
                self.complete(call, Err(ClientError::NotJoined));
            }
            Phase::Connecting {
                call: join_call, ..
            } => {
                self.complete(join_call, Err(ClientError::Cancelled));
                self.end_session();
                self.complete(call, Ok(Outcome::Done));
            }
            Phase::Joining | Phase::Reconnecting(_) => {
                // Abandon the join or the failover; the server forgets us on its own.
                self.end_session();
                self.complete(call, Ok(Outcome::Done));
            }
        }
    }

    /// Leaves (when in a session: sends `leave` and waits up to [`LEAVE_TIMEOUT`] for the
    /// reply), then stops.
    fn destroy(&mut self, now: Instant, call: CallId) {
        if let (Phase::Joined { .. }, Link::Up) = (&self.phase, &self.link) {
            // What was pending is cut off by the leave; settle it now.
            self.cancel_all(|| ClientError::Cancelled);
            self.phase = Phase::Stopping { call };
            let msg = ClientMsg::Leave { end: false };
            self.send_request(now, msg, Waiting::Farewell, LEAVE_TIMEOUT);
        } else {
            self.stop(call);
        }
    }

    /// The farewell `leave` is settled (answered, timed out, or the socket went): stop.
    pub(super) fn finish_stop(&mut self) {
        if let Phase::Stopping { call } = self.phase {
            self.close(CloseMode::Graceful);
            self.stop(call);
        }
    }

    /// Ends the session and the client; `call` (the destroy) is done.
    fn stop(&mut self, call: CallId) {
        self.end_session();
        self.complete(call, Ok(Outcome::Done));
        self.phase = Phase::Stopped;
        self.out.push_back(Output::Stopped);
    }

    /// Stops at once: no leave, a reset socket, every pending call fails with `Destroyed`.
    fn kill(&mut self, call: CallId) {
        self.close(CloseMode::Reset);
        if let Phase::Stopping { call: destroy } = self.phase {
            self.complete(destroy, Ok(Outcome::Done));
        }
        self.cancel_all(|| ClientError::Destroyed);
        self.early_events.clear();
        self.next_ping = None;
        self.state.clear();
        self.phase = Phase::Stopped;
        self.complete(call, Ok(Outcome::Done));
        self.out.push_back(Output::Stopped);
    }

    pub(super) fn on_opened(&mut self, now: Instant) {
        let Link::Opening { url, .. } = &self.link else {
            // Not asked for (any more): let it go.
            self.out.push_back(Output::Close(CloseMode::Drop));
            return;
        };
        self.link_url = Some(url.clone());
        self.link = Link::Up;
        match std::mem::replace(&mut self.phase, Phase::Idle) {
            Phase::Connecting { call, params } => {
                self.phase = Phase::Joining;
                self.early_events.clear();
                self.join_params = Some(params.clone());
                let msg = ClientMsg::Join(params);
                self.send_request(now, msg, Waiting::Join(call), REQUEST_TIMEOUT);
            }
            phase @ Phase::Reconnecting(_) => {
                self.phase = phase;
                self.send_resume(now);
            }
            other => {
                // Nobody waits for this socket any more (left meanwhile); drop it.
                self.phase = other;
                self.close(CloseMode::Drop);
            }
        }
    }

    pub(super) fn on_connect_failed(&mut self, now: Instant, why: String) {
        match std::mem::replace(&mut self.phase, Phase::Idle) {
            Phase::Connecting { call, .. } => {
                self.complete(call, Err(ClientError::Transport(why)));
                self.end_session();
            }
            phase @ Phase::Reconnecting(_) => {
                self.phase = phase;
                tracing::debug!(error = %why, "reconnect failed");
                self.schedule_retry(now, None);
            }
            other => self.phase = other,
        }
    }

    pub(super) fn on_reply(&mut self, now: Instant, reply: Reply) {
        let Some(waiting) = self.pending.remove(reply.id) else {
            return;
        };
        let result: Result<ResultJson, ErrorBody> = if reply.ok {
            Ok(reply
                .result
                .unwrap_or(ResultJson::Value(serde_json::Value::Null)))
        } else {
            Err(reply.error.unwrap_or_else(|| {
                ErrorBody::new(ErrorCode::InternalError, "failure without an error body")
            }))
        };
        match waiting {
            Waiting::Call(call) => {
                let result = result
                    .map(|r| Outcome::Value(r.into_value()))
                    .map_err(ClientError::Server);
                self.complete(call, result);
            }
            Waiting::Ping => {}
            Waiting::Join(call) => self.on_join_reply(now, call, result),
            Waiting::Resume => self.on_resume_reply(now, result),
            Waiting::Leave(call) => match result {
                Ok(_) => {
                    self.close(CloseMode::Graceful);
                    self.end_session();
                    self.complete(call, Ok(Outcome::Done));
                }
                Err(e) => {
                    // e.g. `leave(true)` by a non-host: 5007, and we stay.
                    self.phase = Phase::Joined { leaving: false };
                    self.complete(call, Err(ClientError::Server(e)));
                }
            },
            Waiting::Farewell => self.finish_stop(),
        }
    }

    fn on_join_reply(&mut self, now: Instant, call: CallId, result: Result<ResultJson, ErrorBody>) {
        let params = self.join_params.take();
        if let (
            Err(ErrorBody {
                redirect: Some(url),
                ..
            }),
            Some(params),
        ) = (&result, params)
        {
            if self.redirects < super::MAX_REDIRECTS {
                // Another node hosts the session: the same join, there.
                self.redirects += 1;
                tracing::debug!(%url, "join redirected");
                self.close(CloseMode::Drop);
                self.session_url = Some(url.clone());
                self.phase = Phase::Connecting { call, params };
                return self.open(now, url.clone());
            }
        }
        let joined = result.map_err(ClientError::Server).and_then(|r| {
            r.decode::<JoinResult>()
                .map_err(|e| ClientError::Protocol(format!("join result: {e}")))
        });
        match joined {
            Ok(j) => {
                self.state.install(j);
                self.enter_joined(now);
                let info = self.state.session_info();
                self.complete(call, Ok(Outcome::Joined(info)));
                self.emit_connection(ConnectionState::Connected, None);
                self.flush_early_events(now);
            }
            Err(e) => {
                self.complete(call, Err(e));
                self.end_session();
            }
        }
    }

    /// In the session (after a join or a resume): keep-alives start.
    pub(super) fn enter_joined(&mut self, now: Instant) {
        self.phase = Phase::Joined { leaving: false };
        self.next_ping = Some(now + PING_EVERY);
    }

    pub(super) fn on_event(&mut self, now: Instant, event: Event) {
        if let Event::ClusterNodes { urls } = event {
            // For failover only; the app never sees it.
            self.nodes = urls;
            return;
        }
        match self.phase {
            Phase::Joined { .. } => self.deliver(now, event),
            Phase::Joining | Phase::Reconnecting(_) => self.early_events.push(event),
            Phase::Idle | Phase::Connecting { .. } | Phase::Stopping { .. } | Phase::Stopped => {}
        }
    }

    pub(super) fn flush_early_events(&mut self, now: Instant) {
        for e in std::mem::take(&mut self.early_events) {
            if let Phase::Joined { .. } = self.phase {
                self.deliver(now, e);
            }
        }
    }

    /// Applies, then hands out. A `Closed`/`Fail` from the server ends our session; a
    /// `subsession-moved` puts us in another room.
    fn deliver(&mut self, now: Instant, event: Event) {
        let event = match event {
            Event::SubsessionMoved(m) => return self.on_moved(*m),
            other => other,
        };
        let terminal = matches!(
            event,
            Event::ConnectionChange {
                state: ConnectionState::Closed | ConnectionState::Fail,
                ..
            }
        );
        let status = self.state.apply(&event);
        if terminal {
            // The server closes the socket; we do not wait for it.
            self.end_session();
        }
        self.note_countdown(now, &event);
        self.emit(event);
        if let Some(status) = status {
            self.out
                .push_back(Output::Local(ClientEvent::SubsessionStateChange { status }));
        }
    }
}
