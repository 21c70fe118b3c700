//! Roster changes told to a session: joins (`user-added`) and departures (`user-removed`).
//! In a session of `Config::join_announce_from` users or more they wait for a window and go
//! out together, so a storm of joins, or everyone leaving at the end of a webinar, costs each
//! present user one message per window instead of one per joiner or leaver.

use crate::core::Core;
use convene_protocol::{Event, Participant, UserId};
use std::time::Instant;

impl Core {
    /// The pending joiners and departures go out at the latest `windows` join windows from
    /// now (`Config::join_announce_window` each, at most 20).
    pub(crate) fn announce_within(&mut self, now: Instant, windows: usize) {
        let by = now + self.config.join_announce_window * windows.min(20) as u32;
        self.announce_by = Some(self.announce_by.map_or(by, |t| t.min(by)));
    }

    /// Tells everyone about every joiner and departure not yet announced (at their deadline,
    /// or before an administrative action): joins first (a user id is never given out twice,
    /// so a joiner who left again is added, then removed).
    pub(crate) fn announce_roster(&mut self) {
        self.announce_by = None;
        self.announce_joins();
        self.announce_departures();
    }

    /// Tells everyone about the joiners not yet announced, in one `user-added` per session for
    /// those present before them. Each joiner got the users before it in its join reply, so it
    /// is told only of those who joined after it. A storm of joins thus costs each present user
    /// one message per batch instead of one per joiner.
    pub(crate) fn announce_joins(&mut self) {
        if self.unannounced.is_empty() {
            return;
        }
        let joins = std::mem::take(&mut self.unannounced);
        let mut start = 0;
        while start < joins.len() {
            let sid = joins[start].0.clone();
            let end = start + joins[start..].iter().take_while(|(s, _)| *s == sid).count();
            let batch: Vec<UserId> = joins[start..end].iter().map(|(_, u)| *u).collect();
            start = end;
            let Some(s) = self.sessions.get(&sid) else {
                continue;
            };
            let present: Vec<UserId> = batch
                .iter()
                .copied()
                .filter(|u| s.users.contains_key(u) && !s.egress.contains(u))
                .collect();
            let card = |u: &UserId| s.users[u].p.clone();
            // Ids follow join order and every later joiner is in this batch: those present
            // before it are exactly the ids below its first.
            let before = s
                .users
                .range(..batch[0])
                .filter_map(|(_, u)| u.conn)
                .collect();
            let mut sends = vec![(before, present.iter().map(card).collect::<Vec<_>>())];
            for (i, u) in present.iter().enumerate() {
                let later: Vec<Participant> = present[i + 1..].iter().map(card).collect();
                if let (Some(c), false) = (s.users[u].conn, later.is_empty()) {
                    sends.push((vec![c], later));
                }
            }
            for (to, users) in sends {
                if !users.is_empty() {
                    self.send(to, Event::UserAdded(users));
                }
            }
        }
    }

    /// Tells each session's users, in one `user-removed` per session, who left since the last
    /// announcement. Users who joined meanwhile hear of departures of users they never met;
    /// clients ignore those.
    pub(crate) fn announce_departures(&mut self) {
        let gone = std::mem::take(&mut self.departed);
        let mut start = 0;
        while start < gone.len() {
            let sid = gone[start].0.clone();
            let end = start + gone[start..].iter().take_while(|(s, _)| *s == sid).count();
            let batch = gone[start..end].iter().map(|(_, g)| g.clone()).collect();
            start = end;
            if let Some(s) = self.sessions.get(&sid) {
                let to = s.conns_except(None);
                self.send(to, Event::UserRemoved(batch));
            }
        }
    }
}
