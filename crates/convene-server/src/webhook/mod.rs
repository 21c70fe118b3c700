//! Signed webhooks: `session.started`, `session.ended`, `session.user_joined`,
//! `session.user_left` and `recording.completed`, POSTed to the URLs configured for all apps
//! (`--webhook-url`) and for each app (`[[apps]] webhook_urls`).
//!
//! Session tasks never wait on a receiver: they hand each [`Lifecycle`] notice to
//! [`Webhooks::notify`] (egress supervisors each finished recording to
//! [`Webhooks::notify_recording`]), a `try_send` into a bounded queue (when it is full the event is
//! dropped and counted). One worker task takes the queue, builds each body once (`event`),
//! and delivers it to every receiver of its app concurrently, up to [`MAX_IN_FLIGHT`] at
//! once, each with its own retries (`deliver`) and signature (`sign`). Outcomes are counted
//! in `/metrics` as `convene_webhook_deliveries_total{event,outcome}` (`delivered`,
//! `failed`, `dropped`) and `convene_webhook_retries_total{event}`.
//!
//! Receivers may see events out of order (each delivery retries on its own); `event_ts`
//! orders them.

mod deliver;
mod event;
mod sign;

use crate::config::WebhookConfig;
use crate::metrics::Metrics;
use axum::body::Bytes;
use convene_auth::AppCredentials;
use convene_session::Lifecycle;
use deliver::{Policy, Target};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, Semaphore};

/// Deliveries in progress at most; beyond, the worker stops taking the queue (which then
/// fills, and new events are dropped).
pub(crate) const MAX_IN_FLIGHT: usize = 32;

/// The session tasks' end of the webhook queue. Cheap to clone; a no-op when no receiver is
/// configured.
#[derive(Debug, Clone)]
pub(crate) struct Webhooks {
    tx: Option<mpsc::Sender<Job>>,
    /// Apps with at least one receiver: other apps' events are not even queued.
    apps: Arc<HashMap<String, Vec<Target>>>,
    metrics: Arc<Metrics>,
}

/// One event to deliver, and when it happened (Unix milliseconds).
#[derive(Debug)]
struct Job {
    notice: Notice,
    event_ts: u64,
}

/// What an event is about.
#[derive(Debug)]
enum Notice {
    /// A session or user came or went (the session core's notice).
    Session(Lifecycle),
    /// A cloud recording's file is complete.
    Recording(RecordingDone),
}

/// `recording.completed`: the session (as in the other events) and the file (as the REST API
/// lists it).
#[derive(Debug, Clone)]
pub(crate) struct RecordingDone {
    pub(crate) app_key: String,
    pub(crate) session_id: String,
    pub(crate) session_name: String,
    pub(crate) started_ms: u64,
    /// `{"id", "file_name", "file_size", "duration_ms", "download_url", "tracks"}`.
    pub(crate) recording: serde_json::Value,
}

impl Notice {
    fn app(&self) -> &str {
        match self {
            Notice::Session(l) => &l.session.app_key,
            Notice::Recording(r) => &r.app_key,
        }
    }

    fn event(&self) -> &'static str {
        match self {
            Notice::Session(l) => l.event.name(),
            Notice::Recording(_) => "recording.completed",
        }
    }
}

impl Webhooks {
    /// Starts the worker when any receiver is configured. The secret of an app's events is
    /// its webhook secret when set, else its SDK secret.
    pub(crate) fn spawn(
        config: &WebhookConfig,
        apps: &[AppCredentials],
        metrics: Arc<Metrics>,
    ) -> Self {
        let mut targets: HashMap<String, Vec<Target>> = HashMap::new();
        for app in apps {
            let own = config.apps.iter().find(|a| a.key == app.key);
            let secret = own
                .and_then(|a| a.secret.clone())
                .unwrap_or_else(|| app.secret.clone());
            let urls = config
                .urls
                .iter()
                .chain(own.into_iter().flat_map(|a| &a.urls));
            let list: Vec<Target> = urls
                .map(|u| Target {
                    uri: u.uri().clone(),
                    secret: secret.clone(),
                })
                .collect();
            if !list.is_empty() {
                targets.insert(app.key.clone(), list);
            }
        }
        let apps = Arc::new(targets);
        let tx = (!apps.is_empty()).then(|| {
            let (tx, rx) = mpsc::channel(config.queue.max(1));
            let policy = Policy {
                timeout: config.timeout,
                retries: config.retries,
                backoff: config.backoff,
            };
            tokio::spawn(run(rx, apps.clone(), policy, metrics.clone()));
            tx
        });
        Webhooks { tx, apps, metrics }
    }

    /// Queues `notice` for its app's receivers without waiting; drops it (counted) when the
    /// queue is full.
    pub(crate) fn notify(&self, notice: Lifecycle) {
        self.queue(Notice::Session(notice));
    }

    /// Queues `recording.completed` like [`Webhooks::notify`].
    pub(crate) fn notify_recording(&self, done: RecordingDone) {
        self.queue(Notice::Recording(done));
    }

    fn queue(&self, notice: Notice) {
        let Some(tx) = &self.tx else { return };
        if !self.apps.contains_key(notice.app()) {
            return;
        }
        let event = notice.event();
        let event_ts = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        if tx.try_send(Job { notice, event_ts }).is_err() {
            self.metrics
                .webhook_deliveries
                .with_label_values(&[event, "dropped"])
                .inc();
        }
    }
}

/// The worker: each event's body once, then one delivery task per receiver.
async fn run(
    mut rx: mpsc::Receiver<Job>,
    apps: Arc<HashMap<String, Vec<Target>>>,
    policy: Policy,
    metrics: Arc<Metrics>,
) {
    let slots = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    while let Some(job) = rx.recv().await {
        let Some(targets) = apps.get(job.notice.app()) else {
            continue;
        };
        let event = job.notice.event();
        let body = Bytes::from(match &job.notice {
            Notice::Session(l) => event::body(l, job.event_ts),
            Notice::Recording(r) => event::recording_body(r, job.event_ts),
        });
        for t in targets {
            // unwrap is ok because the semaphore is never closed.
            let slot = slots.clone().acquire_owned().await.expect("open");
            let (t, body, metrics) = (t.clone(), body.clone(), metrics.clone());
            tokio::spawn(async move {
                let d = deliver::deliver(&t, &body, policy).await;
                let outcome = if d.delivered { "delivered" } else { "failed" };
                metrics
                    .webhook_deliveries
                    .with_label_values(&[event, outcome])
                    .inc();
                metrics
                    .webhook_retries
                    .with_label_values(&[event])
                    .inc_by(u64::from(d.retries));
                drop(slot);
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use convene_protocol::SessionId;
    use convene_session::{LifecycleEvent, SessionInfo};

    fn notice(app: &str) -> Lifecycle {
        Lifecycle {
            event: LifecycleEvent::SessionStarted,
            session: SessionInfo {
                session_id: SessionId("s".into()),
                app_key: app.into(),
                topic: "t".into(),
                started_ms: 0,
                has_passcode: false,
                user_count: 1,
            },
            user: None,
        }
    }

    #[test]
    fn a_full_queue_drops_and_counts_and_other_apps_are_not_queued() {
        let metrics = Arc::new(Metrics::new());
        let target = Target {
            uri: "http://127.0.0.1:9/".parse().unwrap(),
            secret: "s".into(),
        };
        // A queue of one that nobody takes: the second event finds it full.
        let (tx, mut rx) = mpsc::channel(1);
        let hooks = Webhooks {
            tx: Some(tx),
            apps: Arc::new(HashMap::from([("a".to_owned(), vec![target])])),
            metrics: metrics.clone(),
        };
        hooks.notify(notice("a"));
        hooks.notify(notice("a"));
        hooks.notify(notice("b"));
        let dropped = metrics
            .webhook_deliveries
            .with_label_values(&["session.started", "dropped"]);
        assert_eq!(dropped.get(), 1);
        assert!(rx.try_recv().is_ok());
        assert!(rx.try_recv().is_err(), "b has no receiver: not queued");
    }
}
