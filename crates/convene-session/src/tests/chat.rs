//! Chat and the command channel.

use super::*;

#[test]
fn chat_privacy_privilege_history_and_truncation() {
    let mut h = H::new();
    let a = h.join(&HOST, "a");
    let b = h.join(&PART, "b");
    let c = h.join(&PART, "c");
    let bid = h.me(b);
    let m = h
        .req(
            a,
            ClientMsg::ChatSend {
                text: "secret".into(),
                user_id: bid,
            },
        )
        .unwrap();
    assert_eq!(m["message"], "secret");
    let got = |h: &H, c: ConnId| {
        h.view(c)
            .events
            .iter()
            .filter(|e| matches!(e, Event::ChatOnMessage(_)))
            .count()
    };
    assert_eq!(got(&h, b), 1);
    assert_eq!(got(&h, c), 0, "private message never reaches a third user");
    assert_eq!(
        h.code(
            b,
            ClientMsg::ChatSendToAll {
                text: String::new()
            }
        ),
        7000
    );
    assert_eq!(
        h.code(
            b,
            ClientMsg::ChatSend {
                text: "x".into(),
                user_id: UserId(99)
            }
        ),
        7001
    );
    let big = "é".repeat(6000);
    let m = h.req(b, ClientMsg::ChatSendToAll { text: big }).unwrap();
    assert!(m["message"].as_str().unwrap().len() <= 10_000);
    assert_eq!(got(&h, c), 1);
    h.req(
        a,
        ClientMsg::ChatSetPrivilege {
            privilege: ChatPrivilege::EveryonePublicly,
        },
    )
    .unwrap();
    assert_eq!(
        h.code(
            b,
            ClientMsg::ChatSend {
                text: "x".into(),
                user_id: UserId(1)
            }
        ),
        7002
    );
    assert_eq!(h.code(b, ClientMsg::ChatSendToAll { text: "ok".into() }), 0);
    h.req(
        a,
        ClientMsg::ChatSetPrivilege {
            privilege: ChatPrivilege::NoOne,
        },
    )
    .unwrap();
    assert_eq!(
        h.code(b, ClientMsg::ChatSendToAll { text: "x".into() }),
        7002
    );
    let hist: Vec<ChatMessage> =
        serde_json::from_value(h.req(c, ClientMsg::ChatGetHistory).unwrap()).unwrap();
    assert_eq!(
        hist.len(),
        2,
        "c saw two public messages, not the private one"
    );
    let hb: Vec<ChatMessage> =
        serde_json::from_value(h.req(b, ClientMsg::ChatGetHistory).unwrap()).unwrap();
    assert_eq!(hb.len(), 3);
}

#[test]
fn command_channel_limits() {
    let mut h = H::new();
    let a = h.join(&HOST, "a");
    let b = h.join(&PART, "b");
    let send = |t: serde_json::Value| ClientMsg::CommandSend {
        text: t,
        user_id: None,
    };
    assert_eq!(h.code(a, send("".into())), 7100);
    assert_eq!(h.code(a, send(5.into())), 7102);
    assert_eq!(h.code(a, send("x".repeat(513).into())), 7103);
    assert_eq!(h.code(a, send("x".repeat(512).into())), 0);
    for _ in 0..9 {
        assert_eq!(h.code(a, send("y".into())), 0);
    }
    assert_eq!(h.code(a, send("z".into())), 7105, "rate limited");
    h.advance(Duration::from_secs(1));
    assert_eq!(h.code(a, send("z".into())), 0);
    let n = h
        .view(b)
        .events
        .iter()
        .filter(|e| matches!(e, Event::CommandChannelMessage { .. }))
        .count();
    assert_eq!(n, 11);
}

fn chats_seen(h: &H, c: ConnId) -> usize {
    h.view(c)
        .events
        .iter()
        .filter(|e| matches!(e, Event::ChatOnMessage(_)))
        .count()
}

fn history(h: &mut H, c: ConnId) -> Vec<String> {
    let v = h.req(c, ClientMsg::ChatGetHistory).unwrap();
    let hist: Vec<ChatMessage> = serde_json::from_value(v).unwrap();
    hist.into_iter().map(|m| m.message).collect()
}

#[test]
fn chat_is_rate_limited_per_user_with_7012() {
    let mut h = H::new();
    let a = h.join(&HOST, "a");
    let b = h.join(&PART, "b");
    let all = |t: &str| ClientMsg::ChatSendToAll { text: t.into() };
    for i in 0..10 {
        assert_eq!(h.code(a, all(&format!("m{i}"))), 0);
    }
    let e = h.req(a, all("flood")).unwrap_err();
    assert_eq!(e.error_code, 7012);
    assert_eq!(e.code(), Some(ErrorCode::ChatRateLimited));
    assert_eq!(chats_seen(&h, b), 10, "the refused message reached nobody");
    assert!(!history(&mut h, b).contains(&"flood".to_owned()));
    // Per user: b still may chat; and a's budget comes back with the next second.
    assert_eq!(h.code(b, all("hi")), 0);
    h.advance(Duration::from_millis(999));
    assert_eq!(h.code(a, all("still")), 7012);
    h.advance(Duration::from_millis(1));
    assert_eq!(h.code(a, all("again")), 0);

    let mut h = H::with(Config {
        chat_rate_per_sec: 2,
        ..Config::default()
    });
    let a = h.join(&HOST, "a");
    assert_eq!(h.code(a, all("1")), 0);
    assert_eq!(h.code(a, all("2")), 0);
    assert_eq!(h.code(a, all("3")), 7012, "configurable");
}

#[test]
fn chat_history_keeps_the_sessions_last_messages() {
    let mut h = H::with(Config {
        chat_history: 3,
        chat_rate_per_sec: 100,
        ..Config::default()
    });
    let a = h.join(&HOST, "a");
    let b = h.join(&PART, "b");
    let bid = h.me(b);
    for i in 1..=4 {
        h.req(
            a,
            ClientMsg::ChatSendToAll {
                text: format!("m{i}"),
            },
        )
        .unwrap();
    }
    assert_eq!(history(&mut h, b), ["m2", "m3", "m4"], "the last 3 only");
    let c = h.join(&PART, "c");
    h.req(
        a,
        ClientMsg::ChatSend {
            text: "to b".into(),
            user_id: bid,
        },
    )
    .unwrap();
    h.req(a, ClientMsg::ChatSendToAll { text: "m5".into() })
        .unwrap();
    assert_eq!(history(&mut h, b), ["m4", "to b", "m5"]);
    assert_eq!(history(&mut h, a), ["m4", "to b", "m5"]);
    assert_eq!(
        history(&mut h, c),
        ["m5"],
        "a late joiner sees what came after its join, never others' private messages"
    );
}

#[test]
fn chat_history_of_a_long_session_stays_bounded_at_1000() {
    let mut h = H::with(Config {
        chat_rate_per_sec: u32::MAX,
        ..Config::default()
    });
    let a = h.join(&HOST, "a");
    for i in 0..1_005 {
        h.req(
            a,
            ClientMsg::ChatSendToAll {
                text: format!("m{i}"),
            },
        )
        .unwrap();
    }
    let hist = history(&mut h, a);
    assert_eq!(hist.len(), 1_000);
    assert_eq!(hist[0], "m5");
}
