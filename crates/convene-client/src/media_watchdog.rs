//! The media path watchdog: one task per media peer that restarts ICE when the path breaks
//! while signaling is fine (a new network, a NAT that forgot the mapping), as the browser
//! SDK does.
//!
//! Broken means: connected, receive slots carrying media, and no datagram for
//! [`SILENCE`] (the SFU sends several a second then); or ICE reporting the peer disconnected
//! after it was connected. The fix is [`MediaStream::restart_ice`]: a new local socket and
//! an ICE restart, same tracks, slots and session. Not connected again within the backoff
//! (from [`CONNECT_WITHIN`], doubling up to [`MAX_BACKOFF`]), it restarts again; it never
//! gives up while the peer lives. The task ends with its peer (leave, a new peer after a
//! failover or a room move) or its client.

use std::sync::Weak;
use std::time::{Duration, Instant};

use crate::client::Inner;
use crate::{Client, MediaStream};

/// How often the peer is looked at.
const CHECK_EVERY: Duration = Duration::from_millis(250);
/// No datagram for this long while slots carry media: the path is broken (the browser
/// SDK's `MEDIA_SILENCE_MS`).
const SILENCE: Duration = Duration::from_millis(1500);
/// A restart not connected after this long is tried again.
const CONNECT_WITHIN: Duration = Duration::from_secs(5);
/// The longest wait between two restarts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Watches the peer of `generation` of `client`'s media.
pub(crate) fn spawn(client: &Client, generation: u64) {
    tokio::spawn(watch(client.downgrade(), generation));
}

/// What the watchdog remembers between looks.
#[derive(Debug, Default)]
struct Watch {
    /// The peer was connected at some look.
    was_connected: bool,
    /// The last restart not yet connected, and how long to give it.
    restarting: Option<(Instant, Duration)>,
}

impl Watch {
    /// Whether to restart now, given what the peer looks like.
    fn broken(&mut self, now: Instant, connected: bool, silent: bool) -> bool {
        if connected {
            self.was_connected = true;
            self.restarting = None;
            return silent;
        }
        match self.restarting {
            Some((at, within)) => now.duration_since(at) >= within,
            // Not yet connected for the first time: ICE is still at it.
            None => self.was_connected,
        }
    }

    /// A restart was made at `now`.
    fn restarted(&mut self, now: Instant) {
        let within = match self.restarting {
            Some((_, w)) => (w * 2).min(MAX_BACKOFF),
            None => CONNECT_WITHIN,
        };
        self.restarting = Some((now, within));
    }
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
        tracing::info!(
            "media path broken (connected: {}): restarting ICE",
            path.connected
        );
        watch.restarted(now);
        let media = MediaStream::new(client.clone(), shared);
        if let Err(e) = media.restart_ice().await {
            tracing::warn!("ICE restart failed: {e}");
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
    fn a_restart_that_does_not_connect_is_retried_with_a_growing_wait() {
        let t0 = Instant::now();
        let mut w = Watch::default();
        assert!(!w.broken(t0, true, false));
        assert!(w.broken(t0, true, true));
        w.restarted(t0);
        assert!(!w.broken(t0 + CONNECT_WITHIN / 2, false, false));
        let t1 = t0 + CONNECT_WITHIN;
        assert!(w.broken(t1, false, false));
        w.restarted(t1);
        assert!(
            !w.broken(t1 + CONNECT_WITHIN, false, false),
            "the wait doubled"
        );
        assert!(w.broken(t1 + CONNECT_WITHIN * 2, false, false));
        for _ in 0..10 {
            w.restarted(t1);
        }
        assert!(w.broken(t1 + MAX_BACKOFF, false, false), "capped");
        assert!(!w.broken(t1 + MAX_BACKOFF, true, false), "connected again");
        assert!(w.restarting.is_none());
    }
}
