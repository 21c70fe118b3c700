//! Failover (SPEC §8): a lost socket, reconnect tries with backoff, `resume`, giving up.

use super::pending::Waiting;
use super::phase::Phase;
use super::{ClientCore, CloseMode, LIVENESS_TIMEOUT};
use crate::ClientError;
use convene_protocol::{
    ClientMsg, ConnectionState, ErrorBody, ErrorCode, JoinResult, ResultJson, FAILOVER_WINDOW_SECS,
};
use std::time::{Duration, Instant};

/// First reconnect delay; doubled after each failed try up to [`BACKOFF_MAX`].
const BACKOFF_START: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(2);
/// How long the server keeps our place; we give up when it is over.
const WINDOW: Duration = Duration::from_secs(FAILOVER_WINDOW_SECS);

/// The state of one failover.
#[derive(Debug)]
pub(crate) struct Failover {
    /// When the drop was noticed; we give up [`WINDOW`] later.
    since: Instant,
    /// Delay before the try after the next failed one.
    delay: Duration,
    /// `None` while a try (connect, then `resume`) is under way.
    next_try: Option<Instant>,
    /// The server's reason when it refused the last `resume`, for the final `Fail`.
    last_error: Option<String>,
    /// Tries so far: on a cluster, each goes to the next node in turn.
    tries: usize,
    /// The node whose link was lost (a resume elsewhere means the session moved).
    lost: Option<String>,
}

impl Failover {
    fn start(now: Instant, lost: Option<String>) -> Self {
        Failover {
            since: now,
            delay: BACKOFF_START,
            next_try: Some(now + BACKOFF_START),
            last_error: None,
            tries: 0,
            lost,
        }
    }

    /// The next try, or the end of the window, whichever comes first.
    pub(crate) fn next_deadline(&self) -> Instant {
        let end = self.since + WINDOW;
        self.next_try.map_or(end, |t| t.min(end))
    }
}

impl ClientCore {
    /// The socket is gone (the link is already down).
    pub(super) fn on_lost(&mut self, now: Instant, why: String) {
        match std::mem::replace(&mut self.phase, Phase::Idle) {
            Phase::Joining => {
                self.cancel_all(|| ClientError::Transport(why.clone()));
                self.end_session();
            }
            Phase::Joined { leaving: true } => {
                // The server closed right after our leave: that is the leave.
                for id in self.pending.leaves() {
                    if let Some(call) = self.pending.remove(id).and_then(Waiting::call) {
                        self.complete(call, Ok(super::Outcome::Done));
                    }
                }
                self.end_session();
            }
            Phase::Joined { leaving: false } => {
                tracing::info!(reason = %why, "signaling connection lost; failover");
                self.cancel_all(|| ClientError::Cancelled);
                self.state.set_connected(false);
                self.next_ping = None;
                self.phase = Phase::Reconnecting(Failover::start(now, self.session_url.clone()));
                self.emit_connection(ConnectionState::Reconnecting, Some("failover".into()));
            }
            phase @ Phase::Reconnecting(_) => {
                self.phase = phase;
                // Only the `resume` can be pending; the next try sends a new one.
                self.pending.drain();
                self.schedule_retry(now, None);
            }
            phase @ Phase::Stopping { .. } => {
                self.phase = phase;
                self.finish_stop();
            }
            phase => self.phase = phase,
        }
    }

    /// The next try is due, or the window is over.
    pub(super) fn on_failover_timer(&mut self, now: Instant) {
        let Phase::Reconnecting(f) = &mut self.phase else {
            return;
        };
        if now >= f.since + WINDOW {
            let why = f
                .last_error
                .take()
                .unwrap_or_else(|| "failover timeout".into());
            self.give_up(why);
            return;
        }
        if f.next_try.is_none_or(|t| t > now) {
            return;
        }
        f.next_try = None;
        let n = f.tries;
        f.tries += 1;
        // Our node first, then (on a cluster) each other node in turn.
        let mut urls: Vec<String> = self.session_url.iter().cloned().collect();
        urls.extend(
            self.nodes
                .iter()
                .filter(|u| Some(*u) != self.session_url.as_ref())
                .cloned(),
        );
        match urls.get(n % urls.len().max(1)).cloned() {
            Some(url) => self.open(now, url),
            None => self.give_up("no session to resume".into()),
        }
    }

    /// The try failed: another one after the current delay, which then doubles.
    pub(super) fn schedule_retry(&mut self, now: Instant, error: Option<String>) {
        if let Phase::Reconnecting(f) = &mut self.phase {
            f.next_try = Some(now + f.delay);
            f.delay = (f.delay * 2).min(BACKOFF_MAX);
            if error.is_some() {
                f.last_error = error;
            }
        }
    }

    /// A new socket is open: ask for our place back.
    pub(super) fn send_resume(&mut self, now: Instant) {
        let Some(params) = self.state.resume_params() else {
            self.give_up("no session to resume".into());
            return;
        };
        self.early_events.clear();
        let msg = ClientMsg::Resume(params);
        self.send_request(now, msg, Waiting::Resume, LIVENESS_TIMEOUT);
    }

    pub(super) fn on_resume_reply(&mut self, now: Instant, result: Result<ResultJson, ErrorBody>) {
        match result {
            Ok(r) => match r.decode::<JoinResult>() {
                Ok(j) => {
                    // The node that took us back is our node now; when it is not the one
                    // lost, the session moved there without its media.
                    let moved = matches!(&self.phase, Phase::Reconnecting(f) if f.lost.is_some() && f.lost != self.link_url);
                    let was = self.state.me();
                    if let Some(url) = self.link_url.clone() {
                        self.session_url = Some(url);
                    }
                    let catch_up = self.state.resume(j);
                    self.state.check_room_after_resume();
                    self.enter_joined(now);
                    for e in catch_up {
                        self.emit(e);
                    }
                    self.emit_connection(ConnectionState::Connected, None);
                    self.flush_early_events(now);
                    if moved {
                        self.out.push_back(super::Output::Moved(was));
                    }
                }
                Err(e) => {
                    self.close(CloseMode::Drop);
                    self.schedule_retry(now, Some(format!("resume result: {e}")));
                }
            },
            Err(body) => {
                // Transient server trouble is retried; a redirect is followed at once; any
                // other refusal (session ended, window over, removed) is final.
                self.close(CloseMode::Drop);
                if let Some(url) = body.redirect {
                    self.session_url = Some(url);
                    if let Phase::Reconnecting(f) = &mut self.phase {
                        f.tries = 0;
                        f.next_try = Some(now);
                    }
                } else if body.code().is_some_and(ErrorCode::is_transient) {
                    self.schedule_retry(now, Some(body.reason));
                } else {
                    self.give_up(body.reason);
                }
            }
        }
    }

    /// Failover is over without success.
    fn give_up(&mut self, reason: String) {
        tracing::info!(%reason, "failover failed");
        self.end_session();
        self.emit_connection(ConnectionState::Fail, Some(reason));
    }
}
