// Playout delay under loss: NACKs for LOSS_DELAY.lossyShare of the video packets over
// LOSS_DELAY.windowMs ask the browser to hold video for LOSS_DELAY.targetMs; a downlink clean
// for LOSS_DELAY.holdMs gives the browser its own choice back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOSS_DELAY, LossDelay } from '../src/loss-delay.js';

const { targetMs, holdMs, windowMs } = LOSS_DELAY;

/**
 * Samples every 500 ms over [from, to): `pps` packets a second, `share` of them NACKed; the
 * targets returned, by time. Totals continue from `at`.
 */
function run(/** @type {LossDelay} */ d, at, from, to, pps, share) {
  const out = new Map();
  for (let t = from; t < to; t += 500) {
    at.packets += pps / 2;
    at.nacks += (pps / 2) * share;
    out.set(t, d.sample(Math.floor(at.nacks), at.packets, t));
  }
  return out;
}

test('a clean downlink, or a rare NACK below the share, keeps the browser’s own delay', () => {
  for (const [pps, share] of [[45, 0], [200, 0.004]]) {
    const got = run(new LossDelay(), { nacks: 0, packets: 0 }, 0, 30_000, pps, share);
    assert.deepEqual([...new Set(got.values())], [null], `${pps} packets/s, ${share} NACKed`);
  }
});

test('sustained loss holds video longer within the window; the delay goes once clean for the hold', () => {
  const d = new LossDelay();
  const at = { nacks: 0, packets: 0 };
  run(d, at, 0, 5000, 45, 0);
  const lossy = run(d, at, 5000, 15_000, 45, 0.1);
  const first = [...lossy].find(([, v]) => v !== null);
  assert.ok(first, 'the loss is noticed');
  assert.equal(first[1], targetMs);
  assert.ok(first[0] - 5000 <= windowMs, `noticed ${first[0] - 5000} ms after the loss began`);
  assert.ok([...lossy].every(([t, v]) => t < first[0] || v === targetMs), 'held while lossy');
  const clean = run(d, at, 15_000, 40_000, 45, 0);
  const back = [...clean].find(([, v]) => v === null);
  assert.ok(back, 'the delay goes');
  // The last lossy window ends up to one window after the loss stopped.
  assert.ok(back[0] - 15_000 >= holdMs && back[0] - 15_000 <= holdMs + windowMs, `back after ${back[0] - 15_000} ms`);
  assert.ok([...clean].every(([t, v]) => (t < back[0] ? v === targetMs : v === null)));
});

test('totals that go back (a new peer) start the window again', () => {
  const d = new LossDelay();
  const at = { nacks: 0, packets: 0 };
  run(d, at, 0, 5000, 45, 0);
  // A new peer: its totals start from zero; its first NACKs within one window are no verdict.
  assert.equal(d.sample(3, 20, 5000), null);
  assert.equal(d.sample(6, 40, 5500), null);
});
