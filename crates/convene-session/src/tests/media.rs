//! Audio, video, share and what the media plane is told.

use super::*;

#[test]
fn host_mute_and_ask_unmute() {
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    let p = h.join(&PART, "p");
    let pid = h.me(p);
    let m = ClientMsg::MuteAudio(TargetOpt { user_id: Some(pid) });
    assert_eq!(h.code(host, m.clone()), 6015, "not in audio yet");
    h.req(
        p,
        ClientMsg::StartAudio {
            mute: false,
            speaker_only: false,
        },
    )
    .unwrap();
    h.req(host, m).unwrap();
    assert_eq!(h.user(host, pid).muted, Some(true));
    h.req(
        host,
        ClientMsg::UnmuteAudio(TargetOpt { user_id: Some(pid) }),
    )
    .unwrap();
    assert_eq!(h.user(host, pid).muted, Some(true), "never forced");
    assert!(h.view(p).events.contains(&Event::HostAskUnmuteAudio {
        reason: convene_protocol::AskUnmuteReason::Unmute
    }));
    h.req(p, ClientMsg::UnmuteAudio(TargetOpt::default()))
        .unwrap();
    assert_eq!(h.user(host, pid).muted, Some(false));
}

fn audio_allowed(h: &H, user: UserId) -> Option<bool> {
    h.media.iter().rev().find_map(|m| match m {
        MediaAction::AudioAllowed {
            user: u, allowed, ..
        } if *u == user => Some(*allowed),
        _ => None,
    })
}

#[test]
fn audio_is_forwarded_only_while_in_audio_and_unmuted() {
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    let p = h.join(&PART, "p");
    let pid = h.me(p);
    h.req(
        p,
        ClientMsg::StartAudio {
            mute: true,
            speaker_only: false,
        },
    )
    .unwrap();
    assert_eq!(audio_allowed(&h, pid), Some(false));
    h.req(p, ClientMsg::UnmuteAudio(TargetOpt::default()))
        .unwrap();
    assert_eq!(audio_allowed(&h, pid), Some(true));
    h.req(host, ClientMsg::MuteAudio(TargetOpt { user_id: Some(pid) }))
        .unwrap();
    assert_eq!(
        audio_allowed(&h, pid),
        Some(false),
        "host mute stops forwarding"
    );
    h.req(
        host,
        ClientMsg::UnmuteAudio(TargetOpt { user_id: Some(pid) }),
    )
    .unwrap();
    assert_eq!(
        audio_allowed(&h, pid),
        Some(false),
        "asking does not unmute"
    );
    h.req(p, ClientMsg::UnmuteAudio(TargetOpt::default()))
        .unwrap();
    assert_eq!(audio_allowed(&h, pid), Some(true));
    h.req(p, ClientMsg::StopAudio).unwrap();
    assert_eq!(audio_allowed(&h, pid), Some(false));
}

#[test]
fn share_lock_stops_participants_not_managers() {
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    let m = h.join(&HOST, "m");
    let p = h.join(&PART, "p");
    let pid = h.me(p);
    h.req(
        host,
        ClientMsg::SetSharePrivilege {
            privilege: SharePrivilege::MultipleShare,
        },
    )
    .unwrap();
    h.req(p, ClientMsg::StartShareScreen).unwrap();
    h.req(m, ClientMsg::StartShareScreen).unwrap();
    h.req(host, ClientMsg::LockShare { is_locked: true })
        .unwrap();
    assert!(h.view(p).events.contains(&Event::PassivelyStopShare(
        convene_protocol::StopShareReason::PrivilegeChange
    )));
    assert!(!h.user(host, pid).sharer_on);
    let mid = h.me(m);
    assert!(h.user(host, mid).sharer_on, "manager keeps sharing");
    assert_eq!(h.code(p, ClientMsg::StartShareScreen), 6204);
    h.req(host, ClientMsg::LockShare { is_locked: false })
        .unwrap();
    // Unlocked: one sharer; a participant cannot take over, the host can.
    assert_eq!(h.code(p, ClientMsg::StartShareScreen), 6205);
    h.req(host, ClientMsg::StartShareScreen).unwrap();
    assert!(!h.user(p, mid).sharer_on, "host took over");
}

#[test]
fn share_lock_stops_forwarding_the_share() {
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    let p = h.join(&PART, "p");
    let pid = h.me(p);
    h.req(p, ClientMsg::StartShareScreen).unwrap();
    assert!(h.media.contains(&MediaAction::ShareAllowed {
        session: h.core.session_of(p).unwrap(),
        user: pid,
        allowed: true
    }));
    h.req(host, ClientMsg::LockShare { is_locked: true })
        .unwrap();
    assert!(matches!(
        h.media.last(),
        Some(MediaAction::ShareAllowed { allowed: false, .. })
    ));
}

#[test]
fn offers_go_to_the_media_plane_and_attach_is_capped() {
    let mut h = H::new();
    h.views.insert(ConnId(900), View::default());
    let offer = RtcOffer {
        sdp: "v=0".into(),
        reset: true,
        share_mids: vec![],
    };
    assert_eq!(
        h.code(ConnId(900), ClientMsg::RtcOffer(offer.clone())),
        6002
    );
    assert_eq!(h.code(ConnId(900), ClientMsg::StartVideo), 6002);
    let a = h.join(&HOST, "a");
    h.core.handle(
        h.now,
        Input::Request {
            conn: a,
            id: 4242,
            msg: ClientMsg::RtcOffer(offer),
        },
    );
    h.drain();
    assert!(
        !h.view(a).replies.contains_key(&4242),
        "the media plane replies"
    );
    assert!(matches!(
        h.media.last(),
        Some(MediaAction::Offer { id: 4242, .. })
    ));
    let others: Vec<ConnId> = (0..26).map(|i| h.join(&PART, &format!("u{i}"))).collect();
    for c in &others[..25] {
        let id = h.me(*c);
        let m = ClientMsg::AttachVideo {
            user_id: id,
            quality: 2,
        };
        assert_eq!(h.code(a, m), 0);
    }
    let id26 = h.me(others[25]);
    let m = ClientMsg::AttachVideo {
        user_id: id26,
        quality: 2,
    };
    assert_eq!(h.code(a, m.clone()), 6111);
    let bad_q = ClientMsg::AttachVideo {
        user_id: id26,
        quality: 9,
    };
    assert_eq!(h.code(a, bad_q), 4003);
    // A publisher leaving frees its place.
    h.req(others[0], ClientMsg::Leave { end: false }).unwrap();
    assert_eq!(h.code(a, m), 0);
    let unknown = ClientMsg::AttachVideo {
        user_id: UserId(999),
        quality: 1,
    };
    assert_eq!(h.code(a, unknown), 6001);
}

#[test]
fn speakers_and_quality_become_events_once() {
    let mut h = H::new();
    let a = h.join(&HOST, "Ann");
    let b = h.join(&PART, "Bob");
    let sid = h.core.session_of(a).unwrap();
    let (aid, bid) = (h.me(a), h.me(b));
    for _ in 0..2 {
        h.core.handle(
            h.now,
            Input::ActiveSpeakers {
                session: sid.clone(),
                users: vec![bid, aid],
            },
        );
        h.core.handle(
            h.now,
            Input::NetworkQuality {
                session: sid.clone(),
                user: aid,
                uplink: 5,
                downlink: 4,
            },
        );
    }
    h.drain();
    let speakers: Vec<&Event> = h
        .view(a)
        .events
        .iter()
        .filter(|e| matches!(e, Event::ActiveSpeaker(_)))
        .collect();
    assert_eq!(speakers.len(), 1, "unchanged list is not resent");
    let Event::ActiveSpeaker(list) = speakers[0] else {
        unreachable!()
    };
    assert_eq!(list[0].user_id, bid);
    assert_eq!(list[0].display_name.as_deref(), Some("Bob"));
    let quality = |h: &H, c| -> Vec<(UserId, u8)> {
        h.view(c)
            .events
            .iter()
            .filter_map(|e| match e {
                Event::NetworkQualityChange { user_id, level, .. } => Some((*user_id, *level)),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        quality(&h, a),
        [(aid, 5), (aid, 4)],
        "uplink and downlink, once each"
    );
    // Ann's camera is off: the others do not hear of her link.
    assert_eq!(quality(&h, b), []);
    // Her camera on: Bob learns where her link stands, then hears of its changes.
    h.req(a, ClientMsg::StartVideo).unwrap();
    h.core.handle(
        h.now,
        Input::NetworkQuality {
            session: sid.clone(),
            user: aid,
            uplink: 2,
            downlink: 4,
        },
    );
    h.drain();
    assert_eq!(quality(&h, b), [(aid, 5), (aid, 4), (aid, 2)]);
}

#[test]
fn leaving_drops_the_media_peer() {
    let mut h = H::new();
    let a = h.join(&HOST, "a");
    let b = h.join(&PART, "b");
    let bid = h.me(b);
    h.req(b, ClientMsg::Leave { end: false }).unwrap();
    assert!(h
        .media
        .iter()
        .any(|m| matches!(m, MediaAction::UserGone { user, .. } if *user == bid)));
    h.req(a, ClientMsg::Leave { end: true }).unwrap();
}

#[test]
fn a_speaker_only_user_is_shown_as_such_until_it_takes_the_microphone_or_leaves_audio() {
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    let p = h.join(&PART, "p");
    let pid = h.me(p);
    let start = |speaker_only| ClientMsg::StartAudio {
        mute: false,
        speaker_only,
    };
    h.req(p, start(true)).unwrap();
    let u = h.user(host, pid);
    assert!(u.is_speaker_only && u.audio == AudioKind::Computer, "{u:?}");
    // The microphone after all: still in audio, no longer speaker only.
    h.req(p, start(false)).unwrap();
    assert!(!h.user(host, pid).is_speaker_only);
    h.req(p, start(true)).unwrap();
    assert!(h.user(host, pid).is_speaker_only);
    h.req(p, ClientMsg::StopAudio).unwrap();
    let u = h.user(host, pid);
    assert!(!u.is_speaker_only && u.audio == AudioKind::None, "{u:?}");
}
