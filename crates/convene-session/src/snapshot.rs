//! A session's durable state, and a session brought back from it on another core.
//!
//! When several nodes share sessions, the node that hosts one keeps its [`Snapshot`] in a
//! shared store; when that node dies, another node restores the session from it: same id,
//! topic, passcode, roles and privileges, and every user kept in failover with the same
//! user id and resume token, so each SDK's ordinary `resume` takes its place back. A
//! cloud recording that ran goes on: the restored session starts a new egress worker (a new
//! file on the new node), paused if it was. What a snapshot does not hold is lost with the
//! node: chat history, media state (everyone comes back with audio, video and share off),
//! rate windows, attached videos, a live stream, the old node's unfinished file.

use crate::card::Card;
use crate::core::Core;
use crate::output::{EgressAction, Output};
use crate::session::{Session, SessionKey, User};
use convene_protocol::{
    ChatPrivilege, Participant, RecordingStatus, SessionId, SharePrivilege, UserId,
};
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// What survives the node that hosts a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// The session instance.
    pub session_id: SessionId,
    /// The app it belongs to.
    pub app: String,
    /// The topic as its starter wrote it.
    pub topic: String,
    /// When it started, milliseconds since the Unix epoch.
    pub started_ms: u64,
    /// The passcode, if any.
    pub passcode: Option<String>,
    /// The token `session_key` it was started with, if any.
    pub session_key: Option<String>,
    /// The id the next joiner gets.
    pub next_user_id: u64,
    /// The host, and the first role-1 joiner.
    pub host: Option<UserId>,
    /// The first role-1 joiner.
    pub original_host: Option<UserId>,
    /// Privileges.
    pub chat_privilege: ChatPrivilege,
    /// Share lock.
    pub share_privilege: SharePrivilege,
    /// Participants may rename themselves.
    pub rename_allowed: bool,
    /// Identities removed from this session (refused on rejoin), sorted.
    pub removed_identities: Vec<String>,
    /// Token fingerprints removed from this session, sorted.
    pub removed_tokens: Vec<u64>,
    /// Everyone in it, in id order (recording workers left out: they end with the node).
    pub users: Vec<SnapshotUser>,
    /// The cloud recording's state (absent in snapshots of servers before it: stopped).
    #[serde(default)]
    pub recording: RecordingStatus,
}

/// One user as a snapshot keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotUser {
    /// What everyone sees of it (its roles included).
    pub participant: Participant,
    /// Joined with a role-1 token.
    pub role1: bool,
    /// The `idleTimeoutMins` it joined with.
    pub idle_timeout_mins: u32,
    /// Its secret for `resume`.
    pub resume_token: String,
    /// Fingerprint of the token it joined with.
    pub token_fingerprint: u64,
}

impl Core {
    /// The durable state of session `id`; `None` when it is not here.
    pub fn snapshot(&self, id: &SessionId) -> Option<Snapshot> {
        let s = self.sessions.get(id)?;
        let mut removed_identities: Vec<String> = s.removed_identities.iter().cloned().collect();
        removed_identities.sort();
        let mut removed_tokens: Vec<u64> = s.removed_tokens.iter().copied().collect();
        removed_tokens.sort();
        Some(Snapshot {
            session_id: s.id.clone(),
            app: s.key.app.clone(),
            topic: s.topic.clone(),
            started_ms: s.started_ms,
            passcode: s.passcode.clone(),
            session_key: s.session_key.clone(),
            next_user_id: s.next_user_id,
            host: s.host,
            original_host: s.original_host,
            chat_privilege: s.chat_privilege,
            share_privilege: s.share_privilege,
            rename_allowed: s.rename_allowed,
            removed_identities,
            removed_tokens,
            recording: s.recording,
            // Rooms are not kept: their users come back in the main session.
            users: self
                .group(id)
                .iter()
                .flat_map(|r| {
                    let room = &self.sessions[r];
                    room.users
                        .values()
                        .filter(|u| !room.egress.contains(&u.p.user_id))
                })
                .map(|u| SnapshotUser {
                    participant: (*u.p).clone(),
                    role1: u.role1,
                    idle_timeout_mins: u.idle_timeout_mins,
                    resume_token: u.resume_token.clone(),
                    token_fingerprint: u.token_fingerprint,
                })
                .collect(),
        })
    }

    /// Brings a session back from its snapshot, every user in failover until it resumes or
    /// the failover window passes. Refused (`false`) when this core already holds a session
    /// of that id or of that app and topic.
    pub fn restore(&mut self, now: Instant, snap: Snapshot) -> bool {
        let key = SessionKey {
            app: snap.app.clone(),
            topic: snap.topic.to_lowercase(),
        };
        if self.sessions.contains_key(&snap.session_id) || self.by_key.contains_key(&key) {
            return false;
        }
        let sid = snap.session_id.clone();
        let mut s = Session::new(
            sid.clone(),
            snap.topic,
            key.clone(),
            snap.started_ms,
            self.config.chat_history,
        );
        s.passcode = snap.passcode;
        s.session_key = snap.session_key;
        s.next_user_id = snap.next_user_id;
        s.host = snap.host;
        s.original_host = snap.original_host;
        s.chat_privilege = snap.chat_privilege;
        s.share_privilege = snap.share_privilege;
        s.rename_allowed = snap.rename_allowed;
        s.removed_identities = snap.removed_identities.into_iter().collect();
        s.removed_tokens = snap.removed_tokens.into_iter().collect();
        if snap.recording != RecordingStatus::Stopped && self.config.cloud_recording {
            // The worker ended with the old node: a new one records on here.
            s.recording = snap.recording;
            s.recording_run += 1;
            self.out.push_back(Output::Egress(EgressAction::Start {
                session: sid.clone(),
                topic: s.topic.clone(),
                passcode: s.passcode.clone(),
                session_key: s.session_key.clone(),
                run: s.recording_run,
            }));
        }
        let deadline = now + self.config.failover_window;
        let mut ids = Vec::with_capacity(snap.users.len());
        for u in snap.users {
            let mut p = u.participant;
            // Its media went with the old node: it starts again from nothing.
            p.audio = convene_protocol::AudioKind::None;
            p.muted = None;
            p.is_speaker_only = false;
            p.b_video_on = false;
            p.sharer_on = false;
            p.is_in_failover = true;
            ids.push(p.user_id);
            s.users.insert(
                p.user_id,
                User {
                    p: Card::new(p),
                    conn: None,
                    role1: u.role1,
                    idle_timeout_mins: u.idle_timeout_mins,
                    resume_token: u.resume_token,
                    failover_deadline: Some(deadline),
                    cmd_window: Default::default(),
                    chat_window: Default::default(),
                    chat_since: s.chat.next_seq(),
                    token_fingerprint: u.token_fingerprint,
                    attached: Default::default(),
                    quality: None,
                },
            );
        }
        self.users_total += ids.len();
        self.sessions.insert(sid.clone(), s);
        self.by_key.insert(key, sid.clone());
        for uid in ids {
            self.arm_failover(deadline, &sid, uid);
        }
        self.rearm_idle(now, &sid);
        true
    }
}
