//! Subsessions in the core: moving to another room of the session (`subsession-moved`) and
//! the closing countdown, repeated each second as the reference SDK does.

use super::{ClientCore, Output};
use convene_protocol::{ConnectionState, Event, MoveReason, SubsessionMoved, SubsessionStatus};
use std::time::{Duration, Instant};

/// How often the closing countdown is repeated.
const COUNTDOWN_TICK: Duration = Duration::from_secs(1);

/// The reference's `ReconnectReason` for a move, as `connection-change` carries it.
fn reason(r: MoveReason) -> &'static str {
    match r {
        MoveReason::JoinSubsession => "join breakout room",
        MoveReason::MoveToSubsession => "move to breakout room",
        MoveReason::BackToMainSession => "back to main session",
    }
}

impl ClientCore {
    /// We are now in another room: its view replaces the old room's (session id, so a resume
    /// goes to the room; users, with the difference told to the app; privileges; resume
    /// token), between `Reconnecting` (with the reason) and `Connected`; then the media peer
    /// is rebuilt, as the server dropped the old room's.
    pub(super) fn on_moved(&mut self, m: SubsessionMoved) {
        let was = self.state.me();
        self.emit_connection(
            ConnectionState::Reconnecting,
            Some(reason(m.reason).to_owned()),
        );
        for e in self.state.resume(m.session.clone()) {
            self.emit(e);
        }
        let moved = Event::SubsessionMoved(Box::new(m));
        self.state.apply(&moved);
        // The countdown was the old room's closing; in the new room a new one is sent.
        self.countdown = None;
        self.emit(moved);
        self.emit_connection(ConnectionState::Connected, None);
        self.out.push_back(Output::Moved(was));
    }

    /// Follows the closing countdown: a `closing-subsession-countdown` starts (or restarts)
    /// the repetition; a `subsession-state` other than Closing ends it.
    pub(super) fn note_countdown(&mut self, now: Instant, event: &Event) {
        match event {
            Event::ClosingSubsessionCountdown { countdown } => {
                self.countdown = (*countdown > 1).then(|| (now + COUNTDOWN_TICK, countdown - 1));
            }
            Event::SubsessionState(s) if s.status != SubsessionStatus::Closing => {
                self.countdown = None;
            }
            _ => {}
        }
    }

    /// One second passed on the countdown: the app hears the new count.
    pub(super) fn on_countdown_timer(&mut self, now: Instant) {
        let Some((at, countdown)) = self.countdown else {
            return;
        };
        if at > now {
            return;
        }
        self.countdown = (countdown > 1).then(|| (at + COUNTDOWN_TICK, countdown - 1));
        self.emit(Event::ClosingSubsessionCountdown { countdown });
    }
}
