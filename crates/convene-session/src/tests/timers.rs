//! The idle timeout and failover expiry, in virtual time.

use super::*;

#[test]
fn idle_timeout_uses_the_hosts_value_and_is_cancelled_by_a_second_user() {
    let mut h = H::new();
    let (a, _) = h
        .join_full("app", "t", &HOST, "a", None, Some(5.0), 1)
        .unwrap();
    h.advance(Duration::from_secs(4 * 60));
    let (b, _) = h.join_full("app", "t", &PART, "b", None, None, 2).unwrap();
    h.advance(Duration::from_secs(10 * 60));
    assert!(!h.view(a).closed, "two users: no idle timeout");
    h.req(b, ClientMsg::Leave { end: false }).unwrap();
    h.advance(Duration::from_secs(5 * 60 - 1));
    assert!(!h.view(a).closed);
    h.advance(Duration::from_secs(1));
    assert!(h.view(a).closed);
    assert_eq!(
        h.last_close_reason(a).as_deref(),
        Some("session idle timeout")
    );
    assert_eq!(h.core.session_count(), 0);
}

#[test]
fn idle_timeout_for_a_lone_participant_is_40_minutes() {
    let mut h = H::new();
    let (a, _) = h
        .join_full("app", "t", &HOST, "a", None, Some(1.0), 1)
        .unwrap();
    let (p, _) = h
        .join_full("app", "t", &PART, "p", None, Some(1.0), 2)
        .unwrap();
    // The host leaves: the participant becomes host but its own value (1) counts only if
    // it is host; it is, after hand-over. Make it not host by having a manager take it.
    h.req(a, ClientMsg::Leave { end: false }).unwrap();
    assert!(h.user(p, h.me(p)).is_host);
    h.advance(Duration::from_secs(60));
    assert!(h.view(p).closed, "host's own idleTimeoutMins counts");

    let mut h = H::new();
    let (p, _) = h
        .join_full("app", "t", &PART, "p", None, Some(1.0), 1)
        .unwrap();
    // p is not host (no role-1 joined yet).
    h.advance(Duration::from_secs(39 * 60));
    assert!(!h.view(p).closed);
    h.advance(Duration::from_secs(60));
    assert!(h.view(p).closed);
}

#[test]
fn failover_window_expiry_removes_and_hands_over_host() {
    let mut h = H::new();
    let (a, jr) = h.join_full("app", "t", &HOST, "a", None, None, 1).unwrap();
    let (b, jb) = h.join_full("app", "t", &PART, "b", None, None, 2).unwrap();
    h.disconnect(a);
    h.advance(Duration::from_secs(119));
    assert!(h.view(b).users.contains_key(&jr.user_id));
    h.advance(Duration::from_secs(1));
    assert!(!h.view(b).users.contains_key(&jr.user_id));
    assert!(h.user(b, jb.user_id).is_host);
}
