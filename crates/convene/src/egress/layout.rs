//! The first layout: one picture, full frame. A screen share wins; else the active
//! speaker's camera, or the camera of the longest-present user whose camera is on.

use convene_protocol::{Participant, UserId};

/// Whose camera to receive: the speaker's when it is on, else the first camera on.
pub(crate) fn camera_user(
    users: &[Participant],
    speaker: Option<UserId>,
    me: UserId,
) -> Option<UserId> {
    let on = |u: &&Participant| u.b_video_on && u.user_id != me;
    speaker
        .filter(|s| users.iter().filter(on).any(|u| u.user_id == *s))
        .or_else(|| users.iter().filter(on).map(|u| u.user_id).min())
}

/// Who shares the screen, if anyone (the first sharer when several may share).
pub(crate) fn sharer(users: &[Participant], me: UserId) -> Option<UserId> {
    users
        .iter()
        .filter(|u| u.sharer_on && u.user_id != me)
        .map(|u| u.user_id)
        .min()
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
    fn the_speaker_wins_when_seen_else_the_first_camera() {
        let users = [user(1, false), user(2, true), user(3, true), user(9, true)];
        let me = UserId(9);
        assert_eq!(camera_user(&users, Some(UserId(3)), me), Some(UserId(3)));
        assert_eq!(camera_user(&users, Some(UserId(1)), me), Some(UserId(2)));
        assert_eq!(camera_user(&users, None, me), Some(UserId(2)));
        assert_eq!(camera_user(&users[..1], None, me), None);
        assert_eq!(sharer(&users, me), None);
    }
}
