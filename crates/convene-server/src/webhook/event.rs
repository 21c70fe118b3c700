//! A webhook's JSON body, from the session core's [`Lifecycle`] notice.

use crate::time::rfc3339;
use convene_session::Lifecycle;
use serde_json::json;

/// `{"event", "event_ts", "payload": {"app_key", "object": {"session_id", "session_name",
/// "start_time", "user"?}}}`; `user` (`{"id", "name", "user_identity"}`) only in user events.
pub(crate) fn body(l: &Lifecycle, event_ts_ms: u64) -> Vec<u8> {
    let s = &l.session;
    let mut object = json!({
        "session_id": s.session_id.to_string(),
        "session_name": s.topic,
        "start_time": rfc3339(s.started_ms),
    });
    if let Some(u) = &l.user {
        object["user"] = json!({
            "id": u.user_id.0,
            "name": u.display_name,
            "user_identity": u.user_identity,
        });
    }
    let v = json!({
        "event": l.event.name(),
        "event_ts": event_ts_ms,
        "payload": { "app_key": s.app_key, "object": object },
    });
    // unwrap is ok because a JSON value of strings and numbers always serialises.
    serde_json::to_vec(&v).expect("serialises")
}

/// `recording.completed`: the session's fields as in [`body`], and `recording`.
pub(crate) fn recording_body(r: &super::RecordingDone, event_ts_ms: u64) -> Vec<u8> {
    let v = json!({
        "event": "recording.completed",
        "event_ts": event_ts_ms,
        "payload": { "app_key": r.app_key, "object": {
            "session_id": r.session_id,
            "session_name": r.session_name,
            "start_time": rfc3339(r.started_ms),
            "recording": r.recording,
        }},
    });
    // unwrap is ok because a JSON value of strings and numbers always serialises.
    serde_json::to_vec(&v).expect("serialises")
}

#[cfg(test)]
mod tests {
    use super::*;
    use convene_protocol::{Participant, SessionId, UserId};
    use convene_session::{LifecycleEvent, SessionInfo};

    #[test]
    fn user_events_carry_the_user_and_session_events_do_not() {
        let session = SessionInfo {
            session_id: SessionId("abc".into()),
            app_key: "k".into(),
            topic: "Room".into(),
            started_ms: 0,
            has_passcode: false,
            user_count: 1,
        };
        let mut l = Lifecycle {
            event: LifecycleEvent::UserJoined,
            session,
            user: Some(Participant::new(UserId(7), "Ann")),
        };
        let v: serde_json::Value = serde_json::from_slice(&body(&l, 5)).unwrap();
        assert_eq!(
            v,
            json!({"event": "session.user_joined", "event_ts": 5, "payload": {"app_key": "k",
                "object": {"session_id": "abc", "session_name": "Room",
                    "start_time": "1970-01-01T00:00:00.000Z",
                    "user": {"id": 7, "name": "Ann", "user_identity": null}}}})
        );
        l.event = LifecycleEvent::SessionEnded;
        l.user = None;
        let v: serde_json::Value = serde_json::from_slice(&body(&l, 5)).unwrap();
        assert_eq!(v["event"], "session.ended");
        assert!(v["payload"]["object"].get("user").is_none());
    }
}
