//! [`MediaStream`]: audio, video and screen share of the joined session (the reference's
//! `client.getMediaStream()`).
//!
//! The session state (who is in audio, muted, sharing...) is the server's, changed with the
//! same calls as the browser SDK. The media itself flows through one WebRTC peer
//! ([`convene_media::MediaPeer`], on str0m) that this module creates on the first media call.
//! The client always makes the SDP offer and the server's SFU only answers (`rtc.offer`),
//! so renegotiation never collides: starting video while someone else starts sharing is just
//! two offers in a row on one side.
//!
//! Published media is synthetic unless [`MediaOptions`] gives encoded frames (IVF VP8 /
//! Ogg Opus files through the bot's `--publish-video` / `--publish-audio`).

use crate::media_state::{MediaOptions, MediaShared};
use crate::{media_watchdog as watchdog, Client, ClientError};
pub use convene_media::Transport;
use convene_media::{MediaPeer, MediaPeerConfig, OfferPlan, PeerSnapshot, SynthKind};
use convene_protocol::{
    AudioKind, ClientMsg, MediaKind, Participant, RtcAnswer, RtcOffer, TargetOpt, UserId,
};
use serde::Serialize;
use std::sync::Arc;

/// Screen share receive slots.
const SHARE_SLOTS: usize = 1;

/// What arrived from one remote user on one kind of track.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaStat {
    /// The sender (as last assigned to the slot).
    pub user_id: Option<UserId>,
    /// `audio`, `video` or `share`.
    pub kind: String,
    /// The receive slot.
    pub mid: String,
    /// RTP packets.
    pub packets: u64,
    /// Frames.
    pub frames: u64,
    /// Payload bytes.
    pub bytes: u64,
    /// Keyframes.
    pub keyframes: u64,
}

/// Media of the joined session. Get it with [`Client::get_media_stream`]; cheap to clone.
#[derive(Clone)]
pub struct MediaStream {
    client: Client,
    shared: Arc<MediaShared>,
}

impl std::fmt::Debug for MediaStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaStream").finish_non_exhaustive()
    }
}

impl Client {
    /// The media stream of the joined session (audio, video, share); 6002 before join.
    pub fn get_media_stream(&self) -> Result<MediaStream, ClientError> {
        self.check_alive()?;
        if !self.get_session_info().is_in_meeting {
            return Err(ClientError::MediaNotJoined);
        }
        Ok(MediaStream::new(self.clone(), self.media()))
    }
}

impl MediaStream {
    pub(crate) fn new(client: Client, shared: Arc<MediaShared>) -> Self {
        MediaStream { client, shared }
    }

    /// What to publish from the next (re)negotiation on. Takes full effect when set before
    /// the first media call.
    pub async fn set_options(&self, options: MediaOptions) {
        self.shared.state.lock().await.options = options;
    }

    /// Joins computer audio (publish the microphone, hear the loudest speakers).
    pub async fn start_audio(&self, mute: bool) -> Result<(), ClientError> {
        self.client
            .request(ClientMsg::StartAudio {
                mute,
                speaker_only: false,
            })
            .await?;
        self.renegotiate(|p| p.audio = true).await?;
        self.sending(SynthKind::Audio, true).await
    }

    /// Leaves computer audio. The server stops forwarding this user's audio at once.
    pub async fn stop_audio(&self) -> Result<(), ClientError> {
        self.client.request(ClientMsg::StopAudio).await?;
        self.sending(SynthKind::Audio, false).await
    }

    /// Mutes self (`None`) or, as host/manager, another user. The server stops forwarding
    /// the muted user's audio.
    pub async fn mute_audio(&self, user_id: Option<UserId>) -> Result<(), ClientError> {
        self.client
            .request(ClientMsg::MuteAudio(TargetOpt { user_id }))
            .await
            .map(drop)
    }

    /// Unmutes self, or asks another user to unmute.
    pub async fn unmute_audio(&self, user_id: Option<UserId>) -> Result<(), ClientError> {
        self.client
            .request(ClientMsg::UnmuteAudio(TargetOpt { user_id }))
            .await
            .map(drop)
    }

    /// Changes the audio level sent from now on (drives active speaker detection).
    pub async fn set_audio_level(&self, level: i8) -> Result<(), ClientError> {
        let mut st = self.shared.state.lock().await;
        st.options.audio_level = level;
        if let Some(p) = &st.peer {
            p.set_audio_level(level).await.map_err(media_err)?;
        }
        Ok(())
    }

    /// Starts the camera (published with simulcast unless disabled in the options).
    pub async fn start_video(&self) -> Result<(), ClientError> {
        self.client.request(ClientMsg::StartVideo).await?;
        self.renegotiate(|p| p.video = true).await?;
        self.sending(SynthKind::Video, true).await
    }

    /// Stops the camera. The server stops forwarding it at once.
    pub async fn stop_video(&self) -> Result<(), ClientError> {
        self.client.request(ClientMsg::StopVideo).await?;
        self.sending(SynthKind::Video, false).await
    }

    /// Starts sharing the screen (checked against the share privilege by the server).
    pub async fn start_share_screen(&self) -> Result<(), ClientError> {
        self.client.request(ClientMsg::StartShareScreen).await?;
        self.renegotiate(|p| p.share = true).await?;
        self.sending(SynthKind::Share, true).await
    }

    /// Stops sharing. The server stops forwarding the share at once.
    pub async fn stop_share_screen(&self) -> Result<(), ClientError> {
        self.client.request(ClientMsg::StopShareScreen).await?;
        self.sending(SynthKind::Share, false).await
    }

    /// After a failover moved the session to another node, which took it over without its
    /// media, or a move to another room of the session (whose server dropped our peer): a
    /// new peer with the same plan, then the audio, camera and share `was` (this user before)
    /// had on, and the cameras attached here, asked for again (those of users not in the new
    /// room are refused, and attach by themselves when the room is left again).
    pub(crate) async fn restore_after_move(&self, was: Option<Participant>) {
        let attached = {
            let mut st = self.shared.state.lock().await;
            if st.peer.take().is_none() {
                // No media yet: nothing to restore.
                return;
            }
            st.attached.clone()
        };
        self.shared.slots_lock().clear();
        if let Err(e) = self.renegotiate(|_| {}).await {
            tracing::warn!("media after the session moved: {e}");
            return;
        }
        let plan = self.shared.state.lock().await.plan.clone();
        let mut again = Vec::new();
        if let Some(was) = was {
            if was.audio == AudioKind::Computer && plan.audio {
                let mute = was.muted.unwrap_or(false);
                again.push((
                    ClientMsg::StartAudio {
                        mute,
                        speaker_only: was.is_speaker_only,
                    },
                    Some(SynthKind::Audio),
                ));
            }
            if was.b_video_on && plan.video {
                again.push((ClientMsg::StartVideo, Some(SynthKind::Video)));
            }
            if was.sharer_on && plan.share {
                again.push((ClientMsg::StartShareScreen, Some(SynthKind::Share)));
            }
        }
        for (user_id, quality) in attached {
            again.push((ClientMsg::AttachVideo { user_id, quality }, None));
        }
        for (msg, kind) in again {
            match self.client.request(msg).await {
                Ok(_) => {
                    if let Some(kind) = kind {
                        let _ = self.sending(kind, true).await;
                    }
                }
                Err(e) => tracing::warn!("media after the session moved: {e}"),
            }
        }
    }

    /// Starts or pauses sending one kind on the peer (the track stays negotiated).
    async fn sending(&self, kind: SynthKind, on: bool) -> Result<(), ClientError> {
        let st = self.shared.state.lock().await;
        match &st.peer {
            Some(p) => p.set_sending(kind, on).await.map_err(media_err),
            None => Ok(()),
        }
    }

    /// Receives `user_id`'s camera at `quality` (0 = 90p … 4 = 1080p); at most 25 at once.
    pub async fn attach_video(&self, user_id: UserId, quality: u8) -> Result<(), ClientError> {
        let need = {
            let st = self.shared.state.lock().await;
            st.attached.len() + usize::from(!st.attached.contains_key(&user_id))
        };
        // A receive slot must exist before the server can fill it.
        self.renegotiate(|p| p.video_slots = p.video_slots.max(need))
            .await?;
        self.client
            .request(ClientMsg::AttachVideo { user_id, quality })
            .await?;
        self.shared
            .state
            .lock()
            .await
            .attached
            .insert(user_id, quality);
        Ok(())
    }

    /// Stops receiving `user_id`'s camera.
    pub async fn detach_video(&self, user_id: UserId) -> Result<(), ClientError> {
        self.client
            .request(ClientMsg::DetachVideo { user_id })
            .await?;
        self.shared.state.lock().await.attached.remove(&user_id);
        Ok(())
    }

    /// Receives without publishing: the audio of the loudest speakers and the screen share
    /// (cameras need [`MediaStream::attach_video`]). Creates the peer if needed.
    pub async fn start_receiving(&self) -> Result<(), ClientError> {
        self.renegotiate(|_| {}).await
    }

    /// Asks the sender of receive slot `mid` for a keyframe.
    pub async fn request_keyframe(&self, mid: &str) -> Result<(), ClientError> {
        let st = self.shared.state.lock().await;
        match &st.peer {
            Some(p) => p.request_keyframe(mid).await.map_err(media_err),
            None => Ok(()),
        }
    }

    /// What arrived so far, per receive slot, with the user the slot carries.
    pub async fn stats(&self) -> Result<Vec<MediaStat>, ClientError> {
        let Some(snap) = self.snapshot().await? else {
            return Ok(Vec::new());
        };
        let slots = self.shared.slots_lock().clone();
        let mut out: Vec<MediaStat> = snap
            .received
            .iter()
            .map(|(mid, t)| {
                let (user_id, kind) = slots
                    .get(mid)
                    .map_or((None, "unknown"), |(u, k)| (*u, k.as_str()));
                MediaStat {
                    user_id,
                    kind: kind.to_owned(),
                    mid: mid.clone(),
                    packets: t.packets,
                    frames: t.frames,
                    bytes: t.bytes,
                    keyframes: t.keyframes,
                }
            })
            .collect();
        out.sort_by(|a, b| a.mid.cmp(&b.mid));
        Ok(out)
    }

    /// The raw state of the media peer (per-frame checksums, sent frames), if it exists.
    pub async fn snapshot(&self) -> Result<Option<PeerSnapshot>, ClientError> {
        let st = self.shared.state.lock().await;
        match &st.peer {
            Some(p) => p.snapshot().await.map(Some).map_err(media_err),
            None => Ok(None),
        }
    }

    /// The receive slot (mid) currently carrying `user_id`'s media of `kind`.
    pub fn slot_of(&self, user_id: UserId, kind: MediaKind) -> Option<String> {
        self.shared
            .slots_lock()
            .iter()
            .find(|(_, (u, k))| *u == Some(user_id) && *k == kind)
            .map(|(m, _)| m.clone())
    }

    /// The user and kind receive slot `mid` carries now.
    pub fn slot(&self, mid: &str) -> Option<(UserId, MediaKind)> {
        let slots = self.shared.slots_lock();
        let (user, kind) = slots.get(mid)?;
        Some(((*user)?, *kind))
    }

    /// Applies `change` to the plan and, if anything changed (or no peer exists yet),
    /// offers again.
    async fn renegotiate(&self, change: impl FnOnce(&mut OfferPlan)) -> Result<(), ClientError> {
        let mut st = self.shared.state.lock().await;
        let mut plan = st.plan.clone();
        plan.audio_slots = st.options.audio_slots;
        plan.share_slots = SHARE_SLOTS;
        plan.simulcast = st.options.simulcast;
        change(&mut plan);
        let reset = st.peer.is_none();
        if !reset && plan == st.plan {
            return Ok(());
        }
        if reset {
            let me = self
                .client
                .get_current_user_info()
                .map(|p| p.user_id.0)
                .ok_or(ClientError::MediaNotJoined)?;
            let mut cfg = MediaPeerConfig::new(me);
            cfg.audio_level = st.options.audio_level;
            cfg.video_frames = st.options.video_frames.clone();
            cfg.audio_frames = st.options.audio_frames.clone();
            cfg.transport = st.options.transport;
            cfg.frame_tap = st.options.frame_tap.clone();
            st.peer = Some(MediaPeer::start(cfg).await.map_err(media_err)?);
            st.generation += 1;
            watchdog::spawn(&self.client, st.generation);
        }
        // unwrap is ok because the peer was just ensured above.
        let peer = st.peer.as_ref().expect("peer exists");
        self.exchange(peer, plan.clone(), reset).await?;
        st.plan = plan;
        Ok(())
    }

    /// Restarts the media path, as after the device's network changed: the peer moves to a
    /// new local socket and restarts ICE with the server (new credentials); tracks, receive
    /// slots and the session stay, and media is back once the new path connects. The SDK
    /// does this by itself when the path breaks (no packet for 1.5 s while receive slots
    /// carry media, or ICE reports it disconnected); an app that learns of a network
    /// change first may call it at once. Nothing to do before the first media call.
    pub async fn restart_ice(&self) -> Result<(), ClientError> {
        let st = self.shared.state.lock().await;
        let Some(peer) = st.peer.as_ref() else {
            return Ok(());
        };
        let plan = OfferPlan {
            ice_restart: true,
            ..st.plan.clone()
        };
        self.exchange(peer, plan, false).await
    }

    /// Replaces the media peer with a fresh one (a new connection, new DTLS), publishing
    /// and receiving what the old one did: the fix for a path an ICE restart did not mend,
    /// such as when the server's peer is gone with the node whose SFU carried it.
    pub(crate) async fn restart_peer(&self) -> Result<(), ClientError> {
        self.shared.state.lock().await.peer = None;
        self.renegotiate(|_| {}).await
    }

    /// One offer of `peer` for `plan`, sent to the server; its answer applied.
    async fn exchange(
        &self,
        peer: &MediaPeer,
        plan: OfferPlan,
        reset: bool,
    ) -> Result<(), ClientError> {
        let offer = peer.create_offer(plan).await.map_err(media_err)?;
        let answer = self
            .client
            .request(ClientMsg::RtcOffer(RtcOffer {
                sdp: offer.sdp,
                reset,
                share_mids: offer.share_mids,
            }))
            .await?;
        let answer: RtcAnswer = serde_json::from_value(answer)
            .map_err(|e| ClientError::Protocol(format!("bad rtc.offer reply: {e}")))?;
        peer.apply_answer(answer.sdp).await.map_err(media_err)
    }
}

fn media_err(e: convene_media::MediaError) -> ClientError {
    ClientError::Media(e.to_string())
}
