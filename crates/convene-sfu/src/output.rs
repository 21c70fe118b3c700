//! What the sans-IO core hands back: packets to send, events, its next deadline.

use std::net::SocketAddr;
use std::time::Instant;

use str0m::net::Protocol;

use crate::Event;

/// A packet to send: a datagram from the SFU's UDP socket, or one RFC 4571 frame on the
/// ICE-TCP connection from `destination` (see [`Sfu::set_tcp_addr`](crate::Sfu::set_tcp_addr)).
#[derive(Debug)]
pub struct Transmit {
    /// [`Protocol::Udp`] or [`Protocol::Tcp`] (never anything else).
    pub proto: Protocol,
    /// Where to: the remote address of the datagram or of the TCP connection.
    pub destination: SocketAddr,
    /// The bytes.
    pub contents: Vec<u8>,
}

impl From<str0m::net::Transmit> for Transmit {
    fn from(t: str0m::net::Transmit) -> Self {
        Transmit {
            proto: t.proto,
            destination: t.destination,
            contents: t.contents.into(),
        }
    }
}

/// What [`Sfu::poll_output`](crate::Sfu::poll_output) hands back.
#[derive(Debug)]
pub enum Output {
    /// Send this datagram.
    Transmit(Transmit),
    /// Deliver this event to the signalling layer.
    Event(Event),
    /// Nothing more to do until this instant (or until new input).
    Timeout(Instant),
}
