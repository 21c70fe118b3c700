use crate::fake::{host, join_result, user, Conn, FakeServer, WAIT};
use convene_client::protocol::{
    ChatMessage, ChatUser, ClientMsg, ConnectionState, ErrorBody, ErrorCode, Event,
    ParticipantUpdate, ResumeParams, UserId,
};
use convene_client::{Client, ClientError, ClientEvent, Events};
use futures_util::StreamExt;

async fn next(events: &mut Events) -> ClientEvent {
    tokio::time::timeout(WAIT, events.next())
        .await
        .expect("no event")
        .expect("event stream ended")
}

fn session(ev: ClientEvent) -> Event {
    ev.as_session().cloned().expect("a session event")
}

/// A client joined as user 2 next to host 1; the `Connected` event already consumed.
async fn joined(server: &mut FakeServer) -> (Client, Events, Conn) {
    let client = Client::new();
    let mut events = client.events();
    client.init(&server.url).await.unwrap();
    let c2 = client.clone();
    let join =
        tokio::spawn(async move { c2.join("Daily", "jwt", "Bob", Some("pw"), Some(5)).await });
    let mut conn = server.accept().await;
    let req = conn.request().await;
    match &req.msg {
        ClientMsg::Join(p) => {
            assert_eq!(p.topic, "Daily");
            assert_eq!(p.token, "jwt");
            assert_eq!(p.user_name, "Bob");
            assert_eq!(p.passcode.as_deref(), Some("pw"));
            assert_eq!(p.idle_timeout_mins, Some(5.0));
        }
        other => panic!("expected join, got {other:?}"),
    }
    conn.reply(req.id, join_result(2, vec![host(1, "Ann"), user(2, "Bob")]))
        .await;
    let info = join.await.unwrap().unwrap();
    assert_eq!(info.user_id, UserId(2));
    assert_eq!(info.user_name, "Bob");
    assert_eq!(info.session_id, "sess-1");
    assert!(info.is_in_meeting);
    assert_eq!(
        next(&mut events).await.connection_change(),
        Some((ConnectionState::Connected, None))
    );
    (client, events, conn)
}

#[tokio::test]
async fn join_events_requests_and_leave() {
    let mut server = FakeServer::start().await;
    let (client, mut events, mut conn) = joined(&mut server).await;
    assert_eq!(client.get_all_user().len(), 2);
    assert_eq!(client.get_session_host().unwrap().user_id, UserId(1));
    assert!(!client.is_host());

    // A second join is refused locally.
    assert_eq!(
        client.join("Daily", "jwt", "Bob", None, None).await,
        Err(ClientError::AlreadyJoined)
    );

    // The list is already updated when the event arrives.
    conn.push(Event::UserAdded(vec![user(3, "Cy")])).await;
    let ev = session(next(&mut events).await);
    assert!(matches!(ev, Event::UserAdded(ref v) if v[0].user_id == UserId(3)));
    assert_eq!(client.get_user(UserId(3)).unwrap().display_name, "Cy");

    conn.push(Event::UserUpdated(vec![
        ParticipantUpdate {
            is_host: Some(false),
            ..ParticipantUpdate::new(UserId(1))
        },
        ParticipantUpdate {
            is_host: Some(true),
            ..ParticipantUpdate::new(UserId(2))
        },
    ]))
    .await;
    assert_eq!(next(&mut events).await.name(), "user-updated");
    assert!(client.is_host());
    assert_eq!(client.get_session_host().unwrap().user_id, UserId(2));

    conn.push(Event::UserRemoved(vec![ParticipantUpdate::new(UserId(3))]))
        .await;
    assert_eq!(next(&mut events).await.name(), "user-removed");
    assert!(client.get_user(UserId(3)).is_none());

    // A message the client does not know is skipped; the session goes on.
    conn.send_raw(r#"{"event":"from-the-future","payload":1}"#)
        .await;

    // Typed request and result.
    let c = client.clone();
    let send = tokio::spawn(async move { c.chat_send_to_all("hi").await });
    let req = conn.request().await;
    assert_eq!(req.msg, ClientMsg::ChatSendToAll { text: "hi".into() });
    let msg = ChatMessage {
        id: "m1".into(),
        message: "hi".into(),
        sender: ChatUser {
            name: "Bob".into(),
            user_id: UserId(2),
        },
        receiver: ChatUser {
            name: "Everyone".into(),
            user_id: UserId(0),
        },
        timestamp: 1,
    };
    conn.reply(req.id, serde_json::to_value(&msg).unwrap())
        .await;
    assert_eq!(send.await.unwrap().unwrap(), msg);

    // Server errors keep their code.
    let c = client.clone();
    let rm = tokio::spawn(async move { c.remove_user(UserId(9)).await });
    let req = conn.request().await;
    assert_eq!(req.msg.method(), "removeUser");
    conn.reply_err(req.id, ErrorBody::new(ErrorCode::MismatchUser, "no user 9"))
        .await;
    let err = rm.await.unwrap().unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::MismatchUser));
    assert_eq!(err.to_error_body().reason, "no user 9");

    // leave(true) refused by the server: still in the session.
    let c = client.clone();
    let end = tokio::spawn(async move { c.leave(true).await });
    let req = conn.request().await;
    assert_eq!(req.msg, ClientMsg::Leave { end: true });
    conn.reply_err(req.id, ErrorBody::new(ErrorCode::HostRequired, "host only"))
        .await;
    assert_eq!(
        end.await.unwrap().unwrap_err().code(),
        Some(ErrorCode::HostRequired)
    );
    assert!(client.get_session_info().is_in_meeting);

    // A plain leave.
    let c = client.clone();
    let leave = tokio::spawn(async move { c.leave(false).await });
    let req = conn.request().await;
    assert_eq!(req.msg, ClientMsg::Leave { end: false });
    conn.reply(req.id, serde_json::Value::Null).await;
    leave.await.unwrap().unwrap();
    assert!(!client.get_session_info().is_in_meeting);
    assert!(client.get_all_user().is_empty());
    assert_eq!(client.reclaim_host().await, Err(ClientError::NotJoined));
    assert_eq!(client.start_video().await, Err(ClientError::MediaNotJoined));
    client.destroy().await.unwrap();
    assert!(tokio::time::timeout(WAIT, events.next())
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn failed_join_leaves_the_client_ready_to_join_again() {
    let mut server = FakeServer::start().await;
    let client = Client::new();
    client.init(&server.url).await.unwrap();
    let c = client.clone();
    let join = tokio::spawn(async move { c.join("Daily", "jwt", "Bob", Some("nope"), None).await });
    let mut conn = server.accept().await;
    let req = conn.request().await;
    conn.reply_err(
        req.id,
        ErrorBody::new(ErrorCode::IncorrectPasscode, "wrong passcode"),
    )
    .await;
    let err = join.await.unwrap().unwrap_err();
    assert_eq!(err.to_error_body().error_code, 3004);
    assert!(!client.get_session_info().is_in_meeting);
    let (_c, _events, _conn) = {
        // Same server, a fresh client: both must work after a failure.
        joined(&mut server).await
    };
}

#[tokio::test]
async fn failover_resumes_and_catches_up() {
    let mut server = FakeServer::start().await;
    let (client, mut events, mut old) = joined(&mut server).await;

    client.debug_drop_connection().await;
    assert_eq!(
        next(&mut events).await.connection_change(),
        Some((ConnectionState::Reconnecting, Some("failover")))
    );
    assert!(old.try_request().await.is_none(), "no leave on a drop");
    assert!(!client.get_session_info().is_in_meeting);
    assert_eq!(
        client.get_all_user().len(),
        2,
        "list kept while reconnecting"
    );

    let mut conn = server.accept().await;
    let req = conn.request().await;
    assert_eq!(
        req.msg,
        ClientMsg::Resume(ResumeParams {
            session_id: "sess-1".into(),
            user_id: UserId(2),
            resume_token: "secret".into(),
        })
    );
    // While the resume is pending, calls report "reconnecting".
    assert_eq!(
        client.change_name("B", None).await,
        Err(ClientError::Reconnecting)
    );
    // Meanwhile Ann left and Cy joined; an event pushed before the reply comes after it.
    conn.push(Event::UserAdded(vec![user(4, "Di")])).await;
    conn.reply(req.id, join_result(2, vec![user(2, "Bob"), user(3, "Cy")]))
        .await;

    let removed = session(next(&mut events).await);
    assert!(matches!(removed, Event::UserRemoved(ref v) if v[0].user_id == UserId(1)));
    let added = session(next(&mut events).await);
    assert!(matches!(added, Event::UserAdded(ref v) if v[0].user_id == UserId(3)));
    assert_eq!(
        next(&mut events).await.connection_change(),
        Some((ConnectionState::Connected, None))
    );
    let late = session(next(&mut events).await);
    assert!(matches!(late, Event::UserAdded(ref v) if v[0].user_id == UserId(4)));
    let ids: Vec<u32> = client.get_all_user().iter().map(|p| p.user_id.0).collect();
    assert_eq!(ids, vec![2, 3, 4]);
    assert!(client.get_session_info().is_in_meeting);

    // Calls work again on the new socket.
    let c = client.clone();
    let call = tokio::spawn(async move { c.fetch_all_users().await });
    let req = conn.request().await;
    assert_eq!(req.msg, ClientMsg::GetAllUser);
    conn.reply(req.id, serde_json::json!([user(2, "Bob")]))
        .await;
    assert_eq!(call.await.unwrap().unwrap().len(), 1);
}

#[tokio::test]
async fn refused_resume_fails_the_session() {
    let mut server = FakeServer::start().await;
    let (client, mut events, _old) = joined(&mut server).await;
    client.debug_drop_connection().await;
    assert_eq!(next(&mut events).await.name(), "connection-change");
    let mut conn = server.accept().await;
    let req = conn.request().await;
    assert_eq!(req.msg.method(), "resume");
    conn.reply_err(
        req.id,
        ErrorBody::new(ErrorCode::SessionEnded, "session ended"),
    )
    .await;
    let ev = next(&mut events).await;
    assert_eq!(
        ev.connection_change(),
        Some((ConnectionState::Fail, Some("session ended")))
    );
    assert!(ev.is_terminal());
    assert!(client.get_all_user().is_empty());
    assert_eq!(client.leave(false).await, Err(ClientError::NotJoined));
}

#[tokio::test]
async fn removed_by_host_ends_the_session() {
    let mut server = FakeServer::start().await;
    let (client, mut events, mut conn) = joined(&mut server).await;
    conn.push(Event::ConnectionChange {
        state: ConnectionState::Closed,
        reason: Some("kicked by host".into()),
        subsession_name: None,
    })
    .await;
    drop(conn);
    let ev = next(&mut events).await;
    assert_eq!(
        ev.connection_change(),
        Some((ConnectionState::Closed, Some("kicked by host")))
    );
    assert!(!client.get_session_info().is_in_meeting);
    assert!(client.get_all_user().is_empty());
    // No failover after the server ended us.
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(400), server.accept_quiet())
            .await
            .is_err()
    );
    // Joining again is allowed.
    let c = client.clone();
    let again = tokio::spawn(async move { c.join("Daily", "jwt", "Bob", None, None).await });
    let mut conn = server.accept().await;
    let req = conn.request().await;
    conn.reply(req.id, join_result(5, vec![user(5, "Bob")]))
        .await;
    assert_eq!(again.await.unwrap().unwrap().user_id, UserId(5));
}

#[tokio::test]
async fn kill_stops_without_leave_and_drop_leaves() {
    let mut server = FakeServer::start().await;
    let (client, mut events, mut conn) = joined(&mut server).await;
    client.debug_kill().await;
    assert!(
        conn.try_request().await.is_none(),
        "socket closed without leave"
    );
    assert!(tokio::time::timeout(WAIT, events.next())
        .await
        .unwrap()
        .is_none());
    assert_eq!(client.reclaim_host().await, Err(ClientError::Destroyed));

    // Dropping the last handle sends leave.
    let (client, _events, mut conn) = joined(&mut server).await;
    drop(client);
    let req = conn.request().await;
    assert_eq!(req.msg, ClientMsg::Leave { end: false });
}
