//! Keep-alive, a dropped socket, reconnect backoff, `resume`, refusals, the failover window.

use super::*;

#[test]
fn keepalive_ping_and_pong_deadline() {
    let mut h = Harness::new();
    h.join();
    let joined_at = h.now;
    // A ping every 15 s while answered.
    let ping = only_request(&h.fire());
    assert_eq!(ping.msg, ClientMsg::Ping);
    assert_eq!(h.now, joined_at + PING_EVERY);
    assert_eq!(h.reply(ping.id, serde_json::Value::Null), vec![]);
    let ping = only_request(&h.fire());
    assert_eq!(h.now, joined_at + PING_EVERY * 2);
    // Unanswered for 10 s: the socket is dead, failover starts.
    let out = h.fire();
    assert_eq!(h.now, joined_at + PING_EVERY * 2 + LIVENESS_TIMEOUT);
    assert_eq!(
        out,
        vec![
            Output::Close(CloseMode::Reset),
            connection(ConnectionState::Reconnecting, Some("failover")),
        ]
    );
    // Its late pong finds nothing to settle.
    assert_eq!(h.reply(ping.id, serde_json::Value::Null), vec![]);
}

#[test]
fn drop_then_resume_with_backoff_and_catch_up() {
    let mut h = Harness::new();
    let out = h.joined_then_dropped();
    assert_eq!(
        out,
        vec![connection(ConnectionState::Reconnecting, Some("failover"))]
    );
    assert!(!h.core.state().session_info().is_in_meeting);
    assert_eq!(h.users(), vec![1, 2], "list kept while reconnecting");

    // Tries at +100 ms, then 100, 200, 400, 800 ms, 1.6 s later, then every 2 s.
    let dropped_at = h.now;
    let mut gaps = Vec::new();
    let mut last = dropped_at;
    for _ in 0..7 {
        let out = h.fire();
        assert_eq!(out, vec![Output::Connect(URL.into())]);
        gaps.push((h.now - last).as_millis());
        last = h.now;
        h.input(Input::ConnectFailed("refused".into()));
        assert_eq!(h.drain(), vec![]);
    }
    assert_eq!(gaps, vec![100, 100, 200, 400, 800, 1600, 2000]);

    let req = h.reconnect();
    assert_eq!(
        req.msg,
        ClientMsg::Resume(convene_protocol::ResumeParams {
            session_id: "sess-1".into(),
            user_id: UserId(2),
            resume_token: "secret".into(),
        })
    );
    // An event pushed before the resume reply comes after the catch-up.
    assert_eq!(h.push(Event::UserAdded(vec![user(4, "Di")])), vec![]);
    // Meanwhile Ann left and Cy joined.
    let out = h.reply(req.id, join_result(vec![user(2, "Bob"), user(3, "Cy")]));
    assert_eq!(out.len(), 4, "{out:?}");
    assert!(matches!(&out[0], Output::Event(Event::UserRemoved(v)) if v[0].user_id == UserId(1)));
    assert!(matches!(&out[1], Output::Event(Event::UserAdded(v)) if v[0].user_id == UserId(3)));
    assert_eq!(out[2], connection(ConnectionState::Connected, None));
    assert!(matches!(&out[3], Output::Event(Event::UserAdded(v)) if v[0].user_id == UserId(4)));
    assert_eq!(h.users(), vec![2, 3, 4]);
    assert!(h.core.state().session_info().is_in_meeting);
    // Keep-alives again, 15 s after the resume.
    let resumed_at = h.now;
    assert_eq!(only_request(&h.fire()).msg, ClientMsg::Ping);
    assert_eq!(h.now, resumed_at + PING_EVERY);
}

#[test]
fn transient_refusal_retries_and_final_refusal_fails() {
    let mut h = Harness::new();
    h.joined_then_dropped();
    let req = h.reconnect();
    // The server is itself reconnecting (5003): try again later.
    let out = h.reply_err(req.id, ErrorCode::SessionStateReconnecting, "busy");
    assert_eq!(out, vec![Output::Close(CloseMode::Drop)]);
    let req = h.reconnect();
    // Session over: final.
    let out = h.reply_err(req.id, ErrorCode::SessionEnded, "session ended");
    assert_eq!(
        out,
        vec![
            Output::Close(CloseMode::Drop),
            connection(ConnectionState::Fail, Some("session ended")),
        ]
    );
    assert!(h.users().is_empty());
    assert_eq!(h.core.poll_timeout(), None, "no more tries");
    assert_eq!(
        h.call_now(Call::Leave { end: false }),
        Err(ClientError::NotJoined)
    );
}

#[test]
fn failover_window_expires() {
    let mut h = Harness::new();
    h.joined_then_dropped();
    let dropped_at = h.now;
    // Every try is refused as transient; the last reason is given on Fail.
    let mut tries = 0;
    loop {
        let out = h.fire();
        if out != vec![Output::Connect(URL.into())] {
            assert_eq!(
                out,
                vec![connection(ConnectionState::Fail, Some("busy"))],
                "after {tries} tries"
            );
            break;
        }
        tries += 1;
        h.input(Input::Opened);
        let req = only_request(&h.drain());
        h.reply_err(req.id, ErrorCode::InternalError, "busy");
    }
    assert_eq!(
        h.now,
        dropped_at + Duration::from_secs(FAILOVER_WINDOW_SECS)
    );
    assert!(tries > 50, "{tries}");
    assert_eq!(h.core.poll_timeout(), None);

    // Without any answer from the server the reason is the timeout; a connect in flight at
    // the end of the window is let go.
    let mut h = Harness::new();
    h.joined_then_dropped();
    let dropped_at = h.now;
    let mut connects = 0;
    let last = loop {
        let out = h.fire();
        if out.iter().any(|o| matches!(o, Output::Event(_))) {
            break out;
        }
        // Each connect hangs until its own deadline, then fails and is let go.
        if out == vec![Output::Connect(URL.into())] {
            connects += 1;
        } else {
            assert_eq!(out, vec![Output::Close(CloseMode::Drop)]);
        }
    };
    assert_eq!(
        last,
        vec![
            Output::Close(CloseMode::Drop),
            connection(ConnectionState::Fail, Some("failover timeout")),
        ]
    );
    assert_eq!(connects, 11);
    assert_eq!(
        h.now,
        dropped_at + Duration::from_secs(FAILOVER_WINDOW_SECS)
    );
}

#[test]
fn calls_while_reconnecting_fail_with_5003_and_cut_calls_with_3() {
    let mut h = Harness::new();
    h.join();
    let cut = h.call(Call::Request(ClientMsg::GetAllUser));
    assert_eq!(requests(&h.drain()).len(), 1);
    h.input(Input::Closed("gone".into()));
    let out = h.drain();
    assert_eq!(
        out,
        vec![
            Output::Complete(cut, Err(ClientError::Cancelled)),
            connection(ConnectionState::Reconnecting, Some("failover")),
        ]
    );
    assert_eq!(
        ClientError::Cancelled.to_error_body().error_code,
        3,
        "cut calls report 3"
    );
    assert_eq!(
        h.call_now(Call::Request(ClientMsg::ReclaimHost)),
        Err(ClientError::Reconnecting)
    );
    assert_eq!(ClientError::Reconnecting.to_error_body().error_code, 5003);
}

#[test]
fn debug_drop_connection_fails_over() {
    let mut h = Harness::new();
    h.join();
    let drop = h.call(Call::DropConnection);
    assert_eq!(
        h.drain(),
        vec![
            Output::Close(CloseMode::Reset),
            connection(ConnectionState::Reconnecting, Some("failover")),
            Output::Complete(drop, Ok(Outcome::Done)),
        ]
    );
    assert_eq!(
        h.core.poll_timeout(),
        Some(h.now + Duration::from_millis(100))
    );
}
