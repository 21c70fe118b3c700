//! Screen share: starting (with take-over), stopping, and the share privilege (locked,
//! one sharer, several sharers).

use crate::core::Core;
use crate::reply::{Handled, Payload};
use crate::session::push_update;
use convene_protocol::{
    Event, ParticipantUpdate, SessionId, SharePrivilege, ShareState, StartStop, StopShareReason,
    UserId,
};

impl Core {
    /// Starts `me`'s share; a moderator takes over from the current sharer unless several
    /// may share.
    pub(crate) fn start_share(&mut self, sid: &SessionId, me: UserId) -> Handled {
        let s = self.session_mut(sid)?;
        if s.users[&me].p.sharer_on {
            return Ok(Payload::Ack);
        }
        s.require_may_share(me)?;
        let mut updates = Vec::new();
        let mut taken_over = Vec::new();
        if s.share_privilege != SharePrivilege::MultipleShare {
            for id in s.sharers.clone() {
                s.stop_share(id, &mut updates);
                taken_over.push(id);
            }
        }
        // unwrap is ok because `me` is bound to this session.
        s.users.get_mut(&me).expect("present").p.sharer_on = true;
        s.sharers.push(me);
        let mut d = ParticipantUpdate::new(me);
        d.sharer_on = Some(true);
        push_update(&mut updates, d);
        for id in taken_over {
            self.passively_stopped(sid, id);
        }
        self.broadcast_updates(sid, updates);
        self.announce_share(sid, me, true);
        Ok(Payload::Ack)
    }

    pub(crate) fn stop_share(&mut self, sid: &SessionId, me: UserId) -> Handled {
        let mut updates = Vec::new();
        if self.session_mut(sid)?.stop_share(me, &mut updates) {
            self.broadcast_updates(sid, updates);
            self.announce_share(sid, me, false);
        }
        Ok(Payload::Ack)
    }

    pub(crate) fn lock_share(&mut self, sid: &SessionId, me: UserId, locked: bool) -> Handled {
        let p = if locked {
            SharePrivilege::Locked
        } else {
            SharePrivilege::Unlocked
        };
        self.set_share_privilege(sid, me, p)
    }

    /// Sets the share privilege and stops the shares it no longer allows.
    pub(crate) fn set_share_privilege(
        &mut self,
        sid: &SessionId,
        me: UserId,
        p: SharePrivilege,
    ) -> Handled {
        let s = self.session_mut(sid)?;
        s.require_privileged(me)?;
        s.share_privilege = p;
        let mut updates = Vec::new();
        let mut stopped = Vec::new();
        match p {
            SharePrivilege::Locked => {
                for id in s.sharers.clone() {
                    if !s.is_privileged(id) && s.stop_share(id, &mut updates) {
                        stopped.push(id);
                    }
                }
            }
            SharePrivilege::Unlocked => {
                // One sharer at a time: the latest keeps sharing.
                let n = s.sharers.len();
                for id in s.sharers.clone().into_iter().take(n.saturating_sub(1)) {
                    if s.stop_share(id, &mut updates) {
                        stopped.push(id);
                    }
                }
            }
            SharePrivilege::MultipleShare => {}
        }
        let all = s.conns_except(None);
        self.send(all, Event::SharePrivilegeChange { privilege: p });
        for id in stopped {
            self.passively_stopped(sid, id);
        }
        self.broadcast_updates(sid, updates);
        Ok(Payload::Ack)
    }

    /// Tells `id` its share was stopped by someone else, and everyone that it stopped.
    fn passively_stopped(&mut self, sid: &SessionId, id: UserId) {
        let conn = self
            .sessions
            .get(sid)
            .and_then(|s| s.users.get(&id))
            .and_then(|u| u.conn);
        self.send_one(
            conn,
            Event::PassivelyStopShare(StopShareReason::PrivilegeChange),
        );
        self.announce_share(sid, id, false);
    }

    /// `peer-share-state-change` and `active-share-change` to everyone but the sharer.
    fn announce_share(&mut self, sid: &SessionId, id: UserId, on: bool) {
        let Some(s) = self.sessions.get(sid) else {
            return;
        };
        let others = s.conns_except(Some(id));
        self.send(
            others.clone(),
            Event::PeerShareStateChange {
                user_id: id,
                action: StartStop::from_on(on),
            },
        );
        self.send(
            others,
            Event::ActiveShareChange {
                state: if on {
                    ShareState::Active
                } else {
                    ShareState::Inactive
                },
                user_id: id,
            },
        );
    }
}
