//! What the server sends: replies (a join's result among them) and the envelope that tells a
//! reply from an event.

use crate::{ChatPrivilege, ErrorBody, Participant, SessionId, SharePrivilege, UserId};
use serde::{Deserialize, Serialize};

/// What a successful `join` / `resume` returns: the session and the whole user list in one
/// message. `U` is how the list is held: decoded participants (clients), or JSON text the
/// server wrote from its cached cards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinResult<U = Vec<Participant>> {
    /// Random id of this session instance.
    pub session_id: SessionId,
    /// The topic as the starter gave it.
    pub topic: String,
    /// Our user id.
    pub user_id: UserId,
    /// The session passcode ('' when none).
    pub password: String,
    /// We are the original host (first role-1 joiner of this instance).
    pub is_original_host: bool,
    /// Everyone present, ourselves included.
    pub users: U,
    /// Chat privilege.
    pub chat_privilege: ChatPrivilege,
    /// Share privilege.
    pub share_privilege: SharePrivilege,
    /// Participants may rename themselves.
    pub rename_allowed: bool,
    /// Secret to present in `resume` after a dropped connection.
    pub resume_token: String,
    /// The session's cloud recording (then `recording-change`).
    #[serde(default)]
    pub recording: crate::RecordingStatus,
    /// The session's live stream (then `live-stream-status`).
    #[serde(default)]
    pub live_stream: crate::LiveStreamStatus,
    /// The server can record and stream (its media framework is installed).
    #[serde(default)]
    pub can_record: bool,
}

/// The one reply to a [`Request`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// The request's id (0 when the request was too malformed to carry one).
    pub id: u64,
    /// Success.
    pub ok: bool,
    /// The result on success (`null` for plain acknowledgements).
    #[serde(
        default,
        deserialize_with = "present_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub result: Option<ResultJson>,
    /// The failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
}

/// A reply's result: JSON decoded into a value (what a client reads), or JSON text written
/// once straight from typed data (what the server sends: a 5,000-user join reply is never
/// built as a tree of values first).
#[derive(Debug, Clone)]
pub enum ResultJson {
    /// A decoded (or hand-built) value.
    Value(serde_json::Value),
    /// Serialised JSON text.
    Text(Box<serde_json::value::RawValue>),
}

impl ResultJson {
    /// Writes `v` as JSON text now.
    pub fn text_of<T: Serialize + ?Sized>(v: &T) -> Self {
        // unwrap is ok because protocol types serialise infallibly (no maps with non-string keys).
        ResultJson::Text(serde_json::value::to_raw_value(v).expect("protocol types serialise"))
    }

    /// The result as a value (text is parsed).
    pub fn into_value(self) -> serde_json::Value {
        match self {
            ResultJson::Value(v) => v,
            // unwrap is ok because the text was written by serde_json.
            ResultJson::Text(t) => serde_json::from_str(t.get()).expect("valid JSON text"),
        }
    }

    /// Decodes the result as `T`.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        match self {
            ResultJson::Value(v) => T::deserialize(v),
            ResultJson::Text(t) => serde_json::from_str(t.get()),
        }
    }
}

impl PartialEq for ResultJson {
    fn eq(&self, other: &Self) -> bool {
        self.clone().into_value() == other.clone().into_value()
    }
}

impl From<serde_json::Value> for ResultJson {
    fn from(v: serde_json::Value) -> Self {
        ResultJson::Value(v)
    }
}

impl Serialize for ResultJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ResultJson::Value(v) => v.serialize(s),
            ResultJson::Text(t) => t.serialize(s),
        }
    }
}

/// A present `result` stays `Some` even when it is `null` (the reply of a call with no
/// answer), so a reply decodes to what was sent.
/// It is kept as text: whoever reads it decodes it once, into its own type (a join reply's
/// 5,000 users go straight into participants, never through a tree of JSON values).
fn present_value<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<ResultJson>, D::Error> {
    Box::<serde_json::value::RawValue>::deserialize(d).map(|t| Some(ResultJson::Text(t)))
}

impl Reply {
    /// A success reply.
    pub fn ok(id: u64, result: impl Into<ResultJson>) -> Self {
        Reply {
            id,
            ok: true,
            result: Some(result.into()),
            error: None,
        }
    }

    /// A failure reply.
    pub fn err(id: u64, error: ErrorBody) -> Self {
        Reply {
            id,
            ok: false,
            result: None,
            error: Some(error),
        }
    }

    /// The result as a value (`null` when there is none).
    pub fn result_value(self) -> serde_json::Value {
        self.result
            .map_or(serde_json::Value::Null, ResultJson::into_value)
    }
}

/// One server → client message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ServerMsg {
    /// The reply to a request.
    Reply(Reply),
    /// A pushed event.
    Event(crate::Event),
}

impl ServerMsg {
    /// Decodes one message from its text. Told apart by their first key: an event starts
    /// with `"event"` (the server writes the tag first), anything else is tried as a reply,
    /// then as an event. Each is decoded straight from the text: serde's `untagged` would
    /// first copy every message, a whole user list included, into an intermediate tree and
    /// try each variant on it. Prefer this to `serde_json::from_str`, which first copies the
    /// message aside (see the `Deserialize` impl).
    pub fn from_text(text: &str) -> serde_json::Result<ServerMsg> {
        let event = || serde_json::from_str(text).map(ServerMsg::Event);
        let reply = || serde_json::from_str(text).map(ServerMsg::Reply);
        let starts_with_event = text
            .trim_start()
            .strip_prefix('{')
            .is_some_and(|rest| rest.trim_start().starts_with("\"event\""));
        match starts_with_event {
            true => event(),
            false => reply().or_else(|_| event()),
        }
    }
}

/// Through [`ServerMsg::from_text`]; a generic deserializer gives no text to look at, so the
/// message is first copied aside as raw JSON.
impl<'de> Deserialize<'de> for ServerMsg {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        ServerMsg::from_text(raw.get())
            .map_err(|e| D::Error::custom(format!("neither a reply nor an event: {e}")))
    }
}
