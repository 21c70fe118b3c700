//! One user's connection: its `Rtc`, what it publishes and its receive slots.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::time::Instant;

use str0m::format::Codec;
use str0m::media::{Mid, Pt, Rid};
use str0m::net::Protocol;
use str0m::rtp::Ssrc;
use str0m::Rtc;

use crate::downlink::Downlink;
use crate::holes::Holes;
use crate::keyframe::KeyframeGate;
use crate::rewrite::{PictureIdRewriter, Rewriter};
use crate::stats::ReportedTotals;
use crate::temporal::{TemporalFilter, TOP_TID};
use crate::{PeerId, RoomId, TrackKind};

/// A track the client sends to the SFU.
#[derive(Debug)]
pub(crate) struct Published {
    pub(crate) kind: TrackKind,
    /// Simulcast layers, lowest first; `[None]` without simulcast.
    pub(crate) layers: Vec<Option<Rid>>,
    /// Per layer: has media arrived and not paused since.
    pub(crate) live: Vec<bool>,
    /// Per layer: measured bitrate.
    pub(crate) meters: Vec<RateMeter>,
    /// Per layer: keyframe requests, coalesced.
    pub(crate) keyframes: Vec<KeyframeGate>,
    /// Per layer (video): packets lost on the way in that no repair brought.
    pub(crate) holes: Vec<Holes>,
}

impl Published {
    pub(crate) fn new(kind: TrackKind, layers: Vec<Option<Rid>>) -> Self {
        let n = layers.len();
        Published {
            kind,
            layers,
            live: vec![false; n],
            meters: (0..n).map(|_| RateMeter::default()).collect(),
            keyframes: (0..n).map(|_| KeyframeGate::default()).collect(),
            holes: (0..n).map(|_| Holes::default()).collect(),
        }
    }

    /// Layer index of `rid`, learning unknown rids (appended as the highest layer).
    pub(crate) fn layer_of(&mut self, rid: Option<Rid>) -> usize {
        if let Some(i) = self.layers.iter().position(|l| *l == rid) {
            return i;
        }
        if self.layers == [None] {
            // Simulcast the SDP did not announce: replace the placeholder.
            self.layers.clear();
            self.live.clear();
            self.meters.clear();
            self.keyframes.clear();
            self.holes.clear();
        }
        self.layers.push(rid);
        self.live.push(false);
        self.meters.push(RateMeter::default());
        self.keyframes.push(KeyframeGate::default());
        self.holes.push(Holes::default());
        self.layers.len() - 1
    }

    pub(crate) fn any_live(&self) -> bool {
        self.live.iter().any(|l| *l)
    }

    /// Per layer, its measured rates up to each temporal layer (see [`RateMeter`]).
    pub(crate) fn rates(&self) -> Vec<Option<[u64; 3]>> {
        self.meters.iter().map(|m| m.rate).collect()
    }

    /// The measured rate of `layer`, 0 while unknown.
    pub(crate) fn rate(&self, layer: usize) -> u64 {
        self.rate_upto(layer, TOP_TID)
    }

    /// The measured rate of `layer`'s temporal layers up to `tid`, 0 while unknown.
    pub(crate) fn rate_upto(&self, layer: usize, tid: u8) -> u64 {
        let tid = usize::from(tid.min(TOP_TID));
        self.meters
            .get(layer)
            .and_then(|m| m.rate)
            .map_or(0, |r| r[tid])
    }
}

/// Bits per second of one incoming layer, measured over the last tick interval, up to each
/// temporal layer: `[TL0, TL0 + TL1, all]` (a stream without temporal layers counts as TL0,
/// so all three are its whole rate).
#[derive(Debug, Default)]
pub(crate) struct RateMeter {
    bytes: [u64; 3],
    since: Option<Instant>,
    pub(crate) rate: Option<[u64; 3]>,
}

impl RateMeter {
    pub(crate) fn add(&mut self, bytes: usize, tid: u8, now: Instant) {
        self.since.get_or_insert(now);
        self.bytes[usize::from(tid.min(TOP_TID))] += bytes as u64;
    }

    pub(crate) fn roll(&mut self, now: Instant) {
        if let Some(since) = self.since {
            let secs = now.saturating_duration_since(since).as_secs_f64();
            if secs >= 0.2 {
                let bps = |b: u64| (b as f64 * 8.0 / secs) as u64;
                let [t0, t1, t2] = self.bytes;
                self.rate = Some([bps(t0), bps(t0 + t1), bps(t0 + t1 + t2)]);
                self.bytes = [0; 3];
                self.since = Some(now);
            }
        }
    }
}

/// A receive slot: one m-line the client offered as receive-only.
#[derive(Debug)]
pub(crate) struct Slot {
    pub(crate) mid: Mid,
    pub(crate) kind: TrackKind,
    /// Whose media the slot carries.
    pub(crate) user: Option<u32>,
    /// Requested quality (video slots).
    pub(crate) quality: u8,
    /// Layer being forwarded.
    pub(crate) current: Option<usize>,
    /// Layer wanted; becomes `current` at its next keyframe.
    pub(crate) target: Option<usize>,
    /// Consecutive evaluations that wanted a lower layer for bandwidth.
    pub(crate) down_votes: u8,
    /// Consecutive evaluations whose estimate carried a higher layer while the slot is
    /// held down for bandwidth (see `UPGRADE_VOTES`).
    pub(crate) up_votes: u8,
    /// Since when the layer has been below the wanted one for bandwidth: until it is back,
    /// the bandwidth estimate caps every upgrade, stressed or not, and none comes sooner
    /// than `UPGRADE_HOLD` after the last move down.
    pub(crate) limited_since: Option<Instant>,
    /// Since when we wait for a keyframe on `target` (to retry the request).
    pub(crate) waiting_since: Option<Instant>,
    pub(crate) rewriter: Rewriter,
    pub(crate) picture_ids: PictureIdRewriter,
    /// Temporal layers forwarded (video).
    pub(crate) temporal: TemporalFilter,
    /// Last payload type mapping: (publisher codec, subscriber pt, subscriber RED pt if it
    /// negotiated RED for that codec).
    pub(crate) pt_cache: Option<(Codec, Pt, Option<Pt>)>,
    /// The slot's send stream has our resend settings (see `forward.rs`).
    pub(crate) resends_set: bool,
}

impl Slot {
    pub(crate) fn new(mid: Mid, kind: TrackKind) -> Self {
        let clock = if kind == TrackKind::Audio {
            48_000
        } else {
            90_000
        };
        Slot {
            mid,
            kind,
            user: None,
            quality: 0,
            current: None,
            target: None,
            waiting_since: None,
            down_votes: 0,
            up_votes: 0,
            limited_since: None,
            rewriter: Rewriter::new(clock),
            picture_ids: PictureIdRewriter::default(),
            temporal: TemporalFilter::default(),
            pt_cache: None,
            resends_set: false,
        }
    }

    /// Point the slot at `user` (or nothing); the next packet starts a new mapping.
    pub(crate) fn assign(&mut self, user: Option<u32>) {
        self.user = user;
        self.current = None;
        self.target = if user.is_some() && self.kind != TrackKind::Audio {
            Some(0)
        } else {
            None
        };
        self.waiting_since = None;
        self.down_votes = 0;
        self.up_votes = 0;
        self.limited_since = None;
        self.temporal = TemporalFilter::default();
        self.rewriter.reset_source();
    }
}

/// One user's WebRTC connection.
pub(crate) struct Peer {
    pub(crate) id: PeerId,
    pub(crate) room: RoomId,
    pub(crate) user: u32,
    pub(crate) rtc: Rtc,
    /// When the `Rtc` next wants `Input::Timeout` (also keyed in `Sfu::timers`).
    pub(crate) timeout: Instant,
    /// Our ICE ufrag for this peer (keyed in `Sfu::ufrags`): how a STUN check finds its peer.
    pub(crate) ufrag: String,
    /// Remote addresses learnt for this peer (keyed in `Sfu::addr_cache`), oldest first, at
    /// most [`MAX_ADDRS_PER_PEER`](crate::config::MAX_ADDRS_PER_PEER).
    pub(crate) addrs: VecDeque<(Protocol, SocketAddr)>,
    /// Per kind ([`TrackKind::index`]): may this peer's track be forwarded (audio: not host
    /// muted; video: the user's camera is on; share: the share is allowed). All `false` until
    /// the signalling layer says otherwise: permissions fail closed.
    allowed: [bool; 3],
    /// Attachments waiting for a free video slot: (publisher user, quality).
    pub(crate) pending_attach: Vec<(u32, u8)>,
    pub(crate) share_mids: HashSet<Mid>,
    pub(crate) published: HashMap<Mid, Published>,
    /// Receive slots in SDP order.
    pub(crate) slots: Vec<Slot>,
    /// Incoming SSRC → (mid, rid), filled from str0m's receive streams.
    pub(crate) rx_lookup: HashMap<Ssrc, (Mid, Option<Rid>)>,
    /// Keyframes asked of this publisher, by (kind, layer), before that stream existed: asked
    /// again when its first packet arrives.
    pub(crate) keyframe_owed: HashSet<(TrackKind, usize)>,
    /// The client restarted ICE (its network changed): once connected again, its videos
    /// need keyframes, the frames sent while the path was down being lost.
    pub(crate) ice_restarted: bool,
    /// Latest egress bandwidth estimate, bits/s, as str0m's events give it (averaged over
    /// a few seconds), and as its statistics read it (the estimator's own, each interval).
    pub(crate) bwe: Option<u64>,
    pub(crate) bwe_raw: Option<u64>,
    /// Last (minimum, desired) bitrate given to str0m's bandwidth estimator.
    pub(crate) bwe_target: Option<(u64, u64)>,
    /// Speakers it receives when not the SFU's default (`Command::SetAudioSlots`).
    pub(crate) audio_slots: Option<usize>,
    /// The one user whose audio and share it receives, for a relay peer
    /// (`Command::SetRelaySource`).
    pub(crate) relay_of: Option<u32>,
    /// Bits/s of the audio and of the video layers forwarded to this peer now (updated
    /// every tick, from the publishers' measured rates).
    pub(crate) audio_bps: u64,
    pub(crate) video_bps: u64,
    /// When the estimator was last started over (to probe towards a held-back layer, or
    /// from the media's rate on a downlink whose loss is its own).
    pub(crate) bwe_reset_at: Option<Instant>,
    /// Last reported (uplink, downlink) quality.
    pub(crate) quality: Option<(u8, u8)>,
    /// When the downlink last showed loss or a long round trip (quality below 5).
    pub(crate) stressed_at: Option<Instant>,
    /// Whether its downlink's loss is its own or congestion.
    pub(crate) downlink: Downlink,
    /// str0m's last per-stream figures, to count their increase in [`crate::SfuStats`].
    pub(crate) reported: ReportedTotals,
}

impl Peer {
    pub(crate) fn new(id: PeerId, room: RoomId, user: u32, mut rtc: Rtc, now: Instant) -> Self {
        Peer {
            id,
            room,
            user,
            ufrag: rtc.direct_api().local_ice_credentials().ufrag,
            rtc,
            timeout: now,
            addrs: VecDeque::new(),
            allowed: [false; 3],
            pending_attach: Vec::new(),
            share_mids: HashSet::new(),
            published: HashMap::new(),
            slots: Vec::new(),
            rx_lookup: HashMap::new(),
            keyframe_owed: HashSet::new(),
            ice_restarted: false,
            bwe: None,
            bwe_raw: None,
            bwe_target: None,
            audio_slots: None,
            relay_of: None,
            audio_bps: 0,
            video_bps: 0,
            bwe_reset_at: None,
            quality: None,
            stressed_at: None,
            downlink: Downlink::default(),
            reported: ReportedTotals::default(),
        }
    }

    /// The bandwidth estimate layer choices trust: the lower of the averaged and the
    /// current one, so a falling estimate counts at once and a rising one once it holds.
    pub(crate) fn estimate(&self) -> Option<u64> {
        match (self.bwe, self.bwe_raw) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The published track of `kind`, if any.
    pub(crate) fn track(&self, kind: TrackKind) -> Option<(Mid, &Published)> {
        self.published
            .iter()
            .find(|(_, p)| p.kind == kind)
            .map(|(m, p)| (*m, p))
    }

    /// Whether this peer's `kind` track may be forwarded.
    pub(crate) fn allowed(&self, kind: TrackKind) -> bool {
        self.allowed[kind.index()]
    }

    /// Allow or forbid forwarding this peer's `kind` track.
    pub(crate) fn set_allowed(&mut self, kind: TrackKind, allowed: bool) {
        self.allowed[kind.index()] = allowed;
    }

    pub(crate) fn attached_videos(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| s.kind == TrackKind::Video && s.user.is_some())
            .count()
    }
}
