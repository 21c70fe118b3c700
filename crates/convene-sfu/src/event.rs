//! Outputs to the signalling layer.

use crate::{PeerId, ProbeEnd, RoomId, SfuError, TrackKind};

/// Something the signalling layer should know or relay to a client.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    // ====================== negotiation ======================
    /// The SDP answer to a [`Command::Offer`](crate::Command::Offer).
    Answer {
        /// The peer that offered.
        peer: PeerId,
        /// The SDP text to hand to the client.
        sdp: String,
    },
    /// ICE and DTLS are up: media can flow.
    Connected {
        /// The peer.
        peer: PeerId,
    },
    /// The peer's connection died (ICE disconnected or DTLS closed); it has been removed.
    Disconnected {
        /// The peer.
        peer: PeerId,
    },

    // ====================== forwarding ======================
    /// The receive slot `mid` of `peer` now carries `user`'s media (`None`: the slot is idle).
    SlotAssigned {
        /// The subscriber.
        peer: PeerId,
        /// The slot's mid in the subscriber's SDP.
        mid: String,
        /// Whose media the slot carries, if anyone's.
        user: Option<u32>,
        /// What the slot carries.
        kind: TrackKind,
    },
    /// A publisher's track started or stopped sending.
    PublisherTrack {
        /// The publisher.
        peer: PeerId,
        /// The publisher's user id.
        user: u32,
        /// Which track.
        kind: TrackKind,
        /// Whether media is flowing.
        on: bool,
    },
    /// The room's speakers, loudest first. Emitted only when the list changes, at most every
    /// [`SPEAKER_INTERVAL`](crate::SPEAKER_INTERVAL).
    ActiveSpeakers {
        /// The room.
        room: RoomId,
        /// User ids, loudest first.
        users: Vec<u32>,
    },

    // ====================== statistics ======================
    /// Connection quality levels 0 (unusable) to 5 (excellent), emitted when they change.
    NetworkQuality {
        /// The peer.
        peer: PeerId,
        /// Client → SFU.
        uplink: u8,
        /// SFU → client.
        downlink: u8,
    },

    // ====================== probes ======================
    /// A probe peer ([`Command::Probe`](crate::Command::Probe)) was removed.
    ProbeEnded {
        /// The probe.
        peer: PeerId,
        /// Why.
        reason: ProbeEnd,
        /// Data channel bytes it moved, both ways.
        bytes: u64,
    },

    // ====================== errors ======================
    /// A command for `peer` failed, or the peer's connection failed.
    Error {
        /// The peer concerned.
        peer: PeerId,
        /// Why.
        reason: SfuError,
    },
}
