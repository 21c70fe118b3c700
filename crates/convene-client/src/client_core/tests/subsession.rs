//! Moving between rooms (`subsession-moved`), resuming in a room, the closing countdown.

use super::*;
use convene_protocol::{
    MoveReason, SubsessionMoved, SubsessionOptions, SubsessionState, SubsessionStatus,
};

const ROOM: &str = "sess-1~1";

/// The room `id` as `subsession-moved` gives it: us (2), Cy (3) and Di (4) there, chat for
/// hosts only there, another resume token.
fn room(id: &str, users: Vec<Participant>) -> JoinResult {
    let mut r: JoinResult = serde_json::from_value(join_result(users)).unwrap();
    r.session_id = id.into();
    r.chat_privilege = ChatPrivilege::NoOne;
    r.resume_token = format!("token of {id}");
    r
}

fn moved(reason: MoveReason, to: Option<&str>, session: JoinResult) -> Event {
    Event::SubsessionMoved(Box::new(SubsessionMoved {
        reason,
        subsession_id: to.map(Into::into),
        subsession_name: to.map_or(String::new(), |_| "Design".into()),
        session,
    }))
}

fn state(status: SubsessionStatus) -> Event {
    Event::SubsessionState(SubsessionState {
        status,
        subsessions: vec![],
        options: SubsessionOptions::default(),
        time_left: None,
    })
}

#[test]
fn a_move_replaces_the_session_view_between_reconnecting_and_connected() {
    let mut h = Harness::new();
    h.join();
    let was = h.core.state().me();
    let out = h.push(moved(
        MoveReason::MoveToSubsession,
        Some(ROOM),
        room(ROOM, vec![user(2, "Bob"), user(3, "Cy"), user(4, "Di")]),
    ));
    assert_eq!(
        out[0],
        connection(ConnectionState::Reconnecting, Some("move to breakout room"))
    );
    // Ann stayed in the main session; Cy and Di are met.
    assert!(
        matches!(&out[1], Output::Event(Event::UserRemoved(v)) if v.len() == 1 && v[0].user_id == UserId(1)),
        "{out:?}"
    );
    assert!(
        matches!(&out[2], Output::Event(Event::UserAdded(v))
            if v.iter().map(|p| p.user_id.0).collect::<Vec<_>>() == [3, 4]),
        "{out:?}"
    );
    assert!(matches!(&out[3], Output::Event(Event::SubsessionMoved(_))));
    assert_eq!(out[4], connection(ConnectionState::Connected, None));
    // The media peer is rebuilt with what we had on.
    assert_eq!(out[5], Output::Moved(was));
    assert_eq!(out.len(), 6, "{out:?}");

    assert_eq!(
        h.users(),
        vec![2, 3, 4],
        "the room's list replaced the main's"
    );
    let s = h.core.state();
    assert_eq!(s.session_info().session_id, ROOM);
    assert!(s.session_info().is_in_meeting);
    assert_eq!(
        s.chat_privilege(),
        Some(ChatPrivilege::NoOne),
        "the room's privileges"
    );
    let current = s.rooms().current();
    assert_eq!(current.subsession_id, ROOM);
    assert_eq!(current.subsession_name, "Design");
    assert_eq!(
        current.user_status,
        crate::SubsessionUserStatus::InSubsession
    );
    // Still joined: requests go out as before.
    let id = h.call(Call::Request(ClientMsg::ChatSendToAll {
        text: "hi".into(),
    }));
    let req = only_request(&h.drain());
    assert!(matches!(req.msg, ClientMsg::ChatSendToAll { .. }));
    let out = h.reply(req.id, serde_json::Value::Null);
    assert!(matches!(&out[0], Output::Complete(c, Ok(_)) if *c == id));
}

#[test]
fn a_resume_after_a_move_uses_the_room_id_and_token() {
    let mut h = Harness::new();
    h.join();
    h.push(moved(
        MoveReason::JoinSubsession,
        Some(ROOM),
        room(ROOM, vec![user(2, "Bob"), user(3, "Cy")]),
    ));
    h.input(Input::Closed("reset by peer".into()));
    assert_eq!(
        h.drain(),
        vec![connection(ConnectionState::Reconnecting, Some("failover"))]
    );
    let req = h.reconnect();
    assert_eq!(
        req.msg,
        ClientMsg::Resume(convene_protocol::ResumeParams {
            session_id: ROOM.into(),
            user_id: UserId(2),
            resume_token: format!("token of {ROOM}"),
        })
    );
    let r = serde_json::to_value(room(ROOM, vec![user(2, "Bob"), user(3, "Cy")])).unwrap();
    let out = h.reply(req.id, r);
    assert!(out.contains(&connection(ConnectionState::Connected, None)));
    assert_eq!(h.users(), vec![2, 3]);
    assert_eq!(
        h.core.state().rooms().current().subsession_id,
        ROOM,
        "still in the room after the resume"
    );
}

#[test]
fn back_to_the_main_session() {
    let mut h = Harness::new();
    h.join();
    h.push(moved(
        MoveReason::MoveToSubsession,
        Some(ROOM),
        room(ROOM, vec![user(2, "Bob"), user(3, "Cy")]),
    ));
    let out = h.push(moved(
        MoveReason::BackToMainSession,
        None,
        room(
            "sess-1",
            vec![host(1, "Ann"), user(2, "Bob"), user(3, "Cy")],
        ),
    ));
    assert_eq!(
        out[0],
        connection(ConnectionState::Reconnecting, Some("back to main session"))
    );
    assert!(
        matches!(&out[1], Output::Event(Event::UserAdded(v)) if v.len() == 1 && v[0].user_id == UserId(1)),
        "only Ann is new: {out:?}"
    );
    assert_eq!(h.users(), vec![1, 2, 3]);
    let s = h.core.state();
    assert_eq!(s.session_info().session_id, "sess-1");
    assert_eq!(s.rooms().current().subsession_id, "");
    assert_eq!(
        s.rooms().current().user_status,
        crate::SubsessionUserStatus::MainSession
    );
}

#[test]
fn a_status_change_is_told_once_and_the_countdown_repeats_each_second() {
    let mut h = Harness::new();
    h.join();
    let out = h.push(state(SubsessionStatus::InProgress));
    assert_eq!(
        out,
        vec![
            Output::Event(state(SubsessionStatus::InProgress)),
            Output::Local(crate::ClientEvent::SubsessionStateChange {
                status: SubsessionStatus::InProgress
            }),
        ]
    );
    assert_eq!(h.push(state(SubsessionStatus::InProgress)).len(), 1);
    h.push(state(SubsessionStatus::Closing));
    let t0 = h.now;
    h.push(Event::ClosingSubsessionCountdown { countdown: 3 });
    let count = |n| {
        vec![Output::Event(Event::ClosingSubsessionCountdown {
            countdown: n,
        })]
    };
    assert_eq!(h.fire(), count(2));
    assert_eq!(h.now, t0 + Duration::from_secs(1));
    assert_eq!(h.fire(), count(1));
    assert_eq!(h.now, t0 + Duration::from_secs(2));
    let more = h
        .advance(Duration::from_secs(3))
        .into_iter()
        .any(|o| matches!(o, Output::Event(Event::ClosingSubsessionCountdown { .. })));
    assert!(!more, "the count stops at 1");
    // Closed before the count ends: no more repeats.
    h.push(Event::ClosingSubsessionCountdown { countdown: 10 });
    h.push(state(SubsessionStatus::Closed));
    let repeated = h
        .advance(Duration::from_secs(3))
        .into_iter()
        .any(|o| matches!(o, Output::Event(Event::ClosingSubsessionCountdown { .. })));
    assert!(!repeated, "the countdown stops when the rooms closed");
}
