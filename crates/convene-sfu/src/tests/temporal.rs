//! Temporal layers through the core: a publisher sends VP8 in the L1T3 pattern browsers use
//! (written as RTP, with the descriptor's TID and layer sync bits); a subscriber's slot is
//! held to TL0-1, then freed again.

use std::time::Duration;

use str0m::format::CodecExtra;
use str0m::media::MediaData;

use super::World;
use crate::{Command, PeerId, SfuConfig, TrackKind};

/// TID and layer sync of frame `n % 4`, from a keyframe: TL0, TL2 (sync), TL1 (sync), TL2.
const PATTERN: [(u8, bool); 4] = [(0, false), (2, true), (1, true), (2, false)];

/// VP8 frame `n` as two RTP packets from sequence number `*seq` on: 15-bit PictureID `n`,
/// TL0PICIDX, TID and Y; a keyframe every 20 frames (always TL0).
fn frame(n: u64, seq: &mut u64) -> Vec<(u64, u32, bool, Vec<u8>)> {
    let (tid, sync) = PATTERN[(n % 4) as usize];
    let pic = (n & 0x7fff) as u16;
    let key = n % 20 == 0;
    (0..2)
        .map(|part| {
            let mut p = vec![
                0x80 | if part == 0 { 0x10 } else { 0 },
                0xe0,
                0x80 | (pic >> 8) as u8,
                pic as u8,
                (n / 4) as u8,
                (tid << 6) | (u8::from(sync) << 5),
            ];
            // The VP8 payload header: P = 0 and the start code for a keyframe.
            match (part, key) {
                (0, true) => p.extend_from_slice(&[
                    0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01,
                ]),
                _ => p.push(0x51),
            }
            p.extend_from_slice(&[n as u8; 200]);
            let s = *seq;
            *seq += 1;
            (s, (n * 4500) as u32, part == 1, p)
        })
        .collect()
}

fn vp8(d: &MediaData) -> (u8, bool, u64) {
    match d.codec_extra {
        CodecExtra::Vp8(v) => (v.layer_index, v.sync, v.picture_id.expect("picture id")),
        _ => panic!("not VP8"),
    }
}

/// The frames in `got` follow one another without a gap: sequence numbers and picture ids.
fn assert_continuous(got: &[MediaData]) {
    for pair in got.windows(2) {
        assert!(pair[1].contiguous, "a gap before {:?}", pair[1].seq_range);
        assert_eq!(
            **pair[1].seq_range.start(),
            **pair[0].seq_range.end() + 1,
            "sequence numbers jump"
        );
        assert_eq!(vp8(&pair[1]).2, vp8(&pair[0]).2 + 1, "picture ids jump");
    }
}

/// A publisher (user 1) sending L1T3 frames every 50 ms and a subscriber (user 2) attached
/// to its camera, without a bandwidth estimator unless made `with_config`: a test sets the
/// layers, or the estimate, by hand (the choice itself is `fit_layer`'s).
struct Call {
    w: World,
    publisher: usize,
    sub: usize,
    /// The subscriber's video slot.
    mid: String,
    /// The next frame, and its first sequence number.
    n: u64,
    seq: u64,
}

impl Call {
    /// Connected, and 5 s of frames sent (the slot's first keyframe included).
    fn new() -> Self {
        Self::with_config(SfuConfig {
            bwe_initial: None,
            ..SfuConfig::default()
        })
    }

    fn with_config(config: SfuConfig) -> Self {
        let mut w = World::with_config(config);
        let publisher = w.join_video(1, true);
        let sub = w.join_video(2, false);
        let mid = w.clients[sub].recv_mid.unwrap().to_string();
        w.command(Command::AttachVideo {
            subscriber: PeerId(2),
            publisher_user: 1,
            quality: 2,
        });
        let mut call = Call {
            w,
            publisher,
            sub,
            mid,
            n: 0,
            seq: 1000,
        };
        call.run(Duration::from_secs(5));
        call
    }

    /// `d` of virtual time, a frame every 50 ms (one the SFU cannot take yet is sent again).
    fn run(&mut self, d: Duration) {
        let Call {
            w,
            publisher,
            n,
            seq,
            ..
        } = self;
        w.run_each(d, Duration::from_millis(50), &mut |w: &mut World| {
            let packets = frame(*n, seq);
            if w.write_rtp(*publisher, &packets) {
                *n += 1;
            } else {
                *seq -= 2;
            }
        });
    }

    fn received(&self) -> &[MediaData] {
        &self.w.clients[self.sub].received
    }

    /// The publisher's measured rates of its only layer, up to each temporal layer.
    fn rates(&mut self) -> [u64; 3] {
        self.w
            .sfu
            .peer_mut(PeerId(1))
            .and_then(|p| p.track(TrackKind::Video).map(|(_, t)| t.rates()))
            .and_then(|r| r[0])
            .expect("the publisher's measured rates")
    }

    fn slot(&mut self) -> &mut crate::peer::Slot {
        self.w
            .sfu
            .slot_mut(PeerId(2), &self.mid)
            .expect("the video slot")
    }
}

#[test]
fn a_slot_held_to_tl1_gets_half_the_frames_without_gaps_and_tl2_returns_at_a_sync_frame() {
    let mut call = Call::new();
    let all = call.received();
    assert!(all.len() > 30, "received {} frames", all.len());
    assert!(
        (0..=2).all(|t| all.iter().any(|d| vp8(d).0 == t)),
        "every layer passes"
    );
    assert_continuous(all);

    let from = call.received().len();
    for _ in 0..4 {
        let now = call.w.now;
        let slot = call.slot();
        slot.temporal.target = 1;
        // Just moved down for bandwidth: the layer choice does not move it back up yet.
        slot.limited_since = Some(now);
        call.run(Duration::from_millis(500));
    }
    let held = &call.received()[from..];
    // 20 fps in, 10 fps out: TL0 and TL1 only.
    assert!(
        (15..=25).contains(&held.len()),
        "{} frames in 2 s",
        held.len()
    );
    assert!(
        held.iter().all(|d| vp8(d).0 <= 1),
        "a TL2 frame got through"
    );
    assert_continuous(&call.received()[from - 1..]);

    let slot = call.slot();
    slot.temporal.target = 2;
    slot.limited_since = None;
    let from = call.received().len();
    call.run(Duration::from_secs(1));
    let freed = &call.received()[from..];
    let first_tl2 = freed.iter().find(|d| vp8(d).0 == 2).expect("TL2 is back");
    assert!(
        vp8(first_tl2).1,
        "TL2 came back at a frame that is not a layer sync"
    );
    assert!(freed.len() >= 16, "{} frames in 1 s", freed.len());
    assert_continuous(&call.received()[from - 1..]);
}

#[test]
fn a_slot_thinned_for_bandwidth_goes_back_up_only_when_the_estimate_carries_it_for_a_while() {
    // The layer choice reads the estimate every 500 ms.
    let mut call = Call::new();
    let tick = Duration::from_millis(500);
    let rates = call.rates();
    assert!(rates[1] < rates[2], "rates per temporal layer: {rates:?}");
    // The estimate (and the video forwarded, which it is compared with), set by hand.
    let estimate = |call: &mut Call, bps: u64, forwarded: u64| {
        let p = call.w.sfu.peer_mut(PeerId(2)).expect("the subscriber");
        (p.bwe, p.bwe_raw, p.video_bps) = (Some(bps), Some(bps), forwarded);
    };
    // Between TL0-1's rate and the full rate, below the video forwarded: stress.
    let low = (rates[1] + rates[2]) / 2;
    estimate(&mut call, low, rates[2]);
    call.run(tick * 3);
    assert_eq!(call.slot().temporal.target, 1, "thinned to TL0-1");
    // The estimate sinks further while nothing queues (it is above the media forwarded now):
    // no further move down.
    estimate(&mut call, rates[0] / 2, 0);
    call.run(tick * 3);
    assert_eq!(call.slot().temporal.target, 1, "moved down without stress");
    // Past the hold, the estimate carries the full rate for one evaluation only: no move.
    estimate(&mut call, rates[2] * 2, rates[2]);
    call.run(tick);
    estimate(&mut call, low, rates[2]);
    call.run(tick * 2);
    assert_eq!(
        call.slot().temporal.target,
        1,
        "moved up on a wobble of the estimate"
    );
    // Carried for UPGRADE_VOTES evaluations in a row: back to the full rate.
    estimate(&mut call, rates[2] * 2, rates[2]);
    call.run(tick * u32::from(crate::config::UPGRADE_VOTES) + Duration::from_millis(50));
    assert_eq!(call.slot().temporal.target, 2, "the full rate is back");
}

#[test]
fn a_late_repair_of_a_left_out_frame_fills_its_number_and_leaves_no_gap() {
    let mut call = Call::new();
    let now = call.w.now;
    let slot = call.slot();
    slot.temporal.target = 1;
    slot.limited_since = Some(now);
    call.run(Duration::from_millis(500));
    while PATTERN[(call.n % 4) as usize].0 != 2 {
        call.run(Duration::from_millis(50));
    }
    let from = call.received().len();
    // A TL2 frame (left out for this slot) loses its first packet upstream: the second is
    // left out and the packets after it are numbered around it; the first comes as a repair
    // after the next frame has gone out, too late to be numbered around.
    let mut left_out = frame(call.n, &mut call.seq);
    let lost = left_out.remove(0);
    let next = frame(call.n + 1, &mut call.seq);
    call.n += 2;
    assert!(call.w.write_rtp(call.publisher, &left_out));
    assert!(call.w.write_rtp(call.publisher, &next));
    assert!(call.w.write_rtp(call.publisher, &[lost]));
    call.run(Duration::from_secs(3));
    let after = &call.received()[from - 1..];
    assert!(after.len() > 10, "{} frames after", after.len());
    // The repair's number went out empty (padding to the receiver): no hole to ask about
    // (none asked, none reported lost), and the frames follow one another.
    let stats = call.w.sfu.stats().snapshot();
    assert_eq!(stats.nacks_received, 0, "the subscriber asked for a hole");
    assert_eq!(
        stats.subscriber_packets_lost, 0,
        "the subscriber reports a loss"
    );
    for pair in after.windows(2) {
        assert!(pair[1].contiguous, "a gap before {:?}", pair[1].seq_range);
        assert_eq!(vp8(&pair[1]).2, vp8(&pair[0]).2 + 1, "picture ids jump");
    }
}

#[test]
fn loss_the_downlink_has_of_its_own_thins_nothing_and_behind_a_queue_it_counts() {
    let mut call = Call::new();
    let tick = Duration::from_millis(500);
    let rates = call.rates();
    // Steady 10 % loss reported with round trip `rtt`, and the estimate str0m's loss-based
    // part lowers for it: between TL0-1's rate and the full rate, under the video forwarded.
    let low = (rates[1] + rates[2]) / 2;
    let lossy = |call: &mut Call, rtt: Duration| {
        let now = call.w.now;
        let p = call.w.sfu.peer_mut(PeerId(2)).expect("the subscriber");
        p.downlink.sample(Some(0.1), Some(rtt), now);
        p.quality = Some((5, 2));
        (p.bwe, p.bwe_raw, p.video_bps) = (Some(low), Some(low), rates[2]);
    };
    for _ in 0..6 {
        lossy(&mut call, Duration::from_millis(10));
        call.run(tick);
    }
    assert_eq!(
        call.slot().temporal.target,
        2,
        "thinned for loss that repairs cover and sending less does not cure"
    );
    // The same loss with the round trip far over its floor: a queue, so congestion.
    for _ in 0..3 {
        lossy(&mut call, Duration::from_millis(400));
        call.run(tick);
    }
    assert_eq!(call.slot().temporal.target, 1, "thinned under congestion");
}

#[test]
fn a_queue_on_the_downlink_thins_the_slot_at_the_report_that_shows_it_and_only_once() {
    let mut call = Call::new();
    let tick = Duration::from_millis(500);
    let rates = call.rates();
    assert!(rates[1] * 100 < rates[2] * 85, "rates: {rates:?}");
    // A receiver report with round trip `rtt_ms` and no loss, while str0m's estimate (which
    // lags behind a queue) still carries twice the media forwarded.
    let report = |call: &mut Call, rtt_ms: u64| {
        let now = call.w.now;
        let p = call.w.sfu.peer_mut(PeerId(2)).expect("the subscriber");
        (p.bwe, p.bwe_raw, p.video_bps) = (Some(rates[2] * 2), Some(rates[2] * 2), rates[2]);
        p.quality = Some((5, 5));
        let rtt = Some(Duration::from_millis(rtt_ms));
        call.w.sfu.sample_downlink(PeerId(2), Some(0.0), rtt, now);
    };
    for _ in 0..3 {
        report(&mut call, 10);
        call.run(tick);
    }
    report(&mut call, 60);
    assert_eq!(
        call.slot().temporal.target,
        2,
        "50 ms over the floor is no queue"
    );
    report(&mut call, 150);
    assert_eq!(
        call.slot().temporal.target,
        1,
        "not thinned at the report that shows the queue"
    );
    // The queue takes a while to drain: reports still show it, and the slot stays where it is.
    for _ in 0..4 {
        report(&mut call, 300);
        call.run(tick);
    }
    assert_eq!(call.slot().temporal.target, 1, "went further down");
}

#[test]
fn a_packet_lost_for_good_on_the_way_in_asks_the_publisher_for_a_keyframe_unless_nothing_refers_to_its_frame(
) {
    let mut call = Call::new();
    let plis = |call: &Call| call.w.sfu.stats().snapshot().plis_sent;
    // The first packet of the next frame `n` with `n % 20 == at` never sent: the publisher
    // cannot repair it. The next keyframe (every 20 frames) is most of a second away.
    let lose_first_packet_of_next = |call: &mut Call, at: u64| {
        while call.n % 20 != at {
            call.run(Duration::from_millis(50));
        }
        let mut packets = frame(call.n, &mut call.seq);
        packets.remove(0);
        call.n += 1;
        assert!(call.w.write_rtp(call.publisher, &packets));
    };
    call.run(Duration::from_secs(1));
    let before = plis(&call);
    assert_eq!(PATTERN[1].0, 2);
    lose_first_packet_of_next(&mut call, 1);
    call.run(crate::holes::LOST_AFTER + Duration::from_millis(100));
    assert_eq!(
        plis(&call),
        before,
        "a keyframe for a frame nothing refers to"
    );
    let lost = |call: &Call| call.w.sfu.stats().snapshot().upstream_packets_lost;
    assert_eq!(lost(&call), 1, "the lost packet is not counted");
    assert_eq!(PATTERN[4 % 4].0, 0);
    lose_first_packet_of_next(&mut call, 4);
    call.run(crate::holes::LOST_AFTER + Duration::from_millis(100));
    assert_eq!(
        plis(&call),
        before + 1,
        "no keyframe asked for a base-layer frame lost for good"
    );
    assert_eq!(lost(&call), 2);
}

#[test]
fn on_a_downlink_losing_packets_of_its_own_the_estimator_starts_over_from_the_media_rate() {
    // str0m's statistics never come: the test gives the downlink's reports and the estimate.
    let mut call = Call::with_config(SfuConfig {
        stats_interval: Duration::from_secs(3600),
        ..SfuConfig::default()
    });
    let tick = Duration::from_millis(500);
    let reset_at = |call: &mut Call| call.w.sfu.peer_mut(PeerId(2)).and_then(|p| p.bwe_reset_at);
    // Steady 10 % loss reported with round trip `rtt`, and str0m's estimate just under the
    // media forwarded (its loss-based part sinking).
    let lossy = |call: &mut Call, rtt: Duration| {
        let now = call.w.now;
        let p = call.w.sfu.peer_mut(PeerId(2)).expect("the subscriber");
        p.downlink.sample(Some(0.1), Some(rtt), now);
        let media = p.audio_bps + p.video_bps;
        assert!(media > 0, "video forwarded");
        p.bwe_raw = Some(media * 9 / 10);
    };
    assert_eq!(
        reset_at(&mut call),
        None,
        "a clean downlink keeps its estimator"
    );
    // The same loss behind a queue: congestion, and the estimate stands.
    for _ in 0..4 {
        lossy(&mut call, Duration::from_millis(10));
        lossy(&mut call, Duration::from_millis(400));
        call.run(tick);
    }
    assert_eq!(reset_at(&mut call), None, "started over under congestion");
    // Past the queue's memory, with a short round trip: the link's own loss.
    call.run(crate::downlink::QUEUE_MEMORY);
    let from = call.w.now;
    for _ in 0..4 {
        lossy(&mut call, Duration::from_millis(10));
        call.run(tick);
    }
    assert!(
        reset_at(&mut call).is_some_and(|t| t >= from),
        "the estimator did not start over"
    );
}
