//! # Convene client SDK for Rust
//!
//! Joins a Convene session over the signaling WebSocket (`ws://HOST:PORT/rtc/v1`) and keeps a
//! local copy of it. The surface follows the browser SDK (SPEC §3): the same lifecycle, method
//! names in snake case, and the same event names, payloads and error codes.
//!
//! ## Brief overview
//! - [`Client`]: a cheap, cloneable handle. Methods send a command to the client's one
//!   background task and await the answer; the getters read the local copy of the session.
//! - [`ClientEvent`] from [`Client::events`]: a [`futures_util::Stream`] (also readable with
//!   [`Events::recv`]). Server events are passed on as [`convene_protocol::Event`], so their
//!   names are defined once. The local user list is updated *before* an event is delivered.
//! - [`ClientError`]: the server's `{type, reason, errorCode}` as is, or a local failure mapped
//!   to the same shape ([`ClientError::to_error_body`]).
//!
//! ## Inside: a sans-IO core and a thin driver
//! Every rule of the client (join, requests and their deadlines, keep-alive, failover with
//! backoff, leave) lives in `ClientCore`, a plain state machine with no socket, clock or task:
//! app calls, socket news and the passing of time go in, and "connect", "send", "close",
//! "deliver this event", "finish this call" come out, with the next deadline. The background
//! task (`driver`) only turns tokio-tungstenite I/O into those inputs and outputs back into
//! I/O, sleeping until the next I/O or deadline (no polling tick). The core is tested in
//! virtual time; the driver against a scripted and a real server (`tests/`).
//!
//! ## Lifecycle
//! ```no_run
//! # async fn demo(token: &str) -> Result<(), convene_client::ClientError> {
//! use convene_client::{Client, ClientEvent};
//! use futures_util::StreamExt;
//!
//! let client = Client::new();
//! let mut events = client.events();
//! client.init("http://127.0.0.1:8080").await?;
//! let info = client.join("daily standup", token, "Ann", None, None).await?;
//! println!("joined as {}; {} present", info.user_id, client.get_all_user().len());
//! client.chat_send_to_all("hello").await?;
//! while let Some(ev) = events.next().await {
//!     println!("{}", serde_json::to_string(&ev).unwrap());
//!     if ev.is_terminal() {
//!         break; // removed, ended by host, idle timeout, or failover gave up
//!     }
//! }
//! client.leave(false).await.ok();
//! client.destroy().await
//! # }
//! ```
//!
//! ## Connection loss (failover, SPEC §8)
//! When the socket drops without a leave, the client emits `connection-change
//! {state: Reconnecting, reason: "failover"}` and reconnects by itself: a new socket to the
//! same URL and a `resume` with the token from the join reply, retried with a backoff from
//! 100 ms doubling to 2 s. On success the user list is replaced by the server's, the
//! differences are delivered as `user-added` / `user-updated` / `user-removed`, then
//! `connection-change {Connected}`. After two minutes, or when the server refuses the resume
//! for good, it emits `connection-change {Fail}` and the session is over. Calls made while
//! reconnecting fail with 5003; calls pending when the drop happened fail with 3 (cancelled).
//! A `ping` every 15 s keeps the connection alive; one unanswered for 10 s counts as a drop.
//!
//! ## Media path loss (ICE restart)
//! The media peer can lose its path while signaling stays up (a new network, a NAT that
//! forgot its mapping). A watchdog per peer notices (no datagram for 1.5 s while receive
//! slots carry media, or ICE disconnected) and restarts ICE from a new local socket, keeping
//! tracks, slots and the session; no event reaches the app. Apps that learn of a network
//! change first call [`MediaStream::restart_ice`]. See `docs/sfu.md`.
//!
//! ## Subsessions (breakout rooms)
//! The reference's `SubsessionClient` is a group of [`Client`] methods (`create_subsessions`,
//! `open_subsessions`, `join_subsession`, ..., and getters such as
//! [`Client::get_current_subsession`]). Moving between rooms is the server's decision: on
//! `subsession-moved` the client takes the new room as after a join, between `connection-change
//! {Reconnecting, reason: "join breakout room" | "move to breakout room" | "back to main
//! session"}` and `{Connected}`: the session id (a resume goes to the room from then on), the
//! user list (the difference as `user-removed` / `user-added`), the privileges; the media peer
//! is rebuilt with the audio, camera and share that were on. See `docs/subsessions.md`.
//!
//! ## Errors and panics
//! Every failed call returns a [`ClientError`], with the server's error kept verbatim and each
//! local failure (not initialised, not joined, reconnecting, timeout, cancelled...) mapped to
//! its reference code. Join parameters are checked before anything is sent, with the rules of
//! [`convene_protocol::validate_join_params`]. No panic on server input: an unknown or
//! malformed message is logged and skipped.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod calls;
mod client;
mod client_core;
mod driver;
mod error;
mod event;
mod live;
mod media;
mod media_state;
mod media_watchdog;
mod process;
mod recording;
mod shared;
mod state;
mod subsession;
mod subsession_view;
mod url;

pub use client::Client;
pub use error::ClientError;
pub use event::{ClientEvent, Events};
pub use media::{MediaStat, MediaStream, Transport};
pub use media_state::MediaOptions;
pub use process::{create_client, destroy_client};
pub use state::SessionInfo;
pub use subsession_view::{CurrentSubsession, SubsessionUserStatus};

/// The wire types this crate speaks, re-exported so apps need no second dependency.
pub use convene_protocol as protocol;
