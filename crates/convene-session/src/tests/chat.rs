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
    assert_eq!(h.code(a, send("z".into())), 7103, "rate limited");
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
