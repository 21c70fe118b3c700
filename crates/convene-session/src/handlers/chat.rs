//! Chat (public and private messages, the chat privilege, the session's bounded history, a
//! per-user rate limit) and the command channel (rate-limited text to one user or all).

use crate::core::Core;
use crate::reply::{Handled, Payload};
use convene_protocol::{
    ChatMessage, ChatPrivilege, ChatUser, CommandChannelMsg, ErrorBody, ErrorCode, Event,
    SessionId, UserId, MAX_CHAT_BYTES, MAX_COMMAND_BYTES,
};
use std::sync::Arc;
use std::time::Instant;

impl Core {
    /// A chat message to everyone (`to` is `None`) or to one other user. Sender and
    /// receivers keep it in their histories.
    pub(crate) fn chat(
        &mut self,
        now: Instant,
        sid: &SessionId,
        me: UserId,
        text: String,
        to: Option<UserId>,
    ) -> Handled {
        let ts = self.epoch_ms(now);
        let rate = self.config.chat_rate_per_sec;
        let s = self.session_mut(sid)?;
        if text.is_empty() {
            return Err(ErrorBody::new(
                ErrorCode::ChatEmptyMessage,
                "message is empty",
            ));
        }
        s.require_may_chat(me, to.is_some())?;
        let receiver = match to {
            Some(t) => {
                let Some(u) = s.users.get(&t).filter(|_| t != me) else {
                    return Err(ErrorBody::new(
                        ErrorCode::ChatInvalidUser,
                        format!("no user {t}"),
                    ));
                };
                ChatUser {
                    name: u.p.display_name.clone(),
                    user_id: t,
                }
            }
            None => ChatUser {
                name: "Everyone".into(),
                user_id: UserId(0),
            },
        };
        // Counted last, so refused messages cost nothing; unwrap is ok because `me` is
        // bound to this session.
        let u = s.users.get_mut(&me).expect("present");
        if !u.chat_window.allow(now, rate) {
            return Err(ErrorBody::new(
                ErrorCode::ChatRateLimited,
                format!("rate limit: at most {rate} chat messages per second"),
            ));
        }
        let msg = Arc::new(ChatMessage {
            id: s.msg_id(),
            message: truncate_bytes(&text, MAX_CHAT_BYTES),
            sender: ChatUser {
                name: s.users[&me].p.display_name.clone(),
                user_id: me,
            },
            receiver,
            timestamp: ts,
        });
        let to_conns = match to {
            Some(t) => s.users[&t].conn.into_iter().collect(),
            None => s.conns_except(Some(me)),
        };
        let m = (*msg).clone();
        s.chat.push(msg);
        self.send(to_conns, Event::ChatOnMessage(m.clone()));
        Ok(Payload::Chat(m))
    }

    /// The messages `me` saw while present, among the session's last
    /// `Config::chat_history`.
    pub(crate) fn chat_history(&mut self, sid: &SessionId, me: UserId) -> Handled {
        let s = self.session_mut(sid)?;
        let since = s.users[&me].chat_since;
        Ok(Payload::History(s.chat.seen_by(me, since)))
    }

    pub(crate) fn set_chat_privilege(
        &mut self,
        sid: &SessionId,
        me: UserId,
        privilege: ChatPrivilege,
    ) -> Handled {
        let s = self.session_mut(sid)?;
        // SPEC §5 lists 5006 for a participant here (the reference SDK's 7003 is not used).
        s.require_privileged(me)?;
        s.chat_privilege = privilege;
        let to = s.conns_except(None);
        self.send(
            to,
            Event::ChatPrivilegeChange {
                chat_privilege: privilege,
            },
        );
        Ok(Payload::Ack)
    }

    /// A command channel message to one other user or everyone else.
    pub(crate) fn command(
        &mut self,
        now: Instant,
        sid: &SessionId,
        me: UserId,
        text: serde_json::Value,
        to: Option<UserId>,
    ) -> Handled {
        let ts = self.epoch_ms(now);
        let rate = self.config.command_rate_per_sec;
        let s = self.session_mut(sid)?;
        let serde_json::Value::String(text) = text else {
            return Err(ErrorBody::new(
                ErrorCode::CommandNotString,
                "text must be a string",
            ));
        };
        if text.is_empty() {
            return Err(ErrorBody::new(ErrorCode::CommandEmpty, "message is empty"));
        }
        if text.len() > MAX_COMMAND_BYTES {
            return Err(ErrorBody::new(
                ErrorCode::CommandTooLong,
                format!(
                    "message is {} bytes; at most {MAX_COMMAND_BYTES}",
                    text.len()
                ),
            ));
        }
        let receiver = match to {
            Some(t) if t == me || !s.users.contains_key(&t) => {
                return Err(ErrorBody::new(
                    ErrorCode::CommandInvalidUser,
                    format!("no user {t}"),
                ))
            }
            other => other,
        };
        // unwrap is ok because `me` is bound to this session.
        let u = s.users.get_mut(&me).expect("present");
        if !u.cmd_window.allow(now, rate) {
            return Err(ErrorBody::new(
                ErrorCode::CommandRateLimited,
                format!("rate limit: at most {rate} messages per second"),
            ));
        }
        let sender_name = u.p.display_name.clone();
        let msgid = s.msg_id();
        let to_conns = match receiver {
            Some(t) => s.users[&t].conn.into_iter().collect(),
            None => s.conns_except(Some(me)),
        };
        self.send(
            to_conns,
            Event::CommandChannelMessage {
                sender_id: me.0.to_string(),
                sender_name: sender_name.clone(),
                text: text.clone(),
                timestamp: ts,
                msgid: msgid.clone(),
            },
        );
        Ok(Payload::Command(CommandChannelMsg {
            sender_id: me,
            sender_name,
            receiver_id: receiver,
            text,
            timestamp: ts,
            msgid,
        }))
    }
}

/// `s` cut to at most `max` bytes, on a character boundary.
fn truncate_bytes(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}
