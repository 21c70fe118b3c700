//! Live streaming on the wire: `liveStream.startLiveStream` parameters, their rule, and the
//! stream's state (`live-stream-status`).

use crate::{ErrorBody, ErrorCode};
use serde::{Deserialize, Serialize};

/// The state of a session's live stream (the reference's `LiveStreamStatus`, numbers).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum LiveStreamStatus {
    /// Not streaming (never started, stopped) (0).
    #[default]
    Ended,
    /// Streaming to the ingest (1).
    InProgress,
    /// Started; the worker is connecting to the ingest (2).
    Connecting,
    /// The ingest could not be reached or dropped the stream (3).
    Timeout,
}

impl LiveStreamStatus {
    /// A worker streams, or is about to (`Connecting`, `InProgress`).
    pub fn is_running(self) -> bool {
        matches!(
            self,
            LiveStreamStatus::Connecting | LiveStreamStatus::InProgress
        )
    }
}

crate::number::wire_number!(LiveStreamStatus, "live stream status", {
    Ended = 0,
    InProgress = 1,
    Connecting = 2,
    Timeout = 3,
});

/// `liveStream.startLiveStream` parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveStreamParams {
    /// The ingest, `rtmp://` or `rtmps://` (e.g. `rtmp://a.rtmp.youtube.com/live2`).
    pub stream_url: String,
    /// The stream key, appended to the URL after a `/`.
    pub stream_key: String,
    /// Where viewers watch (kept for the app; not used by the server).
    #[serde(default)]
    pub broadcast_url: String,
}

/// The longest URL or key accepted.
const MAX_PART: usize = 1024;

impl LiveStreamParams {
    /// The one rule (7401 otherwise): an `rtmp://` or `rtmps://` URL with a host, a key, both
    /// without spaces or control characters.
    pub fn validate(&self) -> Result<(), ErrorBody> {
        let bad = |why: &str| Err(ErrorBody::new(ErrorCode::LiveStreamInvalidParameter, why));
        let clean = |s: &str| {
            !s.is_empty()
                && s.len() <= MAX_PART
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        };
        let rest = self
            .stream_url
            .strip_prefix("rtmp://")
            .or_else(|| self.stream_url.strip_prefix("rtmps://"));
        match rest {
            Some(r) if clean(&self.stream_url) && !r.is_empty() && !r.starts_with('/') => {}
            _ => return bad("streamUrl must be an rtmp:// or rtmps:// URL"),
        }
        if !clean(&self.stream_key) {
            return bad("streamKey must be given, without spaces");
        }
        Ok(())
    }

    /// Where the stream goes: `streamUrl/streamKey`.
    pub fn ingest(&self) -> String {
        format!(
            "{}/{}",
            self.stream_url.trim_end_matches('/'),
            self.stream_key
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(url: &str, key: &str) -> LiveStreamParams {
        LiveStreamParams {
            stream_url: url.into(),
            stream_key: key.into(),
            broadcast_url: String::new(),
        }
    }

    #[test]
    fn only_rtmp_urls_with_a_key_pass() {
        assert!(p("rtmp://127.0.0.1:1935/live", "k").validate().is_ok());
        assert_eq!(p("rtmp://h/live/", "k").ingest(), "rtmp://h/live/k");
        for (url, key) in [
            ("http://h/live", "k"),
            ("rtmp://", "k"),
            ("rtmp://h", ""),
            ("rtmp://h x", "k"),
            ("rtmp://h", "a b"),
        ] {
            let e = p(url, key).validate().unwrap_err();
            assert_eq!(e.error_code, 7401, "{url} {key}");
        }
        assert_eq!(
            serde_json::to_string(&LiveStreamStatus::Connecting).unwrap(),
            "2"
        );
    }
}
