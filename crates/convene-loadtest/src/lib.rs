//! # Convene load generator
//!
//! Synthetic users against a running server, measured from outside it, built on the Rust
//! client SDK and the client media peer. The command is `convene load`; `docs/load.md` says
//! how to run each scenario and what each report field means, and the figures go to
//! `BENCHMARKS.md` with the command that produced them.
//!
//! ## Brief overview
//! - [`LoadOptions`] names a [`Scenario`]: `join-storm` (one session, join latency, lists
//!   consistent), `big-session` (thousands in one session, then one speaker heard by all),
//!   `many-sessions` (two-user sessions, memory per session) or `forward` (publishers ×
//!   subscribers × sessions: egress packets, loss, latency from the send time in the
//!   payload).
//! - [`run`] joins the users (`concurrency` joins in flight), measures one window per
//!   scenario and returns a [`Report`]. With the server's pid it reads the server's CPU time
//!   and memory from `/proc` at both ends of the window; its own CPU is always reported,
//!   so a reader sees which side was the bottleneck.
//! - Clients are light: one signaling connection each, and at most one media peer that
//!   keeps counters and a latency histogram, never a record per frame.
//! - A run can be split over processes with a [`Shard`]; [`SpawnedServer`] starts a server
//!   for the run (`--spawn`).
//!
//! ## Where things are
//!
//! | file | holds |
//! |---|---|
//! | `options.rs`, `report.rs` | what to run, what was measured |
//! | `users.rs` | tokens, timed joins, user-list checks, leaving |
//! | `media.rs` | publishing and subscribing peers, what they received |
//! | `scenario/*.rs` | one file per scenario |
//! | `server.rs`, `procfs.rs` | the server's and our CPU and memory; spawning a server |
//!
//! [`Percentiles`] and [`procfs`] are also what `convene-bench`'s `raw-load` and
//! `janus-load` measure with, so every `forward` report is computed the same way.
//! | `progress.rs` | the progress line on stderr |
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod media;
mod options;
pub mod procfs;
mod progress;
mod report;
mod scenario;
mod server;
mod users;

pub use options::{LoadOptions, Scenario, Shard};
pub use procfs::ProcSample;
pub use report::{Percentiles, Report};
pub use server::SpawnedServer;

use progress::Progress;
use server::ServerProbe;

/// Runs the scenario and reports. Every client leaves before it returns.
pub async fn run(o: LoadOptions) -> Report {
    let progress = Progress::new(o.progress);
    let probe = ServerProbe::new(o.server_pid);
    let report = match o.scenario {
        Scenario::JoinStorm => scenario::join_storm::run(&o, probe, &progress).await,
        Scenario::BigSession => scenario::big_session::run(&o, probe, &progress).await,
        Scenario::ManySessions => scenario::many_sessions::run(&o, probe, &progress).await,
        Scenario::Forward => scenario::forward::run(&o, probe, &progress).await,
    };
    progress.finish();
    report
}

#[cfg(test)]
mod tests;
