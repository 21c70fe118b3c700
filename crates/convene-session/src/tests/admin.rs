//! What an app's backend does (`Core::admin`), the outside view (`session_info`), and the
//! lifecycle notices webhooks are made of.

use super::*;

/// The events a connection saw, as JSON, for comparing two runs.
fn seen(h: &H, c: ConnId) -> Vec<String> {
    h.view(c)
        .events
        .iter()
        .map(|e| serde_json::to_string(e).unwrap())
        .collect()
}

/// A host, a manager and a participant in "Topic"; returns (host, manager, participant, sid).
fn room(h: &mut H) -> (ConnId, ConnId, ConnId, SessionId) {
    let (a, ja) = h
        .join_full("app", "Topic", &HOST, "a", None, None, 1)
        .unwrap();
    let m = h.join(&HOST, "m");
    let p = h.join(&PART, "p");
    // Joins are announced before anything else the test looks at.
    h.advance(Duration::from_secs(1));
    (a, m, p, ja.session_id)
}

#[test]
fn an_admin_end_is_what_the_others_see_when_the_host_ends() {
    let mut by_host = H::new();
    let (a, m, p, _) = room(&mut by_host);
    by_host.req(a, ClientMsg::Leave { end: true }).unwrap();

    let mut by_admin = H::new();
    let (a2, m2, p2, sid) = room(&mut by_admin);
    let now = by_admin.now;
    by_admin
        .core
        .admin(
            now,
            Admin::End {
                session: sid.clone(),
            },
        )
        .unwrap();
    by_admin.drain();

    for (x, y) in [(m, m2), (p, p2)] {
        assert_eq!(seen(&by_host, x), seen(&by_admin, y));
        assert!(by_admin.view(y).closed);
        assert_eq!(
            by_admin.last_close_reason(y).as_deref(),
            Some("ended by host")
        );
    }
    // The host, who did not end it this time, is told like everyone else.
    assert_eq!(
        by_admin.last_close_reason(a2).as_deref(),
        Some("ended by host")
    );
    assert!(by_admin.core.is_empty());
    assert_eq!(
        by_admin.core.admin(now, Admin::End { session: sid }),
        Err(AdminError::NoSuchSession)
    );
}

#[test]
fn an_admin_removal_is_the_hosts_removal_and_bars_the_identity() {
    let mut by_host = H::new();
    let (a, m, p, _) = room(&mut by_host);
    let pid = by_host.me(p);
    by_host.req(a, ClientMsg::RemoveUser(target(pid))).unwrap();

    let mut by_admin = H::new();
    let (a2, m2, p2, sid) = room(&mut by_admin);
    let now = by_admin.now;
    by_admin
        .core
        .admin(
            now,
            Admin::Remove {
                session: sid.clone(),
                user: pid,
            },
        )
        .unwrap();
    by_admin.drain();
    for (x, y) in [(a, a2), (m, m2), (p, p2)] {
        assert_eq!(seen(&by_host, x), seen(&by_admin, y));
    }
    assert!(by_admin.view(p2).closed);
    assert_eq!(
        by_admin.last_close_reason(p2).as_deref(),
        Some("kicked by host")
    );
    // The same token cannot come back (3009).
    let back = by_admin.join_full("app", "Topic", &PART, "p", None, None, 3);
    assert_eq!(back.unwrap_err().error_code, 3009);
    assert_eq!(
        by_admin.core.admin(
            now,
            Admin::Remove {
                session: sid.clone(),
                user: pid
            }
        ),
        Err(AdminError::NoSuchUser)
    );
    // An admin may remove the host too; the host role passes on.
    let hid = by_admin.me(a2);
    by_admin
        .core
        .admin(
            now,
            Admin::Remove {
                session: sid,
                user: hid,
            },
        )
        .unwrap();
    by_admin.drain();
    let mid = by_admin.me(m2);
    assert!(by_admin.user(m2, mid).is_host);
}

#[test]
fn session_info_is_the_outside_view() {
    let mut h = H::new();
    let (_a, ja) = h
        .join_full("app", "My Topic", &HOST, "a", Some("pw"), None, 1)
        .unwrap();
    h.join_full("app", "my topic", &PART, "b", Some("pw"), None, 2)
        .unwrap();
    let info = h.core.session_info(&ja.session_id).unwrap();
    assert_eq!(
        info,
        SessionInfo {
            session_id: ja.session_id.clone(),
            app_key: "app".into(),
            topic: "My Topic".into(),
            started_ms: 1_000_000,
            has_passcode: true,
            user_count: 2,
        }
    );
    assert_eq!(h.core.session_info(&SessionId("nope".into())), None);
}

#[test]
fn every_join_has_its_leave_and_a_session_starts_and_ends_once() {
    let mut h = H::new();
    let a = h.join(&HOST, "a");
    let b = h.join(&PART, "b");
    let c = h.join(&PART, "c");
    h.req(c, ClientMsg::Leave { end: false }).unwrap();
    // Failover is not leaving; its expiry is.
    h.disconnect(b);
    h.advance(Config::default().failover_window);
    h.req(a, ClientMsg::Leave { end: true }).unwrap();
    // A refused starter starts nothing.
    let bad = h.join_full("app", "", &HOST, "x", None, None, 9);
    assert!(bad.is_err());
    let log: Vec<(&str, Option<u32>, usize)> = h
        .lifecycle
        .iter()
        .map(|l| {
            (
                l.event.name(),
                l.user.as_ref().map(|u| u.user_id.0),
                l.session.user_count,
            )
        })
        .collect();
    assert_eq!(
        log,
        vec![
            ("session.started", None, 1),
            ("session.user_joined", Some(1), 1),
            ("session.user_joined", Some(2), 2),
            ("session.user_joined", Some(3), 3),
            ("session.user_left", Some(3), 2),
            ("session.user_left", Some(2), 1),
            ("session.user_left", Some(1), 0),
            ("session.ended", None, 0),
        ]
    );
}
