//! The layout of the composite: a main picture above a strip of [`STRIP`] small cameras.
//! A screen share takes the main picture (the active speaker's camera then leads the
//! strip); else the active speaker's camera does, or the camera of the longest-present user
//! whose camera is on. The strip shows the other cameras, longest present first; its empty
//! tiles stay black.

use convene_protocol::{Participant, UserId};

/// Tiles in the strip.
pub(crate) const STRIP: usize = 5;

/// What the main picture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Main {
    Share(UserId),
    Camera(UserId),
}

/// What the composite shows: the main picture and the strip's cameras, left to right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    pub(crate) main: Option<Main>,
    pub(crate) strip: Vec<UserId>,
}

impl Plan {
    /// The cameras this plan receives, each with whether it is the main picture.
    pub(crate) fn cameras(&self) -> impl Iterator<Item = (UserId, bool)> + '_ {
        let main = match self.main {
            Some(Main::Camera(u)) => Some((u, true)),
            _ => None,
        };
        main.into_iter()
            .chain(self.strip.iter().map(|u| (*u, false)))
    }
}

/// The plan for these users, `speaker` the loudest one, `me` the recorder (never shown).
pub(crate) fn plan(users: &[Participant], speaker: Option<UserId>, me: UserId) -> Plan {
    let mut cameras: Vec<UserId> = users
        .iter()
        .filter(|u| u.b_video_on && u.user_id != me)
        .map(|u| u.user_id)
        .collect();
    cameras.sort_unstable();
    let speaking = speaker.filter(|s| cameras.contains(s));
    // The speaker first, then the others by how long they are present (user ids grow).
    if let Some(s) = speaking {
        cameras.retain(|u| *u != s);
        cameras.insert(0, s);
    }
    let sharer = users
        .iter()
        .filter(|u| u.sharer_on && u.user_id != me)
        .map(|u| u.user_id)
        .min();
    let main = match sharer {
        Some(s) => Some(Main::Share(s)),
        None if cameras.is_empty() => None,
        None => Some(Main::Camera(cameras.remove(0))),
    };
    cameras.truncate(STRIP);
    Plan {
        main,
        strip: cameras,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: u32, video: bool) -> Participant {
        let mut p = Participant::new(UserId(id), "u");
        p.b_video_on = video;
        p
    }

    #[test]
    fn the_speaker_takes_the_main_picture_and_the_others_fill_the_strip() {
        let users = [user(1, false), user(2, true), user(3, true), user(9, true)];
        let me = UserId(9);
        let p = plan(&users, Some(UserId(3)), me);
        assert_eq!(p.main, Some(Main::Camera(UserId(3))));
        assert_eq!(p.strip, [UserId(2)], "the recorder never shows");
        assert_eq!(
            p.cameras().collect::<Vec<_>>(),
            [(UserId(3), true), (UserId(2), false)]
        );
        // A speaker without a camera: the longest-present camera is the main picture.
        let p = plan(&users, Some(UserId(1)), me);
        assert_eq!(p.main, Some(Main::Camera(UserId(2))));
        assert_eq!(p.strip, [UserId(3)]);
        assert_eq!(plan(&users[..1], None, me).main, None);
    }

    #[test]
    fn a_share_takes_the_main_picture_and_the_speaker_leads_the_strip() {
        let mut users: Vec<Participant> = (1..=8).map(|i| user(i, true)).collect();
        users[6].sharer_on = true;
        let p = plan(&users, Some(UserId(5)), UserId(99));
        assert_eq!(p.main, Some(Main::Share(UserId(7))));
        assert_eq!(
            p.strip,
            [UserId(5), UserId(1), UserId(2), UserId(3), UserId(4)],
            "at most {STRIP} tiles"
        );
        assert!(p.cameras().all(|(_, main)| !main));
    }
}
