// The browser SDK against the protocol's golden fixtures (fixtures/protocol/, written from the
// Rust types): the same modules the browser loads, run in plain Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeServerMessage, encodeRequest, encodeServerMessage } from '../src/codec.js';
import { userListDiff, validateJoin } from '../src/rules.js';
import { SessionState } from '../src/session-state.js';
import { EVENTS, METHODS } from '../src/protocol.gen.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/protocol/', import.meta.url));
/** @param {string} dir */
const files = (dir) => readdirSync(FIXTURES + dir).filter((f) => f.endsWith('.json')).sort();
/** @param {string} path */
const load = (path) => JSON.parse(readFileSync(FIXTURES + path, 'utf8'));

test('every client fixture is what the request encoder writes', () => {
  const seen = new Set();
  for (const f of files('client')) {
    const want = load(`client/${f}`);
    assert.ok(METHODS.includes(want.method), `${f}: ${want.method} is a protocol method`);
    assert.equal(f, `${want.method}.json`);
    assert.equal(encodeRequest(want.id, want.method, want.params), JSON.stringify(want), f);
    seen.add(want.method);
  }
  assert.deepEqual(METHODS.filter((m) => !seen.has(m)), [], 'a fixture for every method');
});

test('every server fixture decodes to its kind and re-encodes to the same JSON', () => {
  const events = new Set();
  for (const f of files('server')) {
    const text = readFileSync(`${FIXTURES}server/${f}`, 'utf8');
    const msg = decodeServerMessage(text);
    assert.ok(msg, f);
    if (f.startsWith('event.')) {
      assert.equal(msg.kind, 'event', f);
      assert.equal(`event.${msg.event}.json`, f);
      assert.ok(EVENTS.includes(msg.event), `${f}: ${msg.event} is a protocol event`);
      events.add(msg.event);
    } else {
      assert.ok(f.startsWith('reply.'), f);
      assert.equal(msg.kind, 'reply', f);
      assert.equal(typeof msg.id, 'number', f);
    }
    assert.deepEqual(JSON.parse(encodeServerMessage(msg)), JSON.parse(text), f);
  }
  assert.deepEqual(EVENTS.filter((e) => !events.has(e)), [], 'a fixture for every event');
});

test('frames that are neither a reply nor an event are ignored', () => {
  for (const text of ['not json', '[]', '42', '{"ok":true}', 'null']) assert.equal(decodeServerMessage(text), null, text);
});

test('join validation accepts and refuses exactly as the protocol crate', () => {
  for (const c of load('rules/join-validation.json')) {
    const got = validateJoin(c.params);
    assert.equal(got ? got.errorCode : null, c.errorCode, c.name);
    if (got) assert.equal(got.type, 'INVALID_PARAMETERS', c.name);
  }
});

test('the resume diff gives exactly the protocol crate\'s events', () => {
  for (const c of load('rules/resume-diff.json')) {
    assert.deepEqual(userListDiff(c.old, c.new), c.events, c.name);
  }
});

test('participants from the wire get every field: left-out ones take their defaults', () => {
  const join = decodeServerMessage(readFileSync(`${FIXTURES}server/reply.join.json`, 'utf8'));
  const state = new SessionState(join.result);
  assert.deepEqual(state.users.get(2), {
    userId: 2, displayName: 'Bea', audio: '', bVideoOn: false, sharerOn: false,
    isHost: false, isManager: true, isInFailover: false, isSpeakerOnly: false,
    sharerPause: false, isAllowIndividualRecording: false, isVideoConnect: false,
  });
  assert.equal(state.users.get(1).audio, 'computer');
  assert.equal(state.users.get(1).isVideoConnect, true, 'its video is on: a camera is connected');
  assert.equal(state.users.get(1).isManager, false);
  const added = decodeServerMessage(readFileSync(`${FIXTURES}server/event.user-added.json`, 'utf8'));
  state.apply('user-added', added.payload);
  assert.equal(state.users.get(3).isInFailover, true);
  assert.equal(state.users.get(3).bVideoOn, false);
  assert.equal(state.users.get(3).audio, '');
});

test('the chat history is kept as messages come, once each, and follows the room', () => {
  const join = decodeServerMessage(readFileSync(`${FIXTURES}server/reply.join.json`, 'utf8'));
  const state = new SessionState(join.result);
  const msg = decodeServerMessage(readFileSync(`${FIXTURES}server/event.chat-on-message.json`, 'utf8'));
  state.apply('chat-on-message', msg.payload);
  state.apply('chat-on-message', msg.payload);
  state.recordChat({ ...msg.payload, id: 'mine', message: 'sent by us' });
  assert.deepEqual(state.chat.map((m) => m.message), [msg.payload.message, 'sent by us']);
  // A video turned on says a camera is connected, and it stays so.
  state.apply('user-updated', [{ userId: 2, bVideoOn: true }]);
  state.apply('user-updated', [{ userId: 2, bVideoOn: false }]);
  assert.equal(state.users.get(2).isVideoConnect, true);
  // Another room (a move) starts its own history.
  assert.deepEqual(new SessionState(join.result).chat, []);
});
