//! Subsessions in the core: moving to another room of the session (`subsession-moved`) and
//! the two countdowns (the rooms' timer, their closing) the reference SDK ticks each second.

use super::{ClientCore, Output};
use crate::ClientEvent;
use convene_protocol::{ConnectionState, Event, SubsessionMoved, SubsessionStatus};
use std::time::{Duration, Instant};

/// How often a countdown drops.
const COUNTDOWN_TICK: Duration = Duration::from_secs(1);

impl ClientCore {
    /// We are now in another room: its view replaces the old room's (session id, so a resume
    /// goes to the room; users, with the difference told to the app; privileges; resume
    /// token), between `Reconnecting` (with the reason) and `Connected`; then the media peer
    /// is rebuilt, as the server dropped the old room's.
    pub(super) fn on_moved(&mut self, m: SubsessionMoved) {
        let was = self.state.me();
        self.emit(Event::ConnectionChange {
            state: ConnectionState::Reconnecting,
            reason: Some(m.reason.as_str().to_owned()),
            subsession_name: Some(m.subsession_name.clone()),
        });
        for e in self.state.resume(m.session.clone()) {
            self.emit(e);
        }
        let moved = Event::SubsessionMoved(Box::new(m));
        self.state.apply(&moved);
        self.emit(moved);
        self.emit_connection(ConnectionState::Connected, None);
        self.out.push_back(Output::Moved(was));
    }

    /// Follows the countdowns: `closing-subsession-countdown` starts the closing one; a
    /// `subsession-state` Open with `timeLeft` sets the timer's (emitted at once when it was
    /// not running), and one not Open stops it, as `subsession-time-up` does; a state other
    /// than Closing ends the closing one at 0.
    pub(super) fn note_countdown(&mut self, now: Instant, event: &Event) {
        match event {
            Event::ClosingSubsessionCountdown { countdown } => {
                self.countdowns.closing = Ticker::start(now, *countdown);
            }
            Event::SubsessionState(s) => {
                match (s.status, s.time_left) {
                    (SubsessionStatus::InProgress, Some(left)) => {
                        match &mut self.countdowns.timer {
                            Some(t) => t.left = left,
                            None => {
                                self.countdowns.timer = Ticker::start(now, left);
                                self.emit_timer(left);
                            }
                        }
                    }
                    _ => self.countdowns.timer = None,
                }
                if s.status != SubsessionStatus::Closing && self.countdowns.closing.take().is_some()
                {
                    // Closed before our count reached 0: the server's clock is the one that
                    // counts.
                    self.emit(Event::ClosingSubsessionCountdown { countdown: 0 });
                }
            }
            Event::SubsessionTimeUp {} => self.countdowns.timer = None,
            _ => {}
        }
    }

    /// A second passed on a countdown: the app hears the new count.
    pub(super) fn on_countdown_timer(&mut self, now: Instant) {
        if let Some(left) = Ticker::tick(&mut self.countdowns.closing, now) {
            self.emit(Event::ClosingSubsessionCountdown { countdown: left });
        }
        if let Some(left) = Ticker::tick(&mut self.countdowns.timer, now) {
            self.emit_timer(left);
        }
    }

    fn emit_timer(&mut self, countdown: u32) {
        self.out
            .push_back(Output::Local(ClientEvent::SubsessionCountdown {
                countdown,
            }));
    }
}

/// A count the client lowers once a second, down to 0.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ticker {
    /// When the count next drops.
    next: Instant,
    /// The count now.
    left: u32,
}

impl Ticker {
    /// Counting from `left` (nothing to count from 0).
    fn start(now: Instant, left: u32) -> Option<Ticker> {
        (left > 0).then_some(Ticker {
            next: now + COUNTDOWN_TICK,
            left,
        })
    }

    /// The new count when its second is over; the ticker ends at 0.
    fn tick(ticker: &mut Option<Ticker>, now: Instant) -> Option<u32> {
        let t = ticker.as_mut().filter(|t| t.next <= now)?;
        t.left -= 1;
        t.next += COUNTDOWN_TICK;
        let left = t.left;
        if left == 0 {
            *ticker = None;
        }
        Some(left)
    }
}

/// The subsessions' two countdowns: the rooms' timer (`subsession-countdown`) and their
/// closing (`closing-subsession-countdown`).
#[derive(Debug, Default)]
pub(super) struct Countdowns {
    timer: Option<Ticker>,
    closing: Option<Ticker>,
}

impl Countdowns {
    /// When a count next drops.
    pub(super) fn next(&self) -> Option<Instant> {
        [self.timer, self.closing]
            .into_iter()
            .flatten()
            .map(|t| t.next)
            .min()
    }
}
