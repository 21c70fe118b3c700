//! The bot's stdin language (SPEC §11): one JSON object per line,
//! `{"id": N, "cmd": METHOD, "args": {...}}`. Parsing is pure and kept apart from running the
//! command, so every line a user (or an attacker feeding the bot) can type is unit-tested and
//! fuzzed (`fuzz/fuzz_targets/bot_line.rs`) without a server.

use convene_protocol::{ClientMsg, Request, UserId};
use serde_json::{Map, Value};

/// One parsed line: its id and what it asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The line's `id`, echoed in its reply (0 when absent).
    pub id: u64,
    /// What to do.
    pub command: Command,
}

impl Line {
    /// True for `leave` (the bot exits after it).
    pub fn is_leave(&self) -> bool {
        matches!(self.command, Command::Wire(ClientMsg::Leave { .. }))
    }
}

/// What a line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Answered from the client's local state.
    Local(Getter),
    /// A call of the media stream. Its arguments are checked here, but a bad one is reported
    /// only once the stream exists (before joining, every media call answers 6002 first).
    Media(Result<MediaCall, String>),
    /// A wire method of the protocol, sent as is.
    Wire(ClientMsg),
}

/// The getters answered locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Getter {
    /// `getAllUser`.
    AllUser,
    /// `getUser {userId}`.
    User(UserId),
    /// `getCurrentUserInfo`.
    CurrentUserInfo,
    /// `getSessionInfo`.
    SessionInfo,
    /// `getSessionHost`.
    SessionHost,
    /// `isHost`.
    IsHost,
    /// `isManager`.
    IsManager,
    /// `isOriginalHost`.
    IsOriginalHost,
    /// `chat.getPrivilege`: the session's chat privilege (1 All, 4 NoOne, 5 EveryonePublicly).
    ChatPrivilege,
    /// `getSharePrivilege`: 0 Unlocked, 1 Locked, 3 MultipleShare.
    SharePrivilege,
    /// `isShareLocked`.
    IsShareLocked,
    /// `subsession.getSubsessionList`: the rooms, from the last `subsession-state`.
    SubsessionList,
    /// `subsession.getSubsessionStatus`.
    SubsessionStatus,
    /// `subsession.getSubsessionOptions`.
    SubsessionOptions,
    /// `subsession.getCurrentSubsession`: the room this bot is in.
    CurrentSubsession,
    /// `subsession.getUserStatus`.
    SubsessionUserStatus,
}

/// The media stream's calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaCall {
    /// `startAudio {mute?}`.
    StartAudio {
        /// Join muted.
        mute: bool,
    },
    /// `startVideo`.
    StartVideo,
    /// `startShareScreen`.
    StartShareScreen,
    /// `attachVideo {userId, videoQuality?}` (quality 2 when absent).
    AttachVideo {
        /// Whose camera.
        user: UserId,
        /// 0 (90p) to 4 (1080p).
        quality: u8,
    },
    /// `detachVideo {userId}`.
    DetachVideo {
        /// Whose camera.
        user: UserId,
    },
    /// `getMediaStats`.
    GetMediaStats,
}

/// Why a line was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineError {
    /// Not a command at all (bad JSON, no `cmd`, `args` not an object): 4003.
    Malformed(String),
    /// A command with unknown name or bad arguments (the client's `Unsupported`).
    Unsupported(String),
}

/// Parses one stdin line. On failure, the id to answer (0 when unreadable) and why.
pub fn parse_line(line: &str) -> Result<Line, (u64, LineError)> {
    let parsed: Value = serde_json::from_str(line)
        .map_err(|e| (0, LineError::Malformed(format!("malformed JSON: {e}"))))?;
    let id = parsed.get("id").and_then(Value::as_u64).unwrap_or(0);
    let Some(cmd) = parsed.get("cmd").and_then(Value::as_str) else {
        return Err((
            id,
            LineError::Malformed("missing \"cmd\" (a string)".into()),
        ));
    };
    let args = parsed.get("args").cloned().unwrap_or(Value::Null);
    if !(args.is_null() || args.is_object()) {
        return Err((
            id,
            LineError::Malformed("\"args\" must be an object".into()),
        ));
    }
    let command = command(cmd, args).map_err(|e| (id, LineError::Unsupported(e)))?;
    Ok(Line { id, command })
}

fn user_arg(cmd: &str, args: &Value) -> Result<UserId, String> {
    args.get("userId")
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .map(UserId)
        .ok_or_else(|| format!("{cmd} needs a numeric userId"))
}

fn command(cmd: &str, args: Value) -> Result<Command, String> {
    let local = |g| Ok(Command::Local(g));
    match cmd {
        "getAllUser" => local(Getter::AllUser),
        "getUser" => local(Getter::User(user_arg(cmd, &args)?)),
        "getCurrentUserInfo" => local(Getter::CurrentUserInfo),
        "getSessionInfo" => local(Getter::SessionInfo),
        "getSessionHost" => local(Getter::SessionHost),
        "isHost" => local(Getter::IsHost),
        "isManager" => local(Getter::IsManager),
        "isOriginalHost" => local(Getter::IsOriginalHost),
        "chat.getPrivilege" => local(Getter::ChatPrivilege),
        "getSharePrivilege" => local(Getter::SharePrivilege),
        "isShareLocked" => local(Getter::IsShareLocked),
        "subsession.getSubsessionList" => local(Getter::SubsessionList),
        "subsession.getSubsessionStatus" => local(Getter::SubsessionStatus),
        "subsession.getSubsessionOptions" => local(Getter::SubsessionOptions),
        "subsession.getCurrentSubsession" => local(Getter::CurrentSubsession),
        "subsession.getUserStatus" => local(Getter::SubsessionUserStatus),
        "startAudio" => {
            let mute = args.get("mute").and_then(Value::as_bool).unwrap_or(false);
            Ok(Command::Media(Ok(MediaCall::StartAudio { mute })))
        }
        "startVideo" => Ok(Command::Media(Ok(MediaCall::StartVideo))),
        "startShareScreen" => Ok(Command::Media(Ok(MediaCall::StartShareScreen))),
        "getMediaStats" => Ok(Command::Media(Ok(MediaCall::GetMediaStats))),
        "attachVideo" => {
            let quality = args
                .get("videoQuality")
                .and_then(Value::as_u64)
                .unwrap_or(2);
            let call = user_arg(cmd, &args).and_then(|user| {
                let quality =
                    u8::try_from(quality).map_err(|_| "videoQuality must be 0-4".to_owned())?;
                Ok(MediaCall::AttachVideo { user, quality })
            });
            Ok(Command::Media(call))
        }
        "detachVideo" => Ok(Command::Media(
            user_arg(cmd, &args).map(|user| MediaCall::DetachVideo { user }),
        )),
        _ => {
            // The wire method names are the SDK's, so the command maps 1:1 onto ClientMsg.
            // Decoded as a wire `Request`, so omitted args mean the method's defaults.
            let mut wire = Map::new();
            wire.insert("id".into(), Value::from(0));
            wire.insert("method".into(), Value::String(cmd.to_string()));
            if !args.is_null() {
                wire.insert("params".into(), args);
            }
            let req: Request = serde_json::from_value(Value::Object(wire))
                .map_err(|e| format!("unknown command or bad args for {cmd:?}: {e}"))?;
            Ok(Command::Wire(req.msg))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> Line {
        parse_line(line).unwrap_or_else(|e| panic!("{line}: {e:?}"))
    }

    fn err(line: &str) -> (u64, LineError) {
        parse_line(line).expect_err(line)
    }

    #[test]
    fn lines_parse_into_commands() {
        assert_eq!(
            ok(r#"{"id":1,"cmd":"getAllUser"}"#).command,
            Command::Local(Getter::AllUser)
        );
        assert_eq!(
            ok(r#"{"id":2,"cmd":"getUser","args":{"userId":3}}"#).command,
            Command::Local(Getter::User(UserId(3)))
        );
        assert_eq!(
            ok(r#"{"id":3,"cmd":"attachVideo","args":{"userId":2}}"#).command,
            Command::Media(Ok(MediaCall::AttachVideo {
                user: UserId(2),
                quality: 2
            }))
        );
        let leave = ok(r#"{"id":4,"cmd":"leave","args":{"end":true}}"#);
        assert_eq!(leave.command, Command::Wire(ClientMsg::Leave { end: true }));
        assert!(leave.is_leave());
        assert!(matches!(
            ok(r#"{"id":5,"cmd":"chat.sendToAll","args":{"text":"hi"}}"#).command,
            Command::Wire(ClientMsg::ChatSendToAll { .. })
        ));
        // Cloud recording (issue 13): the SDK's names, no args.
        assert_eq!(
            ok(r#"{"id":6,"cmd":"recording.startCloudRecording"}"#).command,
            Command::Wire(ClientMsg::StartCloudRecording)
        );
        assert_eq!(
            ok(r#"{"id":7,"cmd":"recording.getCloudRecordingStatus","args":{}}"#).command,
            Command::Wire(ClientMsg::GetCloudRecordingStatus)
        );
    }

    #[test]
    fn subsession_commands_take_the_reference_arguments() {
        use convene_protocol::{
            AllocationPattern, OpenSubsessions, SubsessionNames, SubsessionTarget, TargetParams,
        };
        let wire = |line: &str| match ok(line).command {
            Command::Wire(m) => m,
            other => panic!("{line}: {other:?}"),
        };
        assert_eq!(
            wire(
                r#"{"id":1,"cmd":"subsession.createSubsessions","args":{"data":["A","B"],"pattern":1}}"#
            ),
            ClientMsg::CreateSubsessions {
                data: SubsessionNames::Many(vec!["A".into(), "B".into()]),
                pattern: AllocationPattern::Automatically,
            }
        );
        assert_eq!(
            wire(r#"{"id":2,"cmd":"subsession.createSubsessions","args":{"data":3}}"#),
            ClientMsg::CreateSubsessions {
                data: SubsessionNames::Count(3),
                pattern: AllocationPattern::Manually,
            }
        );
        let ClientMsg::OpenSubsessions(OpenSubsessions {
            subsessions,
            options,
        }) = wire(
            r#"{"id":3,"cmd":"subsession.openSubsessions","args":{"subsessions":[{"subsessionId":"s~1","subsessionName":"A","userList":[{"userId":2}]}],"options":{"isAutoJoinSubsession":true}}}"#,
        )
        else {
            panic!("not openSubsessions");
        };
        assert_eq!(subsessions[0].subsession_id, "s~1");
        assert_eq!(subsessions[0].user_list[0].user_id, UserId(2));
        assert!(options.is_auto_join_subsession);
        assert_eq!(options.wait_seconds, 60, "absent options take the defaults");
        assert_eq!(
            wire(r#"{"id":4,"cmd":"subsession.joinSubsession","args":{"subsessionId":"s~2"}}"#),
            ClientMsg::JoinSubsession {
                subsession_id: "s~2".into()
            }
        );
        let target = SubsessionTarget {
            user_id: UserId(3),
            target_subsession_id: "s~1".into(),
        };
        assert_eq!(
            wire(
                r#"{"id":5,"cmd":"subsession.assignUserToSubsession","args":{"userId":3,"targetSubsessionId":"s~1"}}"#
            ),
            ClientMsg::AssignUserToSubsession(target.clone())
        );
        assert_eq!(
            wire(
                r#"{"id":6,"cmd":"subsession.moveUserToSubsession","args":{"userId":3,"targetSubsessionId":"s~1"}}"#
            ),
            ClientMsg::MoveUserToSubsession(target)
        );
        let user3 = TargetParams { user_id: UserId(3) };
        assert_eq!(
            wire(r#"{"id":7,"cmd":"subsession.postponeHelping","args":{"userId":3}}"#),
            ClientMsg::PostponeHelping(user3)
        );
        assert_eq!(
            wire(r#"{"id":8,"cmd":"subsession.moveBackToMainSession","args":{"userId":3}}"#),
            ClientMsg::MoveBackToMainSession(user3)
        );
        assert_eq!(
            wire(r#"{"id":9,"cmd":"subsession.broadcast","args":{"content":"5 minutes left"}}"#),
            ClientMsg::SubsessionBroadcast {
                content: "5 minutes left".into()
            }
        );
        for (cmd, msg) in [
            ("leaveSubsession", ClientMsg::LeaveSubsession),
            ("askForHelp", ClientMsg::AskForHelp),
            ("closeAllSubsessions", ClientMsg::CloseAllSubsessions),
            ("startBroadcastVoice", ClientMsg::StartBroadcastVoice),
            ("stopBroadcastVoice", ClientMsg::StopBroadcastVoice),
            ("getState", ClientMsg::GetSubsessionState),
        ] {
            assert_eq!(
                wire(&format!(r#"{{"id":10,"cmd":"subsession.{cmd}"}}"#)),
                msg
            );
        }
        for (cmd, getter) in [
            ("chat.getPrivilege", Getter::ChatPrivilege),
            ("getSharePrivilege", Getter::SharePrivilege),
            ("isShareLocked", Getter::IsShareLocked),
        ] {
            assert_eq!(
                ok(&format!(r#"{{"id":11,"cmd":"{cmd}"}}"#)).command,
                Command::Local(getter)
            );
        }
        for (cmd, getter) in [
            ("getSubsessionList", Getter::SubsessionList),
            ("getSubsessionStatus", Getter::SubsessionStatus),
            ("getSubsessionOptions", Getter::SubsessionOptions),
            ("getCurrentSubsession", Getter::CurrentSubsession),
            ("getUserStatus", Getter::SubsessionUserStatus),
        ] {
            assert_eq!(
                ok(&format!(r#"{{"id":11,"cmd":"subsession.{cmd}"}}"#)).command,
                Command::Local(getter)
            );
        }
        // A missing or mistyped argument is refused with the line's id.
        for bad in [
            r#"{"id":12,"cmd":"subsession.joinSubsession"}"#,
            r#"{"id":12,"cmd":"subsession.moveUserToSubsession","args":{"userId":3}}"#,
            r#"{"id":12,"cmd":"subsession.createSubsessions","args":{"data":true}}"#,
        ] {
            assert!(matches!(err(bad), (12, LineError::Unsupported(_))), "{bad}");
        }
    }

    #[test]
    fn bad_lines_say_why_with_their_id() {
        assert!(matches!(err("{nope"), (0, LineError::Malformed(_))));
        assert!(matches!(err(r#"{"id":7}"#), (7, LineError::Malformed(_))));
        assert!(matches!(
            err(r#"{"id":8,"cmd":"x","args":[1]}"#),
            (8, LineError::Malformed(_))
        ));
        assert!(matches!(
            err(r#"{"id":9,"cmd":"noSuchThing"}"#),
            (9, LineError::Unsupported(_))
        ));
        assert!(matches!(
            err(r#"{"id":10,"cmd":"getUser"}"#),
            (10, LineError::Unsupported(_))
        ));
        // A bad media argument is kept for after the stream check.
        assert_eq!(
            ok(r#"{"id":11,"cmd":"attachVideo","args":{"userId":2,"videoQuality":300}}"#).command,
            Command::Media(Err("videoQuality must be 0-4".into()))
        );
    }
}
