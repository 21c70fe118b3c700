//! Live streaming: the session's stream state, who may change it, and the egress worker the
//! driver must start or stop for it. The worker follows `live-stream-status` itself; the
//! driver reports when it streams or reconnects (`Input::EgressStreaming`) and when it ended.

use crate::core::Core;
use crate::handlers::recording::UNAVAILABLE;
use crate::output::{EgressAction, Output};
use crate::reply::{Handled, Payload};
use convene_protocol::{
    ErrorBody, ErrorCode, Event, LiveStreamParams, LiveStreamStatus, SessionId, UserId,
};

impl Core {
    /// `liveStream.startLiveStream`: host only; the driver starts a worker streaming to
    /// `streamUrl/streamKey`.
    pub(crate) fn start_live(
        &mut self,
        sid: &SessionId,
        me: UserId,
        p: LiveStreamParams,
    ) -> Handled {
        let available = self.config.cloud_recording;
        let s = self.session_mut(sid)?;
        s.require_may_record(me)?;
        p.validate()?;
        if !available {
            return Err(ErrorBody::new(ErrorCode::LiveStreamDisabled, UNAVAILABLE));
        }
        if s.live.is_running() {
            return Err(ErrorBody::new(
                ErrorCode::LiveStreamAlreadyStarted,
                "the live stream has already started",
            ));
        }
        s.live_run += 1;
        let start = EgressAction::StartLive {
            session: sid.clone(),
            topic: s.topic.clone(),
            passcode: s.passcode.clone(),
            session_key: s.session_key.clone(),
            run: s.live_run,
            ingest: p.ingest(),
        };
        self.out.push_back(Output::Egress(start));
        self.set_live(sid, LiveStreamStatus::Connecting);
        Ok(Payload::Ack)
    }

    /// `liveStream.stopLiveStream`: the worker stops streaming and leaves (a no-op when no
    /// stream runs).
    pub(crate) fn stop_live(&mut self, sid: &SessionId, me: UserId) -> Handled {
        let s = self.session_mut(sid)?;
        s.require_may_record(me)?;
        if s.live.is_running() {
            self.out.push_back(Output::Egress(EgressAction::StopLive {
                session: sid.clone(),
            }));
            self.set_live(sid, LiveStreamStatus::Ended);
        }
        Ok(Payload::Ack)
    }

    /// `liveStream.getLiveStreamStatus`.
    pub(crate) fn live_status(&mut self, sid: &SessionId) -> Handled {
        let state = self.session_mut(sid)?.live;
        Ok(Payload::Value(serde_json::json!(state)))
    }

    /// The worker of stream `run` reached the ingest (`on`: `InProgress`), or lost it and
    /// reconnects (`Connecting`).
    pub(crate) fn live_streaming(&mut self, sid: &SessionId, run: u64, on: bool) {
        let (from, to) = if on {
            (LiveStreamStatus::Connecting, LiveStreamStatus::InProgress)
        } else {
            (LiveStreamStatus::InProgress, LiveStreamStatus::Connecting)
        };
        if self
            .sessions
            .get(sid)
            .is_some_and(|s| s.live == from && s.live_run == run)
        {
            self.set_live(sid, to);
        }
    }

    /// The worker of stream `run` ended while it should stream: the ingest could not be
    /// reached, or dropped it.
    pub(crate) fn live_ended(&mut self, sid: &SessionId, run: u64) {
        if self
            .sessions
            .get(sid)
            .is_some_and(|s| s.live.is_running() && s.live_run == run)
        {
            self.set_live(sid, LiveStreamStatus::Timeout);
        }
    }

    /// Sets the state and tells everyone (`live-stream-status`).
    fn set_live(&mut self, sid: &SessionId, state: LiveStreamStatus) {
        let Some(s) = self.sessions.get_mut(sid) else {
            return;
        };
        s.live = state;
        let to = s.conns_except(None);
        self.send(to, Event::LiveStreamStatus(state));
    }
}
