use serde::{Deserialize, Serialize};
use std::fmt;

/// A user's id within one session instance: positive, never reused within that instance.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct UserId(pub u32);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A session instance's id: a fresh random string each time a session starts, so a later
/// session with the same topic is told apart from an ended one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(pub String);

impl SessionId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id of subsession `n` (1, 2, …) of this session: `<id>~<n>`.
    pub fn subsession(&self, n: u32) -> SessionId {
        SessionId(format!("{}~{n}", self.main().0))
    }

    /// The main session of a subsession's id (the id itself for a main session): where a
    /// `resume` with it is routed.
    pub fn main(&self) -> SessionId {
        match self.0.split_once('~') {
            Some((main, _)) => SessionId(main.to_owned()),
            None => self.clone(),
        }
    }

    /// Whether this is a subsession's id.
    pub fn is_subsession(&self) -> bool {
        self.0.contains('~')
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<String> for SessionId {
    fn from(s: String) -> Self {
        SessionId(s)
    }
}

impl From<&str> for SessionId {
    fn from(s: &str) -> Self {
        SessionId(s.to_owned())
    }
}

impl PartialEq<str> for SessionId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for SessionId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}
