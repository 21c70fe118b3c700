//! Audio: joining and leaving computer audio, muting oneself or others, and asking others
//! to unmute (never forced). Whether a user's audio is forwarded follows from these states
//! in [`Core::broadcast_updates`].

use crate::core::Core;
use crate::input::ConnId;
use crate::reply::{Handled, Payload};
use crate::session::Session;
use convene_protocol::{
    AskUnmuteReason, AudioAction, AudioChangeSource, AudioKind, ErrorBody, ErrorCode, Event,
    ParticipantUpdate, SessionId, UserId,
};

fn audio_not_started() -> ErrorBody {
    ErrorBody::new(ErrorCode::AudioNotStarted, "audio is not started")
}

fn audio_change(action: AudioAction, source: Option<AudioChangeSource>) -> Event {
    Event::CurrentAudioChange { action, source }
}

fn ask_unmute() -> Event {
    Event::HostAskUnmuteAudio {
        reason: AskUnmuteReason::Unmute,
    }
}

impl Core {
    /// The session and the user a mute or unmute acts on (self when `None`), once `me` may
    /// act on it.
    fn audio_target(
        &mut self,
        sid: &SessionId,
        me: UserId,
        target: Option<UserId>,
    ) -> Result<(&mut Session, UserId), ErrorBody> {
        let s = self.session_mut(sid)?;
        let target = target.unwrap_or(me);
        if target != me {
            s.require_may_act_on(me, target)?;
        }
        Ok((s, target))
    }

    pub(crate) fn start_audio(
        &mut self,
        sid: &SessionId,
        me: UserId,
        mute: bool,
        speaker_only: bool,
    ) -> Handled {
        let s = self.session_mut(sid)?;
        // unwrap is ok because `me` is bound to this session.
        let u = s.users.get_mut(&me).expect("present");
        if u.p.audio == AudioKind::Computer {
            // In audio already; from speaker only to the microphone (or back) is news.
            if u.p.is_speaker_only != speaker_only {
                u.p.is_speaker_only = speaker_only;
                let mut d = ParticipantUpdate::new(me);
                d.is_speaker_only = Some(speaker_only);
                self.broadcast_updates(sid, vec![d]);
            }
            return Ok(Payload::Ack);
        }
        u.p.audio = AudioKind::Computer;
        u.p.muted = Some(mute);
        u.p.is_speaker_only = speaker_only;
        let conn = u.conn;
        let mut d = ParticipantUpdate::new(me);
        d.audio = Some(AudioKind::Computer);
        d.muted = Some(mute);
        d.is_speaker_only = speaker_only.then_some(true);
        self.send_one(conn, audio_change(AudioAction::Join, None));
        self.broadcast_updates(sid, vec![d]);
        Ok(Payload::Ack)
    }

    pub(crate) fn stop_audio(&mut self, sid: &SessionId, me: UserId) -> Handled {
        let s = self.session_mut(sid)?;
        // unwrap is ok because `me` is bound to this session.
        let u = s.users.get_mut(&me).expect("present");
        if u.p.audio == AudioKind::None {
            return Ok(Payload::Ack);
        }
        u.p.audio = AudioKind::None;
        u.p.muted = None;
        u.p.is_speaker_only = false;
        let conn = u.conn;
        let mut d = ParticipantUpdate::new(me);
        d.audio = Some(AudioKind::None);
        self.send_one(
            conn,
            audio_change(AudioAction::Leave, Some(AudioChangeSource::Active)),
        );
        self.broadcast_updates(sid, vec![d]);
        Ok(Payload::Ack)
    }

    /// Mutes `target` (self when `None`).
    pub(crate) fn mute_audio(
        &mut self,
        sid: &SessionId,
        me: UserId,
        target: Option<UserId>,
    ) -> Handled {
        let (s, target) = self.audio_target(sid, me, target)?;
        if s.users[&target].p.audio == AudioKind::None {
            return Err(audio_not_started());
        }
        let mut updates = Vec::new();
        if s.mute(target, &mut updates) {
            let source = if target == me {
                AudioChangeSource::Active
            } else {
                AudioChangeSource::PassiveMuteOne
            };
            let conn = s.users[&target].conn;
            self.send_one(conn, audio_change(AudioAction::Muted, Some(source)));
            self.broadcast_updates(sid, updates);
        }
        Ok(Payload::Ack)
    }

    /// Unmutes oneself, or asks `target` to unmute.
    pub(crate) fn unmute_audio(
        &mut self,
        sid: &SessionId,
        me: UserId,
        target: Option<UserId>,
    ) -> Handled {
        let (s, target) = self.audio_target(sid, me, target)?;
        if target != me {
            // Never forced: the user is asked.
            let conn = s.users[&target].conn;
            self.send_one(conn, ask_unmute());
            return Ok(Payload::Ack);
        }
        // unwrap is ok because `me` is bound to this session.
        let u = s.users.get_mut(&me).expect("present");
        if u.p.audio == AudioKind::None {
            return Err(audio_not_started());
        }
        if u.p.muted == Some(false) {
            return Ok(Payload::Ack);
        }
        u.p.muted = Some(false);
        let conn = u.conn;
        let mut d = ParticipantUpdate::new(me);
        d.muted = Some(false);
        self.send_one(
            conn,
            audio_change(AudioAction::Unmuted, Some(AudioChangeSource::Active)),
        );
        self.broadcast_updates(sid, vec![d]);
        Ok(Payload::Ack)
    }

    pub(crate) fn mute_all(&mut self, sid: &SessionId, me: UserId) -> Handled {
        let s = self.session_mut(sid)?;
        s.require_privileged(me)?;
        let ids: Vec<UserId> = s.users.keys().copied().filter(|u| *u != me).collect();
        let mut updates = Vec::new();
        let mut told = Vec::new();
        for id in ids {
            if s.mute(id, &mut updates) {
                told.extend(s.users[&id].conn);
            }
        }
        self.send(
            told,
            audio_change(AudioAction::Muted, Some(AudioChangeSource::PassiveMuteAll)),
        );
        self.broadcast_updates(sid, updates);
        Ok(Payload::Ack)
    }

    /// Asks every other muted user to unmute.
    pub(crate) fn unmute_all(&mut self, sid: &SessionId, me: UserId) -> Handled {
        let s = self.session_mut(sid)?;
        s.require_privileged(me)?;
        let to: Vec<ConnId> = s
            .users
            .values()
            .filter(|u| u.p.user_id != me && u.p.muted == Some(true))
            .filter_map(|u| u.conn)
            .collect();
        self.send(to, ask_unmute());
        Ok(Payload::Ack)
    }
}
