//! # Convene test kit
//!
//! Helpers for end-to-end tests over real WebSockets on `127.0.0.1`: a server on a free port,
//! tokens, joined clients, and bounded waits for events or state. Nothing here sleeps as an
//! assertion: every wait polls or listens until a condition holds and fails loudly after a
//! bound ([`WAIT`] unless told otherwise).
//!
//! ```no_run
//! # async fn demo() {
//! use convene_testkit::*;
//! let server = TestServer::start().await;
//! let (host, mut host_events) = client(&server, "room", &token("room", Role::Host, None), "Ann").await;
//! let (_bob, _) = client(&server, "room", &token("room", Role::Participant, None), "Bob").await;
//! wait_for(&mut host_events, |e| e.name() == "user-added", WAIT).await;
//! wait_until("host sees two users", || host.get_all_user().len() == 2).await;
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use futures_util::{SinkExt, StreamExt};
use std::fmt::Debug;
use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub use convene_auth::Role;
pub use convene_client::protocol::{
    self, ChatPrivilege, ConnectionState, ErrorCode, Event, Participant, ParticipantUpdate,
    SharePrivilege, UserId,
};
pub use convene_client::{Client, ClientError, ClientEvent, Events, SessionInfo};
pub use convene_server::{Config, Server};

/// The app key every [`TestServer`] knows.
pub const APP_KEY: &str = "test-key";
/// The secret of [`APP_KEY`] (32+ bytes, so HMAC libraries do not warn).
pub const APP_SECRET: &str = "test-secret-0123456789abcdef0123456789";
/// The default bound of every wait.
pub const WAIT: Duration = Duration::from_secs(5);
/// How often [`wait_until`] polls.
pub const POLL: Duration = Duration::from_millis(10);

/// A Convene server on `127.0.0.1:<free port>` with the one app [`APP_KEY`]/[`APP_SECRET`].
#[derive(Debug)]
pub struct TestServer {
    server: Option<Server>,
    addr: SocketAddr,
}

impl TestServer {
    /// A server with the default session config.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// A server whose config `f` may change first (capacity, failover window, idle minute...).
    pub async fn start_with(f: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::for_tests(APP_KEY, APP_SECRET);
        f(&mut config);
        let server = convene_server::spawn(config)
            .await
            .expect("test server binds 127.0.0.1:0");
        let addr = server.local_addr();
        TestServer {
            server: Some(server),
            addr,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `ws://127.0.0.1:PORT/rtc/v1`, the signaling endpoint.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/rtc/v1", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await;
        }
    }
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

/// A valid token for the test app: `topic`, `role`, optional `user_identity`, issued now,
/// valid two hours.
pub fn token(topic: &str, role: Role, identity: Option<&str>) -> String {
    let mut opts = convene_auth::MintOptions::new(APP_KEY, APP_SECRET, topic, role, now_secs());
    opts.user_identity = identity.map(str::to_owned);
    convene_auth::mint(&opts)
}

/// A host token (role 1) for `topic`.
pub fn host_token(topic: &str) -> String {
    token(topic, Role::Host, None)
}

/// A participant token (role 0) for `topic`.
pub fn participant_token(topic: &str) -> String {
    token(topic, Role::Participant, None)
}

/// Join options beyond topic, token and name.
#[derive(Debug, Clone, Default)]
pub struct JoinOpts {
    /// Session passcode.
    pub passcode: Option<String>,
    /// Idle timeout in minutes.
    pub idle_timeout_mins: Option<u32>,
}

/// A client initialised against `server` with its event stream subscribed before anything
/// happens; not joined.
pub async fn new_client(server: &TestServer) -> (Client, Events) {
    let c = Client::new();
    let events = c.events();
    c.init(&server.url()).await.expect("init");
    (c, events)
}

/// Tries to join; the client and its events either way (to inspect a failure).
pub async fn try_client(
    server: &TestServer,
    topic: &str,
    token: &str,
    name: &str,
    opts: JoinOpts,
) -> (Client, Events, Result<SessionInfo, ClientError>) {
    let (c, events) = new_client(server).await;
    let r = bounded(
        "join",
        c.join(
            topic,
            token,
            name,
            opts.passcode.as_deref(),
            opts.idle_timeout_mins,
        ),
    )
    .await;
    (c, events, r)
}

/// A client joined to `topic` (panics when the join fails), and its events.
pub async fn client(server: &TestServer, topic: &str, token: &str, name: &str) -> (Client, Events) {
    client_with(server, topic, token, name, JoinOpts::default()).await
}

/// [`client`] with a passcode / idle timeout.
pub async fn client_with(
    server: &TestServer,
    topic: &str,
    token: &str,
    name: &str,
    opts: JoinOpts,
) -> (Client, Events) {
    let (c, events, r) = try_client(server, topic, token, name, opts).await;
    if let Err(e) = r {
        panic!("{name} could not join {topic:?}: {e}");
    }
    (c, events)
}

/// A joined client, its events and its user id.
#[derive(Debug)]
pub struct Peer {
    /// The client.
    pub client: Client,
    /// Its events since before the join.
    pub events: Events,
    /// Its user id.
    pub id: UserId,
}

impl Peer {
    /// Joins `topic` with a fresh token of `role` (panics when the join fails).
    pub async fn join(server: &TestServer, topic: &str, role: Role, name: &str) -> Peer {
        Peer::join_with(
            server,
            topic,
            &token(topic, role, None),
            name,
            JoinOpts::default(),
        )
        .await
    }

    /// Joins with the given token and options (panics when the join fails).
    pub async fn join_with(
        server: &TestServer,
        topic: &str,
        token: &str,
        name: &str,
        opts: JoinOpts,
    ) -> Peer {
        let (client, events) = client_with(server, topic, token, name, opts).await;
        let id = me(&client);
        Peer { client, events, id }
    }

    /// The next event matching `pred` (bounded by [`WAIT`]).
    pub async fn wait_for(&mut self, pred: impl FnMut(&ClientEvent) -> bool) -> ClientEvent {
        wait_for(&mut self.events, pred, WAIT).await
    }

    /// Waits until this client's local view of user `id` satisfies `f` (bounded by [`WAIT`]).
    pub async fn wait_user(&self, id: UserId, what: &str, f: impl Fn(&Participant) -> bool) {
        let c = &self.client;
        wait_until(what, || c.get_user(id).is_some_and(|p| f(&p))).await
    }

    /// Waits until this client no longer lists user `id`.
    pub async fn wait_gone(&self, id: UserId) {
        let c = &self.client;
        wait_until(&format!("user {id} gone"), || c.get_user(id).is_none()).await
    }
}

/// The client's own user id (panics when not in a session).
pub fn me(c: &Client) -> UserId {
    c.get_current_user_info()
        .expect("client is in a session")
        .user_id
}

/// Awaits `fut` for at most [`WAIT`], panicking with `what` on timeout.
pub async fn bounded<T>(what: &str, fut: impl Future<Output = T>) -> T {
    bounded_for(what, WAIT, fut).await
}

/// Awaits `fut` for at most `limit`, panicking with `what` on timeout.
pub async fn bounded_for<T>(what: &str, limit: Duration, fut: impl Future<Output = T>) -> T {
    match tokio::time::timeout(limit, fut).await {
        Ok(v) => v,
        Err(_) => panic!("timed out after {limit:?} waiting for {what}"),
    }
}

/// The next event matching `pred`, skipping others; panics after `timeout` or when the
/// stream ends.
pub async fn wait_for(
    events: &mut Events,
    mut pred: impl FnMut(&ClientEvent) -> bool,
    timeout: Duration,
) -> ClientEvent {
    let mut seen = Vec::new();
    let r = tokio::time::timeout(timeout, async {
        while let Some(ev) = events.recv().await {
            if pred(&ev) {
                return Some(ev);
            }
            seen.push(ev.name());
        }
        None
    })
    .await;
    match r {
        Ok(Some(ev)) => ev,
        Ok(None) => panic!("event stream ended before the awaited event; skipped {seen:?}"),
        Err(_) => panic!("no matching event within {timeout:?}; skipped {seen:?}"),
    }
}

/// Every event up to and including the first matching `pred` (bounded by [`WAIT`]). Useful to
/// prove something did *not* happen before a later marker (per connection, the server keeps
/// order).
pub async fn collect_until(
    events: &mut Events,
    mut pred: impl FnMut(&ClientEvent) -> bool,
) -> Vec<ClientEvent> {
    let mut all = Vec::new();
    let r = tokio::time::timeout(WAIT, async {
        while let Some(ev) = events.recv().await {
            let done = pred(&ev);
            all.push(ev);
            if done {
                return true;
            }
        }
        false
    })
    .await;
    let names: Vec<&str> = all.iter().map(ClientEvent::name).collect();
    match r {
        Ok(true) => all,
        Ok(false) => panic!("event stream ended before the marker; got {names:?}"),
        Err(_) => panic!("no marker event within {WAIT:?}; got {names:?}"),
    }
}

/// Polls `cond` every [`POLL`] until it holds; panics with `what` after [`WAIT`].
pub async fn wait_until(what: &str, cond: impl FnMut() -> bool) {
    wait_until_for(what, WAIT, cond).await
}

/// [`wait_until`] with an explicit bound.
pub async fn wait_until_for(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if cond() {
            return;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("condition not met within {limit:?}: {what}");
        }
        tokio::time::sleep(POLL).await;
    }
}

// ---- event predicates --------------------------------------------------------------------

/// The event is a `connection-change` with `state` (and `reason`, when given).
pub fn is_conn_change(ev: &ClientEvent, state: ConnectionState, reason: Option<&str>) -> bool {
    match ev.connection_change() {
        Some((s, r)) => s == state && (reason.is_none() || r == reason),
        None => false,
    }
}

/// The event is `user-added` and includes `id`.
pub fn is_user_added(ev: &ClientEvent, id: UserId) -> bool {
    matches!(ev.as_session(), Some(Event::UserAdded(v)) if v.iter().any(|p| p.user_id == id))
}

/// The event is `user-removed` and includes `id`.
pub fn is_user_removed(ev: &ClientEvent, id: UserId) -> bool {
    matches!(ev.as_session(), Some(Event::UserRemoved(v)) if v.iter().any(|p| p.user_id == id))
}

/// The event is `user-updated` with an item for `id` that satisfies `f`.
pub fn is_user_updated(
    ev: &ClientEvent,
    id: UserId,
    f: impl Fn(&ParticipantUpdate) -> bool,
) -> bool {
    matches!(ev.as_session(), Some(Event::UserUpdated(v)) if v.iter().any(|u| u.user_id == id && f(u)))
}

/// The event is a `chat-on-message` with this text.
pub fn is_chat(ev: &ClientEvent, text: &str) -> bool {
    matches!(ev.as_session(), Some(Event::ChatOnMessage(m)) if m.message == text)
}

// ---- errors --------------------------------------------------------------------------------

/// The wire error code of a failure.
pub fn code_of(e: &ClientError) -> u32 {
    e.to_error_body().error_code
}

/// Asserts `r` failed with `code`; `what` names the call in the message.
#[track_caller]
pub fn assert_code<T: Debug>(r: Result<T, ClientError>, code: u32, what: &str) {
    match r {
        Ok(v) => panic!("{what}: expected error {code}, got success {v:?}"),
        Err(e) => assert_eq!(code_of(&e), code, "{what}: wrong code in {e}"),
    }
}

/// Asserts `r` succeeded; `what` names the call in the message.
#[track_caller]
pub fn assert_ok<T: Debug>(r: Result<T, ClientError>, what: &str) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{what}: expected success, got {e}"),
    }
}

// ---- raw WebSocket -------------------------------------------------------------------------

/// A bare signaling WebSocket, for what the SDK would never send.
#[derive(Debug)]
pub struct RawWs {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// What a [`RawWs`] read ended with.
#[derive(Debug, Clone, PartialEq)]
pub enum RawRead {
    /// A JSON text message.
    Json(serde_json::Value),
    /// The server closed the connection (close frame, EOF or reset).
    Closed,
}

impl RawWs {
    /// Connects to `server`'s `/rtc/v1`.
    pub async fn connect(server: &TestServer) -> Self {
        let (ws, _) = bounded(
            "raw websocket connect",
            tokio_tungstenite::connect_async(server.ws_url()),
        )
        .await
        .expect("raw websocket connects");
        RawWs { ws }
    }

    /// Connects with a socket receive buffer of about `bytes`, so that a client which stops
    /// reading makes the server's queue for it fill quickly.
    pub async fn connect_small(server: &TestServer, bytes: u32) -> Self {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.set_recv_buffer_size(bytes).expect("SO_RCVBUF");
        let tcp = bounded("tcp connect", socket.connect(server.addr()))
            .await
            .expect("tcp connects");
        let (ws, _) = bounded(
            "raw websocket handshake",
            tokio_tungstenite::client_async(server.ws_url(), MaybeTlsStream::Plain(tcp)),
        )
        .await
        .expect("raw websocket connects");
        RawWs { ws }
    }

    /// Sends one text frame. Errors (the server closed us) are returned, not panicked on.
    pub async fn send_text(&mut self, text: impl Into<String>) -> Result<(), String> {
        let text: String = text.into();
        self.ws
            .send(Message::Text(text.into()))
            .await
            .map_err(|e| e.to_string())
    }

    /// Sends one ping frame (the server must count it like any frame).
    pub async fn send_ping(&mut self, payload: &[u8]) -> Result<(), String> {
        let p = payload.to_vec();
        self.ws
            .send(Message::Ping(p.into()))
            .await
            .map_err(|e| e.to_string())
    }

    /// Sends one binary frame.
    pub async fn send_binary(&mut self, payload: &[u8]) -> Result<(), String> {
        let p = payload.to_vec();
        self.ws
            .send(Message::Binary(p.into()))
            .await
            .map_err(|e| e.to_string())
    }

    /// Sends one JSON value.
    pub async fn send_json(&mut self, v: &serde_json::Value) -> Result<(), String> {
        self.send_text(v.to_string()).await
    }

    /// The next JSON message or the close, within [`WAIT`]. Pings and pongs are skipped.
    pub async fn read(&mut self) -> RawRead {
        bounded("a raw websocket message", async {
            loop {
                match self.ws.next().await {
                    Some(Ok(Message::Text(t))) => {
                        let v = serde_json::from_str(t.as_str())
                            .unwrap_or_else(|e| panic!("server sent non-JSON {t:?}: {e}"));
                        return RawRead::Json(v);
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return RawRead::Closed,
                    Some(Ok(_)) => continue,
                }
            }
        })
        .await
    }

    /// The next JSON message; panics on close.
    pub async fn read_json(&mut self) -> serde_json::Value {
        match self.read().await {
            RawRead::Json(v) => v,
            RawRead::Closed => panic!("raw websocket closed while a message was expected"),
        }
    }

    /// The reply with `id`, skipping pushed events.
    pub async fn reply(&mut self, id: u64) -> serde_json::Value {
        loop {
            let v = self.read_json().await;
            if v.get("id").and_then(serde_json::Value::as_u64) == Some(id) && v.get("ok").is_some()
            {
                return v;
            }
        }
    }

    /// Reads until the connection is closed (skipping messages); panics if it stays open
    /// past [`WAIT`].
    pub async fn expect_closed(&mut self) {
        loop {
            if self.read().await == RawRead::Closed {
                return;
            }
        }
    }

    /// Sends `join` with `id` and returns its reply.
    pub async fn join(
        &mut self,
        id: u64,
        topic: &str,
        token: &str,
        name: &str,
        passcode: Option<&str>,
    ) -> serde_json::Value {
        let mut params = serde_json::json!({"topic": topic, "token": token, "userName": name});
        if let Some(p) = passcode {
            params["passcode"] = serde_json::Value::from(p);
        }
        self.send_json(&serde_json::json!({"id": id, "method": "join", "params": params}))
            .await
            .expect("send join");
        self.reply(id).await
    }
}

/// The `convene` binary, built once per test run (`cargo build -p convene`, a no-op when it
/// is fresh) so that the tests never run a stale one.
pub fn convene_bin() -> std::path::PathBuf {
    use std::path::PathBuf;
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .map(|p| {
                if p.is_relative() {
                    workspace.join(p)
                } else {
                    p
                }
            })
            .unwrap_or_else(|| workspace.join("target"));
        let bin = target
            .join("debug")
            .join(format!("convene{}", std::env::consts::EXE_SUFFIX));
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "--quiet", "-p", "convene"])
            .current_dir(&workspace)
            .status()
            .expect("run cargo build -p convene");
        assert!(status.success(), "cargo build -p convene failed");
        assert!(bin.exists(), "built, but no binary at {}", bin.display());
        bin
    })
    .clone()
}

/// The `errorCode` of a raw reply (`None` for a success).
pub fn raw_error_code(reply: &serde_json::Value) -> Option<u64> {
    reply["error"]["errorCode"].as_u64()
}

/// A raw HTTP/1.1 GET on the test server: (status line, body).
pub async fn http_get(server: &TestServer, path: &str) -> (String, String) {
    let req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    let (status, text) = http_exchange(server.addr(), &req).await;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned());
    (status, body.unwrap_or_default())
}

/// Sends `request` (a whole HTTP/1.1 request, `Connection: close`) to `addr`: (status line,
/// head and body as one text).
pub async fn http_exchange(addr: SocketAddr, request: &str) -> (String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(request.as_bytes()).await.expect("write");
    let mut buf = Vec::new();
    bounded("http response", s.read_to_end(&mut buf))
        .await
        .expect("read");
    let text = String::from_utf8_lossy(&buf).into_owned();
    (text.lines().next().unwrap_or("").to_owned(), text)
}

/// `convene ARGS...` as a child process with piped stdin and stdout (stderr dropped, quiet
/// logs), killed when dropped.
pub fn convene_command(args: &[&str]) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(convene_bin());
    c.args(args)
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    c
}

/// `convene serve ARGS` with `CONVENE_APPS=env_apps` (killed on drop), once it listens, and
/// the `http://` address it printed.
pub async fn spawn_serve(args: &[&str], env_apps: &str) -> (tokio::process::Child, String) {
    use tokio::io::{AsyncBufReadExt, BufReader};
    tokio::task::spawn_blocking(convene_bin)
        .await
        .expect("built");
    let mut serve = vec!["serve"];
    serve.extend_from_slice(args);
    let mut child = convene_command(&serve)
        .env("CONVENE_APPS", env_apps)
        .spawn()
        .expect("spawn convene serve");
    let mut out = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let url = loop {
        let line = bounded("convene serve to listen", out.next_line())
            .await
            .expect("read stdout")
            .expect("serve printed its address");
        if let Some(rest) = line.strip_prefix("Convene listening on ") {
            break rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
        }
    };
    (child, url)
}

/// A child process's stdout, line by line.
pub type Lines = tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>;

/// The next stdout line of a child satisfying `pred`; panics at EOF or after [`WAIT`].
pub async fn line_until(lines: &mut Lines, what: &str, pred: impl Fn(&str) -> bool) -> String {
    bounded(what, async {
        loop {
            match lines.next_line().await {
                Ok(Some(l)) if pred(&l) => return l,
                Ok(Some(_)) => continue,
                _ => panic!("output ended before {what}"),
            }
        }
    })
    .await
}

/// `convene ARGS...` (see [`convene_command`]) and its stdout lines.
pub fn spawn_piped(args: &[&str]) -> (tokio::process::Child, Lines) {
    piped(convene_command(args))
}

/// Spawns `command` (stdout piped) and returns it with its stdout lines.
pub fn piped(mut command: tokio::process::Command) -> (tokio::process::Child, Lines) {
    use tokio::io::AsyncBufReadExt;
    let mut child = command.spawn().expect("spawn");
    let out = child.stdout.take().expect("stdout");
    (child, tokio::io::BufReader::new(out).lines())
}
