//! A session's chat history: the last messages, bounded, shared by every user's
//! `chat.getHistory`.
//!
//! One log per session instead of one list per user: memory grows with the messages, not
//! with messages times users, and it is bounded (`Config::chat_history`). Each user sees
//! what it saw while present: the messages since its join that were public or its own
//! (sent or received).

use convene_protocol::{ChatMessage, UserId};
use std::collections::VecDeque;
use std::sync::Arc;

#[derive(Debug)]
pub(crate) struct ChatLog {
    /// The kept messages, oldest first.
    kept: VecDeque<Arc<ChatMessage>>,
    /// Messages ever logged: the sequence number of the next one.
    next_seq: u64,
    cap: usize,
}

impl ChatLog {
    pub(crate) fn new(cap: usize) -> Self {
        ChatLog {
            kept: VecDeque::new(),
            next_seq: 0,
            cap,
        }
    }

    /// The sequence number of the next message: a joining user sees from here on.
    pub(crate) fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Logs `msg`, forgetting the oldest past the cap.
    pub(crate) fn push(&mut self, msg: Arc<ChatMessage>) {
        self.next_seq += 1;
        if self.cap == 0 {
            return;
        }
        if self.kept.len() == self.cap {
            self.kept.pop_front();
        }
        self.kept.push_back(msg);
    }

    /// What `me`, present since message `since`, saw among the kept messages.
    pub(crate) fn seen_by(&self, me: UserId, since: u64) -> Vec<Arc<ChatMessage>> {
        let first_kept = self.next_seq - self.kept.len() as u64;
        let skip = since.saturating_sub(first_kept) as usize;
        self.kept
            .iter()
            .skip(skip)
            .filter(|m| {
                m.receiver.user_id == UserId(0)
                    || m.receiver.user_id == me
                    || m.sender.user_id == me
            })
            .cloned()
            .collect()
    }
}
