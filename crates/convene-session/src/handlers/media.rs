//! The camera and the media plane: video on/off, attaching others' cameras (at most 25),
//! SDP offers handed to the media plane, and what the media plane reports back (speakers,
//! network quality, receive slots).

use crate::core::Core;
use crate::input::ConnId;
use crate::output::MediaAction;
use crate::reply::{Handled, Payload};
use convene_protocol::{
    ActiveSpeaker, ErrorBody, ErrorCode, Event, LinkDirection, MediaKind, ParticipantUpdate,
    RtcOffer, SessionId, StartStop, UserId, MAX_ATTACHED_VIDEOS,
};

impl Core {
    pub(crate) fn set_video(&mut self, sid: &SessionId, me: UserId, on: bool) -> Handled {
        let s = self.session_mut(sid)?;
        // unwrap is ok because `me` is bound to this session.
        let u = s.users.get_mut(&me).expect("present");
        if u.p.b_video_on == on {
            return Ok(Payload::Ack);
        }
        u.p.b_video_on = on;
        let quality = u.quality;
        let others = s.conns_except(Some(me));
        let mut d = ParticipantUpdate::new(me);
        d.b_video_on = Some(on);
        self.broadcast_updates(sid, vec![d]);
        self.send(
            others.clone(),
            Event::PeerVideoStateChange {
                action: StartStop::from_on(on),
                user_id: me,
            },
        );
        // The others hear a user's link quality only while its camera is on: tell them
        // where it stands now.
        if let (true, Some((up, down))) = (on, quality) {
            self.send(others.clone(), quality_event(me, LinkDirection::Uplink, up));
            self.send(others, quality_event(me, LinkDirection::Downlink, down));
        }
        Ok(Payload::Ack)
    }

    /// `me` receives `publisher`'s camera at `quality` (0–4).
    pub(crate) fn attach(
        &mut self,
        sid: &SessionId,
        me: UserId,
        publisher: UserId,
        quality: u8,
    ) -> Handled {
        let s = self.session_mut(sid)?;
        if quality > 4 {
            return Err(ErrorBody::new(
                ErrorCode::InvalidParameter,
                format!("videoQuality must be 0-4, got {quality}"),
            ));
        }
        if publisher == me || !s.users.contains_key(&publisher) {
            return Err(ErrorBody::new(
                ErrorCode::StreamMismatchUser,
                format!("no other user {publisher} in this session"),
            ));
        }
        // unwrap is ok because `me` is bound to this session.
        let u = s.users.get_mut(&me).expect("present");
        if !u.attached.contains_key(&publisher) && u.attached.len() >= MAX_ATTACHED_VIDEOS {
            return Err(ErrorBody::new(
                ErrorCode::VideoRenderLimitExceed,
                format!("at most {MAX_ATTACHED_VIDEOS} videos can be attached"),
            ));
        }
        u.attached.insert(publisher, quality);
        self.media(MediaAction::Attach {
            session: sid.clone(),
            subscriber: me,
            publisher,
            quality,
        });
        Ok(Payload::Ack)
    }

    pub(crate) fn detach(&mut self, sid: &SessionId, me: UserId, publisher: UserId) -> Handled {
        let s = self.session_mut(sid)?;
        // unwrap is ok because `me` is bound to this session.
        let u = s.users.get_mut(&me).expect("present");
        if u.attached.remove(&publisher).is_some() {
            self.media(MediaAction::Detach {
                session: sid.clone(),
                subscriber: me,
                publisher,
            });
        }
        Ok(Payload::Ack)
    }

    /// An SDP offer goes to the media plane, which replies with the answer.
    pub(crate) fn offer(&mut self, conn: ConnId, id: u64, offer: RtcOffer) {
        match self.conns.get(&conn).cloned() {
            Some((session, user)) => self.media(MediaAction::Offer {
                session,
                user,
                conn,
                id,
                offer,
            }),
            None => self.reply(
                conn,
                id,
                Err(ErrorBody::new(
                    ErrorCode::StreamSessionJoinRequired,
                    "join first",
                )),
            ),
        }
    }

    /// The media plane's speakers, loudest first: sent to everyone when the list changed.
    pub(crate) fn active_speakers(&mut self, sid: &SessionId, users: Vec<UserId>) {
        let Some(s) = self.sessions.get_mut(sid) else {
            return;
        };
        if s.last_speakers == users {
            return;
        }
        let list: Vec<ActiveSpeaker> = users
            .iter()
            .filter_map(|id| {
                s.users.get(id).map(|u| ActiveSpeaker {
                    user_id: *id,
                    display_name: Some(u.p.display_name.clone()),
                })
            })
            .collect();
        s.last_speakers = users;
        let to = s.conns_except(None);
        if !list.is_empty() {
            self.send(to, Event::ActiveSpeaker(list));
        }
    }

    /// The media plane's quality levels (capped at 5) for one user: each direction, when it
    /// changed, to the user itself and, while its camera is on, to everyone else (the
    /// reference reports quality only for users with video on; sending every audio-only
    /// listener's changes to a 5,000-user session would cost the square of its size).
    pub(crate) fn network_quality(&mut self, sid: &SessionId, user: UserId, up: u8, down: u8) {
        let Some(s) = self.sessions.get_mut(sid) else {
            return;
        };
        let Some(u) = s.users.get_mut(&user) else {
            return;
        };
        let (up, down) = (up.min(5), down.min(5));
        let old = u.quality.replace((up, down));
        let to = if u.p.b_video_on {
            s.conns_except(None)
        } else {
            u.conn.into_iter().collect()
        };
        if old.map(|o| o.0) != Some(up) {
            self.send(to.clone(), quality_event(user, LinkDirection::Uplink, up));
        }
        if old.map(|o| o.1) != Some(down) {
            self.send(to, quality_event(user, LinkDirection::Downlink, down));
        }
    }

    /// Tells `user` which user's media a receive slot of its peer now carries.
    pub(crate) fn media_slot(
        &mut self,
        sid: &SessionId,
        user: UserId,
        mid: String,
        from: Option<UserId>,
        kind: MediaKind,
    ) {
        let conn = self
            .sessions
            .get(sid)
            .and_then(|s| s.users.get(&user))
            .and_then(|u| u.conn);
        self.send_one(
            conn,
            Event::MediaSlot {
                mid,
                user_id: from,
                kind,
            },
        );
    }
}

fn quality_event(user_id: UserId, kind: LinkDirection, level: u8) -> Event {
    Event::NetworkQualityChange {
        user_id,
        kind,
        level,
    }
}
