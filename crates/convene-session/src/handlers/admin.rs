//! What an app's backend does to a session (the REST API), applied with the host's own code
//! paths, and the session's outside view.

use crate::core::Core;
use crate::info::{Admin, AdminError, SessionInfo};
use std::time::Instant;

impl Core {
    /// Applies an administrative action: [`Admin::End`] ends the session exactly as the host's
    /// `leave(true)` does, [`Admin::Remove`] removes the user exactly as the host's
    /// `removeUser` does (the user cannot rejoin this instance). Drain [`Core::poll_output`]
    /// afterwards, as after [`Core::handle`].
    pub fn admin(&mut self, now: Instant, action: Admin) -> Result<(), AdminError> {
        // As for any input but a join or leave: the roster is told before anything else.
        self.announce_roster();
        match action {
            Admin::End { session } => {
                if !self.sessions.contains_key(&session) {
                    return Err(AdminError::NoSuchSession);
                }
                self.end_session(&session, "ended by host", None);
            }
            Admin::Remove { session, user } => {
                if !self.sessions.contains_key(&session) {
                    return Err(AdminError::NoSuchSession);
                }
                let room = self
                    .where_is(&session, user)
                    .ok_or(AdminError::NoSuchUser)?;
                self.kick(now, &room, user);
            }
        }
        Ok(())
    }

    /// The outside view of a live session.
    pub fn session_info(&self, session: &convene_protocol::SessionId) -> Option<SessionInfo> {
        let s = self.sessions.get(session)?;
        if s.parent.is_some() {
            return None;
        }
        self.group_info(session)
    }
}
