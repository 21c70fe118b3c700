//! What a [`MediaPeer`](crate::MediaPeer) offers: the plan asked for and the offer produced.

/// Simulcast rids, lowest layer first (the order the SFU reads them in).
pub const SIMULCAST_RIDS: [&str; 3] = ["l", "m", "h"];

/// What to put in the next offer. Tracks already negotiated are kept; slot counts are totals
/// (more slots are added if the number grows; slots are never removed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfferPlan {
    /// Publish microphone audio.
    pub audio: bool,
    /// Publish camera video.
    pub video: bool,
    /// Publish the camera with 3 simulcast layers ([`SIMULCAST_RIDS`]).
    pub simulcast: bool,
    /// Publish a screen share.
    pub share: bool,
    /// Receive-only audio slots.
    pub audio_slots: usize,
    /// Receive-only video slots.
    pub video_slots: usize,
    /// Receive-only share slots.
    pub share_slots: usize,
    /// Restart ICE with this offer: new credentials, as a client whose network changed.
    pub ice_restart: bool,
}

/// An offer to hand to the SFU (`Command::Offer { sdp, share_mids, .. }`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offer {
    /// The SDP.
    pub sdp: String,
    /// Mids (send and receive) that carry screen share.
    pub share_mids: Vec<String>,
    /// Mid of the published audio, if any.
    pub audio_mid: Option<String>,
    /// Mid of the published camera, if any.
    pub video_mid: Option<String>,
    /// Mid of the published share, if any.
    pub share_mid: Option<String>,
    /// All audio slot mids so far.
    pub audio_slots: Vec<String>,
    /// All video slot mids so far.
    pub video_slots: Vec<String>,
    /// All share slot mids so far.
    pub share_slots: Vec<String>,
}
