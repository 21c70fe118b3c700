//! ICE over TCP (RFC 6544, RFC 4571 framing): the fallback where UDP is blocked. TCP-only
//! clients and UDP clients share a room; broken TCP connections do not disturb them.

use std::time::Duration;

use convene_media::{MediaPeerConfig, SynthKind, Transport};
use convene_sfu::{Command, Event, PeerId, SfuConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::{assert_bit_exact, frames_from, plan, Client, TestSfu, WAIT};

fn tcp_config(user: u32) -> MediaPeerConfig {
    let mut c = MediaPeerConfig::new(user);
    c.transport = Transport::Tcp;
    c
}

async fn attach(sfu: &TestSfu, sub: &Client, pubr: &Client) {
    sfu.send(Command::AttachVideo {
        subscriber: sub.peer,
        publisher_user: pubr.user,
        quality: 4,
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_and_udp_peers_exchange_audio_and_video_bit_exact() {
    let sfu = TestSfu::start_with_tcp().await;
    let tcp_peer = sfu.join(1, 1, plan(true, true, 3, 1), tcp_config(1)).await;
    let udp_peer = sfu.join_user(2, plan(true, true, 3, 1)).await;
    // The TCP client offered nothing but its active TCP candidate (it has no UDP socket,
    // so being connected means ICE-TCP works).
    let cands: Vec<&str> = tcp_peer
        .offer
        .sdp
        .split("\r\n")
        .filter(|l| l.starts_with("a=candidate"))
        .collect();
    assert!(!cands.is_empty(), "no candidate in {cands:?}");
    assert!(
        cands
            .iter()
            .all(|l| l.contains(" tcp ") && l.contains("tcptype active")),
        "{cands:?}"
    );
    attach(&sfu, &udp_peer, &tcp_peer).await;
    attach(&sfu, &tcp_peer, &udp_peer).await;
    // TCP publisher → UDP subscriber, and UDP publisher → TCP subscriber.
    sfu.wait_receives(&udp_peer, &tcp_peer).await;
    sfu.wait_receives(&tcp_peer, &udp_peer).await;
    for (rx, tx) in [(&udp_peer, &tcp_peer), (&tcp_peer, &udp_peer)] {
        let received = rx.snapshot().await;
        let sent = tx.snapshot().await;
        let n = assert_bit_exact(&received, tx.user, &sent);
        assert!(n >= 50, "user {} compared only {n} frames", rx.user);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tcp_peers_exchange_audio_and_video_bit_exact() {
    let sfu = TestSfu::start_with_tcp().await;
    let a = sfu.join(1, 1, plan(true, true, 3, 1), tcp_config(1)).await;
    let b = sfu.join(2, 2, plan(true, true, 3, 1), tcp_config(2)).await;
    attach(&sfu, &a, &b).await;
    attach(&sfu, &b, &a).await;
    sfu.wait_receives(&a, &b).await;
    sfu.wait_receives(&b, &a).await;
    for (rx, tx) in [(&a, &b), (&b, &a)] {
        let n = assert_bit_exact(&rx.snapshot().await, tx.user, &tx.snapshot().await);
        assert!(n >= 50, "user {} compared only {n} frames", rx.user);
    }
}

/// Wait until the SFU closes `conn` (EOF or reset); panics after [`WAIT`].
async fn expect_closed(conn: &mut TcpStream, what: &str) {
    let mut buf = [0u8; 256];
    let closed = tokio::time::timeout(WAIT, async {
        loop {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "{what}: connection not closed by the sfu");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_tcp_connections_do_not_disturb_working_peers() {
    let sfu = TestSfu::start_with_tcp().await;
    let listener = sfu.tcp_addr.unwrap();
    let publisher = sfu.join(1, 1, plan(true, true, 0, 0), tcp_config(1)).await;
    let subscriber = sfu
        .join(2, 2, plan(false, false, 3, 1), tcp_config(2))
        .await;
    attach(&sfu, &subscriber, &publisher).await;
    sfu.wait_receives(&subscriber, &publisher).await;

    // Garbage in well-formed frames (not STUN/DTLS/RTP): dropped, connection stays.
    let mut garbage = TcpStream::connect(listener).await.unwrap();
    for i in 0..200u32 {
        let body: Vec<u8> = (0..100u32).map(|j| (i * 31 + j * 7) as u8).collect();
        garbage.write_all(&100u16.to_be_bytes()).await.unwrap();
        garbage.write_all(&body).await.unwrap();
    }
    // Raw garbage (nonsense lengths, e.g. 0x4142 = 16706 > the max frame): closed.
    let mut raw = TcpStream::connect(listener).await.unwrap();
    raw.write_all(b"ABCDEFGHIJKLMNOP GET / HTTP/1.1\r\n\r\n")
        .await
        .unwrap();
    // An oversized length (65535): closed before its body is awaited.
    let mut huge = TcpStream::connect(listener).await.unwrap();
    huge.write_all(&[0xff, 0xff, 1, 2, 3]).await.unwrap();
    // A STUN-looking frame header, then the connection goes away mid-frame.
    let mut early = TcpStream::connect(listener).await.unwrap();
    early.write_all(&[0x00, 0x40, 0x00, 0x01]).await.unwrap();
    drop(early);
    // Connect and close at once, a few times.
    for _ in 0..10 {
        drop(TcpStream::connect(listener).await.unwrap());
    }
    // An idle connection that never sends anything.
    let idle = TcpStream::connect(listener).await.unwrap();

    expect_closed(&mut raw, "raw garbage").await;
    expect_closed(&mut huge, "oversized length").await;

    // Media keeps flowing, bit-exact, on the working connections.
    let before = frames_from(&subscriber.snapshot().await, 1, SynthKind::Video);
    subscriber
        .media
        .wait_for(WAIT, |s| {
            frames_from(s, 1, SynthKind::Video) >= before + 20
                && frames_from(s, 1, SynthKind::Audio) >= 60
        })
        .await
        .expect("media keeps flowing");
    let n = assert_bit_exact(&subscriber.snapshot().await, 1, &publisher.snapshot().await);
    assert!(n >= 50, "compared only {n} frames");
    assert!(subscriber.snapshot().await.connected);
    assert!(publisher.snapshot().await.connected);
    // The SFU survived and still answers.
    let from = sfu.log_len();
    sfu.send(Command::RemovePeer { peer: PeerId(999) }).await;
    sfu.wait_event(from, |e| match e {
        Event::Error { peer, .. } if *peer == PeerId(999) => Some(()),
        _ => None,
    })
    .await;
    assert_eq!(sfu.stats().peers, 2);
    drop((garbage, idle));
    tokio::time::sleep(Duration::from_millis(10)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_connections_that_never_do_ice_are_closed() {
    let mut config = SfuConfig::default();
    config.tcp_handshake_timeout = Duration::from_millis(300);
    config.tcp_idle_timeout = Duration::from_millis(500);
    let sfu = TestSfu::start_with(config, true, 256).await;
    let listener = sfu.tcp_addr.unwrap();
    // Working TCP peers publish audio all the time: never idle.
    let a = sfu.join(1, 1, plan(true, true, 3, 1), tcp_config(1)).await;
    let b = sfu.join(2, 2, plan(true, false, 3, 1), tcp_config(2)).await;
    attach(&sfu, &b, &a).await;
    sfu.wait_receives(&b, &a).await;

    // Well-formed frames that no peer takes, forever: closed at the handshake timeout.
    let mut garbage = TcpStream::connect(listener).await.unwrap();
    let feeder = {
        let mut w = TcpStream::connect(listener).await.unwrap();
        std::mem::swap(&mut w, &mut garbage);
        tokio::spawn(async move {
            let body = [0x42u8; 100];
            loop {
                let sent = async {
                    w.write_all(&100u16.to_be_bytes()).await?;
                    w.write_all(&body).await
                };
                if sent.await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    // A connection that never sends anything.
    let mut idle = TcpStream::connect(listener).await.unwrap();
    expect_closed(&mut idle, "silent connection").await;
    // The feeder's writes fail once the SFU closed its connection.
    tokio::time::timeout(WAIT, feeder)
        .await
        .expect("garbage connection closed by the sfu")
        .unwrap();
    drop(garbage);

    // The working peers outlived both timeouts and still get media.
    let before = frames_from(&b.snapshot().await, 1, SynthKind::Video);
    b.media
        .wait_for(WAIT, |s| frames_from(s, 1, SynthKind::Video) >= before + 20)
        .await
        .expect("media keeps flowing over ICE-TCP");
    assert!(a.snapshot().await.connected && b.snapshot().await.connected);
}

/// True if the SFU has not closed `conn` after `wait`.
async fn still_open(conn: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 16];
    tokio::time::timeout(wait, conn.read(&mut buf))
        .await
        .is_err()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_take_more_than_its_share_of_tcp_connections() {
    let mut config = SfuConfig::default();
    config.tcp_max_connections_per_ip = 2;
    config.tcp_handshake_timeout = Duration::from_secs(60);
    let sfu = TestSfu::start_with(config, true, 256).await;
    let listener = sfu.tcp_addr.unwrap();
    let mut a = TcpStream::connect(listener).await.unwrap();
    let mut b = TcpStream::connect(listener).await.unwrap();
    let mut c = TcpStream::connect(listener).await.unwrap();
    expect_closed(&mut c, "a third connection from one address").await;
    assert!(still_open(&mut a, Duration::from_millis(200)).await);
    assert!(still_open(&mut b, Duration::from_millis(200)).await);

    // A place freed is a place taken again.
    drop(a);
    tokio::time::timeout(WAIT, async {
        loop {
            let mut d = TcpStream::connect(listener).await.unwrap();
            if still_open(&mut d, Duration::from_millis(200)).await {
                return;
            }
        }
    })
    .await
    .expect("a connection accepted once another from the address closed");
    assert!(still_open(&mut b, Duration::from_millis(10)).await);
}
