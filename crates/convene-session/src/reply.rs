//! Typed replies: what a handler returns, turned into wire JSON in one place
//! ([`Payload::into_json`], called only when the reply message is built).

use convene_protocol::{ChatMessage, CommandChannelMsg, ErrorBody, JoinResult, Participant};
use serde_json::Value;
use std::sync::Arc;

/// The result of one request: a payload, or the refusal sent to the caller only.
pub(crate) type Handled = Result<Payload, ErrorBody>;

/// What a successful request returns.
#[derive(Debug)]
pub(crate) enum Payload {
    /// A plain acknowledgement (`null` on the wire).
    Ack,
    /// `join` and `resume`: the session and the whole user list.
    Joined(Box<JoinResult>),
    /// `getAllUser`.
    Users(Vec<Participant>),
    /// `chat.send` / `chat.sendToAll`: the message as stored.
    Chat(ChatMessage),
    /// `chat.getHistory`: the messages this user saw, shared with the other users' histories.
    History(Vec<Arc<ChatMessage>>),
    /// `command.send`.
    Command(CommandChannelMsg),
}

impl Payload {
    /// The reply's `result`. Going through a [`Value`] keeps the wire exactly as it was
    /// (object keys sorted), whatever the field order of the types.
    pub(crate) fn into_json(self) -> Value {
        let v = match self {
            Payload::Ack => return Value::Null,
            Payload::Joined(j) => serde_json::to_value(j),
            Payload::Users(users) => serde_json::to_value(users),
            Payload::Chat(m) => serde_json::to_value(m),
            Payload::History(h) => serde_json::to_value(h.iter().map(|m| &**m).collect::<Vec<_>>()),
            Payload::Command(c) => serde_json::to_value(c),
        };
        // unwrap is ok because protocol types serialise infallibly (no maps with non-string keys).
        v.expect("protocol types serialise")
    }
}
