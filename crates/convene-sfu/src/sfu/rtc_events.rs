//! What each peer's `Rtc` reports: drained after every mutation, its events acted upon
//! (connection state, new m-lines, keyframe requests, pauses, bandwidth, statistics).

use std::time::Duration;

use str0m::bwe::BweKind;
use str0m::media::{Direction, MediaKind, Mid, Rids};
use str0m::IceConnectionState;

use super::{learn, Sfu};
use crate::peer::{Published, Slot};
use crate::quality::quality_level;
use crate::{Event, PeerId, RoomId, SfuError, TrackKind};

impl Sfu {
    /// Drain one peer's `Rtc` to its timeout, queueing transmits and events.
    pub(super) fn drain(&mut self, id: PeerId) {
        let Some(peer) = self.peers.get_mut(&id) else {
            return;
        };
        self.touched.push(id);
        #[cfg(test)]
        self.work_log.drained.push(id);
        let next = loop {
            match peer.rtc.poll_output() {
                Ok(str0m::Output::Timeout(t)) => break t,
                Ok(str0m::Output::Transmit(t)) => {
                    // Our STUN checks go to the peer's candidates: their answers (which name
                    // no ufrag) find the peer by address.
                    if t.contents.first().is_some_and(|b| *b < 2) {
                        learn(&mut self.addr_cache, peer, (t.proto, t.destination));
                    }
                    self.transmits.push_back(t.into());
                }
                Ok(str0m::Output::Event(e)) => self.work.push_back((id, e)),
                Err(e) => {
                    tracing::warn!(peer = %id, "rtc failed: {e}");
                    self.events.push_back(Event::Error {
                        peer: id,
                        reason: SfuError::Rtc(e.to_string()),
                    });
                    self.dead.push(id);
                    break self.now + Duration::from_secs(3600);
                }
            }
        };
        if next != peer.timeout {
            self.timers.remove(&(peer.timeout, id));
            self.timers.insert((next, id));
            peer.timeout = next;
        }
    }

    /// Act on queued str0m events, re-assign slots where needed, then remove failed peers.
    pub(super) fn finish(&mut self) {
        loop {
            self.process_work();
            while !self.dirty.is_empty() {
                let rooms: Vec<RoomId> = self.dirty.drain().collect();
                for room in rooms {
                    self.assign_audio(&room);
                    self.assign_share(&room);
                }
                self.process_work();
            }
            // Only a peer drained since the last look can have closed.
            let mut closed: Vec<PeerId> = std::mem::take(&mut self.dead);
            for id in std::mem::take(&mut self.touched) {
                if self.peers.get(&id).is_some_and(|p| !p.rtc.is_alive()) {
                    closed.push(id);
                }
            }
            if closed.is_empty() {
                break;
            }
            closed.sort();
            closed.dedup();
            for id in closed {
                if self.peers.contains_key(&id) {
                    self.remove_peer(id);
                    self.events.push_back(Event::Disconnected { peer: id });
                }
            }
        }
    }

    fn process_work(&mut self) {
        while let Some((id, event)) = self.work.pop_front() {
            self.on_rtc_event(id, event);
        }
    }

    fn on_rtc_event(&mut self, id: PeerId, event: str0m::Event) {
        match event {
            str0m::Event::RtpPacket(packet) => self.on_rtp(id, packet),
            str0m::Event::Connected => self.events.push_back(Event::Connected { peer: id }),
            str0m::Event::IceConnectionStateChange(IceConnectionState::Disconnected) => {
                self.dead.push(id);
            }
            str0m::Event::IceConnectionStateChange(
                IceConnectionState::Connected | IceConnectionState::Completed,
            ) => self.after_ice_restart(id),
            str0m::Event::MediaAdded(m) => self.on_media(id, m.mid, m.kind, m.direction),
            str0m::Event::MediaChanged(m) => {
                let kind = self
                    .peers
                    .get(&id)
                    .and_then(|p| p.rtc.media(m.mid))
                    .map(|media| media.kind());
                if let Some(kind) = kind {
                    self.on_media(id, m.mid, kind, m.direction);
                }
            }
            str0m::Event::KeyframeRequest(req) => {
                let Some(peer) = self.peers.get(&id) else {
                    return;
                };
                let Some(slot) = peer.slots.iter().find(|s| s.mid == req.mid) else {
                    return;
                };
                if let (Some(user), Some(layer)) = (slot.user, slot.current.or(slot.target)) {
                    let kind = slot.kind;
                    tracing::debug!(target: "convene_sfu::keyframe", peer = %id, user, layer, "asked by the subscriber");
                    self.request_keyframe(&id, user, kind, layer);
                }
            }
            str0m::Event::StreamPaused(p) => {
                let Some(peer) = self.peers.get_mut(&id) else {
                    return;
                };
                let user = peer.user;
                let Some(track) = peer.published.get_mut(&p.mid) else {
                    return;
                };
                let before = track.any_live();
                let layer = track.layer_of(p.rid);
                track.live[layer] = !p.paused;
                let after = track.any_live();
                if before != after {
                    let kind = track.kind;
                    self.events.push_back(Event::PublisherTrack {
                        peer: id,
                        user,
                        kind,
                        on: after,
                    });
                }
            }
            str0m::Event::EgressBitrateEstimate(BweKind::Twcc { estimate, .. }) => {
                tracing::debug!(target: "convene_sfu::bwe", peer = %id, bps = estimate.as_u64(), "estimate");
                if let Some(p) = self.peers.get_mut(&id) {
                    p.bwe = Some(estimate.as_u64());
                }
            }
            str0m::Event::MediaEgressStats(s) => {
                let Some(p) = self.peers.get_mut(&id) else {
                    return;
                };
                if let Some(slot) = p.slots.iter().find(|slot| slot.mid == s.mid) {
                    p.reported.egress(&s, slot.kind, &self.stats);
                }
            }
            str0m::Event::MediaIngressStats(s) => {
                if let Some(p) = self.peers.get_mut(&id) {
                    p.reported.ingress(&s, &self.stats);
                }
            }
            str0m::Event::PeerStats(s) => {
                let Some(p) = self.peers.get_mut(&id) else {
                    return;
                };
                if let Some(b) = s.bwe_tx {
                    p.bwe_raw = Some(b.as_u64());
                }
                let receives_video = p
                    .slots
                    .iter()
                    .any(|s| s.kind != TrackKind::Audio && s.current.is_some());
                if let (true, Some(b)) = (receives_video, p.bwe_raw) {
                    self.stats.bandwidth_sample(b);
                }
                let q = (
                    quality_level(s.ingress_loss_fraction, s.rtt),
                    quality_level(s.egress_loss_fraction, s.rtt),
                );
                tracing::debug!(target: "convene_sfu::bwe", peer = %id, loss = ?s.egress_loss_fraction, rtt = ?s.rtt, down = q.1, "stats");
                if q.1 < 5 {
                    p.stressed_at = Some(s.timestamp);
                }
                if p.quality != Some(q) {
                    p.quality = Some(q);
                    self.events.push_back(Event::NetworkQuality {
                        peer: id,
                        uplink: q.0,
                        downlink: q.1,
                    });
                }
                self.sample_downlink(id, s.egress_loss_fraction, s.rtt, s.timestamp);
            }
            _ => {}
        }
    }

    /// Connected again after an ICE restart: every video the peer receives starts over at a
    /// keyframe (what was sent while its path was down is lost).
    fn after_ice_restart(&mut self, id: PeerId) {
        let Some(peer) = self.peers.get_mut(&id) else {
            return;
        };
        if !std::mem::take(&mut peer.ice_restarted) {
            return;
        }
        let wanted: Vec<(u32, TrackKind, usize)> = peer
            .slots
            .iter()
            .filter(|s| s.kind != TrackKind::Audio)
            .filter_map(|s| Some((s.user?, s.kind, s.current.or(s.target)?)))
            .collect();
        for (user, kind, layer) in wanted {
            self.request_keyframe(&id, user, kind, layer);
        }
    }

    /// An m-line appeared or changed direction: (un)register the track or slot.
    fn on_media(&mut self, id: PeerId, mid: Mid, kind: MediaKind, dir: Direction) {
        self.routes_dirty = true;
        let Some(peer) = self.peers.get_mut(&id) else {
            return;
        };
        let kind = match kind {
            MediaKind::Audio => TrackKind::Audio,
            MediaKind::Video if peer.share_mids.contains(&mid) => TrackKind::Share,
            MediaKind::Video => TrackKind::Video,
        };
        // Directions are ours: we receive what the client sends.
        let receiving = matches!(dir, Direction::RecvOnly | Direction::SendRecv);
        let sending = matches!(dir, Direction::SendOnly | Direction::SendRecv);
        if receiving && !peer.published.contains_key(&mid) {
            let layers = match peer.rtc.media(mid).map(|m| m.rids_rx()) {
                Some(Rids::Specific(rids)) if !rids.is_empty() => {
                    rids.iter().map(|r| Some(*r)).collect()
                }
                _ => vec![None],
            };
            peer.published.insert(mid, Published::new(kind, layers));
        } else if !receiving {
            if let Some(track) = peer.published.remove(&mid) {
                if track.any_live() {
                    self.events.push_back(Event::PublisherTrack {
                        peer: id,
                        user: peer.user,
                        kind,
                        on: false,
                    });
                }
            }
        }
        self.dirty.insert(peer.room.clone());
        let has_slot = peer.slots.iter().any(|s| s.mid == mid);
        if sending && !has_slot {
            peer.slots.push(Slot::new(mid, kind));
            if kind == TrackKind::Video && !peer.pending_attach.is_empty() {
                let (user, quality) = peer.pending_attach.remove(0);
                if let Err(reason) = self.attach(id, user, quality) {
                    self.events.push_back(Event::Error { peer: id, reason });
                }
            }
        } else if !sending && has_slot {
            peer.slots.retain(|s| s.mid != mid);
        }
    }
}
