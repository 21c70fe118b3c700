//! The messages of a cascade link, JSON over one WebSocket per (owner, edge) pair: the owner
//! drives peers of the edge's SFU ([`Down`]) and hears their events ([`Up`]). Peers are named
//! by the owner's ids on both sides; the edge keeps the mapping to its own.

use convene_sfu::{Event, PeerId, SfuError, TrackKind};
use serde::{Deserialize, Serialize};

/// Owner → edge: what the owner's session core decided for one peer of the edge's SFU (the
/// edge applies it as its own session tasks would, through the never-dropped control path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub(crate) enum Down {
    /// A new peer of `user` in the session `room`, with its permissions (audio, video,
    /// share).
    Add {
        peer: u64,
        room: String,
        user: u32,
        allowed: [bool; 3],
    },
    Allowed {
        peer: u64,
        kind: Kind,
        allowed: bool,
    },
    AudioSlots {
        peer: u64,
        slots: usize,
    },
    /// The peer relays `user` (its audio slots carry that user only).
    RelaySource {
        peer: u64,
        user: u32,
    },
    Attach {
        peer: u64,
        user: u32,
        quality: u8,
    },
    Detach {
        peer: u64,
        user: u32,
    },
    Remove {
        peer: u64,
    },
    Offer {
        peer: u64,
        sdp: String,
        share_mids: Vec<String>,
    },
    Candidate {
        peer: u64,
        candidate: String,
    },
}

/// Edge → owner: an event of the edge's SFU about one of the owner's peers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "ev", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub(crate) enum Up {
    Answer {
        peer: u64,
        sdp: String,
    },
    Error {
        peer: u64,
        bad_offer: bool,
        reason: String,
    },
    Slot {
        peer: u64,
        mid: String,
        user: Option<u32>,
        kind: Kind,
    },
    Track {
        peer: u64,
        user: u32,
        kind: Kind,
        on: bool,
    },
    Quality {
        peer: u64,
        uplink: u8,
        downlink: u8,
    },
    Disconnected {
        peer: u64,
    },
}

/// A track kind on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum Kind {
    Audio,
    Video,
    Share,
}

impl From<TrackKind> for Kind {
    fn from(k: TrackKind) -> Self {
        match k {
            TrackKind::Audio => Kind::Audio,
            TrackKind::Video => Kind::Video,
            TrackKind::Share => Kind::Share,
        }
    }
}

impl From<Kind> for TrackKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Audio => TrackKind::Audio,
            Kind::Video => TrackKind::Video,
            Kind::Share => TrackKind::Share,
        }
    }
}

impl Up {
    /// The owner's view of an edge SFU's event about the peer the owner calls `peer`; `None`
    /// for what the owner does not need (room-wide events: the owner ranks speakers on its
    /// own SFU, which every speaker's audio reaches).
    pub(crate) fn from_event(ev: Event, peer: u64) -> Option<Up> {
        Some(match ev {
            Event::Answer { sdp, .. } => Up::Answer { peer, sdp },
            Event::Error { reason, .. } => match reason {
                SfuError::BadOffer(reason) => Up::Error {
                    peer,
                    bad_offer: true,
                    reason,
                },
                other => Up::Error {
                    peer,
                    bad_offer: false,
                    reason: other.to_string(),
                },
            },
            Event::SlotAssigned {
                mid, user, kind, ..
            } => Up::Slot {
                peer,
                mid,
                user,
                kind: kind.into(),
            },
            Event::PublisherTrack { user, kind, on, .. } => Up::Track {
                peer,
                user,
                kind: kind.into(),
                on,
            },
            Event::NetworkQuality {
                uplink, downlink, ..
            } => Up::Quality {
                peer,
                uplink,
                downlink,
            },
            Event::Disconnected { .. } => Up::Disconnected { peer },
            _ => return None,
        })
    }

    /// Back to an SFU event, as the owner's session task takes it.
    pub(crate) fn into_event(self) -> Event {
        match self {
            Up::Answer { peer, sdp } => Event::Answer {
                peer: PeerId(peer),
                sdp,
            },
            Up::Error {
                peer,
                bad_offer,
                reason,
            } => Event::Error {
                peer: PeerId(peer),
                reason: match bad_offer {
                    true => SfuError::BadOffer(reason),
                    false => SfuError::Rtc(reason),
                },
            },
            Up::Slot {
                peer,
                mid,
                user,
                kind,
            } => Event::SlotAssigned {
                peer: PeerId(peer),
                mid,
                user,
                kind: kind.into(),
            },
            Up::Track {
                peer,
                user,
                kind,
                on,
            } => Event::PublisherTrack {
                peer: PeerId(peer),
                user,
                kind: kind.into(),
                on,
            },
            Up::Quality {
                peer,
                uplink,
                downlink,
            } => Event::NetworkQuality {
                peer: PeerId(peer),
                uplink,
                downlink,
            },
            Up::Disconnected { peer } => Event::Disconnected { peer: PeerId(peer) },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_cross_the_link_unchanged() {
        let events = [
            Event::Answer {
                peer: PeerId(9),
                sdp: "v=0".into(),
            },
            Event::Error {
                peer: PeerId(9),
                reason: SfuError::BadOffer("no".into()),
            },
            Event::SlotAssigned {
                peer: PeerId(9),
                mid: "a1".into(),
                user: Some(4),
                kind: TrackKind::Video,
            },
            Event::PublisherTrack {
                peer: PeerId(9),
                user: 4,
                kind: TrackKind::Audio,
                on: true,
            },
            Event::NetworkQuality {
                peer: PeerId(9),
                uplink: 5,
                downlink: 3,
            },
            Event::Disconnected { peer: PeerId(9) },
        ];
        for ev in events {
            // The edge names its own peer; the owner's id goes on the wire.
            let local = match ev.clone() {
                Event::Disconnected { .. } => Event::Disconnected { peer: PeerId(77) },
                other => other,
            };
            let up = Up::from_event(local, 9).unwrap();
            let json = serde_json::to_string(&up).unwrap();
            let back: Up = serde_json::from_str(&json).unwrap();
            assert_eq!(back.into_event(), ev);
        }
    }
}
