//! Joining, leaving, ending and resuming.

use super::*;

#[test]
fn first_role1_is_host_later_ones_managers_participants_may_come_first() {
    let mut h = H::new();
    let p = h.join(&PART, "p");
    let a = h.join(&HOST, "a");
    let b = h.join(&HOST, "b");
    let (pid, aid, bid) = (h.me(p), h.me(a), h.me(b));
    assert!(!h.user(p, pid).is_host && !h.user(p, pid).is_manager);
    assert!(h.user(p, aid).is_host);
    assert!(h.user(p, bid).is_manager && !h.user(p, bid).is_host);
    assert_eq!((pid.0, aid.0, bid.0), (1, 2, 3));
}

#[test]
fn names_truncate_and_null() {
    let mut h = H::new();
    let a = h.join(&HOST, &"n".repeat(300));
    let b = h.join(&PART, "");
    let (aid, bid) = (h.me(a), h.me(b));
    assert_eq!(h.user(b, aid).display_name.chars().count(), 200);
    assert_eq!(h.user(a, bid).display_name, "null");
}

#[test]
fn passcode_capacity_removal_and_topic_case() {
    let mut h = H::with(Config {
        max_users_per_session: 3,
        ..Config::default()
    });
    let (host, _) = h
        .join_full("app", "Room", &HOST, "h", Some("pw"), None, 1)
        .unwrap();
    let e = h
        .join_full("app", "room", &PART, "x", Some("no"), None, 2)
        .unwrap_err();
    assert_eq!(e.error_code, 3004);
    let e = h
        .join_full("app", "ROOM", &PART, "x", None, None, 2)
        .unwrap_err();
    assert_eq!(e.error_code, 3004);
    let ident = Who {
        role_host: false,
        identity: Some("alice"),
    };
    let (alice, jr) = h
        .join_full("app", "rOOm", &ident, "alice", Some("pw"), None, 3)
        .unwrap();
    assert_eq!(jr.users.len(), 2, "same session despite case");
    let (_c, _) = h
        .join_full("app", "room", &PART, "c", Some("pw"), None, 4)
        .unwrap();
    let e = h
        .join_full("app", "room", &PART, "d", Some("pw"), None, 5)
        .unwrap_err();
    assert_eq!(e.error_code, 4005);
    let aid = h.me(alice);
    h.req(host, ClientMsg::RemoveUser(target(aid))).unwrap();
    assert_eq!(
        h.last_close_reason(alice).as_deref(),
        Some("kicked by host")
    );
    assert!(h.view(alice).closed);
    // Same identity with another token, and the same token, are both refused.
    let e = h
        .join_full("app", "room", &ident, "alice", Some("pw"), None, 9)
        .unwrap_err();
    assert_eq!(e.error_code, 3009);
    let e = h
        .join_full("app", "room", &PART, "alice", Some("pw"), None, 3)
        .unwrap_err();
    assert_eq!(e.error_code, 3009);
    // Another app with the same topic is another session.
    let (_o, jr) = h
        .join_full("other", "room", &PART, "o", None, None, 10)
        .unwrap();
    assert_eq!(jr.users.len(), 1);
}

#[test]
fn double_join_on_one_connection_is_5012() {
    let mut h = H::new();
    let a = h.join(&HOST, "a");
    h.core.handle(
        h.now,
        Input::Join {
            conn: a,
            id: 999,
            params: JoinParams {
                topic: "other".into(),
                token: "t".into(),
                user_name: "a".into(),
                passcode: None,
                idle_timeout_mins: None,
            },
            token: JoinToken {
                app_key: "app".into(),
                role_host: true,
                user_identity: None,
                session_key: None,
                fingerprint: 1,
            },
        },
    );
    h.drain();
    assert_eq!(h.take_reply(a, 999).unwrap_err().error_code, 5012);
}

#[test]
fn requests_before_join_are_refused() {
    let mut h = H::new();
    h.views.insert(ConnId(77), View::default());
    assert_eq!(h.code(ConnId(77), ClientMsg::ReclaimHost), 5002);
    assert_eq!(h.code(ConnId(77), ClientMsg::Ping), 0);
}

#[test]
fn end_by_host_closes_everyone_and_next_join_is_a_new_instance() {
    let mut h = H::new();
    let (a, jr1) = h.join_full("app", "t", &HOST, "a", None, None, 1).unwrap();
    let (b, _) = h.join_full("app", "t", &PART, "b", None, None, 2).unwrap();
    h.req(a, ClientMsg::Leave { end: true }).unwrap();
    assert_eq!(h.last_close_reason(b).as_deref(), Some("ended by host"));
    assert!(h.view(a).closed && h.view(b).closed);
    assert_eq!(h.core.session_count(), 0);
    let (_c, jr2) = h.join_full("app", "t", &PART, "c", None, None, 3).unwrap();
    assert_ne!(jr1.session_id, jr2.session_id);
    assert_eq!(jr2.user_id, UserId(1));
}

#[test]
fn user_ids_are_never_reused_within_an_instance() {
    let mut h = H::new();
    let a = h.join(&HOST, "a");
    let b = h.join(&PART, "b");
    h.req(b, ClientMsg::Leave { end: false }).unwrap();
    let c = h.join(&PART, "c");
    assert_eq!(h.me(c), UserId(3));
    let _ = a;
}

#[test]
fn a_join_costs_each_other_user_one_message() {
    let mut h = H::new();
    let conns: Vec<ConnId> = (0..50).map(|i| h.join(&PART, &format!("u{i}"))).collect();
    let before: Vec<usize> = conns.iter().map(|c| h.view(*c).events.len()).collect();
    let mut msgs = 0;
    let (last, jr) = h
        .join_full("app", "Topic", &HOST, "late", None, None, 999)
        .unwrap();
    for (c, b) in conns.iter().zip(before) {
        msgs += h.view(*c).events.len() - b;
    }
    assert_eq!(msgs, 50, "one user-added per other user");
    assert_eq!(
        jr.users.len(),
        51,
        "the new user gets the whole list at once"
    );
    let _ = last;
}

#[test]
fn leave_reply_comes_before_close() {
    let mut h = H::new();
    let a = h.join(&HOST, "a");
    let _b = h.join(&PART, "b");
    // drain() asserts no message is sent after a close: the reply must precede it.
    h.req(a, ClientMsg::Leave { end: true }).unwrap();
    h.views.get_mut(&a).unwrap().closed = false;
    let c = h.join(&HOST, "c");
    h.req(c, ClientMsg::Leave { end: false }).unwrap();
}

#[test]
fn failover_keeps_user_and_resume_restores_it() {
    let mut h = H::new();
    let (a, jr) = h.join_full("app", "t", &HOST, "a", None, None, 1).unwrap();
    let (b, _) = h.join_full("app", "t", &PART, "b", None, None, 2).unwrap();
    h.disconnect(a);
    assert!(h.user(b, jr.user_id).is_in_failover);
    h.advance(Duration::from_secs(60));
    let c = ConnId(500);
    h.views.insert(c, View::default());
    let r = h
        .req(
            c,
            ClientMsg::Resume(ResumeParams {
                session_id: jr.session_id.clone(),
                user_id: jr.user_id,
                resume_token: jr.resume_token.clone(),
            }),
        )
        .unwrap();
    let jr2: JoinResult = serde_json::from_value(r).unwrap();
    assert_eq!(jr2.user_id, jr.user_id);
    assert!(!h.user(b, jr.user_id).is_in_failover);
    assert!(h.user(b, jr.user_id).is_host, "role kept");
    // The resumed connection works, and the old deadline no longer fires.
    h.advance(Duration::from_secs(120));
    assert_eq!(h.code(c, ClientMsg::MuteAllAudio), 0);
    // A wrong token is refused.
    let d = ConnId(501);
    h.views.insert(d, View::default());
    let bad = ClientMsg::Resume(ResumeParams {
        session_id: jr.session_id,
        user_id: jr.user_id,
        resume_token: "x".into(),
    });
    assert_eq!(h.code(d, bad), 200);
}

#[test]
fn a_join_racing_a_leave_on_the_same_connection_binds_no_ghost() {
    let mut h = H::new();
    let a = h.join(&HOST, "a");
    let b = h.join(&PART, "b");
    h.req(b, ClientMsg::Leave { end: false }).unwrap();
    assert!(h.view(b).closed);
    // The join was already on its way when the leave closed the connection.
    let id = h.join_on(b, &PART, 99);
    assert!(
        !h.view(b).replies.contains_key(&id),
        "nothing more to a closed connection"
    );
    assert_eq!(h.core.users_of_conn(b), None);
    assert_eq!(h.core.user_count(), 1, "no ghost user");
    assert_eq!(h.view(a).users.len(), 1);
    // Nor any other request; its Disconnected is harmless and forgets it.
    h.core.handle(
        h.now,
        Input::Request {
            conn: b,
            id: 500,
            msg: ClientMsg::Ping,
        },
    );
    h.disconnect(b);
    assert!(!h.view(b).replies.contains_key(&500));
    assert_eq!(h.core.user_count(), 1);
}

#[test]
fn a_join_racing_a_removal_or_an_end_binds_no_ghost() {
    let mut h = H::new();
    let a = h.join(&HOST, "a");
    let b = h.join(&PART, "b");
    let c = h.join(&PART, "c");
    let bid = h.me(b);
    h.req(a, ClientMsg::RemoveUser(target(bid))).unwrap();
    // A fresh token so the removal rule alone would not refuse it.
    h.join_on(b, &PART, 1234);
    assert_eq!(h.core.users_of_conn(b), None);
    assert_eq!(h.core.user_count(), 2);
    h.req(a, ClientMsg::Leave { end: true }).unwrap();
    assert!(h.core.is_empty());
    // Joins from the closed connections of the ended session start nothing.
    h.join_on(a, &HOST, 1);
    h.join_on(c, &PART, 3);
    assert!(
        h.core.is_empty(),
        "no session started by a closed connection"
    );
}

#[test]
fn a_removed_user_cannot_rejoin_by_identity_or_by_its_token() {
    let mut h = H::new();
    let (host, _) = h.join_full("app", "t", &HOST, "h", None, None, 1).unwrap();
    let bob = Who {
        role_host: false,
        identity: Some("bob"),
    };
    let (b, _) = h.join_full("app", "t", &bob, "b", None, None, 2).unwrap();
    let (anon, _) = h.join_full("app", "t", &PART, "x", None, None, 3).unwrap();
    // Removed while in failover: the rule holds all the same.
    h.disconnect(b);
    let (bid, xid) = (h.core.user_links(), h.me(anon));
    let bid = bid.iter().find(|l| l.2.is_none()).unwrap().1;
    h.req(host, ClientMsg::RemoveUser(target(bid))).unwrap();
    h.req(host, ClientMsg::RemoveUser(target(xid))).unwrap();
    let rejoin = |h: &mut H, who: &Who, fp| {
        h.join_full("app", "T", who, "again", None, None, fp)
            .map(|_| ())
            .map_err(|e| e.error_code)
    };
    assert_eq!(
        rejoin(&mut h, &bob, 20),
        Err(3009),
        "same identity, fresh token"
    );
    assert_eq!(
        rejoin(&mut h, &PART, 2),
        Err(3009),
        "bob's token, no identity"
    );
    assert_eq!(
        rejoin(&mut h, &PART, 3),
        Err(3009),
        "the anonymous user's token"
    );
    // Without an identity, a fresh token is all that tells users apart.
    assert_eq!(rejoin(&mut h, &PART, 30), Ok(()));
    // A new instance of the topic forgets the removals.
    h.req(host, ClientMsg::Leave { end: true }).unwrap();
    assert_eq!(rejoin(&mut h, &bob, 2), Ok(()));
}

#[test]
fn user_ids_never_wrap_the_join_is_refused_instead() {
    let mut h = H::new();
    let a = h.join(&HOST, "a");
    let sid = h.core.session_of(a).unwrap();
    h.core.sessions.get_mut(&sid).unwrap().next_user_id = u32::MAX.into();
    let (_b, jr) = h
        .join_full("app", "Topic", &PART, "last", None, None, 2)
        .unwrap();
    assert_eq!(jr.user_id, UserId(u32::MAX));
    let e = h
        .join_full("app", "Topic", &PART, "one too many", None, None, 3)
        .unwrap_err();
    assert_eq!(e.error_code, 4005);
    assert_eq!(h.core.user_count(), 2);
}

/// Joins fed back to back, with no poll in between, as a driver does under a join storm.
fn joins_unpolled(h: &mut H, names: &[&str]) -> Vec<(ConnId, u64)> {
    names
        .iter()
        .map(|name| {
            let (conn, id) = (ConnId(h.next_conn), h.next_id);
            h.next_conn += 1;
            h.next_id += 1;
            h.views.insert(conn, View::default());
            let input = Input::Join {
                conn,
                id,
                params: join_params("Topic", name, None, None),
                token: join_token("app", &PART, conn.0),
            };
            h.core.handle(h.now, input);
            (conn, id)
        })
        .collect()
}

fn names_added(v: &View) -> Vec<Vec<String>> {
    v.events
        .iter()
        .filter_map(|e| match e {
            Event::UserAdded(ps) => Some(ps.iter().map(|p| p.display_name.clone()).collect()),
            _ => None,
        })
        .collect()
}

#[test]
fn joins_in_a_big_session_are_announced_once_per_window_and_everyone_meets_everyone_once() {
    let window = Duration::from_millis(50);
    let mut h = H::with(Config {
        join_announce_from: 2,
        join_announce_window: window,
        ..Config::default()
    });
    let a = h.join(&HOST, "a");
    let joined = joins_unpolled(&mut h, &["b", "c", "d"]);
    h.drain();
    // Not yet: the window is open, and the core asks to be woken when it closes.
    assert_eq!(names_added(h.view(a)), Vec::<Vec<String>>::new());
    assert_eq!(h.core.poll_timeout(), Some(h.now + window));
    h.advance(window);
    // Those present before get one message naming all three.
    assert_eq!(names_added(h.view(a)), vec![vec!["b", "c", "d"]]);
    // Each joiner's reply lists who came before it; the event names only who came after.
    let mut met = Vec::new();
    for (conn, id) in joined {
        let r: JoinResult = serde_json::from_value(h.take_reply(conn, id).unwrap()).unwrap();
        let listed: Vec<String> = r.users.iter().map(|p| p.display_name.clone()).collect();
        met.push((listed, names_added(h.view(conn))));
    }
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        met,
        vec![
            (s(&["a", "b"]), vec![s(&["c", "d"])]),
            (s(&["a", "b", "c"]), vec![s(&["d"])]),
            (s(&["a", "b", "c", "d"]), vec![]),
        ]
    );
}

#[test]
fn joins_in_a_small_session_are_announced_at_once() {
    let mut h = H::new();
    let a = h.join(&HOST, "a");
    joins_unpolled(&mut h, &["b", "c"]);
    h.drain();
    assert_eq!(names_added(h.view(a)), vec![vec!["b"], vec!["c"]]);
}

#[test]
fn an_unannounced_joiner_is_announced_before_anything_else_happens() {
    let mut h = H::with(Config {
        join_announce_from: 1,
        ..Config::default()
    });
    let a = h.join(&HOST, "a");
    let joined = joins_unpolled(&mut h, &["b"]);
    // B leaves before the driver polled: A must meet B before seeing B go.
    let (b, id) = joined[0];
    h.core.handle(
        h.now,
        Input::Request {
            conn: b,
            id: id + 100,
            msg: ClientMsg::Leave { end: false },
        },
    );
    h.drain();
    // B's departure waits for its window (this session counts as big).
    h.advance(Duration::from_secs(1));
    let kinds: Vec<&str> = h
        .view(a)
        .events
        .iter()
        .map(|e| match e {
            Event::UserAdded(_) => "added",
            Event::UserRemoved(_) => "removed",
            _ => "other",
        })
        .filter(|k| *k != "other")
        .collect();
    assert_eq!(kinds, ["added", "removed"]);
}

fn names_removed(v: &View) -> Vec<Vec<String>> {
    v.events
        .iter()
        .filter_map(|e| match e {
            Event::UserRemoved(ds) => Some(
                ds.iter()
                    .map(|d| d.display_name.clone().unwrap_or_default())
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

/// A session of five, announced in windows from two users on.
fn five_announced(h: &mut H) -> Vec<ConnId> {
    let mut conns = vec![h.join(&HOST, "a")];
    conns.extend(["b", "c", "d", "e"].iter().map(|n| h.join(&PART, n)));
    h.advance(Duration::from_secs(1));
    assert!(conns.iter().all(|c| h.view(*c).users.len() == 5));
    conns
}

#[test]
fn departures_in_a_big_session_are_announced_once_per_window() {
    let window = Duration::from_millis(50);
    let mut h = H::with(Config {
        join_announce_from: 2,
        join_announce_window: window,
        ..Config::default()
    });
    let c = five_announced(&mut h);
    for leaver in &c[1..4] {
        h.req(*leaver, ClientMsg::Leave { end: false }).unwrap();
    }
    // Not yet: the window is open.
    assert_eq!(names_removed(h.view(c[0])), Vec::<Vec<String>>::new());
    h.advance(Duration::from_secs(1));
    // Those left get one message naming all three, and their lists agree with the server's.
    for stays in [c[0], c[4]] {
        assert_eq!(names_removed(h.view(stays)), vec![vec!["b", "c", "d"]]);
        assert_eq!(h.view(stays).users.len(), 2);
    }
}

#[test]
fn a_departing_host_and_those_before_it_are_announced_before_its_successor() {
    let mut h = H::with(Config {
        join_announce_from: 2,
        ..Config::default()
    });
    let c = five_announced(&mut h);
    h.req(c[1], ClientMsg::Leave { end: false }).unwrap();
    h.req(c[0], ClientMsg::Leave { end: false }).unwrap();
    // At once, without waiting for the window: b and a gone, then the new host named.
    let v = h.view(c[4]);
    assert_eq!(names_removed(v), vec![vec!["b", "a"]]);
    let removed_at = v
        .events
        .iter()
        .position(|e| matches!(e, Event::UserRemoved(_)));
    let host_at = v.events.iter().position(
        |e| matches!(e, Event::UserUpdated(ds) if ds.iter().any(|d| d.is_host == Some(true))),
    );
    assert!(removed_at < host_at && host_at.is_some(), "{:?}", v.events);
}

#[test]
fn a_leave_storm_costs_each_user_one_message_per_window_whatever_happens_meanwhile() {
    let mut h = H::with(Config {
        join_announce_from: 10,
        ..Config::default()
    });
    let mut conns = vec![h.join(&HOST, "a")];
    conns.extend((0..29).map(|i| h.join(&PART, &format!("u{i}"))));
    h.advance(Duration::from_secs(2));
    let stays = conns[29];
    let before = h.view(stays).events.len();
    for c in &conns[1..16] {
        h.req(*c, ClientMsg::Leave { end: false }).unwrap();
        h.core.handle(h.now, Input::Disconnected { conn: *c });
        // Something else happens between departures (as the media plane's reports do).
        let listed = h.req(stays, ClientMsg::GetAllUser).unwrap();
        assert!(
            listed.as_array().is_some_and(|l| l.len() < 30),
            "the list leaves them out"
        );
    }
    h.advance(Duration::from_secs(2));
    let removed: Vec<_> = h.view(stays).events[before..]
        .iter()
        .filter(|e| matches!(e, Event::UserRemoved(_)))
        .collect();
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert_eq!(h.view(stays).users.len(), 15);
}
