//! A user's card: its [`Participant`] and that participant's JSON, written at most once per
//! change. User lists (join replies, `getAllUser`) are the cards' JSON joined, so a list of
//! 5,000 users costs a copy, not 5,000 serialisations.
//!
//! Any mutable access to the participant drops the JSON (it is rewritten when next needed):
//! a change cannot leave a stale card behind, whatever handler makes it.

use convene_protocol::Participant;
use serde_json::value::RawValue;
use std::cell::OnceCell;
use std::ops::{Deref, DerefMut};

/// A participant with its JSON cached. Read it as a `Participant` (`Deref`).
#[derive(Debug)]
pub(crate) struct Card {
    p: Participant,
    json: OnceCell<Box<RawValue>>,
}

impl Card {
    pub(crate) fn new(p: Participant) -> Self {
        Card {
            p,
            json: OnceCell::new(),
        }
    }

    /// The participant's JSON.
    pub(crate) fn json(&self) -> &RawValue {
        // unwrap is ok because a Participant serialises infallibly (no maps).
        self.json
            .get_or_init(|| serde_json::value::to_raw_value(&self.p).expect("serialises"))
    }
}

impl Deref for Card {
    type Target = Participant;
    fn deref(&self) -> &Participant {
        &self.p
    }
}

impl DerefMut for Card {
    fn deref_mut(&mut self) -> &mut Participant {
        self.json.take();
        &mut self.p
    }
}

/// A JSON array of the cards, in order: their cached text copied once (serde_json writes a
/// raw value as it is, and `to_raw_value` does not parse its result again).
pub(crate) fn list<'a>(cards: impl Iterator<Item = &'a Card>) -> Box<RawValue> {
    let cards: Vec<&RawValue> = cards.map(Card::json).collect();
    // unwrap is ok because a list of raw JSON values serialises infallibly.
    serde_json::value::to_raw_value(&cards).expect("serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_rewrites_the_json_and_lists_join_cards() {
        let mut c = Card::new(Participant::new(convene_protocol::UserId(7), "Ann"));
        let before = c.json().get().to_owned();
        assert_eq!(before, serde_json::to_string(&*c).unwrap());
        c.b_video_on = true;
        assert_eq!(c.json().get(), serde_json::to_string(&*c).unwrap());
        assert_ne!(c.json().get(), before);

        let d = Card::new(Participant::new(convene_protocol::UserId(8), "Bo"));
        let l = list([&c, &d].into_iter());
        let back: Vec<Participant> = serde_json::from_str(l.get()).unwrap();
        assert_eq!(back, vec![c.p.clone(), d.p.clone()]);
        assert_eq!(list(std::iter::empty()).get(), "[]");
    }
}
