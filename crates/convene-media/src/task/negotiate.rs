//! Offers and answers: the client always offers, the SFU answers.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::change::SdpAnswer;
use str0m::media::{Direction, MediaKind, Rid, Simulcast, SimulcastLayer};

use super::{Core, Track};
use crate::net::Net;
use crate::synth::SynthKind;
use crate::{MediaError, Offer, OfferPlan, SIMULCAST_RIDS};

impl Core {
    pub(super) fn create_offer(
        &mut self,
        plan: &OfferPlan,
        net: &mut Net,
    ) -> Result<Offer, MediaError> {
        // An unanswered offer is abandoned (str0m invalidates it at the next `apply`).
        self.pending = None;
        if plan.ice_restart {
            self.move_socket(net)?;
        }
        let user = self.config.user_id;
        let mut api = self.rtc.sdp_api();
        let stream = Some(format!("user-{user}"));
        let mut new_tracks = Vec::new();
        if plan.audio && self.offer.audio_mid.is_none() {
            let mid = api.add_media(
                MediaKind::Audio,
                Direction::SendOnly,
                stream.clone(),
                Some("mic".into()),
                None,
            );
            self.offer.audio_mid = Some(mid.to_string());
            new_tracks.push((mid, SynthKind::Audio, vec![None]));
        }
        if plan.video && self.offer.video_mid.is_none() {
            let (sim, rids) = if plan.simulcast {
                let mut s = Simulcast::new();
                for r in SIMULCAST_RIDS {
                    s.add_send_layer(SimulcastLayer::new(r));
                }
                (
                    Some(s),
                    SIMULCAST_RIDS.iter().map(|r| Some(Rid::from(*r))).collect(),
                )
            } else {
                (None, vec![None])
            };
            let mid = api.add_media(
                MediaKind::Video,
                Direction::SendOnly,
                stream.clone(),
                Some("camera".into()),
                sim,
            );
            self.offer.video_mid = Some(mid.to_string());
            new_tracks.push((mid, SynthKind::Video, rids));
        }
        if plan.share && self.offer.share_mid.is_none() {
            let mid = api.add_media(
                MediaKind::Video,
                Direction::SendOnly,
                stream.clone(),
                Some("share".into()),
                None,
            );
            self.offer.share_mid = Some(mid.to_string());
            self.offer.share_mids.push(mid.to_string());
            new_tracks.push((mid, SynthKind::Share, vec![None]));
        }
        while self.offer.audio_slots.len() < plan.audio_slots {
            let mid = api.add_media(MediaKind::Audio, Direction::RecvOnly, None, None, None);
            self.offer.audio_slots.push(mid.to_string());
        }
        while self.offer.video_slots.len() < plan.video_slots {
            let mid = api.add_media(MediaKind::Video, Direction::RecvOnly, None, None, None);
            self.offer.video_slots.push(mid.to_string());
        }
        while self.offer.share_slots.len() < plan.share_slots {
            let mid = api.add_media(MediaKind::Video, Direction::RecvOnly, None, None, None);
            self.offer.share_slots.push(mid.to_string());
            self.offer.share_mids.push(mid.to_string());
        }
        if plan.ice_restart {
            // The old socket's candidate goes; the new one is added with the answer.
            api.ice_restart(false);
        }
        let (offer, pending) = api.apply().ok_or(MediaError::NothingToOffer)?;
        self.pending = Some(pending);
        let now = Instant::now();
        for (mid, kind, rids) in new_tracks {
            let interval = match kind {
                SynthKind::Audio => Duration::from_millis(20),
                _ => Duration::from_secs(1) / self.config.video_fps.max(1),
            };
            self.tracks.push(Track::new(mid, kind, rids, interval, now));
        }
        Ok(Offer {
            sdp: offer.to_sdp_string(),
            ..self.offer.clone()
        })
    }

    pub(super) fn apply_answer(&mut self, sdp: &str) -> Result<(), MediaError> {
        let pending = self.pending.take().ok_or(MediaError::NoPendingOffer)?;
        let answer = SdpAnswer::from_sdp_string(sdp).map_err(|e| MediaError::Sdp(e.to_string()))?;
        self.rtc
            .sdp_api()
            .accept_answer(pending, answer)
            .map_err(|e| MediaError::Sdp(e.to_string()))?;
        if let Some(candidate) = self.restart_candidate.take() {
            self.rtc.add_local_candidate(candidate);
        }
        Ok(())
    }

    /// Moves to a new socket on the same interface (a new local port), as a device whose
    /// network changed: what the old socket receives is no longer read.
    fn move_socket(&mut self, net: &mut Net) -> Result<(), MediaError> {
        let addr = SocketAddr::new(self.local_addr.ip(), 0);
        let (new_net, local_addr, candidate) = Net::bind(addr, self.config.transport)?;
        *net = new_net;
        self.local_addr = local_addr;
        self.snapshot.connected = false;
        self.restart_candidate = Some(candidate);
        Ok(())
    }
}
