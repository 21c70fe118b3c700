//! The control path into the SFU: what must never be lost (peers coming and going, what each
//! may publish, which videos each receives), kept as *state* rather than as a queue of
//! commands.
//!
//! Why state: the signalling side must never wait on the media loop (the media loop waits on
//! it for events, so waiting both ways could deadlock), and a bounded queue it cannot wait on
//! must drop when full. A dropped `RemovePeer` would let a removed user keep receiving media;
//! a dropped permission would leave a peer forwarding what the host forbade. So each write
//! here only records the *latest wanted state* of one peer, coalescing with what the SFU has
//! not applied yet, and wakes the driver, which applies the whole table before any other
//! input. Nothing is ever dropped, and the table never holds more than one entry per peer
//! (an entry of a peer added and removed before the SFU saw it simply vanishes), so its size
//! is bounded by the number of peers, whatever the rate of changes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

use crate::{Command, PeerId, RoomId, TrackKind};

/// The never-dropped control path of one SFU: cheap to clone, never waits (a short lock).
///
/// Hand it to the driver in [`SfuConfig::control`](crate::SfuConfig::control) and keep a
/// clone; the driver applies every change before the next datagram, command or timer. Use
/// the command channel only for negotiation ([`Command::Offer`], [`Command::Candidate`]).
#[derive(Debug, Clone, Default)]
pub struct Control {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    table: Mutex<HashMap<PeerId, Wanted>>,
    /// Set with every change, cleared by the driver when it takes the table: the driver
    /// checks it on every wake-up without taking the lock.
    changed: AtomicBool,
    wake: Notify,
}

/// What one peer should become, not yet applied by the SFU.
#[derive(Debug, Default)]
struct Wanted {
    /// The peer is new: create it first.
    add: Option<(RoomId, u32)>,
    /// Per kind ([`TrackKind::index`]): the latest permission.
    allowed: [Option<bool>; 3],
    /// Speakers it receives, when set ([`Command::SetAudioSlots`]).
    audio_slots: Option<usize>,
    /// The user it relays, when set ([`Command::SetRelaySource`]).
    relay_of: Option<u32>,
    /// Publisher user → `Some(quality)` to attach, `None` to detach. One entry per publisher
    /// (the session core only names users of its session).
    videos: HashMap<u32, Option<u8>>,
    /// Remove the peer (everything else is then moot).
    remove: bool,
}

impl Control {
    /// A new, empty control path.
    pub fn new() -> Self {
        Self::default()
    }

    /// Create `peer` for `user_id` in `room`. It forwards nothing until allowed
    /// ([`Control::set_allowed`]): permissions fail closed.
    pub fn add_peer(&self, peer: PeerId, room: RoomId, user_id: u32) {
        self.change(|t| {
            t.insert(
                peer,
                Wanted {
                    add: Some((room, user_id)),
                    ..Wanted::default()
                },
            );
        });
    }

    /// `peer` receives up to `slots` speakers (see [`Command::SetAudioSlots`]).
    pub fn set_audio_slots(&self, peer: PeerId, slots: usize) {
        self.change(|t| {
            let w = t.entry(peer).or_default();
            if !w.remove {
                w.audio_slots = Some(slots);
            }
        });
    }

    /// `peer` relays `user`: its audio and share slots carry that user only (see
    /// [`Command::SetRelaySource`]).
    pub fn set_relay_source(&self, peer: PeerId, user: u32) {
        self.change(|t| {
            let w = t.entry(peer).or_default();
            if !w.remove {
                w.relay_of = Some(user);
            }
        });
    }

    /// Allow or forbid forwarding `peer`'s `kind` track (host mute, camera off, share lock).
    pub fn set_allowed(&self, peer: PeerId, kind: TrackKind, allowed: bool) {
        self.change(|t| {
            let w = t.entry(peer).or_default();
            if !w.remove {
                w.allowed[kind.index()] = Some(allowed);
            }
        });
    }

    /// `subscriber` receives `publisher_user`'s camera at `quality` (see
    /// [`Command::AttachVideo`]).
    pub fn attach_video(&self, subscriber: PeerId, publisher_user: u32, quality: u8) {
        self.video(subscriber, publisher_user, Some(quality));
    }

    /// `subscriber` stops receiving `publisher_user`'s camera.
    pub fn detach_video(&self, subscriber: PeerId, publisher_user: u32) {
        self.video(subscriber, publisher_user, None);
    }

    fn video(&self, subscriber: PeerId, publisher_user: u32, quality: Option<u8>) {
        self.change(|t| {
            let w = t.entry(subscriber).or_default();
            if !w.remove {
                w.videos.insert(publisher_user, quality);
            }
        });
    }

    /// Remove `peer`: nothing is forwarded from or to it once the driver applied this, which
    /// it does before its next input.
    pub fn remove_peer(&self, peer: PeerId) {
        self.change(|t| {
            if t.get(&peer).is_some_and(|w| w.add.is_some()) {
                // The SFU never saw it: forget it altogether.
                t.remove(&peer);
            } else {
                t.insert(
                    peer,
                    Wanted {
                        remove: true,
                        ..Wanted::default()
                    },
                );
            }
        });
    }

    fn change(&self, f: impl FnOnce(&mut HashMap<PeerId, Wanted>)) {
        f(&mut self.lock());
        self.inner.changed.store(true, Ordering::Release);
        // Stores a permit when the driver is not waiting: no wake-up is lost.
        self.inner.wake.notify_one();
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<PeerId, Wanted>> {
        // A panic while holding this lock is a bug elsewhere; the table itself stays valid.
        self.inner.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The changes not yet applied, as commands in the order they must be applied (per peer:
    /// add, audio slots, relay source, permissions, detaches before attaches so a full subscriber can swap videos,
    /// removal). Empty (and lock-free) when nothing changed.
    pub(crate) fn take(&self) -> Vec<Command> {
        if !self.inner.changed.swap(false, Ordering::Acquire) {
            return Vec::new();
        }
        let table = std::mem::take(&mut *self.lock());
        let mut out = Vec::new();
        for (peer, w) in table {
            if w.remove {
                out.push(Command::RemovePeer { peer });
                continue;
            }
            if let Some((room, user_id)) = w.add {
                out.push(Command::AddPeer {
                    peer,
                    room,
                    user_id,
                });
            }
            if let Some(slots) = w.audio_slots {
                out.push(Command::SetAudioSlots { peer, slots });
            }
            if let Some(user) = w.relay_of {
                out.push(Command::SetRelaySource { peer, user });
            }
            for (i, allowed) in w.allowed.into_iter().enumerate() {
                let Some(allowed) = allowed else { continue };
                out.push(match i {
                    0 => Command::SetAudioAllowed { peer, allowed },
                    1 => Command::SetVideoAllowed { peer, allowed },
                    _ => Command::SetShareAllowed { peer, allowed },
                });
            }
            let (detach, attach): (Vec<_>, Vec<_>) =
                w.videos.into_iter().partition(|(_, q)| q.is_none());
            for (publisher_user, _) in detach {
                out.push(Command::DetachVideo {
                    subscriber: peer,
                    publisher_user,
                });
            }
            for (publisher_user, quality) in attach {
                out.push(Command::AttachVideo {
                    subscriber: peer,
                    publisher_user,
                    quality: quality.unwrap_or_default(),
                });
            }
        }
        out
    }

    /// Resolves after the next change (at once if one happened since the last call).
    pub(crate) async fn changed(&self) {
        self.inner.wake.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room() -> RoomId {
        RoomId("r".into())
    }

    #[test]
    fn changes_coalesce_per_peer_and_keep_their_order() {
        let c = Control::new();
        let p = PeerId(1);
        c.add_peer(p, room(), 7);
        for i in 0..1000 {
            c.set_allowed(p, TrackKind::Audio, i % 2 == 0);
        }
        c.attach_video(p, 3, 2);
        c.detach_video(p, 3);
        c.attach_video(p, 4, 1);
        c.set_audio_slots(p, 5);
        c.set_audio_slots(p, 9);
        let cmds = c.take();
        assert_eq!(
            cmds,
            vec![
                Command::AddPeer {
                    peer: p,
                    room: room(),
                    user_id: 7
                },
                Command::SetAudioSlots { peer: p, slots: 9 },
                Command::SetAudioAllowed {
                    peer: p,
                    allowed: false
                },
                Command::DetachVideo {
                    subscriber: p,
                    publisher_user: 3
                },
                Command::AttachVideo {
                    subscriber: p,
                    publisher_user: 4,
                    quality: 1
                },
            ]
        );
        assert!(c.take().is_empty());
    }

    #[test]
    fn removal_wins_and_an_unseen_peer_vanishes() {
        let c = Control::new();
        c.add_peer(PeerId(1), room(), 1);
        c.remove_peer(PeerId(1));
        assert!(c.take().is_empty());
        c.set_allowed(PeerId(2), TrackKind::Video, true);
        c.remove_peer(PeerId(2));
        c.set_allowed(PeerId(2), TrackKind::Video, true);
        assert_eq!(c.take(), vec![Command::RemovePeer { peer: PeerId(2) }]);
    }
}
