//! `convene egress`: the cloud recording worker of one session (see `docs/egress.md`).
//!
//! Started by the server (never by hand: its token comes in `CONVENE_EGRESS_TOKEN`), it
//! joins the session through the Rust SDK like a participant that publishes nothing,
//! receives the loudest speakers' audio, the share and the cameras its layout shows (a main
//! picture above a strip of small ones, `layout.rs`), and feeds
//! them as RTP on 127.0.0.1 (`recorder.rs`, `rtp.rs`) to a supervised `ffmpeg`
//! (`ffmpeg.rs`) that writes `<recordings dir>/<session id>/<start ms>.mp4`. It follows
//! `recording-change` itself: `Paused` stops the clock, `Stopped` (or the session ending)
//! finishes the file, writes its `<start ms>.json` sidecar (`{"duration_ms", "app_key",
//! "tracks"}`) and leaves.
//!
//! With `--raw-tracks` it also writes each track as a file of its own, untranscoded
//! (`raw/`), listed in the sidecar's `tracks`.
//!
//! With `CONVENE_EGRESS_INGEST` set it streams instead (FLV over RTMP to that
//! `streamUrl/streamKey`): it prints `streaming` once the ingest takes the stream, follows
//! `live-stream-status`, and writes no file.
//!
//! Exit status: 0 after a finished file or stream; 1 when it failed (ffmpeg died or could not
//! reach the ingest, the session could not be joined...), which the server reports as the
//! recording stopping, or the stream's `Timeout`.

mod ffmpeg;
mod layout;
mod raw;
mod recorder;
mod rtp;

use anyhow::Context;
use convene_client::protocol::{
    Event, MediaKind, RecordingStatus, UserId, MAX_ATTACHED_VIDEOS, MAX_RECORDED_SPEAKERS,
};
use convene_client::{Client, MediaOptions, MediaStream};
use recorder::Recorder;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Arguments of `convene egress` (set by the server).
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct EgressArgs {
    /// Server address, e.g. `http://127.0.0.1:8080`.
    #[arg(long)]
    url: String,
    /// Session topic.
    #[arg(long)]
    topic: String,
    /// Session passcode.
    #[arg(long)]
    passcode: Option<String>,
    /// The session id: the recording's folder.
    #[arg(long)]
    session_id: String,
    /// The session's app, written in the sidecar (the REST API lists an app's own only).
    #[arg(long)]
    app_key: String,
    /// Where recordings go.
    #[arg(long, default_value = "recordings")]
    recordings_dir: PathBuf,
    /// The ffmpeg program.
    #[arg(long, default_value = "ffmpeg")]
    ffmpeg: String,
    /// Also write each track as a file of its own (Ogg Opus, WebM VP8; untranscoded).
    #[arg(long)]
    raw_tracks: bool,
}

/// Reconnections of a live stream the ingest dropped, before it ends in `Timeout`, and the
/// wait before each.
const MAX_RETRIES: u32 = 5;
const RETRY_DELAY: Duration = Duration::from_secs(2);
/// How long ffmpeg may take to finish the file.
const FINISH_GRACE: Duration = Duration::from_secs(20);
/// The camera quality asked for: 720p for the main picture, 180p for the strip's tiles.
const MAIN_QUALITY: u8 = 3;
const TILE_QUALITY: u8 = 1;

/// Records until the recording stops or the session ends; returns the exit status.
pub(crate) async fn run(args: EgressArgs) -> anyhow::Result<i32> {
    let token = std::env::var("CONVENE_EGRESS_TOKEN")
        .context("CONVENE_EGRESS_TOKEN is not set: the server starts this worker")?;
    // A live stream's `streamUrl/streamKey` (a secret, so not on the command line).
    let ingest = std::env::var("CONVENE_EGRESS_INGEST").ok();
    let started = Instant::now();
    let client = Client::new();
    let mut events = client.events();
    let joined = async {
        client.init(&args.url).await?;
        client
            .join(
                &args.topic,
                &token,
                "Cloud Recording",
                args.passcode.as_deref(),
                None,
            )
            .await
    };
    // Independent: made while joining.
    let (black, joined) = tokio::join!(ffmpeg::black_keyframe(&args.ffmpeg), joined);
    let (black, me) = (black?, joined?.user_id);
    let stream = client.get_media_stream()?;
    let (tap, mut frames) = tokio::sync::mpsc::channel(1024);
    // Track files: every speaker (the server grants a worker more than the loudest three).
    let tracks = args.raw_tracks && ingest.is_none();
    let mut options = MediaOptions {
        frame_tap: Some(tap),
        ..MediaOptions::default()
    };
    if tracks {
        options.audio_slots = MAX_RECORDED_SPEAKERS;
    }
    stream.set_options(options).await;
    stream.start_receiving().await?;

    let dir = args.recordings_dir.join(&args.session_id);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let id = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let (mp4, sdp, sidecar) = (
        dir.join(format!("{id}.mp4")),
        dir.join(format!(
            "{id}.{}.sdp",
            if ingest.is_some() { "live" } else { "rec" }
        )),
        dir.join(format!("{id}.json")),
    );
    let target = match &ingest {
        Some(url) => ffmpeg::Target::Rtmp(url.clone()),
        None => ffmpeg::Target::File(mp4.clone()),
    };
    let (mut ff, ports) = ffmpeg::Ffmpeg::start_on_free_ports(&args.ffmpeg, &sdp, &target).await?;
    let mut rec = Recorder::new(&ports, black, Instant::now()).await?;
    tracing::info!("feeding ffmpeg after {:?}", started.elapsed());
    if ingest.is_none() && client.get_cloud_recording_status().await? == RecordingStatus::Paused {
        rec.pause(Instant::now());
    }

    let mut raw = tracks.then(|| raw::RawTracks::new(&dir, &id.to_string(), &args.ffmpeg));
    let mut view = View {
        me,
        speakers: Vec::new(),
        attached: HashMap::new(),
        tracks,
    };
    let mut progress = ff.take_progress();
    // A live stream: whether the ingest ever took it, and reconnections since it last did.
    let (mut streamed, mut retries) = (false, 0);
    let mut audio = tokio::time::interval(recorder::AUDIO_TICK);
    let mut idle = tokio::time::interval(recorder::VIDEO_IDLE / 4);
    let failed = loop {
        tokio::select! {
            ev = events.recv() => {
                let Some(ev) = ev else { break false };
                if ev.is_terminal() {
                    break false;
                }
                match ev.as_session() {
                    Some(Event::LiveStreamStatus(s)) if ingest.is_some() && !s.is_running() => {
                        break false;
                    }
                    Some(Event::RecordingChange { state }) if ingest.is_none() => match state {
                        RecordingStatus::Stopped => break false,
                        RecordingStatus::Paused => rec.pause(Instant::now()),
                        RecordingStatus::Recording => {
                            rec.resume(Instant::now());
                            if let Some(raw) = &mut raw {
                                raw.resume();
                            }
                        }
                    },
                    Some(Event::ActiveSpeaker(s)) => {
                        view.speakers = s.iter().map(|s| s.user_id).collect();
                    }
                    _ => {}
                }
                view.apply(&client, &stream, &mut rec, raw.as_ref()).await;
            }
            Some(f) = frames.recv() => {
                let now = Instant::now();
                if let Some(raw) = raw.as_mut().filter(|_| !rec.paused()) {
                    if let Some((user, kind)) = stream.slot(&f.mid) {
                        raw.frame(&f, user, kind, rec.clock(now));
                    }
                }
                rec.frame(f, now).await;
            }
            _ = audio.tick() => rec.audio_tick().await,
            _ = idle.tick() => {
                rec.keepalive(Instant::now()).await;
                view.apply(&client, &stream, &mut rec, raw.as_ref()).await;
            }
            // expect is ok because the branch's guard checked that `progress` is set.
            r = async { progress.as_mut().expect("guarded").await }, if progress.is_some() => {
                progress = None;
                if r.is_ok() {
                    // The server reads this line: the ingest has the stream.
                    println!("streaming");
                    streamed = true;
                    retries = 0;
                }
            }
            status = ff.exited() => {
                tracing::error!("ffmpeg stopped while recording or streaming: {status:?}");
                // A stream that ran reconnects (the ingest dropped it); a recording, or a
                // stream that never reached its ingest, has failed.
                if !streamed || retries == MAX_RETRIES {
                    break true;
                }
                retries += 1;
                println!("reconnecting");
                tokio::time::sleep(RETRY_DELAY).await;
                match ffmpeg::Ffmpeg::start_on_free_ports(&args.ffmpeg, &sdp, &target).await {
                    Ok((again, ports)) => {
                        ff = again;
                        progress = ff.take_progress();
                        rec.retarget(&ports);
                    }
                    Err(e) => {
                        tracing::error!("cannot restart ffmpeg: {e}");
                        break true;
                    }
                }
            }
        }
    };
    let duration = rec.clock(Instant::now());
    let _ = std::fs::remove_file(&sdp);
    // The file first: leaving may wait on a server that is gone.
    let finished = if failed {
        Err(anyhow::anyhow!("recording failed"))
    } else {
        ff.finish(FINISH_GRACE).await
    };
    let tracks = match raw {
        Some(raw) if finished.is_ok() => raw.finish(FINISH_GRACE).await,
        _ => Vec::new(),
    };
    if finished.is_ok() && ingest.is_none() {
        let meta = serde_json::json!({
            "duration_ms": duration.as_millis() as u64,
            "app_key": args.app_key,
            "tracks": tracks,
        });
        std::fs::write(&sidecar, meta.to_string())?;
    }
    let _ = tokio::time::timeout(Duration::from_secs(2), client.leave(false)).await;
    let _ = tokio::time::timeout(Duration::from_secs(2), client.destroy()).await;
    finished.map(|()| 0)
}

/// What the worker receives and shows, kept in line with the session.
struct View {
    me: UserId,
    /// The session's speakers, loudest first.
    speakers: Vec<UserId>,
    /// The cameras received, with the quality asked for.
    attached: HashMap<UserId, u8>,
    /// Track files are written: every camera is received (at the main picture's quality),
    /// not only those shown, and every speaker, of whom the mix takes the loudest.
    tracks: bool,
}

impl View {
    /// Receives the cameras the layout wants, at the quality of where they show (or every
    /// camera at the main picture's, for track files), points each video input at its
    /// slot, and asks for the keyframes the inputs and `raw`'s files wait for.
    async fn apply(
        &mut self,
        client: &Client,
        stream: &MediaStream,
        rec: &mut Recorder,
        raw: Option<&raw::RawTracks>,
    ) {
        let users = client.get_all_user();
        let plan = layout::plan(&users, self.speakers.first().copied(), self.me);
        let mut want: HashMap<UserId, u8> = plan
            .cameras()
            .map(|(u, main)| (u, if main { MAIN_QUALITY } else { TILE_QUALITY }))
            .collect();
        if self.tracks {
            let cameras = users
                .iter()
                .filter(|u| u.b_video_on && u.user_id != self.me);
            for u in cameras.take(MAX_ATTACHED_VIDEOS) {
                want.insert(u.user_id, MAIN_QUALITY);
            }
        }
        let gone: Vec<UserId> = self
            .attached
            .keys()
            .filter(|u| !want.contains_key(u))
            .copied()
            .collect();
        for u in gone {
            let _ = stream.detach_video(u).await;
            self.attached.remove(&u);
        }
        for (u, q) in &want {
            if self.attached.get(u) != Some(q) {
                // Asking again for an attached camera changes its quality.
                match stream.attach_video(*u, *q).await {
                    Ok(()) => {
                        self.attached.insert(*u, *q);
                    }
                    Err(e) => tracing::warn!("cannot receive {u}'s camera: {e}"),
                }
            }
        }
        let camera = |u: UserId| {
            self.attached
                .contains_key(&u)
                .then(|| stream.slot_of(u, MediaKind::Video))
                .flatten()
        };
        let main = match plan.main {
            Some(layout::Main::Share(u)) => stream.slot_of(u, MediaKind::Share),
            Some(layout::Main::Camera(u)) => camera(u),
            None => None,
        };
        if self.tracks {
            let loudest = self.speakers.iter().take(ffmpeg::AUDIO_INPUTS);
            rec.set_audio_sources(
                loudest
                    .filter_map(|u| stream.slot_of(*u, MediaKind::Audio))
                    .collect(),
            );
        }
        rec.set_source(0, main);
        for i in 0..layout::STRIP {
            rec.set_source(1 + i, plan.strip.get(i).and_then(|u| camera(*u)));
        }
        let waiting: Vec<String> = rec
            .waiting_for_key()
            .chain(raw.into_iter().flat_map(|r| r.waiting_for_key()))
            .map(str::to_owned)
            .collect();
        for mid in waiting {
            // The peer asks at most once a second per slot, however often this runs.
            let _ = stream.request_keyframe(&mid).await;
        }
    }
}
