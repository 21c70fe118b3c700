// The silence watchdog: a connected path silent for SILENCE.silentMs restarts ICE at once;
// restarts that do not cure it come 5 s, 10 s, 20 s, then 30 s apart; a path fine for
// SILENCE.healthyMs starts over at once again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SILENCE, SilenceWatch } from '../src/silence-watch.js';

/** Samples every 500 ms from `from` to `to` with the same byte count; the times restarts were asked. */
function silentFrom(/** @type {SilenceWatch} */ w, /** @type {number} */ from, /** @type {number} */ to, path = 'pc', bytes = 100) {
  const at = [];
  for (let t = from; t <= to; t += 500) if (w.sample(path, bytes, true, t)) at.push(t);
  return at;
}

test('silence restarts at once, then ever further apart while it lasts', () => {
  const w = new SilenceWatch();
  assert.equal(w.sample('pc', 100, true, 0), false);
  const at = silentFrom(w, 500, 130_000);
  assert.equal(at[0], SILENCE.silentMs, 'the first restart comes as soon as the silence counts');
  const gaps = at.slice(1).map((t, i) => t - at[i]);
  assert.deepEqual(gaps.slice(0, 5), [5000, 10000, 20000, 30000, 30000].map((g) => Math.ceil(g / 1500) * 1500));
});

test('packets flowing, or nothing due, is no silence', () => {
  const w = new SilenceWatch();
  for (let t = 0, b = 0; t < 20_000; t += 500, b += 1000) assert.equal(w.sample('pc', b, true, t), false);
  // Not connected (or no slot): the count of silence starts over when watching resumes.
  for (let t = 20_000; t < 30_000; t += 500) assert.equal(w.sample('pc', 7, false, t), false);
  assert.equal(w.sample('pc', 7, true, 30_000), false);
  assert.equal(w.sample('pc', 7, true, 30_000 + SILENCE.silentMs), true);
});

test('a path fine for healthyMs forgets its restarts; a new peer starts its own silence count', () => {
  const w = new SilenceWatch();
  w.sample('pc', 0, true, 0);
  const first = silentFrom(w, 500, 12_000, 'pc', 0);
  assert.equal(first.length, 2, 'at once, then after the first backoff');
  // Packets flow again for healthyMs: the next silence restarts at once.
  let t = 12_500;
  for (let b = 1; t < 12_500 + SILENCE.healthyMs; t += 500, b++) w.sample('pc', b, true, t);
  w.sample('pc', 999, true, t);
  assert.equal(w.sample('pc', 999, true, t + SILENCE.silentMs), true);
  // A fresh peer connection: its silence is counted from its first sample.
  assert.equal(w.sample('pc2', 999, true, t + SILENCE.silentMs + 500), false);
});
