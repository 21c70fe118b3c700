//! `janus-load`: the `forward` scenario's clients against Janus VideoRoom; prints one JSON
//! report as the last line of stdout (progress on stderr).
//!
//! ```sh
//! janus-load --url http://127.0.0.1:8088/janus --publishers 2 --subscribers 10 --sessions 1 \
//!   --duration-secs 10 --server-pid "$(pidof janus)"
//! ```

use std::time::Duration;

use clap::Parser;
use convene_janus_load::{run, Options};

/// Drives Janus VideoRoom with Convene's `forward` media and measures it from outside.
#[derive(Debug, Parser)]
#[command(name = "janus-load", version)]
struct Args {
    /// Janus's HTTP API.
    #[arg(long, default_value = "http://127.0.0.1:8088/janus")]
    url: String,
    /// Publishers per room (audio + 3-layer simulcast video each).
    #[arg(long, default_value_t = 2)]
    publishers: usize,
    /// Subscribers per room, each receiving every publisher of its room.
    #[arg(long, default_value_t = 10)]
    subscribers: usize,
    /// Rooms.
    #[arg(long, default_value_t = 1)]
    sessions: usize,
    /// Length of the measured window, seconds.
    #[arg(long, default_value_t = 10)]
    duration_secs: u64,
    /// Simulcast layer subscribers receive, 0 = lowest. 1 matches Convene's default
    /// quality (360p, the middle layer).
    #[arg(long, default_value_t = 1)]
    substream: u8,
    /// Janus's pid: adds its CPU and peak RSS over the window to the report.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Seconds to wait for publishers to connect and subscribers to receive every stream.
    #[arg(long, default_value_t = 15)]
    ready_timeout_secs: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    let report = run(Options {
        url: a.url,
        publishers: a.publishers,
        subscribers: a.subscribers,
        sessions: a.sessions,
        duration: Duration::from_secs(a.duration_secs),
        substream: a.substream,
        server_pid: a.server_pid,
        ready_timeout: Duration::from_secs(a.ready_timeout_secs),
    })
    .await?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}
