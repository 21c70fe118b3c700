//! # Janus side by side
//!
//! `janus-load` runs the `forward` scenario of `convene load` against Janus 1.1.2's VideoRoom,
//! so both servers' cost per forwarded packet comes from the same media and the same method
//! (`scripts/bench-janus.sh` runs both and prints one table).
//!
//! ## Brief overview
//! * [`janus`]: the Janus API messages this tool sends and the replies it reads (pure).
//! * [`http`] and [`signal`]: Janus's HTTP transport (HTTP/1.0, long-poll for events) and one
//!   session with one VideoRoom handle per simulated client.
//! * [`payload`]: Opus- and VP8-shaped synthetic frames that carry their send time.
//! * [`peer`], [`publisher`] and [`subscriber`]: str0m peers, one task and one UDP socket each.
//! * [`measure`]: what subscribers record inside the window, merged into a [`Report`].
//!   CPU, memory and percentiles are measured by `convene-loadtest` (its `procfs` and
//!   `Percentiles`), as in `convene load`'s own reports.
//! * [`run`]: rooms, publishers, subscribers, warm-up, the window, teardown.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod http;
pub mod janus;
pub mod measure;
pub mod payload;
pub mod peer;
pub mod publisher;
pub mod run;
pub mod signal;
pub mod subscriber;

pub use measure::Report;
pub use run::{run, Options};
