//! SPEC §11: the `convene` binary's `token` and `join` (JSON-lines bot), run as a process.

use convene_testkit::*;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// `convene token ...` → the printed JWT.
async fn cli_token(topic: &str, role: u8, extra: &[&str]) -> String {
    let bin = tokio::task::spawn_blocking(convene_bin).await.unwrap();
    let role = role.to_string();
    let mut args = vec![
        "token", "--key", APP_KEY, "--secret", APP_SECRET, "--topic", topic, "--role", &role,
    ];
    args.extend_from_slice(extra);
    let out = bounded("convene token", Command::new(bin).args(&args).output())
        .await
        .expect("run convene token");
    assert!(
        out.status.success(),
        "convene token failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {text:?}");
    lines[0].to_owned()
}

/// `convene join` as a child process: its stdin, and its stdout as JSON lines.
pub(crate) struct Bot {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Lines<BufReader<ChildStdout>>,
}

impl Bot {
    pub(crate) async fn spawn(server: &TestServer, topic: &str, token: &str, name: &str) -> Bot {
        Self::spawn_media(server, topic, token, name, &[]).await
    }

    /// `convene join` with extra flags (media options of the subcommand).
    pub(crate) async fn spawn_media(
        server: &TestServer,
        topic: &str,
        token: &str,
        name: &str,
        media: &[&str],
    ) -> Bot {
        // Built once, off the runtime's threads.
        tokio::task::spawn_blocking(convene_bin).await.unwrap();
        let url = server.url();
        let args = [
            "join", "--url", &url, "--topic", topic, "--token", token, "--name", name,
        ];
        let mut child = convene_command(&args)
            .args(media)
            .spawn()
            .expect("spawn convene join");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        Bot {
            child,
            stdin,
            stdout,
        }
    }

    /// The next stdout line as JSON; `None` at EOF.
    pub(crate) async fn line(&mut self) -> Option<Value> {
        let line = bounded("a line from the bot", self.stdout.next_line())
            .await
            .expect("read bot stdout")?;
        Some(
            serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("bot printed non-JSON {line:?}: {e}")),
        )
    }

    /// Lines until one satisfies `pred` (panics at EOF).
    pub(crate) async fn until(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            match self.line().await {
                Some(v) if pred(&v) => return v,
                Some(_) => continue,
                None => panic!("bot exited before {what}"),
            }
        }
    }

    pub(crate) async fn send(&mut self, v: Value) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(format!("{v}\n").as_bytes()).await.unwrap();
        stdin.flush().await.unwrap();
    }

    pub(crate) async fn reply(&mut self, id: u64) -> Value {
        self.until(&format!("reply {id}"), |v| {
            v["id"] == id && v.get("ok").is_some()
        })
        .await
    }

    pub(crate) async fn exit_code(&mut self) -> i32 {
        let status = bounded("the bot to exit", self.child.wait()).await.unwrap();
        status.code().expect("exited normally")
    }
}

#[tokio::test]
async fn token_command_prints_an_accepted_jwt() {
    let server = TestServer::start().await;
    let t = "CLI Token Room";
    let jwt = cli_token(t, 1, &["--user-identity", "cli-user"]).await;
    assert_eq!(jwt.split('.').count(), 3, "{jwt}");
    let h = Peer::join_with(&server, t, &jwt, "H", JoinOpts::default()).await;
    assert!(h.client.is_host());
    assert_eq!(
        h.client
            .get_current_user_info()
            .unwrap()
            .user_identity
            .as_deref(),
        Some("cli-user")
    );
    let jwt0 = cli_token(t, 0, &["--ttl", "1h"]).await;
    let p = Peer::join_with(&server, t, &jwt0, "P", JoinOpts::default()).await;
    assert!(!p.client.is_host() && !p.client.is_manager());
}

#[tokio::test]
async fn join_bot_speaks_json_lines_and_exits_when_removed() {
    let server = TestServer::start().await;
    let t = "bot-room";
    let mut host = Peer::join(&server, t, Role::Host, "H").await;
    let mut bot = Bot::spawn(&server, t, &participant_token(t), "Botty").await;

    let joined = bot.line().await.expect("joined line");
    assert_eq!(joined["event"], "joined", "{joined}");
    let p = &joined["payload"];
    assert_eq!(p["displayName"], "Botty", "{joined}");
    assert_eq!(
        p["sessionId"],
        host.client.get_session_info().session_id.as_str(),
        "{joined}"
    );
    assert_eq!(p["topic"], t, "{joined}");
    // Participants are printed as apps see them: every field, defaults included (the wire
    // leaves them out).
    assert_full_participant(p);
    let bot_id = UserId(p["userId"].as_u64().expect("userId") as u32);
    host.wait_for(|e| is_user_added(e, bot_id)).await;

    bot.send(json!({"id": 1, "cmd": "getAllUser"})).await;
    let r = bot.reply(1).await;
    assert_eq!(r["ok"], true, "{r}");
    let users = r["result"].as_array().expect("array");
    assert_eq!(users.len(), 2, "{r}");
    assert!(
        users
            .iter()
            .any(|u| u["displayName"] == "H" && u["isHost"] == true),
        "{r}"
    );
    users.iter().for_each(assert_full_participant);
    let _late = Peer::join(&server, t, Role::Participant, "Late").await;
    let ev = bot
        .until("user-added", |v| v["event"] == "user-added")
        .await;
    assert_eq!(ev["payload"][0]["displayName"], "Late", "{ev}");
    assert_full_participant(&ev["payload"][0]);

    // One session at a time (SPEC §3): a second join is refused with 5012.
    let again =
        json!({"topic": "elsewhere", "token": participant_token("elsewhere"), "userName": "Again"});
    bot.send(json!({"id": 19, "cmd": "join", "args": again}))
        .await;
    let r = bot.reply(19).await;
    assert_eq!(r["error"]["errorCode"], 5012, "{r}");

    // The privilege getters, answered from the bot's own state.
    for (id, cmd, want) in [
        (20, "chat.getPrivilege", json!(1)),
        (21, "getSharePrivilege", json!(0)),
        (22, "isShareLocked", json!(false)),
    ] {
        bot.send(json!({"id": id, "cmd": cmd})).await;
        let r = bot.reply(id).await;
        assert_eq!(r["result"], want, "{cmd}: {r}");
    }

    // Unknown command, and a refused one: ok false with an errorCode; the bot goes on.
    bot.send(json!({"id": 2, "cmd": "noSuchCommand"})).await;
    let r = bot.reply(2).await;
    assert_eq!(r["ok"], false, "{r}");
    assert!(r["error"]["errorCode"].is_u64(), "{r}");
    bot.send(json!({"id": 3, "cmd": "removeUser", "args": {"userId": host.id.0}}))
        .await;
    let r = bot.reply(3).await;
    assert_eq!(r["error"]["errorCode"], 5006, "{r}");
    bot.send(json!({"id": 4, "cmd": "chat.sendToAll", "args": {"text": "hello from the bot"}}))
        .await;
    let r = bot.reply(4).await;
    assert_eq!(r["ok"], true, "{r}");
    host.wait_for(|e| is_chat(e, "hello from the bot")).await;

    // Events are printed with their SPEC names.
    assert_ok(host.client.chat_send_to_all("hi bot").await, "host chats");
    let ev = bot
        .until("chat event", |v| v["event"] == "chat-on-message")
        .await;
    assert_eq!(ev["payload"]["message"], "hi bot");

    // Removed by the host: prints connection-change and exits 0.
    assert_ok(
        host.client.remove_user(bot_id).await,
        "host removes the bot",
    );
    let ev = bot
        .until("connection-change", |v| v["event"] == "connection-change")
        .await;
    assert_eq!(ev["payload"]["state"], "Closed", "{ev}");
    assert_eq!(ev["payload"]["reason"], "kicked by host", "{ev}");
    assert_eq!(bot.exit_code().await, 0);
}

/// A participant with the reference's fields, defaults included.
fn assert_full_participant(p: &Value) {
    for flag in [
        "bVideoOn",
        "sharerOn",
        "isHost",
        "isManager",
        "isInFailover",
    ] {
        assert!(p[flag].is_boolean(), "{flag} missing: {p}");
    }
    assert!(p["audio"].is_string(), "audio missing: {p}");
}

#[tokio::test]
async fn join_bot_with_a_bad_token_exits_2() {
    let server = TestServer::start().await;
    let mut bot = Bot::spawn(&server, "bot-bad", "not.a.token", "Bad").await;
    let line = bot.line().await.expect("an error line");
    assert_eq!(line["ok"], false, "{line}");
    assert_eq!(line["error"]["errorCode"], 200, "{line}");
    assert!(
        line["error"]["reason"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "{line}"
    );
    assert_eq!(bot.exit_code().await, 2);
    // A token for another topic: also refused.
    let mut bot = Bot::spawn(&server, "bot-bad", &participant_token("elsewhere"), "Bad").await;
    let line = bot.line().await.expect("an error line");
    assert_eq!(line["error"]["errorCode"], 200, "{line}");
    assert_eq!(bot.exit_code().await, 2);
}

#[tokio::test]
async fn join_bot_with_a_bad_idle_timeout_exits_2_with_5013() {
    let server = TestServer::start().await;
    for bad in ["0", "-1", "1.5"] {
        let token = participant_token("bot-idle");
        let flags = ["--idle-timeout-mins", bad];
        let mut bot = Bot::spawn_media(&server, "bot-idle", &token, "Idle", &flags).await;
        let line = bot.line().await.expect("an error line");
        assert_eq!(line["ok"], false, "{bad}: {line}");
        assert_eq!(line["error"]["errorCode"], 5013, "{bad}: {line}");
        assert_eq!(line["error"]["type"], "INVALID_PARAMETERS", "{bad}: {line}");
        assert_eq!(bot.exit_code().await, 2, "{bad}");
    }
    // A whole number is taken.
    let token = participant_token("bot-idle");
    let flags = ["--idle-timeout-mins", "5"];
    let mut bot = Bot::spawn_media(&server, "bot-idle", &token, "Idle", &flags).await;
    bot.until("joined", |v| v["event"] == "joined").await;
}

#[tokio::test]
async fn join_bot_leaves_on_eof_and_on_leave() {
    let server = TestServer::start().await;
    let t = "bot-eof";
    let mut host = Peer::join(&server, t, Role::Host, "H").await;
    let mut bot = Bot::spawn(&server, t, &participant_token(t), "B1").await;
    let joined = bot.line().await.unwrap();
    let id = UserId(joined["payload"]["userId"].as_u64().unwrap() as u32);
    bot.stdin = None; // EOF
    host.wait_for(|e| is_user_removed(e, id)).await;
    assert_eq!(bot.exit_code().await, 0);

    let mut bot = Bot::spawn(&server, t, &participant_token(t), "B2").await;
    let joined = bot.line().await.unwrap();
    let id = UserId(joined["payload"]["userId"].as_u64().unwrap() as u32);
    bot.send(json!({"id": 1, "cmd": "leave", "args": {}})).await;
    let r = bot.reply(1).await;
    assert_eq!(r["ok"], true, "{r}");
    host.wait_for(|e| is_user_removed(e, id)).await;
    assert_eq!(bot.exit_code().await, 0);
}

/// SPEC §11: args are optional where every parameter is (`leave` takes `{"end": true}` only
/// to end; `startAudio` `{mute}`, `muteAudio`/`unmuteAudio` `{userId}` default to self). A bare
/// `{"id":N,"cmd":"leave"}` must leave, `startAudio` must start audio, and so on.
#[tokio::test]
async fn join_bot_commands_with_optional_args_omitted() {
    let server = TestServer::start().await;
    let t = "bot-bare-args";
    let mut host = Peer::join(&server, t, Role::Host, "H").await;
    let mut bot = Bot::spawn(&server, t, &participant_token(t), "B").await;
    let joined = bot.line().await.unwrap();
    let id = UserId(joined["payload"]["userId"].as_u64().unwrap() as u32);
    let mut refused = Vec::new();
    for (n, cmd) in ["startAudio", "muteAudio", "unmuteAudio", "leave"]
        .into_iter()
        .enumerate()
    {
        let n = n as u64 + 1;
        bot.send(json!({"id": n, "cmd": cmd})).await;
        let r = bot.reply(n).await;
        if r["ok"] != true {
            refused.push(format!("{cmd}: {}", r["error"]));
        }
    }
    assert!(refused.is_empty(), "bare commands refused: {refused:#?}");
    host.wait_for(|e| is_user_removed(e, id)).await;
    assert_eq!(bot.exit_code().await, 0);
}

/// `leave` with `{"end": true}` from a host bot ends the session for everyone.
#[tokio::test]
async fn join_bot_host_ends_the_session() {
    let server = TestServer::start().await;
    let t = "bot-end";
    let mut bot = Bot::spawn(&server, t, &host_token(t), "HostBot").await;
    let joined = bot.line().await.unwrap();
    assert_eq!(joined["payload"]["isHost"], true, "{joined}");
    let mut p = Peer::join(&server, t, Role::Participant, "P").await;
    bot.send(json!({"id": 1, "cmd": "leave", "args": {"end": true}}))
        .await;
    let r = bot.reply(1).await;
    assert_eq!(r["ok"], true, "{r}");
    p.wait_for(|e| is_conn_change(e, ConnectionState::Closed, Some("ended by host")))
        .await;
    assert_eq!(bot.exit_code().await, 0);
}

/// A file path in the repository's `fixtures/`.
fn fixture(name: &str) -> String {
    format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[tokio::test]
async fn join_bot_publishes_files_and_reports_what_it_receives() {
    let server = TestServer::start().await;
    let t = "bot-media";
    let ivf = fixture("testsrc-320x180.ivf");
    let opus = fixture("tone-440.opus");
    let mut publisher = Bot::spawn_media(
        &server,
        t,
        &host_token(t),
        "Pub",
        &["--publish-video", &ivf, "--publish-audio", &opus],
    )
    .await;
    let joined = publisher.until("joined", |v| v["event"] == "joined").await;
    let pub_id = joined["payload"]["userId"].as_u64().unwrap();
    let attach = format!("{pub_id}:2");
    let mut viewer = Bot::spawn_media(
        &server,
        t,
        &participant_token(t),
        "Viewer",
        &["--attach", &attach, "--stats-interval-ms", "200"],
    )
    .await;
    // Stats name the publisher's video and audio, and frames keep arriving.
    let stats = viewer
        .until("video and audio frames from the publisher", |v| {
            v["event"] == "media-stats"
                && ["video", "audio"].iter().all(|kind| {
                    v["payload"].as_array().is_some_and(|a| {
                        a.iter().any(|s| {
                            s["userId"] == pub_id
                                && s["kind"] == *kind
                                && s["frames"].as_u64() > Some(5)
                        })
                    })
                })
        })
        .await;
    let video = stats["payload"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "video")
        .unwrap()
        .clone();
    assert!(video["keyframes"].as_u64() >= Some(1), "{video}");
    for key in ["userId", "kind", "packets", "frames", "bytes", "keyframes"] {
        assert!(
            video.get(key).is_some(),
            "media-stats item lacks {key}: {video}"
        );
    }
    // The media calls are also commands.
    viewer
        .send(json!({"id": 7, "cmd": "detachVideo", "args": {"userId": pub_id}}))
        .await;
    assert_eq!(viewer.reply(7).await["ok"], true);
    viewer.send(json!({"id": 8, "cmd": "getMediaStats"})).await;
    assert!(viewer.reply(8).await["result"].is_array());
    publisher
        .send(json!({"id": 2, "cmd": "leave", "args": {"end": true}}))
        .await;
    assert_eq!(publisher.exit_code().await, 0);
    assert_eq!(viewer.exit_code().await, 0);
}

#[tokio::test]
async fn serve_takes_apps_from_env_and_limits_from_a_config_file() {
    let dir = std::env::temp_dir().join(format!("convene-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("convene.toml");
    std::fs::write(
        &cfg,
        "max_users_per_session = 1\nmedia_port = 0\n[[apps]]\nkey = \"file-key\"\nsecret = \"file-secret\"\n",
    )
    .unwrap();
    let (_child, url) = spawn_serve(
        &["--bind", "127.0.0.1:0", "--config", cfg.to_str().unwrap()],
        "env-key:env-secret-0123456789abcdef,other:other-secret-0123456789abcdef",
    )
    .await;
    let mint = |key: &str, secret: &str, topic: &str| {
        let o = convene_auth::MintOptions::new(key, secret, topic, Role::Participant, now_secs());
        convene_auth::mint(&o)
    };
    let join = |token: String, topic: &'static str| {
        let url = url.clone();
        async move {
            let c = Client::new();
            c.init(&url).await.unwrap();
            let r = c.join(topic, &token, "u", None, None).await;
            (c, r)
        }
    };
    // Apps from the environment replace the file's (flags and env win over the file).
    let (_a, r) = join(mint("other", "other-secret-0123456789abcdef", "cfg"), "cfg").await;
    assert_ok(r, "an env app joins");
    let (_b, r) = join(mint("file-key", "file-secret", "cfg2"), "cfg2").await;
    assert_code(r, 200, "the file's app is overridden by CONVENE_APPS");
    // Same topic, other app: another session. The file's capacity applies to each.
    let (_c, r) = join(mint("env-key", "env-secret-0123456789abcdef", "cfg"), "cfg").await;
    assert_ok(r, "sessions of different apps never meet");
    let (_d, r) = join(mint("other", "other-secret-0123456789abcdef", "cfg"), "cfg").await;
    assert_code(r, 4005, "max_users_per_session from the file");
    std::fs::remove_dir_all(&dir).ok();
}
