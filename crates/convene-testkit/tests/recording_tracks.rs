//! Raw track files (issue 13): on a server started with raw tracks on, a recording of four
//! users speaking at once (two also publishing the test pattern) also leaves each user's
//! audio as Ogg Opus and each camera as WebM VP8, untranscoded; `ffprobe` reads each, the
//! pictures are the test pattern, every speaker's file holds their audio (the worker
//! receives more than the loudest three), and the REST API lists and serves them. Skipped
//! without ffmpeg (see `recording.rs`).

use crate::recording::{
    api_token, colourful, ffmpeg_here, finished, fixture, get, is_recording, probe,
    publish_test_pattern, recording_server, recordings_listed,
};
use convene_client::protocol::RecordingStatus;
use convene_client::{Client, MediaOptions};
use convene_testkit::*;
use std::time::{Duration, Instant};

#[tokio::test]
async fn raw_tracks_are_each_users_audio_and_camera_untranscoded() {
    if !ffmpeg_here() {
        return;
    }
    let (server, dir) = recording_server(|c| c.egress.raw_tracks = true).await;
    let topic = "tracks";
    let (host, mut host_ev) = client(&server, topic, &host_token(topic), "Host").await;
    let (guest, _guest_ev) = client(&server, topic, &participant_token(topic), "Guest").await;
    publish_test_pattern(&host, true).await;
    publish_test_pattern(&guest, true).await;
    // Two more speakers, audio only: four at once, one more than a participant hears.
    let mut speakers = Vec::new();
    for name in ["Third", "Fourth"] {
        let (c, _ev) = client(&server, topic, &participant_token(topic), name).await;
        speak(&c).await;
        speakers.push(c);
    }

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

    let sid = host.get_session_info().session_id.to_string();
    let api = api_token();
    let list = recordings_listed(&server, &sid).await;
    let rec = &list["recordings"][0];
    let tracks = rec["tracks"].as_array().expect("tracks");
    let id = |c: &Client| c.get_current_user_info().unwrap().user_id.0 as u64;
    let mut seen: Vec<(u64, String)> = tracks
        .iter()
        .map(|t| (t["user_id"].as_u64().unwrap(), t["kind"].to_string()))
        .collect();
    seen.sort();
    let mut want: Vec<(u64, String)> = [&host, &guest]
        .into_iter()
        .flat_map(|c| [(id(c), "\"audio\"".into()), (id(c), "\"video\"".into())])
        .chain(speakers.iter().map(|c| (id(c), "\"audio\"".into())))
        .collect();
    want.sort();
    assert_eq!(seen, want, "a track per speaker and per camera: {list}");

    let folder = finished(&dir)[0].parent().unwrap().to_owned();
    for t in tracks {
        let name = t["file_name"].as_str().unwrap();
        let path = folder.join(name);
        let (codecs, duration) = probe(&path);
        let audio = t["kind"] == "audio";
        assert_eq!(codecs, [if audio { "opus" } else { "vp8" }], "{name}");
        // Each starts when its first frame came (the worker's start, a keyframe) and runs
        // to the stop on the recording's clock: the pause is not in it.
        let offset = t["offset_ms"].as_u64().unwrap() as f64 / 1000.0;
        eprintln!("{name}: {duration:.2} s from {offset:.2} s; {recorded:.2} s recorded");
        assert!(
            duration > recorded * 0.6 && duration < recorded + 1.0,
            "{name}: {duration:.2} s for {recorded:.2} s recorded"
        );
        assert!(offset < recorded * 0.4, "{name} starts at {offset} s");
        if audio {
            // The tone, not the silence that fills a gap (3-byte packets): the worker
            // received every speaker, not only the loudest three.
            let packets = convene_media::read_ogg_opus(&std::fs::read(&path).unwrap()).unwrap();
            let tone = packets.iter().filter(|p| p.len() > 3).count();
            assert!(
                tone * 10 > packets.len() * 8,
                "{name}: {tone} of {} packets are the tone",
                packets.len()
            );
        } else {
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
    let rid = rec["id"].as_str().unwrap();
    let unlisted = format!("/api/v1/sessions/{sid}/recordings/{rid}/tracks/{rid}.json");
    let (status, _) = get(&server, &unlisted, Some(&api)).await;
    assert!(status.contains(" 404 "), "a file not listed: {status}");

    drop((host, guest, speakers));
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// `c` speaks: the 440 Hz tone as its microphone, no camera.
async fn speak(c: &Client) {
    let media = c.get_media_stream().expect("joined");
    let tone = convene_media::read_ogg_opus(&fixture("tone-440.opus")).expect("Ogg Opus");
    media
        .set_options(MediaOptions {
            audio_frames: Some(tone),
            ..MediaOptions::default()
        })
        .await;
    assert_ok(media.start_audio(false).await, "start audio");
}
