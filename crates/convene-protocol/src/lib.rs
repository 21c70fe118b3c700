//! # Convene wire protocol
//!
//! The one source of truth for what travels over the signaling WebSocket (`/rtc/v1`).
//! Both SDKs and the server speak it; nothing else defines a message.
//!
//! ## Brief overview
//! - JSON text frames, one message per frame.
//! - Client → server: a [`Request`]: `{"id": 7, "method": "changeName", "params": {...}}`.
//!   Every request gets exactly one [`Reply`] with the same `id`.
//! - Server → client: a [`ServerMsg`]: either a reply
//!   `{"id": 7, "ok": true, "result": ...}` / `{"id": 7, "ok": false, "error": {type, reason, errorCode}}`
//!   or a pushed event `{"event": "user-added", "payload": [...]}` whose names and payloads are
//!   the reference Video SDK's (see [`Event`]).
//! - Errors carry the reference SDK's numeric codes ([`ErrorCode`]) and types ([`ErrorType`]).
//!
//! This crate has no I/O and no async: only types, limits and (de)serialisation.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod catalog;
mod diff;
mod error;
mod event;
mod ids;
mod join;
mod limits;
mod live;
mod number;
mod params;
mod participant;
mod privilege;
pub mod probe;
mod recording;
mod reply;
mod request;
mod subsession;

pub use catalog::{event_names, method_names};
pub use diff::{participant_delta, user_list_diff};
pub use error::{ErrorBody, ErrorCode, ErrorType};
pub use event::{
    ActiveSpeaker, AskUnmuteReason, AudioAction, AudioChangeSource, ChatMessage, ChatUser,
    CommandChannelMsg, ConnectionState, Event, LinkDirection, MediaKind, ShareState, StartStop,
    StopShareReason,
};
pub use ids::{SessionId, UserId};
pub use join::{normalize_user_name, validate_join_params, ValidJoin};
pub use limits::*;
pub use live::{LiveStreamParams, LiveStreamStatus};
pub use params::{JoinParams, ResumeParams, RtcAnswer, RtcOffer, TargetOpt, TargetParams};
pub use participant::{AudioKind, FullParticipant, Participant, ParticipantUpdate};
pub use privilege::{ChatPrivilege, SharePrivilege};
pub use recording::RecordingStatus;
pub use reply::{JoinResult, Reply, ResultJson, ServerMsg};
pub use request::{ClientMsg, Request};
pub use subsession::{
    AllocationPattern, HelpResponse, MoveReason, OpenSubsessions, Subsession, SubsessionMoved,
    SubsessionNames, SubsessionOptions, SubsessionState, SubsessionStatus, SubsessionTarget,
    SubsessionUser, MAX_SUBSESSIONS, MAX_SUBSESSION_BROADCAST_BYTES, MAX_SUBSESSION_NAME_CHARS,
    MAX_SUBSESSION_SECONDS,
};

/// Protocol version, also the path segment of the signaling URL (`/rtc/v1`).
pub const PROTOCOL_VERSION: u32 = 1;

#[cfg(test)]
mod tests;
