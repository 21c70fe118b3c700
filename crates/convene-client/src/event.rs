//! [`ClientEvent`] and [`Events`], the stream an app reads them from.

use convene_protocol::{ConnectionState, Event, SubsessionStatus};
use futures_util::Stream;
use serde::{Serialize, Serializer};
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use tokio::sync::mpsc;

/// Something that happened to the client's session.
///
/// # Design
/// Server events are carried as they are, in [`ClientEvent::Session`] wrapping
/// [`convene_protocol::Event`], so names and payloads are defined once, in the protocol crate,
/// and match SPEC §6 and the browser SDK exactly. The client itself also produces some of those
/// events: `connection-change` `Connected` after a join, `Reconnecting` (`reason: "failover"`)
/// when the connection drops, `Connected` when it is restored and `Fail` when failover gives
/// up; plus the `user-added` / `user-updated` / `user-removed` that bring the list up to date
/// after a reconnect. They use the same variants, so an app cannot tell (and need not care)
/// where one came from.
///
/// Events that only a client can know are further variants next to `Session`
/// (`subsession-state-change`, ...); the enum is `#[non_exhaustive]` for that reason.
///
/// Serialises as the wire names it, `{"event": "<name>", "payload": <payload>}`, with the
/// participants of `user-added` as an app sees them: every field, defaults included
/// ([`convene_protocol::FullParticipant`]; the wire leaves defaults out).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ClientEvent {
    /// A session event, with the reference SDK's name and payload.
    Session(Event),
    /// `subsession-state-change` `{status}`: the subsessions' status changed (the client
    /// compares each `subsession-state` with the last one).
    SubsessionStateChange {
        /// The new status.
        status: SubsessionStatus,
    },
    /// `subsession-countdown` `{countdown}`: seconds left on the rooms' timer, each second
    /// (from the `timeLeft` of `subsession-state`).
    SubsessionCountdown {
        /// Seconds left.
        countdown: u32,
    },
}

impl ClientEvent {
    /// The event's name as in SPEC §6 (`"user-added"`, `"connection-change"`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            ClientEvent::Session(e) => e.name(),
            ClientEvent::SubsessionStateChange { .. } => "subsession-state-change",
            ClientEvent::SubsessionCountdown { .. } => "subsession-countdown",
        }
    }

    /// The session event, if this is one.
    pub fn as_session(&self) -> Option<&Event> {
        match self {
            ClientEvent::Session(e) => Some(e),
            ClientEvent::SubsessionStateChange { .. } | ClientEvent::SubsessionCountdown { .. } => {
                None
            }
        }
    }

    /// The state and reason when this is a `connection-change`.
    pub fn connection_change(&self) -> Option<(ConnectionState, Option<&str>)> {
        match self {
            ClientEvent::Session(Event::ConnectionChange { state, reason, .. }) => {
                Some((*state, reason.as_deref()))
            }
            _ => None,
        }
    }

    /// True for a `connection-change` that ends this user's session (`Closed` or `Fail`).
    pub fn is_terminal(&self) -> bool {
        matches!(
            self.connection_change(),
            Some((ConnectionState::Closed | ConnectionState::Fail, _))
        )
    }
}

impl From<Event> for ClientEvent {
    fn from(e: Event) -> Self {
        ClientEvent::Session(e)
    }
}

impl Serialize for ClientEvent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ClientEvent::Session(Event::UserAdded(users)) => {
                let full: Vec<_> = users.iter().map(|p| p.full()).collect();
                named(s, self.name(), serde_json::json!(full))
            }
            ClientEvent::Session(e) => e.serialize(s),
            ClientEvent::SubsessionStateChange { status } => {
                named(s, self.name(), serde_json::json!({ "status": status }))
            }
            ClientEvent::SubsessionCountdown { countdown } => named(
                s,
                self.name(),
                serde_json::json!({ "countdown": countdown }),
            ),
        }
    }
}

/// `{"event": name, "payload": payload}`, as the wire names an event.
fn named<S: Serializer>(s: S, event: &str, payload: serde_json::Value) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Named<'a> {
        event: &'a str,
        payload: serde_json::Value,
    }
    Named { event, payload }.serialize(s)
}

/// The events of one [`crate::Client`], as a [`Stream`] (or through [`Events::recv`] without
/// `StreamExt`).
///
/// Each call of [`crate::Client::events`] makes a new subscriber that gets every event from
/// then on, in order, none lost: the queue is unbounded, so read it (or drop it). The stream
/// ends when the client is destroyed or killed, or its last handle is dropped.
#[derive(Debug)]
#[must_use = "events are queued until read; drop the stream to unsubscribe"]
pub struct Events {
    rx: mpsc::UnboundedReceiver<ClientEvent>,
}

impl Events {
    /// The next event; `None` once the client is gone.
    pub async fn recv(&mut self) -> Option<ClientEvent> {
        self.rx.recv().await
    }

    /// The next event if one is queued, without waiting.
    pub fn try_next(&mut self) -> Option<ClientEvent> {
        self.rx.try_recv().ok()
    }
}

impl Stream for Events {
    type Item = ClientEvent;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<ClientEvent>> {
        self.rx.poll_recv(cx)
    }
}

/// Every live subscriber. The driver task is the only sender.
#[derive(Debug, Default)]
pub(crate) struct Subscribers {
    inner: Mutex<SubscribersInner>,
}

#[derive(Debug, Default)]
struct SubscribersInner {
    senders: Vec<mpsc::UnboundedSender<ClientEvent>>,
    /// The driver has stopped: new subscribers get an ended stream.
    closed: bool,
}

impl Subscribers {
    fn lock(&self) -> std::sync::MutexGuard<'_, SubscribersInner> {
        // A panic while holding this lock cannot leave the Vec half-updated, so a poisoned
        // lock is still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn subscribe(&self) -> Events {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut inner = self.lock();
        if !inner.closed {
            inner.senders.push(tx);
        }
        Events { rx }
    }

    /// Delivers to every subscriber, forgetting those that dropped their stream. The last
    /// one gets the event itself, the others a copy (a user list is copied only when two
    /// streams read it).
    pub(crate) fn emit(&self, event: ClientEvent) {
        tracing::debug!(event = event.name(), "client event");
        let mut inner = self.lock();
        let last = inner.senders.len();
        let mut event = Some(event);
        let mut i = 0;
        inner.senders.retain(|tx| {
            i += 1;
            let e = if i == last {
                event.take()
            } else {
                event.clone()
            };
            e.is_some_and(|e| tx.send(e).is_ok())
        });
    }

    /// Ends every stream.
    pub(crate) fn close(&self) {
        let mut inner = self.lock();
        inner.closed = true;
        inner.senders.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[tokio::test]
    async fn every_subscriber_gets_every_event_then_the_end() {
        let subs = Subscribers::default();
        let mut a = subs.subscribe();
        let b = subs.subscribe();
        drop(b);
        let ev = ClientEvent::from(Event::ConnectionChange {
            state: ConnectionState::Closed,
            reason: Some("ended by host".into()),
            subsession_name: None,
        });
        subs.emit(ev.clone());
        assert_eq!(subs.lock().senders.len(), 1, "dropped subscriber forgotten");
        subs.close();
        assert_eq!(a.next().await, Some(ev.clone()));
        assert_eq!(a.recv().await, None);
        let mut late = subs.subscribe();
        assert_eq!(late.recv().await, None);
        assert!(ev.is_terminal());
        assert_eq!(ev.name(), "connection-change");
        assert_eq!(
            serde_json::to_value(&ev).unwrap(),
            serde_json::json!({"event":"connection-change","payload":{"state":"Closed","reason":"ended by host"}})
        );
    }

    #[test]
    fn a_subsession_state_change_serialises_as_the_reference_names_it() {
        let ev = ClientEvent::SubsessionStateChange {
            status: SubsessionStatus::Closing,
        };
        assert_eq!(ev.name(), "subsession-state-change");
        assert_eq!(ev.as_session(), None);
        assert!(!ev.is_terminal());
        assert_eq!(
            serde_json::to_value(&ev).unwrap(),
            serde_json::json!({"event":"subsession-state-change","payload":{"status":3}})
        );
        let ev = ClientEvent::SubsessionCountdown { countdown: 42 };
        assert_eq!(ev.name(), "subsession-countdown");
        assert_eq!(
            serde_json::to_value(&ev).unwrap(),
            serde_json::json!({"event":"subsession-countdown","payload":{"countdown":42}})
        );
    }
}
