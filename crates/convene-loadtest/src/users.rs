//! Users of a run: tokens minted locally, joins run `concurrency` at a time with each
//! `join()` timed, user lists checked against the server's, and everyone leaving at once.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use convene_client::Client;

use crate::progress::Progress;
use crate::scenario::gated;
use crate::LoadOptions;

/// One user to join: its global index (names and identities are `load-{index}`), the topic,
/// and whether it is its session's host.
#[derive(Debug, Clone)]
pub(crate) struct Seat {
    pub(crate) index: usize,
    pub(crate) topic: String,
    pub(crate) host: bool,
}

/// A joined user.
pub(crate) struct Joined {
    pub(crate) seat: Seat,
    pub(crate) client: Client,
}

/// The outcome of a join phase.
pub(crate) struct JoinPhase {
    /// Joined users, in seat order.
    pub(crate) users: Vec<Joined>,
    /// Latency of each successful `join()`, ms.
    pub(crate) latencies_ms: Vec<f64>,
    pub(crate) failures: usize,
    pub(crate) first_error: Option<String>,
    /// Wall time of the whole phase.
    pub(crate) secs: f64,
}

fn mint(o: &LoadOptions, seat: &Seat) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let role = if seat.host {
        convene_auth::Role::Host
    } else {
        convene_auth::Role::Participant
    };
    let mut m = convene_auth::MintOptions::new(&o.key, &o.secret, &seat.topic, role, now);
    // Distinct identities, so one removal never bans another (SPEC §4, 3009).
    m.user_identity = Some(format!("load-{}", seat.index));
    convene_auth::mint(&m)
}

/// `--url a,b,c`: user `i` starts at node `i mod n`, and knows the others for failover.
fn spread(urls: &str, i: usize) -> String {
    let all: Vec<&str> = urls
        .split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .collect();
    if all.len() < 2 {
        return urls.to_owned();
    }
    let k = i % all.len();
    [&all[k..], &all[..k]].concat().join(",")
}

async fn join_one(o: &LoadOptions, seat: &Seat) -> Result<(Client, f64), String> {
    let c = Client::new();
    c.init(&spread(&o.url, seat.index))
        .await
        .map_err(|e| e.to_string())?;
    let token = mint(o, seat);
    let t = Instant::now();
    c.join(
        &seat.topic,
        &token,
        &format!("load-{}", seat.index),
        None,
        None,
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok((c, t.elapsed().as_secs_f64() * 1000.0))
}

/// Joins every seat, at most `o.concurrency` joins in flight at any time. A panicking join
/// task is a bug in this crate and is carried on (see [`gated`]).
pub(crate) async fn join_all(o: &LoadOptions, seats: Vec<Seat>, progress: &Progress) -> JoinPhase {
    progress.phase("joining", seats.len());
    let start = Instant::now();
    let results = gated(seats, o.concurrency, progress, {
        // `gated` clones the closure once per seat: share the options rather than copy them.
        let o = Arc::new(o.clone());
        move |seat| {
            let o = Arc::clone(&o);
            async move {
                let r = join_one(&o, &seat).await;
                (seat, r)
            }
        }
    })
    .await;
    let mut phase = JoinPhase {
        users: Vec::with_capacity(results.len()),
        latencies_ms: Vec::with_capacity(results.len()),
        failures: 0,
        first_error: None,
        secs: 0.0,
    };
    for (seat, r) in results {
        match r {
            Ok((client, ms)) => {
                phase.users.push(Joined { seat, client });
                phase.latencies_ms.push(ms);
            }
            Err(e) => {
                phase.failures += 1;
                phase.first_error.get_or_insert(e);
            }
        }
    }
    phase.secs = start.elapsed().as_secs_f64();
    phase
}

/// The user ids a client holds in its own list.
fn local_ids(c: &Client) -> BTreeSet<u32> {
    c.get_all_user().iter().map(|p| p.user_id.0).collect()
}

/// Whether every user's own list equals the server's list of its session (a fresh
/// `getAllUser` by the session's first user here), checked until it holds or `settle` has
/// passed: user-added events of the last joins may still be on their way.
pub(crate) async fn lists_consistent(
    users: &[Joined],
    settle: Duration,
    progress: &Progress,
) -> bool {
    let end = Instant::now() + settle;
    progress.phase("checking lists", 0);
    loop {
        if lists_match_once(users).await {
            return true;
        }
        if Instant::now() >= end {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn lists_match_once(users: &[Joined]) -> bool {
    let mut i = 0;
    while i < users.len() {
        let topic = &users[i].seat.topic;
        let same = users[i..]
            .iter()
            .take_while(|u| &u.seat.topic == topic)
            .count();
        let Ok(server) = users[i].client.fetch_all_users().await else {
            return false;
        };
        let server: BTreeSet<u32> = server.iter().map(|p| p.user_id.0).collect();
        let mine = &users[i..i + same];
        // Our own users must be on the server's list, and every list must be the server's.
        let ours_present = mine.iter().all(|u| {
            u.client
                .get_current_user_info()
                .is_some_and(|me| server.contains(&me.user_id.0))
        });
        if !ours_present || mine.iter().any(|u| local_ids(&u.client) != server) {
            return false;
        }
        i += same;
    }
    true
}

/// Everyone leaves at once (a sequential teardown of thousands of users takes minutes).
pub(crate) async fn leave_all(users: Vec<Joined>, progress: &Progress) {
    progress.phase("leaving", users.len());
    let tasks: Vec<_> = users
        .into_iter()
        .map(|u| {
            let progress = progress.clone();
            tokio::spawn(async move {
                let _ = u.client.leave(false).await;
                let _ = u.client.destroy().await;
                progress.inc();
            })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
}
