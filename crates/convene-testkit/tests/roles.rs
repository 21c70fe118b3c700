//! SPEC §5: every row of the privilege table, for each role, over the wire.

use convene_testkit::*;

/// A session with a host, two managers and two participants.
struct Room {
    _server: TestServer,
    host: Peer,
    m: Peer,
    m2: Peer,
    p: Peer,
    p2: Peer,
}

async fn room(topic: &str) -> Room {
    let server = TestServer::start().await;
    let host = Peer::join(&server, topic, Role::Host, "Host").await;
    let m = Peer::join(&server, topic, Role::Host, "Manager").await;
    let m2 = Peer::join(&server, topic, Role::Host, "Manager2").await;
    let p = Peer::join(&server, topic, Role::Participant, "Part").await;
    let p2 = Peer::join(&server, topic, Role::Participant, "Part2").await;
    // Everyone sees everyone before the test starts.
    for peer in [&host, &m, &m2, &p, &p2] {
        let c = &peer.client;
        wait_until("all five users listed", || c.get_all_user().len() == 5).await;
    }
    assert!(host.client.is_host());
    assert!(m.client.is_manager() && m2.client.is_manager());
    assert!(!p.client.is_host() && !p.client.is_manager());
    Room {
        _server: server,
        host,
        m,
        m2,
        p,
        p2,
    }
}

const NOBODY: UserId = UserId(9999);

#[tokio::test]
async fn rename_self_and_others() {
    let mut r = room("roles-rename").await;
    let (h, m, p, p2) = (r.host.id, r.m.id, r.p.id, r.p2.id);

    // Rename self: every role.
    assert_ok(
        r.host.client.change_name("H1", None).await,
        "host renames self",
    );
    assert_ok(
        r.m.client.change_name("M1", None).await,
        "manager renames self",
    );
    assert_ok(
        r.p.client.change_name("P1", None).await,
        "participant renames self",
    );
    r.p2.wait_user(p, "p renamed", |u| u.display_name == "P1")
        .await;
    r.p2.wait_user(h, "host renamed", |u| u.display_name == "H1")
        .await;
    r.p2.wait_user(m, "manager renamed", |u| u.display_name == "M1")
        .await;

    // Rename another: host and manager yes, participant 5006.
    assert_ok(
        r.host.client.change_name("byHost", Some(p)).await,
        "host renames p",
    );
    r.p.wait_user(p, "p sees its new name", |u| u.display_name == "byHost")
        .await;
    assert_ok(
        r.m.client.change_name("byMgr", Some(p)).await,
        "manager renames p",
    );
    r.p2.wait_user(p, "p2 sees manager's rename", |u| u.display_name == "byMgr")
        .await;
    assert_ok(
        r.host.client.change_name("mgrByHost", Some(m)).await,
        "host renames manager",
    );
    assert_code(
        r.p.client.change_name("x", Some(p2)).await,
        5006,
        "participant renames p2",
    );
    assert_code(
        r.p.client.change_name("x", Some(m)).await,
        5006,
        "participant renames manager",
    );

    // The rename is broadcast as user-updated with only the changed field.
    let ev =
        r.p2.wait_for(|e| is_user_updated(e, p, |u| u.display_name.as_deref() == Some("byMgr")))
            .await;
    if let Some(Event::UserUpdated(v)) = ev.as_session() {
        let u = v.iter().find(|u| u.user_id == p).unwrap();
        assert_eq!(u.is_host, None, "only changed fields: {u:?}");
        assert_eq!(u.muted, None, "only changed fields: {u:?}");
    }

    // Nobody but the host renames the host.
    assert_code(
        r.m.client.change_name("x", Some(h)).await,
        5007,
        "manager renames host",
    );
    assert_code(
        r.p.client.change_name("x", Some(h)).await,
        5006,
        "participant renames host",
    );
    assert_ok(
        r.host.client.change_name("HostAgain", Some(h)).await,
        "host renames self by id",
    );
    r.p.wait_user(h, "host renamed by id", |u| u.display_name == "HostAgain")
        .await;

    // Unknown user.
    assert_code(
        r.host.client.change_name("x", Some(NOBODY)).await,
        5011,
        "host renames nobody",
    );
    assert_code(
        r.m.client.change_name("x", Some(NOBODY)).await,
        5011,
        "manager renames nobody",
    );

    // Host disallows renaming: participants get 5014, host and managers still may.
    assert_ok(
        r.host.client.allow_participants_to_rename(false).await,
        "disallow rename",
    );
    assert_code(
        r.p.client.change_name("nope", None).await,
        5014,
        "participant renames self when disallowed",
    );
    assert_ok(
        r.m.client.change_name("M2", None).await,
        "manager renames self when disallowed",
    );
    assert_ok(
        r.host.client.allow_participants_to_rename(true).await,
        "allow rename",
    );
    assert_ok(
        r.p.client.change_name("P2", None).await,
        "participant renames self again",
    );
    assert_code(
        r.p.client.allow_participants_to_rename(false).await,
        5006,
        "participant forbids rename",
    );
}

#[tokio::test]
async fn mute_and_ask_unmute() {
    let mut r = room("roles-mute").await;
    let (p, p2) = (r.p.id, r.p2.id);
    assert_ok(r.p.client.start_audio(false).await, "p starts audio");
    assert_ok(r.p2.client.start_audio(false).await, "p2 starts audio");
    r.host
        .wait_user(p, "p unmuted with audio", |u| u.muted == Some(false))
        .await;
    r.host
        .wait_user(p2, "p2 unmuted with audio", |u| u.muted == Some(false))
        .await;

    // Mute another: host.
    assert_ok(r.host.client.mute_audio(Some(p)).await, "host mutes p");
    r.p.wait_for(|e| matches!(e.as_session(), Some(Event::CurrentAudioChange { action, .. }) if *action == convene_protocol::AudioAction::Muted)).await;
    r.p2.wait_user(p, "p muted", |u| u.muted == Some(true))
        .await;
    assert_ok(r.p.client.unmute_audio(None).await, "p unmutes self");
    r.m.wait_user(p, "p unmuted", |u| u.muted == Some(false))
        .await;
    // Manager.
    assert_ok(r.m.client.mute_audio(Some(p)).await, "manager mutes p");
    r.p2.wait_user(p, "p muted by manager", |u| u.muted == Some(true))
        .await;
    // Participant.
    assert_code(
        r.p2.client.mute_audio(Some(p)).await,
        5006,
        "participant mutes p",
    );
    assert_code(
        r.host.client.mute_audio(Some(NOBODY)).await,
        5011,
        "host mutes nobody",
    );

    // Ask to unmute: the user is asked, never forced.
    assert_ok(r.host.client.unmute_audio(Some(p)).await, "host asks p");
    r.p.wait_for(|e| matches!(e.as_session(), Some(Event::HostAskUnmuteAudio { reason }) if *reason == convene_protocol::AskUnmuteReason::Unmute)).await;
    assert_eq!(
        r.p.client.get_current_user_info().unwrap().muted,
        Some(true),
        "not forced"
    );
    assert_ok(r.m.client.unmute_audio(Some(p)).await, "manager asks p");
    r.p.wait_for(|e| matches!(e.as_session(), Some(Event::HostAskUnmuteAudio { .. })))
        .await;
    assert_code(
        r.p2.client.unmute_audio(Some(p)).await,
        5006,
        "participant asks p",
    );
    assert_code(
        r.m.client.unmute_audio(Some(NOBODY)).await,
        5011,
        "manager asks nobody",
    );
    let server_view = r.host.client.fetch_all_users().await.unwrap();
    let pv = server_view.iter().find(|u| u.user_id == p).unwrap();
    assert_eq!(pv.muted, Some(true), "asking never unmutes");

    // Mute all / ask all: host and manager, not participants.
    assert_code(
        r.p.client.mute_all_audio().await,
        5006,
        "participant mutes all",
    );
    assert_code(
        r.p.client.unmute_all_audio().await,
        5006,
        "participant asks all",
    );
    assert_ok(r.host.client.mute_all_audio().await, "host mutes all");
    r.m.wait_user(p2, "p2 muted by mute all", |u| u.muted == Some(true))
        .await;
    assert_ok(r.host.client.unmute_all_audio().await, "host asks all");
    r.p2.wait_for(|e| matches!(e.as_session(), Some(Event::HostAskUnmuteAudio { .. })))
        .await;
    assert_ok(r.p2.client.unmute_audio(None).await, "p2 unmutes");
    r.m.wait_user(p2, "p2 unmuted", |u| u.muted == Some(false))
        .await;
    assert_ok(r.m.client.mute_all_audio().await, "manager mutes all");
    r.host
        .wait_user(p2, "p2 muted by manager's mute all", |u| {
            u.muted == Some(true)
        })
        .await;
    assert_ok(r.m.client.unmute_all_audio().await, "manager asks all");
    r.p2.wait_for(|e| matches!(e.as_session(), Some(Event::HostAskUnmuteAudio { .. })))
        .await;
}

#[tokio::test]
async fn remove_participants_and_managers() {
    let server = TestServer::start().await;
    let t = "roles-remove";
    let mut host = Peer::join(&server, t, Role::Host, "Host").await;
    let m = Peer::join(&server, t, Role::Host, "M").await;
    let m2 = Peer::join(&server, t, Role::Host, "M2").await;
    let mut p = Peer::join(&server, t, Role::Participant, "P").await;
    let mut p2 = Peer::join(&server, t, Role::Participant, "P2").await;
    let p3 = Peer::join(&server, t, Role::Participant, "P3").await;
    let hc = &host.client;
    wait_until("six users", || hc.get_all_user().len() == 6).await;

    // Participants remove nobody (5006), whoever the target.
    assert_code(
        p.client.remove_user(p2.id).await,
        5006,
        "participant removes participant",
    );
    assert_code(
        p.client.remove_user(m.id).await,
        5006,
        "participant removes manager",
    );
    assert_code(
        p.client.remove_user(host.id).await,
        5006,
        "participant removes host",
    );
    // Managers remove participants only.
    assert_code(
        m.client.remove_user(m2.id).await,
        5007,
        "manager removes manager",
    );
    assert_code(
        m.client.remove_user(host.id).await,
        5007,
        "manager removes host",
    );
    assert_code(
        m.client.remove_user(NOBODY).await,
        5011,
        "manager removes nobody",
    );
    assert_code(
        host.client.remove_user(NOBODY).await,
        5011,
        "host removes nobody",
    );

    assert_ok(
        m.client.remove_user(p.id).await,
        "manager removes participant",
    );
    p.wait_for(|e| is_conn_change(e, ConnectionState::Closed, Some("kicked by host")))
        .await;
    p2.wait_for(|e| is_user_removed(e, p.id)).await;

    assert_ok(
        host.client.remove_user(p3.id).await,
        "host removes participant",
    );
    p2.wait_for(|e| is_user_removed(e, p3.id)).await;
    assert_ok(host.client.remove_user(m2.id).await, "host removes manager");
    host.wait_for(|e| is_user_removed(e, m2.id)).await;
    p2.wait_gone(m2.id).await;
    let server_ids: Vec<UserId> = host
        .client
        .fetch_all_users()
        .await
        .unwrap()
        .iter()
        .map(|u| u.user_id)
        .collect();
    assert_eq!(server_ids, vec![host.id, m.id, p2.id]);
}

#[tokio::test]
async fn make_host_and_managers() {
    let mut r = room("roles-make").await;
    let (h, m, m2, p, p2) = (r.host.id, r.m.id, r.m2.id, r.p.id, r.p2.id);

    // Only the host makes or revokes managers and hands over the host role.
    for (who, c) in [("manager", &r.m.client), ("participant", &r.p.client)] {
        assert_code(
            c.make_manager(p2).await,
            5007,
            &format!("{who} makes manager"),
        );
        assert_code(
            c.revoke_manager(m2).await,
            5007,
            &format!("{who} revokes manager"),
        );
        assert_code(c.make_host(p2).await, 5007, &format!("{who} makes host"));
    }
    assert_code(
        r.host.client.make_manager(NOBODY).await,
        5011,
        "host makes nobody manager",
    );
    assert_code(
        r.host.client.revoke_manager(NOBODY).await,
        5011,
        "host revokes nobody",
    );
    assert_code(
        r.host.client.make_host(NOBODY).await,
        5011,
        "host makes nobody host",
    );

    assert_ok(r.host.client.make_manager(p).await, "host makes p manager");
    r.p2.wait_user(p, "p is manager", |u| u.is_manager).await;
    r.p.wait_for(|e| is_user_updated(e, p, |u| u.is_manager == Some(true)))
        .await;
    assert!(r.p.client.is_manager());
    // A new manager has a manager's rights at once.
    assert_ok(
        r.p.client
            .change_name("renamed by new manager", Some(p2))
            .await,
        "new manager renames p2",
    );
    assert_ok(r.host.client.revoke_manager(p).await, "host revokes p");
    r.p2.wait_user(p, "p no longer manager", |u| !u.is_manager)
        .await;
    assert_code(
        r.p.client.change_name("x", Some(p2)).await,
        5006,
        "ex-manager renames p2",
    );
    assert_ok(r.host.client.revoke_manager(m2).await, "host revokes m2");
    r.p.wait_user(m2, "m2 no longer manager", |u| !u.is_manager)
        .await;

    // Make host: a role-1 caller becomes a manager.
    assert_ok(r.host.client.make_host(p2).await, "host makes p2 host");
    for peer in [&r.host, &r.m, &r.p] {
        peer.wait_user(p2, "p2 is host", |u| u.is_host && !u.is_manager)
            .await;
        peer.wait_user(h, "old host is manager", |u| !u.is_host && u.is_manager)
            .await;
    }
    assert_eq!(r.m.client.get_session_host().map(|u| u.user_id), Some(p2));
    // The old host now has a manager's rights only.
    assert_code(
        r.host.client.make_manager(p).await,
        5007,
        "ex-host makes manager",
    );
    // A role-0 host handing over becomes a participant.
    assert_ok(r.p2.client.make_host(p).await, "p2 makes p host");
    r.m.wait_user(p, "p is host", |u| u.is_host).await;
    r.m.wait_user(p2, "p2 is a participant again", |u| {
        !u.is_host && !u.is_manager
    })
    .await;
    // The original host reclaims; nobody else can.
    assert_code(
        r.m.client.reclaim_host().await,
        5008,
        "manager reclaims host",
    );
    assert_code(
        r.p.client.reclaim_host().await,
        5008,
        "current non-original host reclaims",
    );
    assert!(r.host.client.is_original_host());
    assert_ok(r.host.client.reclaim_host().await, "original host reclaims");
    r.m.wait_user(h, "original host is host again", |u| u.is_host)
        .await;
    r.m.wait_user(p, "p is a participant again", |u| {
        !u.is_host && !u.is_manager
    })
    .await;
    let _ = m;
}

#[tokio::test]
async fn share_and_chat_privileges() {
    let mut r = room("roles-privileges").await;
    for (who, c) in [("host", &r.host.client), ("manager", &r.m.client)] {
        assert_ok(c.lock_share(true).await, &format!("{who} locks share"));
        r.p.wait_for(|e| {
            matches!(
                e.as_session(),
                Some(Event::SharePrivilegeChange {
                    privilege: SharePrivilege::Locked
                })
            )
        })
        .await;
        assert_ok(c.lock_share(false).await, &format!("{who} unlocks share"));
        r.p.wait_for(|e| {
            matches!(
                e.as_session(),
                Some(Event::SharePrivilegeChange {
                    privilege: SharePrivilege::Unlocked
                })
            )
        })
        .await;
        assert_ok(
            c.set_share_privilege(SharePrivilege::MultipleShare).await,
            &format!("{who} sets share privilege"),
        );
        r.p.wait_for(|e| {
            matches!(
                e.as_session(),
                Some(Event::SharePrivilegeChange {
                    privilege: SharePrivilege::MultipleShare
                })
            )
        })
        .await;
        assert_ok(
            c.chat_set_privilege(ChatPrivilege::EveryonePublicly).await,
            &format!("{who} sets chat privilege"),
        );
        r.p.wait_for(|e| {
            matches!(
                e.as_session(),
                Some(Event::ChatPrivilegeChange {
                    chat_privilege: ChatPrivilege::EveryonePublicly
                })
            )
        })
        .await;
        assert_ok(
            c.chat_set_privilege(ChatPrivilege::All).await,
            &format!("{who} resets chat privilege"),
        );
    }
    let pc = &r.p.client;
    wait_until("p sees chat privilege All", || {
        pc.get_chat_privilege() == Some(ChatPrivilege::All)
    })
    .await;
    assert_code(
        r.p.client.lock_share(true).await,
        5006,
        "participant locks share",
    );
    assert_code(
        r.p.client.set_share_privilege(SharePrivilege::Locked).await,
        5006,
        "participant sets share privilege",
    );
    assert_code(
        r.p.client.chat_set_privilege(ChatPrivilege::NoOne).await,
        5006,
        "participant sets chat privilege",
    );
    assert_eq!(
        r.p2.client.get_share_privilege(),
        Some(SharePrivilege::MultipleShare)
    );
    // Locking share stops a participant's share.
    assert_ok(r.p.client.start_share_screen().await, "p shares");
    r.host.wait_user(r.p.id, "p sharing", |u| u.sharer_on).await;
    assert_ok(r.host.client.lock_share(true).await, "host locks share");
    r.p.wait_for(|e| matches!(e.as_session(), Some(Event::PassivelyStopShare(_))))
        .await;
    r.p2.wait_user(r.p.id, "p no longer sharing", |u| !u.sharer_on)
        .await;
    assert_code(
        r.p.client.start_share_screen().await,
        6204,
        "participant shares while locked",
    );
    let _ = &r.m2;
}

#[tokio::test]
async fn only_the_host_ends_the_session() {
    let mut r = room("roles-end").await;
    assert_code(r.m.client.leave(true).await, 5007, "manager ends");
    assert_code(r.p.client.leave(true).await, 5007, "participant ends");
    // Refused end leaves them in the session.
    assert!(r.m.client.get_session_info().is_in_meeting);
    assert_ok(
        r.m.client.chat_send_to_all("still here").await,
        "manager still in session",
    );
    assert_ok(r.host.client.leave(true).await, "host ends");
    for peer in [&mut r.m, &mut r.m2, &mut r.p, &mut r.p2] {
        peer.wait_for(|e| is_conn_change(e, ConnectionState::Closed, Some("ended by host")))
            .await;
    }
}
