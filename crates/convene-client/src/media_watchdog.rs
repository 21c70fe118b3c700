//! The media path watchdog: one task per media peer that restarts ICE when the path breaks
//! while signaling is fine (a new network, a NAT that forgot the mapping), as the browser
//! SDK does, and makes a fresh peer when a restart did not mend it.
//!
//! Broken means: connected, receive slots carrying media, and no datagram for
//! [`SILENCE`] (the SFU sends several a second then); or ICE reporting the peer disconnected
//! after it was connected. The first fix is [`MediaStream::restart_ice`]: a new local socket
//! and an ICE restart, same tracks, slots and session. A first break restarts at once. Still
//! broken after a restart (not connected again, or silent still: the server's peer may be
//! gone, as when the node whose SFU carried it died, and a new one cannot take up the old
//! DTLS session), the next fix is a fresh peer (`MediaStream::restart_peer`: new DTLS, the
//! same tracks, the server's attachments), after a wait that starts at [`CONNECT_WITHIN`].
//! The fresh peer has a watchdog of its own. A path fine for [`HEALTHY_FOR`] forgets the
//! waits. The task ends with its peer (leave, a fresh peer, a new peer after a failover or a
//! room move) or its client.

use std::sync::Weak;
use std::time::{Duration, Instant};

use crate::client::Inner;
use crate::{Client, MediaStream};

/// How often the peer is looked at.
const CHECK_EVERY: Duration = Duration::from_millis(250);
/// No datagram for this long while slots carry media: the path is broken (the browser
/// SDK's `MEDIA_SILENCE_MS`).
const SILENCE: Duration = Duration::from_millis(1500);
/// The least wait between a restart and the next one, doubling from here.
const CONNECT_WITHIN: Duration = Duration::from_secs(5);
/// The longest wait between two restarts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// A path fine for this long forgets the restarts before: the next break restarts at once.
const HEALTHY_FOR: Duration = Duration::from_secs(10);

/// Watches the peer of `generation` of `client`'s media.
pub(crate) fn spawn(client: &Client, generation: u64) {
    tokio::spawn(watch(client.downgrade(), generation));
}

/// What the watchdog remembers between looks.
#[derive(Debug, Default)]
struct Watch {
    /// The peer was connected at some look.
    was_connected: bool,
    /// The last restart, and the least wait before the next.
    last: Option<(Instant, Duration)>,
    /// Since when the path has been fine (connected, not silent).
    healthy_since: Option<Instant>,
}

impl Watch {
    /// Whether to restart now, given what the peer looks like. A first break restarts at
    /// once; while the path stays broken, or breaks again soon (a restart that did not take,
    /// or silence that a restart does not cure, such as a sender that went away while still
    /// in a slot), restarts come ever further apart.
    fn broken(&mut self, now: Instant, connected: bool, silent: bool) -> bool {
        self.was_connected |= connected;
        if connected && !silent {
            let since = *self.healthy_since.get_or_insert(now);
            if now.duration_since(since) >= HEALTHY_FOR {
                self.last = None;
            }
            return false;
        }
        self.healthy_since = None;
        if !self.was_connected {
            // Not yet connected for the first time: ICE is still at it.
            return false;
        }
        self.last
            .is_none_or(|(at, wait)| now.duration_since(at) >= wait)
    }

    /// A restart is made at `now`: which one.
    fn restarted(&mut self, now: Instant) -> Fix {
        let (wait, fix) = match self.last {
            Some((_, w)) => ((w * 2).min(MAX_BACKOFF), Fix::FreshPeer),
            None => (CONNECT_WITHIN, Fix::IceRestart),
        };
        self.last = Some((now, wait));
        fix
    }
}

/// How a broken path is mended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fix {
    /// Same peer, new socket, new ICE credentials.
    IceRestart,
    /// A new peer (the restart did not mend it).
    FreshPeer,
}

async fn watch(client: Weak<Inner>, generation: u64) {
    let mut watch = Watch::default();
    loop {
        tokio::time::sleep(CHECK_EVERY).await;
        let Some(client) = Client::upgrade(&client) else {
            return;
        };
        let shared = client.media();
        let path = {
            let st = shared.state.lock().await;
            match &st.peer {
                Some(peer) if st.generation == generation => peer.path().await,
                _ => return,
            }
        };
        let Ok(path) = path else {
            return;
        };
        if !client.get_session_info().is_in_meeting {
            // Signaling is down: its failover brings a new peer if it must.
            continue;
        }
        let now = Instant::now();
        let silent = shared.receiving()
            && path
                .last_received
                .is_none_or(|at| now.duration_since(at) >= SILENCE);
        if !watch.broken(now, path.connected, silent) {
            continue;
        }
        let fix = watch.restarted(now);
        tracing::info!("media path broken (connected: {}): {fix:?}", path.connected);
        let media = MediaStream::new(client.clone(), shared);
        let done = match fix {
            Fix::IceRestart => media.restart_ice().await,
            Fix::FreshPeer => media.restart_peer().await,
        };
        if let Err(e) = done {
            tracing::warn!("{fix:?} failed: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silent_connected_path_is_broken_and_a_working_one_is_not() {
        let now = Instant::now();
        let mut w = Watch::default();
        assert!(!w.broken(now, true, false));
        assert!(w.broken(now, true, true));
    }

    #[test]
    fn the_first_connection_is_left_to_ice_but_a_lost_one_is_restarted() {
        let now = Instant::now();
        let mut w = Watch::default();
        assert!(!w.broken(now, false, false), "still connecting");
        assert!(!w.broken(now, true, false));
        assert!(w.broken(now, false, false), "disconnected after connecting");
    }

    #[test]
    fn restarts_that_do_not_cure_the_path_come_ever_further_apart() {
        let t0 = Instant::now();
        let mut w = Watch::default();
        assert!(!w.broken(t0, true, false));
        assert!(w.broken(t0, true, true));
        assert_eq!(w.restarted(t0), Fix::IceRestart);
        // Reconnected, but still silent (the sender is gone): not again at once.
        assert!(!w.broken(t0 + CONNECT_WITHIN / 2, true, true));
        let t1 = t0 + CONNECT_WITHIN;
        assert!(w.broken(t1, false, false), "not connected after the wait");
        assert_eq!(
            w.restarted(t1),
            Fix::FreshPeer,
            "the restart did not mend it"
        );
        assert!(
            !w.broken(t1 + CONNECT_WITHIN, true, true),
            "the wait doubled"
        );
        assert!(w.broken(t1 + CONNECT_WITHIN * 2, true, true));
        for _ in 0..10 {
            w.restarted(t1);
        }
        assert!(w.broken(t1 + MAX_BACKOFF, false, false), "capped");
    }

    #[test]
    fn a_path_fine_for_a_while_restarts_at_once_when_it_breaks_again() {
        let t0 = Instant::now();
        let mut w = Watch::default();
        assert!(w.broken(t0, true, true));
        w.restarted(t0);
        let t1 = t0 + Duration::from_secs(1);
        assert!(!w.broken(t1, true, false));
        // Fine, but not for long enough: a new break waits.
        assert!(!w.broken(t1 + Duration::from_secs(2), true, true));
        assert!(!w.broken(t1 + Duration::from_secs(3), true, false));
        let t2 = t1 + Duration::from_secs(3) + HEALTHY_FOR;
        assert!(!w.broken(t2, true, false));
        assert!(
            w.broken(t2, true, true),
            "the earlier restarts are forgotten"
        );
        assert_eq!(w.restarted(t2), Fix::IceRestart);
    }
}
