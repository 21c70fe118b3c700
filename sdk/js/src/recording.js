// `client.getRecordingClient()`: the host's cloud recording of the session (docs/egress.md).
// The server owns the state and rules: the calls ask it; the getters answer at once, as the
// reference's do, from the join reply and the `recording-change {state}` events since.
import { addUnsupported } from './unsupported.js';

/** @typedef {import('./client.js').VideoClient} VideoClient */
/** @typedef {'Recording' | 'Paused' | 'Stopped'} CloudRecordingStatus */

export class RecordingClient {
  /** @param {VideoClient} client */
  constructor(client) { this._c = client; }
  /** Host: starts recording (7200 when the server cannot record, 7202 when already recording). @returns {Promise<''>} */
  startCloudRecording() { return this._c._call('recording.startCloudRecording'); }
  /** Host: stops the recording; the server finishes the file. @returns {Promise<''>} */
  stopCloudRecording() { return this._c._call('recording.stopCloudRecording'); }
  /** Host: pauses; the paused time is left out of the file. @returns {Promise<''>} */
  pauseCloudRecording() { return this._c._call('recording.pauseCloudRecording'); }
  /** Host: resumes a paused recording. @returns {Promise<''>} */
  resumeCloudRecording() { return this._c._call('recording.resumeCloudRecording'); }
  /** The recording's state ('Stopped' outside a session). @returns {CloudRecordingStatus} */
  getCloudRecordingStatus() { const s = this._c._session; return s ? s.recording : 'Stopped'; }
  /** Whether this user may start a recording: the host, on a server that can record. @returns {boolean} */
  canStartRecording() { const s = this._c._session; return !!s && s.canRecord && this._c.isHost(); }
}

// The calls of features Convene does not provide (unsupported.js).
addUnsupported(RecordingClient.prototype, 'RecordingClient');
