//! Raw track files (issue 13): on a server started with raw tracks on, a recording of two
//! users publishing the test pattern and tone also leaves each user's audio as Ogg Opus and
//! each camera as WebM VP8, untranscoded; `ffprobe` reads each, the pictures are the test
//! pattern, and the REST API lists and serves them. Skipped without ffmpeg (see
//! `recording.rs`).

use crate::recording::{
    colourful, ffmpeg_here, finished, get, is_recording, probe, publish_test_pattern, rand_suffix,
};
use convene_client::protocol::RecordingStatus;
use convene_testkit::*;
use std::time::{Duration, Instant};

#[tokio::test]
async fn raw_tracks_are_each_users_audio_and_camera_untranscoded() {
    if !ffmpeg_here() {
        return;
    }
    let bin = tokio::task::spawn_blocking(convene_bin).await.unwrap();
    let dir = std::env::temp_dir().join(format!("convene-tracks-{}", rand_suffix()));
    let server = TestServer::start_with(|c| {
        c.egress.recordings_dir = dir.clone();
        c.egress.program = Some(bin);
        c.egress.raw_tracks = true;
    })
    .await;
    let topic = "tracks";
    let (host, mut host_ev) = client(&server, topic, &host_token(topic), "Host").await;
    let (guest, _guest_ev) = client(&server, topic, &participant_token(topic), "Guest").await;
    publish_test_pattern(&host, true).await;
    publish_test_pattern(&guest, true).await;

    assert_ok(host.start_cloud_recording().await, "start");
    let t0 = Instant::now();
    wait_for(
        &mut host_ev,
        |e| is_recording(e, RecordingStatus::Recording),
        WAIT,
    )
    .await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_ok(host.pause_cloud_recording().await, "pause");
    let paused_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_ok(host.resume_cloud_recording().await, "resume");
    let paused = paused_at.elapsed();
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_ok(host.stop_cloud_recording().await, "stop");
    let recorded = (t0.elapsed() - paused).as_secs_f64();
    wait_until_for("the finished recording", Duration::from_secs(40), || {
        !finished(&dir).is_empty()
    })
    .await;

    let sid = host.get_session_info().session_id;
    let api = convene_auth::mint_api(
        &convene_auth::AppCredentials::new(APP_KEY, APP_SECRET),
        now_secs(),
        600,
    );
    let (status, body) = get(
        &server,
        &format!("/api/v1/sessions/{sid}/recordings"),
        Some(&api),
    )
    .await;
    assert!(status.contains(" 200 "), "{status}");
    let list: serde_json::Value = serde_json::from_slice(&body).expect("JSON list");
    let rec = &list["recordings"][0];
    let tracks = rec["tracks"].as_array().expect("tracks");
    let users = [&host, &guest].map(|c| c.get_current_user_info().unwrap().user_id.0 as u64);
    let mut seen: Vec<(u64, String)> = tracks
        .iter()
        .map(|t| {
            (
                t["user_id"].as_u64().unwrap(),
                t["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    seen.sort();
    let mut want: Vec<(u64, String)> = users
        .iter()
        .flat_map(|u| [(*u, "audio".to_owned()), (*u, "video".to_owned())])
        .collect();
    want.sort();
    assert_eq!(seen, want, "an audio and a camera track per user: {list}");

    let folder = finished(&dir)[0].parent().unwrap().to_owned();
    for t in tracks {
        let name = t["file_name"].as_str().unwrap();
        let path = folder.join(name);
        let (codecs, duration) = probe(&path);
        let audio = t["kind"] == "audio";
        assert_eq!(codecs, [if audio { "opus" } else { "vp8" }], "{name}");
        // Each starts when its first frame came (the worker's start, a keyframe) and runs
        // to the stop on the recording's clock: the pause is not in it.
        assert!(
            duration > recorded * 0.6 && duration < recorded + 1.0,
            "{name}: {duration:.2} s for {recorded:.2} s recorded"
        );
        let offset = t["offset_ms"].as_u64().unwrap() as f64 / 1000.0;
        eprintln!("{name}: {duration:.2} s from {offset:.2} s; {recorded:.2} s recorded");
        assert!(offset < recorded * 0.4, "{name} starts at {offset} s");
        if !audio {
            let colour = colourful(&path, duration / 2.0, "iw:ih:0:0");
            assert!(colour > 0.5, "{name}: {:.0} % colour", colour * 100.0);
        }
        // The REST API serves the same bytes, to the app's token only.
        let url = t["download_url"].as_str().expect("download_url");
        let (status, bytes) = get(&server, url, Some(&api)).await;
        assert!(status.contains(" 200 "), "{url}: {status}");
        assert!(
            bytes == std::fs::read(&path).unwrap(),
            "{name}: the download is the file"
        );
        assert_eq!(t["file_size"], bytes.len() as u64);
        let (status, _) = get(&server, url, None).await;
        assert!(status.contains(" 401 "), "no token: {status}");
    }
    let other = format!(
        "/api/v1/sessions/{sid}/recordings/{}/tracks/{}.json",
        rec["id"].as_str().unwrap(),
        rec["id"].as_str().unwrap()
    );
    let (status, _) = get(&server, &other, Some(&api)).await;
    assert!(
        status.contains(" 404 "),
        "a file the recording does not list: {status}"
    );

    drop((host, guest));
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
