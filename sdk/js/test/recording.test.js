// The recording client's calls, run in plain Node: each is the wire method of the same name
// (protocol.gen.js lists them), sent without params.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingClient } from '../src/recording.js';
import { METHODS } from '../src/protocol.gen.js';

test('every recording call is its wire method', async () => {
  const sent = [];
  const client = {
    _ask: (method, params) => { sent.push([method, params]); return Promise.resolve('Stopped'); },
    _call: (method, params) => { sent.push([method, params]); return Promise.resolve(''); },
  };
  const rec = new RecordingClient(/** @type {any} */ (client));
  await rec.startCloudRecording();
  await rec.pauseCloudRecording();
  await rec.resumeCloudRecording();
  await rec.stopCloudRecording();
  assert.equal(await rec.getCloudRecordingStatus(), 'Stopped');
  await rec.canStartRecording();
  const names = sent.map(([m]) => m);
  assert.deepEqual(names, [
    'recording.startCloudRecording', 'recording.pauseCloudRecording', 'recording.resumeCloudRecording',
    'recording.stopCloudRecording', 'recording.getCloudRecordingStatus', 'recording.canStartRecording',
  ]);
  for (const m of names) assert.ok(METHODS.includes(m), m);
  assert.ok(sent.every(([, p]) => p === undefined));
});
