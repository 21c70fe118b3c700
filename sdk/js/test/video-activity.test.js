// video-active-change: Active once an attached camera's frames come, Inactive when they stop
// or the camera is detached; a reused slot's old frame count is not taken for new frames.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INACTIVE_AFTER_MS, VideoActivity } from '../src/video-activity.js';

const seen = (/** @type {[number, string, number][]} */ ...users) => new Map(users.map(([id, mid, frames]) => [id, { mid, frames }]));

test('frames make a video active; a stall or a detach makes it inactive', () => {
  const v = new VideoActivity();
  // The slot decoded 40 frames of someone else before: a baseline, not activity.
  assert.deepEqual(v.sample(seen([7, '3', 40]), 0), []);
  assert.deepEqual(v.sample(seen([7, '3', 40]), 500), []);
  assert.deepEqual(v.sample(seen([7, '3', 52]), 1000), [{ state: 'Active', userId: 7 }]);
  assert.deepEqual(v.sample(seen([7, '3', 60]), 1500), [], 'no repeat while frames come');
  // Frames stop: inactive only after INACTIVE_AFTER_MS without one.
  assert.deepEqual(v.sample(seen([7, '3', 60]), 1500 + INACTIVE_AFTER_MS - 1), []);
  assert.deepEqual(v.sample(seen([7, '3', 60]), 1500 + INACTIVE_AFTER_MS), [{ state: 'Inactive', userId: 7 }]);
  assert.deepEqual(v.sample(seen([7, '3', 61]), 4000), [{ state: 'Active', userId: 7 }], 'and back');
  // Detached (or gone): inactive at once; a user never active leaves quietly.
  assert.deepEqual(v.sample(seen([8, '4', 0]), 4500), [{ state: 'Inactive', userId: 7 }]);
  assert.deepEqual(v.sample(seen(), 5000), []);
});

test('a new slot for the same user starts a new baseline', () => {
  const v = new VideoActivity();
  v.sample(seen([2, '3', 0]), 0);
  assert.deepEqual(v.sample(seen([2, '3', 5]), 500), [{ state: 'Active', userId: 2 }]);
  assert.deepEqual(v.sample(seen([2, '5', 900]), 1000), [], 'moved to slot 5: its count is not new frames');
  assert.deepEqual(v.sample(seen([2, '5', 910]), 1500), [], 'still active, no repeat');
});
