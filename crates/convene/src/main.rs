//! `convene`: the one binary. `serve` (default), `token`, `join`, `load`, `probe`, and
//! `egress` (the cloud recording worker the server starts).
//!
//! Thin glue: flags are parsed here, the work is done by the library crates.

mod bot;
mod egress;
mod probe;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Convene: an open-source Video SDK server, token minter and headless participant.
#[derive(Parser, Debug)]
#[command(name = "convene", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the server (signaling, SFU, demo app). The default command.
    Serve(Box<ServeArgs>),
    /// Print one Video SDK JWT.
    Token(TokenArgs),
    /// Join a session as a headless participant (JSON lines on stdin/stdout).
    Join(bot::JoinArgs),
    /// Load generator: N synthetic users against a server; prints one JSON report.
    Load(LoadArgs),
    /// Network test before joining: RTT, jitter, loss and rates over the media port; prints
    /// one JSON line. Needs no token.
    Probe(probe::ProbeArgs),
    /// The cloud recording worker of one session: started and supervised by the server
    /// (docs/egress.md), not run by hand.
    Egress(egress::EgressArgs),
}

#[derive(Args, Debug)]
struct LoadArgs {
    /// join-storm, big-session, many-sessions or forward [default: join-storm, or forward
    /// when --publishers is given]. See docs/load.md.
    #[arg(long)]
    scenario: Option<convene_loadtest::Scenario>,
    /// Server address, e.g. `http://127.0.0.1:8080` (not with --spawn).
    #[arg(long, required_unless_present = "spawn")]
    url: Option<String>,
    /// SDK key of an app the server knows (tokens are minted locally).
    #[arg(long, required_unless_present = "spawn")]
    key: Option<String>,
    /// SDK secret of that app.
    #[arg(long, required_unless_present = "spawn")]
    secret: Option<String>,
    /// Session topic (the prefix of topic-0, topic-1... with several sessions).
    #[arg(long, default_value = "load")]
    topic: String,
    /// Users of join-storm [default: 100] and big-session [default: 5000]; without
    /// --scenario and with --publishers, all users of the one forward session.
    #[arg(long)]
    users: Option<usize>,
    /// Joins (and media negotiations) at once.
    #[arg(long, default_value_t = 10)]
    concurrency: usize,
    /// Publishers per forward session [default: 4].
    #[arg(long)]
    publishers: Option<usize>,
    /// Subscribers per forward session [default: 20].
    #[arg(long)]
    subscribers: Option<usize>,
    /// Sessions of forward [default: 1] and many-sessions [default: 10000].
    #[arg(long)]
    sessions: Option<usize>,
    /// Publishers' cameras each forward subscriber attaches [default: all of its session].
    #[arg(long)]
    attach: Option<usize>,
    /// Users of big-session that listen to the speaker [default: all but the speaker].
    #[arg(long)]
    listeners: Option<usize>,
    /// Seconds of the measured forward window; how long big-session's speaker may take to
    /// be heard by all.
    #[arg(long, default_value_t = 5)]
    duration_secs: u64,
    /// The server's process id: the report adds its CPU seconds and peak RSS (/proc).
    #[arg(long, conflicts_with = "spawn")]
    server_pid: Option<u32>,
    /// Start `convene serve` from this executable on a free loopback port with a generated
    /// app (--media-port 0), measure it, and stop it afterwards.
    #[arg(long, conflicts_with_all = ["url", "key", "secret"])]
    spawn: bool,
    /// Run this part of the load, e.g. 0/2 and 1/2 in two processes (see docs/load.md).
    #[arg(long, default_value = "0/1")]
    shard: convene_loadtest::Shard,
    /// No progress line on stderr.
    #[arg(long)]
    quiet: bool,
}

#[derive(Args, Debug, Default)]
struct ServeArgs {
    /// Address for HTTP and WebSocket signaling [default: 127.0.0.1:8080].
    #[arg(long, env = "CONVENE_BIND")]
    bind: Option<SocketAddr>,
    /// An app as KEY:SECRET; repeatable. Also CONVENE_APPS="k1:s1,k2:s2".
    #[arg(long = "app", value_name = "KEY:SECRET")]
    apps: Vec<String>,
    /// Where cloud recordings go, one folder per session [default: ./recordings].
    #[arg(long, env = "CONVENE_RECORDINGS_DIR", value_name = "DIR")]
    recordings_dir: Option<std::path::PathBuf>,
    /// Also record each track as a file of its own, untranscoded: every user's audio as Ogg
    /// Opus, each camera and share as WebM VP8 (listed with the recording).
    #[arg(long, env = "CONVENE_RECORDING_RAW_TRACKS")]
    recording_raw_tracks: bool,
    /// Most users in one session [default: 5000].
    #[arg(long)]
    max_users_per_session: Option<usize>,
    /// UDP port for media [default: 7882].
    #[arg(long)]
    media_port: Option<u16>,
    /// IP the media socket binds and offers to clients [default: the bind IP].
    #[arg(long)]
    media_ip: Option<std::net::IpAddr>,
    /// A STUN/TURN server URL handed to clients (repeatable; also `--turn-url`; static TURN
    /// credentials go in the config file's `[[ice_servers]]`, or `--turn-secret` mints them).
    #[arg(long = "ice-server", visible_alias = "turn-url", value_name = "URL")]
    ice_servers: Vec<String>,
    /// An http:// URL that gets every app's session events as signed webhooks (repeatable;
    /// per-app URLs and webhook secrets go in the config file's `[[apps]]`).
    #[arg(long = "webhook-url", value_name = "URL")]
    webhook_urls: Vec<String>,
    /// The TURN server's shared secret (coturn's `static-auth-secret`): the `turn:`/`turns:`
    /// URLs of `--ice-server` get short-lived credentials minted per client. Prefer the
    /// environment or `--turn-secret-file`, which stay out of `ps`.
    #[arg(
        long,
        env = "CONVENE_TURN_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    turn_secret: Option<String>,
    /// A file whose first line is the TURN shared secret (see `--turn-secret`).
    #[arg(
        long,
        env = "CONVENE_TURN_SECRET_FILE",
        value_name = "PATH",
        conflicts_with = "turn_secret"
    )]
    turn_secret_file: Option<String>,
    /// Seconds each minted TURN credential is valid; clients get theirs at `init`, so this
    /// should outlast the longest session [default: 86400].
    #[arg(long)]
    turn_ttl_secs: Option<u64>,
    /// A TOML config file (flags and environment win over it).
    #[arg(long)]
    config: Option<String>,
    /// Failover window in seconds [default: 120]. For tests and operations.
    #[arg(long, hide = true)]
    failover_window_secs: Option<u64>,
    /// Length of one idle-timeout minute in milliseconds [default: 60000]. For tests.
    #[arg(long, hide = true)]
    idle_minute_ms: Option<u64>,
    /// A file of KEY:SECRET lines, one app each (keeps secrets off the command line).
    #[arg(long, env = "CONVENE_APP_FILE", value_name = "PATH")]
    app_file: Option<String>,
    /// An origin allowed to read /api/v1/client-config from a browser, e.g.
    /// `https://app.example.com`, or `*` (repeatable) [default: same origin only].
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allowed_origins: Vec<String>,
    /// Open connections at most; more get HTTP 503 [default: from the fd limit].
    #[arg(long)]
    max_connections: Option<usize>,
    /// Open connections from one IP address at most; more get HTTP 429 [default: no cap].
    #[arg(long)]
    max_connections_per_ip: Option<usize>,
    /// Seconds a request's headers may take [default: 10].
    #[arg(long)]
    header_read_timeout_secs: Option<u64>,
    /// Seconds a WebSocket may stay in no session before it is closed [default: 10].
    #[arg(long)]
    join_timeout_secs: Option<u64>,
    /// Seconds between the server's pings [default: 15].
    #[arg(long)]
    ping_interval_secs: Option<u64>,
    /// Seconds of silence (not even a pong) after which a connection is dropped and its user
    /// fails over [default: 30].
    #[arg(long)]
    dead_peer_timeout_secs: Option<u64>,
    /// Seconds clients get to take their goodbye on SIGTERM/SIGINT [default: 5].
    #[arg(long)]
    shutdown_grace_secs: Option<u64>,
    /// Share sessions with other nodes through this Redis, e.g. `redis://127.0.0.1:6379/`
    /// (see docs/scale-out.md) [default: this node alone].
    #[arg(long, env = "CONVENE_REDIS", value_name = "URL")]
    redis: Option<String>,
    /// This node's name in the cluster [default: a random one].
    #[arg(long, env = "CONVENE_NODE_ID", requires = "redis")]
    node_id: Option<String>,
    /// How clients and other nodes reach this node, e.g. `http://10.0.0.5:8080`
    /// [default: http:// and the bound address].
    #[arg(long, env = "CONVENE_PUBLIC_URL", requires = "redis")]
    public_url: Option<String>,
    /// Cascading: once this node's SFU holds N peers, the media of new users of sessions
    /// owned here goes to the SFU of another node, which relays tracks with this one
    /// (see docs/scale-out.md) [default: 0, never].
    #[arg(
        long,
        env = "CONVENE_CASCADE_ABOVE",
        value_name = "N",
        requires = "redis"
    )]
    cascade_above: Option<usize>,
}

#[derive(Args, Debug)]
struct TokenArgs {
    /// SDK key (`app_key`).
    #[arg(long)]
    key: String,
    /// SDK secret.
    #[arg(long)]
    secret: String,
    /// Session topic (`tpc`).
    #[arg(long)]
    topic: String,
    /// 1 host/manager, 0 participant.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=1))]
    role: u8,
    /// Lifetime: seconds, or with a unit (`90m`, `2h`) [default: 2h].
    #[arg(long, default_value = "2h", value_parser = parse_ttl)]
    ttl: u64,
    /// `user_identity` claim.
    #[arg(long)]
    user_identity: Option<String>,
    /// `session_key` claim.
    #[arg(long)]
    session_key: Option<String>,
}

fn parse_ttl(s: &str) -> Result<u64, String> {
    let (num, mult) = match s.as_bytes().last() {
        Some(b's') => (&s[..s.len() - 1], 1),
        Some(b'm') => (&s[..s.len() - 1], 60),
        Some(b'h') => (&s[..s.len() - 1], 3600),
        Some(b'd') => (&s[..s.len() - 1], 86400),
        _ => (s, 1),
    };
    num.parse::<u64>()
        .map(|n| n * mult)
        .map_err(|_| format!("bad ttl {s:?}: use seconds or 90m / 2h"))
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve(Box::default()));
    if let Command::Token(t) = command {
        return token(t);
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let rt = tokio::runtime::Runtime::new().context("starting the runtime")?;
    match command {
        Command::Serve(a) => {
            let r = rt.block_on(serve(*a));
            // Whatever a task still holds (a blocking read, a stuck peer) must not hold the exit.
            rt.shutdown_timeout(Duration::from_millis(500));
            r
        }
        Command::Probe(a) => rt.block_on(probe::run(a)),
        Command::Egress(a) => {
            let code = rt.block_on(egress::run(a))?;
            std::process::exit(code);
        }
        Command::Join(a) => {
            let code = rt.block_on(bot::run(a))?;
            std::process::exit(code);
        }
        Command::Load(a) => {
            use convene_loadtest::{LoadOptions, Scenario, SpawnedServer};
            let scenario = a.scenario.unwrap_or(if a.publishers.unwrap_or(0) > 0 {
                Scenario::Forward
            } else {
                Scenario::JoinStorm
            });
            let users = a.users.unwrap_or(match scenario {
                Scenario::BigSession => 5000,
                _ => 100,
            });
            let spawned = if a.spawn {
                let exe = std::env::current_exe().context("finding this executable")?;
                Some(SpawnedServer::start(&exe, users).context("starting the server")?)
            } else {
                None
            };
            let (url, key, secret, server_pid) = match &spawned {
                Some(s) => (
                    s.url.clone(),
                    s.key.clone(),
                    s.secret.clone(),
                    Some(s.pid()),
                ),
                // clap requires all three without --spawn.
                None => (
                    a.url.unwrap_or_default(),
                    a.key.unwrap_or_default(),
                    a.secret.unwrap_or_default(),
                    a.server_pid,
                ),
            };
            let mut o = LoadOptions::new(url, key, secret, scenario);
            o.topic = a.topic;
            o.users = users;
            o.concurrency = a.concurrency;
            o.publishers = a.publishers.unwrap_or(4);
            o.subscribers = a.subscribers.unwrap_or(20);
            o.sessions = a.sessions.unwrap_or(match scenario {
                Scenario::ManySessions => 10_000,
                _ => 1,
            });
            o.attach = a.attach;
            o.listeners = a.listeners;
            if a.scenario.is_none() && scenario == Scenario::Forward {
                // Earlier form: --users U --publishers P is one session of U users.
                o.subscribers = a.subscribers.unwrap_or(users.saturating_sub(o.publishers));
            }
            o.duration = Duration::from_secs(a.duration_secs);
            o.server_pid = server_pid;
            o.shard = a.shard;
            o.progress = !a.quiet;
            let report = rt.block_on(convene_loadtest::run(o));
            drop(spawned);
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }
        Command::Token(_) => unreachable!("handled above"),
    }
}

fn token(t: TokenArgs) -> anyhow::Result<()> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let role = if t.role == 1 {
        convene_auth::Role::Host
    } else {
        convene_auth::Role::Participant
    };
    let mut opts = convene_auth::MintOptions::new(t.key, t.secret, t.topic, role, now);
    opts.ttl_secs = t.ttl;
    opts.user_identity = t.user_identity;
    opts.session_key = t.session_key;
    println!("{}", convene_auth::mint(&opts));
    Ok(())
}

/// The bound of a shutdown, from the signal to the exit: the clients' grace, then the rest.
const SHUTDOWN_BOUND: Duration = Duration::from_secs(9);

async fn serve(a: ServeArgs) -> anyhow::Result<()> {
    // Each connection needs a descriptor; the soft default (often 1,024) is far too few.
    match convene_server::raise_fd_limit() {
        Ok(n) => tracing::info!("open file limit: {n}"),
        Err(e) => tracing::warn!("cannot raise the open file limit: {e}"),
    }
    let mut config = convene_server::Config::default();
    if let Some(path) = &a.config {
        convene_server::FileConfig::load(path)?.apply(&mut config)?;
    }
    if let Some(b) = a.bind {
        config.bind = b;
    }
    let mut apps = Vec::new();
    if let Ok(env) = std::env::var("CONVENE_APPS") {
        for s in env.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            apps.push(convene_server::parse_app(s)?);
        }
    }
    if let Some(path) = &a.app_file {
        apps.extend(convene_server::load_app_file(path)?);
    }
    for s in &a.apps {
        apps.push(convene_server::parse_app(s)?);
    }
    if !apps.is_empty() {
        config.apps = apps;
    }
    if let Some(n) = a.max_users_per_session {
        config.session.max_users_per_session = n;
    }
    if let Some(p) = a.media_port {
        config.media_port = p;
    }
    config.add_ice_urls(
        a.ice_servers,
        a.turn_secret,
        a.turn_secret_file.as_deref(),
        a.turn_ttl_secs,
    )?;
    for u in &a.webhook_urls {
        config
            .webhooks
            .urls
            .push(convene_server::WebhookUrl::parse(u)?);
    }
    if let Some(ip) = a.media_ip {
        config.media_ip = Some(ip);
    }
    if let Some(dir) = a.recordings_dir {
        config.egress.recordings_dir = dir;
    }
    config.egress.raw_tracks = a.recording_raw_tracks;
    if let Some(s) = a.failover_window_secs {
        config.session.failover_window = Duration::from_secs(s);
    }
    if let Some(ms) = a.idle_minute_ms {
        config.session.idle_minute = Duration::from_millis(ms);
    }
    if !a.allowed_origins.is_empty() {
        config.allowed_origins = a.allowed_origins;
    }
    let edge = &mut config.edge;
    if a.max_connections.is_some() {
        edge.max_connections = a.max_connections;
    }
    if a.max_connections_per_ip.is_some() {
        edge.max_connections_per_ip = a.max_connections_per_ip;
    }
    let secs = Duration::from_secs;
    for (field, flag) in [
        (&mut edge.header_read_timeout, a.header_read_timeout_secs),
        (&mut edge.join_timeout, a.join_timeout_secs),
        (&mut edge.ping_interval, a.ping_interval_secs),
        (&mut edge.dead_peer_timeout, a.dead_peer_timeout_secs),
        (&mut edge.shutdown_grace, a.shutdown_grace_secs),
    ] {
        if let Some(s) = flag {
            *field = secs(s);
        }
    }
    config.set_cluster(a.redis, a.node_id, a.public_url);
    config.set_cascade_above(a.cascade_above);
    if let Some(app) = config.ensure_dev_app() {
        println!("No app configured: made a dev app for this run.");
        println!("  SDK key:    {}", app.key);
        println!("  SDK secret: {}", app.secret);
        if config.bind.ip().is_loopback() {
            println!("  Dev tokens: POST /api/dev/token {{\"topic\":\"demo\",\"role\":1}}");
        }
    }
    let server = convene_server::spawn(config)
        .await
        .context("binding the server address")?;
    println!(
        "Convene listening on {} (media on udp {})",
        server.url(),
        server.media_addr()
    );
    stop_signal().await?;
    println!("shutting down");
    if tokio::time::timeout(SHUTDOWN_BOUND, server.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("shutdown took longer than {SHUTDOWN_BOUND:?}; exiting anyway");
    }
    Ok(())
}

/// Resolves on SIGTERM (what service managers and containers send) or SIGINT (Ctrl-C).
async fn stop_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.context("listening for SIGINT")?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c()
        .await
        .context("listening for Ctrl-C")?;
    Ok(())
}
