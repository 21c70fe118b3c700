// The live stream client in plain Node: each call is the wire method of the same name; the
// status answers at once from the session state (join reply, then `live-stream-status`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveStreamClient } from '../src/live-stream.js';
import { METHODS } from '../src/protocol.gen.js';
import { SessionState } from '../src/session-state.js';

test('every live stream call is its wire method; the status is the session state', async () => {
  const sent = [];
  const call = (method, params) => { sent.push([method, params]); return Promise.resolve(''); };
  const client = { _call: call, _session: null };
  const live = new LiveStreamClient(/** @type {any} */ (client));
  assert.equal(live.getLiveStreamStatus(), 0, 'Ended outside a session');
  await live.startLiveStream('rtmp://ingest/live', 'key', 'https://watch');
  await live.stopLiveStream();
  assert.deepEqual(sent, [
    ['liveStream.startLiveStream', { streamUrl: 'rtmp://ingest/live', streamKey: 'key', broadcastUrl: 'https://watch' }],
    ['liveStream.stopLiveStream', undefined],
  ]);
  for (const m of [...sent.map(([m]) => m), 'liveStream.getLiveStreamStatus']) assert.ok(METHODS.includes(m), m);
  client._session = new SessionState(/** @type {any} */ ({ users: [], liveStream: 2 }));
  assert.equal(live.getLiveStreamStatus(), 2, 'from the join reply');
  client._session.apply('live-stream-status', 1);
  assert.equal(live.getLiveStreamStatus(), 1, 'kept current by live-stream-status');
});
