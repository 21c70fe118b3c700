//! Which user's media goes into which slot: audio and share assignment, simulcast layer
//! choice, keyframe requests, and the periodic re-evaluation.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use str0m::bwe::Bitrate;
use str0m::media::{KeyframeRequestKind, Mid, Rid};

use super::Sfu;
use crate::config::{
    KEYFRAME_RETRY, TEMPORAL_UPGRADE_HOLD, UPGRADE_HOLD, UPGRADE_PROBE_EVERY, UPGRADE_VOTES,
};
use crate::peer::Peer;
use crate::quality::{fit_layer, layer_for_quality, live_at_or_below};
use crate::temporal::TOP_TID;
use crate::{Event, PeerId, RoomId, TrackKind};

impl Sfu {
    // ---------------------------------------------------------------- slot assignment

    /// Give every member's audio slots to the loudest allowed speakers (not itself; a relay
    /// peer, only the user it relays).
    pub(super) fn assign_audio(&mut self, room_id: &RoomId) {
        self.routes_dirty = true;
        let Some(room) = self.rooms.get(room_id) else {
            return;
        };
        let members = room.members.clone();
        // Everyone who may be heard, speakers first (loudest first), then join order.
        let mut candidates: Vec<u32> = Vec::new();
        let publishers = self.publishers(&members, TrackKind::Audio);
        for u in room.speakers.ranking() {
            if publishers.contains(u) {
                candidates.push(*u);
            }
        }
        for u in publishers {
            if !candidates.contains(&u) {
                candidates.push(u);
            }
        }
        for id in members {
            let Some(peer) = self.peers.get_mut(&id) else {
                continue;
            };
            let (own, n) = (
                peer.user,
                peer.audio_slots.unwrap_or(self.config.audio_slots),
            );
            let wanted: Vec<u32> = candidates
                .iter()
                .copied()
                .filter(|u| *u != own && peer.relay_of.is_none_or(|r| r == *u))
                .take(n)
                .collect();
            reassign(peer, TrackKind::Audio, &wanted, &mut self.events);
        }
    }

    /// Give every member's share slots to the room's allowed sharers (not itself; a relay
    /// peer, only the user it relays).
    pub(super) fn assign_share(&mut self, room_id: &RoomId) {
        self.routes_dirty = true;
        let Some(room) = self.rooms.get(room_id) else {
            return;
        };
        let members = room.members.clone();
        let sharers = self.publishers(&members, TrackKind::Share);
        for id in members {
            let Some(peer) = self.peers.get_mut(&id) else {
                continue;
            };
            let own = peer.user;
            let wanted: Vec<u32> = sharers
                .iter()
                .copied()
                .filter(|u| *u != own && peer.relay_of.is_none_or(|r| r == *u))
                .collect();
            let newly = reassign(peer, TrackKind::Share, &wanted, &mut self.events);
            for user in newly {
                self.request_keyframe(&id, user, TrackKind::Share, 0);
            }
        }
    }

    /// The users among `members` who publish a `kind` track that may be forwarded, in
    /// `members` order.
    fn publishers(&self, members: &[PeerId], kind: TrackKind) -> Vec<u32> {
        members
            .iter()
            .filter_map(|id| self.peers.get(id))
            .filter(|p| p.allowed(kind) && p.track(kind).is_some())
            .map(|p| p.user)
            .collect()
    }

    /// Re-decide the simulcast layer of a video slot; on change, ask for a keyframe.
    pub(super) fn update_layer(&mut self, sub: PeerId, idx: usize) {
        let now = self.now;
        let Some(peer) = self.peers.get(&sub) else {
            return;
        };
        let Some(slot) = peer.slots.get(idx) else {
            return;
        };
        let Some(user) = slot.user else {
            return;
        };
        let kind = slot.kind;
        let limited_since = slot.limited_since;
        let publisher = self.publisher(&peer.room, user);
        // str0m's delay-based estimate follows the actual send rate when the link is
        // application-limited (it reads a few hundred kbit/s on an idle loopback), so it only
        // caps the layer while the downlink shows stress, or while the slot is below its
        // wanted layer for bandwidth: then the SFU probes towards the wanted rate
        // (`update_bwe_targets`), and the estimate says when it fits. Stress is loss or RTT
        // (quality below 5), or an estimate 15 % below the media forwarded now: str0m's pacer
        // sends at most 10 % over the estimate, so the rest queues in the SFU, where neither
        // loss nor the round trip shows it (the margin is the estimate's wobble on a clean
        // downlink). Loss that is the link's own (steady, moderate, no queue: `downlink.rs`)
        // is no stress, and neither is the estimate str0m lowers for it.
        //
        // A round trip standing 100 ms over its floor in the last report, on a slot not held
        // down yet, is a queue the media sent now is joining: the downlink carries less than
        // that, whatever the estimate (which lags) says, so the budget is 15 % under it and
        // the move down goes at once, without a second vote. Once held down, the queue takes
        // seconds to drain and the estimate decides again.
        let media = peer.audio_bps + peer.video_bps;
        let inherent = peer.downlink.inherent_loss(now);
        let queueing = peer.downlink.queueing() && limited_since.is_none();
        let congested = !inherent && peer.estimate().is_some_and(|b| b * 100 < media * 85);
        let lossy = !inherent && peer.quality.is_some_and(|(_, down)| down < 5);
        let stressed = congested || lossy || queueing;
        let (layer, tid, wanted) = match publisher.and_then(|p| p.track(kind)) {
            Some((_, track)) => {
                let wanted = live_at_or_below(
                    layer_for_quality(slot.quality, track.layers.len()),
                    &track.live,
                );
                let videos = peer.attached_videos().max(1) as u64;
                let budget = peer
                    .estimate()
                    .filter(|_| stressed || limited_since.is_some())
                    .map(|b| match queueing {
                        true => b.min(media * 85 / 100),
                        false => b,
                    })
                    .map(|b| b.saturating_sub(peer.audio_bps) / videos);
                let (layer, tid) = fit_layer(wanted, &track.rates(), budget);
                (layer, tid, wanted)
            }
            None => (0, TOP_TID, 0),
        };
        let Some(slot) = self.peers.get_mut(&sub).and_then(|p| p.slots.get_mut(idx)) else {
            return;
        };
        // Spatial and temporal layer together, ordered as `fit_layer` tries them.
        let before = slot.target.map(|t| (t, slot.temporal.target));
        // A slot held down moves further down for bandwidth only under stress: an estimate
        // that sinks while nothing queues is the estimator drifting towards what an
        // application-limited link carries (probing from a held-down rate on a capped link
        // lowers it too), not a smaller link.
        let choice = match before {
            Some(b) if !stressed => (layer, tid).max(b.min((wanted, TOP_TID))),
            _ => (layer, tid),
        };
        let (layer, tid) = choice;
        if before == Some(choice) {
            slot.down_votes = 0;
            slot.up_votes = 0;
            return;
        }
        // Going down for bandwidth needs two ticks in a row (one behind a queue); quality
        // changes (target reset by attach) apply at once, and so do upgrades of a slot not
        // held down. A slot held down for bandwidth moves up no sooner than UPGRADE_HOLD after
        // its move down (an estimate that has just recovered is not trusted yet), or
        // TEMPORAL_UPGRADE_HOLD for more frames of the same layer, and only after
        // UPGRADE_VOTES ticks in a row.
        let downgrade = before.is_some_and(|b| choice < b);
        if downgrade && !queueing && slot.down_votes < 1 {
            slot.down_votes += 1;
            slot.up_votes = 0;
            return;
        }
        let hold = match slot.target == Some(layer) {
            true => TEMPORAL_UPGRADE_HOLD,
            false => UPGRADE_HOLD,
        };
        let held = limited_since.is_some_and(|t| now.saturating_duration_since(t) < hold);
        if !downgrade && held {
            return;
        }
        if !downgrade && limited_since.is_some() && slot.up_votes + 1 < UPGRADE_VOTES {
            slot.up_votes += 1;
            slot.down_votes = 0;
            return;
        }
        tracing::debug!(target: "convene_sfu::bwe", peer = %sub, layer, tid, wanted, limited = limited_since.is_some(), stressed, inherent, "layer");
        let new_layer = slot.target != Some(layer);
        slot.target = Some(layer);
        // Temporal layers need no keyframe: down at the next frame, up at a sync frame.
        slot.temporal.target = tid;
        slot.down_votes = 0;
        slot.up_votes = 0;
        slot.limited_since = match choice < (wanted, TOP_TID) {
            true if downgrade => Some(now),
            true => limited_since,
            false => None,
        };
        if !new_layer {
            return;
        }
        if slot.current != Some(layer) {
            slot.waiting_since = Some(now);
        }
        self.request_keyframe(&sub, user, kind, layer);
    }

    /// A receiver report's loss and round trip on `sub`'s downlink. One that shows a queue
    /// re-decides the peer's video layers at once, not at the next tick: every frame sent
    /// meanwhile waits in that queue.
    pub(crate) fn sample_downlink(
        &mut self,
        sub: PeerId,
        loss: Option<f32>,
        rtt: Option<Duration>,
        at: Instant,
    ) {
        let Some(peer) = self.peers.get_mut(&sub) else {
            return;
        };
        peer.downlink.sample(loss, rtt, at);
        if !peer.downlink.queueing() {
            return;
        }
        let videos: Vec<usize> = peer
            .slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind == TrackKind::Video && s.user.is_some())
            .map(|(i, _)| i)
            .collect();
        for idx in videos {
            self.update_layer(sub, idx);
        }
    }

    /// The peer of `user` in `room`.
    pub(super) fn publisher(&self, room: &RoomId, user: u32) -> Option<&Peer> {
        self.rooms
            .get(room)?
            .members
            .iter()
            .filter_map(|id| self.peers.get(id))
            .find(|p| p.user == user)
    }

    /// Ask `user` (in the room of `near`) for a keyframe on its `kind` track, layer `layer`.
    pub(super) fn request_keyframe(
        &mut self,
        near: &PeerId,
        user: u32,
        kind: TrackKind,
        layer: usize,
    ) {
        self.stats.keyframe_request();
        let Some(room) = self.peers.get(near).map(|p| p.room.clone()) else {
            return;
        };
        let Some(pub_id) = self.publisher(&room, user).map(|p| p.id) else {
            return;
        };
        let now = self.now;
        let Some(peer) = self.peers.get_mut(&pub_id) else {
            return;
        };
        let Some((mid, track)) = peer.published.iter_mut().find(|(_, p)| p.kind == kind) else {
            peer.keyframe_owed.insert((kind, layer));
            return;
        };
        let (mid, rid) = (*mid, track.layers.get(layer).copied().flatten());
        let mut api = peer.rtc.direct_api();
        if api.stream_rx_by_mid(mid, rid).is_none() {
            // Not sending that yet: ask as soon as it starts, not at the next retry.
            peer.keyframe_owed.insert((kind, layer));
            return;
        }
        // Requests of several subscribers within a short gap share one keyframe.
        let send = track
            .keyframes
            .get_mut(layer)
            .is_some_and(|g| g.request(now));
        tracing::debug!(target: "convene_sfu::keyframe", publisher = %pub_id, layer, send, "requested");
        if send {
            self.send_pli(pub_id, mid, rid);
        }
    }

    /// Send one PLI to `publisher` for its stream `(mid, rid)`.
    pub(super) fn send_pli(&mut self, publisher: PeerId, mid: Mid, rid: Option<Rid>) {
        let Some(peer) = self.peers.get_mut(&publisher) else {
            return;
        };
        if let Some(rx) = peer.rtc.direct_api().stream_rx_by_mid(mid, rid) {
            rx.request_keyframe(KeyframeRequestKind::Pli);
            self.stats.pli_sent();
            self.drain(publisher);
        }
    }

    // ---------------------------------------------------------------- periodic

    pub(super) fn tick(&mut self) {
        let now = self.now;
        let rooms: Vec<RoomId> = self.rooms.keys().cloned().collect();
        for room_id in rooms {
            let Some(room) = self.rooms.get_mut(&room_id) else {
                continue;
            };
            if room.speakers.update(now) {
                let users = room.speakers.ranking().to_vec();
                self.events.push_back(Event::ActiveSpeakers {
                    room: room_id.clone(),
                    users,
                });
                self.assign_audio(&room_id);
            }
        }
        for peer in self.peers.values_mut() {
            for track in peer.published.values_mut() {
                for m in &mut track.meters {
                    m.roll(now);
                }
            }
        }
        if self.config.bwe_initial.is_some() {
            self.update_bwe_targets();
        }
        // Layer choice follows bandwidth and publisher rates; stuck switches ask again.
        let ids: Vec<PeerId> = self.peers.keys().copied().collect();
        for id in ids {
            let n = self.peers.get(&id).map_or(0, |p| p.slots.len());
            for idx in 0..n {
                let Some(slot) = self.peers.get_mut(&id).and_then(|p| p.slots.get_mut(idx)) else {
                    continue;
                };
                if slot.kind == TrackKind::Audio || slot.user.is_none() {
                    continue;
                }
                let retry = slot
                    .waiting_since
                    .is_some_and(|t| now.saturating_duration_since(t) >= KEYFRAME_RETRY);
                if retry {
                    slot.waiting_since = Some(now);
                    if let (Some(user), Some(layer)) = (slot.user, slot.target) {
                        let kind = slot.kind;
                        self.request_keyframe(&id, user, kind, layer);
                    }
                }
                if self
                    .peers
                    .get(&id)
                    .and_then(|p| p.slots.get(idx))
                    .map(|s| s.kind)
                    == Some(TrackKind::Video)
                {
                    self.update_layer(id, idx);
                }
            }
        }
    }
}

impl Sfu {
    /// Tell each subscriber's bandwidth estimator what it should try to reach: the rate of
    /// the layers its videos want (so it probes towards them) and the rate of the layers it
    /// forwards now (kept up with padding while probing). A peer that receives no video or
    /// share wants nothing: its estimator never probes, so it is sent no padding.
    ///
    /// An estimator that settled during congestion may not probe again by itself while its
    /// estimate stays flat (str0m probes on a change of estimate or of the desired rate, and
    /// not while it last saw the delay rising). So while a slot is held below its wanted
    /// layer for bandwidth on a downlink clean for `UPGRADE_HOLD` (no loss, short round
    /// trips), every `UPGRADE_PROBE_EVERY` the estimator starts over from its current
    /// estimate: its start-up probes (up to twice the wanted rate) tell whether the downlink
    /// carries the wanted layer again. On a downlink whose loss is its own (`downlink.rs`),
    /// the estimator starts over from a quarter over the media's rate whenever its estimate
    /// falls within a tenth of it, at most as often.
    pub(super) fn update_bwe_targets(&mut self) {
        let now = self.now;
        let ids: Vec<PeerId> = self.peers.keys().copied().collect();
        for id in ids {
            let Some(peer) = self.peers.get(&id) else {
                continue;
            };
            // The audio forwarded now, then the video forwarded now and wanted.
            let (mut audio, mut video, mut video_wanted) = (0, 0, 0);
            let mut any_video = false;
            for slot in &peer.slots {
                let Some(user) = slot.user else {
                    continue;
                };
                let Some((_, track)) = self
                    .publisher(&peer.room, user)
                    .and_then(|p| p.track(slot.kind))
                else {
                    continue;
                };
                if slot.kind == TrackKind::Audio {
                    audio += track.rate(0);
                    continue;
                }
                any_video = true;
                video_wanted += track.rate(layer_for_quality(slot.quality, track.layers.len()));
                video += slot
                    .current
                    .map_or(0, |l| track.rate_upto(l, slot.temporal.current()));
            }
            let (current, wanted) = match any_video {
                true => (audio + video, audio + video_wanted),
                false => (0, 0),
            };
            let held = peer.slots.iter().any(|s| {
                s.limited_since
                    .is_some_and(|t| now.saturating_duration_since(t) >= UPGRADE_HOLD)
            });
            let clean = peer
                .stressed_at
                .is_none_or(|t| now.saturating_duration_since(t) >= UPGRADE_HOLD);
            let reset_due = peer
                .bwe_reset_at
                .is_none_or(|t| now.saturating_duration_since(t) >= UPGRADE_PROBE_EVERY);
            let rearm = held && clean && reset_due;
            // Loss the link's own: str0m's loss-based estimate sinks under the media however
            // little is sent, and its pacer (1.1 times the estimate) would hold the media back
            // in the SFU. The estimator starts over from the media's rate instead.
            let relieve = !rearm
                && reset_due
                && current > 0
                && peer.downlink.inherent_loss(now)
                && peer.bwe_raw.is_some_and(|b| b * 10 < current * 11);
            // Only reconfigure on a real change (>10%): each call is a mutation.
            let differs = |a: u64, b: u64| a.abs_diff(b) * 10 > b;
            let changed = peer
                .bwe_target
                .is_none_or(|(c, w)| differs(wanted, w) || differs(current, c));
            let Some(peer) = self.peers.get_mut(&id) else {
                continue;
            };
            (peer.audio_bps, peer.video_bps) = (audio, video);
            if rearm || relieve {
                peer.bwe_reset_at = Some(now);
                let estimate = match rearm {
                    true => Bitrate::bps(peer.bwe_raw.unwrap_or(current)),
                    false => Bitrate::bps(current * 5 / 4),
                };
                tracing::debug!(target: "convene_sfu::bwe", peer = %id, %estimate, rearm, "reset");
                peer.rtc.bwe().reset(estimate);
            }
            if changed {
                tracing::debug!(target: "convene_sfu::bwe", peer = %id, current, wanted, "targets");
                peer.bwe_target = Some((current, wanted));
                peer.rtc
                    .bwe()
                    .set_bitrate(Bitrate::bps(current.min(wanted)), Bitrate::bps(wanted));
            }
            if rearm || relieve || changed {
                // Each is a mutation of the peer: its output and next timeout.
                self.drain(id);
            }
        }
    }
}

/// Point `peer`'s slots of `kind` at `wanted` users, keeping slots whose user stays wanted.
/// Returns the users newly assigned.
fn reassign(
    peer: &mut Peer,
    kind: TrackKind,
    wanted: &[u32],
    events: &mut VecDeque<Event>,
) -> Vec<u32> {
    let id = peer.id;
    for slot in peer.slots.iter_mut().filter(|s| s.kind == kind) {
        if let Some(u) = slot.user {
            if !wanted.contains(&u) {
                slot.assign(None);
                events.push_back(Event::SlotAssigned {
                    peer: id,
                    mid: slot.mid.to_string(),
                    user: None,
                    kind,
                });
            }
        }
    }
    let mut newly = Vec::new();
    for u in wanted {
        if peer
            .slots
            .iter()
            .any(|s| s.kind == kind && s.user == Some(*u))
        {
            continue;
        }
        let Some(slot) = peer
            .slots
            .iter_mut()
            .find(|s| s.kind == kind && s.user.is_none())
        else {
            break;
        };
        slot.assign(Some(*u));
        events.push_back(Event::SlotAssigned {
            peer: id,
            mid: slot.mid.to_string(),
            user: Some(*u),
            kind,
        });
        newly.push(*u);
    }
    newly
}
