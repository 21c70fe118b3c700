//! [`Phase`]: where the client is in its lifecycle, and [`Link`]: the state of its socket.

use super::failover::Failover;
use super::CallId;
use convene_protocol::JoinParams;
use std::time::Instant;

/// Where the client is in its lifecycle.
#[derive(Debug)]
pub(crate) enum Phase {
    /// Not in a session.
    Idle,
    /// Opening the socket for a join; `call` is the app's `join`, answered once the server
    /// replies.
    Connecting { call: CallId, params: JoinParams },
    /// `join` sent; its reply is pending.
    Joining,
    /// In the session. `leaving` while a `leave` is pending: a drop then means "left".
    Joined { leaving: bool },
    /// Failover: the socket dropped without a leave; trying to `resume`.
    Reconnecting(Failover),
    /// `destroy`: a last `leave` is on its way; `call` is answered once it is settled.
    Stopping { call: CallId },
    /// Destroyed or killed: every call fails with `Destroyed`.
    Stopped,
}

/// The signaling socket as the core last asked the driver to make it.
#[derive(Debug)]
pub(crate) enum Link {
    /// No socket and no attempt.
    Down,
    /// [`super::Output::Connect`] asked for one; it must open by `deadline`.
    Opening { url: String, deadline: Instant },
    /// Open: frames may be sent.
    Up,
}
