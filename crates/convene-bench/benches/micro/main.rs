//! Micro-benchmarks of Convene's hot paths (`cargo bench -p convene-bench`), with [divan].
//!
//! * [`auth`]: one token validated.
//! * [`session`]: a 5,000-user session in the sans-IO session core: one more join (its
//!   reply carrying the whole user list, and `user-added` fanned out to 5,000 users), one
//!   rename fanned out to 5,000 users, and the join reply's serialisation alone.
//! * [`forward`]: one RTP packet forwarded to one subscriber by the SFU's sans-IO core
//!   (SRTP decrypt, route, rewrite, SRTP encrypt).
//!
//! Each bench's doc comment says what its timed region holds; setup is never timed.
//!
//! [divan]: https://docs.rs/divan

mod auth;
mod forward;
mod session;

fn main() {
    divan::main();
}
