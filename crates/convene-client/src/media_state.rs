//! [`MediaShared`]: a client's media peer and what it was asked to publish and receive
//! ([`MediaOptions`]), kept by the [`crate::Client`] and used by its [`crate::MediaStream`]s.

use convene_media::{MediaPeer, OfferPlan, Transport};
use convene_protocol::{MediaKind, UserId};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// What to publish. Set before the first media call ([`crate::MediaStream::set_options`]).
#[derive(Debug, Clone)]
pub struct MediaOptions {
    /// Encoded VP8 frames to loop as the camera (e.g. from an IVF file); synthetic if `None`.
    pub video_frames: Option<Vec<Vec<u8>>>,
    /// Encoded Opus packets to loop as the microphone (20 ms each); synthetic if `None`.
    pub audio_frames: Option<Vec<Vec<u8>>>,
    /// RFC 6464 level sent with audio (0 loudest … -127 silent).
    pub audio_level: i8,
    /// Publish the camera as three simulcast layers.
    pub simulcast: bool,
    /// Media over UDP (default) or over TCP to the server's ICE-TCP candidate, for networks
    /// that block UDP.
    pub transport: Transport,
    /// Every received frame is also sent here (the egress worker records them); see
    /// [`convene_media::ReceivedFrame`]. `None` (default): frames are only counted.
    pub frame_tap: Option<tokio::sync::mpsc::Sender<convene_media::ReceivedFrame>>,
    /// Audio receive slots: the server fills them with the loudest speakers, at most
    /// [`AUDIO_SLOTS`](convene_protocol::AUDIO_SLOTS) for a participant (up to
    /// [`MAX_RECORDED_SPEAKERS`](convene_protocol::MAX_RECORDED_SPEAKERS) for a recording
    /// worker). Default `AUDIO_SLOTS`.
    pub audio_slots: usize,
}

impl Default for MediaOptions {
    fn default() -> Self {
        MediaOptions {
            video_frames: None,
            audio_frames: None,
            audio_level: -30,
            simulcast: true,
            transport: Transport::Udp,
            frame_tap: None,
            audio_slots: convene_protocol::AUDIO_SLOTS,
        }
    }
}

/// The media of one client, shared by its handles and media streams.
#[derive(Default)]
pub(crate) struct MediaShared {
    pub(crate) state: tokio::sync::Mutex<MediaState>,
    /// mid → (user, kind), from `media-slot` events; written by the driver.
    slots: Mutex<HashMap<String, (Option<UserId>, MediaKind)>>,
}

/// The peer and what it was asked for, changed under one lock by [`crate::MediaStream`].
#[derive(Default)]
pub(crate) struct MediaState {
    /// Created by the first media call; dropped on leave.
    pub(crate) peer: Option<MediaPeer>,
    /// Counts the peers created: a path watchdog watches the peer of its generation only.
    pub(crate) generation: u64,
    /// What the last accepted offer negotiated.
    pub(crate) plan: OfferPlan,
    /// What to publish.
    pub(crate) options: MediaOptions,
    /// Cameras received, with their requested quality.
    pub(crate) attached: BTreeMap<UserId, u8>,
}

impl std::fmt::Debug for MediaShared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaShared").finish_non_exhaustive()
    }
}

impl MediaShared {
    /// Drops the peer (leave, session over, new join).
    pub(crate) async fn close(&self) {
        let mut st = self.state.lock().await;
        st.peer = None;
        st.plan = OfferPlan::default();
        st.attached.clear();
        self.slots_lock().clear();
    }

    /// Records which user and kind a receive slot carries now (a `media-slot` event).
    pub(crate) fn set_slot(&self, mid: &str, user_id: Option<UserId>, kind: MediaKind) {
        self.slots_lock().insert(mid.to_owned(), (user_id, kind));
    }

    /// Some receive slot carries a user's media now, so packets are due several times a
    /// second.
    pub(crate) fn receiving(&self) -> bool {
        self.slots_lock().values().any(|(user, _)| user.is_some())
    }

    pub(crate) fn slots_lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, (Option<UserId>, MediaKind)>> {
        // A poisoned lock only means a panic elsewhere; the map is still usable.
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }
}
