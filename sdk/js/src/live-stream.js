// `client.getLiveStreamClient()`: the host streams the session to an RTMP ingest
// (docs/egress.md). The calls ask the server, which owns the state; the status answers at
// once from the join reply and the `live-stream-status` events since.

/** @typedef {import('./client.js').VideoClient} VideoClient */

export class LiveStreamClient {
  /** @param {VideoClient} client */
  constructor(client) { this._c = client; }
  /**
   * Host: streams to `streamUrl/streamKey` (7401 unless rtmp:// or rtmps://, 7402 when already streaming).
   * @param {string} streamUrl @param {string} streamKey @param {string} broadcastUrl
   * @returns {Promise<''>}
   */
  startLiveStream(streamUrl, streamKey, broadcastUrl) {
    return this._c._call('liveStream.startLiveStream', { streamUrl, streamKey, broadcastUrl: broadcastUrl ?? '' });
  }
  /**
   * Whether live streaming exists in this session: true while joined (a server without ffmpeg
   * still answers `startLiveStream` with 7400).
   * @returns {boolean}
   */
  isLiveStreamEnabled() { return this._c._phase === 'joined' || this._c._phase === 'reconnecting'; }
  /** Host: stops the stream. @returns {Promise<''>} */
  stopLiveStream() { return this._c._call('liveStream.stopLiveStream'); }
  /** The stream's state (`LiveStreamStatus`: 0 Ended, 1 InProgress, 2 Connecting, 3 Timeout; 0 outside a session). @returns {0 | 1 | 2 | 3} */
  getLiveStreamStatus() { const s = this._c._session; return s ? s.liveStream : 0; }
}
