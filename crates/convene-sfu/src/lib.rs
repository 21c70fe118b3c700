//! The Convene media plane: a selective forwarding unit (SFU) on [str0m].
//!
//! # Brief overview
//!
//! * One [`str0m::Rtc`] per user ("peer"), all peers on **one UDP socket**. Incoming datagrams
//!   are routed in O(1): a STUN check by the ufrag its USERNAME names, anything else by its
//!   source address (learnt from STUN); unknown sources are dropped without asking every
//!   peer. DTLS-SRTP is always on.
//! * **Control is never dropped**: peers, permissions and attachments go through
//!   [`Control`] ([`SfuConfig::control`]), per-peer state the driver applies before any other
//!   input, bounded by the number of peers. A new peer forwards nothing until allowed
//!   (permissions fail closed). The driver never waits on anyone: datagrams that do not fit
//!   the socket buffer and events beyond [`SfuConfig::event_backlog`] are dropped.
//! * Media is forwarded **per RTP packet**, never re-packetized: str0m runs in RTP mode
//!   (`RtcConfig::set_rtp_mode(true)`), every incoming packet arrives as
//!   `Event::RtpPacket` and is written to each subscriber with `StreamTx::write_rtp`. The
//!   payload bytes are untouched (bit-exact); the SSRC is the subscriber's slot's own, and
//!   sequence numbers and timestamps are rewritten per slot so that every slot is one
//!   continuous stream even when its source changes (another speaker, another simulcast
//!   layer). str0m answers the subscribers' NACKs from its RTX cache and NACKs lost packets
//!   towards publishers on its own.
//! * [`Sfu`] is the sans-IO core (no sockets, no clock, no tasks); [`run`] is the thin tokio
//!   driver that owns it, the socket and two channels: [`Command`]s in, [`Event`]s out.
//! * **ICE over TCP** (RFC 6544) is the fallback where UDP is blocked: [`run_with_tcp`] also
//!   takes a `TcpListener`, every peer is offered a passive TCP host candidate on it next to
//!   the UDP one, and each accepted connection carries RFC 4571 frames (2-byte big-endian
//!   length + one packet, the codec of `convene-rfc4571`). In the core this is
//!   [`Sfu::set_tcp_addr`], [`Sfu::handle_receive_tcp`] and [`Transmit::proto`]; a TCP
//!   connection is addressed by its remote address like a UDP source. A broken connection
//!   (garbage, a length over [`MAX_TCP_FRAME`], early close, no ICE within
//!   [`SfuConfig::tcp_handshake_timeout`], silence for [`SfuConfig::tcp_idle_timeout`]) only
//!   closes itself.
//! * [`SfuStats`]: live counters (packets and bytes in and out by kind, forwarded packets,
//!   NACKs, PLIs, keyframe requests, loop busy time) in relaxed atomics, shared through
//!   [`SfuConfig::stats`] with whoever exports metrics; read with [`SfuStats::snapshot`].
//!
//! # Where things are
//!
//! | file | holds |
//! |---|---|
//! | `sfu.rs` | [`Sfu`]: state, entry points (`handle_*`, `poll_output`), demultiplexing |
//! | `control.rs` | [`Control`]: the never-dropped control path |
//! | `sfu/commands.rs` | [`Command`]s applied: peers, offers, candidates, permissions, attach |
//! | `sfu/rtc_events.rs` | each `Rtc` drained; str0m's events acted upon |
//! | `sfu/forward.rs` | the hot path: one RTP packet to every slot carrying it |
//! | `sfu/slots.rs` | who goes into which slot; simulcast layer; keyframe requests; the tick |
//! | `peer.rs` | one user's connection: published tracks, receive slots |
//! | `probe.rs` | probe peers: the network test before joining (echo, paced filler, caps) |
//! | `quality.rs`, `speaker.rs`, `rewrite.rs`, `temporal.rs`, `keyframe.rs`, `holes.rs`, `downlink.rs`, `red.rs`, `vp8.rs` | pure policies, rewriters and parsers |
//! | `driver.rs`, `tcp.rs` | the tokio driver: UDP socket, ICE-TCP connections |
//! | `config.rs`, `output.rs`, `stats.rs`, `command.rs`, `event.rs`, `error.rs`, `types.rs` | nouns |
//!
//! # Negotiation: the client always offers
//!
//! The SFU **only ever answers**. A client's offer lists
//!
//! * its send-only tracks: microphone audio, camera video (optionally simulcast with rids
//!   listed lowest layer first, e.g. `l;m;h`), screen share;
//! * its receive-only **slots**: e.g. 3 audio slots (the loudest speakers), one video slot per
//!   video it may render (up to [`MAX_ATTACHED_VIDEOS`]), one share slot.
//!
//! Which video m-lines are screen share is said in [`Command::Offer::share_mids`]. To
//! publish something new, or to get more slots, the client sends a new offer; the SFU
//! answers again. The SFU decides which user's media goes into which slot and says so with
//! [`Event::SlotAssigned`] `{peer, mid, user, kind}`; the client maps slot → user with it.
//!
//! Because only one side ever creates offers, two sides adding tracks at the same moment
//! can never glare (the deadlock seen with the str0m chat example when the browser's offer
//! and the server's offer cross): the server never has a local offer pending. The cost is
//! that slots are provisioned by the client ahead of time, which is what an SFU client
//! wants anyway (a fixed number of audio slots; video slots as the layout grows).
//!
//! # Forwarding rules
//!
//! * **Video**: a subscriber receives only the videos it attached ([`Command::AttachVideo`],
//!   at most [`MAX_ATTACHED_VIDEOS`], else [`SfuError::TooManyVideos`]). On attach and on a
//!   layer switch the SFU sends a PLI to the publisher and switches only at a keyframe of the
//!   new layer; it asks again every second until the keyframe arrives. A publisher's video
//!   packet still missing 300 ms after it went missing (str0m has stopped asking for it) asks
//!   for a keyframe too, unless its frame is one nothing refers to (`holes.rs`).
//! * **Simulcast**: the layer follows the requested quality (0 = 90p … 4 = 1080p: 90/180p →
//!   lowest, 360p → middle, 720p/1080p → highest; re-send [`Command::AttachVideo`] to change
//!   it) and is lowered while the layer's measured bitrate exceeds the subscriber's share of
//!   its TWCC bandwidth estimate. The estimate only counts while the downlink shows stress
//!   (loss or RTT, quality < 5), because str0m's delay-based estimate follows the actual send
//!   rate on an application-limited link, and not for loss alone that is steady and moderate
//!   with no queue (`downlink.rs`: random loss is repaired, not cured by sending less); a
//!   downgrade needs two evaluations in a row, or one receiver report whose round trip shows
//!   a queue (then at once, on a slot not yet held down). The SFU
//!   tells str0m the rate it wants per subscriber (`Bwe::set_bitrate`) so it probes for it.
//!   VP8 PictureID/TL0PICIDX are rewritten per slot, like sequence numbers, so a layer
//!   switch looks continuous to the receiver's decoder.
//! * **Temporal layers**: where a VP8 publisher sends them (browsers send L1T3 on every
//!   simulcast layer), a slot forwards TL0-1 (half the frames, about 60 % of the rate) before
//!   it drops to a lower resolution, and TL0 alone at the lowest layer; down at the next
//!   frame, up one layer at a time at a layer sync frame. Dropped frames close up in the
//!   slot's sequence numbers and picture ids (`temporal.rs`, `vp8.rs`).
//! * **Codecs**: Opus, VP8 and H.264 are negotiated. Keyframes are detected for VP8 (str0m's
//!   `Vp8Descriptor`) and H.264 (IDR/SPS, RFC 6184 packetization modes).
//! * **Audio**: the speaker ranking comes from the RFC 6464 audio-level header extension,
//!   smoothed and re-evaluated every [`SPEAKER_INTERVAL`] with hysteresis
//!   ([`Event::ActiveSpeakers`], loudest first, only on change). Each subscriber's audio slots
//!   (at most N = [`DEFAULT_AUDIO_SLOTS`], or as many as [`Command::SetAudioSlots`] says
//!   for that peer, up to [`MAX_AUDIO_SLOTS`]) carry the loudest speakers other than itself.
//!   A user whose audio is disallowed ([`Command::SetAudioAllowed`], host mute) is never
//!   forwarded and never ranked.
//! * **Share**: every subscriber's share slots carry the room's sharers (allowed by
//!   [`Command::SetShareAllowed`]) in join order.
//!
//! # Errors and panics
//!
//! A command that cannot be applied yields [`Event::Error`] for that peer only. Malformed
//! datagrams are dropped. A peer whose `Rtc` fails, whose ICE disconnects (consent lost:
//! [`SfuConfig::stun_max_rto`], [`SfuConfig::stun_max_retransmits`]) or who closes
//! DTLS is removed with [`Event::Disconnected`] (reconnection windows are the session
//! layer's business). [`Command::RemovePeer`] closes the connection politely (RTCP BYE,
//! DTLS close_notify). Nothing a client sends can panic the SFU: there is no `unwrap` on
//! peer input, and str0m promises the same for its part.
//!
//! # Testing
//!
//! The core is tested without sockets on a virtual clock (`src/tests/`: seconds of media
//! in milliseconds); `tests/` runs the real driver on 127.0.0.1 with `convene-media` clients,
//! including a lossy UDP relay for NACK/RTX.
//!
//! # Run loop (sans-IO)
//!
//! ```no_run
//! # use std::time::Instant;
//! # use convene_sfu::{Sfu, Output};
//! let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
//! let mut sfu = Sfu::new(socket.local_addr().unwrap(), Instant::now());
//! let mut buf = [0u8; 2048];
//! loop {
//!     let deadline = loop {
//!         match sfu.poll_output() {
//!             Output::Transmit(t) => { socket.send_to(&t.contents, t.destination).unwrap(); }
//!             Output::Event(e) => println!("{e:?}"),
//!             Output::Timeout(t) => break t,
//!         }
//!     };
//!     let wait = deadline.saturating_duration_since(Instant::now()).max(std::time::Duration::from_millis(1));
//!     socket.set_read_timeout(Some(wait)).unwrap();
//!     match socket.recv_from(&mut buf) {
//!         Ok((n, from)) => sfu.handle_receive(Instant::now(), from, &buf[..n]),
//!         Err(_) => sfu.handle_timeout(Instant::now()),
//!     }
//! }
//! ```
//!
//! [str0m]: https://docs.rs/str0m

#![deny(missing_docs)]

mod command;
mod config;
mod control;
mod downlink;
mod driver;
mod error;
mod event;
mod holes;
mod keyframe;
mod output;
mod peer;
mod probe;
mod quality;
mod red;
mod rewrite;
mod sfu;
mod speaker;
mod stats;
mod tcp;
mod temporal;
#[cfg(test)]
mod tests;
mod types;
mod vp8;

pub use command::Command;
pub use config::{
    SfuConfig, DEFAULT_AUDIO_SLOTS, MAX_ATTACHED_VIDEOS, MAX_AUDIO_SLOTS, MAX_SHARE_MIDS,
    SPEAKER_INTERVAL,
};
pub use control::Control;
pub use driver::{run, run_with_config, run_with_tcp};
pub use error::SfuError;
pub use event::Event;
pub use output::{Output, Transmit};
pub use probe::{ProbeEnd, ProbeLimits, MAX_PROBE_PEERS};
pub use sfu::Sfu;
pub use stats::{SfuStats, SfuStatsSnapshot, MAX_BANDWIDTH_SAMPLES};
pub use str0m::net::Protocol;
pub use tcp::MAX_TCP_FRAME;
pub use types::{PeerId, RoomId, TrackKind};
