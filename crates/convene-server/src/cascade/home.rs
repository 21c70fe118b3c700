//! [`Home`]: which SFU a peer of this node's sessions is on, this node's or an edge's, and
//! the operations the session's media slice applies to it either way.

use convene_sfu::{Command, PeerId, RoomId, TrackKind};

use super::EdgeLink;
use crate::handle::SessionHandle;
use crate::media_plane::{MediaPlane, MediaPlaneBusy};

/// Where a peer lives.
#[derive(Debug, Clone)]
pub(crate) enum Home {
    /// This node's SFU.
    Local,
    /// An edge's SFU, through the link to it.
    Edge(EdgeLink),
}

impl Home {
    /// Which SFU: `None` for this node's, else the edge's node id.
    pub(crate) fn key(&self) -> Option<&str> {
        match self {
            Home::Local => None,
            Home::Edge(l) => Some(l.node()),
        }
    }

    /// A new peer of `user` in `room`, owned by `session`, with its permissions.
    pub(crate) fn add_peer(
        &self,
        plane: &MediaPlane,
        session: &SessionHandle,
        room: &RoomId,
        user: u32,
        allowed: [bool; 3],
    ) -> PeerId {
        match self {
            Home::Local => plane.add_peer(session, room, user, allowed),
            Home::Edge(l) => l.add_peer(plane, session, room, user, allowed),
        }
    }

    /// Removes `peer` from its SFU.
    pub(crate) fn remove_peer(&self, plane: &MediaPlane, peer: PeerId, room: &RoomId) {
        match self {
            Home::Local => plane.remove_peer(peer, room),
            Home::Edge(l) => l.remove_peer(plane, peer),
        }
    }

    /// Forgets `peer` (its SFU removed it already).
    pub(crate) fn forget(&self, plane: &MediaPlane, peer: PeerId, room: &RoomId) {
        match self {
            Home::Local => plane.forget(peer, room),
            Home::Edge(l) => l.forget(plane, peer),
        }
    }

    pub(crate) fn set_allowed(&self, plane: &MediaPlane, peer: PeerId, kind: TrackKind, on: bool) {
        match self {
            Home::Local => plane.control().set_allowed(peer, kind, on),
            Home::Edge(l) => l.set_allowed(peer, kind, on),
        }
    }

    pub(crate) fn set_audio_slots(&self, plane: &MediaPlane, peer: PeerId, slots: usize) {
        match self {
            Home::Local => plane.control().set_audio_slots(peer, slots),
            Home::Edge(l) => l.set_audio_slots(peer, slots),
        }
    }

    pub(crate) fn set_relay_source(&self, plane: &MediaPlane, peer: PeerId, user: u32) {
        match self {
            Home::Local => plane.control().set_relay_source(peer, user),
            Home::Edge(l) => l.set_relay_source(peer, user),
        }
    }

    pub(crate) fn attach_video(&self, plane: &MediaPlane, peer: PeerId, user: u32, quality: u8) {
        match self {
            Home::Local => plane.control().attach_video(peer, user, quality),
            Home::Edge(l) => l.attach_video(peer, user, quality),
        }
    }

    pub(crate) fn detach_video(&self, plane: &MediaPlane, peer: PeerId, user: u32) {
        match self {
            Home::Local => plane.control().detach_video(peer, user),
            Home::Edge(l) => l.detach_video(peer, user),
        }
    }

    /// Queues an offer or candidate; never waits.
    pub(crate) fn send(&self, plane: &MediaPlane, c: Command) -> Result<(), MediaPlaneBusy> {
        match self {
            Home::Local => plane.send(c),
            Home::Edge(l) => l.command(c),
        }
    }
}
