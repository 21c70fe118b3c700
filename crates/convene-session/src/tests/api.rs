//! The public queries a driver uses: `is_empty`, `session_ids`, `users_of`, `media_state`.

use super::*;

#[test]
fn is_empty_and_session_ids_follow_the_sessions() {
    let mut h = H::new();
    assert!(h.core.is_empty());
    assert!(h.core.session_ids().is_empty());
    let (a, ja) = h
        .join_full("app", "one", &HOST, "a", None, None, 1)
        .unwrap();
    let (b, jb) = h
        .join_full("app", "two", &HOST, "b", None, None, 2)
        .unwrap();
    assert!(!h.core.is_empty());
    let mut ids = h.core.session_ids();
    ids.sort();
    let mut want = vec![ja.session_id.clone(), jb.session_id.clone()];
    want.sort();
    assert_eq!(ids, want);
    h.req(a, ClientMsg::Leave { end: false }).unwrap();
    assert_eq!(h.core.session_ids(), vec![jb.session_id.clone()]);
    assert!(!h.core.is_empty());
    // Failover keeps the session; its expiry ends it.
    h.disconnect(b);
    assert!(!h.core.is_empty());
    h.advance(Config::default().failover_window);
    assert!(h.core.is_empty());
    assert!(h.core.session_ids().is_empty());
    assert_eq!(h.core.users_of(&jb.session_id), None);
}

#[test]
fn an_ended_or_idle_session_leaves_the_core_empty() {
    let mut h = H::new();
    let (a, _) = h.join_full("app", "t", &HOST, "a", None, None, 1).unwrap();
    let (_b, _) = h.join_full("app", "t", &PART, "b", None, None, 2).unwrap();
    h.req(a, ClientMsg::Leave { end: true }).unwrap();
    assert!(h.core.is_empty());
    let (_c, _) = h
        .join_full("app", "t", &HOST, "c", None, Some(1.0), 3)
        .unwrap();
    assert!(!h.core.is_empty());
    h.advance(Duration::from_secs(60));
    assert!(h.core.is_empty());
}

#[test]
fn users_of_and_media_state_take_a_session_id() {
    let mut h = H::new();
    let (a, ja) = h.join_full("app", "t", &HOST, "a", None, None, 1).unwrap();
    let (b, jb) = h.join_full("app", "t", &PART, "b", None, None, 2).unwrap();
    let sid = ja.session_id.clone();
    let users = h.core.users_of(&sid).unwrap();
    assert_eq!(
        users,
        ja.users
            .iter()
            .chain(&jb.users[1..])
            .cloned()
            .collect::<Vec<_>>()
    );
    assert_eq!(h.core.users_of(&SessionId::from("nope")), None);
    h.req(
        b,
        ClientMsg::StartAudio {
            mute: false,
            speaker_only: false,
        },
    )
    .unwrap();
    h.req(b, ClientMsg::StartVideo).unwrap();
    h.req(
        a,
        ClientMsg::AttachVideo {
            user_id: jb.user_id,
            quality: 3,
        },
    )
    .unwrap();
    let st = h.core.media_state(&sid, jb.user_id).unwrap();
    assert!(st.audio_allowed && st.video_allowed && !st.share_allowed);
    let st = h.core.media_state(&sid, ja.user_id).unwrap();
    assert_eq!(st.attached, vec![(jb.user_id, 3)]);
    assert!(!st.audio_allowed);
    assert_eq!(h.core.media_state(&sid, UserId(99)), None);
    assert_eq!(h.core.media_state(&"nope".into(), ja.user_id), None);
    // Media actions carry the same typed id.
    assert!(h.media.contains(&MediaAction::Attach {
        session: sid,
        subscriber: ja.user_id,
        publisher: jb.user_id,
        quality: 3,
    }));
}
