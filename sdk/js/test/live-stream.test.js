// The live stream client's calls, run in plain Node: each is the wire method of the same name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveStreamClient } from '../src/live-stream.js';
import { METHODS } from '../src/protocol.gen.js';

test('every live stream call is its wire method', async () => {
  const sent = [];
  const ask = (method, params) => { sent.push([method, params]); return Promise.resolve(1); };
  const live = new LiveStreamClient(/** @type {any} */ ({ _ask: ask, _call: ask }));
  await live.startLiveStream('rtmp://ingest/live', 'key', 'https://watch');
  assert.equal(await live.getLiveStreamStatus(), 1);
  await live.stopLiveStream();
  assert.deepEqual(sent, [
    ['liveStream.startLiveStream', { streamUrl: 'rtmp://ingest/live', streamKey: 'key', broadcastUrl: 'https://watch' }],
    ['liveStream.getLiveStreamStatus', undefined],
    ['liveStream.stopLiveStream', undefined],
  ]);
  for (const [m] of sent) assert.ok(METHODS.includes(m), m);
});
