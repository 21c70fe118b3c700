//! A session restored from its snapshot on another core: same id, roles, passcode rule and
//! user ids; users take their places back with their resume tokens.

use super::*;

#[test]
fn a_restored_session_keeps_roles_passcode_and_ids_and_takes_resumes() {
    let mut h = H::new();
    let (a, ja) = h
        .join_full("app", "Topic", &HOST, "a", Some("pw"), None, 1)
        .unwrap();
    let (b, jb) = h
        .join_full("app", "topic", &PART, "b", Some("pw"), None, 2)
        .unwrap();
    h.req(a, ClientMsg::MakeManager(target(jb.user_id)))
        .unwrap();
    h.req(
        a,
        ClientMsg::ChatSetPrivilege {
            privilege: ChatPrivilege::NoOne,
        },
    )
    .unwrap();
    let snap = h.core.snapshot(&ja.session_id).expect("a snapshot");
    // Through the store it travels as JSON.
    let snap: Snapshot = serde_json::from_str(&serde_json::to_string(&snap).unwrap()).unwrap();

    let mut n = H::new();
    n.now = h.now;
    assert!(n.core.restore(n.now, snap.clone()));
    assert!(!n.core.restore(n.now, snap), "one session per id and topic");
    let users = n.core.users_of(&ja.session_id).expect("restored");
    assert_eq!(users.len(), 2);
    assert!(users.iter().all(|p| p.is_in_failover));

    // Both come back with their own ids and roles.
    let a2 = n
        .resume(ja.session_id.clone(), ja.user_id, ja.resume_token.clone())
        .expect("host resumes");
    let b2 = n
        .resume(jb.session_id.clone(), jb.user_id, jb.resume_token.clone())
        .expect("manager resumes");
    assert!(n.user(b2, ja.user_id).is_host);
    assert!(n.user(a2, jb.user_id).is_manager);
    assert!(!n.user(a2, jb.user_id).is_in_failover);
    // The passcode rule and the privileges hold, and the next joiner gets a new id.
    let wrong = n.join_full("app", "TOPIC", &PART, "c", Some("no"), None, 3);
    assert_eq!(
        wrong.unwrap_err().error_code,
        ErrorCode::IncorrectPasscode.code()
    );
    let (c, jc) = n
        .join_full("app", "TOPIC", &PART, "c", Some("pw"), None, 4)
        .unwrap();
    assert_eq!(jc.session_id, ja.session_id);
    assert!(jc.user_id.0 > jb.user_id.0, "ids are never reused");
    let chat = ClientMsg::ChatSendToAll { text: "hi".into() };
    assert_eq!(n.code(c, chat), ErrorCode::ChatNotPermitted.code());
    let _ = (a, b);
}

#[test]
fn a_restored_user_who_never_comes_back_leaves_when_the_window_passes() {
    let mut h = H::new();
    let (_a, ja) = h.join_full("app", "t", &HOST, "a", None, None, 1).unwrap();
    let (_b, jb) = h.join_full("app", "t", &PART, "b", None, None, 2).unwrap();
    let snap = h.core.snapshot(&ja.session_id).unwrap();
    let mut n = H::new();
    n.core.restore(n.now, snap);
    let a2 = n
        .resume(ja.session_id.clone(), ja.user_id, ja.resume_token.clone())
        .unwrap();
    assert!(n
        .resume(jb.session_id.clone(), jb.user_id, "guess".into())
        .is_none());
    n.advance(Config::default().failover_window + Duration::from_secs(1));
    let users = n.core.users_of(&ja.session_id).unwrap();
    assert_eq!(users.len(), 1, "b did not resume in time");
    assert!(n
        .view(a2)
        .events
        .iter()
        .any(|e| matches!(e, Event::UserRemoved(r) if r.iter().any(|p| p.user_id == jb.user_id))));
}
