//! One integration binary (STYLE rule 8).
//!
//! - `session`: client behaviour against a scripted signaling server (`fake`), message by
//!   message: joins, events, errors, failover, kill.
//! - `real`: failover against the real `convene_server`. Broader end-to-end suites live in
//!   `convene-testkit`.

mod fake;
mod real;
mod session;
