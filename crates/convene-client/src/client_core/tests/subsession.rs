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

/// The `Reconnecting` a move starts with.
fn reconnecting_for(reason: &str, room: &str) -> Output {
    Output::Event(Event::ConnectionChange {
        state: ConnectionState::Reconnecting,
        reason: Some(reason.into()),
        subsession_name: Some(room.into()),
    })
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
        reconnecting_for("move to breakout room", "Design"),
        "the reason and the room, as the reference says them"
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
fn a_resume_outside_our_lost_room_is_the_main_session() {
    let mut h = Harness::new();
    h.join();
    h.push(moved(
        MoveReason::MoveToSubsession,
        Some(ROOM),
        room(ROOM, vec![user(2, "Bob")]),
    ));
    h.input(Input::Closed("node died".into()));
    h.drain();
    let req = h.reconnect();
    // The room went with its node: the session took us back in its main session.
    let main = room("sess-1", vec![host(1, "Ann"), user(2, "Bob")]);
    h.reply(req.id, serde_json::to_value(main).unwrap());
    assert_eq!(h.users(), vec![1, 2]);
    let current = h.core.state().rooms().current();
    assert_eq!(current.subsession_id, "");
    assert_eq!(
        current.user_status,
        crate::SubsessionUserStatus::MainSession
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
    assert_eq!(out[0], reconnecting_for("back to main session", ""));
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

fn countdowns(out: &[Output]) -> Vec<crate::ClientEvent> {
    out.iter()
        .filter_map(|o| match o {
            Output::Event(e @ Event::ClosingSubsessionCountdown { .. }) => {
                Some(crate::ClientEvent::Session(e.clone()))
            }
            Output::Local(e @ crate::ClientEvent::SubsessionCountdown { .. }) => Some(e.clone()),
            _ => None,
        })
        .collect()
}

fn closing(countdown: u32) -> crate::ClientEvent {
    crate::ClientEvent::Session(Event::ClosingSubsessionCountdown { countdown })
}

fn timer(countdown: u32) -> crate::ClientEvent {
    crate::ClientEvent::SubsessionCountdown { countdown }
}

fn timed(left: u32) -> Event {
    match state(SubsessionStatus::InProgress) {
        Event::SubsessionState(s) => Event::SubsessionState(SubsessionState {
            time_left: Some(left),
            ..s
        }),
        _ => unreachable!(),
    }
}

#[test]
fn a_status_change_is_told_once() {
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
}

#[test]
fn the_closing_countdown_ticks_each_second_down_to_0() {
    let mut h = Harness::new();
    h.join();
    h.push(state(SubsessionStatus::Closing));
    let t0 = h.now;
    assert_eq!(
        countdowns(&h.push(Event::ClosingSubsessionCountdown { countdown: 2 })),
        vec![closing(2)],
        "the server's count first"
    );
    assert_eq!(countdowns(&h.fire()), vec![closing(1)]);
    assert_eq!(h.now, t0 + Duration::from_secs(1));
    assert_eq!(countdowns(&h.fire()), vec![closing(0)]);
    assert_eq!(h.now, t0 + Duration::from_secs(2));
    assert_eq!(countdowns(&h.advance(Duration::from_secs(3))), vec![]);
    // Closed before the count ends: 0 at once, then nothing.
    h.push(Event::ClosingSubsessionCountdown { countdown: 10 });
    h.advance(Duration::from_secs(1));
    assert_eq!(
        countdowns(&h.push(state(SubsessionStatus::Closed))),
        vec![closing(0)]
    );
    assert_eq!(countdowns(&h.advance(Duration::from_secs(3))), vec![]);
}

#[test]
fn the_rooms_timer_counts_down_from_time_left() {
    let mut h = Harness::new();
    h.join();
    assert_eq!(countdowns(&h.push(timed(3))), vec![timer(3)]);
    assert_eq!(countdowns(&h.fire()), vec![timer(2)]);
    // A later state resets the count without a tick of its own.
    assert_eq!(countdowns(&h.push(timed(30))), vec![]);
    assert_eq!(countdowns(&h.fire()), vec![timer(29)]);
    // Time is up: the count stops.
    h.push(Event::SubsessionTimeUp {});
    assert_eq!(countdowns(&h.advance(Duration::from_secs(3))), vec![]);
    assert_eq!(countdowns(&h.push(timed(2))), vec![timer(2)]);
    assert_eq!(
        countdowns(&h.advance(Duration::from_secs(5))),
        vec![timer(1), timer(0)]
    );
}
