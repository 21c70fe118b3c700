//! Cloud recording (issue 13) through the whole stack: a host publishing the test pattern and
//! tone (fixtures/, real VP8 and Opus) records the session; the server starts a real
//! `convene egress` worker that feeds a real `ffmpeg`; `ffprobe` checks the file. Skipped
//! (with the reason printed) without ffmpeg, unless `CONVENE_REQUIRE_FFMPEG=1`.

use crate::webhooks::{Answer, Receiver};
use convene_client::protocol::{Event, LiveStreamStatus, RecordingStatus};
use convene_client::{Client, ClientEvent, MediaOptions};
use convene_testkit::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Whether ffmpeg and ffprobe run here; panics when they must.
pub(crate) fn ffmpeg_here() -> bool {
    let runs = |p: &str| {
        std::process::Command::new(p)
            .arg("-version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if runs("ffmpeg") && runs("ffprobe") {
        return true;
    }
    assert!(
        std::env::var("CONVENE_REQUIRE_FFMPEG").as_deref() != Ok("1"),
        "CONVENE_REQUIRE_FFMPEG=1 but ffmpeg/ffprobe are missing (apt-get install ffmpeg)"
    );
    eprintln!("skipped: ffmpeg/ffprobe not installed (apt-get install ffmpeg)");
    false
}

pub(crate) fn is_recording(ev: &ClientEvent, want: RecordingStatus) -> bool {
    matches!(ev.as_session(), Some(Event::RecordingChange { state }) if *state == want)
}

pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `ffprobe`'s view of `file`: the codec of each stream, and the duration in seconds.
pub(crate) fn probe(file: &Path) -> (Vec<String>, f64) {
    let out = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "stream=codec_name:format=duration",
        ])
        .args(["-of", "json"])
        .arg(file)
        .output()
        .expect("run ffprobe");
    assert!(
        out.status.success(),
        "ffprobe: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("ffprobe JSON");
    let codecs = v["streams"]
        .as_array()
        .expect("streams")
        .iter()
        .map(|s| s["codec_name"].as_str().unwrap_or("").to_owned())
        .collect();
    let duration = v["format"]["duration"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .expect("a duration");
    (codecs, duration)
}

/// The share of strongly coloured pixels (channels far apart) in the `crop` (ffmpeg's
/// `w:h:x:y`) of the frame at `at` seconds, decoded by ffmpeg at 16×9.
pub(crate) fn colourful(file: &Path, at: f64, crop: &str) -> f64 {
    let out = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-ss", &format!("{at:.2}"), "-i"])
        .arg(file)
        .args(["-frames:v", "1", "-vf", &format!("crop={crop},scale=16:9")])
        .args(["-f", "rawvideo"])
        .args(["-pix_fmt", "rgb24", "-"])
        .output()
        .expect("run ffmpeg");
    assert!(
        out.status.success() && out.stdout.len() == 16 * 9 * 3,
        "a 16x9 frame"
    );
    let strong = out
        .stdout
        .chunks(3)
        .filter(|p| p.iter().max().unwrap() - p.iter().min().unwrap() > 100)
        .count();
    strong as f64 / (16.0 * 9.0)
}

/// `c` publishes the test pattern (`fixtures/testsrc-320x180.ivf`) as its camera, and with
/// `tone` the 440 Hz tone as its microphone.
pub(crate) async fn publish_test_pattern(c: &Client, tone: bool) {
    let media = c.get_media_stream().expect("joined");
    let (_, video) = convene_media::read_ivf(&fixture("testsrc-320x180.ivf")).expect("IVF");
    let audio = tone.then(|| convene_media::read_ogg_opus(&fixture("tone-440.opus")).unwrap());
    media
        .set_options(MediaOptions {
            video_frames: Some(video.into_iter().map(|f| f.data).collect()),
            audio_frames: audio,
            simulcast: false,
            ..MediaOptions::default()
        })
        .await;
    assert_ok(media.start_video().await, "start video");
    if tone {
        assert_ok(media.start_audio(false).await, "start audio");
    }
}

/// The finished recordings under `dir`: every `.mp4` with its sidecar.
pub(crate) fn finished(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for session in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        for f in std::fs::read_dir(session.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let p = f.path();
            if p.extension().is_some_and(|x| x == "mp4") && p.with_extension("json").exists() {
                out.push(p);
            }
        }
    }
    out
}

#[tokio::test]
async fn the_host_records_the_test_pattern_and_tone_to_h264_and_aac() {
    if !ffmpeg_here() {
        return;
    }
    let hooks = Receiver::start(Answer::FailFirst(0)).await;
    let url = convene_server::WebhookUrl::parse(&hooks.url).expect("URL");
    let (server, dir) = recording_server(|c| c.webhooks.urls.push(url)).await;
    let topic = "recorded";
    let (host, mut host_ev) = client(&server, topic, &host_token(topic), "Host").await;
    let (guest, mut guest_ev) = client(&server, topic, &participant_token(topic), "Guest").await;
    // The host (speaking, first present) is the main picture, the guest the strip's first tile.
    publish_test_pattern(&host, true).await;
    publish_test_pattern(&guest, false).await;

    assert!(!assert_ok(
        guest.can_start_recording().await,
        "can start (guest)"
    ));
    assert!(assert_ok(
        host.can_start_recording().await,
        "can start (host)"
    ));
    assert_code(guest.start_cloud_recording().await, 5007, "a guest starts");
    assert_code(
        host.pause_cloud_recording().await,
        7202,
        "pause before start",
    );

    assert_ok(host.start_cloud_recording().await, "start");
    let t0 = Instant::now();
    for ev in [&mut host_ev, &mut guest_ev] {
        wait_for(ev, |e| is_recording(e, RecordingStatus::Recording), WAIT).await;
    }
    assert_code(guest.stop_cloud_recording().await, 5007, "a guest stops");
    tokio::time::sleep(Duration::from_secs(3)).await;
    // The worker has joined by now (the file is checked below), unseen.
    let seen = assert_ok(guest.fetch_all_users().await, "users");
    assert_eq!(seen.len(), 2, "only host and guest are listed: {seen:?}");
    assert_eq!(
        guest.get_all_user().len(),
        2,
        "no user-added for the worker"
    );
    assert_ok(host.pause_cloud_recording().await, "pause");
    let paused_at = Instant::now();
    wait_for(
        &mut guest_ev,
        |e| is_recording(e, RecordingStatus::Paused),
        WAIT,
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_ok(host.resume_cloud_recording().await, "resume");
    let paused = paused_at.elapsed();
    assert_eq!(
        assert_ok(guest.get_cloud_recording_status().await, "status"),
        RecordingStatus::Recording
    );
    // 18 s recorded in all: the worker's start (0.4-1.5 s here, more under load) is then
    // within the 10 % the file may differ by.
    tokio::time::sleep(Duration::from_secs(15)).await;
    assert_ok(host.stop_cloud_recording().await, "stop");
    let recorded = t0.elapsed() - paused;
    wait_for(
        &mut guest_ev,
        |e| is_recording(e, RecordingStatus::Stopped),
        WAIT,
    )
    .await;

    wait_until_for("the finished recording", Duration::from_secs(40), || {
        !finished(&dir).is_empty()
    })
    .await;
    let files = finished(&dir);
    assert_eq!(files.len(), 1, "{files:?}");
    let (codecs, duration) = probe(&files[0]);
    assert_eq!(codecs, ["h264", "aac"], "one H.264 and one AAC stream");
    // The test pattern, not black, in the main picture (1280x576 above the strip) and in
    // the strip's first tile (256x144 at its left); the strip's last tile is empty, black.
    let at = duration / 2.0;
    for (what, crop, least) in [
        ("main picture", "1280:576:0:0", 0.5),
        ("first tile", "256:144:0:576", 0.5),
    ] {
        let colour = colourful(&files[0], at, crop);
        assert!(
            colour > least,
            "{:.0} % of the {what} is colour",
            colour * 100.0
        );
    }
    let empty = colourful(&files[0], at, "256:144:1024:576");
    assert!(empty < 0.05, "the empty tile is black ({empty:.2})");
    // Within 10 % of the time recorded, the pause left out. The worker starts (a process, a
    // join, ffmpeg) after the request, so the file misses that much of its start.
    let wall = recorded.as_secs_f64();
    eprintln!("recording: file {duration:.2} s for {wall:.2} s recorded");
    assert!(
        (duration - wall).abs() <= wall * 0.1,
        "file {duration:.2} s for {wall:.2} s recorded (pause of {paused:?} left out)"
    );

    // The REST API lists it, with the app's bearer token, and serves the same bytes.
    let sid = host.get_session_info().session_id;
    let api = api_token();
    let list = recordings_listed(&server, &sid.to_string()).await;
    let rec = &list["recordings"][0];
    let bytes = std::fs::read(&files[0]).unwrap();
    assert_eq!(rec["file_size"], bytes.len() as u64, "{list}");
    assert_eq!(
        rec["file_name"],
        files[0].file_name().unwrap().to_str().unwrap()
    );
    let listed_ms = rec["duration_ms"].as_u64().expect("duration_ms");
    assert!(
        (listed_ms as f64 / 1000.0 - duration).abs() < 1.0,
        "{listed_ms} ms listed"
    );
    let url = rec["download_url"].as_str().expect("download_url");
    let (status, file) = get(&server, url, Some(&api)).await;
    assert!(status.contains(" 200 "), "{status}");
    assert!(file == bytes, "the download is the file");
    let (status, _) = get(&server, url, None).await;
    assert!(status.contains(" 401 "), "no token: {status}");
    let (status, _) = get(&server, &format!("{url}/../../x"), Some(&api)).await;
    assert!(!status.contains(" 200 "), "{status}");

    // The app's backend heard of it: the same listing, and the session.
    let completed = || {
        hooks
            .hooks()
            .into_iter()
            .map(|h| h.json())
            .find(|v| v["event"] == "recording.completed")
    };
    wait_until("recording.completed", || completed().is_some()).await;
    let hook = completed().unwrap();
    let object = &hook["payload"]["object"];
    assert_eq!(object["session_id"], sid.to_string());
    assert_eq!(object["session_name"], topic);
    assert_eq!(&object["recording"], rec, "{hook}");

    drop((host, guest));
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// The app's REST API token.
pub(crate) fn api_token() -> String {
    convene_auth::mint_api(
        &convene_auth::AppCredentials::new(APP_KEY, APP_SECRET),
        now_secs(),
        600,
    )
}

/// `GET /api/v1/sessions/{sid}/recordings` with the app's token: the JSON listing.
pub(crate) async fn recordings_listed(server: &TestServer, sid: &str) -> serde_json::Value {
    let path = format!("/api/v1/sessions/{sid}/recordings");
    let (status, body) = get(server, &path, Some(&api_token())).await;
    assert!(status.contains(" 200 "), "{status}");
    serde_json::from_slice(&body).expect("JSON list")
}

/// A server whose recordings go into a new temporary folder (returned) and whose workers
/// are this build's `convene`; `more` sets the rest.
pub(crate) async fn recording_server(more: impl FnOnce(&mut Config)) -> (TestServer, PathBuf) {
    let bin = tokio::task::spawn_blocking(convene_bin).await.unwrap();
    let dir = std::env::temp_dir().join(format!("convene-rec-{}", rand_suffix()));
    let in_dir = dir.clone();
    let server = TestServer::start_with(move |c| {
        c.egress.recordings_dir = in_dir;
        c.egress.program = Some(bin);
        more(c);
    })
    .await;
    (server, dir)
}

pub(crate) fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// A raw GET: (status line, body bytes).
pub(crate) async fn get(server: &TestServer, path: &str, token: Option<&str>) -> (String, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if let Some(t) = token {
        req += &format!("Authorization: Bearer {t}\r\n");
    }
    req += "\r\n";
    let mut s = tokio::net::TcpStream::connect(server.addr())
        .await
        .expect("connect");
    s.write_all(req.as_bytes()).await.expect("write");
    let mut buf = Vec::new();
    bounded("http response", s.read_to_end(&mut buf))
        .await
        .expect("read");
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head")
        + 4;
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let status = head.lines().next().unwrap_or("").to_owned();
    // The file comes in chunks (no Content-Length is promised to stay): undo the framing.
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(&buf[end..])
    } else {
        buf[end..].to_vec()
    };
    (status, body)
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let len = usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16)
            .expect("chunk size");
        if len == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + len]);
        b = &b[eol + 2 + len + 2..];
    }
}

/// The pid of the egress worker recording `session` (a child of this test's server), from
/// /proc: the one process whose command line is `convene egress ... --session-id <session>`.
fn worker_pid(session: &str) -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let cmd = std::fs::read(e.path().join("cmdline")).ok()?;
        let args: Vec<&[u8]> = cmd.split(|b| *b == 0).collect();
        let is_worker = args.get(1) == Some(&&b"egress"[..])
            && args
                .windows(2)
                .any(|w| w[0] == b"--session-id" && w[1] == session.as_bytes());
        is_worker.then_some(pid)
    })
}

#[tokio::test]
async fn a_killed_worker_stops_the_recording_and_the_session_goes_on() {
    if !ffmpeg_here() {
        return;
    }
    let (server, dir) = recording_server(|_| {}).await;
    let topic = "killed";
    let (host, mut host_ev) = client(&server, topic, &host_token(topic), "Host").await;
    let sid = host.get_session_info().session_id.to_string();
    assert_ok(host.start_cloud_recording().await, "start");
    wait_for(
        &mut host_ev,
        |e| is_recording(e, RecordingStatus::Recording),
        WAIT,
    )
    .await;
    wait_until("the worker runs", || worker_pid(&sid).is_some()).await;
    let pid = worker_pid(&sid).unwrap();
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    wait_for(
        &mut host_ev,
        |e| is_recording(e, RecordingStatus::Stopped),
        WAIT,
    )
    .await;
    assert_eq!(
        assert_ok(host.get_cloud_recording_status().await, "status"),
        RecordingStatus::Stopped
    );
    assert_ok(
        host.chat_send_to_all("still here").await,
        "the session goes on",
    );
    drop(host);
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_host_streams_live_to_an_rtmp_ingest_and_a_bad_one_times_out() {
    if !ffmpeg_here() {
        return;
    }
    let (server, dir) = recording_server(|_| {}).await;
    std::fs::create_dir_all(&dir).unwrap();
    // A real RTMP ingest on loopback: ffmpeg listening, keeping what it gets.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = |flv: &Path| {
        tokio::process::Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-listen", "1", "-i"])
            .arg(format!("rtmp://127.0.0.1:{port}/live/key"))
            .args(["-c", "copy", "-y"])
            .arg(flv)
            .kill_on_drop(true)
            .spawn()
            .expect("run ffmpeg -listen")
    };
    let (flv, flv2) = (dir.join("ingest.flv"), dir.join("ingest2.flv"));
    let mut ingest = listen(&flv);
    let topic = "live";
    let (host, mut host_ev) = client(&server, topic, &host_token(topic), "Host").await;
    let (guest, mut guest_ev) = client(&server, topic, &participant_token(topic), "Guest").await;
    // The host (speaking, first present) is the main picture, the guest the strip's first tile.
    publish_test_pattern(&host, true).await;
    publish_test_pattern(&guest, false).await;

    let url = format!("rtmp://127.0.0.1:{port}/live");
    assert_code(
        guest.start_live_stream(&url, "key", "").await,
        5007,
        "a guest",
    );
    assert_code(
        host.start_live_stream("http://x/live", "key", "").await,
        7401,
        "not rtmp",
    );
    assert_ok(host.start_live_stream(&url, "key", "").await, "start");
    let is_live = |e: &ClientEvent, want: LiveStreamStatus| matches!(e.as_session(), Some(Event::LiveStreamStatus(s)) if *s == want);
    let limit = Duration::from_secs(20);
    wait_for(
        &mut guest_ev,
        |e| is_live(e, LiveStreamStatus::InProgress),
        limit,
    )
    .await;
    assert_code(host.start_live_stream(&url, "key", "").await, 7402, "twice");
    tokio::time::sleep(Duration::from_secs(3)).await;
    // The ingest goes away and comes back: the stream reconnects.
    let pid = ingest.id().expect("ingest runs").to_string();
    let stopped = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("run kill");
    assert!(stopped.success());
    let status = bounded_for("the ingest ends", Duration::from_secs(30), ingest.wait()).await;
    assert!(status.is_ok());
    let mut ingest = listen(&flv2);
    wait_for(
        &mut guest_ev,
        |e| is_live(e, LiveStreamStatus::Connecting),
        limit,
    )
    .await;
    wait_for(
        &mut guest_ev,
        |e| is_live(e, LiveStreamStatus::InProgress),
        limit,
    )
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_ok(host.stop_live_stream().await, "stop");
    wait_for(&mut host_ev, |e| is_live(e, LiveStreamStatus::Ended), WAIT).await;
    let status = bounded_for("the ingest ends", Duration::from_secs(30), ingest.wait()).await;
    assert!(status.is_ok());
    for f in [&flv, &flv2] {
        let (codecs, duration) = probe(f);
        assert_eq!(codecs, ["h264", "aac"], "FLV with H.264 and AAC");
        assert!(duration > 1.5, "{duration} s reached the ingest");
    }

    // Nothing listens there: Timeout within seconds, not a hang.
    let t0 = Instant::now();
    assert_ok(
        host.start_live_stream("rtmp://127.0.0.1:1/live", "key", "")
            .await,
        "start",
    );
    wait_for(
        &mut guest_ev,
        |e| is_live(e, LiveStreamStatus::Timeout),
        limit,
    )
    .await;
    assert!(t0.elapsed() < limit);
    assert_eq!(
        assert_ok(guest.get_live_stream_status().await, "status"),
        LiveStreamStatus::Timeout
    );
    drop((host, guest));
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
