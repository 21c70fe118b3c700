//! A golden transcript: one scripted run through every request kind, every event and every
//! timer, recorded as the exact wire JSON each connection receives. It pins the bytes the
//! core emits, so a refactor of the inside cannot change the wire unnoticed.
//!
//! Regenerate (only for an intended wire change) with
//! `CONVENE_UPDATE_GOLDEN=1 cargo test -p convene-session transcript`.

use crate::*;
use convene_protocol::*;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/tests/transcript.golden");

struct Script {
    core: Core,
    now: Instant,
    next_id: u64,
    log: String,
    /// The result of the last successful reply.
    last_result: Option<serde_json::Value>,
}

impl Script {
    fn new() -> Self {
        let now = Instant::now();
        let config = Config {
            max_users_per_session: 6,
            ..Config::default()
        };
        Script {
            core: Core::new(config, now, 1_700_000_000_000, [11; 32]),
            now,
            next_id: 1,
            log: String::new(),
            last_result: None,
        }
    }

    fn input(&mut self, label: &str, input: Input) {
        writeln!(self.log, "> {label}").unwrap();
        self.core.handle(self.now, input);
        while let Some(o) = self.core.poll_output() {
            let line = match o {
                Output::Send { to, msg } => {
                    if let ServerMsg::Reply(Reply {
                        ok: true,
                        result: Some(r),
                        ..
                    }) = &msg
                    {
                        self.last_result = Some(r.clone().into_value());
                    }
                    let to: Vec<u64> = to.iter().map(|c| c.0).collect();
                    format!("send {to:?} {}", serde_json::to_string(&msg).unwrap())
                }
                Output::Close { conn } => format!("close {}", conn.0),
                Output::Egress(e) => format!("egress {e:?}"),
                Output::Media(m) => format!("media {}", media_line(&m)),
                Output::Lifecycle(l) => format!(
                    "lifecycle {} {} users={} user={:?}",
                    l.event.name(),
                    l.session.session_id,
                    l.session.user_count,
                    l.user.map(|u| u.user_id.0)
                ),
            };
            writeln!(self.log, "{line}").unwrap();
        }
        writeln!(self.log, "timeout {:?}", self.timeout_in()).unwrap();
    }

    fn timeout_in(&self) -> Option<Duration> {
        self.core.poll_timeout().map(|t| t - self.now)
    }

    /// Joins; returns the resume token on success.
    fn join(
        &mut self,
        conn: u64,
        topic: &str,
        name: &str,
        host: bool,
        identity: Option<&str>,
    ) -> Option<String> {
        self.last_result = None;
        let id = self.id();
        self.input(
            &format!("join conn {conn} {name}"),
            Input::Join {
                conn: ConnId(conn),
                id,
                params: JoinParams {
                    topic: topic.into(),
                    token: "tok".into(),
                    user_name: name.into(),
                    passcode: Some("pw".into()),
                    idle_timeout_mins: Some(3.0),
                },
                token: JoinToken {
                    app_key: "app".into(),
                    role_host: host,
                    user_identity: identity.map(Into::into),
                    session_key: None,
                    fingerprint: conn,
                },
            },
        );
        let r = self.last_result.take()?;
        Some(r["resumeToken"].as_str()?.to_owned())
    }

    fn req(&mut self, conn: u64, msg: ClientMsg) {
        let id = self.id();
        let label = format!("conn {conn}: {}", serde_json::to_string(&msg).unwrap());
        self.input(
            &label,
            Input::Request {
                conn: ConnId(conn),
                id,
                msg,
            },
        );
    }

    fn wait(&mut self, d: Duration) {
        self.now += d;
        self.input(&format!("wait {d:?}"), Input::Timeout);
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}

fn media_line(m: &MediaAction) -> String {
    match m {
        MediaAction::Offer {
            session,
            user,
            conn,
            id,
            offer,
        } => format!("offer {session} {user} {} {id} {}", conn.0, offer.sdp),
        MediaAction::AudioAllowed {
            session,
            user,
            allowed,
        } => format!("audio {session} {user} {allowed}"),
        MediaAction::VideoAllowed {
            session,
            user,
            allowed,
        } => format!("video {session} {user} {allowed}"),
        MediaAction::ShareAllowed {
            session,
            user,
            allowed,
        } => format!("share {session} {user} {allowed}"),
        MediaAction::Attach {
            session,
            subscriber,
            publisher,
            quality,
        } => format!("attach {session} {subscriber} {publisher} {quality}"),
        MediaAction::Detach {
            session,
            subscriber,
            publisher,
        } => format!("detach {session} {subscriber} {publisher}"),
        MediaAction::UserGone { session, user } => format!("gone {session} {user}"),
    }
}

fn t(id: u32) -> TargetParams {
    TargetParams {
        user_id: UserId(id),
    }
}

fn opt(id: Option<u32>) -> TargetOpt {
    TargetOpt {
        user_id: id.map(UserId),
    }
}

/// Everything a session can do, in one run.
fn script() -> String {
    let mut s = Script::new();
    // Before joining.
    s.req(1, ClientMsg::Ping);
    s.req(1, ClientMsg::GetAllUser);
    s.req(1, ClientMsg::StartVideo);
    s.req(
        1,
        ClientMsg::RtcOffer(RtcOffer {
            sdp: "v=0".into(),
            reset: true,
            share_mids: vec![],
        }),
    );
    // Joins: host, participants, a manager, refusals.
    s.join(1, "Room", "Host", true, Some("host-id"));
    s.join(2, "room", "Pat", false, Some("pat-id"));
    let mia = s.join(3, "ROOM", "Mia", true, None).unwrap();
    s.join(4, "room", "Quin", false, None);
    s.join(1, "room", "Again", false, None);
    let sid = s.core.session_of(ConnId(1)).unwrap();
    s.req(1, ClientMsg::GetAllUser);
    // Rename rules.
    s.req(
        2,
        ClientMsg::ChangeName {
            name: "Patty".into(),
            user_id: None,
        },
    );
    s.req(1, ClientMsg::AllowParticipantsToRename { allowed: false });
    s.req(
        2,
        ClientMsg::ChangeName {
            name: "P".into(),
            user_id: None,
        },
    );
    s.req(
        3,
        ClientMsg::ChangeName {
            name: "Boss".into(),
            user_id: Some(UserId(1)),
        },
    );
    s.req(
        1,
        ClientMsg::ChangeName {
            name: "Quincy".into(),
            user_id: Some(UserId(4)),
        },
    );
    // Audio.
    s.req(2, ClientMsg::MuteAudio(opt(None)));
    s.req(
        2,
        ClientMsg::StartAudio {
            mute: false,
            speaker_only: false,
        },
    );
    s.req(
        4,
        ClientMsg::StartAudio {
            mute: true,
            speaker_only: false,
        },
    );
    s.req(
        2,
        ClientMsg::StartAudio {
            mute: false,
            speaker_only: false,
        },
    );
    s.req(1, ClientMsg::MuteAudio(opt(Some(2))));
    s.req(2, ClientMsg::MuteAudio(opt(Some(4))));
    s.req(1, ClientMsg::UnmuteAudio(opt(Some(2))));
    s.req(2, ClientMsg::UnmuteAudio(opt(None)));
    s.req(3, ClientMsg::MuteAllAudio);
    s.req(3, ClientMsg::UnmuteAllAudio);
    s.req(4, ClientMsg::StopAudio);
    s.req(4, ClientMsg::UnmuteAudio(opt(None)));
    // Video, attach.
    s.req(2, ClientMsg::StartVideo);
    s.req(2, ClientMsg::StartVideo);
    s.req(
        1,
        ClientMsg::AttachVideo {
            user_id: UserId(2),
            quality: 3,
        },
    );
    s.req(
        1,
        ClientMsg::AttachVideo {
            user_id: UserId(2),
            quality: 7,
        },
    );
    s.req(
        1,
        ClientMsg::AttachVideo {
            user_id: UserId(1),
            quality: 1,
        },
    );
    s.req(1, ClientMsg::DetachVideo { user_id: UserId(2) });
    s.req(1, ClientMsg::DetachVideo { user_id: UserId(2) });
    s.req(
        1,
        ClientMsg::RtcOffer(RtcOffer {
            sdp: "v=0 host".into(),
            reset: false,
            share_mids: vec![],
        }),
    );
    s.req(2, ClientMsg::StopVideo);
    // Share.
    s.req(2, ClientMsg::StartShareScreen);
    s.req(4, ClientMsg::StartShareScreen);
    s.req(3, ClientMsg::StartShareScreen);
    s.req(
        1,
        ClientMsg::SetSharePrivilege {
            privilege: SharePrivilege::MultipleShare,
        },
    );
    s.req(4, ClientMsg::StartShareScreen);
    s.req(2, ClientMsg::LockShare { is_locked: true });
    s.req(1, ClientMsg::LockShare { is_locked: true });
    s.req(4, ClientMsg::StartShareScreen);
    s.req(1, ClientMsg::StartShareScreen);
    s.req(1, ClientMsg::LockShare { is_locked: false });
    s.req(1, ClientMsg::StopShareScreen);
    s.req(1, ClientMsg::StopShareScreen);
    // Chat and the command channel.
    s.now += Duration::from_millis(1234);
    s.req(
        2,
        ClientMsg::ChatSendToAll {
            text: "hello all".into(),
        },
    );
    s.req(
        2,
        ClientMsg::ChatSend {
            text: "psst".into(),
            user_id: UserId(4),
        },
    );
    s.req(
        2,
        ClientMsg::ChatSend {
            text: "me".into(),
            user_id: UserId(2),
        },
    );
    s.req(2, ClientMsg::ChatSendToAll { text: "".into() });
    s.req(
        1,
        ClientMsg::ChatSetPrivilege {
            privilege: ChatPrivilege::EveryonePublicly,
        },
    );
    s.req(
        4,
        ClientMsg::ChatSend {
            text: "no".into(),
            user_id: UserId(1),
        },
    );
    s.req(
        2,
        ClientMsg::ChatSetPrivilege {
            privilege: ChatPrivilege::All,
        },
    );
    s.req(4, ClientMsg::ChatGetHistory);
    s.req(2, ClientMsg::ChatGetHistory);
    s.req(
        2,
        ClientMsg::CommandSend {
            text: "cmd all".into(),
            user_id: None,
        },
    );
    s.req(
        2,
        ClientMsg::CommandSend {
            text: "cmd one".into(),
            user_id: Some(UserId(3)),
        },
    );
    s.req(
        2,
        ClientMsg::CommandSend {
            text: 5.into(),
            user_id: None,
        },
    );
    s.req(
        2,
        ClientMsg::CommandSend {
            text: "x".into(),
            user_id: Some(UserId(2)),
        },
    );
    // Media plane news.
    s.input(
        "speakers",
        Input::ActiveSpeakers {
            session: sid.clone(),
            users: vec![UserId(2), UserId(9), UserId(1)],
        },
    );
    s.input(
        "quality",
        Input::NetworkQuality {
            session: sid.clone(),
            user: UserId(3),
            uplink: 9,
            downlink: 2,
        },
    );
    s.input(
        "slot",
        Input::MediaSlot {
            session: sid.clone(),
            user: UserId(1),
            mid: "3".into(),
            from: Some(UserId(2)),
            kind: convene_protocol::MediaKind::Video,
        },
    );
    // Roles.
    s.req(2, ClientMsg::MakeHost(t(3)));
    s.req(1, ClientMsg::MakeManager(t(1)));
    s.req(1, ClientMsg::MakeManager(t(9)));
    s.req(1, ClientMsg::MakeManager(t(2)));
    s.req(1, ClientMsg::RevokeManager(t(2)));
    s.req(1, ClientMsg::MakeHost(t(4)));
    s.req(3, ClientMsg::ReclaimHost);
    s.req(1, ClientMsg::ReclaimHost);
    s.req(3, ClientMsg::RemoveUser(t(1)));
    s.req(3, ClientMsg::RemoveUser(t(3)));
    s.req(3, ClientMsg::RemoveUser(t(2)));
    // A join already on its way on the closed connection is ignored; on a new one, refused.
    s.join(2, "room", "Pat again", false, Some("pat-id"));
    s.join(12, "room", "Pat again", false, Some("pat-id"));
    s.req(4, ClientMsg::Leave { end: true });
    // Failover and resume.
    s.input("drop conn 3", Input::Disconnected { conn: ConnId(3) });
    s.wait(Duration::from_secs(30));
    s.req(
        5,
        ClientMsg::Resume(ResumeParams {
            session_id: sid.clone(),
            user_id: UserId(3),
            resume_token: mia.clone(),
        }),
    );
    s.req(
        11,
        ClientMsg::Resume(ResumeParams {
            session_id: sid.clone(),
            user_id: UserId(3),
            resume_token: mia,
        }),
    );
    // Conn 5 was closed by the resume on 11: what it still sends is ignored.
    s.req(5, ClientMsg::Ping);
    s.req(
        13,
        ClientMsg::Resume(ResumeParams {
            session_id: sid.clone(),
            user_id: UserId(3),
            resume_token: "bad".into(),
        }),
    );
    s.input("drop conn 4", Input::Disconnected { conn: ConnId(4) });
    s.wait(Duration::from_secs(120));
    // Leave, idle timeout, end.
    s.req(3, ClientMsg::Leave { end: false });
    s.join(6, "other", "Olga", true, None);
    s.join(7, "other", "Omar", false, None);
    s.req(7, ClientMsg::Leave { end: false });
    s.wait(Duration::from_secs(3 * 60));
    s.join(8, "Room", "Late", false, None);
    s.join(9, "third", "Tia", true, None);
    s.join(10, "third", "Ted", false, None);
    s.req(10, ClientMsg::Leave { end: true });
    s.req(9, ClientMsg::Leave { end: true });
    s.log
}

#[test]
fn transcript_matches_golden() {
    let got = script();
    if std::env::var_os("CONVENE_UPDATE_GOLDEN").is_some() {
        std::fs::write(GOLDEN, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(GOLDEN).unwrap();
    for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
        assert_eq!(g, w, "line {}", i + 1);
    }
    assert_eq!(got.lines().count(), want.lines().count());
}
