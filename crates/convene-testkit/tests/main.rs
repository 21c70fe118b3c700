//! End-to-end tests of Convene over real WebSockets on 127.0.0.1: a real server, several Rust
//! clients each, raw sockets for what the SDK never sends, the `convene` binary, and tokens
//! from an independent JWT library (PyJWT).
//!
//! Every wait is bounded; nothing sleeps to assert speed.

mod bench;
mod bot;
mod chat;
mod edge;
mod errors;
mod failover;
mod faults;
mod fd_exhaustion;
mod lifecycle;
mod media;
mod passcode;
mod recording;
mod recording_tracks;
mod rest;
mod roles;
mod slow;
mod subsession;
mod tokens;
mod turn;
mod webhooks;
