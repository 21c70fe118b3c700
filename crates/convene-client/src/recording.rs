//! Cloud recording (the reference's `client.getRecordingClient()`), as methods of
//! [`Client`]: the host starts, pauses, resumes and stops the server's recording of the
//! session; everyone hears of it through `recording-change`.

use crate::{Client, ClientError};
use convene_protocol::{ClientMsg, RecordingStatus};

impl Client {
    /// Host: starts recording the session on the server (7200 when the server cannot
    /// record, 7202 when already recording).
    pub async fn start_cloud_recording(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::StartCloudRecording).await
    }

    /// Host: stops the recording; the server finishes the file.
    pub async fn stop_cloud_recording(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::StopCloudRecording).await
    }

    /// Host: pauses the recording; the paused time is left out of the file.
    pub async fn pause_cloud_recording(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::PauseCloudRecording).await
    }

    /// Host: resumes a paused recording.
    pub async fn resume_cloud_recording(&self) -> Result<(), ClientError> {
        self.call_unit(ClientMsg::ResumeCloudRecording).await
    }

    /// The recording's state, from the server.
    pub async fn get_cloud_recording_status(&self) -> Result<RecordingStatus, ClientError> {
        self.call(ClientMsg::GetCloudRecordingStatus).await
    }

    /// Whether this user may start a recording (the host, on a server that can record).
    pub async fn can_start_recording(&self) -> Result<bool, ClientError> {
        self.call(ClientMsg::CanStartRecording).await
    }
}
