//! `raw-relay`: the raw relay on a UDP socket, until killed. Prints its address on the first
//! line of stdout.
//!
//! ```sh
//! raw-relay --bind 127.0.0.1:0 --audio-slots 3
//! ```
//! See the `convene_bench` crate docs for what it does, and `raw-load` to drive it.

use std::io::Write;
use std::net::SocketAddrV4;
use std::sync::atomic::AtomicBool;

use clap::Parser;
use convene_bench::{Relay, RelayConfig};

/// The raw relay: the least work a forwarding server can do (open, rewrite, seal, sendmmsg).
#[derive(Parser)]
struct Args {
    /// Where to listen (IPv4).
    #[arg(long, default_value = "127.0.0.1:0")]
    bind: SocketAddrV4,
    /// Publishers whose audio every receiver gets (an SFU's loudest speakers).
    #[arg(long, default_value_t = 3)]
    audio_slots: u16,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let config = RelayConfig {
        audio_slots: args.audio_slots,
        ..RelayConfig::default()
    };
    let mut relay = Relay::bind(args.bind, config)?;
    let mut out = std::io::stdout();
    writeln!(out, "{}", relay.local_addr()?)?;
    out.flush()?;
    relay.run(&AtomicBool::new(false))?;
    Ok(())
}
