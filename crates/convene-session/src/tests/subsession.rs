//! Subsessions: rooms scope user lists, chat and media; the rules and codes of
//! docs/subsessions.md; closing, timers, failover and the session's end across rooms.

use super::*;

/// Host, two participants.
fn three() -> (H, ConnId, ConnId, ConnId) {
    let mut h = H::new();
    let host = h.join(&HOST, "host");
    let a = h.join(&PART, "a");
    let b = h.join(&PART, "b");
    (h, host, a, b)
}

fn create(h: &mut H, host: ConnId, names: &[&str]) -> Vec<Subsession> {
    let v = h
        .req(
            host,
            ClientMsg::CreateSubsessions {
                data: SubsessionNames::Many(names.iter().map(|s| s.to_string()).collect()),
                pattern: AllocationPattern::Manually,
            },
        )
        .unwrap();
    serde_json::from_value(v).unwrap()
}

fn open(h: &mut H, host: ConnId, rooms: Vec<Subsession>, options: SubsessionOptions) -> u32 {
    h.code(
        host,
        ClientMsg::OpenSubsessions(OpenSubsessions {
            subsessions: rooms,
            options,
        }),
    )
}

fn assigned(room: &Subsession, users: &[UserId]) -> Subsession {
    Subsession {
        user_list: users
            .iter()
            .map(|u| SubsessionUser {
                user_id: *u,
                display_name: String::new(),
                is_in_subsession: false,
            })
            .collect(),
        ..room.clone()
    }
}

fn auto_join() -> SubsessionOptions {
    SubsessionOptions {
        is_auto_join_subsession: true,
        ..Default::default()
    }
}

fn moves(h: &H, c: ConnId) -> Vec<SubsessionMoved> {
    h.view(c)
        .events
        .iter()
        .filter_map(|e| match e {
            Event::SubsessionMoved(m) => Some((**m).clone()),
            _ => None,
        })
        .collect()
}

fn last_state(h: &H, c: ConnId) -> SubsessionState {
    h.view(c)
        .events
        .iter()
        .rev()
        .find_map(|e| match e {
            Event::SubsessionState(s) => Some(s.clone()),
            _ => None,
        })
        .expect("a subsession-state")
}

fn ids(h: &H, c: ConnId) -> Vec<UserId> {
    h.view(c).users.keys().copied().collect()
}

/// Host in main, `a` in room 1, `b` in room 2, opened with auto-join.
fn opened() -> (H, ConnId, ConnId, ConnId, Vec<Subsession>) {
    let (mut h, host, a, b) = three();
    let (ua, ub) = (h.me(a), h.me(b));
    let rooms = create(&mut h, host, &["One", "Two"]);
    let list = vec![assigned(&rooms[0], &[ua]), assigned(&rooms[1], &[ub])];
    assert_eq!(open(&mut h, host, list, auto_join()), 0);
    (h, host, a, b, rooms)
}

#[test]
fn opening_with_auto_join_moves_users_into_scoped_rooms() {
    let (h, host, a, b, rooms) = opened();
    let (uh, ua, ub) = (h.me(host), h.me(a), h.me(b));
    let main = h.core.session_ids()[0].clone();
    assert_eq!(rooms[0].subsession_id, main.subsession(1).0);

    let m = moves(&h, a);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].reason, MoveReason::MoveToSubsession);
    assert_eq!(
        m[0].subsession_id.as_deref(),
        Some(rooms[0].subsession_id.as_str())
    );
    assert_eq!(m[0].subsession_name, "One");
    assert_eq!(m[0].session.session_id, main.subsession(1));
    // Each room sees only its own users; the main session no longer lists them.
    assert_eq!(ids(&h, a), vec![ua]);
    assert_eq!(ids(&h, b), vec![ub]);
    assert_eq!(ids(&h, host), vec![uh]);
    // Their media peers in the main session are dropped: they start again in the room.
    assert!(h.media.contains(&MediaAction::UserGone {
        session: main.clone(),
        user: ua
    }));
    // The host sees who is where; participants see the rooms without lists.
    let full = last_state(&h, host);
    assert_eq!(full.status, SubsessionStatus::InProgress);
    assert_eq!(full.subsessions[0].user_list.len(), 1);
    assert!(full.subsessions[0].user_list[0].is_in_subsession);
    let public = last_state(&h, a);
    assert_eq!(public.subsessions.len(), 2);
    assert!(public.subsessions.iter().all(|r| r.user_list.is_empty()));
    // The REST view counts everyone in every room.
    assert_eq!(h.core.session_info(&main).unwrap().user_count, 3);
    assert_eq!(h.core.users_of(&main).unwrap().len(), 3);
    assert_eq!(h.core.session_count(), 1);
}

#[test]
fn chat_and_media_do_not_cross_rooms() {
    let (mut h, host, a, b, _) = opened();
    let ub = h.me(b);
    h.req(
        a,
        ClientMsg::ChatSendToAll {
            text: "hi one".into(),
        },
    )
    .unwrap();
    let got = |h: &H, c| {
        h.view(c)
            .events
            .iter()
            .any(|e| matches!(e, Event::ChatOnMessage(m) if m.message == "hi one"))
    };
    assert!(!got(&h, b) && !got(&h, host));
    // Private chat to someone in another room: no such user here.
    assert_eq!(
        h.code(
            a,
            ClientMsg::ChatSend {
                text: "x".into(),
                user_id: ub
            }
        ),
        7001
    );
    // Attaching a camera of another room: no such user here.
    assert_eq!(
        h.code(
            a,
            ClientMsg::AttachVideo {
                user_id: ub,
                quality: 2
            }
        ),
        6001
    );
    // Once in the same room, they meet.
    let r1 = moves(&h, a)[0].subsession_id.clone().unwrap();
    h.req(
        host,
        ClientMsg::MoveUserToSubsession(SubsessionTarget {
            user_id: ub,
            target_subsession_id: r1,
        }),
    )
    .unwrap();
    assert_eq!(ids(&h, a).len(), 2);
    assert_eq!(ids(&h, b).len(), 2);
    h.req(
        a,
        ClientMsg::ChatSendToAll {
            text: "hi one".into(),
        },
    )
    .unwrap();
    assert!(got(&h, b));
}

#[test]
fn invited_users_join_their_own_room_unless_selection_is_on() {
    let (mut h, host, a, b) = three();
    let (ua, ub) = (h.me(a), h.me(b));
    let rooms = create(&mut h, host, &["One", "Two"]);
    let list = vec![assigned(&rooms[0], &[ua]), assigned(&rooms[1], &[ub])];
    assert_eq!(open(&mut h, host, list, SubsessionOptions::default()), 0);
    assert!(moves(&h, a).is_empty());
    assert!(h.view(a).events.iter().any(|e| matches!(
        e,
        Event::SubsessionInviteToJoin { subsession_id, subsession_name }
            if *subsession_id == rooms[0].subsession_id && subsession_name == "One"
    )));
    let join = |id: &str| ClientMsg::JoinSubsession {
        subsession_id: id.into(),
    };
    assert_eq!(h.code(a, join(&rooms[1].subsession_id)), 7503);
    assert_eq!(h.code(a, join("nope")), 7502);
    assert_eq!(h.code(a, join(&rooms[0].subsession_id)), 0);
    assert_eq!(moves(&h, a)[0].reason, MoveReason::JoinSubsession);
    // The host and managers may go anywhere.
    assert_eq!(h.code(host, join(&rooms[1].subsession_id)), 0);
    assert_eq!(ids(&h, host).len(), 1);
}

#[test]
fn leaving_a_room_returns_to_main_unless_the_host_forbids_it() {
    let (mut h, host, a, b) = three();
    let ua = h.me(a);
    let rooms = create(&mut h, host, &["One"]);
    let options = SubsessionOptions {
        is_back_to_main_session_enabled: false,
        ..auto_join()
    };
    assert_eq!(
        open(&mut h, host, vec![assigned(&rooms[0], &[ua])], options),
        0
    );
    assert_eq!(h.code(b, ClientMsg::LeaveSubsession), 7504);
    assert_eq!(h.code(a, ClientMsg::LeaveSubsession), 7505);
    let back = ClientMsg::MoveBackToMainSession(target(ua));
    assert_eq!(h.code(b, back.clone()), 5006);
    assert_eq!(h.code(host, back.clone()), 0);
    assert_eq!(
        moves(&h, a).last().unwrap().reason,
        MoveReason::BackToMainSession
    );
    assert!(moves(&h, a).last().unwrap().subsession_id.is_none());
    assert_eq!(ids(&h, a).len(), 3);
    assert_eq!(h.code(host, back), 7504);
}

#[test]
fn codes_for_every_refusal() {
    let (mut h, host, a, _) = three();
    let create_n = |n| ClientMsg::CreateSubsessions {
        data: SubsessionNames::Count(n),
        pattern: AllocationPattern::Manually,
    };
    assert_eq!(h.code(a, create_n(2)), 5006);
    assert_eq!(h.code(host, create_n(101)), 7501);
    assert_eq!(h.code(host, create_n(0)), 4003);
    let open_none = ClientMsg::OpenSubsessions(OpenSubsessions {
        subsessions: vec![],
        options: Default::default(),
    });
    assert_eq!(h.code(host, open_none), 7504);
    let say = |t: &str| ClientMsg::SubsessionBroadcast { content: t.into() };
    assert_eq!(h.code(host, say("hello")), 7506);
    assert_eq!(h.code(host, ClientMsg::StartBroadcastVoice), 7508);
    assert_eq!(h.code(a, ClientMsg::StartBroadcastVoice), 5006);
    assert_eq!(h.code(host, ClientMsg::CloseAllSubsessions), 7504);
    assert_eq!(h.code(a, ClientMsg::AskForHelp), 7504);

    let rooms = create(&mut h, host, &["One"]);
    let unknown = Subsession {
        subsession_id: "nope".into(),
        ..rooms[0].clone()
    };
    assert_eq!(open(&mut h, host, vec![unknown], auto_join()), 7502);
    let ghost = assigned(&rooms[0], &[UserId(99)]);
    assert_eq!(open(&mut h, host, vec![ghost], auto_join()), 7503);
    let ua = h.me(a);
    assert_eq!(
        open(&mut h, host, vec![assigned(&rooms[0], &[ua])], auto_join()),
        0
    );
    assert_eq!(h.code(host, create_n(1)), 7504);
    assert_eq!(h.code(host, say("")), 7507);
    assert_eq!(h.code(host, say(&"x".repeat(1025))), 7507);
    // Roles, recording and live streaming are the main session's.
    assert_eq!(h.code(a, ClientMsg::StartCloudRecording), 7504);
    assert_eq!(h.code(a, ClientMsg::ReclaimHost), 7504);
}

#[test]
fn broadcasts_reach_the_rooms_and_help_reaches_the_host() {
    let (mut h, host, a, b, _) = opened();
    let ua = h.me(a);
    h.req(
        host,
        ClientMsg::SubsessionBroadcast {
            content: "5 min".into(),
        },
    )
    .unwrap();
    let heard = |h: &H, c| {
        h.view(c).events.iter().any(
            |e| matches!(e, Event::SubsessionBroadcastMessage { message } if message == "5 min"),
        )
    };
    assert!(heard(&h, a) && heard(&h, b) && !heard(&h, host));

    h.req(a, ClientMsg::AskForHelp).unwrap();
    assert!(h.view(host).events.iter().any(|e| matches!(
        e,
        Event::SubsessionAskForHelp { user_id, subsession_name, .. }
            if *user_id == ua && subsession_name == "One"
    )));
    let answers = |h: &H| -> Vec<HelpResponse> {
        h.view(a)
            .events
            .iter()
            .filter_map(|e| match e {
                Event::SubsessionAskForHelpResponse { result } => Some(*result),
                _ => None,
            })
            .collect()
    };
    assert_eq!(answers(&h), vec![HelpResponse::Received]);
    h.req(host, ClientMsg::PostponeHelping(target(ua))).unwrap();
    assert_eq!(
        answers(&h),
        vec![HelpResponse::Received, HelpResponse::Busy]
    );
}

#[test]
fn closing_counts_down_then_brings_everyone_back() {
    let (mut h, host, a, b, rooms) = opened();
    let main = h.core.session_ids()[0].clone();
    let options = SubsessionOptions {
        wait_seconds: 2,
        ..auto_join()
    };
    // Re-open is refused while open; close with the countdown of the options it opened with.
    assert_eq!(open(&mut h, host, rooms.clone(), options), 7504);
    h.req(host, ClientMsg::CloseAllSubsessions).unwrap();
    for c in [host, a, b] {
        assert!(h.view(c).events.iter().any(
            |e| matches!(e, Event::ClosingSubsessionCountdown { countdown } if *countdown == 60)
        ));
    }
    assert_eq!(last_state(&h, host).status, SubsessionStatus::Closing);
    h.advance(Duration::from_secs(59));
    assert_eq!(ids(&h, a).len(), 1);
    h.advance(Duration::from_secs(1));
    assert_eq!(ids(&h, a).len(), 3);
    assert_eq!(ids(&h, host).len(), 3);
    assert_eq!(last_state(&h, host).status, SubsessionStatus::Closed);
    assert_eq!(last_state(&h, a).status, SubsessionStatus::Closed);
    assert!(!h.core.sessions.contains_key(&main.subsession(1)));
    // Closed rooms may be opened again.
    assert_eq!(open(&mut h, host, rooms, options), 0);
}

#[test]
fn the_timer_ends_in_time_up_and_closes_when_asked() {
    let (mut h, host, a, _) = three();
    let ua = h.me(a);
    let rooms = create(&mut h, host, &["One"]);
    let options = SubsessionOptions {
        is_timer_enabled: true,
        timer_duration: 60,
        is_timer_auto_enabled: true,
        wait_seconds: 0,
        ..auto_join()
    };
    assert_eq!(
        open(&mut h, host, vec![assigned(&rooms[0], &[ua])], options),
        0
    );
    assert_eq!(last_state(&h, host).time_left, Some(60));
    h.advance(Duration::from_secs(60));
    assert!(h
        .view(a)
        .events
        .iter()
        .any(|e| matches!(e, Event::SubsessionTimeUp {})));
    assert_eq!(last_state(&h, host).status, SubsessionStatus::Closed);
    assert_eq!(ids(&h, a).len(), 3);
}

#[test]
fn a_dropped_user_resumes_into_its_room_or_where_it_was_moved() {
    let (mut h, host, a, _, _) = opened();
    let ua = h.me(a);
    let room = moves(&h, a)[0].session.clone();
    h.disconnect(a);
    let a2 = h
        .resume(room.session_id.clone(), ua, room.resume_token.clone())
        .expect("resumed");
    assert_eq!(ids(&h, a2), vec![ua]);
    h.disconnect(a2);
    // Closed while it was away: it comes back into the main session.
    let options = h.core.sessions[&h.core.session_ids()[0]].rooms.options;
    assert_eq!(options.wait_seconds, 60);
    h.req(host, ClientMsg::CloseAllSubsessions).unwrap();
    h.advance(Duration::from_secs(60));
    let a3 = h
        .resume(room.session_id, ua, room.resume_token)
        .expect("resumed");
    assert_eq!(ids(&h, a3).len(), 3);
    // Its failover expiry followed it: a user who never comes back is removed from main.
    h.disconnect(a3);
    h.advance(Duration::from_secs(3600));
    assert_eq!(ids(&h, host).len(), 2);
}

#[test]
fn the_session_lives_while_anyone_is_in_any_room_and_ends_for_all() {
    let (mut h, host, a, b, _) = opened();
    let (ua, ub) = (h.me(a), h.me(b));
    // The host leaves from the main session: the host role goes to a user in a room.
    h.req(host, ClientMsg::Leave { end: false }).unwrap();
    assert_eq!(h.core.session_count(), 1);
    assert!(h.user(a, ua).is_host);
    let sessions_ended = |h: &H| {
        h.lifecycle
            .iter()
            .filter(|l| l.event == LifecycleEvent::SessionEnded)
            .count()
    };
    assert_eq!(sessions_ended(&h), 0);
    // The new host ends it from its room: everyone in every room is told and closed.
    h.req(a, ClientMsg::Leave { end: true }).unwrap();
    assert_eq!(h.last_close_reason(b).as_deref(), Some("ended by host"));
    assert!(h.view(b).closed);
    assert_eq!(h.core.session_count(), 0);
    assert!(h.core.is_empty());
    assert_eq!(sessions_ended(&h), 1);
    let _ = ub;
}

#[test]
fn the_last_user_leaving_from_a_room_ends_the_session() {
    let (mut h, host, a, b, _) = opened();
    h.req(host, ClientMsg::Leave { end: false }).unwrap();
    h.req(b, ClientMsg::Leave { end: false }).unwrap();
    assert_eq!(h.core.session_count(), 1);
    h.req(a, ClientMsg::Leave { end: false }).unwrap();
    assert!(h.core.is_empty());
}

#[test]
fn automatic_allocation_spreads_participants_and_the_snapshot_keeps_room_users() {
    let (mut h, host, a, b) = three();
    let c = h.join(&PART, "c");
    let v = h
        .req(
            host,
            ClientMsg::CreateSubsessions {
                data: SubsessionNames::Count(2),
                pattern: AllocationPattern::Automatically,
            },
        )
        .unwrap();
    let rooms: Vec<Subsession> = serde_json::from_value(v).unwrap();
    assert_eq!(rooms[0].subsession_name, "Subsession 1");
    let sizes: Vec<usize> = rooms.iter().map(|r| r.user_list.len()).collect();
    assert_eq!(sizes, vec![2, 1]);
    assert!(rooms
        .iter()
        .flat_map(|r| &r.user_list)
        .all(|u| u.user_id != h.me(host)));
    assert_eq!(open(&mut h, host, rooms, auto_join()), 0);
    for x in [a, b, c] {
        assert_eq!(moves(&h, x).len(), 1);
    }
    let main = h.core.session_ids()[0].clone();
    assert_eq!(h.core.snapshot(&main).unwrap().users.len(), 4);
}

#[test]
fn a_removed_user_in_a_room_cannot_rejoin() {
    let (mut h, host, a, _, rooms) = opened();
    let ua = h.me(a);
    h.req(
        host,
        ClientMsg::JoinSubsession {
            subsession_id: rooms[0].subsession_id.clone(),
        },
    )
    .unwrap();
    h.req(host, ClientMsg::RemoveUser(target(ua))).unwrap();
    assert!(h.view(a).closed);
    let fp = 2; // a joined second: its token's fingerprint
    let again = h.join_full("app", "Topic", &PART, "a", None, None, fp);
    assert_eq!(again.unwrap_err().error_code, 3009);
}

#[test]
fn a_participant_hopping_between_rooms_is_rate_limited() {
    let (mut h, host, a, _) = three();
    let rooms = create(&mut h, host, &["One", "Two"]);
    let options = SubsessionOptions {
        is_subsession_selection_enabled: true,
        ..Default::default()
    };
    assert_eq!(open(&mut h, host, rooms.clone(), options), 0);
    let hop = |i: usize| ClientMsg::JoinSubsession {
        subsession_id: rooms[i % 2].subsession_id.clone(),
    };
    let rate = Config::default().command_rate_per_sec as usize;
    let codes: Vec<u32> = (0..rate + 1).map(|i| h.code(a, hop(i))).collect();
    assert!(codes[..rate].iter().all(|c| *c == 0), "{codes:?}");
    assert_eq!(codes[rate], 7105);
    // Time restores the budget.
    h.advance(Duration::from_secs(1));
    assert_eq!(h.code(a, hop(0)), 0);
}
