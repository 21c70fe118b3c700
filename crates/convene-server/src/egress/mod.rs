//! Cloud recording, the server's side (see `docs/egress.md`): the egress worker of each
//! recorded session is a `convene egress` process of its own, started by the session task
//! when the core says so ([`convene_session::EgressAction`]) and supervised here; the
//! recordings it leaves in [`EgressConfig::recordings_dir`] are listed for the REST API.
//!
//! - `worker.rs`: starting one worker with a token only this server can mint, ending it when
//!   it overstays a stop, telling the session when it ended by itself.
//! - `files.rs`: the recordings of a session on disk (`<dir>/<session id>/<start ms>.mp4`
//!   and its `.json` sidecar).
//!
//! The worker joins like any participant, so an encoder crash or CPU spike never touches
//! the SFU or the session task; `ffmpeg` (its media tool) is looked for once at start-up.

mod files;
mod worker;

pub(crate) use files::{
    download_path, listed_recording_path, listed_track_path, recordings_of, track_download_path,
    RecordingFile, TrackFile,
};
pub(crate) use worker::{Job, Worker};

use convene_auth::AppCredentials;
use std::path::PathBuf;

/// How the server records sessions.
#[derive(Debug, Clone)]
pub struct EgressConfig {
    /// Where recordings go (`--recordings-dir`), one folder per session. Default
    /// `./recordings`.
    pub recordings_dir: PathBuf,
    /// The `convene` binary whose `egress` subcommand records; default: this process's own
    /// executable.
    pub program: Option<PathBuf>,
    /// The media tool the worker runs. Default `ffmpeg` (from `PATH`).
    pub ffmpeg: String,
    /// Also record each track as a file of its own, untranscoded (Ogg Opus, WebM VP8)
    /// (`--recording-raw-tracks`). Default off.
    pub raw_tracks: bool,
}

impl Default for EgressConfig {
    fn default() -> Self {
        EgressConfig {
            recordings_dir: PathBuf::from("recordings"),
            program: None,
            ffmpeg: "ffmpeg".into(),
            raw_tracks: false,
        }
    }
}

/// What a session task needs to start a worker; set once the server knows its own address.
#[derive(Debug, Clone)]
pub(crate) struct EgressContext {
    pub(crate) config: EgressConfig,
    /// The server's own address, as the worker reaches it (`http://127.0.0.1:PORT`).
    pub(crate) url: String,
    /// The apps, to mint each worker's token with its session's app.
    pub(crate) apps: Vec<AppCredentials>,
    /// The user identity of every worker's token (random per server start; see `worker.rs`),
    /// which the session core recognises (`convene_session::Config::egress_identity`).
    pub(crate) identity: String,
}

/// Whether `ffmpeg` runs here (`ffmpeg -version`); blocking, called once at start-up.
pub(crate) fn ffmpeg_available(ffmpeg: &str) -> bool {
    std::process::Command::new(ffmpeg)
        .arg("-version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Looks for `ffmpeg` (once, at start-up): the session core refuses recordings without it.
/// Makes this run's egress identity, which only the workers' tokens carry.
pub(crate) async fn detect(mut config: crate::Config) -> crate::Config {
    let ffmpeg = config.egress.ffmpeg.clone();
    let found = tokio::task::spawn_blocking(move || ffmpeg_available(&ffmpeg))
        .await
        .unwrap_or(false);
    if !found {
        tracing::info!("cloud recording off: {} not found", config.egress.ffmpeg);
    }
    config.session.cloud_recording = found;
    config.session.egress_identity = Some(format!("egress-{:016x}", rand::random::<u64>()));
    config
}

/// Lets the session tasks start workers, now that the server's address is known.
pub(crate) fn attach(state: &crate::state::AppState, mut addr: std::net::SocketAddr) {
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::IpAddr::from([127, 0, 0, 1]));
    }
    let c = &state.config;
    let Some(identity) = c.session.egress_identity.clone() else {
        return;
    };
    state.media.set_egress(EgressContext {
        config: c.egress.clone(),
        url: format!("http://{addr}"),
        apps: c.apps.clone(),
        identity,
    });
}
