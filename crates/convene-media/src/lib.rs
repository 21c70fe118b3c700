//! Client-side media for Convene: a WebRTC peer (on [str0m]) that talks to the SFU like a
//! browser would, used by the Rust SDK, bots, load tests and integration tests.
//!
//! # Brief overview
//!
//! * [`MediaPeer`] is a handle to a task that owns one `str0m::Rtc` and its own UDP socket
//!   (127.0.0.1:0 by default). One task owns all state; the handle sends it messages.
//!   Where UDP is blocked, [`Transport::Tcp`] makes it use ICE over TCP instead (an active
//!   TCP candidate, RFC 4571 framing).
//! * The peer always **offers** ([`MediaPeer::create_offer`] with an [`OfferPlan`]: which
//!   tracks to publish, how many receive slots) and the SFU answers
//!   ([`MediaPeer::apply_answer`]). Renegotiation is another offer.
//! * Published media is synthetic ([`synth`]): not decodable, but shaped like VP8/Opus
//!   (the VP8 keyframe bit is right, so keyframe detection works) and tagged with user,
//!   layer and frame counter. Audio carries the RFC 6464 level set by
//!   [`MediaPeer::set_audio_level`]. Keyframes are sent first and whenever the SFU asks
//!   (PLI/FIR). Encoded VP8 from an IVF file ([`read_ivf`]) can replace the synthetic video.
//! * Everything received is recorded per receive slot ([`TrackStats`]): packets, frames,
//!   bytes, keyframes, and per frame an FNV-1a checksum, so tests can prove that what
//!   arrived is bit-for-bit what was sent ([`PeerSnapshot::sent`] holds the sender's side).
//!
//! This crate does not depend on `convene-sfu`; signalling is the caller's job.
//!
//! [str0m]: https://docs.rs/str0m

#![deny(missing_docs)]

mod error;
mod ivf;
mod ogg;
mod peer;
pub mod synth;

pub use error::MediaError;
pub use ivf::{read_ivf, IvfError, IvfFrame, IvfHeader};
pub use ogg::{read_ogg_opus, OggError};
pub use peer::SIMULCAST_RIDS;
pub use peer::{
    FrameRecord, MediaPeer, MediaPeerConfig, Offer, OfferPlan, PeerSnapshot, TrackStats, Transport,
};
pub use synth::{fnv1a64, FrameTag, SynthKind};
