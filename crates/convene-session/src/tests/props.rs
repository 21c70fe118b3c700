//! Property test: random joins, leaves, drops, resumes, waits, role changes and joins racing
//! a close on the same connection keep one host at most, every live view equal to the
//! server's list, and every user either bound to a live connection or in failover with a
//! deadline ahead; once the failover window passes, every user whose connection went is
//! resumed or removed (never both, never neither).

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
    /// A user in failover resumes on a new connection.
    Resume(usize),
    /// A connection leaves, and a join it had already sent arrives after the close.
    LeaveThenJoin(usize, bool),
    /// A join (or a `Disconnected`) arrives on a connection the core closed earlier.
    LateJoin(usize, bool),
    LateDrop(usize),
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
        1 => (0..8usize).prop_map(Op::Resume),
        1 => (0..8usize, any::<bool>()).prop_map(|(i, r)| Op::LeaveThenJoin(i, r)),
        1 => (0..8usize, any::<bool>()).prop_map(|(i, r)| Op::LateJoin(i, r)),
        1 => (0..8usize).prop_map(Op::LateDrop),
    ]
}

/// Every user is bound to a live connection, or in failover with its deadline ahead; every
/// live connection that joined is still bound (a user removed behind a live socket would
/// have been both resumed and removed).
fn links_hold(h: &H, live: &[(ConnId, UserId, bool)]) -> Result<(), TestCaseError> {
    for (sid, uid, conn, deadline) in h.core.user_links() {
        match conn {
            Some(c) => prop_assert!(
                !h.view(c).closed,
                "user {uid} of {sid} bound to closed connection {c:?}: a ghost"
            ),
            None => prop_assert!(
                deadline.is_some_and(|d| d > h.now),
                "user {uid} of {sid} has no connection and no failover deadline ahead"
            ),
        }
    }
    for (c, uid, _) in live {
        prop_assert_eq!(
            h.core.users_of_conn(*c),
            Some(*uid),
            "live connection lost its user"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn roles_views_and_failover_stay_consistent(ops in proptest::collection::vec(op(), 1..60)) {
        let mut h = H::new();
        // Live conns with their user id and whether they joined with role 1.
        let mut live: Vec<(ConnId, UserId, bool)> = Vec::new();
        // Conns the core closed and the driver has not reported gone: late inputs come
        // from them (a reported one sends nothing more).
        let mut dead: Vec<ConnId> = Vec::new();
        let mut reported = std::collections::HashSet::new();
        let mut tokens: HashMap<(SessionId, UserId), (String, bool)> = HashMap::new();
        let mut seen_ids = std::collections::HashSet::new();
        let mut fp = 0;
        for op in ops {
            let pick = |i: usize, v: &Vec<(ConnId, UserId, bool)>| {
                (!v.is_empty()).then(|| v[i % v.len()])
            };
            match op {
                Op::Join(role) => {
                    fp += 1;
                    let who = if role { HOST } else { PART };
                    if let Ok((c, jr)) = h.join_full("app", "Topic", &who, "u", None, None, fp) {
                        if !seen_ids.insert((jr.session_id.clone(), jr.user_id)) {
                            prop_assert!(false, "user id reused");
                        }
                        tokens.insert((jr.session_id, jr.user_id), (jr.resume_token, role));
                        live.push((c, jr.user_id, role));
                    }
                }
                Op::Leave(i) => if let Some((c, ..)) = pick(i, &live) {
                    h.req(c, ClientMsg::Leave { end: false }).unwrap();
                },
                Op::Drop(i) => if let Some((c, ..)) = pick(i, &live) {
                    h.disconnect(c);
                    reported.insert(c);
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
                Op::Resume(i) => {
                    let waiting: Vec<(SessionId, UserId)> = h
                        .core
                        .user_links()
                        .into_iter()
                        .filter(|l| l.2.is_none())
                        .map(|l| (l.0, l.1))
                        .collect();
                    if !waiting.is_empty() {
                        let (sid, uid) = waiting[i % waiting.len()].clone();
                        let (tok, role) = tokens[&(sid.clone(), uid)].clone();
                        let c = h.resume(sid, uid, tok);
                        prop_assert!(c.is_some(), "a user in failover could not resume");
                        live.push((c.unwrap(), uid, role));
                    }
                }
                Op::LeaveThenJoin(i, role) => if let Some((c, ..)) = pick(i, &live) {
                    h.req(c, ClientMsg::Leave { end: false }).unwrap();
                    fp += 1;
                    h.join_on(c, if role { &HOST } else { &PART }, fp);
                },
                Op::LateJoin(i, role) => if !dead.is_empty() {
                    fp += 1;
                    h.join_on(dead[i % dead.len()], if role { &HOST } else { &PART }, fp);
                },
                Op::LateDrop(i) => if !dead.is_empty() {
                    let c = dead.swap_remove(i % dead.len());
                    h.core.handle(h.now, Input::Disconnected { conn: c });
                    h.drain();
                },
            }
            for (c, ..) in live.iter().filter(|(c, ..)| h.view(*c).closed && !reported.contains(c)) {
                dead.push(*c);
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
            links_hold(&h, &live)?;
        }
        // Once the failover window passes, nobody is left without a connection.
        h.advance(h.core.config.failover_window + Duration::from_secs(1));
        links_hold(&h, &live)?;
        for (sid, uid, conn, _) in h.core.user_links() {
            prop_assert!(conn.is_some(), "user {uid} of {sid} neither resumed nor removed");
        }
    }
}
