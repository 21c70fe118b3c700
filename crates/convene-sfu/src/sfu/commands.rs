//! Commands from the signalling layer: peers come and go, offers and candidates, what may be
//! forwarded, which videos a subscriber attaches.

use str0m::bwe::Bitrate;
use str0m::change::SdpOffer;
use str0m::media::Mid;
use str0m::net::TcpType;
use str0m::{Candidate, Rtc};

use super::Sfu;
use crate::config::{MAX_ATTACHED_VIDEOS, MAX_AUDIO_SLOTS, MAX_SHARE_MIDS};
use crate::peer::Peer;
use crate::{Event, PeerId, RoomId, SfuError, TrackKind};

impl Sfu {
    /// A new `Rtc` for `user` in `room`, offering our UDP (and ICE-TCP) host candidate.
    pub(super) fn add_peer(&mut self, id: PeerId, room: RoomId, user: u32) -> Result<(), SfuError> {
        if self.peers.contains_key(&id) {
            return Err(SfuError::PeerExists(id));
        }
        // The codecs of the spec: Opus (in RFC 2198 RED where the client offers it), VP8,
        // and H.264 where both ends support it.
        let mut builder = Rtc::builder()
            .clear_codecs()
            .enable_opus(true, true)
            .enable_vp8(true)
            .enable_h264(true)
            .set_rtp_mode(true)
            .set_stats_interval(Some(self.config.stats_interval));
        builder.set_max_stun_rto(self.config.stun_max_rto);
        builder.set_max_stun_retransmits(self.config.stun_max_retransmits);
        if let Some(initial) = self.config.bwe_initial {
            builder = builder.enable_bwe(Some(Bitrate::bps(initial)));
        }
        let mut rtc = builder.build(self.now);
        if self.config.bwe_initial.is_some() {
            // Nothing to probe for until the targets (`update_bwe_targets`) say otherwise: a
            // peer that receives no video is never sent padding, even before the first tick.
            rtc.bwe().set_bitrate(Bitrate::ZERO, Bitrate::ZERO);
        }
        // The candidate only fails for unusable addresses, e.g. port 0.
        let candidate = Candidate::host(self.local_addr, "udp")
            .map_err(|e| SfuError::Rtc(format!("local candidate: {e}")))?;
        rtc.add_local_candidate(candidate);
        if let Some(tcp) = self.tcp_addr {
            // Passive: the client connects to us (RFC 6544); browsers offer `tcptype active`.
            let candidate = Candidate::builder()
                .tcp()
                .host(tcp)
                .tcptype(TcpType::Passive)
                .build()
                .map_err(|e| SfuError::Rtc(format!("local tcp candidate: {e}")))?;
            rtc.add_local_candidate(candidate);
        }
        let mut peer = Peer::new(id, room.clone(), user, rtc, self.now);
        peer.bwe_target = self.config.bwe_initial.map(|_| (0, 0));
        self.ufrags.insert(peer.ufrag.clone(), id);
        self.timers.insert((peer.timeout, id));
        self.peers.insert(id, peer);
        self.stats.set_peers(self.peers.len());
        self.rooms.entry(room).or_default().members.push(id);
        self.drain(id);
        Ok(())
    }

    /// Close the peer politely and forget it; its room's slots are re-assigned.
    pub(super) fn remove_peer(&mut self, id: PeerId) {
        self.routes_dirty = true;
        let Some(mut peer) = self.peers.remove(&id) else {
            return;
        };
        self.stats.set_peers(self.peers.len());
        // Say goodbye (RTCP BYE, DTLS close_notify) so the client learns at once. Bounded:
        // a misbehaving state machine must not keep us here.
        if peer.rtc.close().is_ok() {
            for _ in 0..1000 {
                match peer.rtc.poll_output() {
                    Ok(str0m::Output::Transmit(t)) => self.transmits.push_back(t.into()),
                    Ok(str0m::Output::Event(_)) => {}
                    Ok(str0m::Output::Timeout(_)) | Err(_) => break,
                }
            }
        }
        self.work.retain(|(p, _)| *p != id);
        self.timers.remove(&(peer.timeout, id));
        if self.ufrags.get(&peer.ufrag) == Some(&id) {
            self.ufrags.remove(&peer.ufrag);
        }
        for key in &peer.addrs {
            if self.addr_cache.get(key) == Some(&id) {
                self.addr_cache.remove(key);
            }
        }
        let room_id = peer.room.clone();
        if let Some(room) = self.rooms.get_mut(&room_id) {
            room.members.retain(|p| *p != id);
            room.speakers.remove(peer.user);
            if room.members.is_empty() {
                self.rooms.remove(&room_id);
                return;
            }
        }
        self.dirty.insert(room_id);
    }

    /// Answer the client's offer; str0m's media events then register tracks and slots.
    pub(super) fn offer(
        &mut self,
        id: PeerId,
        sdp: &str,
        share_mids: Vec<String>,
    ) -> Result<(), SfuError> {
        let peer = self.peers.get_mut(&id).ok_or(SfuError::UnknownPeer(id))?;
        let offer =
            SdpOffer::from_sdp_string(sdp).map_err(|e| SfuError::BadOffer(e.to_string()))?;
        let new: Vec<Mid> = share_mids
            .iter()
            .map(|m| Mid::from(m.as_str()))
            .filter(|m| !peer.share_mids.contains(m))
            .collect();
        if peer.share_mids.len() + new.len() > MAX_SHARE_MIDS {
            return Err(SfuError::BadOffer(format!(
                "more than {MAX_SHARE_MIDS} share mids"
            )));
        }
        peer.share_mids.extend(new);
        let answer = peer
            .rtc
            .sdp_api()
            .accept_offer(offer)
            .map_err(|e| SfuError::BadOffer(e.to_string()))?;
        // An ICE restart in the offer gives us a new ufrag: STUN checks name that one.
        let ufrag = peer.rtc.direct_api().local_ice_credentials().ufrag;
        if ufrag != peer.ufrag {
            if self.ufrags.get(&peer.ufrag) == Some(&id) {
                self.ufrags.remove(&peer.ufrag);
            }
            self.ufrags.insert(ufrag.clone(), id);
            peer.ufrag = ufrag;
            peer.ice_restarted = true;
        }
        self.events.push_back(Event::Answer {
            peer: id,
            sdp: answer.to_sdp_string(),
        });
        // MediaAdded/MediaChanged (now or later) register tracks and slots and mark the room
        // for slot assignment.
        self.drain(id);
        Ok(())
    }

    /// A trickled candidate; mDNS and end-of-candidates are ignored.
    pub(super) fn candidate(&mut self, id: PeerId, line: &str) -> Result<(), SfuError> {
        let peer = self.peers.get_mut(&id).ok_or(SfuError::UnknownPeer(id))?;
        let line = line.trim().trim_start_matches("a=");
        if line.is_empty() || line.contains(".local") {
            // End-of-candidates or mDNS: the client's STUN checks reveal its address anyway.
            return Ok(());
        }
        let c =
            Candidate::from_sdp_string(line).map_err(|e| SfuError::BadCandidate(e.to_string()))?;
        peer.rtc.add_remote_candidate(c);
        self.drain(id);
        Ok(())
    }

    /// Allow or forbid forwarding one of the peer's tracks (host mute, camera off, share lock).
    pub(super) fn set_allowed(
        &mut self,
        id: PeerId,
        kind: TrackKind,
        allowed: bool,
    ) -> Result<(), (PeerId, SfuError)> {
        let peer = self
            .peers
            .get_mut(&id)
            .ok_or((id, SfuError::UnknownPeer(id)))?;
        peer.set_allowed(kind, allowed);
        let (room, user) = (peer.room.clone(), peer.user);
        if kind == TrackKind::Audio && !allowed {
            if let Some(r) = self.rooms.get_mut(&room) {
                r.speakers.remove(user);
            }
        }
        self.dirty.insert(room);
        Ok(())
    }

    /// `id` receives up to `slots` speakers (at most [`MAX_AUDIO_SLOTS`]).
    pub(super) fn set_audio_slots(
        &mut self,
        id: PeerId,
        slots: usize,
    ) -> Result<(), (PeerId, SfuError)> {
        let peer = self
            .peers
            .get_mut(&id)
            .ok_or((id, SfuError::UnknownPeer(id)))?;
        peer.audio_slots = Some(slots.min(MAX_AUDIO_SLOTS));
        self.dirty.insert(peer.room.clone());
        Ok(())
    }

    /// `id` relays `user`: its audio and share slots carry that user only.
    pub(super) fn set_relay_source(
        &mut self,
        id: PeerId,
        user: u32,
    ) -> Result<(), (PeerId, SfuError)> {
        let peer = self
            .peers
            .get_mut(&id)
            .ok_or((id, SfuError::UnknownPeer(id)))?;
        peer.relay_of = Some(user);
        self.dirty.insert(peer.room.clone());
        Ok(())
    }

    /// Put `user`'s camera in a free video slot of `sub` (or re-tune the one it has), or keep
    /// the wish until the offer's slot appears.
    pub(super) fn attach(&mut self, sub: PeerId, user: u32, quality: u8) -> Result<(), SfuError> {
        self.routes_dirty = true;
        let peer = self.peers.get_mut(&sub).ok_or(SfuError::UnknownPeer(sub))?;
        let quality = quality.min(4);
        let idx = if let Some(i) = peer
            .slots
            .iter()
            .position(|s| s.kind == TrackKind::Video && s.user == Some(user))
        {
            peer.slots[i].quality = quality;
            i
        } else {
            if peer.attached_videos() >= MAX_ATTACHED_VIDEOS {
                return Err(SfuError::TooManyVideos {
                    max: MAX_ATTACHED_VIDEOS,
                });
            }
            let Some(i) = peer
                .slots
                .iter()
                .position(|s| s.kind == TrackKind::Video && s.user.is_none())
            else {
                // The offer's receive slots may not be registered yet (str0m reports new
                // m-lines as it processes them): keep the attachment until a slot appears.
                if peer.pending_attach.len() + peer.attached_videos() >= MAX_ATTACHED_VIDEOS {
                    return Err(SfuError::NoFreeVideoSlot);
                }
                peer.pending_attach.retain(|(u, _)| *u != user);
                peer.pending_attach.push((user, quality));
                return Ok(());
            };
            let slot = &mut peer.slots[i];
            slot.assign(Some(user));
            slot.quality = quality;
            self.events.push_back(Event::SlotAssigned {
                peer: sub,
                mid: slot.mid.to_string(),
                user: Some(user),
                kind: TrackKind::Video,
            });
            i
        };
        // Force a fresh layer decision (and keyframe request) for this slot.
        if let Some(slot) = self.peers.get_mut(&sub).and_then(|p| p.slots.get_mut(idx)) {
            slot.target = None;
        }
        self.update_layer(sub, idx);
        Ok(())
    }

    /// Free the video slot carrying `user`'s camera (or drop the pending wish).
    pub(super) fn detach(&mut self, sub: PeerId, user: u32) -> Result<(), SfuError> {
        self.routes_dirty = true;
        let peer = self.peers.get_mut(&sub).ok_or(SfuError::UnknownPeer(sub))?;
        if let Some(i) = peer.pending_attach.iter().position(|(u, _)| *u == user) {
            peer.pending_attach.remove(i);
            return Ok(());
        }
        let slot = peer
            .slots
            .iter_mut()
            .find(|s| s.kind == TrackKind::Video && s.user == Some(user))
            .ok_or(SfuError::NotAttached {
                publisher_user: user,
            })?;
        slot.assign(None);
        self.events.push_back(Event::SlotAssigned {
            peer: sub,
            mid: slot.mid.to_string(),
            user: None,
            kind: TrackKind::Video,
        });
        Ok(())
    }
}
