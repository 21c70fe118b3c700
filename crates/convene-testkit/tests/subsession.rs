//! Subsessions (breakout rooms, docs/subsessions.md) through the whole stack: a real server,
//! the Rust SDK over real sockets. A host and two guests: rooms are created and opened, the
//! guests are moved (and see it as a reconnect), each room has its own user list, chat and
//! media, and everyone comes back when the rooms close. The bot (`convene join`) takes the
//! same steps through its stdin commands.

use crate::bot::Bot;
use convene_client::protocol::{
    AllocationPattern, HelpResponse, Subsession, SubsessionNames, SubsessionOptions,
    SubsessionStatus, SubsessionUser,
};
use convene_client::{MediaOptions, MediaStream, SubsessionUserStatus};
use convene_media::SynthKind;
use convene_testkit::*;
use serde_json::json;
use std::time::Duration;

/// A host and two guests in one session.
struct Trio {
    server: TestServer,
    h: Peer,
    a: Peer,
    b: Peer,
}

async fn trio(topic: &str) -> Trio {
    let server = TestServer::start().await;
    let h = Peer::join(&server, topic, Role::Host, "H").await;
    let a = Peer::join(&server, topic, Role::Participant, "A").await;
    let b = Peer::join(&server, topic, Role::Participant, "B").await;
    let hc = &h.client;
    wait_until("H sees three", || hc.get_all_user().len() == 3).await;
    Trio { server, h, a, b }
}

/// Two rooms, created by the host ("Room 1", "Room 2").
async fn two_rooms(h: &Peer) -> Vec<Subsession> {
    let rooms = assert_ok(
        h.client
            .create_subsessions(
                SubsessionNames::Many(vec!["Room 1".into(), "Room 2".into()]),
                AllocationPattern::Manually,
            )
            .await,
        "create two rooms",
    );
    assert_eq!(rooms.len(), 2);
    assert_eq!(rooms[0].subsession_name, "Room 1");
    rooms
}

/// `rooms` with `users[i]` assigned to room i.
fn assigned(rooms: &[Subsession], users: &[&[UserId]]) -> Vec<Subsession> {
    rooms
        .iter()
        .zip(users)
        .map(|(r, ids)| Subsession {
            user_list: ids
                .iter()
                .map(|id| SubsessionUser {
                    user_id: *id,
                    display_name: String::new(),
                    is_in_subsession: false,
                })
                .collect(),
            ..r.clone()
        })
        .collect()
}

/// The host opens `rooms` with `users[i]` assigned to room i.
async fn open(h: &Peer, rooms: &[Subsession], users: &[&[UserId]], options: SubsessionOptions) {
    assert_ok(
        h.client
            .open_subsessions(assigned(rooms, users), options)
            .await,
        "open",
    );
}

fn auto_join(wait_seconds: u32) -> SubsessionOptions {
    SubsessionOptions {
        is_auto_join_subsession: true,
        wait_seconds,
        ..SubsessionOptions::default()
    }
}

/// The events of one move as `p` saw them, from `Reconnecting` to `Connected`; returns the
/// reason of the `Reconnecting`.
async fn moved(p: &mut Peer) -> (String, Vec<ClientEvent>) {
    let first = p
        .wait_for(|e| is_conn_change(e, ConnectionState::Reconnecting, None))
        .await;
    let reason = first
        .connection_change()
        .and_then(|(_, r)| r.map(str::to_owned))
        .unwrap_or_default();
    let rest = collect_until(&mut p.events, |e| {
        is_conn_change(e, ConnectionState::Connected, None)
    })
    .await;
    assert!(
        rest.iter()
            .any(|e| matches!(e.as_session(), Some(Event::SubsessionMoved(_)))),
        "subsession-moved between Reconnecting and Connected: {rest:?}"
    );
    (reason, rest)
}

fn ids(c: &Client) -> Vec<UserId> {
    c.get_all_user().iter().map(|u| u.user_id).collect()
}

/// Every event `p` has by the time the server answered a request sent now: what it was
/// sent before (one session task, one connection, in order).
async fn settled(p: &mut Peer) -> Vec<ClientEvent> {
    assert_ok(p.client.subsession_state().await, "subsession.getState");
    std::iter::from_fn(|| p.events.try_next()).collect()
}

fn chat_in(events: &[ClientEvent], text: &str) -> bool {
    events.iter().any(|e| is_chat(e, text))
}

#[tokio::test]
async fn rooms_scope_users_and_chat_and_everyone_comes_back_when_they_close() {
    let Trio {
        server: _server,
        mut h,
        mut a,
        mut b,
    } = trio("subsession-rooms").await;
    let main_id = h.client.get_session_info().session_id;

    // The rules before anything is open.
    assert_code(
        h.client
            .create_subsessions(SubsessionNames::Count(101), AllocationPattern::Manually)
            .await,
        7501,
        "101 rooms",
    );
    assert_code(
        a.client
            .create_subsessions(SubsessionNames::Count(2), AllocationPattern::Manually)
            .await,
        5006,
        "a guest creates rooms",
    );
    let rooms = two_rooms(&h).await;
    let (r1, r2) = (
        rooms[0].subsession_id.clone(),
        rooms[1].subsession_id.clone(),
    );
    assert!(r1.starts_with(&format!("{main_id}~")), "{r1}");
    assert_code(
        h.client.subsession_broadcast("too early").await,
        7506,
        "broadcast before opening",
    );

    // Open with auto-join: A into room 1, B into room 2.
    open(&h, &rooms, &[&[a.id], &[b.id]], auto_join(1)).await;
    for p in [&mut a, &mut b] {
        let (reason, events) = moved(p).await;
        // Auto-join: the protocol's MoveReason says "join breakout room" (or auto-joined);
        // accept either move into a room.
        assert!(
            reason == "join breakout room" || reason == "move to breakout room",
            "{reason}"
        );
        // H and the other guest are left behind.
        assert!(
            events.iter().any(|e| is_user_removed(e, h.id)),
            "{events:?}"
        );
    }
    assert_eq!(ids(&a.client), vec![a.id], "room 1 holds A only");
    assert_eq!(ids(&b.client), vec![b.id], "room 2 holds B only");
    assert_eq!(a.client.get_session_info().session_id, r1.as_str());
    assert_eq!(b.client.get_session_info().session_id, r2.as_str());
    let current = a.client.get_current_subsession();
    assert_eq!(
        (
            current.subsession_id.as_str(),
            current.subsession_name.as_str()
        ),
        (r1.as_str(), "Room 1")
    );
    assert_eq!(
        a.client.get_user_status(),
        SubsessionUserStatus::InSubsession
    );
    let hc = &h.client;
    wait_until("H alone in the main session", || ids(hc) == vec![h.id]).await;
    assert_eq!(hc.get_user_status(), SubsessionUserStatus::Initial);
    // The server's lists agree with the local ones.
    assert_eq!(
        a.client.fetch_all_users().await.unwrap(),
        a.client.get_all_user()
    );
    // Everyone hears the rooms are open; the host sees who is where.
    for p in [&h, &a, &b] {
        let c = &p.client;
        wait_until("status InProgress", || {
            c.get_subsession_status() == SubsessionStatus::InProgress
        })
        .await;
    }
    wait_until("H's room lists name A and B in them", || {
        let l = hc.get_subsession_list();
        l.len() == 2
            && l[0]
                .user_list
                .iter()
                .any(|u| u.user_id == a.id && u.is_in_subsession)
            && l[1]
                .user_list
                .iter()
                .any(|u| u.user_id == b.id && u.is_in_subsession)
    })
    .await;

    // Chat in room 1 reaches neither room 2 nor the main session.
    assert_ok(
        a.client.chat_send_to_all("room 1 only").await,
        "chat in room 1",
    );
    for p in [&mut h, &mut b] {
        let seen = settled(p).await;
        assert!(!chat_in(&seen, "room 1 only"), "{seen:?}");
    }

    // Unknown room; the host moves B into room 1, where chat then reaches B.
    assert_code(
        b.client.join_subsession("no-such-room").await,
        7502,
        "unknown room",
    );
    assert_ok(
        h.client.move_user_to_subsession(b.id, &r1).await,
        "move B to room 1",
    );
    let (reason, events) = moved(&mut b).await;
    assert_eq!(reason, "move to breakout room");
    assert!(events.iter().any(|e| is_user_added(e, a.id)), "{events:?}");
    a.wait_for(|e| is_user_added(e, b.id)).await;
    assert_eq!(ids(&b.client), vec![a.id, b.id]);
    assert_ok(a.client.chat_send_to_all("hello room 1").await, "chat");
    b.wait_for(|e| is_chat(e, "hello room 1")).await;
    let seen = settled(&mut h).await;
    assert!(!chat_in(&seen, "hello room 1"), "{seen:?}");

    // A broadcast reaches the rooms.
    assert_ok(
        h.client.subsession_broadcast("5 minutes left").await,
        "broadcast",
    );
    for p in [&mut a, &mut b] {
        p.wait_for(|e| {
            matches!(e.as_session(), Some(Event::SubsessionBroadcastMessage { message }) if message == "5 minutes left")
        })
        .await;
    }
    assert_code(
        h.client.start_broadcast_voice().await,
        7508,
        "voice broadcast",
    );

    // B leaves the room: back in the main session, with H.
    assert_ok(b.client.leave_subsession().await, "B leaves room 1");
    let (reason, events) = moved(&mut b).await;
    assert_eq!(reason, "back to main session");
    assert!(events.iter().any(|e| is_user_added(e, h.id)), "{events:?}");
    assert!(
        events.iter().any(|e| is_user_removed(e, a.id)),
        "{events:?}"
    );
    assert_eq!(ids(&b.client), vec![h.id, b.id]);
    assert_eq!(b.client.get_session_info().session_id, main_id);
    assert_eq!(
        b.client.get_user_status(),
        SubsessionUserStatus::MainSession
    );
    a.wait_for(|e| is_user_removed(e, b.id)).await;
    assert_code(
        b.client.leave_subsession().await,
        7504,
        "leave from the main session",
    );

    // Close with a 1 s countdown: everyone is back and the rooms are Closed.
    assert_ok(h.client.close_all_subsessions().await, "close");
    a.wait_for(|e| {
        matches!(
            e.as_session(),
            Some(Event::ClosingSubsessionCountdown { countdown: 1 })
        )
    })
    .await;
    let (reason, _) = moved(&mut a).await;
    assert_eq!(reason, "back to main session");
    for p in [&h, &a, &b] {
        let c = &p.client;
        wait_until("everyone in the main session, rooms Closed", || {
            ids(c) == vec![h.id, a.id, b.id]
                && c.get_subsession_status() == SubsessionStatus::Closed
        })
        .await;
    }
    assert_eq!(a.client.get_session_info().session_id, main_id);
    assert_eq!(a.client.get_current_subsession().subsession_id, "");
    a.wait_for(|e| {
        matches!(e, ClientEvent::SubsessionStateChange { status } if *status == SubsessionStatus::Closed)
    })
    .await;
    // And the main session's chat reaches everyone again.
    assert_ok(h.client.chat_send_to_all("welcome back").await, "chat");
    for p in [&mut a, &mut b] {
        p.wait_for(|e| is_chat(e, "welcome back")).await;
    }
}

#[tokio::test]
async fn leaving_a_room_is_refused_when_back_to_main_is_disabled() {
    let Trio {
        server: _server,
        h,
        mut a,
        b: _b,
    } = trio("subsession-locked").await;
    let rooms = two_rooms(&h).await;
    let options = SubsessionOptions {
        is_back_to_main_session_enabled: false,
        ..auto_join(0)
    };
    open(&h, &rooms, &[&[a.id], &[]], options).await;
    moved(&mut a).await;
    assert_code(
        a.client.leave_subsession().await,
        7505,
        "leave a locked room",
    );
    assert_eq!(
        a.client.get_session_info().session_id,
        rooms[0].subsession_id.as_str(),
        "still in the room"
    );
    // The host may bring A back.
    assert_ok(h.client.move_back_to_main_session(a.id).await, "move back");
    let (reason, _) = moved(&mut a).await;
    assert_eq!(reason, "back to main session");
}

fn is_help_response(e: &ClientEvent, want: HelpResponse) -> bool {
    matches!(e.as_session(), Some(Event::SubsessionAskForHelpResponse { result }) if *result == want)
}

#[tokio::test]
async fn invitations_assignments_help_and_the_rules_of_rooms() {
    let Trio {
        server: _server,
        mut h,
        mut a,
        mut b,
    } = trio("subsession-help").await;
    let rooms = two_rooms(&h).await;
    let (r1, r2) = (
        rooms[0].subsession_id.clone(),
        rooms[1].subsession_id.clone(),
    );
    assert_code(
        h.client.move_user_to_subsession(b.id, &r2).await,
        7504,
        "move before opening",
    );
    // Opened without auto-join, A assigned to room 1: A is invited; B, assigned once the
    // rooms are open, is invited to room 2.
    let options = SubsessionOptions {
        is_auto_join_subsession: false,
        ..auto_join(0)
    };
    open(&h, &rooms, &[&[a.id], &[]], options).await;
    assert_ok(
        h.client.assign_user_to_subsession(b.id, &r2).await,
        "assign B",
    );
    for (p, room) in [(&mut a, &r1), (&mut b, &r2)] {
        p.wait_for(|e| {
            matches!(e.as_session(), Some(Event::SubsessionInviteToJoin { subsession_id, .. }) if subsession_id == room)
        })
        .await;
        assert_eq!(p.client.get_user_status(), SubsessionUserStatus::Invited);
        assert_eq!(p.client.get_current_subsession().subsession_id, *room);
    }
    // Only one's own room (no selection): 7503 for the other.
    assert_code(a.client.join_subsession(&r2).await, 7503, "A into room 2");
    assert_code(
        a.client.ask_for_help().await,
        7504,
        "help from the main session",
    );
    assert_ok(a.client.join_subsession(&r1).await, "A into its room");
    let (reason, _) = moved(&mut a).await;
    assert_eq!(reason, "join breakout room");

    // Help: the host hears A; A hears Received, then Busy when the host postpones.
    assert_ok(a.client.ask_for_help().await, "A asks for help");
    let ev = h
        .wait_for(|e| matches!(e.as_session(), Some(Event::SubsessionAskForHelp { .. })))
        .await;
    let Some(Event::SubsessionAskForHelp {
        user_id,
        subsession_id,
        subsession_name,
        ..
    }) = ev.as_session()
    else {
        unreachable!()
    };
    assert_eq!(
        (*user_id, subsession_id.as_str(), subsession_name.as_str()),
        (a.id, r1.as_str(), "Room 1")
    );
    a.wait_for(|e| is_help_response(e, HelpResponse::Received))
        .await;
    assert_code(
        b.client.postpone_helping(a.id).await,
        5006,
        "a guest postpones",
    );
    assert_ok(h.client.postpone_helping(a.id).await, "postpone");
    a.wait_for(|e| is_help_response(e, HelpResponse::Busy))
        .await;
    // The host (any room) joins room 1: asking again says the host is already there.
    assert_ok(h.client.join_subsession(&r1).await, "H into room 1");
    moved(&mut h).await;
    a.wait_for(|e| is_user_added(e, h.id)).await;
    assert_ok(a.client.ask_for_help().await, "A asks again");
    a.wait_for(|e| is_help_response(e, HelpResponse::AlreadyInRoom))
        .await;
    // Roles change only from the main session; the host keeps its powers in a room.
    assert!(h.client.is_host(), "still host in the room");
    assert_code(
        h.client.make_manager(a.id).await,
        7504,
        "a role from a room",
    );
    assert_ok(
        h.client.move_user_to_subsession(b.id, &r1).await,
        "the host moves B from the main session",
    );
    moved(&mut b).await;
    let bc = &b.client;
    wait_until("room 1 holds H, A and B", || {
        ids(bc) == vec![h.id, a.id, b.id]
    })
    .await;

    // The host ends the session from a room: everyone gets Closed.
    assert_ok(h.client.leave(true).await, "end from a room");
    for p in [&mut a, &mut b] {
        p.wait_for(|e| is_conn_change(e, ConnectionState::Closed, None))
            .await;
        assert!(!p.client.get_session_info().is_in_meeting);
    }
}

#[tokio::test]
async fn a_guest_dropped_in_a_room_resumes_into_that_room() {
    let Trio {
        server: _server,
        h,
        mut a,
        mut b,
    } = trio("subsession-drop").await;
    let rooms = two_rooms(&h).await;
    let r1 = rooms[0].subsession_id.clone();
    open(&h, &rooms, &[&[a.id, b.id], &[]], auto_join(0)).await;
    moved(&mut a).await;
    moved(&mut b).await;
    let bc = &b.client;
    wait_until("B sees A in room 1", || ids(bc) == vec![a.id, b.id]).await;

    a.client.debug_drop_connection().await;
    a.wait_for(|e| is_conn_change(e, ConnectionState::Reconnecting, Some("failover")))
        .await;
    a.wait_for(|e| is_conn_change(e, ConnectionState::Connected, None))
        .await;
    assert_eq!(
        a.client.get_session_info().session_id,
        r1.as_str(),
        "resumed in the room"
    );
    assert_eq!(ids(&a.client), vec![a.id, b.id], "the room's list");
    assert_eq!(a.client.get_current_subsession().subsession_id, r1);
    b.wait_for(|e| is_user_updated(e, a.id, |u| u.is_in_failover == Some(false)))
        .await;
    // The room works for A: its chat reaches B, and the main session does not see it.
    assert_ok(a.client.chat_send_to_all("back in room 1").await, "chat");
    b.wait_for(|e| is_chat(e, "back in room 1")).await;
    assert_eq!(
        a.client.fetch_all_users().await.unwrap(),
        a.client.get_all_user()
    );
}

/// Waits until `rx`'s current media peer has received `n` camera frames from `from` (a peer
/// rebuilt by a move starts from none).
async fn camera_frames(rx: &MediaStream, from: UserId, n: usize, what: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        // No peer for a moment while a move rebuilds it: nothing received yet.
        let snap = rx.snapshot().await.expect("snapshot");
        let frames = snap
            .iter()
            .flat_map(|s| s.received.values())
            .flat_map(|t| t.records.iter())
            .filter(|r| {
                r.tag
                    .is_some_and(|t| t.user == from.0 && t.kind == SynthKind::Video)
            })
            .count();
        if frames >= n {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {frames} camera frames from {from}: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `p`'s media stream, its camera published as one layer.
async fn camera(p: &Peer) -> MediaStream {
    let m = p.client.get_media_stream().expect("joined");
    m.set_options(MediaOptions {
        simulcast: false,
        ..MediaOptions::default()
    })
    .await;
    assert_ok(m.start_video().await, "camera");
    m
}

#[tokio::test]
async fn cameras_flow_in_a_room_after_the_move_and_again_back_in_the_main_session() {
    let Trio {
        server: _server,
        h,
        mut a,
        mut b,
    } = trio("subsession-media").await;
    // In the main session: H and A publish their cameras, B watches H's.
    let _h_media = camera(&h).await;
    let _a_media = camera(&a).await;
    let b_media = b.client.get_media_stream().expect("joined");
    assert_ok(b_media.attach_video(h.id, 2).await, "B attaches H");
    camera_frames(&b_media, h.id, 5, "H in the main session").await;

    let rooms = two_rooms(&h).await;
    open(&h, &rooms, &[&[a.id, b.id], &[]], auto_join(0)).await;
    moved(&mut a).await;
    moved(&mut b).await;
    // The move restarted A's camera in the room; B, there too, receives it.
    let bc = &b.client;
    wait_until("B sees A in room 1 with its camera on", || {
        bc.get_user(a.id).is_some_and(|u| u.b_video_on)
    })
    .await;
    assert_ok(b_media.attach_video(a.id, 2).await, "B attaches A");
    camera_frames(&b_media, a.id, 10, "A in room 1").await;

    // Back in the main session, B's new peer gets H's camera again without asking.
    assert_ok(b.client.leave_subsession().await, "B leaves the room");
    moved(&mut b).await;
    camera_frames(&b_media, h.id, 5, "H after B came back").await;
}

/// The bot's lines from its command `id` on, until both its reply (ok) and a move (events
/// and reply are printed by two tasks, in either order): the move's lines, from its
/// `Reconnecting` to its `Connected`.
async fn bot_move(bot: &mut Bot, id: u64) -> Vec<serde_json::Value> {
    let (mut replied, mut lines, mut connected) = (false, Vec::new(), false);
    while !(replied && connected) {
        let v = bot.line().await.expect("the bot runs");
        if v["id"] == id && v.get("ok").is_some() {
            assert_eq!(v["ok"], true, "{v}");
            replied = true;
        } else if v["event"] == "connection-change" && v["payload"]["state"] == "Reconnecting" {
            lines.push(v);
        } else if !lines.is_empty() && !connected {
            connected = v["event"] == "connection-change";
            lines.push(v);
        }
    }
    lines
}

#[tokio::test]
async fn the_bot_is_invited_joins_a_room_and_answers_the_getters() {
    let server = TestServer::start().await;
    let t = "subsession-bot";
    let h = Peer::join(&server, t, Role::Host, "H").await;
    let mut bot = Bot::spawn(&server, t, &participant_token(t), "Botty").await;
    let joined = bot.line().await.expect("joined line");
    let bot_id = UserId(joined["payload"]["userId"].as_u64().expect("userId") as u32);
    let hc = &h.client;
    wait_until("H sees the bot", || hc.get_user(bot_id).is_some()).await;

    bot.send(json!({"id": 1, "cmd": "subsession.createSubsessions", "args": {"data": 2}}))
        .await;
    assert_eq!(bot.reply(1).await["error"]["errorCode"], 5006);
    let rooms = two_rooms(&h).await;
    let r1 = rooms[0].subsession_id.clone();
    // Without auto-join the bot is invited.
    let options = SubsessionOptions {
        is_auto_join_subsession: false,
        ..auto_join(0)
    };
    open(&h, &rooms, &[&[bot_id], &[]], options).await;
    let invite = bot
        .until("the invitation", |v| {
            v["event"] == "subsession-invite-to-join"
        })
        .await;
    assert_eq!(invite["payload"]["subsessionId"], r1.as_str(), "{invite}");
    bot.until("subsession-state-change", |v| {
        v["event"] == "subsession-state-change" && v["payload"]["status"] == 2
    })
    .await;
    bot.send(json!({"id": 2, "cmd": "subsession.getUserStatus"}))
        .await;
    assert_eq!(bot.reply(2).await["result"], "invited");

    bot.send(json!({"id": 3, "cmd": "subsession.joinSubsession", "args": {"subsessionId": r1}}))
        .await;
    let lines = bot_move(&mut bot, 3).await;
    assert_eq!(
        lines[0]["payload"]["reason"], "join breakout room",
        "{lines:?}"
    );
    let moved = lines
        .iter()
        .find(|v| v["event"] == "subsession-moved")
        .expect("subsession-moved printed");
    assert_eq!(moved["payload"]["session"]["sessionId"], r1.as_str());

    bot.send(json!({"id": 4, "cmd": "subsession.getCurrentSubsession"}))
        .await;
    assert_eq!(
        bot.reply(4).await["result"],
        json!({"subsessionId": r1, "subsessionName": "Room 1", "userStatus": "in room"})
    );
    bot.send(json!({"id": 5, "cmd": "subsession.getSubsessionStatus"}))
        .await;
    assert_eq!(bot.reply(5).await["result"], 2);
    bot.send(json!({"id": 6, "cmd": "subsession.getSubsessionList"}))
        .await;
    let list = bot.reply(6).await;
    assert_eq!(list["result"][1]["subsessionName"], "Room 2", "{list}");
    bot.send(json!({"id": 7, "cmd": "getAllUser"})).await;
    let users = bot.reply(7).await;
    assert_eq!(users["result"].as_array().map(Vec::len), Some(1), "{users}");

    assert_ok(
        h.client.subsession_broadcast("hello rooms").await,
        "broadcast",
    );
    let ev = bot
        .until("the broadcast", |v| {
            v["event"] == "subsession-broadcast-message"
        })
        .await;
    assert_eq!(ev["payload"]["message"], "hello rooms");

    bot.send(json!({"id": 8, "cmd": "subsession.leaveSubsession"}))
        .await;
    let lines = bot_move(&mut bot, 8).await;
    assert_eq!(
        lines[0]["payload"]["reason"], "back to main session",
        "{lines:?}"
    );
    bot.send(json!({"id": 9, "cmd": "subsession.getUserStatus"}))
        .await;
    assert_eq!(bot.reply(9).await["result"], "main session");
}

#[tokio::test]
async fn a_timer_that_closes_the_rooms_by_itself() {
    let Trio {
        server: _server,
        h,
        mut a,
        b: _b,
    } = trio("subsession-timer").await;
    let rooms = two_rooms(&h).await;
    let options = SubsessionOptions {
        is_timer_enabled: true,
        timer_duration: 2,
        is_timer_auto_enabled: true,
        ..auto_join(0)
    };
    open(&h, &rooms, &[&[a.id], &[]], options).await;
    moved(&mut a).await;
    // The SDK counts the timer down each second from the state's timeLeft.
    a.wait_for(|e| matches!(e, ClientEvent::SubsessionCountdown { countdown: 1 }))
        .await;
    a.wait_for(|e| matches!(e.as_session(), Some(Event::SubsessionTimeUp {})))
        .await;
    let (reason, _) = moved(&mut a).await;
    assert_eq!(reason, "back to main session");
    let ac = &a.client;
    wait_until("rooms Closed", || {
        ac.get_subsession_status() == SubsessionStatus::Closed
    })
    .await;
    assert_eq!(ids(&a.client).len(), 3);
}
