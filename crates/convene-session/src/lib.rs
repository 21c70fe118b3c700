//! # Convene session core (sans-IO)
//!
//! Every rule of a Convene session lives here: sessions created on demand per
//! `(app key, lower-cased topic)`, user ids, passcodes, capacity, roles and the privilege
//! table, moderation, chat, the command channel, share privilege, idle timeout and failover.
//!
//! ## Brief overview
//! The core is a plain state machine. It never reads a clock, touches a socket or spawns a
//! task: time comes in as an argument, and everything it wants done comes out as [`Output`].
//!
//! Its nouns: a [`Core`] holds sessions (each with an id, a
//! [`SessionId`](convene_protocol::SessionId), and its users, each a
//! [`UserId`](convene_protocol::UserId)); a driver numbers its signaling connections
//! ([`ConnId`]) and feeds [`Input`]s (verified joins with their [`JoinToken`], requests,
//! dropped connections, time, what the media plane saw). The core answers with [`Output`]s:
//! messages to send (one message, many recipients: serialise once), connections to close,
//! [`MediaAction`]s, the media rules the SFU carries out, and [`Lifecycle`] notices (a
//! session started or ended, a user joined or left: what webhooks tell). [`Config`] holds
//! the limits. An app's backend acts through [`Core::admin`] ([`Admin`]: end a session,
//! remove a user), which takes the host's own code paths, and reads [`Core::session_info`].
//!
//! ```
//! use convene_session::{Config, Core, Input, Output, ConnId};
//! use std::time::Instant;
//!
//! let start = Instant::now();
//! let mut core = Core::new(Config::default(), start, 1_700_000_000_000, [42; 32]);
//! core.handle(start, Input::Disconnected { conn: ConnId(1) }); // nothing bound: no output
//! while let Some(out) = core.poll_output() {
//!     match out {
//!         Output::Send { to, msg } => { /* serialise `msg` once, write it to each of `to` */ }
//!         Output::Close { conn } => { /* close that connection */ }
//!         Output::Media(action) => { /* hand it to the media plane */ }
//!         Output::Lifecycle(notice) => { /* tell webhooks */ }
//!         Output::Egress(action) => { /* start or stop the recording worker */ }
//!     }
//! }
//! assert!(core.is_empty());
//! // Then wait until `core.poll_timeout()` (or the next input) and feed `Input::Timeout`.
//! ```
//!
//! The driver contract (as in str0m): after **each** [`Core::handle`], drain
//! [`Core::poll_output`] until it returns `None`, then sleep until [`Core::poll_timeout`].
//! Once the core has closed a connection ([`Output::Close`]) it ignores whatever that
//! connection still sends (a `join` already on its way after a `leave` binds no user); the
//! driver reports every connection's end with [`Input::Disconnected`], also of those the
//! core closed, so the core can forget them. A driver never reuses a [`ConnId`].
//!
//! Inside: `core` (state, dispatch, fan-out), `closed` (the connections it closed), `handlers/*` (one module per concern: join,
//! roles, chat, audio, share, media, timeouts), `privilege` (each rule of who may do what,
//! once), `rate` (per-user message budgets), `chat_log` (a session's bounded chat history),
//! `timers` (the deadline heap: idle timeout, failover expiry), `info` (the outside view:
//! session info, lifecycle notices, admin actions), `reply` (typed
//! replies, turned into JSON in one place), `session` (one session instance and its users),
//! `card` (a user's participant and its JSON, written once per change), `snapshot` (a
//! session's durable state, restored on another node), `rooms` (a session's subsessions,
//! each also a session of the core while open; `handlers/group` treats a session and its
//! rooms as one, `handlers/subsession` answers the `subsession.*` calls).
//!
//! ## Errors and panics
//! Peer input never panics: every refusal is an
//! [`ErrorBody`](convene_protocol::ErrorBody) reply with the reference SDK's code, sent to
//! the caller only. A panic here is a bug: each `expect` names the invariant it relies on.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod card;
mod chat_log;
mod closed;
mod config;
mod core;
mod handlers;
mod info;
mod input;
mod output;
mod privilege;
mod rate;
mod reply;
mod rooms;
mod session;
mod snapshot;
mod timers;

pub use crate::config::Config;
pub use crate::core::Core;
pub use crate::info::{Admin, AdminError, Lifecycle, LifecycleEvent, SessionInfo};
pub use crate::input::{ConnId, Input, JoinToken};
pub use crate::output::{EgressAction, MediaAction, MediaState, Output};
pub use crate::snapshot::{Snapshot, SnapshotUser};
pub use convene_protocol::{normalize_user_name, validate_join_params, ValidJoin};

#[cfg(test)]
mod tests;
