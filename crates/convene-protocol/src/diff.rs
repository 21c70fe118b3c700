//! The resume diff: what changed in a session's user list while a client was away.
//!
//! After a failover `resume`, a client holds its old list and the server's new one. Both SDKs
//! turn the difference into the same `user-removed`, `user-added`, `user-updated` events (in that
//! order, each sorted by user id), so an app that keeps its own list from events stays right.
//! This is the one definition; `fixtures/protocol/rules/` pins it for the browser SDK.

use crate::{Event, Participant, ParticipantUpdate};
use std::collections::BTreeMap;

/// The fields of `after` that differ from `before`, or `None` when nothing changed.
pub fn participant_delta(before: &Participant, after: &Participant) -> Option<ParticipantUpdate> {
    fn changed<T: PartialEq + Clone>(a: &T, b: &T) -> Option<T> {
        (a != b).then(|| b.clone())
    }
    let d = ParticipantUpdate {
        user_id: after.user_id,
        display_name: changed(&before.display_name, &after.display_name),
        audio: changed(&before.audio, &after.audio),
        muted: if before.muted != after.muted {
            after.muted
        } else {
            None
        },
        b_video_on: changed(&before.b_video_on, &after.b_video_on),
        sharer_on: changed(&before.sharer_on, &after.sharer_on),
        is_host: changed(&before.is_host, &after.is_host),
        is_manager: changed(&before.is_manager, &after.is_manager),
        is_in_failover: changed(&before.is_in_failover, &after.is_in_failover),
        is_speaker_only: changed(&before.is_speaker_only, &after.is_speaker_only),
    };
    (d != ParticipantUpdate::new(after.user_id)).then_some(d)
}

/// The events that turn user list `old` into `new`: removed (with their last name), added,
/// updated (changed fields only). Empty kinds are left out.
pub fn user_list_diff(old: &[Participant], new: &[Participant]) -> Vec<Event> {
    let old: BTreeMap<_, _> = old.iter().map(|p| (p.user_id, p)).collect();
    let new: BTreeMap<_, _> = new.iter().map(|p| (p.user_id, p)).collect();
    let mut removed = Vec::new();
    let mut updated = Vec::new();
    for (id, before) in &old {
        match new.get(id) {
            None => removed.push(ParticipantUpdate {
                display_name: Some(before.display_name.clone()),
                ..ParticipantUpdate::new(*id)
            }),
            Some(after) => updated.extend(participant_delta(before, after)),
        }
    }
    let added: Vec<Participant> = new
        .iter()
        .filter(|(id, _)| !old.contains_key(id))
        .map(|(_, p)| (*p).clone())
        .collect();
    let mut events = Vec::new();
    if !removed.is_empty() {
        events.push(Event::UserRemoved(removed));
    }
    if !added.is_empty() {
        events.push(Event::UserAdded(added));
    }
    if !updated.is_empty() {
        events.push(Event::UserUpdated(updated));
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AudioKind, UserId};

    fn user(id: u32, name: &str) -> Participant {
        Participant::new(UserId(id), name)
    }

    #[test]
    fn delta_carries_only_changes() {
        let a = user(1, "A");
        assert_eq!(participant_delta(&a, &a), None);
        let mut b = a.clone();
        b.audio = AudioKind::Computer;
        b.muted = Some(true);
        let d = participant_delta(&a, &b).unwrap();
        assert_eq!(d.audio, Some(AudioKind::Computer));
        assert_eq!(d.muted, Some(true));
        assert_eq!(d.display_name, None);
        let mut after = a.clone();
        after.apply(&d);
        assert_eq!(after, b);
    }

    #[test]
    fn diff_orders_removed_added_updated() {
        let old = vec![user(1, "A"), user(2, "B")];
        let mut a2 = user(1, "A2");
        a2.is_host = true;
        let new = vec![user(3, "C"), a2];
        let ev = user_list_diff(&old, &new);
        let names: Vec<_> = ev.iter().map(Event::name).collect();
        assert_eq!(names, ["user-removed", "user-added", "user-updated"]);
        assert!(user_list_diff(&new, &new).is_empty());
    }
}
