//! # The `convene` package's library
//!
//! What the `convene` binary (`serve`, `token`, `join`, `load`) needs beyond the library crates
//! and that is worth testing on its own: the bot's stdin language ([`bot_command`]), parsed
//! purely so that it can be unit-tested and fuzzed. Parsing never panics; a line it cannot use
//! becomes a [`bot_command::LineError`] answered to that line only.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod bot_command;
