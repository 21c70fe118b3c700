//! Unit and property tests of the session core, in virtual time.

use crate::*;
use convene_protocol::*;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// What one connection has seen: its replies and events, and the user list it keeps from them.
#[derive(Default, Debug)]
struct View {
    users: BTreeMap<UserId, Participant>,
    events: Vec<Event>,
    replies: HashMap<u64, Reply>,
    closed: bool,
}

struct H {
    core: Core,
    now: Instant,
    views: HashMap<ConnId, View>,
    next_conn: u64,
    next_id: u64,
    media: Vec<MediaAction>,
}

struct Who {
    role_host: bool,
    identity: Option<&'static str>,
}

const HOST: Who = Who {
    role_host: true,
    identity: None,
};
const PART: Who = Who {
    role_host: false,
    identity: None,
};

impl H {
    fn new() -> Self {
        Self::with(Config::default())
    }

    fn with(config: Config) -> Self {
        let now = Instant::now();
        H {
            core: Core::new(config, now, 1_000_000, 7),
            now,
            views: HashMap::new(),
            next_conn: 1,
            next_id: 1,
            media: Vec::new(),
        }
    }

    fn drain(&mut self) {
        while let Some(o) = self.core.poll_output() {
            match o {
                Output::Send { to, msg } => {
                    for c in to {
                        let v = self.views.entry(c).or_default();
                        assert!(!v.closed, "message after close to {c:?}: {msg:?}");
                        match &msg {
                            ServerMsg::Reply(r) => {
                                v.replies.insert(r.id, r.clone());
                            }
                            ServerMsg::Event(e) => {
                                apply(&mut v.users, e);
                                v.events.push(e.clone());
                            }
                        }
                    }
                }
                Output::Close { conn } => self.views.entry(conn).or_default().closed = true,
                Output::Media(m) => self.media.push(m),
            }
        }
    }

    fn take_reply(&mut self, conn: ConnId, id: u64) -> Result<serde_json::Value, ErrorBody> {
        let r = self
            .views
            .get_mut(&conn)
            .unwrap()
            .replies
            .remove(&id)
            .expect("one reply");
        if r.ok {
            Ok(r.result.unwrap_or(serde_json::Value::Null))
        } else {
            Err(r.error.unwrap())
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn join_full(
        &mut self,
        app: &str,
        topic: &str,
        who: &Who,
        name: &str,
        passcode: Option<&str>,
        idle: Option<f64>,
        fingerprint: u64,
    ) -> Result<(ConnId, JoinResult), ErrorBody> {
        let conn = ConnId(self.next_conn);
        self.next_conn += 1;
        let id = self.next_id;
        self.next_id += 1;
        self.views.insert(conn, View::default());
        self.core.handle(
            self.now,
            Input::Join {
                conn,
                id,
                params: JoinParams {
                    topic: topic.into(),
                    token: "tok".into(),
                    user_name: name.into(),
                    passcode: passcode.map(Into::into),
                    idle_timeout_mins: idle,
                },
                token: JoinToken {
                    app_key: app.into(),
                    role_host: who.role_host,
                    user_identity: who.identity.map(Into::into),
                    session_key: None,
                    fingerprint,
                },
            },
        );
        self.drain();
        let r = self.take_reply(conn, id)?;
        let jr: JoinResult = serde_json::from_value(r).unwrap();
        let v = self.views.get_mut(&conn).unwrap();
        v.users = jr.users.iter().map(|p| (p.user_id, p.clone())).collect();
        Ok((conn, jr))
    }

    fn join(&mut self, who: &Who, name: &str) -> ConnId {
        let fp = self.next_conn;
        self.join_full("app", "Topic", who, name, None, None, fp)
            .unwrap()
            .0
    }

    fn req(&mut self, conn: ConnId, msg: ClientMsg) -> Result<serde_json::Value, ErrorBody> {
        let id = self.next_id;
        self.next_id += 1;
        self.core.handle(self.now, Input::Request { conn, id, msg });
        self.drain();
        self.take_reply(conn, id)
    }

    fn code(&mut self, conn: ConnId, msg: ClientMsg) -> u32 {
        match self.req(conn, msg) {
            Ok(_) => 0,
            Err(e) => e.error_code,
        }
    }

    fn advance(&mut self, d: Duration) {
        self.now += d;
        if self.core.poll_timeout().is_some_and(|t| t <= self.now) {
            self.core.handle(self.now, Input::Timeout);
            self.drain();
        }
    }

    fn disconnect(&mut self, conn: ConnId) {
        self.core.handle(self.now, Input::Disconnected { conn });
        self.views.get_mut(&conn).unwrap().closed = true;
        self.drain();
    }

    fn view(&self, c: ConnId) -> &View {
        &self.views[&c]
    }

    fn me(&self, c: ConnId) -> UserId {
        // The conn's own id is the one its join result named; find it from the view.
        self.view(c)
            .users
            .values()
            .find(|p| self.core.users_of_conn(c) == Some(p.user_id))
            .map(|p| p.user_id)
            .unwrap()
    }

    fn user(&self, c: ConnId, id: UserId) -> Participant {
        self.view(c).users[&id].clone()
    }

    fn last_close_reason(&self, c: ConnId) -> Option<String> {
        self.view(c).events.iter().rev().find_map(|e| match e {
            Event::ConnectionChange { reason, .. } => reason.clone(),
            _ => None,
        })
    }
}

fn apply(users: &mut BTreeMap<UserId, Participant>, e: &Event) {
    match e {
        Event::UserAdded(ps) => {
            for p in ps {
                users.insert(p.user_id, p.clone());
            }
        }
        Event::UserUpdated(us) => {
            for u in us {
                users.get_mut(&u.user_id).unwrap().apply(u);
            }
        }
        Event::UserRemoved(us) => {
            for u in us {
                users.remove(&u.user_id);
            }
        }
        _ => {}
    }
}

fn target(id: UserId) -> TargetParams {
    TargetParams { user_id: id }
}

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
fn host_leaving_hands_over_to_longest_present_manager_then_user() {
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    let p1 = h.join(&PART, "p1");
    let m1 = h.join(&HOST, "m1");
    let _m2 = h.join(&HOST, "m2");
    h.req(host, ClientMsg::Leave { end: false }).unwrap();
    assert!(h.view(host).closed);
    let m1id = h.me(m1);
    assert!(
        h.user(p1, m1id).is_host,
        "longest-present manager becomes host"
    );
    // Now only participants after managers go.
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    let p1 = h.join(&PART, "p1");
    let p2 = h.join(&PART, "p2");
    h.req(host, ClientMsg::Leave { end: false }).unwrap();
    let p1id = h.me(p1);
    assert!(
        h.user(p2, p1id).is_host,
        "longest-present user becomes host"
    );
}

#[test]
fn original_host_reclaims() {
    let mut h = H::new();
    let a = h.join(&HOST, "a");
    let p = h.join(&PART, "p");
    let pid = h.me(p);
    h.req(a, ClientMsg::MakeHost(target(pid))).unwrap();
    let aid = h.me(a);
    assert!(h.user(p, pid).is_host);
    assert!(h.user(p, aid).is_manager, "role-1 old host becomes manager");
    assert_eq!(h.code(p, ClientMsg::ReclaimHost), 5008);
    h.req(a, ClientMsg::ReclaimHost).unwrap();
    assert!(h.user(p, aid).is_host);
    assert!(!h.user(p, pid).is_host && !h.user(p, pid).is_manager);
}

/// SPEC §5's table, role by role.
#[test]
fn privilege_table() {
    for role in ["host", "manager", "participant"] {
        let mut h = H::new();
        let host = h.join(&HOST, "host");
        let mgr = h.join(&HOST, "mgr");
        let p1 = h.join(&PART, "p1");
        let p2 = h.join(&PART, "p2");
        let m2 = h.join(&HOST, "m2");
        let me = match role {
            "host" => host,
            "manager" => mgr,
            _ => p1,
        };
        let (hid, p2id, m2id) = (h.me(host), h.me(p2), h.me(m2));
        h.req(p2, ClientMsg::StartAudio { mute: false }).unwrap();
        let want = |host_ok: u32, mgr_ok: u32, part: u32| match role {
            "host" => host_ok,
            "manager" => mgr_ok,
            _ => part,
        };
        let rename_other = ClientMsg::ChangeName {
            name: "x".into(),
            user_id: Some(p2id),
        };
        assert_eq!(
            h.code(me, rename_other),
            want(0, 0, 5006),
            "{role} rename other"
        );
        let rename_self = ClientMsg::ChangeName {
            name: "me".into(),
            user_id: None,
        };
        assert_eq!(h.code(me, rename_self), 0, "{role} rename self");
        let mute = ClientMsg::MuteAudio(TargetOpt {
            user_id: Some(p2id),
        });
        assert_eq!(h.code(me, mute), want(0, 0, 5006), "{role} mute other");
        let ask = ClientMsg::UnmuteAudio(TargetOpt {
            user_id: Some(p2id),
        });
        assert_eq!(h.code(me, ask), want(0, 0, 5006), "{role} ask unmute");
        assert_eq!(h.code(me, ClientMsg::MuteAllAudio), want(0, 0, 5006));
        assert_eq!(h.code(me, ClientMsg::UnmuteAllAudio), want(0, 0, 5006));
        let lock = ClientMsg::LockShare { is_locked: true };
        assert_eq!(h.code(me, lock), want(0, 0, 5006), "{role} lock share");
        let sp = ClientMsg::SetSharePrivilege {
            privilege: SharePrivilege::MultipleShare,
        };
        assert_eq!(h.code(me, sp), want(0, 0, 5006));
        let cp = ClientMsg::ChatSetPrivilege {
            privilege: ChatPrivilege::All,
        };
        assert_eq!(h.code(me, cp), want(0, 0, 5006), "{role} chat privilege");
        assert_eq!(
            h.code(me, ClientMsg::RemoveUser(target(m2id))),
            want(0, 5007, 5006),
            "{role} remove manager"
        );
        assert_eq!(
            h.code(me, ClientMsg::MakeManager(target(p2id))),
            want(0, 5007, 5007),
            "{role} make manager"
        );
        assert_eq!(
            h.code(me, ClientMsg::RevokeManager(target(p2id))),
            want(0, 5007, 5007)
        );
        assert_eq!(
            h.code(me, ClientMsg::RemoveUser(target(p2id))),
            want(0, 0, 5006),
            "{role} remove participant"
        );
        assert_eq!(
            h.code(me, ClientMsg::RemoveUser(target(UserId(99)))),
            want(5011, 5011, 5006)
        );
        if role != "host" {
            assert_eq!(
                h.code(me, ClientMsg::RemoveUser(target(hid))),
                want(0, 5007, 5006)
            );
            let rn = ClientMsg::ChangeName {
                name: "y".into(),
                user_id: Some(hid),
            };
            assert_eq!(h.code(me, rn), want(0, 5007, 5006), "{role} rename host");
        }
        assert_eq!(
            h.code(me, ClientMsg::Leave { end: true }),
            want(0, 5007, 5007),
            "{role} end"
        );
        if role != "host" {
            assert_eq!(h.code(me, ClientMsg::MakeHost(target(hid))), 5007);
        }
    }
}

#[test]
fn unknown_user_is_5011() {
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    for m in [
        ClientMsg::MakeHost(target(UserId(42))),
        ClientMsg::MakeManager(target(UserId(42))),
        ClientMsg::RemoveUser(target(UserId(42))),
        ClientMsg::MuteAudio(TargetOpt {
            user_id: Some(UserId(42)),
        }),
        ClientMsg::ChangeName {
            name: "x".into(),
            user_id: Some(UserId(42)),
        },
    ] {
        assert_eq!(h.code(host, m), 5011);
    }
}

#[test]
fn rename_disallowed_is_5014_for_participants_only() {
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    let p = h.join(&PART, "p");
    h.req(
        host,
        ClientMsg::AllowParticipantsToRename { allowed: false },
    )
    .unwrap();
    let rn = |n: &str| ClientMsg::ChangeName {
        name: n.into(),
        user_id: None,
    };
    assert_eq!(h.code(p, rn("z")), 5014);
    assert_eq!(h.code(host, rn("z")), 0);
    let pid = h.me(p);
    assert_eq!(h.user(host, pid).display_name, "p");
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
fn idle_timeout_uses_the_hosts_value_and_is_cancelled_by_a_second_user() {
    let mut h = H::new();
    let (a, _) = h
        .join_full("app", "t", &HOST, "a", None, Some(5.0), 1)
        .unwrap();
    h.advance(Duration::from_secs(4 * 60));
    let (b, _) = h.join_full("app", "t", &PART, "b", None, None, 2).unwrap();
    h.advance(Duration::from_secs(10 * 60));
    assert!(!h.view(a).closed, "two users: no idle timeout");
    h.req(b, ClientMsg::Leave { end: false }).unwrap();
    h.advance(Duration::from_secs(5 * 60 - 1));
    assert!(!h.view(a).closed);
    h.advance(Duration::from_secs(1));
    assert!(h.view(a).closed);
    assert_eq!(
        h.last_close_reason(a).as_deref(),
        Some("session idle timeout")
    );
    assert_eq!(h.core.session_count(), 0);
}

#[test]
fn idle_timeout_for_a_lone_participant_is_40_minutes() {
    let mut h = H::new();
    let (a, _) = h
        .join_full("app", "t", &HOST, "a", None, Some(1.0), 1)
        .unwrap();
    let (p, _) = h
        .join_full("app", "t", &PART, "p", None, Some(1.0), 2)
        .unwrap();
    // The host leaves: the participant becomes host but its own value (1) counts only if
    // it is host; it is, after hand-over. Make it not host by having a manager take it.
    h.req(a, ClientMsg::Leave { end: false }).unwrap();
    assert!(h.user(p, h.me(p)).is_host);
    h.advance(Duration::from_secs(60));
    assert!(h.view(p).closed, "host's own idleTimeoutMins counts");

    let mut h = H::new();
    let (p, _) = h
        .join_full("app", "t", &PART, "p", None, Some(1.0), 1)
        .unwrap();
    // p is not host (no role-1 joined yet).
    h.advance(Duration::from_secs(39 * 60));
    assert!(!h.view(p).closed);
    h.advance(Duration::from_secs(60));
    assert!(h.view(p).closed);
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
fn failover_window_expiry_removes_and_hands_over_host() {
    let mut h = H::new();
    let (a, jr) = h.join_full("app", "t", &HOST, "a", None, None, 1).unwrap();
    let (b, jb) = h.join_full("app", "t", &PART, "b", None, None, 2).unwrap();
    h.disconnect(a);
    h.advance(Duration::from_secs(119));
    assert!(h.view(b).users.contains_key(&jr.user_id));
    h.advance(Duration::from_secs(1));
    assert!(!h.view(b).users.contains_key(&jr.user_id));
    assert!(h.user(b, jb.user_id).is_host);
}

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

#[test]
fn share_lock_stops_participants_not_managers() {
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    let m = h.join(&HOST, "m");
    let p = h.join(&PART, "p");
    let pid = h.me(p);
    h.req(
        host,
        ClientMsg::SetSharePrivilege {
            privilege: SharePrivilege::MultipleShare,
        },
    )
    .unwrap();
    h.req(p, ClientMsg::StartShareScreen).unwrap();
    h.req(m, ClientMsg::StartShareScreen).unwrap();
    h.req(host, ClientMsg::LockShare { is_locked: true })
        .unwrap();
    assert!(h
        .view(p)
        .events
        .contains(&Event::PassivelyStopShare("PrivilegeChange".into())));
    assert!(!h.user(host, pid).sharer_on);
    let mid = h.me(m);
    assert!(h.user(host, mid).sharer_on, "manager keeps sharing");
    assert_eq!(h.code(p, ClientMsg::StartShareScreen), 6204);
    h.req(host, ClientMsg::LockShare { is_locked: false })
        .unwrap();
    // Unlocked: one sharer; a participant cannot take over, the host can.
    assert_eq!(h.code(p, ClientMsg::StartShareScreen), 6205);
    h.req(host, ClientMsg::StartShareScreen).unwrap();
    assert!(!h.user(p, mid).sharer_on, "host took over");
}

#[test]
fn host_mute_and_ask_unmute() {
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    let p = h.join(&PART, "p");
    let pid = h.me(p);
    let m = ClientMsg::MuteAudio(TargetOpt { user_id: Some(pid) });
    assert_eq!(h.code(host, m.clone()), 6015, "not in audio yet");
    h.req(p, ClientMsg::StartAudio { mute: false }).unwrap();
    h.req(host, m).unwrap();
    assert_eq!(h.user(host, pid).muted, Some(true));
    h.req(
        host,
        ClientMsg::UnmuteAudio(TargetOpt { user_id: Some(pid) }),
    )
    .unwrap();
    assert_eq!(h.user(host, pid).muted, Some(true), "never forced");
    assert!(h.view(p).events.contains(&Event::HostAskUnmuteAudio {
        reason: "Unmute".into()
    }));
    h.req(p, ClientMsg::UnmuteAudio(TargetOpt::default()))
        .unwrap();
    assert_eq!(h.user(host, pid).muted, Some(false));
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

fn audio_allowed(h: &H, user: UserId) -> Option<bool> {
    h.media.iter().rev().find_map(|m| match m {
        MediaAction::AudioAllowed {
            user: u, allowed, ..
        } if *u == user => Some(*allowed),
        _ => None,
    })
}

#[test]
fn audio_is_forwarded_only_while_in_audio_and_unmuted() {
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    let p = h.join(&PART, "p");
    let pid = h.me(p);
    h.req(p, ClientMsg::StartAudio { mute: true }).unwrap();
    assert_eq!(audio_allowed(&h, pid), Some(false));
    h.req(p, ClientMsg::UnmuteAudio(TargetOpt::default()))
        .unwrap();
    assert_eq!(audio_allowed(&h, pid), Some(true));
    h.req(host, ClientMsg::MuteAudio(TargetOpt { user_id: Some(pid) }))
        .unwrap();
    assert_eq!(
        audio_allowed(&h, pid),
        Some(false),
        "host mute stops forwarding"
    );
    h.req(
        host,
        ClientMsg::UnmuteAudio(TargetOpt { user_id: Some(pid) }),
    )
    .unwrap();
    assert_eq!(
        audio_allowed(&h, pid),
        Some(false),
        "asking does not unmute"
    );
    h.req(p, ClientMsg::UnmuteAudio(TargetOpt::default()))
        .unwrap();
    assert_eq!(audio_allowed(&h, pid), Some(true));
    h.req(p, ClientMsg::StopAudio).unwrap();
    assert_eq!(audio_allowed(&h, pid), Some(false));
}

#[test]
fn share_lock_stops_forwarding_the_share() {
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    let p = h.join(&PART, "p");
    let pid = h.me(p);
    h.req(p, ClientMsg::StartShareScreen).unwrap();
    assert!(h.media.contains(&MediaAction::ShareAllowed {
        session: h.core.session_of(p).unwrap(),
        user: pid,
        allowed: true
    }));
    h.req(host, ClientMsg::LockShare { is_locked: true })
        .unwrap();
    assert!(matches!(
        h.media.last(),
        Some(MediaAction::ShareAllowed { allowed: false, .. })
    ));
}

#[test]
fn offers_go_to_the_media_plane_and_attach_is_capped() {
    let mut h = H::new();
    h.views.insert(ConnId(900), View::default());
    let offer = RtcOffer {
        sdp: "v=0".into(),
        reset: true,
        share_mids: vec![],
    };
    assert_eq!(
        h.code(ConnId(900), ClientMsg::RtcOffer(offer.clone())),
        6002
    );
    assert_eq!(h.code(ConnId(900), ClientMsg::StartVideo), 6002);
    let a = h.join(&HOST, "a");
    h.core.handle(
        h.now,
        Input::Request {
            conn: a,
            id: 4242,
            msg: ClientMsg::RtcOffer(offer),
        },
    );
    h.drain();
    assert!(
        !h.view(a).replies.contains_key(&4242),
        "the media plane replies"
    );
    assert!(matches!(
        h.media.last(),
        Some(MediaAction::Offer { id: 4242, .. })
    ));
    let others: Vec<ConnId> = (0..26).map(|i| h.join(&PART, &format!("u{i}"))).collect();
    for c in &others[..25] {
        let id = h.me(*c);
        let m = ClientMsg::AttachVideo {
            user_id: id,
            quality: 2,
        };
        assert_eq!(h.code(a, m), 0);
    }
    let id26 = h.me(others[25]);
    let m = ClientMsg::AttachVideo {
        user_id: id26,
        quality: 2,
    };
    assert_eq!(h.code(a, m.clone()), 6111);
    let bad_q = ClientMsg::AttachVideo {
        user_id: id26,
        quality: 9,
    };
    assert_eq!(h.code(a, bad_q), 4003);
    // A publisher leaving frees its place.
    h.req(others[0], ClientMsg::Leave { end: false }).unwrap();
    assert_eq!(h.code(a, m), 0);
    let unknown = ClientMsg::AttachVideo {
        user_id: UserId(999),
        quality: 1,
    };
    assert_eq!(h.code(a, unknown), 6001);
}

#[test]
fn speakers_and_quality_become_events_once() {
    let mut h = H::new();
    let a = h.join(&HOST, "Ann");
    let b = h.join(&PART, "Bob");
    let sid = h.core.session_of(a).unwrap();
    let (aid, bid) = (h.me(a), h.me(b));
    for _ in 0..2 {
        h.core.handle(
            h.now,
            Input::ActiveSpeakers {
                session: sid.clone(),
                users: vec![bid, aid],
            },
        );
        h.core.handle(
            h.now,
            Input::NetworkQuality {
                session: sid.clone(),
                user: aid,
                uplink: 5,
                downlink: 4,
            },
        );
    }
    h.drain();
    let speakers: Vec<&Event> = h
        .view(a)
        .events
        .iter()
        .filter(|e| matches!(e, Event::ActiveSpeaker(_)))
        .collect();
    assert_eq!(speakers.len(), 1, "unchanged list is not resent");
    let Event::ActiveSpeaker(list) = speakers[0] else {
        unreachable!()
    };
    assert_eq!(list[0].user_id, bid);
    assert_eq!(list[0].display_name.as_deref(), Some("Bob"));
    let q = h
        .view(b)
        .events
        .iter()
        .filter(|e| matches!(e, Event::NetworkQualityChange { .. }))
        .count();
    assert_eq!(q, 2, "uplink and downlink, once each");
}

#[test]
fn leaving_drops_the_media_peer() {
    let mut h = H::new();
    let a = h.join(&HOST, "a");
    let b = h.join(&PART, "b");
    let bid = h.me(b);
    h.req(b, ClientMsg::Leave { end: false }).unwrap();
    assert!(h
        .media
        .iter()
        .any(|m| matches!(m, MediaAction::UserGone { user, .. } if *user == bid)));
    h.req(a, ClientMsg::Leave { end: true }).unwrap();
}

mod transcript;

mod props {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Join(bool),
        Leave(usize),
        Drop(usize),
        Wait(u64),
        MakeHost(usize, usize),
        MakeManager(usize, usize),
        Revoke(usize, usize),
        Remove(usize, usize),
        Reclaim(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => any::<bool>().prop_map(Op::Join),
            1 => (0..8usize).prop_map(Op::Leave),
            1 => (0..8usize).prop_map(Op::Drop),
            1 => (1..200u64).prop_map(Op::Wait),
            1 => (0..8usize, 0..8usize).prop_map(|(a, b)| Op::MakeHost(a, b)),
            1 => (0..8usize, 0..8usize).prop_map(|(a, b)| Op::MakeManager(a, b)),
            1 => (0..8usize, 0..8usize).prop_map(|(a, b)| Op::Revoke(a, b)),
            1 => (0..8usize, 0..8usize).prop_map(|(a, b)| Op::Remove(a, b)),
            1 => (0..8usize).prop_map(Op::Reclaim),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn roles_and_views_stay_consistent(ops in proptest::collection::vec(op(), 1..60)) {
            let mut h = H::new();
            // Live conns with their user id and whether they joined with role 1.
            let mut live: Vec<(ConnId, UserId, bool)> = Vec::new();
            let mut seen_ids = std::collections::HashSet::new();
            let mut fp = 0;
            for op in ops {
                let pick = |i: usize, live: &Vec<(ConnId, UserId, bool)>| {
                    (!live.is_empty()).then(|| live[i % live.len()])
                };
                match op {
                    Op::Join(role) => {
                        fp += 1;
                        let who = if role { HOST } else { PART };
                        if let Ok((c, jr)) = h.join_full("app", "t", &who, "u", None, None, fp) {
                            if !seen_ids.insert((jr.session_id.clone(), jr.user_id)) {
                                prop_assert!(false, "user id reused");
                            }
                            live.push((c, jr.user_id, role));
                        }
                    }
                    Op::Leave(i) => if let Some((c, ..)) = pick(i, &live) {
                        h.req(c, ClientMsg::Leave { end: false }).unwrap();
                    },
                    Op::Drop(i) => if let Some((c, ..)) = pick(i, &live) {
                        h.disconnect(c);
                    },
                    Op::Wait(s) => h.advance(Duration::from_secs(s)),
                    Op::MakeHost(a, b) | Op::MakeManager(a, b) | Op::Revoke(a, b) | Op::Remove(a, b) => {
                        if let (Some((c, ..)), Some((_, t, _))) = (pick(a, &live), pick(b, &live)) {
                            let msg = match op {
                                Op::MakeHost(..) => ClientMsg::MakeHost(target(t)),
                                Op::MakeManager(..) => ClientMsg::MakeManager(target(t)),
                                Op::Revoke(..) => ClientMsg::RevokeManager(target(t)),
                                _ => ClientMsg::RemoveUser(target(t)),
                            };
                            let caller = h.core.users_of_conn(c).unwrap();
                            let before = h.core.all_sessions_users();
                            let privileged = before.iter().any(|p| p.user_id == caller && (p.is_host || p.is_manager));
                            let r = h.req(c, msg);
                            if !privileged {
                                prop_assert!(r.is_err(), "a participant exercised a privilege");
                            }
                        }
                    }
                    Op::Reclaim(i) => if let Some((c, ..)) = pick(i, &live) {
                        let _ = h.req(c, ClientMsg::ReclaimHost);
                    },
                }
                live.retain(|(c, ..)| !h.view(*c).closed);
                // Invariants, against the server's own list.
                let server: Vec<Participant> = h.core.all_sessions_users();
                prop_assert_eq!(h.core.user_count(), server.len(), "kept user count drifted");
                let hosts = server.iter().filter(|p| p.is_host).count();
                let role1_present = server.iter().any(|p| h.core.is_role1(p.user_id));
                prop_assert!(hosts <= 1, "more than one host");
                if role1_present {
                    prop_assert_eq!(hosts, 1, "role-1 user present but no host");
                }
                for p in &server {
                    prop_assert!(!(p.is_host && p.is_manager), "host and manager at once");
                }
                // Every live user's view equals the server's list.
                for (c, ..) in &live {
                    let view: Vec<Participant> = h.view(*c).users.values().cloned().collect();
                    prop_assert_eq!(&view, &server);
                }
            }
        }
    }
}
