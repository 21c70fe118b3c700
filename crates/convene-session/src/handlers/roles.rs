//! Roles and moderation: host hand-over, managers, reclaiming the host role, renaming,
//! removal by a moderator.

use crate::core::Core;
use crate::reply::{Handled, Payload};
use convene_protocol::{
    normalize_user_name, ConnectionState, ErrorBody, ErrorCode, Event, ParticipantUpdate,
    SessionId, UserId,
};
use std::time::Instant;

impl Core {
    pub(crate) fn make_host(&mut self, sid: &SessionId, me: UserId, target: UserId) -> Handled {
        let s = self.session_mut(sid)?;
        s.require_host(me)?;
        s.require_user(target)?;
        let mut updates = Vec::new();
        s.transfer_host(target, &mut updates);
        self.broadcast_updates(sid, updates);
        Ok(Payload::Ack)
    }

    pub(crate) fn set_manager(
        &mut self,
        sid: &SessionId,
        me: UserId,
        target: UserId,
        on: bool,
    ) -> Handled {
        let s = self.session_mut(sid)?;
        s.require_host(me)?;
        s.require_user(target)?;
        if s.is_host(target) {
            return Err(ErrorBody::new(
                ErrorCode::InvalidParameter,
                "the host cannot be made or unmade a manager",
            ));
        }
        let mut updates = Vec::new();
        s.set_role(target, false, on, &mut updates);
        self.broadcast_updates(sid, updates);
        Ok(Payload::Ack)
    }

    pub(crate) fn reclaim_host(&mut self, sid: &SessionId, me: UserId) -> Handled {
        let s = self.session_mut(sid)?;
        s.require_original_host(me)?;
        let mut updates = Vec::new();
        s.transfer_host(me, &mut updates);
        self.broadcast_updates(sid, updates);
        Ok(Payload::Ack)
    }

    /// `removeUser`: the user is told why, closed, and may not rejoin this instance.
    pub(crate) fn remove_by_moderator(
        &mut self,
        now: Instant,
        sid: &SessionId,
        me: UserId,
        target: UserId,
    ) -> Handled {
        self.session_mut(sid)?.require_may_remove(me, target)?;
        self.kick(now, sid, target);
        Ok(Payload::Ack)
    }

    /// Removes `target`, who must be in the session: told why, closed, and barred from this
    /// instance (its identity and its token). What `removeUser` and an app's backend do.
    pub(crate) fn kick(&mut self, now: Instant, sid: &SessionId, target: UserId) {
        let Some(t) = self.sessions.get(sid).and_then(|s| s.users.get(&target)) else {
            return;
        };
        let (identity, t, fp) = (t.p.user_identity.clone(), t.conn, t.token_fingerprint);
        // Barred from the whole session, whichever room it was in.
        let main = self.main_of(sid);
        if let Some(m) = self.sessions.get_mut(&main) {
            m.removed_identities.extend(identity);
            m.removed_tokens.insert(fp);
        }
        self.send_one(
            t,
            Event::ConnectionChange {
                state: ConnectionState::Closed,
                reason: Some("kicked by host".into()),
                subsession_name: None,
            },
        );
        if let Some(c) = t {
            self.close(c);
        }
        self.remove_user(now, sid, target);
    }

    pub(crate) fn allow_rename(&mut self, sid: &SessionId, me: UserId, allowed: bool) -> Handled {
        let s = self.session_mut(sid)?;
        s.require_privileged(me)?;
        s.rename_allowed = allowed;
        Ok(Payload::Ack)
    }

    /// Renames `target` (self when `None`).
    pub(crate) fn change_name(
        &mut self,
        sid: &SessionId,
        me: UserId,
        name: String,
        target: Option<UserId>,
    ) -> Handled {
        let s = self.session_mut(sid)?;
        let target = target.unwrap_or(me);
        s.require_may_rename(me, target)?;
        let name = normalize_user_name(&name);
        // unwrap is ok because require_may_rename checked presence (me is bound to it).
        let u = s.users.get_mut(&target).expect("present");
        if u.p.display_name == name {
            return Ok(Payload::Ack);
        }
        u.p.display_name = name.clone();
        let mut d = ParticipantUpdate::new(target);
        d.display_name = Some(name);
        self.broadcast_updates(sid, vec![d]);
        Ok(Payload::Ack)
    }
}
