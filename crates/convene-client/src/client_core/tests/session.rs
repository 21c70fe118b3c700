//! Join, events, requests, leave, destroy and kill.

use super::*;

#[test]
fn nothing_is_due_when_idle() {
    let h = Harness::new();
    assert_eq!(h.core.poll_timeout(), None, "no polling tick");
}

#[test]
fn join_then_joined() {
    let mut h = Harness::new();
    let out = h.join();
    assert_eq!(out[1], connection(ConnectionState::Connected, None));
    assert_eq!(out.len(), 2);
    assert_eq!(h.users(), vec![1, 2]);
    assert!(h.core.state().session_info().is_in_meeting);
    // A second join is refused at once.
    assert_eq!(
        h.call_now(Call::Join(params())),
        Err(ClientError::AlreadyJoined)
    );
}

#[test]
fn join_before_init_and_failed_joins() {
    let mut h = Harness {
        core: ClientCore::default(),
        now: Instant::now(),
        next_call: 1,
    };
    assert_eq!(
        h.call_now(Call::Join(params())),
        Err(ClientError::NotInitialized)
    );

    // Refused by the server: the error as it came, and the client is idle again.
    let mut h = Harness::new();
    let call = h.call(Call::Join(params()));
    h.drain();
    h.input(Input::Opened);
    let req = only_request(&h.drain());
    let out = h.reply_err(req.id, ErrorCode::IncorrectPasscode, "wrong passcode");
    assert_eq!(
        out,
        vec![
            Output::Complete(
                call,
                Err(ClientError::Server(ErrorBody::new(
                    ErrorCode::IncorrectPasscode,
                    "wrong passcode"
                )))
            ),
            Output::Close(CloseMode::Drop),
        ]
    );
    assert_eq!(h.core.poll_timeout(), None);

    // The socket never opens: the join fails after the connect deadline.
    let call = h.call(Call::Join(params()));
    h.drain();
    let out = h.advance(CONNECT_TIMEOUT);
    assert_eq!(
        out,
        vec![
            Output::Close(CloseMode::Drop),
            Output::Complete(
                call,
                Err(ClientError::Transport(format!("{URL}: connect timed out")))
            ),
        ]
    );

    // Open, but no reply: the join times out.
    let call = h.call(Call::Join(params()));
    h.drain();
    h.input(Input::Opened);
    h.drain();
    let out = h.advance(REQUEST_TIMEOUT);
    assert_eq!(
        out,
        vec![
            Output::Complete(call, Err(ClientError::Timeout)),
            Output::Close(CloseMode::Drop),
        ]
    );
    assert_eq!(h.core.poll_timeout(), None);
}

#[test]
fn events_are_applied_before_delivery() {
    let mut h = Harness::new();
    h.join();
    h.core.handle_input(
        h.now,
        Input::Frame(event_text(Event::UserAdded(vec![user(3, "Cy")]))),
    );
    // The event is still in the queue, and the list already has Cy.
    assert_eq!(h.users(), vec![1, 2, 3]);
    assert!(matches!(
        h.core.poll_output(),
        Some(Output::Event(Event::UserAdded(_)))
    ));

    let out = h.push(Event::UserUpdated(vec![ParticipantUpdate {
        is_host: Some(true),
        ..ParticipantUpdate::new(UserId(2))
    }]));
    assert_eq!(out.len(), 1);
    assert!(h.core.state().me().unwrap().is_host);

    // Something this build does not understand is skipped.
    h.input(Input::Frame(
        r#"{"event":"from-the-future","payload":1}"#.into(),
    ));
    assert_eq!(h.drain(), vec![]);

    // Removed by the host: the session is over, the socket let go, no failover.
    let out = h.push(Event::ConnectionChange {
        state: ConnectionState::Closed,
        reason: Some("kicked by host".into()),
        subsession_name: None,
    });
    assert_eq!(
        out,
        vec![
            Output::Close(CloseMode::Drop),
            connection(ConnectionState::Closed, Some("kicked by host")),
        ]
    );
    assert!(h.users().is_empty());
    assert_eq!(h.core.poll_timeout(), None);
}

fn event_text(e: Event) -> String {
    serde_json::to_string(&ServerMsg::Event(e)).unwrap()
}

#[test]
fn requests_get_their_replies_and_time_out() {
    let mut h = Harness::new();
    h.join();
    let a = h.call(Call::Request(ClientMsg::GetAllUser));
    let b = h.call(Call::Request(ClientMsg::ReclaimHost));
    let reqs = requests(&h.drain());
    assert_eq!(reqs.len(), 2);
    // Replies may come in any order.
    let out = h.reply(reqs[1].id, serde_json::Value::Null);
    assert_eq!(
        out,
        vec![Output::Complete(
            b,
            Ok(Outcome::Value(serde_json::Value::Null))
        )]
    );
    let out = h.advance(REQUEST_TIMEOUT);
    let done: Vec<Output> = out
        .into_iter()
        .filter(|o| matches!(o, Output::Complete(..)))
        .collect();
    assert_eq!(done, vec![Output::Complete(a, Err(ClientError::Timeout))]);
    // A late reply is ignored.
    assert_eq!(h.reply(reqs[0].id, serde_json::json!([])), vec![]);
}

#[test]
fn leave_ends_the_session() {
    let mut h = Harness::new();
    h.join();
    // Refused (not the host): still in.
    let end = h.call(Call::Leave { end: true });
    let req = only_request(&h.drain());
    assert_eq!(req.msg, ClientMsg::Leave { end: true });
    let refusal = ErrorBody::new(ErrorCode::HostRequired, "host only");
    let out = h.frame(&ServerMsg::Reply(Reply::err(req.id, refusal.clone())));
    assert_eq!(
        out,
        vec![Output::Complete(end, Err(ClientError::Server(refusal)))]
    );
    assert!(h.core.state().session_info().is_in_meeting);

    let leave = h.call(Call::Leave { end: false });
    let req = only_request(&h.drain());
    // While leaving, calls report "not in a session".
    assert_eq!(
        h.call_now(Call::Request(ClientMsg::StartVideo)),
        Err(ClientError::MediaNotJoined)
    );
    let out = h.reply(req.id, serde_json::Value::Null);
    assert_eq!(
        out,
        vec![
            Output::Close(CloseMode::Graceful),
            Output::Complete(leave, Ok(Outcome::Done)),
        ]
    );
    assert!(h.users().is_empty());
    assert_eq!(h.core.poll_timeout(), None);

    // A server that never answers: we leave anyway after 3 s.
    h.join();
    let leave = h.call(Call::Leave { end: false });
    h.drain();
    let out = h.advance(LEAVE_TIMEOUT);
    assert_eq!(
        out,
        vec![
            Output::Close(CloseMode::Drop),
            Output::Complete(leave, Ok(Outcome::Done)),
        ]
    );

    // The server closing right after our leave is the leave.
    h.join();
    let leave = h.call(Call::Leave { end: false });
    h.drain();
    h.input(Input::Closed("closed".into()));
    assert_eq!(h.drain(), vec![Output::Complete(leave, Ok(Outcome::Done))]);
    assert!(h.users().is_empty());
}

#[test]
fn leave_while_connecting_or_reconnecting_abandons() {
    let mut h = Harness::new();
    let join = h.call(Call::Join(params()));
    h.drain();
    let leave = h.call(Call::Leave { end: false });
    assert_eq!(
        h.drain(),
        vec![
            Output::Complete(join, Err(ClientError::Cancelled)),
            Output::Close(CloseMode::Drop),
            Output::Complete(leave, Ok(Outcome::Done)),
        ]
    );
    h.joined_then_dropped();
    let leave = h.call(Call::Leave { end: false });
    assert_eq!(h.drain(), vec![Output::Complete(leave, Ok(Outcome::Done))]);
    assert_eq!(h.core.poll_timeout(), None);
}

#[test]
fn destroy_says_goodbye_and_kill_does_not() {
    let mut h = Harness::new();
    h.join();
    let pending = h.call(Call::Request(ClientMsg::GetAllUser));
    h.drain();
    let destroy = h.call(Call::Destroy);
    let out = h.drain();
    assert_eq!(
        out[0],
        Output::Complete(pending, Err(ClientError::Cancelled))
    );
    let req = only_request(&out);
    assert_eq!(req.msg, ClientMsg::Leave { end: false });
    // Events while stopping are not delivered; other calls fail.
    assert_eq!(h.push(Event::UserAdded(vec![user(7, "G")])), vec![]);
    assert_eq!(
        h.call_now(Call::Request(ClientMsg::ReclaimHost)),
        Err(ClientError::Destroyed)
    );
    let out = h.reply(req.id, serde_json::Value::Null);
    assert_eq!(
        out,
        vec![
            Output::Close(CloseMode::Graceful),
            Output::Complete(destroy, Ok(Outcome::Done)),
            Output::Stopped,
        ]
    );
    assert!(h.users().is_empty());
    assert_eq!(
        h.call_now(Call::Join(params())),
        Err(ClientError::Destroyed)
    );

    // No answer to the farewell: stop after the leave timeout.
    let mut h = Harness::new();
    h.join();
    let destroy = h.call(Call::Destroy);
    h.drain();
    let out = h.advance(LEAVE_TIMEOUT);
    assert_eq!(
        out,
        vec![
            Output::Close(CloseMode::Graceful),
            Output::Complete(destroy, Ok(Outcome::Done)),
            Output::Stopped,
        ]
    );

    // Not in a session: stop at once.
    let mut h = Harness::new();
    let destroy = h.call(Call::Destroy);
    assert_eq!(
        h.drain(),
        vec![
            Output::Complete(destroy, Ok(Outcome::Done)),
            Output::Stopped
        ]
    );

    // Kill: a reset socket, no leave, pending calls fail with Destroyed.
    let mut h = Harness::new();
    h.join();
    let pending = h.call(Call::Request(ClientMsg::GetAllUser));
    h.drain();
    let kill = h.call(Call::Kill);
    assert_eq!(
        h.drain(),
        vec![
            Output::Close(CloseMode::Reset),
            Output::Complete(pending, Err(ClientError::Destroyed)),
            Output::Complete(kill, Ok(Outcome::Done)),
            Output::Stopped,
        ]
    );
    assert!(h.users().is_empty());
    assert_eq!(h.core.poll_timeout(), None);
}
