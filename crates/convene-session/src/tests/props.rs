//! Property test: random joins, leaves, drops, waits and role changes keep one host at
//! most, and every live view equal to the server's list.

use super::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Join(bool),
    Leave(usize),
    Drop(usize),
    Wait(u64),
    MakeHost(usize, usize),
    MakeManager(usize, usize),
    Revoke(usize, usize),
    Remove(usize, usize),
    Reclaim(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => any::<bool>().prop_map(Op::Join),
        1 => (0..8usize).prop_map(Op::Leave),
        1 => (0..8usize).prop_map(Op::Drop),
        1 => (1..200u64).prop_map(Op::Wait),
        1 => (0..8usize, 0..8usize).prop_map(|(a, b)| Op::MakeHost(a, b)),
        1 => (0..8usize, 0..8usize).prop_map(|(a, b)| Op::MakeManager(a, b)),
        1 => (0..8usize, 0..8usize).prop_map(|(a, b)| Op::Revoke(a, b)),
        1 => (0..8usize, 0..8usize).prop_map(|(a, b)| Op::Remove(a, b)),
        1 => (0..8usize).prop_map(Op::Reclaim),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn roles_and_views_stay_consistent(ops in proptest::collection::vec(op(), 1..60)) {
        let mut h = H::new();
        // Live conns with their user id and whether they joined with role 1.
        let mut live: Vec<(ConnId, UserId, bool)> = Vec::new();
        let mut seen_ids = std::collections::HashSet::new();
        let mut fp = 0;
        for op in ops {
            let pick = |i: usize, live: &Vec<(ConnId, UserId, bool)>| {
                (!live.is_empty()).then(|| live[i % live.len()])
            };
            match op {
                Op::Join(role) => {
                    fp += 1;
                    let who = if role { HOST } else { PART };
                    if let Ok((c, jr)) = h.join_full("app", "t", &who, "u", None, None, fp) {
                        if !seen_ids.insert((jr.session_id.clone(), jr.user_id)) {
                            prop_assert!(false, "user id reused");
                        }
                        live.push((c, jr.user_id, role));
                    }
                }
                Op::Leave(i) => if let Some((c, ..)) = pick(i, &live) {
                    h.req(c, ClientMsg::Leave { end: false }).unwrap();
                },
                Op::Drop(i) => if let Some((c, ..)) = pick(i, &live) {
                    h.disconnect(c);
                },
                Op::Wait(s) => h.advance(Duration::from_secs(s)),
                Op::MakeHost(a, b) | Op::MakeManager(a, b) | Op::Revoke(a, b) | Op::Remove(a, b) => {
                    if let (Some((c, ..)), Some((_, t, _))) = (pick(a, &live), pick(b, &live)) {
                        let msg = match op {
                            Op::MakeHost(..) => ClientMsg::MakeHost(target(t)),
                            Op::MakeManager(..) => ClientMsg::MakeManager(target(t)),
                            Op::Revoke(..) => ClientMsg::RevokeManager(target(t)),
                            _ => ClientMsg::RemoveUser(target(t)),
                        };
                        let caller = h.core.users_of_conn(c).unwrap();
                        let before = h.core.all_sessions_users();
                        let privileged = before.iter().any(|p| p.user_id == caller && (p.is_host || p.is_manager));
                        let r = h.req(c, msg);
                        if !privileged {
                            prop_assert!(r.is_err(), "a participant exercised a privilege");
                        }
                    }
                }
                Op::Reclaim(i) => if let Some((c, ..)) = pick(i, &live) {
                    let _ = h.req(c, ClientMsg::ReclaimHost);
                },
            }
            live.retain(|(c, ..)| !h.view(*c).closed);
            // Invariants, against the server's own list.
            let server: Vec<Participant> = h.core.all_sessions_users();
            prop_assert_eq!(h.core.user_count(), server.len(), "kept user count drifted");
            let hosts = server.iter().filter(|p| p.is_host).count();
            let role1_present = server.iter().any(|p| h.core.is_role1(p.user_id));
            prop_assert!(hosts <= 1, "more than one host");
            if role1_present {
                prop_assert_eq!(hosts, 1, "role-1 user present but no host");
            }
            for p in &server {
                prop_assert!(!(p.is_host && p.is_manager), "host and manager at once");
            }
            // Every live user's view equals the server's list.
            for (c, ..) in &live {
                let view: Vec<Participant> = h.view(*c).users.values().cloned().collect();
                prop_assert_eq!(&view, &server);
            }
        }
    }
}
