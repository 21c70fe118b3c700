//! Relay peers (cascading): a peer pinned to one user receives that user's audio only,
//! whoever is louder.

use std::time::Duration;

use super::world::World;
use crate::{Command, Event, PeerId, TrackKind};

#[test]
fn a_relay_peer_carries_its_user_only_whoever_speaks() {
    let mut w = World::new();
    let loud = w.join(1, true, false);
    let quiet = w.join(2, true, false);
    let relay = w.join(3, false, true);
    let listener = w.join(4, false, true);
    w.command(Command::SetRelaySource {
        peer: PeerId(3),
        user: 2,
    });
    let mut frame = 0;
    w.run(Duration::from_secs(2), &[-10, -60], &mut frame);

    let slot_users = |w: &World, peer: u64| -> Vec<Option<u32>> {
        w.events
            .iter()
            .filter_map(|e| match e {
                Event::SlotAssigned {
                    peer: p,
                    user,
                    kind: TrackKind::Audio,
                    ..
                } if *p == PeerId(peer) => Some(*user),
                _ => None,
            })
            .collect()
    };
    // One audio slot each: the listener hears the loudest, the relay only its user.
    assert_eq!(slot_users(&w, 4).last(), Some(&Some(1)));
    assert_eq!(slot_users(&w, 3), vec![Some(2)]);
    let from = |w: &World, i: usize, who: usize| {
        w.clients[i]
            .received
            .iter()
            .filter(|f| f.data[8..] == [who as u8; 40])
            .count()
    };
    assert!(
        from(&w, relay, quiet) > 50,
        "the relay got its user's audio"
    );
    assert_eq!(from(&w, relay, loud), 0, "and nothing else");
    assert!(from(&w, listener, loud) > 50);

    // Its user muted by the host: the relay's slot empties, it takes no one else.
    w.command(Command::SetAudioAllowed {
        peer: PeerId(2),
        allowed: false,
    });
    w.run(Duration::from_secs(1), &[-10, -60], &mut frame);
    assert_eq!(slot_users(&w, 3), vec![Some(2), None]);
    assert_eq!(from(&w, relay, loud), 0);
}
