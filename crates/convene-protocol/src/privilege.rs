//! Who may chat and who may share: session settings the host sets and every join reply carries.

use serde::{Deserialize, Serialize};

/// Chat privilege (`ChatPrivilege`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum ChatPrivilege {
    /// Public and private chat (1).
    All,
    /// No chat at all (4).
    NoOne,
    /// Public messages only (5).
    EveryonePublicly,
}

crate::number::wire_number!(ChatPrivilege, "chat privilege", {
    All = 1,
    NoOne = 4,
    EveryonePublicly = 5,
});

/// Share privilege (`SharePrivilege`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum SharePrivilege {
    /// One sharer; host or manager may take over (0).
    Unlocked,
    /// Host and managers only (1).
    Locked,
    /// Several sharers at once (3).
    MultipleShare,
}

crate::number::wire_number!(SharePrivilege, "share privilege", {
    Unlocked = 0,
    Locked = 1,
    MultipleShare = 3,
});
