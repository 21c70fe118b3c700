//! SPEC §10: chat privacy, privilege and history; the command channel.

use convene_testkit::*;

async fn trio(server: &TestServer, t: &str) -> (Peer, Peer, Peer) {
    let a = Peer::join(server, t, Role::Host, "A").await;
    let b = Peer::join(server, t, Role::Participant, "B").await;
    let c = Peer::join(server, t, Role::Participant, "C").await;
    let ac = &a.client;
    wait_until("A sees three", || ac.get_all_user().len() == 3).await;
    (a, b, c)
}

#[tokio::test]
async fn private_messages_reach_only_sender_and_receiver() {
    let server = TestServer::start().await;
    let (a, mut b, mut c) = trio(&server, "chat-private").await;
    let sent = assert_ok(a.client.chat_send("secret", b.id).await, "private chat");
    assert_eq!(sent.receiver.user_id, b.id);
    assert_eq!(sent.sender.user_id, a.id);
    let ev = b.wait_for(|e| is_chat(e, "secret")).await;
    if let Some(Event::ChatOnMessage(m)) = ev.as_session() {
        assert_eq!(m.sender.user_id, a.id);
        assert_eq!(m.sender.name, "A");
        assert_eq!(m.id, sent.id);
    }
    // B answers privately too.
    assert_ok(b.client.chat_send("reply", a.id).await, "private reply");
    assert_ok(a.client.chat_send_to_all("public").await, "public chat");
    let events = collect_until(&mut c.events, |e| is_chat(e, "public")).await;
    assert!(
        !events
            .iter()
            .any(|e| is_chat(e, "secret") || is_chat(e, "reply")),
        "a private message reached a third user: {events:?}"
    );
    let ev = b.wait_for(|e| is_chat(e, "public")).await;
    if let Some(Event::ChatOnMessage(m)) = ev.as_session() {
        assert_eq!(m.receiver.user_id, UserId(0));
    }
    // History: what each saw.
    let texts =
        |h: Vec<protocol::ChatMessage>| h.into_iter().map(|m| m.message).collect::<Vec<_>>();
    assert_eq!(
        texts(a.client.chat_get_history().await.unwrap()),
        ["secret", "reply", "public"]
    );
    assert_eq!(
        texts(b.client.chat_get_history().await.unwrap()),
        ["secret", "reply", "public"]
    );
    assert_eq!(
        texts(c.client.chat_get_history().await.unwrap()),
        ["public"]
    );
    // A later joiner has no history of earlier messages.
    let d = Peer::join(&server, "chat-private", Role::Participant, "D").await;
    assert!(d.client.chat_get_history().await.unwrap().is_empty());
}

#[tokio::test]
async fn chat_errors_and_privileges() {
    let server = TestServer::start().await;
    let (a, mut b, c) = trio(&server, "chat-privilege").await;
    assert_code(b.client.chat_send_to_all("").await, 7000, "empty public");
    assert_code(b.client.chat_send("", c.id).await, 7000, "empty private");
    assert_code(
        b.client.chat_send("hi", UserId(9999)).await,
        7001,
        "unknown receiver",
    );

    assert_ok(
        a.client.chat_set_privilege(ChatPrivilege::NoOne).await,
        "NoOne",
    );
    b.wait_for(|e| {
        matches!(
            e.as_session(),
            Some(Event::ChatPrivilegeChange {
                chat_privilege: ChatPrivilege::NoOne
            })
        )
    })
    .await;
    assert_eq!(b.client.get_chat_privilege(), Some(ChatPrivilege::NoOne));
    assert_code(
        b.client.chat_send_to_all("hi").await,
        7002,
        "public under NoOne",
    );
    assert_code(
        b.client.chat_send("hi", c.id).await,
        7002,
        "private under NoOne",
    );

    assert_ok(
        a.client
            .chat_set_privilege(ChatPrivilege::EveryonePublicly)
            .await,
        "EveryonePublicly",
    );
    b.wait_for(|e| {
        matches!(
            e.as_session(),
            Some(Event::ChatPrivilegeChange {
                chat_privilege: ChatPrivilege::EveryonePublicly
            })
        )
    })
    .await;
    assert_code(
        b.client.chat_send("hi", c.id).await,
        7002,
        "private under EveryonePublicly",
    );
    assert_ok(
        b.client.chat_send_to_all("public is fine").await,
        "public under EveryonePublicly",
    );

    assert_ok(a.client.chat_set_privilege(ChatPrivilege::All).await, "All");
    b.wait_for(|e| {
        matches!(
            e.as_session(),
            Some(Event::ChatPrivilegeChange {
                chat_privilege: ChatPrivilege::All
            })
        )
    })
    .await;
    assert_ok(b.client.chat_send("hi", c.id).await, "private under All");

    // Long messages are truncated to 10,000 bytes, not refused.
    let long = "z".repeat(12_000);
    let m = assert_ok(b.client.chat_send_to_all(&long).await, "long message");
    assert_eq!(m.message.len(), 10_000);
}

#[tokio::test]
async fn command_channel_reaches_the_target_only() {
    let server = TestServer::start().await;
    let (a, mut b, mut c) = trio(&server, "command").await;
    let sent = assert_ok(
        a.client.command_send("cmd-for-b", Some(b.id)).await,
        "command to B",
    );
    assert_eq!(sent.receiver_id, Some(b.id));
    let ev = b
        .wait_for(|e| matches!(e.as_session(), Some(Event::CommandChannelMessage { text, .. }) if text == "cmd-for-b"))
        .await;
    if let Some(Event::CommandChannelMessage {
        sender_id,
        sender_name,
        ..
    }) = ev.as_session()
    {
        assert_eq!(sender_id, &a.id.0.to_string());
        assert_eq!(sender_name, "A");
    }
    assert_ok(a.client.chat_send_to_all("marker").await, "marker");
    let events = collect_until(&mut c.events, |e| is_chat(e, "marker")).await;
    assert!(
        !events
            .iter()
            .any(|e| matches!(e.as_session(), Some(Event::CommandChannelMessage { .. }))),
        "a targeted command reached a third user: {events:?}"
    );

    // Broadcast reaches everyone else, not the sender.
    assert_ok(
        b.client.command_send("to-all", None).await,
        "broadcast command",
    );
    c.wait_for(|e| matches!(e.as_session(), Some(Event::CommandChannelMessage { text, .. }) if text == "to-all")).await;

    // Size: 512 bytes is fine, 513 is 7103.
    assert_ok(
        c.client.command_send(&"a".repeat(512), Some(a.id)).await,
        "512 bytes",
    );
    assert_code(
        c.client.command_send(&"a".repeat(513), Some(a.id)).await,
        7103,
        "513 bytes",
    );
    assert_code(
        c.client.command_send(&"é".repeat(300), None).await,
        7103,
        "600 bytes of 300 chars",
    );
    assert_code(c.client.command_send("", None).await, 7100, "empty command");
    assert_code(
        c.client.command_send("x", Some(UserId(9999))).await,
        7101,
        "unknown receiver",
    );
}

#[tokio::test]
async fn command_channel_is_rate_limited() {
    let server = TestServer::start_with(|c| c.session.command_rate_per_sec = 3).await;
    let (a, b, _c) = trio(&server, "command-rate").await;
    let mut codes = Vec::new();
    for i in 0..6 {
        codes.push(
            a.client
                .command_send(&format!("m{i}"), Some(b.id))
                .await
                .map_err(|e| code_of(&e))
                .err(),
        );
    }
    assert!(
        codes.contains(&Some(7105)),
        "rate limit never hit: {codes:?}"
    );
    assert_eq!(codes[0], None, "the first message passes: {codes:?}");
}
