//! `convene join`: a headless participant driven by JSON lines (SPEC §11).
//!
//! - stdout, one JSON object per line, flushed after each:
//!   - `{"event":"joined","payload":{...}}` once joined: `getSessionInfo()` and
//!     `getCurrentUserInfo()` merged into one object;
//!   - every session event as `{"event": NAME, "payload": P}` (SPEC §6 names and payloads);
//!   - one reply per command: `{"id":N,"ok":true,"result":R}` or
//!     `{"id":N,"ok":false,"error":{"type","reason","errorCode"}}`.
//! - stdin, one JSON object per line: `{"id":N,"cmd":METHOD,"args":{...}}`. `getAllUser`,
//!   `getUser {userId}`, `getCurrentUserInfo`, `getSessionInfo`, `getSessionHost`, `isHost`,
//!   `isManager`, `isOriginalHost`, `chat.getPrivilege`, `getSharePrivilege`, `isShareLocked`
//!   and the subsession getters (`subsession.getSubsessionList`,
//!   `subsession.getSubsessionStatus`, `subsession.getSubsessionOptions`,
//!   `subsession.getCurrentSubsession`, `subsession.getUserStatus`) are answered from the
//!   client's local state; `leave` (`{"end":true}` ends the session) leaves and exits; every
//!   other METHOD is a wire method of the protocol (`makeHost`, `chat.send`, `command.send`,
//!   `recording.startCloudRecording`, `subsession.joinSubsession`, ...), sent as is with
//!   `args` as its params. Commands run one at a time, in order; events keep flowing meanwhile.
//!   A malformed line, an unknown METHOD or bad args get an error reply (4003); the bot goes on.
//!
//! Exit status: 0 after `leave` or EOF on stdin (which leaves), and when the session ends for
//! us (`connection-change` `Closed`: removed, ended by host, idle timeout); 1 when the
//! connection is lost for good (`connection-change` `Fail` after failover gave up); 2 when the
//! join fails, after printing `{"ok":false,"error":{...}}`.

use anyhow::Context;
use convene::bot_command::{parse_line, Command, Getter, LineError, MediaCall};
use convene_client::protocol::{
    ClientMsg, ConnectionState, ErrorBody, ErrorCode, Event, JoinParams, Participant, Reply, UserId,
};
use convene_client::{Client, ClientError, MediaOptions, MediaStream};
use serde_json::{json, Map, Value};
use std::io::{BufRead, Write};
use tokio::sync::mpsc;

/// Arguments of `convene join`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct JoinArgs {
    /// Server address, e.g. `http://127.0.0.1:8080` (or `ws://HOST:PORT/rtc/v1`).
    #[arg(long)]
    pub(crate) url: String,
    /// Session topic (must equal the token's `tpc`, ignoring case).
    #[arg(long)]
    pub(crate) topic: String,
    /// Video SDK JWT (see `convene token`).
    #[arg(long)]
    pub(crate) token: String,
    /// Display name.
    #[arg(long)]
    pub(crate) name: String,
    /// Session passcode.
    #[arg(long)]
    pub(crate) passcode: Option<String>,
    /// Idle timeout in minutes, used when this user is the host (default 40). A number that
    /// is not a positive whole one fails the join with 5013, as in the SDKs.
    #[arg(long, allow_negative_numbers = true)]
    pub(crate) idle_timeout_mins: Option<f64>,
    /// Publish audio: an Ogg Opus file (looped), or `synthetic`.
    #[arg(long, value_name = "FILE")]
    pub(crate) publish_audio: Option<String>,
    /// Publish camera video: an IVF (VP8) file (looped), or `synthetic`.
    #[arg(long, value_name = "FILE")]
    pub(crate) publish_video: Option<String>,
    /// Receive USERID's camera at QUALITY (0 90p … 4 1080p, default 2). Repeatable; a user
    /// not yet present is attached when they join.
    #[arg(long = "attach", value_name = "USERID[:QUALITY]", value_parser = parse_attach)]
    pub(crate) attach: Vec<(u32, u8)>,
    /// Print `{"event":"media-stats","payload":[...]}` every N milliseconds.
    #[arg(long, value_name = "N")]
    pub(crate) stats_interval_ms: Option<u64>,
    /// RFC 6464 audio level to send, 0 (loudest) to 127 (silent) [default: 30].
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
    pub(crate) audio_level: Option<u8>,
}

fn parse_attach(s: &str) -> Result<(u32, u8), String> {
    let (u, q) = s.split_once(':').unwrap_or((s, "2"));
    let u = u
        .parse::<u32>()
        .map_err(|_| format!("bad user id in {s:?}"))?;
    let q = q
        .parse::<u8>()
        .ok()
        .filter(|q| *q <= 4)
        .ok_or_else(|| format!("bad quality in {s:?}: use 0-4"))?;
    Ok((u, q))
}

/// Loads what `--publish-*` names: `synthetic` (or nothing) means generated media.
fn media_options(args: &JoinArgs) -> anyhow::Result<MediaOptions> {
    let mut o = MediaOptions::default();
    if let Some(f) = args.publish_video.as_deref().filter(|f| *f != "synthetic") {
        let bytes = std::fs::read(f).with_context(|| format!("reading {f}"))?;
        let (_, frames) =
            convene_media::read_ivf(&bytes).with_context(|| format!("{f} is not IVF"))?;
        o.video_frames = Some(frames.into_iter().map(|fr| fr.data).collect());
        // An encoded file has one resolution: publish it as one layer.
        o.simulcast = false;
    }
    if let Some(f) = args.publish_audio.as_deref().filter(|f| *f != "synthetic") {
        let bytes = std::fs::read(f).with_context(|| format!("reading {f}"))?;
        o.audio_frames = Some(
            convene_media::read_ogg_opus(&bytes).with_context(|| format!("{f} is not Ogg Opus"))?,
        );
    }
    if let Some(l) = args.audio_level {
        o.audio_level = -(l as i8);
    }
    Ok(o)
}

/// Exit status after `leave`, EOF, or the session ending for us.
const EXIT_OK: i32 = 0;
/// Exit status when the connection is lost for good, or the client stops unexpectedly.
const EXIT_LOST: i32 = 1;
/// Exit status when the join fails.
const EXIT_JOIN_FAILED: i32 = 2;

/// Runs the bot until it leaves or its session ends; returns the process exit status.
pub(crate) async fn run(args: JoinArgs) -> anyhow::Result<i32> {
    let client = Client::new();
    let mut events = client.events();

    // The wire's join parameters as given (the idle timeout a plain number): the SDK checks
    // them as it checks an app's.
    let params = JoinParams {
        topic: args.topic.clone(),
        token: args.token.clone(),
        user_name: args.name.clone(),
        passcode: args.passcode.clone(),
        idle_timeout_mins: args.idle_timeout_mins,
    };
    let joined = async {
        client.init(&args.url).await?;
        client.request(ClientMsg::Join(params)).await
    }
    .await;
    let info = match joined {
        Ok(info) => info,
        Err(e) => {
            print_line(&JoinFailed {
                ok: false,
                error: e.to_error_body(),
            });
            client.destroy().await.ok();
            return Ok(EXIT_JOIN_FAILED);
        }
    };
    let mut payload = to_object(&info);
    if let Some(me) = client.get_current_user_info() {
        payload.extend(to_object(&me.full()));
    }
    print_line(&json!({"event": "joined", "payload": payload}));

    // Media from the command line: publish, attach, report.
    let stream = client.get_media_stream().ok();
    let mut pending_attach: Vec<(u32, u8)> = Vec::new();
    if let Some(stream) = &stream {
        stream.set_options(media_options(&args)?).await;
        if args.publish_audio.is_some() {
            if let Err(e) = stream.start_audio(false).await {
                print_line(&json!({"event": "media-error", "payload": e.to_error_body()}));
            }
        }
        if args.publish_video.is_some() {
            if let Err(e) = stream.start_video().await {
                print_line(&json!({"event": "media-error", "payload": e.to_error_body()}));
            }
        }
        for (u, q) in args.attach.iter().copied() {
            if client.get_user(UserId(u)).is_some() {
                attach_or_report(stream, u, q).await;
            } else {
                pending_attach.push((u, q));
            }
        }
    }
    let mut stats_tick = tokio::time::interval(std::time::Duration::from_millis(
        args.stats_interval_ms.unwrap_or(3_600_000).max(10),
    ));
    stats_tick.tick().await;

    // Commands: stdin lines are read on a plain thread (a blocked read there never holds up
    // the runtime's shutdown) and handled one by one, in order, by a worker task.
    let (line_tx, line_rx) = mpsc::unbounded_channel::<String>();
    std::thread::Builder::new()
        .name("convene-join-stdin".into())
        .spawn(move || {
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                if line_tx.send(line).is_err() {
                    break;
                }
            }
            // Dropping `line_tx` tells the worker stdin is at EOF.
        })?;
    let (exit_tx, mut exit_rx) = mpsc::unbounded_channel::<i32>();
    let worker = tokio::spawn(command_worker(client.clone(), line_rx, exit_tx));

    let code = loop {
        tokio::select! {
            _ = stats_tick.tick(), if args.stats_interval_ms.is_some() => {
                if let Some(stream) = &stream {
                    if let Ok(stats) = stream.stats().await {
                        print_line(&json!({"event": "media-stats", "payload": stats}));
                    }
                }
            }
            ev = events.recv() => match ev {
                Some(ev) => {
                    print_line(&ev);
                    if let (Some(stream), Some(Event::UserAdded(users))) = (&stream, ev.as_session()) {
                        for p in users {
                            if let Some(i) = pending_attach.iter().position(|(u, _)| *u == p.user_id.0) {
                                let (u, q) = pending_attach.remove(i);
                                attach_or_report(stream, u, q).await;
                            }
                        }
                    }
                    match ev.connection_change() {
                        Some((ConnectionState::Closed, _)) => break EXIT_OK,
                        Some((ConnectionState::Fail, _)) => break EXIT_LOST,
                        _ => {}
                    }
                }
                None => break EXIT_LOST,
            },
            Some(code) = exit_rx.recv() => break code,
        }
    };
    worker.abort();
    client.destroy().await.ok();
    Ok(code)
}

async fn attach_or_report(stream: &MediaStream, user: u32, quality: u8) {
    if let Err(e) = stream.attach_video(UserId(user), quality).await {
        print_line(&json!({"event": "media-error", "payload": e.to_error_body()}));
    }
}

/// Handles stdin lines in order; on EOF, leaves. Sends the exit status once done.
async fn command_worker(
    client: Client,
    mut lines: mpsc::UnboundedReceiver<String>,
    exit: mpsc::UnboundedSender<i32>,
) {
    while let Some(line) = lines.recv().await {
        if line.trim().is_empty() {
            continue;
        }
        let (reply, left) = handle_line(&client, &line).await;
        print_line(&reply);
        if left {
            let _ = exit.send(EXIT_OK);
            return;
        }
    }
    // EOF on stdin leaves.
    let _ = client.leave(false).await;
    let _ = exit.send(EXIT_OK);
}

/// What a failed join prints: `{"ok": false, "error": {...}}`.
#[derive(serde::Serialize)]
struct JoinFailed {
    ok: bool,
    error: ErrorBody,
}

/// One command line → its reply (the wire's `Reply` shape), and whether we left.
async fn handle_line(client: &Client, line: &str) -> (Reply, bool) {
    let line = match parse_line(line) {
        Ok(l) => l,
        Err((id, LineError::Malformed(why))) => return (bad_request(id, why), false),
        Err((id, LineError::Unsupported(why))) => {
            return (
                Reply::err(id, ClientError::Unsupported(why).to_error_body()),
                false,
            )
        }
    };
    let left = line.is_leave();
    match execute(client, line.command).await {
        Ok(result) => (Reply::ok(line.id, result), left),
        Err(e) => (Reply::err(line.id, e.to_error_body()), false),
    }
}

/// Runs one command: local getters from the client's state, the rest on the wire.
async fn execute(client: &Client, command: Command) -> Result<Value, ClientError> {
    match command {
        Command::Local(g) => Ok(match g {
            Getter::AllUser => to_json(
                &client
                    .get_all_user()
                    .iter()
                    .map(Participant::full)
                    .collect::<Vec<_>>(),
            ),
            Getter::User(id) => to_json(&client.get_user(id).as_ref().map(Participant::full)),
            Getter::CurrentUserInfo => to_json(
                &client
                    .get_current_user_info()
                    .as_ref()
                    .map(Participant::full),
            ),
            Getter::SessionInfo => to_json(&client.get_session_info()),
            Getter::SessionHost => {
                to_json(&client.get_session_host().as_ref().map(Participant::full))
            }
            Getter::IsHost => Value::Bool(client.is_host()),
            Getter::IsManager => Value::Bool(client.is_manager()),
            Getter::IsOriginalHost => Value::Bool(client.is_original_host()),
            Getter::ChatPrivilege => to_json(&client.get_chat_privilege()),
            Getter::SharePrivilege => to_json(&client.get_share_privilege()),
            Getter::IsShareLocked => Value::Bool(client.is_share_locked()),
            Getter::SubsessionList => to_json(&client.get_subsession_list()),
            Getter::SubsessionStatus => to_json(&client.get_subsession_status()),
            Getter::SubsessionOptions => to_json(&client.get_subsession_options()),
            Getter::CurrentSubsession => to_json(&client.get_current_subsession()),
            Getter::SubsessionUserStatus => to_json(&client.get_user_status()),
        }),
        // Media calls go through the media stream, which negotiates the peer connection.
        Command::Media(call) => {
            let stream = client.get_media_stream()?;
            match call.map_err(ClientError::Unsupported)? {
                MediaCall::StartAudio { mute } => stream.start_audio(mute).await?,
                MediaCall::StartVideo => stream.start_video().await?,
                MediaCall::StartShareScreen => stream.start_share_screen().await?,
                MediaCall::AttachVideo { user, quality } => {
                    stream.attach_video(user, quality).await?
                }
                MediaCall::DetachVideo { user } => stream.detach_video(user).await?,
                MediaCall::GetMediaStats => return Ok(to_json(&stream.stats().await?)),
            }
            Ok(Value::Null)
        }
        Command::Wire(msg) => client.request(msg).await,
    }
}

/// A 4003 reply for a line we could not use.
fn bad_request(id: u64, reason: String) -> Reply {
    Reply::err(id, ErrorBody::new(ErrorCode::InvalidParameter, reason))
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn to_object<T: serde::Serialize>(v: &T) -> Map<String, Value> {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// Writes one line and flushes. A closed stdout is ignored: the bot keeps its session until
/// stdin ends or the session does.
fn print_line<T: serde::Serialize + ?Sized>(v: &T) {
    let Ok(text) = serde_json::to_string(v) else {
        return;
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}
