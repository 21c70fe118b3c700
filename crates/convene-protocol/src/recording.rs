//! Cloud recording on the wire: its state (`getCloudRecordingStatus`, `recording-change`).

use serde::{Deserialize, Serialize};

/// The state of a session's cloud recording (the reference's `RecordingStatus`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RecordingStatus {
    /// Media is being written to the server's recordings directory.
    Recording,
    /// Started, but nothing is written until it resumes (the pause is cut out of the file).
    Paused,
    /// Not recording (never started, stopped, or the egress worker failed).
    #[default]
    Stopped,
}
