//! Start an SFU, join clients, watch events. Waits are bounded, never timed assertions.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use convene_media::{MediaPeer, MediaPeerConfig, Offer, OfferPlan, PeerSnapshot, SynthKind};
use convene_sfu::{
    Command, Control, Event, PeerId, RoomId, SfuConfig, SfuStats, SfuStatsSnapshot, TrackKind,
};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, watch, Notify};

/// Upper bound for every wait.
pub(crate) const WAIT: Duration = Duration::from_secs(15);

pub(crate) struct TestSfu {
    pub(crate) addr: SocketAddr,
    /// The ICE-TCP listener's address, if started with [`TestSfu::start_with_tcp`].
    pub(crate) tcp_addr: Option<SocketAddr>,
    cmds: mpsc::Sender<Command>,
    /// The SFU's control path ([`SfuConfig::control`]).
    pub(crate) control: Control,
    log: Arc<(Mutex<Vec<Event>>, Notify)>,
    /// `true`: the event reader stops reading (an event consumer that is stuck).
    pub(crate) events_paused: watch::Sender<bool>,
    /// The SFU's live counters (the `Arc` of its [`SfuConfig::stats`]).
    stats: Arc<SfuStats>,
}

impl TestSfu {
    pub(crate) async fn start() -> TestSfu {
        Self::start_with(SfuConfig::default(), false, 256).await
    }

    /// Like [`TestSfu::start`], with an ICE-TCP listener on the UDP socket's port number
    /// (`run_with_tcp`).
    pub(crate) async fn start_with_tcp() -> TestSfu {
        Self::start_with(SfuConfig::default(), true, 256).await
    }

    /// An SFU with `config`, ICE-TCP if `with_tcp`, and an event channel of `events` slots.
    pub(crate) async fn start_with(config: SfuConfig, with_tcp: bool, events: usize) -> TestSfu {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = socket.local_addr().unwrap();
        let (cmds, cmd_rx) = mpsc::channel(64);
        let (ev_tx, mut ev_rx) = mpsc::channel(events);
        let tcp = if with_tcp {
            // Same port number as UDP, as deployed; another process may hold that TCP port.
            let l = match tokio::net::TcpListener::bind(addr).await {
                Ok(l) => l,
                Err(_) => tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
            };
            Some(l)
        } else {
            None
        };
        let tcp_addr = tcp.as_ref().map(|l| l.local_addr().unwrap());
        let stats = config.stats.clone();
        let control = config.control.clone();
        tokio::spawn(convene_sfu::run_with_tcp(
            socket, tcp, config, cmd_rx, ev_tx,
        ));
        let log: Arc<(Mutex<Vec<Event>>, Notify)> = Arc::default();
        let l = log.clone();
        let (events_paused, mut paused) = watch::channel(false);
        tokio::spawn(async move {
            loop {
                if paused.wait_for(|p| !*p).await.is_err() {
                    return;
                }
                let Some(e) = ev_rx.recv().await else { return };
                l.0.lock().unwrap().push(e);
                l.1.notify_waiters();
            }
        });
        TestSfu {
            addr,
            tcp_addr,
            cmds,
            control,
            log,
            events_paused,
            stats,
        }
    }

    pub(crate) async fn send(&self, c: Command) {
        self.cmds.send(c).await.unwrap();
    }

    /// `subscriber` attaches `publisher`'s camera at `quality`; returns the slot's mid once
    /// the SFU assigned it.
    pub(crate) async fn attach(&self, subscriber: PeerId, publisher: u32, quality: u8) -> String {
        self.send(Command::AttachVideo {
            subscriber,
            publisher_user: publisher,
            quality,
        })
        .await;
        self.wait_slot(subscriber, publisher, TrackKind::Video)
            .await
    }

    pub(crate) fn log_len(&self) -> usize {
        self.log.0.lock().unwrap().len()
    }

    /// The events logged at index `from` and after.
    pub(crate) fn events_since(&self, from: usize) -> Vec<Event> {
        let log = self.log.0.lock().unwrap();
        log[from.min(log.len())..].to_vec()
    }

    /// Wait until `f` matches an event at index >= `from`.
    pub(crate) async fn wait_event<T>(
        &self,
        from: usize,
        mut f: impl FnMut(&Event) -> Option<T>,
    ) -> T {
        let end = tokio::time::Instant::now() + WAIT;
        loop {
            let notified = self.log.1.notified();
            {
                let log = self.log.0.lock().unwrap();
                if let Some(t) = log.iter().skip(from).find_map(&mut f) {
                    return t;
                }
            }
            if tokio::time::timeout_at(end, notified).await.is_err() {
                let log = self.log.0.lock().unwrap();
                panic!(
                    "event not seen within {WAIT:?}; log: {:#?}",
                    &log[from.min(log.len())..]
                );
            }
        }
    }

    /// Current slot map of `peer`: mid → (user, kind), from the SlotAssigned events so far.
    pub(crate) fn slots(&self, peer: PeerId) -> HashMap<String, (Option<u32>, TrackKind)> {
        let mut map = HashMap::new();
        for e in self.log.0.lock().unwrap().iter() {
            if let Event::SlotAssigned {
                peer: p,
                mid,
                user,
                kind,
            } = e
            {
                if *p == peer {
                    map.insert(mid.clone(), (*user, *kind));
                }
            }
        }
        map
    }

    /// Wait until `peer` has a slot of `kind` carrying `user`; returns its mid.
    pub(crate) async fn wait_slot(&self, peer: PeerId, user: u32, kind: TrackKind) -> String {
        self.wait_until(|| {
            self.slots(peer)
                .into_iter()
                .find(|(_, (u, k))| *u == Some(user) && *k == kind)
                .map(|(m, _)| m)
        })
        .await
    }

    /// Wait until `peer` has no slot carrying `user`'s `kind`.
    pub(crate) async fn wait_no_slot(&self, peer: PeerId, user: u32, kind: TrackKind) {
        self.wait_until(|| {
            let busy = self
                .slots(peer)
                .values()
                .any(|(u, k)| *u == Some(user) && *k == kind);
            (!busy).then_some(())
        })
        .await
    }

    /// Re-check `cond` after every event until it holds.
    pub(crate) async fn wait_until<T>(&self, mut cond: impl FnMut() -> Option<T>) -> T {
        let end = tokio::time::Instant::now() + WAIT;
        loop {
            let notified = self.log.1.notified();
            if let Some(t) = cond() {
                return t;
            }
            if tokio::time::timeout_at(end, notified).await.is_err() {
                let log = self.log.0.lock().unwrap();
                panic!("condition not met within {WAIT:?}; log: {log:#?}");
            }
        }
    }

    /// Add a peer, negotiate, and wait until its connection is up.
    pub(crate) async fn join(
        &self,
        id: u64,
        user: u32,
        plan: OfferPlan,
        config: MediaPeerConfig,
    ) -> Client {
        self.join_via(id, user, plan, config, None).await
    }

    /// [`TestSfu::join`] of `user` as peer `user`, with the default media config.
    pub(crate) async fn join_user(&self, user: u32, plan: OfferPlan) -> Client {
        self.join_user_via(user, plan, None).await
    }

    /// [`TestSfu::join_user`] with all the peer's traffic relayed by `proxy`.
    pub(crate) async fn join_user_via(
        &self,
        user: u32,
        plan: OfferPlan,
        proxy: Option<SocketAddr>,
    ) -> Client {
        let config = MediaPeerConfig::new(user);
        self.join_via(u64::from(user), user, plan, config, proxy)
            .await
    }

    /// Wait until `sub` got 20 video frames (all from `publisher`, on the slot the SFU
    /// announced) and 30 audio frames of `publisher`.
    pub(crate) async fn wait_receives(&self, sub: &Client, publisher: &Client) {
        let vmid = self
            .wait_slot(sub.peer, publisher.user, TrackKind::Video)
            .await;
        self.wait_slot(sub.peer, publisher.user, TrackKind::Audio)
            .await;
        let u = publisher.user;
        sub.media
            .wait_for(WAIT, |s| {
                let v = s.track(&vmid);
                v.frames >= 20
                    && v.records.iter().all(|r| r.tag.is_some_and(|t| t.user == u))
                    && frames_from(s, u, SynthKind::Audio) >= 30
            })
            .await
            .unwrap_or_else(|_| panic!("user {} receives user {u}", sub.user));
    }

    /// Like [`TestSfu::join`], with all the peer's traffic relayed by `proxy`.
    pub(crate) async fn join_via(
        &self,
        id: u64,
        user: u32,
        plan: OfferPlan,
        config: MediaPeerConfig,
        proxy: Option<SocketAddr>,
    ) -> Client {
        let peer = PeerId(id);
        // As the server does: the peer, then what the session allows it (it starts closed).
        self.control.add_peer(peer, RoomId("room".into()), user);
        for kind in [TrackKind::Audio, TrackKind::Video, TrackKind::Share] {
            self.control.set_allowed(peer, kind, true);
        }
        let media = MediaPeer::start(config).await.unwrap();
        let mut client = Client {
            peer,
            user,
            media,
            offer: Offer::default(),
            proxy,
        };
        client.renegotiate(self, plan).await;
        client
            .media
            .wait_for(WAIT, |s| s.connected)
            .await
            .expect("peer connects");
        client
    }

    /// The SFU's counters now.
    pub(crate) fn stats(&self) -> SfuStatsSnapshot {
        self.stats.snapshot()
    }

    /// The subscribers' bandwidth estimates sampled since the last call.
    pub(crate) fn bandwidth_samples(&self) -> Vec<u64> {
        self.stats.take_bandwidth_samples()
    }

    /// Poll the counters (every 20 ms) until `cond` holds; panics after [`WAIT`].
    pub(crate) async fn wait_stats(
        &self,
        what: &str,
        mut cond: impl FnMut(&SfuStatsSnapshot) -> bool,
    ) -> SfuStatsSnapshot {
        let end = tokio::time::Instant::now() + WAIT;
        loop {
            let s = self.stats();
            if cond(&s) {
                return s;
            }
            assert!(
                tokio::time::Instant::now() < end,
                "counters: {what} not seen within {WAIT:?}: {s:#?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

pub(crate) struct Client {
    pub(crate) peer: PeerId,
    pub(crate) user: u32,
    pub(crate) media: MediaPeer,
    pub(crate) offer: Offer,
    /// Relay between this client and the SFU, if any.
    pub(crate) proxy: Option<SocketAddr>,
}

impl Client {
    /// Offer `plan`, pass the SFU's answer back.
    pub(crate) async fn renegotiate(&mut self, sfu: &TestSfu, plan: OfferPlan) {
        let offer = self.media.create_offer(plan).await.unwrap();
        let from = sfu.log_len();
        let sdp = match self.proxy {
            // Hide the client's own address: the SFU must only learn the relay's.
            Some(_) => offer
                .sdp
                .split("\r\n")
                .filter(|l| !l.starts_with("a=candidate"))
                .collect::<Vec<_>>()
                .join("\r\n"),
            None => offer.sdp.clone(),
        };
        sfu.send(Command::Offer {
            peer: self.peer,
            sdp,
            share_mids: offer.share_mids.clone(),
        })
        .await;
        let peer = self.peer;
        let answer = sfu
            .wait_event(from, |e| match e {
                Event::Answer { peer: p, sdp } if *p == peer => Some(sdp.clone()),
                _ => None,
            })
            .await;
        let answer = match self.proxy {
            Some(p) => answer.replace(
                &format!(" {} {} typ", sfu.addr.ip(), sfu.addr.port()),
                &format!(" {} {} typ", p.ip(), p.port()),
            ),
            None => answer,
        };
        self.media.apply_answer(answer).await.unwrap();
        self.offer = offer;
    }

    pub(crate) async fn snapshot(&self) -> PeerSnapshot {
        self.media.snapshot().await.unwrap()
    }

    /// Wait until this client has sent `more` further frames of `kind` (the publisher's
    /// frame counter is the test clock).
    pub(crate) async fn wait_sent(&self, kind: SynthKind, more: u64) {
        let base = self
            .snapshot()
            .await
            .frames_sent
            .get(&kind)
            .copied()
            .unwrap_or(0);
        self.media
            .wait_for(WAIT, |s| {
                s.frames_sent.get(&kind).copied().unwrap_or(0) >= base + more
            })
            .await
            .expect("publisher keeps sending");
    }
}

/// Frames from `user` of `kind` in a snapshot, over all slots.
pub(crate) fn frames_from(snap: &PeerSnapshot, user: u32, kind: SynthKind) -> usize {
    snap.received
        .values()
        .flat_map(|t| t.records.iter())
        .filter(|r| r.tag.is_some_and(|t| t.user == user && t.kind == kind))
        .count()
}

/// Assert every tagged frame `receiver` got from `sender` is bit-identical to what was sent.
/// Returns how many frames were compared.
pub(crate) fn assert_bit_exact(
    receiver: &PeerSnapshot,
    sender_user: u32,
    sender: &PeerSnapshot,
) -> usize {
    let mut n = 0;
    for (mid, track) in &receiver.received {
        for r in &track.records {
            let Some(tag) = r.tag else { continue };
            if tag.user != sender_user {
                continue;
            }
            let sent = sender.sent.get(&(tag.kind, tag.layer, tag.counter));
            assert_eq!(
                sent,
                Some(&r.checksum),
                "frame {tag:?} on {mid}: checksum differs from what was sent"
            );
            n += 1;
        }
    }
    n
}

pub(crate) fn plan(audio: bool, video: bool, audio_slots: usize, video_slots: usize) -> OfferPlan {
    OfferPlan {
        audio,
        video,
        audio_slots,
        video_slots,
        ..OfferPlan::default()
    }
}

/// A publisher of synthetic video in 3 simulcast layers, and nothing else.
pub(crate) fn simulcast_video() -> OfferPlan {
    OfferPlan {
        simulcast: true,
        ..plan(false, true, 0, 0)
    }
}

/// A UDP relay between one client and the SFU that drops a pseudo-random `loss_percent` of
/// the large RTP packets (media and retransmissions, not STUN/DTLS/RTCP) in both directions.
/// The sequence is seeded, so a run is repeatable. Returns its client-facing address and the
/// number of packets dropped so far.
pub(crate) async fn lossy_proxy(
    sfu: SocketAddr,
    loss_percent: u64,
) -> (SocketAddr, Arc<AtomicU64>) {
    let rng = Arc::new(AtomicU64::new(0x9E37_79B9_7F4A_7C15));
    relay(sfu, move |data: &[u8], _now, _down| {
        if !is_media(data) {
            return false;
        }
        // xorshift64: cheap, seeded, good enough to spread the losses.
        let mut x = rng.load(Ordering::Relaxed);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        rng.store(x, Ordering::Relaxed);
        x % 100 < loss_percent
    })
    .await
}

/// A UDP relay that caps media towards the client at `bits_per_sec` (a token bucket with
/// 100 ms of burst); what does not fit is dropped, as a congested link would.
pub(crate) async fn capped_proxy(
    sfu: SocketAddr,
    bits_per_sec: u64,
) -> (SocketAddr, Arc<AtomicU64>) {
    let (addr, dropped, _cap) = adjustable_capped_proxy(sfu, bits_per_sec).await;
    (addr, dropped)
}

/// [`capped_proxy`] whose cap can be changed while it runs: the third value holds it in
/// bits/s, 0 for no cap.
pub(crate) async fn adjustable_capped_proxy(
    sfu: SocketAddr,
    bits_per_sec: u64,
) -> (SocketAddr, Arc<AtomicU64>, Arc<AtomicU64>) {
    let cap = Arc::new(AtomicU64::new(bits_per_sec));
    let c = cap.clone();
    let bucket = Arc::new(Mutex::new((bits_per_sec / 10, std::time::Instant::now())));
    let (addr, dropped) = relay(sfu, move |data: &[u8], now: std::time::Instant, _down| {
        let bits_per_sec = c.load(Ordering::Relaxed);
        if !is_media(data) || bits_per_sec == 0 {
            return false;
        }
        let mut b = bucket.lock().unwrap();
        let refill = now.duration_since(b.1).as_secs_f64() * bits_per_sec as f64;
        b.0 = (b.0 + refill as u64).min(bits_per_sec / 10);
        b.1 = now;
        let bits = data.len() as u64 * 8;
        if b.0 >= bits {
            b.0 -= bits;
            false
        } else {
            true
        }
    })
    .await;
    (addr, dropped, cap)
}

/// RTP of media size.
fn is_media(data: &[u8]) -> bool {
    data.len() > 300 && is_rtp(data)
}

/// RTP: version 2, payload type outside the RTCP range 200..=206 (→ 72..=78).
fn is_rtp(data: &[u8]) -> bool {
    data.len() >= 12 && data[0] >> 6 == 2 && !(72..=78).contains(&(data[1] & 0x7f))
}

/// A UDP relay that forwards everything until its switch is set, then nothing (the client
/// vanished without a word).
pub(crate) async fn cuttable_proxy(sfu: SocketAddr) -> (SocketAddr, Arc<AtomicBool>) {
    let cut = Arc::new(AtomicBool::new(false));
    let c = cut.clone();
    let (addr, _) = relay(sfu, move |_: &[u8], _now, _down| c.load(Ordering::Relaxed)).await;
    (addr, cut)
}

/// A UDP relay that drops the media towards the client while its switch is set (RTCP, STUN
/// and DTLS go through): a downlink outage the subscriber lives through.
pub(crate) async fn blackout_proxy(sfu: SocketAddr) -> (SocketAddr, Arc<AtomicBool>) {
    let dark = Arc::new(AtomicBool::new(false));
    let d = dark.clone();
    let (addr, _) = relay(sfu, move |data: &[u8], _now, down| {
        down && is_media(data) && d.load(Ordering::Relaxed)
    })
    .await;
    (addr, dark)
}

/// A UDP relay that loses nothing and counts the RTP packets (not RTCP, STUN or DTLS) the
/// SFU sends towards the client.
pub(crate) async fn counting_proxy(sfu: SocketAddr) -> (SocketAddr, Arc<AtomicU64>) {
    let rtp = Arc::new(AtomicU64::new(0));
    let r = rtp.clone();
    let (addr, _) = relay(sfu, move |data: &[u8], _now, down| {
        if down && is_rtp(data) {
            r.fetch_add(1, Ordering::Relaxed);
        }
        false
    })
    .await;
    (addr, rtp)
}

/// A relay between one client and the SFU; `drop(datagram, now, towards_client)` decides
/// what is lost.
async fn relay(
    sfu: SocketAddr,
    drop: impl Fn(&[u8], std::time::Instant, bool) -> bool + Clone + Send + 'static,
) -> (SocketAddr, Arc<AtomicU64>) {
    let front = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
    let back = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
    let addr = front.local_addr().unwrap();
    let dropped = Arc::new(AtomicU64::new(0));
    let client: Arc<Mutex<Option<SocketAddr>>> = Arc::default();
    let drop2 = drop.clone();
    let (f, b, c, d) = (front.clone(), back.clone(), client.clone(), dropped.clone());
    tokio::spawn(async move {
        let mut buf = vec![0u8; 2048];
        while let Ok((n, from)) = f.recv_from(&mut buf).await {
            *c.lock().unwrap() = Some(from);
            if drop(&buf[..n], std::time::Instant::now(), false) {
                d.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            let _ = b.send_to(&buf[..n], sfu).await;
        }
    });
    let d = dropped.clone();
    tokio::spawn(async move {
        let mut buf = vec![0u8; 2048];
        while let Ok((n, _)) = back.recv_from(&mut buf).await {
            let to = *client.lock().unwrap();
            if drop2(&buf[..n], std::time::Instant::now(), true) {
                d.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            if let Some(to) = to {
                let _ = front.send_to(&buf[..n], to).await;
            }
        }
    });
    (addr, dropped)
}
