//! The hot path: one incoming RTP packet to every slot that carries it.

use str0m::format::Codec;
use str0m::media::{KeyframeRequestKind, Mid, Pt};
use str0m::rtp::{ExtensionValues, RtpPacket, RtpWrite, Vp8Descriptor, Vp8Patch};
use str0m::Rtc;

use super::Sfu;
use crate::holes::Seen;
use crate::red::red_primary;
use crate::temporal::Admit;
use crate::{Event, PeerId, TrackKind};
use std::sync::Arc;
use std::time::Duration;

/// How much of what a subscriber was sent the SFU keeps to answer its NACKs: at most this
/// many packets per stream (about 4 s of 1080p)...
const RESEND_HISTORY_PACKETS: usize = 1024;
/// ...and no older than this: a few round trips even on a slow link.
const RESEND_HISTORY_AGE: Duration = Duration::from_secs(2);

impl Sfu {
    /// Recompute every room's `(publisher user, kind) → [(subscriber, slot index)]` table.
    /// Called lazily after slot assignments changed, so the per-packet path never scans
    /// all members.
    pub(super) fn rebuild_routes(&mut self) {
        for room in self.rooms.values_mut() {
            room.routes.clear();
        }
        for peer in self.peers.values() {
            let Some(room) = self.rooms.get_mut(&peer.room) else {
                continue;
            };
            for (i, slot) in peer.slots.iter().enumerate() {
                if let Some(user) = slot.user {
                    room.routes
                        .entry((user, slot.kind))
                        .or_default()
                        .push((peer.id, i));
                }
            }
        }
        self.routes_dirty = false;
    }

    /// Forward one incoming RTP packet to every slot that carries it.
    pub(super) fn on_rtp(&mut self, id: PeerId, packet: RtpPacket) {
        let now = self.now;
        let Some(peer) = self.peers.get_mut(&id) else {
            return;
        };
        let ssrc = packet.header.ssrc;
        let (mid, rid, new_stream) = match peer.rx_lookup.get(&ssrc) {
            Some(&(mid, rid)) => (mid, rid, false),
            None => {
                let mut api = peer.rtc.direct_api();
                let Some(rx) = api.stream_rx(&ssrc) else {
                    return;
                };
                let x = (rx.mid(), rx.rid());
                peer.rx_lookup.insert(ssrc, x);
                (x.0, x.1, true)
            }
        };
        let Some(track) = peer.published.get_mut(&mid) else {
            return;
        };
        let kind = track.kind;
        self.stats.rtp_in(kind, packet.payload.len());
        let layer = track.layer_of(rid);
        if new_stream
            && peer.keyframe_owed.remove(&(kind, layer))
            && track.keyframes[layer].request(now)
        {
            if let Some(rx) = peer.rtc.direct_api().stream_rx_by_mid(mid, rid) {
                rx.request_keyframe(KeyframeRequestKind::Pli);
                self.stats.pli_sent();
            }
        }
        // The codec, its payload type, and whether the packet is RED (RFC 2198) around it.
        let pt_in = packet.header.payload_type;
        let codec = peer.rtc.codec_config().params().iter().find_map(|p| {
            let red = p.red() == Some(pt_in);
            (p.pt() == pt_in || red).then(|| (p.spec().codec, p.pt(), red))
        });
        let Some((codec, main_pt, red_in)) = codec else {
            return;
        };
        let vp8 = match codec {
            Codec::Vp8 if kind != TrackKind::Audio => Vp8Descriptor::parse(&packet.payload).ok(),
            _ => None,
        };
        // Temporal layers, where the publisher sends them.
        let temporal = vp8
            .as_ref()
            .and_then(|_| crate::vp8::temporal(&packet.payload))
            .filter(|t| t.tid.is_some());
        let Some(track) = peer.published.get_mut(&mid) else {
            return;
        };
        let tid = temporal.and_then(|t| t.tid).unwrap_or(0);
        track.meters[layer].add(packet.payload.len(), tid, now);
        if !track.live[layer] {
            let was = track.any_live();
            track.live[layer] = true;
            if !was {
                self.events.push_back(Event::PublisherTrack {
                    peer: id,
                    user: peer.user,
                    kind,
                    on: true,
                });
            }
        }
        let user = peer.user;
        let room_id = peer.room.clone();
        if !peer.allowed(kind) {
            return;
        }
        if red_in {
            self.stats.red_in();
        }
        // RED's primary block, for subscribers without RED; decoded once, when first needed.
        let mut primary: Option<Option<Arc<[u8]>>> = None;
        let Some(room) = self.rooms.get_mut(&room_id) else {
            return;
        };
        if kind == TrackKind::Audio {
            if let Some(level) = packet.header.ext_vals.audio_level {
                room.speakers.observe(user, level, now);
            }
        }
        let keyframe = match (codec, &vp8) {
            (Codec::Vp8, Some(d)) => d.starts_keyframe(&packet.payload),
            (Codec::Vp8, None) => false,
            (Codec::H264, _) => crate::keyframe::h264_starts_keyframe(&packet.payload),
            // Other codecs: never block on keyframe detection (no layer switching for them).
            _ => true,
        };
        if kind != TrackKind::Audio {
            // A keyframe answers the requests owed for this layer; without one, they are
            // sent as one PLI once the gap since the last has passed. A packet lost for good
            // on the way in is a request of its own (`holes.rs`).
            let track = self
                .peers
                .get_mut(&id)
                .and_then(|p| p.published.get_mut(&mid));
            let due = match track {
                Some(t) if layer < t.keyframes.len() => {
                    let holes = &mut t.holes[layer];
                    let gate = &mut t.keyframes[layer];
                    holes.arrived(
                        Seen {
                            seq: *packet.seq_no,
                            ts: packet.header.timestamp,
                            vp8: temporal,
                            ends_frame: packet.header.marker,
                        },
                        now,
                    );
                    let lost = holes.lost_for_good(now);
                    if lost.packets > 0 {
                        self.stats.upstream_lost(lost.packets);
                    }
                    if keyframe {
                        tracing::debug!(target: "convene_sfu::keyframe", publisher = %id, layer, seq = *packet.seq_no, "arrived");
                        holes.keyframe();
                        gate.keyframe();
                        false
                    } else if lost.referenced {
                        let send = gate.request(now);
                        tracing::debug!(target: "convene_sfu::keyframe", publisher = %id, layer, send, "a packet lost for good");
                        self.stats.keyframe_request();
                        send
                    } else {
                        gate.due(now)
                    }
                }
                _ => false,
            };
            if due {
                self.send_pli(id, mid, rid);
            }
        }

        if self.routes_dirty {
            self.rebuild_routes();
        }
        let Some(targets) = self
            .rooms
            .get(&room_id)
            .and_then(|r| r.routes.get(&(user, kind)))
            .cloned()
        else {
            return;
        };
        for (sub_id, idx) in targets {
            if sub_id == id {
                continue;
            }
            let Some(sub) = self.peers.get_mut(&sub_id) else {
                continue;
            };
            {
                let Some(slot) = sub.slots.get_mut(idx) else {
                    continue;
                };
                if slot.kind != kind || slot.user != Some(user) {
                    continue;
                }
                if kind != TrackKind::Audio {
                    // Switch layers only at a keyframe of the target layer.
                    if slot.target == Some(layer) && slot.current != Some(layer) {
                        if !keyframe {
                            continue;
                        }
                        if slot.current.is_some() {
                            self.stats.layer_switch();
                        }
                        slot.current = Some(layer);
                        slot.waiting_since = None;
                    } else if slot.current != Some(layer) {
                        continue;
                    }
                }
                // A new SSRC (the publisher restarted the track) starts a new mapping, like a switch.
                let key = (id.0, u64::from(*ssrc), layer as u8);
                // A packet of a frame left out that comes too late to be numbered around (a
                // repair from the publisher): its number goes out with an empty payload,
                // which receivers take as padding, so the subscriber has no hole to ask
                // about in vain.
                let mut filler = false;
                if let Some(t) = temporal {
                    if let Admit::Drop { new_frame } =
                        slot.temporal.admit(layer, packet.header.timestamp, t)
                    {
                        if slot.rewriter.skip(key, *packet.seq_no) {
                            if new_frame {
                                slot.picture_ids.skip_frame();
                            }
                            continue;
                        }
                        filler = true;
                    }
                }
                let Some((seq, ts)) =
                    slot.rewriter
                        .rewrite(key, *packet.seq_no, packet.header.timestamp, now)
                else {
                    continue;
                };
                let (pt, red_pt) = match slot.pt_cache {
                    Some((c, pt, red)) if c == codec => (pt, red),
                    _ => {
                        let Some((pt, red)) = subscriber_pt(&sub.rtc, slot.mid, codec) else {
                            continue;
                        };
                        slot.pt_cache = Some((codec, pt, red));
                        (pt, red)
                    }
                };
                let (pt, payload) = match (red_in, red_pt) {
                    _ if filler => (pt, Arc::from(&[][..])),
                    (false, _) => (pt, packet.payload.clone()),
                    (true, Some(red)) => (red, packet.payload.clone()),
                    (true, None) => {
                        let p = primary.get_or_insert_with(|| {
                            red_primary(&packet.payload, main_pt).map(Arc::from)
                        });
                        let Some(p) = p else {
                            continue;
                        };
                        (pt, p.clone())
                    }
                };
                let ext = ExtensionValues {
                    audio_level: packet.header.ext_vals.audio_level,
                    voice_activity: packet.header.ext_vals.voice_activity,
                    video_orientation: packet.header.ext_vals.video_orientation,
                    ..Default::default()
                };
                let mut write = RtpWrite::new(pt, seq.into(), ts, packet.timestamp, payload)
                    .marker(packet.header.marker && !filler)
                    .ext_vals(ext)
                    // A filler stays out of the resend history: str0m pads with the
                    // smallest packets there, and an empty one would make probes of nothing.
                    .nackable(kind != TrackKind::Audio && !filler);
                if let Some(d) = vp8.as_ref().filter(|_| !filler) {
                    let (pic, tl0) = slot
                        .picture_ids
                        .rewrite(key, d.picture_id(), d.tl0_pic_idx());
                    if let Some(patch) = vp8_patch(d, pic, tl0) {
                        write = write.vp8_patch(patch);
                    }
                }
                let mut api = sub.rtc.direct_api();
                let Some(tx) = api.stream_tx_by_mid(slot.mid, None) else {
                    continue;
                };
                if !slot.resends_set {
                    // Every NACK is answered while the packet is in the history. str0m's
                    // default drops all queued resends once retransmissions pass 15 % of the
                    // bytes sent in the last second, and its bandwidth probes (padding sent
                    // as resends of old packets) count as retransmissions: a subscriber
                    // being probed for a higher layer would get no answer to its NACKs.
                    tx.set_rtx_cache(RESEND_HISTORY_PACKETS, RESEND_HISTORY_AGE, None);
                    slot.resends_set = true;
                }
                tx.write_rtp(write);
                self.stats.forwarded();
            }
            // Every write is followed by a drain (str0m's single-mutation rule).
            self.drain(sub_id);
        }
    }
}

/// The subscriber's payload type for `codec` on `mid`, and its RED payload type if it
/// negotiated RED for that codec.
fn subscriber_pt(rtc: &Rtc, mid: Mid, codec: Codec) -> Option<(Pt, Option<Pt>)> {
    let remote = rtc.media(mid)?.remote_pts();
    rtc.codec_config()
        .params()
        .iter()
        .find(|p| p.spec().codec == codec && remote.contains(&p.pt()))
        .map(|p| (p.pt(), p.red()))
}

/// A patch writing `pic`/`tl0` into the descriptor, if it has those fields. A 7-bit
/// PictureID keeps its width (the id wraps at 128 instead of 32768).
fn vp8_patch(d: &Vp8Descriptor, pic: Option<u16>, tl0: Option<u8>) -> Option<Vp8Patch> {
    let build = |pic: Option<u16>| {
        let mut b = d.patch();
        if let Some(p) = pic {
            b = b.picture_id(p);
        }
        if let Some(t) = tl0 {
            b = b.tl0_pic_idx(t);
        }
        b.build()
    };
    if pic.is_none() && tl0.is_none() {
        return None;
    }
    build(pic).or_else(|_| build(pic.map(|p| p & 0x7f))).ok()
}
