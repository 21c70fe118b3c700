//! Inputs from the signalling layer.

use crate::{PeerId, ProbeLimits, RoomId};

/// An instruction from the signalling layer (the only place that knows sessions, roles and
/// privileges) to the media plane.
///
/// Commands never fail loudly: a command that cannot be applied produces an
/// [`Event::Error`](crate::Event::Error) naming the peer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// Create the media peer of `user_id` in `room`. It stays idle until its first
    /// [`Command::Offer`], and forwards nothing until allowed ([`Command::SetAudioAllowed`],
    /// [`Command::SetVideoAllowed`], [`Command::SetShareAllowed`]): permissions fail closed.
    AddPeer {
        /// Caller-chosen id, unique within this SFU.
        peer: PeerId,
        /// Media is only forwarded between peers of the same room.
        room: RoomId,
        /// The session's user id; reported in [`Event::SlotAssigned`](crate::Event) and
        /// [`Event::ActiveSpeakers`](crate::Event).
        user_id: u32,
    },
    /// Close the peer and stop forwarding anything from or to it.
    RemovePeer {
        /// The peer to remove.
        peer: PeerId,
    },
    /// An SDP offer from the client (the initial one or a renegotiation). The SFU only ever
    /// answers: it replies with [`Event::Answer`](crate::Event::Answer).
    Offer {
        /// The offering peer.
        peer: PeerId,
        /// The SDP text.
        sdp: String,
        /// Mids (send or receive) that carry screen share rather than camera video. Every
        /// other video m-line is camera video (send) or a video slot (receive).
        share_mids: Vec<String>,
    },
    /// A trickled ICE candidate (`candidate:...` line) from the client. mDNS (`.local`)
    /// candidates are ignored: the SFU learns the client's address from its STUN checks.
    Candidate {
        /// The peer the candidate belongs to.
        peer: PeerId,
        /// The candidate line.
        candidate: String,
    },
    /// `false`: the server drops every audio packet of this peer (host mute); `true` undoes it.
    SetAudioAllowed {
        /// The publisher.
        peer: PeerId,
        /// Whether its audio may be forwarded.
        allowed: bool,
    },
    /// How many of the loudest speakers `peer` receives, instead of the SFU's
    /// [`SfuConfig::audio_slots`](crate::SfuConfig::audio_slots) (up to
    /// [`MAX_AUDIO_SLOTS`](crate::MAX_AUDIO_SLOTS); its offer's audio slots bound it too).
    /// For a recorder that keeps every speaker's audio.
    SetAudioSlots {
        /// The subscriber.
        peer: PeerId,
        /// Speakers to receive.
        slots: usize,
    },
    /// Make `peer` a *relay* of `user` (cascading, see docs/scale-out.md): its audio and
    /// share slots carry `user`'s tracks only, whoever is speaking, instead of the loudest
    /// speakers and every sharer. Its video slots still carry what it attaches. A relay
    /// publishes nothing; one is added with a user id of its own, like any peer.
    SetRelaySource {
        /// The relay peer.
        peer: PeerId,
        /// The user whose audio and share it receives.
        user: u32,
    },
    /// `false`: the server stops forwarding this peer's camera (the user stopped video).
    SetVideoAllowed {
        /// The publisher.
        peer: PeerId,
        /// Whether its camera may be forwarded.
        allowed: bool,
    },
    /// `false`: the server stops forwarding this peer's screen share.
    SetShareAllowed {
        /// The publisher.
        peer: PeerId,
        /// Whether its share may be forwarded.
        allowed: bool,
    },
    /// Start (or, if already attached, re-tune) receiving `publisher_user`'s camera on one of
    /// the subscriber's video slots.
    AttachVideo {
        /// The receiving peer.
        subscriber: PeerId,
        /// The user whose camera to receive.
        publisher_user: u32,
        /// Wanted quality: 0 = 90p, 1 = 180p, 2 = 360p, 3 = 720p, 4 = 1080p.
        quality: u8,
    },
    /// Stop receiving `publisher_user`'s camera and free the slot.
    DetachVideo {
        /// The receiving peer.
        subscriber: PeerId,
        /// The user whose camera to stop.
        publisher_user: u32,
    },
    /// A network test before joining: answer `sdp` (one data channel, no media) with a
    /// *probe peer* that echoes and paces test traffic until `limits` cut it off (see
    /// docs/probe.md). It is in no room and can reach no session. Answered with
    /// [`Event::Answer`](crate::Event::Answer), ended with
    /// [`Event::ProbeEnded`](crate::Event::ProbeEnded); refused beyond
    /// [`MAX_PROBE_PEERS`](crate::MAX_PROBE_PEERS). [`Command::RemovePeer`] ends it early.
    Probe {
        /// Caller-chosen id, unique within this SFU (media peers included).
        peer: PeerId,
        /// The client's SDP offer.
        sdp: String,
        /// What this probe may do.
        limits: ProbeLimits,
    },
}
