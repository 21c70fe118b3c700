//! The core in virtual time: no socket, no sleep. Each test plays the driver and the server
//! by hand and moves the clock itself, so two minutes of failover take microseconds.
//!
//! - `session`: join, events, requests, leave, destroy, kill.
//! - `failover`: keep-alive, drop, backoff, resume, refusals, the failover window.
//! - `cluster`: redirects to the node that hosts the session, failover through other nodes.
//! - `subsession`: moving between rooms, resuming in a room, the closing countdown.

mod cluster;
mod failover;
mod session;
mod subsession;

use super::*;
use convene_protocol::{
    ChatPrivilege, ErrorBody, ErrorCode, JoinResult, Participant, ParticipantUpdate, Reply,
    SharePrivilege, UserId, FAILOVER_WINDOW_SECS,
};

const URL: &str = "ws://127.0.0.1:9/rtc/v1";

/// A core, a virtual clock, and what came out of the core since the last look.
struct Harness {
    core: ClientCore,
    now: Instant,
    next_call: CallId,
}

impl Harness {
    fn new() -> Self {
        let mut h = Harness {
            core: ClientCore::default(),
            now: Instant::now(),
            next_call: 1,
        };
        let init = h.call(Call::Init {
            ws_url: URL.into(),
            nodes: vec![],
        });
        assert_eq!(h.drain(), vec![Output::Complete(init, Ok(Outcome::Done))]);
        h
    }

    fn input(&mut self, input: Input) {
        self.core.handle_input(self.now, input);
    }

    fn call(&mut self, call: Call) -> CallId {
        let id = self.next_call;
        self.next_call += 1;
        self.input(Input::Call(id, call));
        id
    }

    /// A call the core must answer at once, with nothing else to do: its result.
    fn call_now(&mut self, call: Call) -> Result<Outcome, ClientError> {
        let id = self.call(call);
        match self.drain().as_slice() {
            [Output::Complete(done, result)] if *done == id => result.clone(),
            other => panic!("expected only the answer to call {id}: {other:?}"),
        }
    }

    fn drain(&mut self) -> Vec<Output> {
        std::iter::from_fn(|| self.core.poll_output()).collect()
    }

    /// Moves the clock to the core's next deadline and fires it.
    fn fire(&mut self) -> Vec<Output> {
        let at = self.core.poll_timeout().expect("a deadline");
        assert!(at >= self.now, "deadline in the past");
        self.now = at;
        self.input(Input::Timeout);
        self.drain()
    }

    /// Moves the clock by `d`, firing every deadline on the way.
    fn advance(&mut self, d: Duration) -> Vec<Output> {
        let end = self.now + d;
        let mut out = Vec::new();
        while let Some(at) = self.core.poll_timeout().filter(|t| *t <= end) {
            self.now = at;
            self.input(Input::Timeout);
            out.extend(self.drain());
        }
        self.now = end;
        out
    }

    fn frame(&mut self, msg: &ServerMsg) -> Vec<Output> {
        self.input(Input::Frame(serde_json::to_string(msg).unwrap()));
        self.drain()
    }

    fn reply(&mut self, id: u64, result: serde_json::Value) -> Vec<Output> {
        self.frame(&ServerMsg::Reply(Reply::ok(id, result)))
    }

    fn reply_err(&mut self, id: u64, code: ErrorCode, reason: &str) -> Vec<Output> {
        self.frame(&ServerMsg::Reply(Reply::err(
            id,
            ErrorBody::new(code, reason),
        )))
    }

    fn push(&mut self, event: Event) -> Vec<Output> {
        self.frame(&ServerMsg::Event(event))
    }

    /// Joins as user 2 next to host 1; returns the join's outputs.
    fn join(&mut self) -> Vec<Output> {
        let call = self.call(Call::Join(params()));
        assert_eq!(self.drain(), vec![Output::Connect(URL.into())]);
        self.input(Input::Opened);
        let req = only_request(&self.drain());
        assert!(matches!(req.msg, ClientMsg::Join(ref p) if p.topic == "Daily"));
        let out = self.reply(req.id, join_result(vec![host(1, "Ann"), user(2, "Bob")]));
        assert!(
            matches!(&out[0], Output::Complete(c, Ok(Outcome::Joined(info)))
                if *c == call && info.user_id == UserId(2) && info.is_in_meeting),
            "{out:?}"
        );
        out
    }

    /// Joined, the socket then drops: returns the drop's outputs.
    fn joined_then_dropped(&mut self) -> Vec<Output> {
        self.join();
        self.input(Input::Closed("reset by peer".into()));
        self.drain()
    }

    /// Reconnects (the socket opens at once) and returns the `resume` request.
    fn reconnect(&mut self) -> Request {
        let out = self.fire();
        assert_eq!(out, vec![Output::Connect(URL.into())]);
        self.input(Input::Opened);
        only_request(&self.drain())
    }

    fn users(&self) -> Vec<u32> {
        self.core
            .state()
            .all_users()
            .iter()
            .map(|p| p.user_id.0)
            .collect()
    }
}

fn params() -> JoinParams {
    JoinParams {
        topic: "Daily".into(),
        token: "jwt".into(),
        user_name: "Bob".into(),
        passcode: None,
        idle_timeout_mins: None,
    }
}

fn user(id: u32, name: &str) -> Participant {
    Participant::new(UserId(id), name)
}

fn host(id: u32, name: &str) -> Participant {
    Participant {
        is_host: true,
        ..user(id, name)
    }
}

fn join_result(users: Vec<Participant>) -> serde_json::Value {
    serde_json::to_value(JoinResult {
        session_id: "sess-1".into(),
        topic: "Daily".into(),
        user_id: UserId(2),
        password: String::new(),
        is_original_host: false,
        users,
        chat_privilege: ChatPrivilege::All,
        share_privilege: SharePrivilege::Unlocked,
        rename_allowed: true,
        resume_token: "secret".into(),
        recording: Default::default(),
        live_stream: Default::default(),
        can_record: false,
    })
    .unwrap()
}

fn requests(out: &[Output]) -> Vec<Request> {
    out.iter()
        .filter_map(|o| match o {
            Output::Send(text) => Some(serde_json::from_str(text).unwrap()),
            _ => None,
        })
        .collect()
}

fn only_request(out: &[Output]) -> Request {
    let mut reqs = requests(out);
    assert_eq!(reqs.len(), 1, "{out:?}");
    reqs.remove(0)
}

fn connection(state: ConnectionState, reason: Option<&str>) -> Output {
    Output::Event(Event::ConnectionChange {
        state,
        reason: reason.map(Into::into),
        subsession_name: None,
    })
}
