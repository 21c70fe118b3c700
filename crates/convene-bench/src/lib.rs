//! Benchmarks of Convene's hot paths, and the floor they are compared with.
//!
//! # Brief overview
//!
//! * `benches/micro` (`cargo bench -p convene-bench`, [divan]): one token validated, one
//!   user-list change fanned out to 5,000 users, the join reply of a 5,000-user session, one
//!   RTP packet forwarded to one subscriber by the SFU's sans-IO core. Each bench's doc
//!   comment says exactly what its timed region holds.
//! * The **raw relay** ([`Relay`], binary `raw-relay`): the least work a forwarding server can
//!   do on this machine. It receives UDP datagrams on 127.0.0.1, opens each (AES-128-GCM, the
//!   cipher of SRTP's AEAD profile), and sends one copy per receiver that wants it, each
//!   copy's header rewritten and sealed with that receiver's key, all copies of one input in
//!   one `sendmmsg` call. No ICE, no RTCP, no pacing, no congestion control: a floor, not an
//!   SFU.
//! * The **raw load** ([`load::run`], binary `raw-load`): publishers and receivers shaped
//!   like `convene load --scenario forward` (Opus-shaped audio at 50 packets/s, a 3-layer
//!   simulcast video, each receiver getting one layer and the loudest speakers' audio), and
//!   the relay's CPU read from `/proc/PID/stat` over the measured window. It prints one
//!   [`Report`] as JSON, with the field names every `forward` report uses.
//!
//! The datagram layout both share is in [`wire`]; the keys in [`cipher`].
//!
//! # Unsafe code
//!
//! Only `sys` has any: the `sendmmsg(2)` call (no safe wrapper in the dependencies the
//! workspace already has).
//!
//! [divan]: https://docs.rs/divan
#![deny(missing_docs)]

pub mod cipher;
pub mod load;
mod relay;
mod report;
mod sys;
pub mod wire;

pub use convene_loadtest::Percentiles;
pub use relay::{Relay, RelayConfig};
pub use report::Report;
