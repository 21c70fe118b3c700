//! One task per session: it owns the session's sans-IO [`Core`], its slice of the media plane
//! and the outgoing queues of its connections, and nothing else. A busy or flooded session
//! only ever delays itself.
//!
//! The task starts when the router first routes a join to its topic, and stops when its
//! session ends (or when no join started it within [`UNSTARTED_LIFETIME`]). Before stopping it
//! leaves the directory, then bounces the joins still queued in its inbox back to their
//! connections, which route them again (to a new session).

use crate::handle::{
    Attach, ConnTx, Registry, SessionHandle, SessionKey, SessionMsg, SessionShared, ToConn,
    SESSION_INBOX,
};
use crate::media::{Effect, Media};
use crate::media_plane::MediaPlane;
use crate::metrics::Metrics;
use convene_protocol::{ErrorCode, Reply, ResultJson, ServerMsg};
use convene_session::{ConnId, Core, Input, Output};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock, Weak};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// A task that no join started within this long stops.
pub(crate) const UNSTARTED_LIFETIME: Duration = Duration::from_secs(10);

/// At most this many inbox messages are handled in one turn, before their outputs are sent.
const TURN_INPUTS: usize = 64;

/// What every session task shares: config, media plane, metrics.
#[derive(Debug, Clone)]
pub(crate) struct TaskContext {
    pub(crate) config: convene_session::Config,
    pub(crate) media: MediaPlane,
    pub(crate) metrics: Arc<Metrics>,
    /// Wrong passcodes by client address, to throttle guessing.
    pub(crate) throttle: Arc<crate::throttle::PasscodeThrottle>,
    /// Watches that session tasks keep making progress (`/healthz`).
    pub(crate) watchdog: Arc<crate::watchdog::Watchdog>,
    /// Turns `true` when the server stops: every session task stops with it.
    pub(crate) shutdown: tokio::sync::watch::Receiver<bool>,
    /// Where lifecycle notices go (never waited on).
    pub(crate) webhooks: crate::webhook::Webhooks,
    /// Poked when a session starts or its users change (a cluster's keeper then saves it).
    pub(crate) changed: Arc<tokio::sync::Notify>,
}

/// Starts the task of the session `key` and returns its handle.
pub(crate) fn spawn(
    key: SessionKey,
    ctx: TaskContext,
    registry: Weak<dyn Registry>,
    restore: Option<convene_session::Snapshot>,
) -> SessionHandle {
    let (tx, rx) = mpsc::channel(SESSION_INBOX);
    let handle = SessionHandle {
        tx,
        shared: Arc::new(SessionShared {
            key,
            id: OnceLock::new(),
            topic: OnceLock::new(),
            started_ms: OnceLock::new(),
            users: Default::default(),
        }),
    };
    let now = Instant::now();
    let epoch_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    let mut core = Core::new(ctx.config.clone(), now, epoch_ms, rand::random());
    // A session taken over from a node that died: published as started at once.
    let starting = restore.and_then(|snap| {
        let started = (snap.session_id.clone(), snap.topic.clone());
        core.restore(now, snap).then_some(started)
    });
    let task = SessionTask {
        core,
        media: Media::new(ctx.media.clone(), handle.clone()),
        conns: HashMap::new(),
        attaching: HashMap::new(),
        starting,
        evicted: false,
        users_reported: 0,
        metrics: ctx.metrics.clone(),
        throttle: ctx.throttle.clone(),
        watchdog: ctx.watchdog.clone(),
        webhooks: ctx.webhooks.clone(),
        changed: ctx.changed.clone(),
        handle: handle.clone(),
        registry,
    };
    tokio::spawn(task.run(rx, ctx.shutdown));
    handle
}

/// Resolves when the server stops (never, if nobody can stop it any more).
async fn stopping(shutdown: &mut tokio::sync::watch::Receiver<bool>) {
    if shutdown.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}

struct SessionTask {
    core: Core,
    media: Media,
    conns: HashMap<ConnId, ConnTx>,
    /// Joins and resumes whose reply is still to come, by `(conn, request id)`: where from,
    /// and for a join when it arrived (for the join latency histogram).
    attaching: HashMap<(ConnId, u64), (IpAddr, Option<Instant>)>,
    /// Set when the first join started the session: its id and topic, to publish.
    starting: Option<(convene_protocol::SessionId, String)>,
    /// Another node took the session over: stop without ending it.
    evicted: bool,
    /// The user count last added to the node's gauge.
    users_reported: usize,
    metrics: Arc<Metrics>,
    throttle: Arc<crate::throttle::PasscodeThrottle>,
    watchdog: Arc<crate::watchdog::Watchdog>,
    webhooks: crate::webhook::Webhooks,
    changed: Arc<tokio::sync::Notify>,
    handle: SessionHandle,
    registry: Weak<dyn Registry>,
}

impl SessionTask {
    async fn run(
        mut self,
        mut rx: mpsc::Receiver<SessionMsg>,
        mut shutdown: tokio::sync::watch::Receiver<bool>,
    ) {
        let born = Instant::now();
        let far = || Instant::now() + Duration::from_secs(3600);
        let beat = self.watchdog.beat();
        self.drain();
        loop {
            let deadline = match self.core.poll_timeout() {
                Some(t) => t,
                None if self.started() => far(),
                None => born + UNSTARTED_LIFETIME,
            };
            beat.idle();
            tokio::select! {
                msg = rx.recv() => {
                    beat.busy();
                    let Some(msg) = msg else { break };
                    self.metrics.session_inbox_depth.observe(rx.len() as f64);
                    self.on_msg(msg).await;
                    // What queued up meanwhile is handled before draining, so a storm of joins
                    // is announced to the others in one message per turn (see the core).
                    for _ in 1..TURN_INPUTS {
                        let Ok(msg) = rx.try_recv() else { break };
                        self.on_msg(msg).await;
                    }
                }
                _ = tokio::time::sleep_until(deadline.into()) => {
                    beat.busy();
                    self.core.handle(Instant::now(), Input::Timeout);
                }
                _ = stopping(&mut shutdown) => break,
            }
            self.drain();
            if self.evicted {
                break;
            }
            if self.core.session_count() == 0
                && (self.started() || born.elapsed() >= UNSTARTED_LIFETIME)
            {
                break;
            }
        }
        self.stop(rx);
    }

    fn started(&self) -> bool {
        self.handle.shared.id.get().is_some()
    }

    async fn on_msg(&mut self, msg: SessionMsg) {
        let now = Instant::now();
        match msg {
            SessionMsg::Attach {
                conn,
                tx,
                from,
                id,
                attach,
                received,
            } => {
                self.conns.insert(conn, tx);
                let join_received = matches!(attach, Attach::Join { .. }).then_some(received);
                self.attaching.insert((conn, id), (from, join_received));
                let input = match attach {
                    Attach::Join { params, token } => Input::Join {
                        conn,
                        id,
                        params,
                        token,
                    },
                    Attach::Resume(r) => Input::Request {
                        conn,
                        id,
                        msg: convene_protocol::ClientMsg::Resume(r),
                    },
                };
                self.core.handle(now, input);
            }
            SessionMsg::Input(input) => {
                if let Input::Disconnected { conn } = &input {
                    self.conns.remove(conn);
                }
                self.core.handle(now, input);
            }
            SessionMsg::Media(ev) => match self.media.on_event(ev) {
                Effect::Input(i) => self.core.handle(now, i),
                Effect::Reply(c, r) => self.send_reply(c, r),
                Effect::None => {}
            },
            SessionMsg::Admin { action, done } => {
                let _ = done.send(self.core.admin(now, action));
            }
            SessionMsg::Snapshot { done } => {
                let snap = self
                    .core
                    .session_ids()
                    .first()
                    .and_then(|id| self.core.snapshot(id));
                let _ = done.send(snap);
            }
            SessionMsg::Evict => self.evicted = true,
            SessionMsg::Read { done } => {
                let read =
                    self.core.session_ids().first().and_then(|id| {
                        Some((self.core.session_info(id)?, self.core.users_of(id)?))
                    });
                let _ = done.send(read);
            }
            #[cfg(test)]
            SessionMsg::Stall(until) => {
                let _ = until.await;
            }
        }
    }

    fn send_reply(&self, c: ConnId, r: Reply) {
        if let (Some(tx), Ok(text)) = (
            self.conns.get(&c),
            serde_json::to_string(&ServerMsg::Reply(r)),
        ) {
            let _ = tx.push(ToConn::Text(text.into()));
        }
    }

    /// Carries out everything the core wants done, then publishes the session's state. A
    /// connection that cannot keep up is dropped (its socket closed at once) and fails over like
    /// any lost socket; what that changes is drained in the same loop.
    fn drain(&mut self) {
        loop {
            let mut slow = Vec::new();
            while let Some(out) = self.core.poll_output() {
                match out {
                    Output::Send { to, msg } => self.send(to, &msg, &mut slow),
                    Output::Close { conn } => {
                        if let Some(tx) = self.conns.remove(&conn) {
                            if !tx.push(ToConn::Close) {
                                tx.kick();
                            }
                        }
                    }
                    Output::Media(action) => {
                        for (c, r) in self.media.apply(&self.core, action) {
                            self.send_reply(c, r);
                        }
                    }
                    Output::Lifecycle(notice) => self.webhooks.notify(notice),
                    Output::Egress(action) => self.media.egress(action, &self.webhooks),
                }
            }
            if slow.is_empty() {
                break;
            }
            for c in slow {
                if let Some(tx) = self.conns.remove(&c) {
                    tracing::warn!("connection {c:?} too slow; dropping it");
                    self.metrics.slow_drops.inc();
                    tx.kick();
                    self.core
                        .handle(Instant::now(), Input::Disconnected { conn: c });
                }
            }
        }
        self.publish();
    }

    /// Sends one message to its recipients, serialised once.
    fn send(&mut self, to: Vec<ConnId>, msg: &ServerMsg, slow: &mut Vec<ConnId>) {
        let text: Utf8Bytes = match serde_json::to_string(msg) {
            Ok(s) => s.into(),
            Err(e) => {
                tracing::error!("cannot serialise {msg:?}: {e}");
                return;
            }
        };
        // The reply to a join or resume tells whether the connection is now in the session.
        let refused = match msg {
            ServerMsg::Reply(r) if to.len() == 1 && self.attaching.contains_key(&(to[0], r.id)) => {
                let (from, received) = self
                    .attaching
                    .remove(&(to[0], r.id))
                    .map_or((None, None), |(ip, t)| (Some(ip), t));
                if r.ok {
                    self.joined(received, r.result.as_ref());
                }
                let wrong_passcode = ErrorCode::IncorrectPasscode.code();
                if let (Some(ip), Some(e)) = (from, &r.error) {
                    if e.error_code == wrong_passcode {
                        self.throttle
                            .failed(Instant::now(), ip, &self.handle.shared.key);
                    }
                }
                !r.ok
            }
            _ => false,
        };
        for c in to {
            let Some(tx) = self.conns.get(&c) else {
                continue;
            };
            self.metrics.messages_out.inc();
            if !tx.push(ToConn::Text(text.clone())) {
                slow.push(c);
            } else if refused {
                let _ = tx.push(ToConn::Unbound);
                self.conns.remove(&c);
            }
        }
    }

    /// A join or resume succeeded: time it, and take the session's id and topic from the
    /// first (the core's own answer, so the directory shows exactly what users see).
    fn joined(&mut self, received: Option<Instant>, result: Option<&ResultJson>) {
        if let Some(t) = received {
            self.metrics.join_seconds.observe(t.elapsed().as_secs_f64());
        }
        if self.started() || self.starting.is_some() {
            return;
        }
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Started {
            session_id: String,
            topic: String,
        }
        if let Some(Ok(s)) = result.map(ResultJson::decode::<Started>) {
            self.starting = Some((s.session_id.into(), s.topic));
        }
    }

    /// Tells the directory and the node's gauges what changed.
    fn publish(&mut self) {
        if let Some((id, topic)) = self.starting.take() {
            if let Some(info) = self.core.session_info(&id) {
                let _ = self.handle.shared.started_ms.set(info.started_ms);
            }
            let _ = self.handle.shared.topic.set(topic);
            let _ = self.handle.shared.id.set(id);
            if let Some(r) = self.registry.upgrade() {
                r.started(&self.handle);
            }
            self.changed.notify_one();
        }
        let users = self.core.user_count();
        if users != self.users_reported {
            self.changed.notify_one();
        }
        self.handle.shared.users.store(users, Ordering::Relaxed);
        self.metrics
            .users
            .add(users as i64 - self.users_reported as i64);
        self.users_reported = users;
    }

    /// Leaves the directory, then sends queued joins back to be routed again.
    fn stop(mut self, mut rx: mpsc::Receiver<SessionMsg>) {
        if let Some(r) = self.registry.upgrade() {
            r.ended(&self.handle);
        }
        rx.close();
        while let Ok(msg) = rx.try_recv() {
            if let SessionMsg::Attach { tx, id, attach, .. } = msg {
                let _ = tx.push(ToConn::Reroute(id, attach));
            }
        }
        self.media.close();
        for tx in self.conns.values() {
            if !tx.push(ToConn::Close) {
                tx.kick();
            }
        }
        self.metrics.users.sub(self.users_reported as i64);
    }
}
