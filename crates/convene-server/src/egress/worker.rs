//! One egress worker: a `convene egress` child process recording one session.
//!
//! Its token is minted here with the session's app and the server's egress identity, a
//! random value made at each start, so no app backend can mint a token that passes for a
//! worker. The worker follows `recording-change` itself (pause, resume, stop); the
//! supervisor only waits for it, ends it when it overstays a stop by [`STOP_GRACE`], and
//! tells the session task when it ended (`Input::EgressEnded`), which stops a recording that
//! the worker gave up on.

use super::{recordings_of, EgressContext};
use crate::handle::{SessionHandle, SessionMsg};
use crate::webhook::{RecordingDone, Webhooks};
use convene_auth::{mint, MintOptions, Role};
use convene_protocol::SessionId;
use convene_session::Input;
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::process::Command;
use tokio::sync::oneshot;

/// How long a worker may take to finish its file after the recording stopped.
pub(crate) const STOP_GRACE: Duration = Duration::from_secs(30);

/// The session task's handle on its worker. Dropping it leaves the worker running (it
/// stops by itself when the session ends).
#[derive(Debug)]
pub(crate) struct Worker {
    /// Fires to arm the stop deadline.
    stop: Option<oneshot::Sender<()>>,
}

/// What the worker is to record.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub(crate) app: String,
    pub(crate) session: SessionId,
    /// When the session started (Unix ms), for the webhook.
    pub(crate) started_ms: u64,
    /// Which recording of the session (`EgressAction::Start::run`).
    pub(crate) run: u64,
    pub(crate) topic: String,
    pub(crate) passcode: Option<String>,
    pub(crate) session_key: Option<String>,
    /// A live stream's `streamUrl/streamKey`; `None` for a recording.
    pub(crate) ingest: Option<String>,
}

impl Worker {
    /// Starts the worker of `job`; `None` (logged) when it cannot start, and the session
    /// is told at once.
    pub(crate) fn start(
        ctx: &EgressContext,
        job: Job,
        session: SessionHandle,
        webhooks: Webhooks,
    ) -> Option<Worker> {
        let child = match spawn(ctx, &job) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!("cannot start the egress worker of {}: {e}", job.session);
                ended(&session, &job);
                return None;
            }
        };
        let (stop, stopped) = oneshot::channel();
        let done = Done {
            job,
            dir: ctx.config.recordings_dir.clone(),
            webhooks,
        };
        tokio::spawn(supervise(child, stopped, session, done));
        Some(Worker { stop: Some(stop) })
    }

    /// The recording stopped: the worker has [`STOP_GRACE`] to finish its file.
    pub(crate) fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

fn spawn(ctx: &EgressContext, job: &Job) -> std::io::Result<tokio::process::Child> {
    let secret = ctx
        .apps
        .iter()
        .find(|a| a.key == job.app)
        .map(|a| a.secret.clone())
        .ok_or_else(|| std::io::Error::other(format!("no credentials for app {}", job.app)))?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut opts = MintOptions::new(&job.app, &secret, &job.topic, Role::Participant, now);
    opts.user_identity = Some(ctx.identity.clone());
    opts.session_key = job.session_key.clone();
    let token = mint(&opts);
    let program = match &ctx.config.program {
        Some(p) => p.clone(),
        None => std::env::current_exe()?,
    };
    let mut cmd = Command::new(program);
    cmd.arg("egress")
        .args(["--url", &ctx.url, "--topic", &job.topic])
        .args([
            "--session-id",
            &job.session.to_string(),
            "--app-key",
            &job.app,
        ])
        .arg("--recordings-dir")
        .arg(&ctx.config.recordings_dir)
        .args(["--ffmpeg", &ctx.config.ffmpeg])
        // The token is a secret: handed over in the environment, not on the command line.
        .env("CONVENE_EGRESS_TOKEN", token)
        .stdin(Stdio::null())
        .kill_on_drop(false);
    if let Some(p) = &job.passcode {
        cmd.args(["--passcode", p]);
    }
    if ctx.config.raw_tracks && job.ingest.is_none() {
        cmd.arg("--raw-tracks");
    }
    if let Some(url) = &job.ingest {
        // A secret too (its key): in the environment. The worker prints `streaming` once
        // the ingest takes the stream.
        cmd.env("CONVENE_EGRESS_INGEST", url).stdout(Stdio::piped());
    }
    cmd.spawn()
}

/// Where a finished recording is announced.
struct Done {
    job: Job,
    dir: std::path::PathBuf,
    webhooks: Webhooks,
}

async fn supervise(
    mut child: tokio::process::Child,
    stopped: oneshot::Receiver<()>,
    session: SessionHandle,
    done: Done,
) {
    let id = done.job.session.clone();
    if let Some(out) = child.stdout.take() {
        tokio::spawn(streaming(out, session.clone(), done.job.clone()));
    }
    let overstayed = async {
        // A dropped sender (the session task is gone) also starts the grace period: the
        // worker sees the session end and finishes by itself.
        let _ = stopped.await;
        tokio::time::sleep(STOP_GRACE).await;
    };
    tokio::select! {
        status = child.wait() => match status {
            Ok(s) if s.success() => {
                tracing::info!("egress worker of {id} finished");
                if done.job.ingest.is_none() {
                    completed(&done).await;
                }
            }
            Ok(s) => tracing::warn!("egress worker of {id} failed: {s}"),
            Err(e) => tracing::warn!("egress worker of {id}: {e}"),
        },
        _ = overstayed => {
            tracing::warn!("egress worker of {id} overstayed its stop; ending it");
            let _ = child.kill().await;
        }
    }
    ended(&session, &done.job);
}

/// Tells the session its worker is gone (a no-op for a recording or stream already stopped).
fn ended(session: &SessionHandle, job: &Job) {
    let _ = session.tx.try_send(SessionMsg::Input(Input::EgressEnded {
        session: job.session.clone(),
        run: job.run,
        live: job.ingest.is_some(),
    }));
}

/// A live stream's worker prints `streaming` once the ingest takes the stream, and
/// `reconnecting` when it lost it and tries again: the session shows `InProgress` or
/// `Connecting`.
async fn streaming(out: tokio::process::ChildStdout, session: SessionHandle, job: Job) {
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(out).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let on = match line.trim() {
            "streaming" => true,
            "reconnecting" => false,
            _ => continue,
        };
        let _ = session
            .tx
            .try_send(SessionMsg::Input(Input::EgressStreaming {
                session: job.session.clone(),
                run: job.run,
                on,
            }));
    }
}

/// `recording.completed` for the newest finished file of the session.
async fn completed(done: &Done) {
    let Done { job, dir, webhooks } = done;
    let dir = dir.clone();
    let sid = job.session.to_string();
    let (app, s) = (job.app.clone(), sid.clone());
    let newest = tokio::task::spawn_blocking(move || recordings_of(&dir, &app, &s).pop())
        .await
        .ok()
        .flatten();
    let Some(file) = newest else {
        tracing::warn!("egress worker of {sid} left no finished file");
        return;
    };
    let recording =
        serde_json::to_value(crate::api::RecordingItem::new(&sid, file)).unwrap_or_default();
    webhooks.notify_recording(RecordingDone {
        app_key: job.app.clone(),
        session_id: sid,
        session_name: job.topic.clone(),
        started_ms: job.started_ms,
        recording,
    });
}
