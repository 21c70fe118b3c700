use super::*;
use serde_json::json;

#[test]
fn request_round_trips_with_flattened_method() {
    let r: Request = serde_json::from_value(json!({
        "id": 3, "method": "removeUser", "params": {"userId": 2}
    }))
    .unwrap();
    assert_eq!(r.id, 3);
    assert_eq!(
        r.msg,
        ClientMsg::RemoveUser(TargetParams { user_id: UserId(2) })
    );
    let back = serde_json::to_value(&r).unwrap();
    assert_eq!(back["method"], "removeUser");
    assert_eq!(back["params"]["userId"], 2);
}

#[test]
fn unit_methods_need_no_params() {
    let r: Request = serde_json::from_str(r#"{"id":1,"method":"reclaimHost"}"#).unwrap();
    assert_eq!(r.msg, ClientMsg::ReclaimHost);
    let r: Request = serde_json::from_str(r#"{"id":1,"method":"leave","params":{}}"#).unwrap();
    assert_eq!(r.msg, ClientMsg::Leave { end: false });
    let r: Request = serde_json::from_str(r#"{"id":1,"method":"muteAudio","params":{}}"#).unwrap();
    assert_eq!(r.msg, ClientMsg::MuteAudio(TargetOpt { user_id: None }));
}

#[test]
fn params_may_be_omitted_or_empty() {
    let r: Request = serde_json::from_str(r#"{"id":1,"method":"leave"}"#).unwrap();
    assert_eq!(r.msg, ClientMsg::Leave { end: false });
    let r: Request = serde_json::from_str(r#"{"id":1,"method":"startAudio"}"#).unwrap();
    assert_eq!(
        r.msg,
        ClientMsg::StartAudio {
            mute: false,
            speaker_only: false
        }
    );
    let r: Request =
        serde_json::from_str(r#"{"id":1,"method":"reclaimHost","params":{}}"#).unwrap();
    assert_eq!(r.msg, ClientMsg::ReclaimHost);
    let r: Request = serde_json::from_str(r#"{"id":1,"method":"muteAudio"}"#).unwrap();
    assert_eq!(r.msg, ClientMsg::MuteAudio(TargetOpt { user_id: None }));
    // Required params stay required.
    assert!(serde_json::from_str::<Request>(r#"{"id":1,"method":"removeUser"}"#).is_err());
}

#[test]
fn unknown_method_is_an_error_not_a_panic() {
    assert!(serde_json::from_str::<Request>(r#"{"id":1,"method":"nope"}"#).is_err());
    assert!(serde_json::from_str::<Request>(r#"{"id":"x","method":"ping"}"#).is_err());
    assert!(serde_json::from_str::<Request>(r#"[1,2]"#).is_err());
}

#[test]
fn events_use_reference_names() {
    let e = Event::ConnectionChange {
        state: ConnectionState::Closed,
        reason: Some("ended by host".into()),
        subsession_name: None,
    };
    let v = serde_json::to_value(ServerMsg::Event(e.clone())).unwrap();
    assert_eq!(
        v,
        json!({"event":"connection-change","payload":{"state":"Closed","reason":"ended by host"}})
    );
    assert_eq!(e.name(), "connection-change");
    let back: ServerMsg = serde_json::from_value(v).unwrap();
    assert_eq!(back, ServerMsg::Event(e));
}

#[test]
fn replies_and_events_are_told_apart() {
    let r: ServerMsg = serde_json::from_str(r#"{"id":4,"ok":true,"result":null}"#).unwrap();
    assert!(matches!(
        r,
        ServerMsg::Reply(Reply {
            id: 4,
            ok: true,
            ..
        })
    ));
    let err = Reply::err(5, ErrorBody::new(ErrorCode::HostRequired, "host only"));
    let v = serde_json::to_value(&err).unwrap();
    assert_eq!(
        v["error"],
        json!({"type":"INSUFFICIENT_PRIVILEGES","reason":"host only","errorCode":5007})
    );
}

#[test]
fn participant_fields_match_the_reference() {
    let p = Participant {
        user_id: UserId(7),
        display_name: "Ann".into(),
        audio: AudioKind::Computer,
        muted: Some(true),
        b_video_on: false,
        sharer_on: false,
        is_host: true,
        is_manager: false,
        user_identity: Some("u-1".into()),
        is_in_failover: false,
        is_speaker_only: false,
        avatar: None,
    };
    // The reference's field names; fields at their default are left out on the wire.
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(
        v,
        json!({"userId":7,"displayName":"Ann","audio":"computer","muted":true,"isHost":true,
               "userIdentity":"u-1"})
    );
    let full = json!({"userId":7,"displayName":"Ann","audio":"computer","muted":true,
        "bVideoOn":false,"sharerOn":false,"isHost":true,"isManager":false,
        "userIdentity":"u-1","isInFailover":false});
    assert_eq!(serde_json::from_value::<Participant>(full).unwrap(), p);
    let all_on = Participant {
        audio: AudioKind::None,
        muted: None,
        b_video_on: true,
        sharer_on: true,
        is_manager: true,
        is_in_failover: true,
        is_speaker_only: true,
        ..p.clone()
    };
    let v = serde_json::to_value(&all_on).unwrap();
    for k in [
        "bVideoOn",
        "sharerOn",
        "isHost",
        "isManager",
        "isInFailover",
        "isSpeakerOnly",
    ] {
        assert_eq!(v[k], json!(true), "{k}");
    }
    assert!(v.get("audio").is_none());
    assert_eq!(serde_json::from_value::<Participant>(v).unwrap(), all_on);
    let mut q = p.clone();
    let mut u = ParticipantUpdate::new(UserId(7));
    u.audio = Some(AudioKind::None);
    assert!(q.apply(&u));
    assert_eq!(q.muted, None);
    assert!(!q.apply(&ParticipantUpdate::new(UserId(8))));
}

#[test]
fn privileges_are_numbers() {
    assert_eq!(
        serde_json::to_value(ChatPrivilege::EveryonePublicly).unwrap(),
        json!(5)
    );
    assert_eq!(
        serde_json::to_value(SharePrivilege::MultipleShare).unwrap(),
        json!(3)
    );
    assert!(serde_json::from_value::<SharePrivilege>(json!(2)).is_err());
}

#[test]
fn error_codes_round_trip() {
    for n in [
        200, 3004, 3009, 3010, 4004, 4005, 5006, 5007, 5011, 5012, 5013, 7103, 7105,
    ] {
        assert_eq!(ErrorCode::from_code(n).unwrap().code(), n);
    }
    assert_eq!(ErrorCode::from_code(12345), None);
}

#[test]
fn a_result_written_as_text_reads_back_as_the_same_value() {
    let p = Participant::new(UserId(3), "Cy");
    let as_text = Reply::ok(9, ResultJson::text_of(&vec![p.clone()]));
    let as_value = Reply::ok(9, serde_json::to_value(vec![p.clone()]).unwrap());
    let wire = serde_json::to_string(&ServerMsg::Reply(as_text.clone())).unwrap();
    // The text goes on the wire as JSON, not as a string holding JSON.
    assert!(wire.contains(r#""result":[{"#), "{wire}");
    let back: ServerMsg = serde_json::from_str(&wire).unwrap();
    assert_eq!(back, ServerMsg::Reply(as_value.clone()));
    assert_eq!(as_text, as_value);
    let users: Vec<Participant> = as_text.result.as_ref().unwrap().decode().unwrap();
    assert_eq!(users, vec![p]);
    assert_eq!(
        Reply::ok(1, serde_json::Value::Null).result_value(),
        json!(null)
    );
}
