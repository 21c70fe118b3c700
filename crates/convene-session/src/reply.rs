//! Typed replies: what a handler returns, turned into wire JSON in one place
//! ([`Payload::into_result`], called only when the reply message is built).

use convene_protocol::{ChatMessage, CommandChannelMsg, ErrorBody, JoinResult, ResultJson};
use serde_json::value::RawValue;
use std::sync::Arc;

/// The result of one request: a payload, or the refusal sent to the caller only.
pub(crate) type Handled = Result<Payload, ErrorBody>;

/// What a successful request returns.
#[derive(Debug)]
pub(crate) enum Payload {
    /// A plain acknowledgement (`null` on the wire).
    Ack,
    /// `join` and `resume`: the session and the whole user list (JSON from the cards).
    Joined(Box<JoinResult<Box<RawValue>>>),
    /// `getAllUser`: the user list as JSON, from the cards.
    Users(Box<RawValue>),
    /// `chat.send` / `chat.sendToAll`: the message as stored.
    Chat(ChatMessage),
    /// `chat.getHistory`: the messages this user saw, shared with the other users' histories.
    History(Vec<Arc<ChatMessage>>),
    /// `command.send`.
    Command(CommandChannelMsg),
    /// A small answer (`recording.getCloudRecordingStatus`, `recording.canStartRecording`).
    Value(serde_json::Value),
}

impl Payload {
    /// The reply's `result`, written as JSON text once, straight from the typed data.
    pub(crate) fn into_result(self) -> ResultJson {
        match self {
            Payload::Ack => ResultJson::Value(serde_json::Value::Null),
            Payload::Joined(j) => ResultJson::text_of(&j),
            Payload::Users(users) => ResultJson::Text(users),
            Payload::Chat(m) => ResultJson::text_of(&m),
            Payload::History(h) => ResultJson::text_of(&h.iter().map(|m| &**m).collect::<Vec<_>>()),
            Payload::Command(c) => ResultJson::text_of(&c),
            Payload::Value(v) => ResultJson::Value(v),
        }
    }
}
