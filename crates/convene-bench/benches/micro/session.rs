//! `convene-session`: one change in a 5,000-user session, through the core's public API
//! (`Core::handle`, `Core::poll_output`), with every message serialised once as the server
//! does (`serde_json::to_string` of each `Output::Send`).
//!
//! Not included: the server's per-recipient work after serialisation (one clone of the
//! shared text into each connection's queue, the WebSocket frame and the socket write).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use convene_protocol::{ClientMsg, JoinParams, ServerMsg};
use convene_session::{Config, ConnId, Core, Input, JoinToken, Output};
use divan::Bencher;

/// Users already in the session.
const USERS: u64 = 5_000;

/// A core holding one session of [`USERS`] users, connections `1..=USERS`.
struct Session {
    core: Core,
    now: Instant,
    next_conn: u64,
    next_id: u64,
}

impl Session {
    fn new() -> Session {
        let now = Instant::now();
        let config = Config {
            // Room for the one more user the benches add (the default cap is 5,000).
            max_users_per_session: USERS as usize + 10,
            ..Config::default()
        };
        let mut s = Session {
            core: Core::new(config, now, 1_800_000_000_000, [9; 32]),
            now,
            next_conn: 1,
            next_id: 1,
        };
        for _ in 0..USERS {
            let conn = s.join_input();
            s.core.handle(s.now, conn);
            s.drain_discarding();
        }
        s.fire_timers();
        s.drain_discarding();
        assert_eq!(s.core.user_count(), USERS as usize);
        s
    }

    /// A verified join of a new user on a new connection (the host first).
    fn join_input(&mut self) -> Input {
        let conn = ConnId(self.next_conn);
        self.next_conn += 1;
        Input::Join {
            conn,
            id: self.id(),
            params: JoinParams {
                topic: "Bench".into(),
                token: "verified".into(),
                user_name: format!("user {}", conn.0),
                passcode: None,
                idle_timeout_mins: None,
            },
            token: JoinToken {
                app_key: "bench".into(),
                role_host: conn.0 == 1,
                user_identity: Some(format!("identity-{}", conn.0)),
                session_key: None,
                fingerprint: conn.0,
            },
        }
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// The last joined user leaves and its connection is reported gone, so the session is
    /// back to [`USERS`] users.
    fn leave_last(&mut self) {
        let conn = ConnId(self.next_conn - 1);
        let id = self.id();
        self.core.handle(
            self.now,
            Input::Request {
                conn,
                id,
                msg: ClientMsg::Leave { end: false },
            },
        );
        self.drain_discarding();
        self.core.handle(self.now, Input::Disconnected { conn });
        self.drain_discarding();
        self.fire_timers();
        self.drain_discarding();
        assert_eq!(self.core.user_count(), USERS as usize);
    }

    /// Moves virtual time to the core's next deadline when it is near (the batched
    /// announcement of joins: `Config::join_announce_window`, 50 ms) and fires it. Far
    /// deadlines (idle timeouts) are left alone. Drain afterwards.
    fn fire_timers(&mut self) {
        if let Some(t) = self.core.poll_timeout() {
            if t <= self.now + Duration::from_secs(1) {
                self.now = self.now.max(t);
                self.core.handle(self.now, Input::Timeout);
            }
        }
    }

    /// One join, timed whole: the join, then the batched `user-added` it causes.
    fn join_and_announce(&mut self, join: Input) -> (usize, usize) {
        self.core.handle(self.now, join);
        let (b1, r1) = self.drain_serialising();
        self.fire_timers();
        let (b2, r2) = self.drain_serialising();
        (b1 + b2, r1 + r2)
    }

    fn drain_discarding(&mut self) {
        while self.core.poll_output().is_some() {}
    }

    /// Drains the core, serialising each message once; returns the bytes and recipients.
    fn drain_serialising(&mut self) -> (usize, usize) {
        let (mut bytes, mut recipients) = (0, 0);
        while let Some(out) = self.core.poll_output() {
            if let Output::Send { to, msg } = out {
                // unwrap is ok because every ServerMsg serialises (the server relies on it too).
                bytes += serde_json::to_string(&msg).expect("serialisable").len();
                recipients += to.len();
            }
        }
        (bytes, recipients)
    }
}

/// One more user joins the 5,000-user session. Timed: `Core::handle(Join)` (checks, the new
/// user, the reply with the 5,001-entry user list) and draining it, then the batched
/// announcement the join arms (since 687367d joins into a session of 100+ users are
/// announced together, at most 50 ms after the first): virtual time moved to that
/// deadline, `Core::handle(Timeout)` and its one `user-added` for the 5,000 others, each
/// message serialised once. Untimed, between iterations: that user leaves again.
#[divan::bench(sample_count = 200, sample_size = 1)]
fn join_5000_user_session(bencher: Bencher) {
    let s = Rc::new(RefCell::new(Session::new()));
    {
        // Check what is timed: a reply to the joiner and a user-added to 5,000 users.
        let mut s = s.borrow_mut();
        let join = s.join_input();
        let (bytes, recipients) = s.join_and_announce(join);
        assert_eq!(recipients, USERS as usize + 1);
        assert!(
            bytes > 100 * USERS as usize,
            "the reply lists everyone: {bytes} bytes"
        );
        s.leave_last();
    }
    // With one input per sample, the untimed input maker runs between timed joins: it
    // takes the previous joiner out again, so every timed join meets 5,000 users.
    let mut joined = false;
    let setup = s.clone();
    bencher
        .with_inputs(move || {
            let mut s = setup.borrow_mut();
            if std::mem::replace(&mut joined, true) {
                s.leave_last();
            }
            s.join_input()
        })
        .bench_local_values(|join| s.borrow_mut().join_and_announce(join));
}

/// One user of the 5,000 renames itself. Timed: `Core::handle(changeName)` (the check, the
/// new name, one `user-updated` to all 5,000 users, the reply) and draining its outputs,
/// serialising each message once.
#[divan::bench(sample_count = 200, sample_size = 1)]
fn rename_in_5000_user_session(bencher: Bencher) {
    let mut s = Session::new();
    let mut n = 0u64;
    let mut rename = |s: &mut Session| {
        n += 1;
        let id = s.id();
        Input::Request {
            conn: ConnId(2),
            id,
            msg: ClientMsg::ChangeName {
                name: format!("renamed {n}"),
                user_id: None,
            },
        }
    };
    let first = rename(&mut s);
    s.core.handle(s.now, first);
    let (_, recipients) = s.drain_serialising();
    assert_eq!(
        recipients,
        USERS as usize + 1,
        "user-updated to all, and the reply"
    );
    let s = RefCell::new(s);
    bencher
        .with_inputs(|| rename(&mut s.borrow_mut()))
        .bench_local_values(|input| {
            let mut s = s.borrow_mut();
            let now = s.now;
            s.core.handle(now, input);
            s.drain_serialising()
        });
}

/// The join reply of a 5,000-user session, serialised. Timed: `serde_json::to_string` of
/// the reply message alone (5,001 participants). Since 52377c6 the core writes a reply's
/// result as JSON text when it builds the reply (inside `Core::handle`, timed in
/// [`join_5000_user_session`]), so this is the envelope around that text and one copy of
/// it: what the server still does per reply.
#[divan::bench]
fn serialise_join_reply_5000(bencher: Bencher) {
    let mut s = Session::new();
    let join = s.join_input();
    let joiner = ConnId(s.next_conn - 1);
    s.core.handle(s.now, join);
    let mut reply = None;
    while let Some(out) = s.core.poll_output() {
        if let Output::Send { to, msg } = out {
            if to == [joiner] && matches!(msg, ServerMsg::Reply(_)) {
                reply = Some(msg);
            }
        }
    }
    // unwrap is ok because a join always gets a reply (checked here, before timing).
    let reply = reply.expect("the joiner's reply");
    let bytes = serde_json::to_string(&reply).map_or(0, |s| s.len());
    bencher
        .counter(divan::counter::BytesCount::new(bytes))
        .bench(|| serde_json::to_string(&reply).map(|s| s.len()));
}
