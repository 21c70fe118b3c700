// The recording client in plain Node: each call is the wire method of the same name (sent
// without params); the getters answer at once from the session state, which the join reply
// starts and `recording-change` keeps current.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RecordingClient } from '../src/recording.js';
import { METHODS } from '../src/protocol.gen.js';
import { SessionState } from '../src/session-state.js';
import { decodeServerMessage } from '../src/codec.js';

const FIXTURES = new URL('../../../fixtures/protocol/', import.meta.url).pathname;

test('every recording call is its wire method', async () => {
  const sent = [];
  const client = {
    _session: null,
    isHost: () => true,
    _call: (method, params) => { sent.push([method, params]); return Promise.resolve(''); },
  };
  const rec = new RecordingClient(/** @type {any} */ (client));
  await rec.startCloudRecording();
  await rec.pauseCloudRecording();
  await rec.resumeCloudRecording();
  await rec.stopCloudRecording();
  const names = sent.map(([m]) => m);
  assert.deepEqual(names, [
    'recording.startCloudRecording', 'recording.pauseCloudRecording', 'recording.resumeCloudRecording',
    'recording.stopCloudRecording',
  ]);
  for (const m of [...names, 'recording.getCloudRecordingStatus', 'recording.canStartRecording']) assert.ok(METHODS.includes(m), m);
  assert.ok(sent.every(([, p]) => p === undefined));
});

test('the status and canStartRecording answer synchronously from the session state', () => {
  const join = decodeServerMessage(readFileSync(`${FIXTURES}server/reply.join.json`, 'utf8'));
  const client = { _session: null, host: true, isHost() { return this.host; } };
  const rec = new RecordingClient(/** @type {any} */ (client));
  assert.equal(rec.getCloudRecordingStatus(), 'Stopped', 'outside a session');
  assert.equal(rec.canStartRecording(), false);
  client._session = new SessionState(join.result);
  assert.equal(rec.getCloudRecordingStatus(), 'Recording', 'from the join reply');
  assert.equal(rec.canStartRecording(), true, 'the host, on a server that records');
  client.host = false;
  assert.equal(rec.canStartRecording(), false, 'not a host');
  client._session.apply('recording-change', { state: 'Paused' });
  assert.equal(rec.getCloudRecordingStatus(), 'Paused', 'kept current by recording-change');
});
