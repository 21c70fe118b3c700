//! SPEC §4 and §7: join errors, local lifecycle errors, and malformed signaling.

use convene_testkit::*;
use serde_json::json;

#[tokio::test]
async fn double_join_is_5012() {
    let server = TestServer::start().await;
    let host = Peer::join(&server, "dj", Role::Host, "H").await;
    let r = host
        .client
        .join("dj", &host_token("dj"), "H again", None, None)
        .await;
    assert_code(r, 5012, "second join from the SDK");
    let r = host
        .client
        .join("other", &host_token("other"), "H", None, None)
        .await;
    assert_code(r, 5012, "join of another session while joined");
    assert!(
        host.client.get_session_info().is_in_meeting,
        "still in the first session"
    );

    // The server refuses it too (not only the SDK).
    let mut raw = RawWs::connect(&server).await;
    let first = raw
        .join(1, "dj", &participant_token("dj"), "raw", None)
        .await;
    assert_eq!(first["ok"], true, "{first}");
    let second = raw
        .join(2, "dj", &participant_token("dj"), "raw2", None)
        .await;
    assert_eq!(raw_error_code(&second), Some(5012), "{second}");
    assert_eq!(second["error"]["type"], "INVALID_OPERATION");
    let hc = &host.client;
    wait_until("one raw user only", || hc.get_all_user().len() == 2).await;
}

#[tokio::test]
async fn passcode_is_set_by_the_starter() {
    let server = TestServer::start().await;
    let t = "pass";
    let opts = |p: &str| JoinOpts {
        passcode: Some(p.into()),
        ..JoinOpts::default()
    };
    let host = Peer::join_with(&server, t, &host_token(t), "H", opts("s3cr et!")).await;
    assert_eq!(host.client.get_session_info().password, "s3cr et!");
    let (_c, _e, r) = try_client(&server, t, &participant_token(t), "P", opts("wrong")).await;
    assert_code(r, 3004, "wrong passcode");
    let (_c, _e, r) = try_client(&server, t, &participant_token(t), "P", JoinOpts::default()).await;
    assert_code(r, 3004, "missing passcode");
    let p = Peer::join_with(&server, t, &participant_token(t), "P", opts("s3cr et!")).await;
    assert_eq!(p.client.get_session_info().password, "s3cr et!");
    assert_eq!(
        p.client.get_session_info().session_id,
        host.client.get_session_info().session_id
    );

    // Without a passcode from the starter, anyone with a token joins, whatever they pass.
    let t2 = "nopass";
    let h2 = Peer::join(&server, t2, Role::Host, "H2").await;
    assert_eq!(h2.client.get_session_info().password, "");
    let p2 = Peer::join_with(&server, t2, &participant_token(t2), "P2", opts("ignored")).await;
    assert_eq!(
        p2.client.get_session_info().password,
        "",
        "a later joiner does not set the passcode"
    );
    let _p3 = Peer::join(&server, t2, Role::Participant, "P3").await;
}

#[tokio::test]
async fn full_session_is_4005() {
    let server = TestServer::start_with(|c| c.session.max_users_per_session = 2).await;
    let t = "full";
    let h = Peer::join(&server, t, Role::Host, "H").await;
    let _p = Peer::join(&server, t, Role::Participant, "P").await;
    let (_c, _e, r) = try_client(
        &server,
        t,
        &participant_token(t),
        "Third",
        JoinOpts::default(),
    )
    .await;
    assert_code(r, 4005, "third user in a two-user session");
    // Capacity is per session: another topic still works.
    let _other = Peer::join(&server, "full-other", Role::Participant, "O").await;
    // A place freed is a place taken.
    assert_ok(h.client.leave(false).await, "host leaves");
    let _third = Peer::join(&server, t, Role::Participant, "Third").await;
}

#[tokio::test]
async fn removed_user_cannot_rejoin_3009() {
    let server = TestServer::start().await;
    let t = "removed";
    let host = Peer::join(&server, t, Role::Host, "H").await;
    let tok = token(t, Role::Participant, Some("alice"));
    let mut p = Peer::join_with(&server, t, &tok, "Alice", JoinOpts::default()).await;
    assert_ok(host.client.remove_user(p.id).await, "host removes alice");
    p.wait_for(|e| is_conn_change(e, ConnectionState::Closed, Some("kicked by host")))
        .await;
    // Same token.
    let (_c, _e, r) = try_client(&server, t, &tok, "Alice", JoinOpts::default()).await;
    assert_code(r, 3009, "rejoin with the same token");
    // A fresh token with the same user identity.
    let tok2 = token(t, Role::Participant, Some("alice"));
    let (_c, _e, r) = try_client(&server, t, &tok2, "Alice", JoinOpts::default()).await;
    assert_code(r, 3009, "rejoin with the same identity");
    // Someone else still joins.
    let _bob = Peer::join_with(
        &server,
        t,
        &token(t, Role::Participant, Some("bob")),
        "Bob",
        JoinOpts::default(),
    )
    .await;
}

#[tokio::test]
async fn bad_join_parameters_are_5013() {
    let server = TestServer::start().await;
    let long_topic = "t".repeat(151);
    let (_c, _e, r) = try_client(
        &server,
        &long_topic,
        &participant_token(&long_topic),
        "P",
        JoinOpts::default(),
    )
    .await;
    assert_code(r, 5013, "151-character topic");
    for bad in ["12345678901", "pässe", "tab\tx"] {
        let opts = JoinOpts {
            passcode: Some(bad.into()),
            ..JoinOpts::default()
        };
        let (_c, _e, r) = try_client(&server, "pc", &participant_token("pc"), "P", opts).await;
        assert_code(r, 5013, &format!("passcode {bad:?}"));
    }
    // Boundaries are accepted: 150 characters of anything printable, 10-character passcode.
    let topic150: String = "Ünïcødé room #1 ".chars().cycle().take(150).collect();
    let ok = Peer::join_with(
        &server,
        &topic150,
        &host_token(&topic150),
        "P",
        JoinOpts {
            passcode: Some("0123456789".into()),
            ..JoinOpts::default()
        },
    )
    .await;
    assert_eq!(ok.client.get_session_info().topic, topic150);

    // The server checks the same rules itself (an SDK cannot skip them).
    let mut raw = RawWs::connect(&server).await;
    let r = raw
        .join(1, &long_topic, &participant_token(&long_topic), "raw", None)
        .await;
    assert_eq!(raw_error_code(&r), Some(5013), "server: long topic {r}");
    let r = raw
        .join(
            2,
            "pc",
            &participant_token("pc"),
            "raw",
            Some("12345678901"),
        )
        .await;
    assert_eq!(raw_error_code(&r), Some(5013), "server: long passcode {r}");
    let r = raw
        .join(3, "pc", &participant_token("pc"), "raw", Some("pässe"))
        .await;
    assert_eq!(
        raw_error_code(&r),
        Some(5013),
        "server: non-ASCII passcode {r}"
    );
    let r = raw.join(4, "", &participant_token(""), "raw", None).await;
    assert_eq!(raw_error_code(&r), Some(5013), "server: empty topic {r}");
    raw.send_json(&json!({"id": 5, "method": "join", "params": {"topic": "pc", "token": participant_token("pc"), "userName": "x", "idleTimeoutMins": 0}}))
        .await
        .unwrap();
    let r = raw.reply(5).await;
    assert_eq!(raw_error_code(&r), Some(5013), "server: idle timeout 0 {r}");
    // After all those refusals the socket can still join.
    let r = raw
        .join(6, "pc", &participant_token("pc"), "raw", None)
        .await;
    assert_eq!(r["ok"], true, "{r}");
}

#[tokio::test]
async fn names_are_truncated_and_empty_is_null() {
    let server = TestServer::start().await;
    let t = "names";
    let host = Peer::join(&server, t, Role::Host, "H").await;
    let long: String = "é".repeat(250);
    let p = Peer::join(&server, t, Role::Participant, &long).await;
    let q = Peer::join(&server, t, Role::Participant, "").await;
    let expect: String = "é".repeat(200);
    host.wait_user(p.id, "long name truncated", |u| u.display_name == expect)
        .await;
    host.wait_user(q.id, "empty name is null", |u| u.display_name == "null")
        .await;
    assert_eq!(
        p.client.get_current_user_info().unwrap().display_name,
        expect
    );
    let server_view = host.client.fetch_all_users().await.unwrap();
    assert_eq!(
        server_view
            .iter()
            .find(|u| u.user_id == q.id)
            .unwrap()
            .display_name,
        "null"
    );
    // Renames are truncated the same way.
    assert_ok(
        q.client.change_name(&"x".repeat(300), None).await,
        "long rename",
    );
    host.wait_user(q.id, "rename truncated", |u| {
        u.display_name == "x".repeat(200)
    })
    .await;
}

#[tokio::test]
async fn calls_outside_a_session_fail_as_the_client_reports() {
    let server = TestServer::start().await;
    let c = Client::new();
    // join before init: INVALID_OPERATION.
    let e = c
        .join("t", &participant_token("t"), "n", None, None)
        .await
        .unwrap_err();
    assert_eq!(
        e.to_error_body().kind,
        protocol::ErrorType::InvalidOperation,
        "{e}"
    );
    c.init(&server.url()).await.unwrap();
    assert_code(c.start_video().await, 6002, "media call before join");
    assert_code(c.start_audio(false).await, 6002, "audio before join");
    assert_code(c.chat_send_to_all("hi").await, 5002, "chat before join");
    assert_code(c.fetch_all_users().await, 5002, "getAllUser before join");
    assert_code(c.leave(false).await, 5002, "leave before join");
    assert!(c.get_all_user().is_empty());
    assert!(!c.get_session_info().is_in_meeting);
    // After a leave, the same.
    c.join("t", &participant_token("t"), "n", None, None)
        .await
        .unwrap();
    c.leave(false).await.unwrap();
    assert_code(c.start_video().await, 6002, "media call after leave");
    assert_code(c.chat_send_to_all("hi").await, 5002, "chat after leave");

    // The server answers a request on a socket that never joined with 5002.
    let mut raw = RawWs::connect(&server).await;
    raw.send_json(&json!({"id": 3, "method": "chat.sendToAll", "params": {"text": "hi"}}))
        .await
        .unwrap();
    let r = raw.reply(3).await;
    assert_eq!(raw_error_code(&r), Some(5002), "{r}");
    c.destroy().await.unwrap();
}

#[tokio::test]
async fn malformed_messages_get_4003_and_the_session_goes_on() {
    let server = TestServer::start().await;
    let t = "malformed";
    let host = Peer::join(&server, t, Role::Host, "H").await;
    let mut p = Peer::join(&server, t, Role::Participant, "P").await;
    let mut raw = RawWs::connect(&server).await;
    let joined = raw.join(1, t, &participant_token(t), "raw", None).await;
    assert_eq!(joined["ok"], true, "{joined}");

    raw.send_text("{not json").await.unwrap();
    let r = raw.reply(0).await;
    assert_eq!(raw_error_code(&r), Some(4003), "malformed JSON: {r}");
    assert_eq!(r["ok"], false);
    assert!(r["error"]["reason"].as_str().is_some_and(|s| !s.is_empty()));

    raw.send_json(&json!({"id": 7, "method": "noSuchMethod", "params": {}}))
        .await
        .unwrap();
    let r = raw.reply(7).await;
    assert_eq!(raw_error_code(&r), Some(4003), "unknown method: {r}");

    raw.send_json(&json!({"id": 8, "method": "changeName", "params": {"name": 5}}))
        .await
        .unwrap();
    let r = raw.reply(8).await;
    assert_eq!(raw_error_code(&r), Some(4003), "wrong type: {r}");

    raw.send_json(&json!({"id": 9, "method": "removeUser", "params": {"userId": "two"}}))
        .await
        .unwrap();
    let r = raw.reply(9).await;
    assert_eq!(raw_error_code(&r), Some(4003), "wrong type: {r}");

    raw.send_json(&json!({"id": "ten", "method": "getAllUser"}))
        .await
        .unwrap();
    let r = raw.reply(0).await;
    assert_eq!(raw_error_code(&r), Some(4003), "non-numeric id: {r}");

    // That user's session goes on...
    raw.send_json(&json!({"id": 11, "method": "getAllUser"}))
        .await
        .unwrap();
    let r = raw.reply(11).await;
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["result"].as_array().map(Vec::len), Some(3), "{r}");
    // ...and everyone else's: nobody was dropped or put in failover.
    assert_ok(host.client.chat_send_to_all("still on").await, "host chats");
    let events = collect_until(&mut p.events, |e| is_chat(e, "still on")).await;
    assert!(
        !events.iter().any(|e| matches!(
            e.as_session(),
            Some(Event::UserRemoved(_)) | Some(Event::UserUpdated(_))
        )),
        "nobody changed: {events:?}"
    );
    assert_eq!(host.client.fetch_all_users().await.unwrap().len(), 3);
}

#[tokio::test]
async fn oversized_frame_closes_only_that_connection() {
    let server = TestServer::start().await;
    let t = "oversized";
    let mut host = Peer::join(&server, t, Role::Host, "H").await;
    let mut p = Peer::join(&server, t, Role::Participant, "P").await;
    let mut raw = RawWs::connect(&server).await;
    let joined = raw.join(1, t, &participant_token(t), "big", None).await;
    let raw_id = UserId(joined["result"]["userId"].as_u64().unwrap() as u32);
    let mut bystander = RawWs::connect(&server).await;
    let j = bystander
        .join(1, t, &participant_token(t), "bystander", None)
        .await;
    assert_eq!(j["ok"], true);

    let text = "x".repeat(70 * 1024);
    let frame = json!({"id": 2, "method": "chat.sendToAll", "params": {"text": text}}).to_string();
    assert!(frame.len() > 64 * 1024);
    // The send itself may already fail if the server closes fast; either way it must close.
    let _ = raw.send_text(frame).await;
    raw.expect_closed().await;

    // The others carry on: the big sender is in failover (no leave), nobody else is touched.
    host.wait_for(|e| is_user_updated(e, raw_id, |u| u.is_in_failover == Some(true)))
        .await;
    assert_ok(host.client.chat_send_to_all("after").await, "host chats");
    p.wait_for(|e| is_chat(e, "after")).await;
    loop {
        let v = bystander.read_json().await;
        if v["event"] == "chat-on-message" && v["payload"]["message"] == "after" {
            break;
        }
    }
    let users = host.client.fetch_all_users().await.unwrap();
    assert_eq!(users.len(), 4);
    assert!(users
        .iter()
        .filter(|u| u.user_id != raw_id)
        .all(|u| !u.is_in_failover));
    // A frame just under the limit is fine.
    let text = "y".repeat(60 * 1024);
    bystander
        .send_json(&json!({"id": 2, "method": "chat.sendToAll", "params": {"text": text}}))
        .await
        .unwrap();
    let r = bystander.reply(2).await;
    assert_eq!(r["ok"], true, "60 KiB frame: {}", r["error"]);
}

#[tokio::test]
async fn flooding_closes_only_the_flooder() {
    let server = TestServer::start().await;
    let t = "flood";
    let host = Peer::join(&server, t, Role::Host, "H").await;
    let mut p = Peer::join(&server, t, Role::Participant, "P").await;
    let mut raw = RawWs::connect(&server).await;
    let joined = raw.join(1, t, &participant_token(t), "flooder", None).await;
    assert_eq!(joined["ok"], true);
    // Far more than the 100 messages a second a connection may send.
    for i in 0..400u64 {
        if raw
            .send_json(&json!({"id": 10 + i, "method": "ping"}))
            .await
            .is_err()
        {
            break;
        }
    }
    raw.expect_closed().await;
    // Everyone else goes on.
    assert_ok(
        host.client.chat_send_to_all("still here").await,
        "host chats",
    );
    p.wait_for(|e| is_chat(e, "still here")).await;
}
