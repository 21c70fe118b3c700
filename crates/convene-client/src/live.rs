//! Live streaming (the reference's `client.getLiveStreamClient()`), as methods of
//! [`Client`]: the host streams the session to an RTMP ingest; everyone hears of it through
//! `live-stream-status`.

use crate::{Client, ClientError};
use convene_protocol::{ClientMsg, LiveStreamParams, LiveStreamStatus};

impl Client {
    /// Host: streams the session to `stream_url/stream_key` (7401 for a URL that is not
    /// `rtmp://` or `rtmps://`, 7402 when already streaming, 7400 when the server cannot).
    pub async fn start_live_stream(
        &self,
        stream_url: &str,
        stream_key: &str,
        broadcast_url: &str,
    ) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::StartLiveStream(LiveStreamParams {
            stream_url: stream_url.to_owned(),
            stream_key: stream_key.to_owned(),
            broadcast_url: broadcast_url.to_owned(),
        }))
        .await
    }

    /// Host: stops the live stream.
    pub async fn stop_live_stream(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::StopLiveStream).await
    }

    /// The live stream's state, from the server.
    pub async fn get_live_stream_status(&self) -> Result<LiveStreamStatus, ClientError> {
        self.call(ClientMsg::GetLiveStreamStatus).await
    }
}
