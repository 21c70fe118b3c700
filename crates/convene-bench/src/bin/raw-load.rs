//! `raw-load`: `forward`-shaped load on the raw relay; prints one JSON report line.
//!
//! ```sh
//! cargo build --release -p convene-bench
//! ./target/release/raw-load --spawn --publishers 4 --subscribers 50 --duration-secs 10
//! # or against a relay started by hand:
//! ./target/release/raw-relay & ./target/release/raw-load --relay 127.0.0.1:PORT --server-pid $!
//! ```
//! Progress goes to stderr; the last line of stdout is the report.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Parser;
use convene_bench::load::{self, LoadOptions, MediaShape};

/// Drives the raw relay like `convene load --scenario forward` drives Convene.
#[derive(Parser)]
struct Args {
    /// The relay's address (not with `--spawn`).
    #[arg(long, required_unless_present = "spawn")]
    relay: Option<SocketAddr>,
    /// The relay's pid, to measure its CPU (not with `--spawn`).
    #[arg(long)]
    server_pid: Option<u32>,
    /// Start `raw-relay` (next to this binary) on 127.0.0.1 and stop it afterwards.
    #[arg(long, conflicts_with_all = ["relay", "server_pid"])]
    spawn: bool,
    /// Publishers.
    #[arg(long, default_value_t = 2)]
    publishers: u16,
    /// Receivers.
    #[arg(long, default_value_t = 10)]
    subscribers: u32,
    /// Length of the measured window.
    #[arg(long, default_value_t = 10.0)]
    duration_secs: f64,
    /// Media before the window.
    #[arg(long, default_value_t = 1.0)]
    warmup_secs: f64,
    /// Video layer each receiver gets (0 = lowest, 2 = highest).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(0..=2))]
    layer: u8,
    /// Publishers whose audio every receiver gets.
    #[arg(long, default_value_t = 3)]
    audio_slots: u16,
}

/// Kills the spawned relay however `main` ends.
struct Spawned(Child);

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut _spawned = None;
    let (relay, relay_pid) = if args.spawn {
        let (addr, child) = spawn_relay(args.audio_slots)?;
        let pid = child.0.id();
        _spawned = Some(child);
        (addr, Some(pid))
    } else {
        // unwrap is ok because clap requires --relay without --spawn.
        (args.relay.expect("--relay"), args.server_pid)
    };
    let options = LoadOptions {
        relay,
        relay_pid,
        publishers: args.publishers,
        subscribers: args.subscribers,
        warmup: Duration::from_secs_f64(args.warmup_secs),
        duration: Duration::from_secs_f64(args.duration_secs),
        layer: args.layer,
        audio_slots: args.audio_slots,
        media: MediaShape::default(),
    };
    eprintln!(
        "raw-load: {} publishers, {} receivers, relay {relay}, {:.1} s warm-up + {:.1} s",
        args.publishers, args.subscribers, args.warmup_secs, args.duration_secs
    );
    let report = load::run(&options)?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

fn spawn_relay(audio_slots: u16) -> anyhow::Result<(SocketAddr, Spawned)> {
    let exe = std::env::current_exe()?.with_file_name("raw-relay");
    let mut child = Spawned(
        Command::new(&exe)
            .args(["--bind", "127.0.0.1:0", "--audio-slots"])
            .arg(audio_slots.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", exe.display()))?,
    );
    let Some(stdout) = child.0.stdout.take() else {
        bail!("no stdout from raw-relay");
    };
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let addr = line
        .trim()
        .parse()
        .with_context(|| format!("raw-relay printed {line:?}"))?;
    Ok((addr, child))
}
