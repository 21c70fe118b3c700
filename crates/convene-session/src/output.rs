//! What comes out of the core: messages to send, connections to close, and instructions
//! for the media plane.

use crate::info::Lifecycle;
use crate::input::ConnId;
use convene_protocol::{RtcOffer, ServerMsg, SessionId, UserId};

/// What the driver must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Send `msg` to every connection in `to` (serialise once).
    Send {
        /// Recipients.
        to: Vec<ConnId>,
        /// The message.
        msg: ServerMsg,
    },
    /// Close the connection (after sending what was queued before it).
    Close {
        /// Connection.
        conn: ConnId,
    },
    /// Something the media plane must do.
    Media(MediaAction),
    /// Start or stop the session's egress worker (cloud recording).
    Egress(EgressAction),
    /// A session started or ended, or a user joined or left (for webhooks; nothing to send
    /// to users).
    Lifecycle(Lifecycle),
}

/// A user's media rules, see [`crate::Core::media_state`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaState {
    /// Forward its audio.
    pub audio_allowed: bool,
    /// Forward its camera.
    pub video_allowed: bool,
    /// Forward its screen share.
    pub share_allowed: bool,
    /// Cameras it receives: (publisher, quality).
    pub attached: Vec<(UserId, u8)>,
    /// A cloud recording worker: it receives every speaker's audio (each may be written to
    /// a file of its own), not only the loudest.
    pub hears_everyone: bool,
}

/// Instructions for the media plane, keyed by session id and user id. The core decides every
/// rule (who may be heard, who may share, the 25-video cap); the SFU only carries them out.
#[derive(Debug, Clone, PartialEq)]
pub enum MediaAction {
    /// Answer this SDP offer, then reply to request `id` on `conn` with the answer.
    Offer {
        /// Session id.
        session: SessionId,
        /// The offering user.
        user: UserId,
        /// Where the reply goes.
        conn: ConnId,
        /// The request id to reply to.
        id: u64,
        /// The offer.
        offer: RtcOffer,
    },
    /// Forward (or stop forwarding) this user's audio: true only while in audio and unmuted.
    AudioAllowed {
        /// Session id.
        session: SessionId,
        /// Whose audio.
        user: UserId,
        /// Forward it.
        allowed: bool,
    },
    /// Forward (or stop forwarding) this user's camera: true only while its video is on.
    VideoAllowed {
        /// Session id.
        session: SessionId,
        /// Whose camera.
        user: UserId,
        /// Forward it.
        allowed: bool,
    },
    /// Forward (or stop forwarding) this user's screen share.
    ShareAllowed {
        /// Session id.
        session: SessionId,
        /// Whose share.
        user: UserId,
        /// Forward it.
        allowed: bool,
    },
    /// `subscriber` wants `publisher`'s camera at `quality`.
    Attach {
        /// Session id.
        session: SessionId,
        /// Receiver.
        subscriber: UserId,
        /// Sender.
        publisher: UserId,
        /// 0 (90p) – 4 (1080p).
        quality: u8,
    },
    /// `subscriber` no longer wants `publisher`'s camera.
    Detach {
        /// Session id.
        session: SessionId,
        /// Receiver.
        subscriber: UserId,
        /// Sender.
        publisher: UserId,
    },
    /// The user is gone: drop its media peer.
    UserGone {
        /// Session id.
        session: SessionId,
        /// Who.
        user: UserId,
    },
}

/// The session's egress worker, which records it: a process of its own that joins the
/// session and follows `recording-change` (pause, resume) by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EgressAction {
    /// Start the worker.
    Start {
        /// Session id.
        session: SessionId,
        /// The topic the worker joins.
        topic: String,
        /// The session's passcode, which the worker must give too.
        passcode: Option<String>,
        /// The session's `session_key`, which the worker's token must carry too.
        session_key: Option<String>,
        /// Which recording of the session this is: give it back in `Input::EgressEnded`.
        run: u64,
    },
    /// The recording stopped: the worker finishes its file and leaves (the driver ends it
    /// if it does not within a grace period).
    Stop {
        /// Session id.
        session: SessionId,
    },
    /// Start a worker streaming the session to an RTMP ingest.
    StartLive {
        /// Session id.
        session: SessionId,
        /// The topic the worker joins.
        topic: String,
        /// The session's passcode.
        passcode: Option<String>,
        /// The session's `session_key`.
        session_key: Option<String>,
        /// Which stream of the session this is: give it back in the worker's inputs.
        run: u64,
        /// `streamUrl/streamKey`.
        ingest: String,
    },
    /// The live stream stopped: its worker stops and leaves.
    StopLive {
        /// Session id.
        session: SessionId,
    },
}
