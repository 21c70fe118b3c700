//! Light media clients: each joined user gets at most one [`MediaPeer`] (one UDP socket, one
//! str0m task) negotiated over its signaling connection, keeping counts and a latency
//! histogram but no per-frame records. The client SDK's `MediaStream` is not used, so a
//! subscriber has exactly the slots the scenario needs.

use std::time::Duration;

use convene_client::protocol::{ClientMsg, RtcAnswer, RtcOffer, UserId};
use convene_client::Client;
use convene_media::{LatencyHistogram, MediaPeer, MediaPeerConfig, Offer, OfferPlan, PeerSnapshot};

/// The quality a subscriber asks for (2 = 360p: the SFU sends the middle simulcast layer).
pub(crate) const ATTACH_QUALITY: u8 = 2;

/// A negotiated media peer and its offer (which mids are which slots).
pub(crate) struct Peer {
    pub(crate) peer: MediaPeer,
    pub(crate) offer: Offer,
}

async fn start(client: &Client, plan: OfferPlan) -> Result<Peer, String> {
    let me = client
        .get_current_user_info()
        .ok_or("not joined")?
        .user_id
        .0;
    let mut cfg = MediaPeerConfig::new(me);
    cfg.keep_frame_records = false;
    let peer = MediaPeer::start(cfg).await.map_err(|e| e.to_string())?;
    let offer = peer.create_offer(plan).await.map_err(|e| e.to_string())?;
    let answer = client
        .request(ClientMsg::RtcOffer(RtcOffer {
            sdp: offer.sdp.clone(),
            reset: true,
            share_mids: offer.share_mids.clone(),
        }))
        .await
        .map_err(|e| format!("rtc.offer: {e}"))?;
    let answer: RtcAnswer =
        serde_json::from_value(answer).map_err(|e| format!("bad rtc.offer reply: {e}"))?;
    peer.apply_answer(answer.sdp)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Peer { peer, offer })
}

/// Publishes Opus-shaped audio (50 packets/s) and 3-layer simulcast VP8-shaped video.
pub(crate) async fn publish(client: &Client, audio: bool, video: bool) -> Result<Peer, String> {
    if audio {
        client
            .request(ClientMsg::StartAudio {
                mute: false,
                speaker_only: false,
            })
            .await
            .map_err(|e| format!("startAudio: {e}"))?;
    }
    if video {
        client
            .request(ClientMsg::StartVideo)
            .await
            .map_err(|e| format!("startVideo: {e}"))?;
    }
    start(
        client,
        OfferPlan {
            audio,
            video,
            simulcast: video,
            ..OfferPlan::default()
        },
    )
    .await
}

/// Receives `audio_slots` speakers and the cameras of `videos` (one layer each).
pub(crate) async fn subscribe(
    client: &Client,
    audio_slots: usize,
    videos: &[UserId],
) -> Result<Peer, String> {
    let p = start(
        client,
        OfferPlan {
            audio_slots,
            video_slots: videos.len(),
            ..OfferPlan::default()
        },
    )
    .await?;
    for &user_id in videos {
        client
            .request(ClientMsg::AttachVideo {
                user_id,
                quality: ATTACH_QUALITY,
            })
            .await
            .map_err(|e| format!("attachVideo: {e}"))?;
    }
    Ok(p)
}

/// Waits until `peer` is connected (ICE and DTLS up), at most `timeout`.
pub(crate) async fn connected(peer: &MediaPeer, timeout: Duration) -> bool {
    peer.wait_for(timeout, |s| s.connected).await.is_ok()
}

/// What a set of receiving peers got, summed over their slots.
#[derive(Debug, Clone, Default)]
pub(crate) struct Received {
    pub(crate) packets: u64,
    pub(crate) audio_frames: u64,
    pub(crate) video_frames: u64,
    pub(crate) lost_frames: u64,
    pub(crate) latency: LatencyHistogram,
}

impl Received {
    /// Adds one peer's snapshot.
    pub(crate) fn add(&mut self, offer: &Offer, snap: &PeerSnapshot) {
        for (mid, t) in &snap.received {
            self.packets += t.packets;
            if offer.audio_slots.contains(mid) {
                self.audio_frames += t.frames;
            } else {
                self.video_frames += t.frames;
            }
            self.lost_frames += t.lost_frames;
            self.latency.merge(&t.latency);
        }
    }

    /// What arrived after `earlier` (a reading of the same peers).
    pub(crate) fn since(&self, earlier: &Received) -> Received {
        Received {
            packets: self.packets.saturating_sub(earlier.packets),
            audio_frames: self.audio_frames.saturating_sub(earlier.audio_frames),
            video_frames: self.video_frames.saturating_sub(earlier.video_frames),
            lost_frames: self.lost_frames.saturating_sub(earlier.lost_frames),
            latency: self.latency.since(&earlier.latency),
        }
    }
}

/// Sums what `peers` received so far.
pub(crate) async fn received(peers: &[Peer]) -> Received {
    let mut r = Received::default();
    for p in peers {
        if let Ok(snap) = p.peer.snapshot().await {
            r.add(&p.offer, &snap);
        }
    }
    r
}
