// What the SDK takes from protocol.gen.js is there, and the one retry rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, LIMITS } from '../src/protocol.gen.js';
import { failure, isTransient } from '../src/errors.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const sources = readdirSync(SRC).filter((f) => f.endsWith('.js') && f !== 'protocol.gen.js')
  .map((f) => [f, readFileSync(SRC + f, 'utf8')]);

test('retried codes are the protocol\'s transient ones: 1, 2, 3, 5003', () => {
  const transient = Object.keys(ERROR_CODES).map(Number).filter((c) => isTransient(failure(c, '')));
  assert.deepEqual(transient, [1, 2, 3, 5003]);
});

test('a failure carries the protocol\'s type for its code', () => {
  assert.deepEqual(failure(5006, 'no'), { type: 'INSUFFICIENT_PRIVILEGES', reason: 'no', errorCode: 5006 });
  assert.deepEqual(failure(5003, 'r'), { type: 'IMPROPER_MEETING_STATE', reason: 'r', errorCode: 5003 });
});

test('every limit the SDK reads exists', () => {
  for (const [f, text] of sources) {
    for (const [, name] of text.matchAll(/LIMITS\.([A-Z_]+)/g)) {
      assert.equal(typeof LIMITS[name], 'number', `${f} reads LIMITS.${name}`);
    }
  }
});

// The browser raises capture codes itself (camera, microphone, screen); the protocol crate
// must define them so that their type comes from there too.
const raised = [...new Set(sources.flatMap(([, text]) => [...text.matchAll(/failure\((\d+),/g)].map((m) => Number(m[1]))))].sort((a, b) => a - b);
const missing = raised.filter((c) => !ERROR_CODES[c]);
test('every code the SDK raises is a protocol code', () => {
  assert.deepEqual(missing, []);
});
