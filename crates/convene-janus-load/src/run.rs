//! One run: rooms, publishers, subscribers, warm-up, the measured window, teardown.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use convene_loadtest::procfs;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::http::Endpoint;
use crate::janus;
use crate::measure::{Recorder, Report, Window};
use crate::publisher::Publisher;
use crate::signal::Session;
use crate::subscriber::Subscriber;

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Janus's HTTP API, e.g. `http://127.0.0.1:8088/janus`.
    pub url: String,
    /// Publishers per room.
    pub publishers: usize,
    /// Subscribers per room.
    pub subscribers: usize,
    /// Rooms.
    pub sessions: usize,
    /// Length of the measured window.
    pub duration: Duration,
    /// Simulcast layer subscribers receive (0 = lowest).
    pub substream: u8,
    /// Janus's pid, to measure its CPU and memory over the window.
    pub server_pid: Option<u32>,
    /// How long to wait for every subscriber to receive every stream.
    pub ready_timeout: Duration,
}

/// Progress on stderr (stdout carries only the report).
fn say(msg: &str) {
    eprintln!("janus-load: {msg}");
}

/// Runs the load and reports. Every session and room is destroyed before it returns.
pub async fn run(o: Options) -> Result<Report> {
    let endpoint = Endpoint::parse(&o.url)?;
    let control = Session::open(&endpoint)
        .await
        .context("is Janus running (HTTP transport)?")?;
    // Room ids unique per run, so a leftover room from an earlier run never collides.
    let base = 1_000_000 + u64::from(std::process::id()) * 1_000;
    let rooms: Vec<u64> = (0..o.sessions as u64).map(|k| base + k).collect();
    for room in &rooms {
        control
            .request(janus::create_room(*room, o.publishers), None)
            .await?;
    }
    let (stop, _) = watch::channel(false);
    let mut clients = vec![control.clone()];
    let result = drive(&o, &endpoint, &rooms, &stop, &mut clients).await;
    let _ = stop.send(true);
    for c in &clients[1..] {
        let _ = c.close().await;
    }
    for room in &rooms {
        let _ = control.request(janus::destroy_room(*room), None).await;
    }
    let _ = control.close().await;
    result
}

async fn drive(
    o: &Options,
    endpoint: &Endpoint,
    rooms: &[u64],
    stop: &watch::Sender<bool>,
    clients: &mut Vec<Session>,
) -> Result<Report> {
    let connected = Arc::new(AtomicUsize::new(0));
    let mut feeds: Vec<Vec<u64>> = Vec::new();
    for room in rooms {
        let mut room_feeds = Vec::new();
        for p in 0..o.publishers {
            let s = Session::open(endpoint).await?;
            clients.push(s.clone());
            let joined = s
                .request(janus::join_publisher(*room, &format!("pub-{p}")), None)
                .await?;
            let feed = joined
                .plugin_u64("id")
                .ok_or_else(|| anyhow!("join: no feed id"))?;
            let (mut publisher, offer) = Publisher::offer().await?;
            let answer = s
                .request(janus::publish(), Some(janus::jsep("offer", &offer)))
                .await?;
            publisher.accept_answer(answer.sdp.as_deref().ok_or_else(|| anyhow!("no answer"))?)?;
            tokio::spawn(publisher.run(connected.clone(), stop.subscribe()));
            room_feeds.push(feed);
        }
        feeds.push(room_feeds);
    }
    let all_publishers = rooms.len() * o.publishers;
    wait_for(&connected, all_publishers, o.ready_timeout).await;
    say(&format!(
        "{}/{all_publishers} publishers connected",
        connected.load(Ordering::Relaxed)
    ));

    let window: Window = Arc::new(OnceLock::new());
    let ready = Arc::new(AtomicUsize::new(0));
    let mut tasks: Vec<JoinHandle<Recorder>> = Vec::new();
    for (room, room_feeds) in rooms.iter().zip(&feeds) {
        for _ in 0..o.subscribers {
            let s = Session::open(endpoint).await?;
            clients.push(s.clone());
            let attached = s
                .request(janus::join_subscriber(*room, room_feeds), None)
                .await?;
            let offer = attached.sdp.as_deref().ok_or_else(|| anyhow!("no offer"))?;
            let video_mids = attached.video_mids();
            let (subscriber, answer) =
                Subscriber::answer(offer, room_feeds.len(), &video_mids).await?;
            tasks.push(tokio::spawn(subscriber.run(
                window.clone(),
                ready.clone(),
                stop.subscribe(),
            )));
            s.request(janus::start(), Some(janus::jsep("answer", &answer)))
                .await?;
            s.request(janus::configure_substream(&video_mids, o.substream), None)
                .await?;
        }
    }
    let all_subscribers = rooms.len() * o.subscribers;
    let keepalive = tokio::spawn(keep_alive(clients.clone()));
    wait_for(&ready, all_subscribers, o.ready_timeout).await;
    let subscribers_ready = ready.load(Ordering::Relaxed);
    say(&format!(
        "{subscribers_ready}/{all_subscribers} subscribers receive every stream"
    ));
    if subscribers_ready == 0 && all_subscribers > 0 {
        keepalive.abort();
        bail!("no subscriber received media");
    }
    // Let the last keyframes and layer switches settle before measuring.
    tokio::time::sleep(Duration::from_secs(1)).await;

    let pid = o.server_pid;
    let cpu_before = pid.map(|p| procfs::cpu_secs(Some(p))).transpose()?;
    let load_before = procfs::cpu_secs(None)?;
    let from = Instant::now();
    let _ = window.set((from, from + o.duration));
    say(&format!("measuring {:.0} s", o.duration.as_secs_f64()));
    tokio::time::sleep(o.duration).await;
    let window_secs = from.elapsed().as_secs_f64().min(o.duration.as_secs_f64());
    let cpu_after = pid.map(|p| procfs::cpu_secs(Some(p))).transpose()?;
    let load_after = procfs::cpu_secs(None)?;
    let peak_rss = pid.and_then(|p| procfs::peak_rss_kib(Some(p)).ok());
    keepalive.abort();

    let mut report = Report {
        server: "janus".into(),
        publishers: o.publishers,
        subscribers: o.subscribers,
        sessions: o.sessions,
        substream: o.substream,
        subscribers_ready,
        load_cpu_secs: load_after - load_before,
        ..Report::default()
    };
    // The window is over: stopped subscribers hand back their records.
    let _ = stop.send(true);
    let mut records = Vec::with_capacity(tasks.len());
    for t in tasks {
        records.extend(t.await.ok());
    }
    report.add_records(records, window_secs);
    if let (Some(b), Some(a)) = (cpu_before, cpu_after) {
        report.add_server_cpu(a - b, peak_rss);
    }
    Ok(report)
}

/// Waits until `counter` reaches `want`, at most `timeout`.
async fn wait_for(counter: &AtomicUsize, want: usize, timeout: Duration) {
    let until = Instant::now() + timeout;
    while counter.load(Ordering::Relaxed) < want && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Janus ends a session after `session_timeout` without a request: send keepalives.
async fn keep_alive(sessions: Vec<Session>) {
    loop {
        tokio::time::sleep(Duration::from_secs(20)).await;
        for s in &sessions {
            let _ = s.keepalive().await;
        }
    }
}
