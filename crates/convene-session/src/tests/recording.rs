//! Cloud recording: host only, its states, `recording-change` to everyone, the worker.

use super::*;

fn states(h: &H, c: ConnId) -> Vec<RecordingStatus> {
    h.view(c)
        .events
        .iter()
        .filter_map(|e| match e {
            Event::RecordingChange { state } => Some(*state),
            _ => None,
        })
        .collect()
}

#[test]
fn the_host_records_pauses_and_stops_and_everyone_hears_of_it() {
    let mut h = H::with(Config {
        cloud_recording: true,
        ..Config::default()
    });
    let a = h.join(&HOST, "a");
    let b = h.join(&PART, "b");
    assert_eq!(h.req(a, ClientMsg::CanStartRecording).unwrap(), true);
    assert_eq!(h.req(b, ClientMsg::CanStartRecording).unwrap(), false);
    assert_eq!(h.code(b, ClientMsg::StartCloudRecording), 5007);
    assert_eq!(h.code(a, ClientMsg::PauseCloudRecording), 7202);
    h.req(a, ClientMsg::StartCloudRecording).unwrap();
    let sid = h.core.session_ids().remove(0);
    assert_eq!(
        h.egress,
        vec![EgressAction::Start {
            session: sid.clone(),
            topic: "Topic".into(),
            passcode: None,
            session_key: None,
            run: 1,
        }]
    );
    assert_eq!(h.code(a, ClientMsg::StartCloudRecording), 7202);
    assert_eq!(h.code(b, ClientMsg::PauseCloudRecording), 5007);
    h.req(a, ClientMsg::PauseCloudRecording).unwrap();
    assert_eq!(
        h.req(b, ClientMsg::GetCloudRecordingStatus).unwrap(),
        "Paused"
    );
    h.req(a, ClientMsg::ResumeCloudRecording).unwrap();
    h.req(a, ClientMsg::StopCloudRecording).unwrap();
    assert_eq!(h.egress[1], EgressAction::Stop { session: sid });
    use RecordingStatus::*;
    for c in [a, b] {
        assert_eq!(states(&h, c), vec![Recording, Paused, Recording, Stopped]);
    }
    assert_eq!(h.code(b, ClientMsg::StopCloudRecording), 5007);
    assert_eq!(h.code(a, ClientMsg::StopCloudRecording), 7202);
}

#[test]
fn without_ffmpeg_starting_names_what_to_install_and_a_failed_worker_stops_it() {
    let mut h = H::new();
    let a = h.join(&HOST, "a");
    assert_eq!(h.req(a, ClientMsg::CanStartRecording).unwrap(), false);
    let e = h.req(a, ClientMsg::StartCloudRecording).unwrap_err();
    assert_eq!(e.error_code, 7200);
    assert!(e.reason.contains("ffmpeg"), "{}", e.reason);

    let mut h = H::with(Config {
        cloud_recording: true,
        ..Config::default()
    });
    let a = h.join(&HOST, "a");
    h.req(a, ClientMsg::StartCloudRecording).unwrap();
    let session = h.core.session_ids().remove(0);
    // A worker of an earlier recording ending changes nothing; this one's ends it.
    h.core.handle(
        h.now,
        Input::EgressEnded {
            session: session.clone(),
            run: 0,
            live: false,
        },
    );
    h.drain();
    assert_eq!(states(&h, a), vec![RecordingStatus::Recording]);
    h.core.handle(
        h.now,
        Input::EgressEnded {
            session,
            run: 1,
            live: false,
        },
    );
    h.drain();
    assert_eq!(
        states(&h, a),
        vec![RecordingStatus::Recording, RecordingStatus::Stopped]
    );
}

/// A core that records, whose workers come as [`WORKER`].
fn recording_config() -> Config {
    Config {
        cloud_recording: true,
        egress_identity: Some("egress-1".into()),
        ..Config::default()
    }
}

const WORKER: Who = Who {
    role_host: false,
    identity: Some("egress-1"),
};

#[test]
fn the_worker_is_seen_by_no_one_and_leaves_with_the_last_user() {
    let mut h = H::with(recording_config());
    // No recording waits for a worker: refused.
    assert!(h
        .join_full("app", "Topic", &WORKER, "rec", None, None, 9)
        .is_err());
    let a = h.join(&HOST, "a");
    let b = h.join(&PART, "b");
    h.req(a, ClientMsg::StartCloudRecording).unwrap();
    let (w, jr) = h
        .join_full("app", "Topic", &WORKER, "rec", None, None, 9)
        .unwrap();
    let wid = jr.user_id;
    assert!(jr.users.iter().any(|u| u.user_id == wid), "it sees itself");
    // Stopped and started again while the first worker still finishes its file: the
    // second one joins too.
    h.req(a, ClientMsg::StopCloudRecording).unwrap();
    h.req(a, ClientMsg::StartCloudRecording).unwrap();
    let (_, jr2) = h
        .join_full("app", "Topic", &WORKER, "rec", None, None, 10)
        .unwrap();
    for c in [a, b] {
        let users = h.req(c, ClientMsg::GetAllUser).unwrap();
        assert_eq!(users.as_array().unwrap().len(), 2, "{users}");
        for worker in [wid, jr2.user_id] {
            assert!(!h.view(c).users.contains_key(&worker), "no user-added");
        }
    }
    assert!(h
        .lifecycle
        .iter()
        .all(|l| l.user.as_ref().is_none_or(|u| u.user_id != wid)));
    // The host leaves: the participant is host, not the worker.
    h.req(a, ClientMsg::Leave { end: false }).unwrap();
    assert!(h.view(b).users[&h.me(b)].is_host);
    // The last user leaves: the worker is told the session is over.
    h.req(b, ClientMsg::Leave { end: false }).unwrap();
    assert!(h.view(w).events.iter().any(|e| matches!(
        e,
        Event::ConnectionChange {
            state: ConnectionState::Closed,
            ..
        }
    )));
    assert_eq!(h.core.session_count(), 0);
}

#[test]
fn the_host_streams_live_and_a_worker_that_cannot_reach_the_ingest_times_out() {
    let mut h = H::with(Config {
        cloud_recording: true,
        ..Config::default()
    });
    let a = h.join(&HOST, "a");
    let b = h.join(&PART, "b");
    let params = |url: &str| {
        ClientMsg::StartLiveStream(LiveStreamParams {
            stream_url: url.into(),
            stream_key: "key".into(),
            broadcast_url: String::new(),
        })
    };
    assert_eq!(h.code(b, params("rtmp://ingest/live")), 5007);
    assert_eq!(h.code(a, params("http://ingest/live")), 7401);
    h.req(a, params("rtmp://ingest/live/")).unwrap();
    assert_eq!(h.code(a, params("rtmp://ingest/live")), 7402);
    let session = h.core.session_ids().remove(0);
    assert!(matches!(
        h.egress.last(),
        Some(EgressAction::StartLive { ingest, run: 1, .. }) if ingest == "rtmp://ingest/live/key"
    ));
    h.core.handle(
        h.now,
        Input::EgressStreaming {
            session: session.clone(),
            run: 1,
            on: true,
        },
    );
    h.drain();
    assert_eq!(h.req(b, ClientMsg::GetLiveStreamStatus).unwrap(), 1);
    // The ingest dropped it and the worker reconnects, then streams again.
    for on in [false, true] {
        let session = session.clone();
        h.core.handle(
            h.now,
            Input::EgressStreaming {
                session,
                run: 1,
                on,
            },
        );
    }
    h.drain();
    h.req(a, ClientMsg::StopLiveStream).unwrap();
    // Started again; its worker ends without streaming: Timeout.
    h.req(a, params("rtmp://ingest/live")).unwrap();
    h.core.handle(
        h.now,
        Input::EgressEnded {
            session,
            run: 2,
            live: true,
        },
    );
    h.drain();
    let seen: Vec<LiveStreamStatus> = h
        .view(b)
        .events
        .iter()
        .filter_map(|e| match e {
            Event::LiveStreamStatus(s) => Some(*s),
            _ => None,
        })
        .collect();
    use LiveStreamStatus::*;
    assert_eq!(
        seen,
        vec![Connecting, InProgress, Connecting, InProgress, Ended, Connecting, Timeout]
    );
}

#[test]
fn a_session_taken_over_records_on_with_a_new_worker() {
    let mut h = H::with(recording_config());
    let (a, ja) = h
        .join_full("app", "Topic", &HOST, "a", None, None, 1)
        .unwrap();
    h.req(a, ClientMsg::StartCloudRecording).unwrap();
    h.join_full("app", "Topic", &WORKER, "rec", None, None, 9)
        .unwrap();
    h.req(a, ClientMsg::PauseCloudRecording).unwrap();
    let snap = h.core.snapshot(&ja.session_id).expect("a snapshot");
    let snap: Snapshot = serde_json::from_str(&serde_json::to_string(&snap).unwrap()).unwrap();
    assert_eq!(snap.users.len(), 1, "the worker ends with its node");

    // The new node starts a worker of its own, and the recording stays paused.
    let mut n = H::with(recording_config());
    assert!(n.core.restore(n.now, snap.clone()));
    n.drain();
    assert!(
        matches!(&n.egress[..], [EgressAction::Start { session, run: 1, .. }] if *session == ja.session_id),
        "{:?}",
        n.egress
    );
    let a2 = n
        .resume(ja.session_id.clone(), ja.user_id, ja.resume_token.clone())
        .expect("the host resumes");
    let status = n.req(a2, ClientMsg::GetCloudRecordingStatus).unwrap();
    assert_eq!(status, serde_json::json!(RecordingStatus::Paused));
    n.join_full("app", "Topic", &WORKER, "rec", None, None, 10)
        .expect("the new worker is let in");

    // A node that cannot record does not pretend to.
    let mut m = H::new();
    assert!(m.core.restore(m.now, snap));
    m.drain();
    assert!(m.egress.is_empty());
}
