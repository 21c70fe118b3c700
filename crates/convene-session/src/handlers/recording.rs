//! Cloud recording: the session's recording state, who may change it, and the egress
//! worker the driver must start or stop. The worker itself follows `recording-change`
//! (it is in the session), so pausing and resuming need nothing from the driver.

use crate::core::Core;
use crate::output::{EgressAction, Output};
use crate::reply::{Handled, Payload};
use convene_protocol::{ErrorBody, ErrorCode, Event, RecordingStatus, SessionId, UserId};

/// What `startCloudRecording` answers when the server cannot record.
pub(crate) const UNAVAILABLE: &str =
    "cloud recording needs ffmpeg on the server: install it (Debian/Ubuntu: apt-get install ffmpeg)";

impl Core {
    /// `recording.startCloudRecording`: host only; the driver starts the egress worker.
    pub(crate) fn start_recording(&mut self, sid: &SessionId, me: UserId) -> Handled {
        let available = self.config.cloud_recording;
        let s = self.session_mut(sid)?;
        s.require_may_record(me)?;
        if !available {
            return Err(ErrorBody::new(ErrorCode::RecordingUnavailable, UNAVAILABLE));
        }
        if s.recording != RecordingStatus::Stopped {
            return Err(mismatch("the recording has already started"));
        }
        s.recording_run += 1;
        let start = EgressAction::Start {
            session: sid.clone(),
            topic: s.topic.clone(),
            passcode: s.passcode.clone(),
            session_key: s.session_key.clone(),
            run: s.recording_run,
        };
        self.out.push_back(Output::Egress(start));
        self.set_recording(sid, RecordingStatus::Recording);
        Ok(Payload::Ack)
    }

    /// `recording.stopCloudRecording`: the worker finishes the file and leaves.
    pub(crate) fn stop_recording(&mut self, sid: &SessionId, me: UserId) -> Handled {
        let s = self.session_mut(sid)?;
        s.require_may_record(me)?;
        if s.recording == RecordingStatus::Stopped {
            return Err(mismatch("no recording is running"));
        }
        self.out.push_back(Output::Egress(EgressAction::Stop {
            session: sid.clone(),
        }));
        self.set_recording(sid, RecordingStatus::Stopped);
        Ok(Payload::Ack)
    }

    /// `recording.pauseCloudRecording` (`pause: true`) and `resumeCloudRecording`.
    pub(crate) fn pause_recording(&mut self, sid: &SessionId, me: UserId, pause: bool) -> Handled {
        let s = self.session_mut(sid)?;
        s.require_may_record(me)?;
        let (from, to) = if pause {
            (RecordingStatus::Recording, RecordingStatus::Paused)
        } else {
            (RecordingStatus::Paused, RecordingStatus::Recording)
        };
        if s.recording != from {
            return Err(mismatch(format!(
                "the recording is {:?}, not {from:?}",
                s.recording
            )));
        }
        self.set_recording(sid, to);
        Ok(Payload::Ack)
    }

    /// `recording.getCloudRecordingStatus`.
    pub(crate) fn recording_status(&mut self, sid: &SessionId) -> Handled {
        let state = self.session_mut(sid)?.recording;
        Ok(Payload::Value(serde_json::json!(state)))
    }

    /// `recording.canStartRecording`: the host, on a server that can record.
    pub(crate) fn can_record(&mut self, sid: &SessionId, me: UserId) -> Handled {
        let available = self.config.cloud_recording;
        let may = self.session_mut(sid)?.require_may_record(me).is_ok();
        Ok(Payload::Value(serde_json::json!(available && may)))
    }

    /// The egress worker of recording `run` of `sid` ended (it failed, could not start, or
    /// finished after a stop): if that recording still runs, it is over. A worker of an
    /// earlier recording ending changes nothing.
    pub(crate) fn egress_ended(&mut self, sid: &SessionId, run: u64) {
        if self
            .sessions
            .get(sid)
            .is_some_and(|s| s.recording != RecordingStatus::Stopped && s.recording_run == run)
        {
            self.set_recording(sid, RecordingStatus::Stopped);
        }
    }

    /// Sets the state and tells everyone (`recording-change`).
    fn set_recording(&mut self, sid: &SessionId, state: RecordingStatus) {
        let Some(s) = self.sessions.get_mut(sid) else {
            return;
        };
        s.recording = state;
        let to = s.conns_except(None);
        self.send(to, Event::RecordingChange { state });
    }
}

fn mismatch(reason: impl Into<String>) -> ErrorBody {
    ErrorBody::new(ErrorCode::RecordingMismatchState, reason)
}
