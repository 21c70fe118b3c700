//! Golden fixtures (`fixtures/protocol/`): every message kind on the wire, and the shared rules.
//!
//! Each file is decoded into the Rust type and encoded again, and must come back as the same
//! JSON; the browser SDK runs the same files through its own codec (`sdk/js/test/`), so the two
//! sides cannot drift apart silently. Every method and event must have its file.

use convene_protocol::{
    event_names, method_names, user_list_diff, validate_join_params, ChatMessage,
    CommandChannelMsg, ErrorBody, ErrorCode, Event, JoinParams, JoinResult, Participant, Reply,
    Request, RtcAnswer, ServerMsg,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/protocol")
        .join(sub)
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

fn files(sub: &str) -> Vec<(String, Value)> {
    let mut out: Vec<_> = std::fs::read_dir(dir(sub))
        .expect("fixture dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let stem = p.file_stem().expect("stem").to_string_lossy().into_owned();
            (stem, read(&p))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Decodes `v` as `T`, encodes it again, and checks nothing was lost or added.
fn round_trip<T: DeserializeOwned + Serialize>(what: &str, v: &Value) -> T {
    let typed: T = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{what}: {e}"));
    let again = serde_json::to_value(&typed).expect("encodes");
    assert_eq!(&again, v, "{what} does not round-trip");
    typed
}

/// A server message decoded from its text as a client does ([`ServerMsg::from_text`]): the
/// same as through serde.
fn server_msg(what: &str, v: &Value) -> ServerMsg {
    let typed = round_trip::<ServerMsg>(what, v);
    let from_text = ServerMsg::from_text(&v.to_string()).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(from_text, typed, "{what}: from_text differs");
    typed
}

#[test]
fn every_request_round_trips_and_every_method_has_one() {
    let fixtures = files("client");
    for (name, v) in &fixtures {
        let req: Request = round_trip(name, v);
        assert_eq!(req.msg.method(), name, "file name is the method");
    }
    let have: Vec<&String> = fixtures.iter().map(|(n, _)| n).collect();
    for m in method_names() {
        assert!(have.contains(&&m), "no fixture for method {m}");
    }
}

#[test]
fn every_event_round_trips_and_every_event_has_one() {
    let mut seen = Vec::new();
    for (name, v) in files("server") {
        let Some(event) = name.strip_prefix("event.") else {
            continue;
        };
        let e: Event = round_trip(&name, &v);
        assert_eq!(e.name(), event, "file name is the event");
        let ServerMsg::Event(_) = server_msg(&name, &v) else {
            panic!("{name} decodes as a reply");
        };
        seen.push(event.to_owned());
    }
    for e in event_names() {
        assert!(seen.contains(&e), "no fixture for event {e}");
    }
}

#[test]
fn every_reply_round_trips_with_its_typed_result() {
    for (name, v) in files("server") {
        let Some(what) = name.strip_prefix("reply.") else {
            continue;
        };
        let reply: Reply = round_trip(&name, &v);
        let ServerMsg::Reply(_) = server_msg(&name, &v) else {
            panic!("{name} decodes as an event");
        };
        let result = reply.clone().result_value();
        match what {
            "join" | "resume" => drop(round_trip::<JoinResult>(&name, &result)),
            "getAllUser" => drop(round_trip::<Vec<Participant>>(&name, &result)),
            "chat.send" => drop(round_trip::<ChatMessage>(&name, &result)),
            "chat.getHistory" => drop(round_trip::<Vec<ChatMessage>>(&name, &result)),
            "command.send" => drop(round_trip::<CommandChannelMsg>(&name, &result)),
            "rtc.offer" => drop(round_trip::<RtcAnswer>(&name, &result)),
            "ok" => assert_eq!(result, Value::Null),
            "error" => {
                let body: ErrorBody = reply.error.expect("error body");
                assert_eq!(body.code().map(|c| c.error_type()), Some(body.kind));
            }
            "redirect" => {
                let body: ErrorBody = reply.error.expect("error body");
                assert_eq!(body.code(), Some(ErrorCode::SessionOnOtherNode));
                assert!(body.redirect.is_some_and(|u| u.starts_with("ws://")));
            }
            other => panic!("unknown reply fixture {other}"),
        }
    }
}

#[test]
fn join_validation_follows_the_shared_cases() {
    let cases = read(&dir("rules").join("join-validation.json"));
    for case in cases.as_array().expect("array") {
        let name = &case["name"];
        let mut params = case["params"].clone();
        params["token"] = "t".into();
        let params: JoinParams = serde_json::from_value(params).expect("params");
        let got = validate_join_params(&params).err().map(|e| e.error_code);
        let want = case["errorCode"].as_u64().map(|c| c as u32);
        assert_eq!(got, want, "case {name}");
    }
}

#[test]
fn resume_diff_follows_the_shared_cases() {
    let cases = read(&dir("rules").join("resume-diff.json"));
    for case in cases.as_array().expect("array") {
        let old: Vec<Participant> = serde_json::from_value(case["old"].clone()).expect("old");
        let new: Vec<Participant> = serde_json::from_value(case["new"].clone()).expect("new");
        // Compared as events: the fixture holds whole participants, as the browser SDK hands
        // them to apps; on the wire their default fields would be left out.
        let want: Vec<Event> = serde_json::from_value(case["events"].clone()).expect("events");
        assert_eq!(user_list_diff(&old, &new), want, "case {}", case["name"]);
    }
}
