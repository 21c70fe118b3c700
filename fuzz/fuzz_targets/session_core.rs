//! The session core (`convene_session::Core`) driven by arbitrary sequences of what its
//! driver can feed it: joins (checked as the server checks them), every request, resumes
//! with real and forged tokens, dropped connections, time passing, and what the media plane
//! reports. After every input the outputs are drained, and:
//!
//! - nothing panics;
//! - every session has at most one host, and no user id twice, over all its subsessions;
//! - every request gets exactly one reply, on its own connection, with its own id (an
//!   `rtc.offer` may instead be handed to the media plane, which replies later; a connection
//!   the core has closed may get none, as it is gone for the core).
#![no_main]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use arbitrary::Arbitrary;
use convene_protocol::{
    validate_join_params, AllocationPattern, ChatPrivilege, ClientMsg, JoinParams, JoinResult,
    MediaKind, OpenSubsessions, ResumeParams, RtcOffer, ServerMsg, SessionId, SharePrivilege,
    Subsession, SubsessionNames, SubsessionOptions, SubsessionTarget, SubsessionUser, TargetOpt,
    TargetParams, UserId,
};
use convene_session::{Config, ConnId, Core, Input, JoinToken, MediaAction, Output};
use libfuzzer_sys::fuzz_target;

/// Connections are picked among a few slots, so that ops meet the same users.
const SLOTS: u8 = 6;

#[derive(Debug, Arbitrary)]
enum Op {
    Join {
        slot: u8,
        host: bool,
        /// One of two topics, so two sessions can coexist in one core.
        topic: bool,
        identity: Option<u8>,
        session_key: Option<u8>,
        passcode: Option<u8>,
        name: String,
        idle_mins: Option<u8>,
    },
    Request {
        slot: u8,
        msg: Msg,
    },
    /// Resume the `nth` join seen so far from `slot`; `forge` spoils its resume token.
    Resume {
        slot: u8,
        nth: u8,
        forge: bool,
    },
    Drop {
        slot: u8,
    },
    Wait {
        secs: u16,
    },
    Speakers {
        users: Vec<u8>,
    },
    Quality {
        user: u8,
        uplink: u8,
        downlink: u8,
    },
    Slot {
        user: u8,
        from: Option<u8>,
        mid: u8,
        share: bool,
    },
}

/// Every request, with small user ids so that targets exist.
#[derive(Debug, Arbitrary)]
enum Msg {
    Leave(bool),
    GetAllUser,
    ChangeName(String, Option<u8>),
    AllowRename(bool),
    StartAudio(bool, bool),
    StopAudio,
    Mute(Option<u8>),
    Unmute(Option<u8>),
    MuteAll,
    UnmuteAll,
    StartVideo,
    StopVideo,
    StartShare,
    StopShare,
    MakeHost(u8),
    MakeManager(u8),
    RevokeManager(u8),
    ReclaimHost,
    Remove(u8),
    LockShare(bool),
    SharePrivilege(u8),
    Chat(String, u8),
    ChatAll(String),
    ChatPrivilege(u8),
    History,
    Command(String, Option<u8>),
    Ping,
    Offer(bool),
    Attach(u8, u8),
    Detach(u8),
    CreateRooms(u8, bool),
    OpenRooms(Vec<(u8, Vec<u8>)>, u8, u8, u8),
    JoinRoom(u8),
    LeaveRoom,
    AskHelp,
    Postpone(u8),
    Broadcast(String),
    Assign(u8, u8),
    MoveTo(u8, u8),
    CloseAll,
    MoveBack(u8),
    Voice(bool),
    RoomState,
}

fn uid(u: u8) -> UserId {
    UserId(u32::from(u % 8))
}

impl Msg {
    /// `main`: the first session, whose rooms (1 to 3, or an unknown one) ops name.
    fn into_client_msg(self, main: Option<SessionId>) -> ClientMsg {
        let room = |n: u8| match &main {
            Some(m) if n % 4 != 3 => m.subsession(u32::from(n % 4) + 1).0,
            _ => "nope".to_owned(),
        };
        let subsession = |n: u8, users: Vec<u8>| Subsession {
            subsession_id: room(n),
            subsession_name: String::new(),
            user_list: users
                .into_iter()
                .map(|u| SubsessionUser {
                    user_id: uid(u),
                    display_name: String::new(),
                    is_in_subsession: false,
                })
                .collect(),
        };
        let target = |u| TargetParams { user_id: uid(u) };
        let opt = |u: Option<u8>| TargetOpt {
            user_id: u.map(uid),
        };
        match self {
            Msg::Leave(end) => ClientMsg::Leave { end },
            Msg::GetAllUser => ClientMsg::GetAllUser,
            Msg::ChangeName(name, u) => ClientMsg::ChangeName {
                name,
                user_id: u.map(uid),
            },
            Msg::AllowRename(allowed) => ClientMsg::AllowParticipantsToRename { allowed },
            Msg::StartAudio(mute, speaker_only) => ClientMsg::StartAudio { mute, speaker_only },
            Msg::StopAudio => ClientMsg::StopAudio,
            Msg::Mute(u) => ClientMsg::MuteAudio(opt(u)),
            Msg::Unmute(u) => ClientMsg::UnmuteAudio(opt(u)),
            Msg::MuteAll => ClientMsg::MuteAllAudio,
            Msg::UnmuteAll => ClientMsg::UnmuteAllAudio,
            Msg::StartVideo => ClientMsg::StartVideo,
            Msg::StopVideo => ClientMsg::StopVideo,
            Msg::StartShare => ClientMsg::StartShareScreen,
            Msg::StopShare => ClientMsg::StopShareScreen,
            Msg::MakeHost(u) => ClientMsg::MakeHost(target(u)),
            Msg::MakeManager(u) => ClientMsg::MakeManager(target(u)),
            Msg::RevokeManager(u) => ClientMsg::RevokeManager(target(u)),
            Msg::ReclaimHost => ClientMsg::ReclaimHost,
            Msg::Remove(u) => ClientMsg::RemoveUser(target(u)),
            Msg::LockShare(is_locked) => ClientMsg::LockShare { is_locked },
            Msg::SharePrivilege(p) => ClientMsg::SetSharePrivilege {
                privilege: [
                    SharePrivilege::Unlocked,
                    SharePrivilege::Locked,
                    SharePrivilege::MultipleShare,
                ][usize::from(p % 3)],
            },
            Msg::Chat(text, u) => ClientMsg::ChatSend {
                text,
                user_id: uid(u),
            },
            Msg::ChatAll(text) => ClientMsg::ChatSendToAll { text },
            Msg::ChatPrivilege(p) => ClientMsg::ChatSetPrivilege {
                privilege: [
                    ChatPrivilege::All,
                    ChatPrivilege::NoOne,
                    ChatPrivilege::EveryonePublicly,
                ][usize::from(p % 3)],
            },
            Msg::History => ClientMsg::ChatGetHistory,
            Msg::Command(text, u) => ClientMsg::CommandSend {
                text: serde_json::Value::String(text),
                user_id: u.map(uid),
            },
            Msg::Ping => ClientMsg::Ping,
            Msg::Offer(reset) => ClientMsg::RtcOffer(RtcOffer {
                sdp: "v=0".to_owned(),
                reset,
                share_mids: vec!["2".to_owned()],
            }),
            Msg::Attach(u, quality) => ClientMsg::AttachVideo {
                user_id: uid(u),
                quality,
            },
            Msg::Detach(u) => ClientMsg::DetachVideo { user_id: uid(u) },
            Msg::CreateRooms(n, auto) => ClientMsg::CreateSubsessions {
                data: SubsessionNames::Count(u32::from(n % 4)),
                pattern: if auto {
                    AllocationPattern::Automatically
                } else {
                    AllocationPattern::Manually
                },
            },
            Msg::OpenRooms(rooms, flags, timer, wait) => {
                ClientMsg::OpenSubsessions(OpenSubsessions {
                    subsessions: rooms
                        .into_iter()
                        .take(4)
                        .map(|(n, users)| subsession(n, users))
                        .collect(),
                    options: SubsessionOptions {
                        is_auto_join_subsession: flags & 1 != 0,
                        is_back_to_main_session_enabled: flags & 2 != 0,
                        is_timer_enabled: flags & 4 != 0,
                        timer_duration: u32::from(timer),
                        is_timer_auto_enabled: flags & 8 != 0,
                        wait_seconds: u32::from(wait % 8),
                        is_auto_move_back_to_main_session: true,
                        is_subsession_selection_enabled: flags & 16 != 0,
                    },
                })
            }
            Msg::JoinRoom(n) => ClientMsg::JoinSubsession {
                subsession_id: room(n),
            },
            Msg::LeaveRoom => ClientMsg::LeaveSubsession,
            Msg::AskHelp => ClientMsg::AskForHelp,
            Msg::Postpone(u) => ClientMsg::PostponeHelping(target(u)),
            Msg::Broadcast(content) => ClientMsg::SubsessionBroadcast { content },
            Msg::Assign(u, n) => ClientMsg::AssignUserToSubsession(SubsessionTarget {
                user_id: uid(u),
                target_subsession_id: room(n),
            }),
            Msg::MoveTo(u, n) => ClientMsg::MoveUserToSubsession(SubsessionTarget {
                user_id: uid(u),
                target_subsession_id: room(n),
            }),
            Msg::CloseAll => ClientMsg::CloseAllSubsessions,
            Msg::MoveBack(u) => ClientMsg::MoveBackToMainSession(target(u)),
            Msg::Voice(true) => ClientMsg::StartBroadcastVoice,
            Msg::Voice(false) => ClientMsg::StopBroadcastVoice,
            Msg::RoomState => ClientMsg::GetSubsessionState,
        }
    }
}

struct Driver {
    core: Core,
    now: Instant,
    /// The connection in each slot; a dropped one is replaced by a fresh connection.
    conns: Vec<ConnId>,
    next_conn: u64,
    next_id: u64,
    joins: Vec<JoinResult>,
    /// Connections the core closed and the driver has not yet reported gone.
    closed: HashSet<ConnId>,
}

impl Driver {
    fn drain(&mut self, asked: Option<(ConnId, u64)>, may_defer: bool) {
        let mut replies = 0;
        let mut deferred = false;
        while let Some(out) = self.core.poll_output() {
            match out {
                Output::Send {
                    to,
                    msg: ServerMsg::Reply(r),
                } => {
                    let sent_to = (to.len() == 1).then(|| (to[0], r.id));
                    assert_eq!(sent_to, asked, "a reply goes to its asker only");
                    replies += 1;
                    if let Some(result) = r.result {
                        if let Ok(j) = result.decode::<JoinResult>() {
                            self.joins.push(j);
                        }
                    }
                }
                Output::Media(MediaAction::Offer { conn, id, .. }) => {
                    assert_eq!(Some((conn, id)), asked);
                    deferred = true;
                }
                Output::Close { conn } => {
                    self.closed.insert(conn);
                }
                Output::Send { .. }
                | Output::Media(_)
                | Output::Lifecycle(_)
                | Output::Egress(_) => {}
            }
        }
        if let Some((conn, _)) = asked {
            if self.closed.contains(&conn) {
                assert!(replies <= 1, "{replies} replies to {asked:?}");
            } else {
                let expected = if deferred && may_defer { 0 } else { 1 };
                assert_eq!(replies, expected, "replies to {asked:?}");
            }
        }
        for s in self.core.session_ids() {
            let users = self.core.users_of(&s).expect("a listed session has users");
            assert!(users.iter().filter(|u| u.is_host).count() <= 1, "two hosts");
            let mut ids: Vec<_> = users.iter().map(|u| u.user_id).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), users.len(), "a user id twice");
        }
    }

    fn request(&mut self, slot: u8) -> (ConnId, u64) {
        self.next_id += 1;
        (self.conns[usize::from(slot % SLOTS)], self.next_id)
    }

    fn session(&self) -> Option<SessionId> {
        self.core.session_ids().into_iter().next()
    }

    fn step(&mut self, op: Op) {
        match op {
            Op::Join {
                slot,
                host,
                topic,
                identity,
                session_key,
                passcode,
                name,
                idle_mins,
            } => {
                let params = JoinParams {
                    topic: if topic { "Topic A" } else { "topic b" }.to_owned(),
                    token: String::new(),
                    user_name: name,
                    passcode: passcode.map(|p| format!("pw{}", p % 3)),
                    idle_timeout_mins: idle_mins.map(f64::from),
                };
                // The server refuses these before the core sees them.
                if validate_join_params(&params).is_err() {
                    return;
                }
                let (conn, id) = self.request(slot);
                let token = JoinToken {
                    app_key: "app".to_owned(),
                    role_host: host,
                    user_identity: identity.map(|i| format!("id{}", i % 4)),
                    session_key: session_key.map(|k| format!("k{}", k % 2)),
                    fingerprint: u64::from(slot % SLOTS),
                };
                self.core.handle(
                    self.now,
                    Input::Join {
                        conn,
                        id,
                        params,
                        token,
                    },
                );
                self.drain(Some((conn, id)), false);
            }
            Op::Request { slot, msg } => {
                let (conn, id) = self.request(slot);
                let msg = msg.into_client_msg(self.session());
                self.core.handle(self.now, Input::Request { conn, id, msg });
                self.drain(Some((conn, id)), true);
            }
            Op::Resume { slot, nth, forge } => {
                let Some(j) = self.joins.get(usize::from(nth) % self.joins.len().max(1)) else {
                    return;
                };
                let mut resume_token = j.resume_token.clone();
                if forge {
                    resume_token.push('x');
                }
                let msg = ClientMsg::Resume(ResumeParams {
                    session_id: j.session_id.clone(),
                    user_id: j.user_id,
                    resume_token,
                });
                let (conn, id) = self.request(slot);
                self.core.handle(self.now, Input::Request { conn, id, msg });
                self.drain(Some((conn, id)), false);
            }
            Op::Drop { slot } => {
                let i = usize::from(slot % SLOTS);
                let conn = self.conns[i];
                self.next_conn += 1;
                self.conns[i] = ConnId(self.next_conn);
                self.closed.remove(&conn);
                self.core.handle(self.now, Input::Disconnected { conn });
                self.drain(None, false);
            }
            Op::Wait { secs } => {
                self.now += Duration::from_secs(u64::from(secs));
                self.core.handle(self.now, Input::Timeout);
                self.drain(None, false);
            }
            Op::Speakers { users } => {
                let Some(session) = self.session() else {
                    return;
                };
                let users = users.into_iter().map(uid).collect();
                self.core
                    .handle(self.now, Input::ActiveSpeakers { session, users });
                self.drain(None, false);
            }
            Op::Quality {
                user,
                uplink,
                downlink,
            } => {
                let Some(session) = self.session() else {
                    return;
                };
                let input = Input::NetworkQuality {
                    session,
                    user: uid(user),
                    uplink,
                    downlink,
                };
                self.core.handle(self.now, input);
                self.drain(None, false);
            }
            Op::Slot {
                user,
                from,
                mid,
                share,
            } => {
                let Some(session) = self.session() else {
                    return;
                };
                let input = Input::MediaSlot {
                    session,
                    user: uid(user),
                    mid: mid.to_string(),
                    from: from.map(uid),
                    kind: if share {
                        MediaKind::Share
                    } else {
                        MediaKind::Video
                    },
                };
                self.core.handle(self.now, input);
                self.drain(None, false);
            }
        }
    }
}

fuzz_target!(|ops: Vec<Op>| {
    let now = Instant::now();
    let config = Config {
        max_users_per_session: 5,
        chat_history: 8,
        ..Config::default()
    };
    let mut d = Driver {
        core: Core::new(config, now, 1_700_000_000_000, [7; 32]),
        now,
        conns: (1..=u64::from(SLOTS)).map(ConnId).collect(),
        next_conn: u64::from(SLOTS),
        next_id: 0,
        joins: Vec::new(),
        closed: HashSet::new(),
    };
    for op in ops.into_iter().take(200) {
        d.step(op);
    }
});
