//! Tests of the session core, in virtual time: the harness (`H`, one `View` per connection)
//! here, the tests in `tests/` by the same concerns as the handlers, plus a property test
//! and a golden wire transcript.

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
    /// Lifecycle notices, in order.
    lifecycle: Vec<Lifecycle>,
    egress: Vec<EgressAction>,
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
            core: Core::new(config, now, 1_000_000, [7; 32]),
            now,
            views: HashMap::new(),
            next_conn: 1,
            next_id: 1,
            media: Vec::new(),
            lifecycle: Vec::new(),
            egress: Vec::new(),
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
                Output::Lifecycle(l) => self.lifecycle.push(l),
                Output::Egress(e) => self.egress.push(e),
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
            Ok(r.result_value())
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
        let token = join_token(app, who, fingerprint);
        let params = join_params(topic, name, passcode, idle);
        self.core.handle(
            self.now,
            Input::Join {
                conn,
                id,
                params,
                token,
            },
        );
        self.drain();
        let r = self.take_reply(conn, id)?;
        let jr: JoinResult = serde_json::from_value(r).unwrap();
        let v = self.views.get_mut(&conn).unwrap();
        v.users = jr.users.iter().map(|p| (p.user_id, p.clone())).collect();
        Ok((conn, jr))
    }

    /// A join on an existing connection (one the core may have closed already); returns
    /// the request id, whose reply may never come.
    fn join_on(&mut self, conn: ConnId, who: &Who, fingerprint: u64) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.core.handle(
            self.now,
            Input::Join {
                conn,
                id,
                params: join_params("Topic", "again", None, None),
                token: join_token("app", who, fingerprint),
            },
        );
        self.drain();
        id
    }

    /// Resumes `user` on a new connection; the connection when it worked.
    fn resume(
        &mut self,
        session_id: SessionId,
        user_id: UserId,
        resume_token: String,
    ) -> Option<ConnId> {
        let conn = ConnId(self.next_conn);
        self.next_conn += 1;
        self.views.insert(conn, View::default());
        let msg = ClientMsg::Resume(ResumeParams {
            session_id,
            user_id,
            resume_token,
        });
        let jr: JoinResult = serde_json::from_value(self.req(conn, msg).ok()?).unwrap();
        let v = self.views.get_mut(&conn).unwrap();
        v.users = jr.users.iter().map(|p| (p.user_id, p.clone())).collect();
        Some(conn)
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

fn join_params(topic: &str, name: &str, passcode: Option<&str>, idle: Option<f64>) -> JoinParams {
    JoinParams {
        topic: topic.into(),
        token: "tok".into(),
        user_name: name.into(),
        passcode: passcode.map(Into::into),
        idle_timeout_mins: idle,
    }
}

fn join_token(app: &str, who: &Who, fingerprint: u64) -> JoinToken {
    JoinToken {
        app_key: app.into(),
        role_host: who.role_host,
        user_identity: who.identity.map(Into::into),
        session_key: None,
        fingerprint,
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
        // Another room: its user list replaces the old one.
        Event::SubsessionMoved(m) => {
            *users = m
                .session
                .users
                .iter()
                .map(|p| (p.user_id, p.clone()))
                .collect();
        }
        _ => {}
    }
}

fn target(id: UserId) -> TargetParams {
    TargetParams { user_id: id }
}

mod admin;
mod api;
mod chat;
mod join;
mod media;
mod props;
mod recording;
mod roles;
mod snapshot;
mod subsession;
mod timers;
mod transcript;
