// The command channel's client-side check, run in plain Node: a receiver that is not a user
// id is refused before anything is sent (the server refuses unknown users itself).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandClient } from '../src/command.js';

/** A client stand-in that records what would be sent (isolation: no server here). */
function recording() {
  const sent = [];
  return { sent, client: { _ask: (method, params) => { sent.push([method, params]); return Promise.resolve('ok'); } } };
}

test('a receiver that is not a user id is error 7101, never a broadcast', async () => {
  const { sent, client } = recording();
  const cmd = new CommandClient(/** @type {any} */ (client));
  for (const bad of ['7', 'abc', 1.5, 0, -3, NaN, {}]) {
    await assert.rejects(cmd.send('hi', /** @type {any} */ (bad)), (e) => e.errorCode === 7101, String(bad));
  }
  assert.deepEqual(sent, [], 'nothing was sent');
  await cmd.send('hi', 12);
  await cmd.send('all');
  assert.deepEqual(sent, [['command.send', { text: 'hi', userId: 12 }], ['command.send', { text: 'all' }]]);
});
