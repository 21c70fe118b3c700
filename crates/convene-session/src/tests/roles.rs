//! Roles, the privilege table and moderation.

use super::*;

#[test]
fn host_leaving_hands_over_to_longest_present_manager_then_user() {
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    let p1 = h.join(&PART, "p1");
    let m1 = h.join(&HOST, "m1");
    let _m2 = h.join(&HOST, "m2");
    h.req(host, ClientMsg::Leave { end: false }).unwrap();
    assert!(h.view(host).closed);
    let m1id = h.me(m1);
    assert!(
        h.user(p1, m1id).is_host,
        "longest-present manager becomes host"
    );
    // Now only participants after managers go.
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    let p1 = h.join(&PART, "p1");
    let p2 = h.join(&PART, "p2");
    h.req(host, ClientMsg::Leave { end: false }).unwrap();
    let p1id = h.me(p1);
    assert!(
        h.user(p2, p1id).is_host,
        "longest-present user becomes host"
    );
}

#[test]
fn original_host_reclaims() {
    let mut h = H::new();
    let a = h.join(&HOST, "a");
    let p = h.join(&PART, "p");
    let pid = h.me(p);
    h.req(a, ClientMsg::MakeHost(target(pid))).unwrap();
    let aid = h.me(a);
    assert!(h.user(p, pid).is_host);
    assert!(h.user(p, aid).is_manager, "role-1 old host becomes manager");
    assert_eq!(h.code(p, ClientMsg::ReclaimHost), 5008);
    h.req(a, ClientMsg::ReclaimHost).unwrap();
    assert!(h.user(p, aid).is_host);
    assert!(!h.user(p, pid).is_host && !h.user(p, pid).is_manager);
}

/// SPEC §5's table, role by role.
#[test]
fn privilege_table() {
    for role in ["host", "manager", "participant"] {
        let mut h = H::new();
        let host = h.join(&HOST, "host");
        let mgr = h.join(&HOST, "mgr");
        let p1 = h.join(&PART, "p1");
        let p2 = h.join(&PART, "p2");
        let m2 = h.join(&HOST, "m2");
        let me = match role {
            "host" => host,
            "manager" => mgr,
            _ => p1,
        };
        let (hid, p2id, m2id) = (h.me(host), h.me(p2), h.me(m2));
        h.req(
            p2,
            ClientMsg::StartAudio {
                mute: false,
                speaker_only: false,
            },
        )
        .unwrap();
        let want = |host_ok: u32, mgr_ok: u32, part: u32| match role {
            "host" => host_ok,
            "manager" => mgr_ok,
            _ => part,
        };
        let rename_other = ClientMsg::ChangeName {
            name: "x".into(),
            user_id: Some(p2id),
        };
        assert_eq!(
            h.code(me, rename_other),
            want(0, 0, 5006),
            "{role} rename other"
        );
        let rename_self = ClientMsg::ChangeName {
            name: "me".into(),
            user_id: None,
        };
        assert_eq!(h.code(me, rename_self), 0, "{role} rename self");
        let mute = ClientMsg::MuteAudio(TargetOpt {
            user_id: Some(p2id),
        });
        assert_eq!(h.code(me, mute), want(0, 0, 5006), "{role} mute other");
        let ask = ClientMsg::UnmuteAudio(TargetOpt {
            user_id: Some(p2id),
        });
        assert_eq!(h.code(me, ask), want(0, 0, 5006), "{role} ask unmute");
        assert_eq!(h.code(me, ClientMsg::MuteAllAudio), want(0, 0, 5006));
        assert_eq!(h.code(me, ClientMsg::UnmuteAllAudio), want(0, 0, 5006));
        let lock = ClientMsg::LockShare { is_locked: true };
        assert_eq!(h.code(me, lock), want(0, 0, 5006), "{role} lock share");
        let sp = ClientMsg::SetSharePrivilege {
            privilege: SharePrivilege::MultipleShare,
        };
        assert_eq!(h.code(me, sp), want(0, 0, 5006));
        let cp = ClientMsg::ChatSetPrivilege {
            privilege: ChatPrivilege::All,
        };
        assert_eq!(h.code(me, cp), want(0, 0, 5006), "{role} chat privilege");
        assert_eq!(
            h.code(me, ClientMsg::RemoveUser(target(m2id))),
            want(0, 5007, 5006),
            "{role} remove manager"
        );
        assert_eq!(
            h.code(me, ClientMsg::MakeManager(target(p2id))),
            want(0, 5007, 5007),
            "{role} make manager"
        );
        assert_eq!(
            h.code(me, ClientMsg::RevokeManager(target(p2id))),
            want(0, 5007, 5007)
        );
        assert_eq!(
            h.code(me, ClientMsg::RemoveUser(target(p2id))),
            want(0, 0, 5006),
            "{role} remove participant"
        );
        assert_eq!(
            h.code(me, ClientMsg::RemoveUser(target(UserId(99)))),
            want(5011, 5011, 5006)
        );
        if role != "host" {
            assert_eq!(
                h.code(me, ClientMsg::RemoveUser(target(hid))),
                want(0, 5007, 5006)
            );
            let rn = ClientMsg::ChangeName {
                name: "y".into(),
                user_id: Some(hid),
            };
            assert_eq!(h.code(me, rn), want(0, 5007, 5006), "{role} rename host");
        }
        assert_eq!(
            h.code(me, ClientMsg::Leave { end: true }),
            want(0, 5007, 5007),
            "{role} end"
        );
        if role != "host" {
            assert_eq!(h.code(me, ClientMsg::MakeHost(target(hid))), 5007);
        }
    }
}

#[test]
fn unknown_user_is_5011() {
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    for m in [
        ClientMsg::MakeHost(target(UserId(42))),
        ClientMsg::MakeManager(target(UserId(42))),
        ClientMsg::RemoveUser(target(UserId(42))),
        ClientMsg::MuteAudio(TargetOpt {
            user_id: Some(UserId(42)),
        }),
        ClientMsg::ChangeName {
            name: "x".into(),
            user_id: Some(UserId(42)),
        },
    ] {
        assert_eq!(h.code(host, m), 5011);
    }
}

#[test]
fn rename_disallowed_is_5014_for_participants_only() {
    let mut h = H::new();
    let host = h.join(&HOST, "h");
    let p = h.join(&PART, "p");
    h.req(
        host,
        ClientMsg::AllowParticipantsToRename { allowed: false },
    )
    .unwrap();
    let rn = |n: &str| ClientMsg::ChangeName {
        name: n.into(),
        user_id: None,
    };
    assert_eq!(h.code(p, rn("z")), 5014);
    assert_eq!(h.code(host, rn("z")), 0);
    let pid = h.me(p);
    assert_eq!(h.user(host, pid).display_name, "p");
}
