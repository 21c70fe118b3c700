//! Client-side media for Convene: a WebRTC peer (on [str0m]) that talks to the SFU like a
//! browser would, used by the Rust SDK, bots, load tests and integration tests.
//!
//! # Brief overview
//!
//! * [`MediaPeer`] is a handle to a task that owns one `str0m::Rtc` and its own UDP socket
//!   (127.0.0.1:0 by default). One task owns all state; the handle sends it messages.
//!   Where UDP is blocked, [`Transport::Tcp`] makes it use ICE over TCP instead (an active
//!   TCP candidate, RFC 4571 framing with the codec of `convene-rfc4571`, shared with the
//!   SFU).
//! * The peer always **offers** ([`MediaPeer::create_offer`] with an [`OfferPlan`]: which
//!   tracks to publish, how many receive slots) and the SFU answers
//!   ([`MediaPeer::apply_answer`]). Renegotiation is another offer.
//! * Published media is synthetic ([`synth`]): not decodable, but shaped like VP8/Opus
//!   (the VP8 keyframe bit is right, so keyframe detection works) and tagged with user,
//!   layer and frame counter. Audio carries the RFC 6464 level set by
//!   [`MediaPeer::set_audio_level`]. Keyframes are sent first and whenever the SFU asks
//!   (PLI/FIR). Encoded VP8 from an IVF file ([`read_ivf`]) can replace the synthetic video;
//!   with [`MediaPeerConfig::pushed_frames`], the peer sends only what the app pushes
//!   ([`MediaPeer::push_frame`]), as a [`Relay`] between two SFUs does.
//! * Everything received is recorded per receive slot ([`TrackStats`]): packets, frames,
//!   bytes, keyframes, and per frame an FNV-1a checksum, so tests can prove that what
//!   arrived is bit-for-bit what was sent ([`PeerSnapshot::sent`] holds the sender's side).
//!   Synthetic frames carry their send time, so each slot also counts latency
//!   ([`LatencyHistogram`]) and lost frames; load runs can drop the per-frame records.
//!
//! This crate does not depend on `convene-sfu`; signalling is the caller's job.
//!
//! # The task's run loop
//!
//! The task drains its `Rtc` to a timeout, sends the queued packets, then waits for the
//! first of: a packet on its socket, a command from the handle, or the earlier of the `Rtc`'s
//! deadline and the next frame due. Every write of a frame is followed by a drain (str0m's
//! single-mutation rule). Dropping the handle closes the connection politely (RTCP BYE,
//! DTLS close_notify) and ends the task.
//!
//! # Errors and panics
//!
//! Handle calls return [`MediaError`] (a refused offer or answer, a stopped task, a
//! timeout). Network trouble is not an error: a failed send is a lost packet, a broken TCP
//! connection stops the peer's traffic and shows as `connected: false` in its
//! [`PeerSnapshot`]. Nothing the SFU sends can panic the task.
//!
//! # Where things are
//!
//! | file | holds |
//! |---|---|
//! | `peer.rs` | [`MediaPeer`], the handle |
//! | `task.rs` | the task: the `Rtc`, its run loop, what it records |
//! | `task/negotiate.rs`, `task/publish.rs` | offers and answers; frames sent on time |
//! | `net.rs` | the UDP socket or the ICE-TCP connection |
//! | `probe.rs` | the network test before joining: a data-channel client of the SFU's probe peer |
//! | `config.rs`, `offer.rs`, `snapshot.rs`, `error.rs` | nouns |
//! | `latency.rs` | the latency histogram of a receive slot |
//! | `tap.rs` | received frames handed to the app ([`MediaPeerConfig::frame_tap`]), frames it pushes |
//! | `relay.rs` | [`Relay`]: a user's tracks copied from one SFU to another (cascading) |
//! | `synth.rs`, `ivf.rs`, `ogg.rs` | media to send: synthetic frames, IVF VP8, Ogg Opus |
//!
//! [str0m]: https://docs.rs/str0m

#![deny(missing_docs)]

mod config;
mod error;
mod ivf;
mod latency;
mod net;
mod offer;
mod ogg;
mod peer;
pub mod probe;
mod relay;
mod snapshot;
pub mod synth;
mod tap;
mod task;

pub use config::{MediaPeerConfig, Transport};
pub use error::MediaError;
pub use ivf::{read_ivf, IvfError, IvfFrame, IvfHeader};
pub use latency::LatencyHistogram;
pub use offer::{Offer, OfferPlan, SIMULCAST_RIDS};
pub use ogg::{read_ogg_opus, OggError};
pub use peer::MediaPeer;
pub use relay::{relay_configs, Relay, RelayTaps};
pub use snapshot::{FrameRecord, PathState, PeerSnapshot, TrackStats};
pub use synth::{fnv1a64, FrameTag, SynthKind};
pub use tap::{PushedFrame, ReceivedFrame};
