//! The server's edge, where anonymous clients arrive: the accept loop with its header
//! timeout and connection caps (`listener.rs`, `limits.rs`), the fd limit they derive from
//! (`fd_limit.rs`), which origins and hosts may use what (`origin.rs`), and short-lived TURN
//! credentials (`turn.rs`), the WebSocket handshake and fragmented writes (`websocket.rs`). A WebSocket's budget (`budget.rs`) and clocks (`keepalive.rs`: pings,
//! dead peers, the join timeout) are driven by `conn.rs`.

mod budget;
mod fd_limit;
mod keepalive;
mod limits;
mod listener;
mod origin;
mod websocket;

pub(crate) use budget::FrameBudget;
pub use fd_limit::{derived_max_connections, raise_fd_limit};
pub(crate) use keepalive::{Due, Keepalive};
pub(crate) use listener::{serve, Admission};
pub(crate) use origin::{cors_allow, is_direct_loopback};
pub(crate) use websocket::{feed_text, Upgrade, WebSocket};
