//! One session instance and its users: plain data plus the role changes that need only it.
//! Who may do what is in [`crate::privilege`].

use crate::card::Card;
use crate::chat_log::ChatLog;
use crate::input::ConnId;
use crate::output::MediaState;
use crate::rate::RateWindow;
use convene_protocol::{
    AudioKind, ChatPrivilege, LiveStreamStatus, Participant, ParticipantUpdate, RecordingStatus,
    SessionId, SharePrivilege, UserId,
};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Instant;

/// A user of one session instance.
#[derive(Debug)]
pub(crate) struct User {
    /// What everyone sees.
    pub(crate) p: Card,
    /// The live connection; `None` while in failover.
    pub(crate) conn: Option<ConnId>,
    /// Joined with a role-1 token (may hold host/manager).
    pub(crate) role1: bool,
    /// The `idleTimeoutMins` this user joined with.
    pub(crate) idle_timeout_mins: u32,
    /// Secret for `resume`.
    pub(crate) resume_token: String,
    /// When the failover window ends, while in failover.
    pub(crate) failover_deadline: Option<Instant>,
    /// Command channel messages in the current second.
    pub(crate) cmd_window: RateWindow,
    /// Chat messages in the current second.
    pub(crate) chat_window: RateWindow,
    /// The first chat message this user saw: the log's next message when it joined.
    pub(crate) chat_since: u64,
    /// Fingerprint of the token used to join (refused after removal).
    pub(crate) token_fingerprint: u64,
    /// Users whose camera this user attached (at most 25).
    pub(crate) attached: BTreeMap<UserId, u8>,
    /// Last reported (uplink, downlink) quality.
    pub(crate) quality: Option<(u8, u8)>,
}

/// How joins find a session instance: sessions of different apps never meet, and topics
/// match case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct SessionKey {
    /// The token's app key.
    pub(crate) app: String,
    /// The lower-cased topic.
    pub(crate) topic: String,
}

impl User {
    /// Its audio is forwarded only while it is in computer audio and unmuted.
    pub(crate) fn audio_forwarded(&self) -> bool {
        self.p.audio == AudioKind::Computer && self.p.muted == Some(false)
    }

    /// What the media plane must know about it, see [`crate::Core::media_state`].
    pub(crate) fn media_state(&self) -> MediaState {
        MediaState {
            audio_allowed: self.audio_forwarded(),
            video_allowed: self.p.b_video_on,
            share_allowed: self.p.sharer_on,
            attached: self.attached.iter().map(|(k, v)| (*k, *v)).collect(),
            hears_everyone: false,
        }
    }
}

/// One instance of a session (a fresh one each time the topic is started).
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) id: SessionId,
    pub(crate) key: SessionKey,
    pub(crate) topic: String,
    /// When it started, milliseconds since the Unix epoch.
    pub(crate) started_ms: u64,
    pub(crate) passcode: Option<String>,
    pub(crate) session_key: Option<String>,
    /// Ordered by id, which is join order: the first entries are the longest present.
    pub(crate) users: BTreeMap<UserId, User>,
    /// The id of the next joiner. Ids are never reused in an instance, and a u64 so that
    /// running out of u32 ids refuses the join (4005) instead of wrapping onto an old id.
    pub(crate) next_user_id: u64,
    pub(crate) host: Option<UserId>,
    pub(crate) original_host: Option<UserId>,
    pub(crate) chat_privilege: ChatPrivilege,
    pub(crate) share_privilege: SharePrivilege,
    pub(crate) rename_allowed: bool,
    /// Identities and token fingerprints removed from this instance (no rejoin: 3009).
    pub(crate) removed_identities: HashSet<String>,
    pub(crate) removed_tokens: HashSet<u64>,
    /// The chat history (`chat.getHistory`).
    pub(crate) chat: ChatLog,
    pub(crate) idle_deadline: Option<Instant>,
    pub(crate) next_msg_id: u64,
    /// Order in which current sharers started (for take-over and privilege changes).
    pub(crate) sharers: Vec<UserId>,
    /// Last `active-speaker` list sent.
    pub(crate) last_speakers: Vec<UserId>,
    /// The cloud recording's state (`handlers/recording.rs`).
    pub(crate) recording: RecordingStatus,
    /// The egress workers in it (the current recording's, and one still finishing the file
    /// of a recording stopped just before): users no one else sees (not in user lists, no
    /// `user-added` / `user-updated` / `user-removed`, no webhooks, never elected host).
    pub(crate) egress: BTreeSet<UserId>,
    /// Counts recordings started: a worker's end matters only to the recording it was
    /// started for.
    pub(crate) recording_run: u64,
    /// The live stream's state (`handlers/live.rs`), and its count of streams started.
    pub(crate) live: LiveStreamStatus,
    pub(crate) live_run: u64,
    /// Set on a subsession: its main session, which holds the rooms' state.
    pub(crate) parent: Option<SessionId>,
    /// A main session's subsessions (`crate::rooms`).
    pub(crate) rooms: crate::rooms::Rooms,
}

impl Session {
    /// A session started at `started_ms`, keeping the last `chat_history` chat messages.
    pub(crate) fn new(
        id: SessionId,
        topic: String,
        key: SessionKey,
        started_ms: u64,
        chat_history: usize,
    ) -> Self {
        Session {
            id,
            key,
            topic,
            started_ms,
            passcode: None,
            session_key: None,
            users: BTreeMap::new(),
            next_user_id: 1,
            host: None,
            original_host: None,
            chat_privilege: ChatPrivilege::All,
            share_privilege: SharePrivilege::Unlocked,
            rename_allowed: true,
            removed_identities: HashSet::new(),
            removed_tokens: HashSet::new(),
            chat: ChatLog::new(chat_history),
            idle_deadline: None,
            next_msg_id: 1,
            sharers: Vec::new(),
            last_speakers: Vec::new(),
            recording: RecordingStatus::Stopped,
            egress: BTreeSet::new(),
            recording_run: 0,
            live: LiveStreamStatus::Ended,
            live_run: 0,
            parent: None,
            rooms: Default::default(),
        }
    }

    /// Whether a user ever joined it (a starter refused at the door leaves a session that
    /// never started).
    pub(crate) fn ever_joined(&self) -> bool {
        self.next_user_id > 1
    }

    /// Its outside view.
    pub(crate) fn info(&self) -> crate::info::SessionInfo {
        crate::info::SessionInfo {
            session_id: self.id.clone(),
            app_key: self.key.app.clone(),
            topic: self.topic.clone(),
            started_ms: self.started_ms,
            has_passcode: self.passcode.is_some(),
            user_count: self.users.len() - self.egress.len(),
        }
    }

    /// Live connections of everyone, optionally without one user.
    pub(crate) fn conns_except(&self, except: Option<UserId>) -> Vec<ConnId> {
        self.users
            .iter()
            .filter(|(id, _)| Some(**id) != except)
            .filter_map(|(_, u)| u.conn)
            .collect()
    }

    /// The users others see (the egress worker is not one).
    pub(crate) fn visible(&self) -> impl Iterator<Item = &User> {
        self.users
            .values()
            .filter(move |u| !self.egress.contains(&u.p.user_id))
    }

    /// Whether only the egress worker is left.
    pub(crate) fn only_egress_left(&self) -> bool {
        !self.egress.is_empty() && self.visible().next().is_none()
    }

    pub(crate) fn participants(&self) -> Vec<Participant> {
        self.visible().map(|u| u.p.clone()).collect()
    }

    /// The user list `viewer` gets as JSON, from each user's cached card: the visible users,
    /// and the egress worker itself when it is the viewer (its SDK finds itself there).
    pub(crate) fn participants_json(&self, viewer: UserId) -> Box<serde_json::value::RawValue> {
        crate::card::list(
            self.users
                .values()
                .filter(|u| !self.egress.contains(&u.p.user_id) || u.p.user_id == viewer)
                .map(|u| &u.p),
        )
    }

    /// Sets `id`'s host/manager flags, recording the delta in `updates`.
    pub(crate) fn set_role(
        &mut self,
        id: UserId,
        host: bool,
        manager: bool,
        updates: &mut Vec<ParticipantUpdate>,
    ) {
        let Some(u) = self.users.get_mut(&id) else {
            return;
        };
        let mut d = ParticipantUpdate::new(id);
        if u.p.is_host != host {
            u.p.is_host = host;
            d.is_host = Some(host);
        }
        if u.p.is_manager != manager {
            u.p.is_manager = manager;
            d.is_manager = Some(manager);
        }
        if host {
            self.host = Some(id);
        } else if self.host == Some(id) {
            self.host = None;
        }
        if d.is_host.is_some() || d.is_manager.is_some() {
            push_update(updates, d);
        }
    }

    /// Gives the host role to `to`; the old host becomes a manager when it joined with
    /// role 1, else a participant.
    pub(crate) fn transfer_host(&mut self, to: UserId, updates: &mut Vec<ParticipantUpdate>) {
        if let Some(old) = self.host {
            if old == to {
                return;
            }
            let role1 = self.users.get(&old).is_some_and(|u| u.role1);
            self.set_role(old, false, role1, updates);
        }
        self.set_role(to, true, false, updates);
    }

    /// After the host left: the longest-present manager, else the longest-present user.
    pub(crate) fn elect_host(&mut self, updates: &mut Vec<ParticipantUpdate>) {
        if self.host.is_some() {
            return;
        }
        let next = self
            .visible()
            .find(|u| u.p.is_manager)
            .or_else(|| self.visible().next())
            .map(|u| u.p.user_id);
        if let Some(id) = next {
            self.set_role(id, true, false, updates);
        }
    }

    /// Mutes `id` if it is in audio and unmuted; records the delta.
    pub(crate) fn mute(&mut self, id: UserId, updates: &mut Vec<ParticipantUpdate>) -> bool {
        let Some(u) = self.users.get_mut(&id) else {
            return false;
        };
        if u.p.audio == AudioKind::None || u.p.muted == Some(true) {
            return false;
        }
        u.p.muted = Some(true);
        let mut d = ParticipantUpdate::new(id);
        d.muted = Some(true);
        push_update(updates, d);
        true
    }

    /// Stops `id`'s share if on; records the delta.
    pub(crate) fn stop_share(&mut self, id: UserId, updates: &mut Vec<ParticipantUpdate>) -> bool {
        let Some(u) = self.users.get_mut(&id) else {
            return false;
        };
        if !u.p.sharer_on {
            return false;
        }
        u.p.sharer_on = false;
        self.sharers.retain(|s| *s != id);
        let mut d = ParticipantUpdate::new(id);
        d.sharer_on = Some(false);
        push_update(updates, d);
        true
    }

    pub(crate) fn msg_id(&mut self) -> String {
        let n = self.next_msg_id;
        self.next_msg_id += 1;
        format!("{}-{n}", self.id)
    }
}

/// Adds `d` to `updates`, merging with an earlier delta for the same user.
pub(crate) fn push_update(updates: &mut Vec<ParticipantUpdate>, d: ParticipantUpdate) {
    if let Some(e) = updates.iter_mut().find(|e| e.user_id == d.user_id) {
        macro_rules! merge {
            ($($f:ident),*) => { $( if d.$f.is_some() { e.$f = d.$f.clone(); } )* };
        }
        merge!(
            display_name,
            audio,
            muted,
            b_video_on,
            sharer_on,
            is_host,
            is_manager,
            is_in_failover
        );
    } else {
        updates.push(d);
    }
}
