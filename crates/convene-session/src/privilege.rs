//! The privilege rules of SPEC §5, each defined once: who holds a privilege, and the refusal
//! (code and reason) each missing privilege gets. Handlers only ask.

use crate::session::Session;
use convene_protocol::{ChatPrivilege, ErrorBody, ErrorCode, SharePrivilege, UserId};

type Rule = Result<(), ErrorBody>;

impl Session {
    /// The host or a manager.
    pub(crate) fn is_privileged(&self, id: UserId) -> bool {
        self.users
            .get(&id)
            .is_some_and(|u| u.p.is_host || u.p.is_manager)
    }

    pub(crate) fn is_host(&self, id: UserId) -> bool {
        self.host == Some(id)
    }

    /// Moderation (mute all, locks, chat privilege, removal...) needs the host or a manager.
    pub(crate) fn require_privileged(&self, me: UserId) -> Rule {
        if self.is_privileged(me) {
            Ok(())
        } else {
            Err(ErrorBody::new(
                ErrorCode::HostOrManagerRequired,
                "needs the host or a manager",
            ))
        }
    }

    /// Role changes need the host.
    pub(crate) fn require_host(&self, me: UserId) -> Rule {
        if self.is_host(me) {
            Ok(())
        } else {
            Err(ErrorBody::new(ErrorCode::HostRequired, "needs the host"))
        }
    }

    /// A target user must be in this session.
    pub(crate) fn require_user(&self, id: UserId) -> Rule {
        if self.users.contains_key(&id) {
            Ok(())
        } else {
            Err(ErrorBody::new(
                ErrorCode::MismatchUser,
                format!("no user {id} in this session"),
            ))
        }
    }

    /// Acting on another user's audio or name needs the host or a manager, and that user.
    pub(crate) fn require_may_act_on(&self, me: UserId, target: UserId) -> Rule {
        self.require_privileged(me)?;
        self.require_user(target)
    }

    /// Renaming: oneself unless the host forbade it (moderators always may); another user
    /// as a moderator, but the host only by the host.
    pub(crate) fn require_may_rename(&self, me: UserId, target: UserId) -> Rule {
        if target == me {
            if !self.rename_allowed && !self.is_privileged(me) {
                return Err(ErrorBody::new(
                    ErrorCode::HostDisallowRename,
                    "the host does not allow renaming",
                ));
            }
            return Ok(());
        }
        self.require_may_act_on(me, target)?;
        if self.is_host(target) {
            return Err(ErrorBody::new(
                ErrorCode::HostRequired,
                "only the host can rename the host",
            ));
        }
        Ok(())
    }

    /// Removing: a moderator removes another user, but the host or a manager only the host.
    pub(crate) fn require_may_remove(&self, me: UserId, target: UserId) -> Rule {
        self.require_may_act_on(me, target)?;
        if target == me {
            return Err(ErrorBody::new(
                ErrorCode::InvalidParameter,
                "cannot remove yourself; use leave",
            ));
        }
        // Indexing is ok because require_may_act_on checked the target is present.
        let t = &self.users[&target];
        if !self.is_host(me) && (t.p.is_host || t.p.is_manager) {
            return Err(ErrorBody::new(
                ErrorCode::HostRequired,
                "only the host can remove the host or a manager",
            ));
        }
        Ok(())
    }

    /// Ending the session for everyone needs the host.
    pub(crate) fn require_may_end(&self, me: UserId) -> Rule {
        if self.is_host(me) {
            Ok(())
        } else {
            Err(ErrorBody::new(
                ErrorCode::HostRequired,
                "only the host can end the session",
            ))
        }
    }

    /// Cloud recording (start, stop, pause, resume) and live streaming need the host
    /// (SPEC §5: 5007).
    pub(crate) fn require_may_record(&self, me: UserId) -> Rule {
        if self.is_host(me) {
            Ok(())
        } else {
            Err(ErrorBody::new(
                ErrorCode::HostRequired,
                "only the host can record the session",
            ))
        }
    }

    /// Reclaiming the host role needs the original host.
    pub(crate) fn require_original_host(&self, me: UserId) -> Rule {
        if self.original_host == Some(me) {
            Ok(())
        } else {
            Err(ErrorBody::new(
                ErrorCode::OriginalHostRequired,
                "only the original host can reclaim the host role",
            ))
        }
    }

    /// The chat privilege binds participants only; `private` is a message to one user.
    pub(crate) fn require_may_chat(&self, me: UserId, private: bool) -> Rule {
        if self.is_privileged(me) {
            return Ok(());
        }
        match self.chat_privilege {
            ChatPrivilege::NoOne => Err(ErrorBody::new(
                ErrorCode::ChatNotPermitted,
                "chat is disabled",
            )),
            ChatPrivilege::EveryonePublicly if private => Err(ErrorBody::new(
                ErrorCode::ChatNotPermitted,
                "only public messages are allowed",
            )),
            _ => Ok(()),
        }
    }

    /// Starting a share: locked shares are for moderators; unless several may share, a
    /// participant cannot take over someone's share (moderators can).
    pub(crate) fn require_may_share(&self, me: UserId) -> Rule {
        if self.is_privileged(me) {
            return Ok(());
        }
        match (self.share_privilege, self.sharers.first()) {
            (SharePrivilege::Locked, _) => Err(ErrorBody::new(
                ErrorCode::ShareHostPrivilegeRequired,
                "screen share is locked: only the host and managers can share",
            )),
            (SharePrivilege::MultipleShare, _) | (_, None) => Ok(()),
            (_, Some(other)) => Err(ErrorBody::new(
                ErrorCode::ShareMismatchState,
                format!("user {other} is sharing"),
            )),
        }
    }
}
