// The subsession client in plain Node: its calls are the protocol's wire requests (as in
// fixtures/protocol/client/), its getters mirror the server's `subsession-state` and this
// user's moves, the countdowns tick each second, and a move swaps the session, the user list
// and the media as docs/subsessions.md says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SubsessionClient } from '../src/subsession.js';
import { SubsessionState, DEFAULT_OPTIONS } from '../src/subsession-state.js';
import { moveRoom } from '../src/subsession-move.js';
import { MediaPeer } from '../src/media-peer.js';
import { VideoClient } from '../src/client.js';
import { SessionState } from '../src/session-state.js';
import { decodeServerMessage } from '../src/codec.js';
import { EVENTS, METHODS } from '../src/protocol.gen.js';

const FIXTURES = new URL('../../../fixtures/protocol/', import.meta.url).pathname;
/** @param {string} name */
const fixture = (name) => JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8'));
/** A server event fixture's payload. @param {string} name */
const eventPayload = (name) => /** @type {any} */ (decodeServerMessage(readFileSync(`${FIXTURES}server/event.${name}.json`, 'utf8'))).payload;
const joinResult = () => /** @type {any} */ (decodeServerMessage(readFileSync(`${FIXTURES}server/reply.join.json`, 'utf8'))).result;

/** A subsession state that records what it emits. */
function recorded() {
  /** @type {[string, any][]} */
  const emitted = [];
  const state = new SubsessionState((name, payload) => emitted.push([name, payload]));
  return { state, emitted };
}

/** A stand-in client: records requests, holds a session and the subsession state. */
function fakeClient(session = new SessionState(joinResult())) {
  const { state, emitted } = recorded();
  /** @type {[string, any][]} */
  const sent = [];
  const client = {
    _session: session,
    _subsessions: state,
    _phase: 'joined',
    replies: /** @type {Record<string, any>} */ ({}),
    /** @param {string} method @param {any} [params] */
    _ask(method, params) {
      sent.push([method, params]);
      const r = client.replies[method];
      return r instanceof Error || (r && r.errorCode) ? Promise.reject(r) : Promise.resolve(r ?? '');
    },
    /** @param {string} method @param {any} [params] */
    async _call(method, params) { await client._ask(method, params); return ''; },
  };
  return { client, sent, emitted, state, sub: new SubsessionClient(/** @type {any} */ (client)) };
}

test('every call is the wire request of the fixtures', async () => {
  const { sub, sent, client } = fakeClient();
  const rooms = eventPayload('subsession-state').subsessions;
  client.replies['subsession.createSubsessions'] = rooms;
  const open = fixture('client/subsession.openSubsessions').params;
  assert.deepEqual(await sub.createSubsessions(['Design', 'Review']), rooms, 'resolves the rooms');
  assert.equal(await sub.openSubsessions(open.subsessions, open.options), '');
  assert.equal(await sub.joinSubsession('s-9f2c~1'), '');
  assert.equal(await sub.leaveSubsession(), '');
  assert.equal(await sub.askForHelp(), '');
  assert.equal(await sub.postponeHelping(3), '');
  assert.equal(await sub.broadcast('Five minutes left'), '');
  assert.equal(await sub.assignUserToSubsession(3, 's-9f2c~2'), '');
  assert.equal(await sub.moveUserToSubsession(3, 's-9f2c~1'), '');
  assert.equal(await sub.closeAllSubsessions(), '');
  assert.equal(await sub.moveBackToMainSession(3), '');
  assert.equal(await sub.startBroadcastVoice(), '');
  assert.equal(await sub.stopBroadcastVoice(), '');
  const names = ['createSubsessions', 'openSubsessions', 'joinSubsession', 'leaveSubsession', 'askForHelp',
    'postponeHelping', 'broadcast', 'assignUserToSubsession', 'moveUserToSubsession', 'closeAllSubsessions',
    'moveBackToMainSession', 'startBroadcastVoice', 'stopBroadcastVoice'];
  assert.deepEqual(sent.map(([m]) => m), names.map((n) => `subsession.${n}`));
  for (const [method, params] of sent) {
    assert.ok(METHODS.includes(method), method);
    assert.deepEqual(params, fixture(`client/${method}`).params, `${method}'s params`);
  }
});

test('openSubsessions sends only the wire fields, and the options given', async () => {
  const { sub, sent } = fakeClient();
  await sub.openSubsessions([{ subsessionId: 'x~1', subsessionName: 'A', userList: [{ userId: 4, displayName: 'Dan', avatar: 'a.png' }] }], { waitSeconds: 5, foo: 1 });
  assert.deepEqual(sent[0][1], {
    subsessions: [{ subsessionId: 'x~1', subsessionName: 'A', userList: [{ userId: 4, displayName: 'Dan', isInSubsession: false }] }],
    options: { waitSeconds: 5 },
  });
  await sub.createSubsessions(3, 1);
  assert.deepEqual(sent[1][1], { data: 3, pattern: 1 });
});

test('arguments are checked before asking the server, with typed failures', async () => {
  const { sub, sent } = fakeClient();
  /** @param {Promise<any>} p @param {number} code */
  const fails = (p, code) => assert.rejects(p, (e) => e.errorCode === code && typeof e.type === 'string' && typeof e.reason === 'string');
  await fails(sub.createSubsessions(101), 7501);
  await fails(sub.createSubsessions(Array.from({ length: 101 }, (_, i) => `r${i}`)), 7501);
  await fails(sub.createSubsessions(0), 4003);
  await fails(sub.createSubsessions(1.5), 4003);
  await fails(sub.createSubsessions([]), 4003);
  await fails(sub.createSubsessions(['ok', '  ']), 4003);
  await fails(sub.createSubsessions('x'.repeat(101)), 4003);
  await fails(sub.createSubsessions(/** @type {any} */ ({})), 4003);
  await fails(sub.createSubsessions(2, /** @type {any} */ (3)), 4003);
  await fails(sub.openSubsessions([]), 4003);
  await fails(sub.openSubsessions([/** @type {any} */ ({ subsessionName: 'no id' })]), 4003);
  await fails(sub.openSubsessions([{ subsessionId: 'a~1', userList: [/** @type {any} */ ({ displayName: 'no id' })] }]), 4003);
  await fails(sub.openSubsessions([{ subsessionId: 'a~1' }], /** @type {any} */ ({ waitSeconds: -1 })), 4003);
  await fails(sub.openSubsessions([{ subsessionId: 'a~1' }], /** @type {any} */ ({ isAutoJoinSubsession: 'yes' })), 4003);
  await fails(sub.joinSubsession(''), 4003);
  await fails(sub.assignUserToSubsession(/** @type {any} */ ('3'), 'a~1'), 4003);
  await fails(sub.moveUserToSubsession(3, /** @type {any} */ (7)), 4003);
  await fails(sub.moveBackToMainSession(0), 4003);
  await fails(sub.postponeHelping(-1), 4003);
  await fails(sub.broadcast(''), 7507);
  await fails(sub.broadcast('é'.repeat(513)), 7507);
  assert.deepEqual(sent, [], 'nothing sent');
  assert.equal(await sub.broadcast('é'.repeat(512)), '', '1024 bytes pass');
});

test('the getters mirror subsession-state; subsession-state-change only when the status changes', () => {
  const { sub, state, emitted } = fakeClient();
  assert.equal(sub.isSubsessionEnabled(), true);
  assert.equal(sub.getSubsessionStatus(), 1, 'NotStarted before any state');
  assert.deepEqual(sub.getSubsessionOptions(), DEFAULT_OPTIONS);
  assert.deepEqual(sub.getSubsessionList(), []);
  assert.deepEqual(sub.getCurrentSubsession(), { userStatus: 'initial', subsessionName: '', subsessionId: '' });
  const s = eventPayload('subsession-state');
  state.apply('subsession-state', { ...s, status: 1, timeLeft: undefined });
  assert.deepEqual(emitted, [], 'same status: no event');
  state.apply('subsession-state', { ...s, timeLeft: undefined });
  assert.deepEqual(emitted, [['subsession-state-change', { status: 2 }]]);
  state.apply('subsession-state', { ...s, timeLeft: undefined });
  assert.equal(emitted.length, 1, 'no repeat');
  assert.equal(sub.getSubsessionStatus(), 2);
  assert.deepEqual(sub.getSubsessionList(), s.subsessions);
  assert.deepEqual(sub.getSubsessionOptions(), s.options);
  // The app gets copies.
  sub.getSubsessionList()[0].userList.length = 0;
  sub.getSubsessionOptions().waitSeconds = 1;
  assert.equal(sub.getSubsessionList()[0].userList.length, 1);
  assert.equal(sub.getSubsessionOptions().waitSeconds, 10);
  // Bea (2) is in Design; Ann (1) is in no list.
  assert.deepEqual(sub.getUnassignedUserList().map((u) => u.userId), [1]);
  assert.equal(sub.getUnassignedUserList()[0].audio, 'computer', 'as participants');
  state.apply('subsession-moved', eventPayload('subsession-moved'));
  assert.deepEqual(sub.getUnassignedUserList(), [], 'the main session is not seen from a room');
});

test('the user status: invited, joining, in room, leaving, main session, initial again', async () => {
  const { sub, state, emitted, client } = fakeClient();
  const s = eventPayload('subsession-state');
  state.apply('subsession-state', { ...s, timeLeft: undefined });
  state.apply('subsession-invite-to-join', eventPayload('subsession-invite-to-join'));
  assert.deepEqual(emitted.at(-1), ['subsession-invite-to-join', { subsessionId: 's-9f2c~2', subsessionName: 'Review' }]);
  assert.deepEqual(sub.getCurrentSubsession(), { userStatus: 'invited', subsessionName: 'Review', subsessionId: 's-9f2c~2' });
  // Joining until the server moves us; a refused join goes back to invited.
  client.replies['subsession.joinSubsession'] = { type: 'INVALID_PARAMETERS', reason: 'no', errorCode: 7503 };
  const refused = sub.joinSubsession('s-9f2c~1');
  assert.equal(sub.getUserStatus(), 'joining');
  await assert.rejects(refused, { errorCode: 7503 });
  assert.equal(sub.getUserStatus(), 'invited');
  delete client.replies['subsession.joinSubsession'];
  const joined = sub.joinSubsession('s-9f2c~2');
  state.apply('subsession-moved', { ...eventPayload('subsession-moved'), reason: 'join breakout room', subsessionId: 's-9f2c~2', subsessionName: 'Review' });
  await joined;
  assert.deepEqual(sub.getCurrentSubsession(), { userStatus: 'in room', subsessionName: 'Review', subsessionId: 's-9f2c~2' });
  const left = sub.leaveSubsession();
  assert.equal(sub.getUserStatus(), 'leaving');
  await left;
  state.apply('subsession-moved', { reason: 'back to main session', subsessionName: '', session: joinResult() });
  assert.deepEqual(sub.getCurrentSubsession(), { userStatus: 'main session', subsessionName: '', subsessionId: '' });
  state.apply('subsession-state', { ...s, status: 4, timeLeft: undefined });
  assert.equal(sub.getUserStatus(), 'main session');
  state.apply('subsession-state', { ...s, status: 1, timeLeft: undefined });
  assert.equal(sub.getUserStatus(), 'initial', 'a new round');
  // Invited, then the rooms close without us: the invitation is over.
  state.apply('subsession-state', { ...s, timeLeft: undefined });
  state.apply('subsession-invite-to-join', eventPayload('subsession-invite-to-join'));
  state.apply('subsession-state', { ...s, status: 4, timeLeft: undefined });
  assert.deepEqual(sub.getCurrentSubsession(), { userStatus: 'main session', subsessionName: '', subsessionId: '' });
  // A resume lands where the server has us now: the same room, another (moved while away),
  // or the main session (also when the rooms were lost with their node).
  state.apply('subsession-state', { ...s, timeLeft: undefined });
  state.apply('subsession-moved', eventPayload('subsession-moved'));
  state.resumedIn('s-9f2c~1');
  assert.deepEqual(sub.getCurrentSubsession(), { userStatus: 'in room', subsessionName: 'Design', subsessionId: 's-9f2c~1' });
  state.resumedIn('s-9f2c~2');
  assert.deepEqual(sub.getCurrentSubsession(), { userStatus: 'in room', subsessionName: 'Review', subsessionId: 's-9f2c~2' });
  state.resumedIn('s-9f2c');
  assert.deepEqual(sub.getCurrentSubsession(), { userStatus: 'main session', subsessionName: '', subsessionId: '' });
  state.resumedIn('s-9f2c~1');
  assert.equal(sub.getUserStatus(), 'in room', 'moved into a room while away');
  state.resumedIn('s-9f2c~1');
  assert.equal(sub.getUserStatus(), 'in room');
  // Outside a session: back to nothing.
  state.reset();
  assert.deepEqual(sub.getCurrentSubsession(), { userStatus: 'initial', subsessionName: '', subsessionId: '' });
  assert.equal(sub.getSubsessionStatus(), 1);
});

test('the other events go to the app with the reference\'s payloads', () => {
  const { state, emitted } = recorded();
  for (const name of ['subsession-broadcast-message', 'subsession-ask-for-help', 'subsession-ask-for-help-response', 'subsession-time-up']) {
    assert.ok(EVENTS.includes(name) && SubsessionState.handles(name), name);
    state.apply(name, eventPayload(name));
  }
  assert.deepEqual(emitted, [
    ['subsession-broadcast-message', { message: 'Five minutes left' }],
    ['subsession-ask-for-help', { userId: 2, displayName: 'Bea', subsessionName: 'Design', subsessionId: 's-9f2c~1' }],
    ['subsession-ask-for-help-response', { result: 0 }],
    ['subsession-time-up', undefined],
  ]);
  assert.ok(!SubsessionState.handles('user-added'));
});

test('subsession-countdown ticks each second from timeLeft while the timer runs', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  /** Lets `n` seconds pass, one at a time (a tick fires each timer once). @param {number} n */
  const seconds = (n) => { for (let i = 0; i < n; i++) t.mock.timers.tick(1000); };
  const { state, emitted } = recorded();
  const s = eventPayload('subsession-state');
  const counts = () => emitted.filter(([n]) => n === 'subsession-countdown').map(([, p]) => p.countdown);
  state.apply('subsession-state', { ...s, timeLeft: 3 });
  assert.deepEqual(counts(), [3], 'at once');
  assert.deepEqual(emitted.map(([n]) => n), ['subsession-state-change', 'subsession-countdown'], 'the status first');
  seconds(1);
  assert.deepEqual(counts(), [3, 2]);
  // A new state while counting: a second off is the server's rounding, more sets the count,
  // without an extra event either way.
  state.apply('subsession-state', { ...s, timeLeft: 1 });
  assert.deepEqual(counts(), [3, 2]);
  state.apply('subsession-state', { ...s, timeLeft: 5 });
  assert.deepEqual(counts(), [3, 2]);
  seconds(1);
  assert.deepEqual(counts(), [3, 2, 4]);
  seconds(4);
  assert.deepEqual(counts(), [3, 2, 4, 3, 2, 1, 0]);
  seconds(3);
  assert.equal(counts().length, 7, 'stops at 0');
  // Time up, or the rooms closing, stop it.
  state.apply('subsession-state', { ...s, timeLeft: 60 });
  state.apply('subsession-time-up', {});
  seconds(3);
  assert.deepEqual(counts().slice(7), [60]);
  state.apply('subsession-state', { ...s, timeLeft: 60 });
  state.apply('subsession-state', { ...s, status: 3, timeLeft: undefined });
  seconds(3);
  assert.deepEqual(counts().slice(8), [60]);
});

test('closing-subsession-countdown is repeated each second down to 0', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  /** Lets `n` seconds pass, one at a time (a tick fires each timer once). @param {number} n */
  const seconds = (n) => { for (let i = 0; i < n; i++) t.mock.timers.tick(1000); };
  const { state, emitted } = recorded();
  const s = eventPayload('subsession-state');
  const counts = () => emitted.filter(([n]) => n === 'closing-subsession-countdown').map(([, p]) => p.countdown);
  state.apply('subsession-state', { ...s, status: 3, timeLeft: undefined });
  state.apply('closing-subsession-countdown', { countdown: 3 });
  assert.deepEqual(counts(), [3]);
  seconds(3);
  assert.deepEqual(counts(), [3, 2, 1, 0]);
  seconds(2);
  assert.deepEqual(counts(), [3, 2, 1, 0], 'stops at 0');
  // The rooms closed before the count reached 0: 0 at once, then nothing.
  state.apply('closing-subsession-countdown', { countdown: 10 });
  seconds(1);
  state.apply('subsession-state', { ...s, status: 4, timeLeft: undefined });
  seconds(5);
  assert.deepEqual(counts().slice(4), [10, 9, 0]);
  assert.deepEqual(emitted.slice(-2), [['closing-subsession-countdown', { countdown: 0 }], ['subsession-state-change', { status: 4 }]], '0, then Closed');
  assert.deepEqual(emitted.filter(([n]) => n === 'subsession-state-change').map(([, p]) => p.status), [3, 4]);
  // Leaving the session stops a count.
  state.apply('closing-subsession-countdown', { countdown: 10 });
  state.reset();
  seconds(5);
  assert.deepEqual(counts().slice(7), [10]);
});

/** A main session: Bea (me, 2), Cid (3, camera attached), Dan (4). */
function mainSession() {
  const r = joinResult();
  r.users = [
    { userId: 2, displayName: 'Bea', isManager: true, audio: 'computer', muted: true, bVideoOn: true },
    { userId: 3, displayName: 'Cid', bVideoOn: true },
    { userId: 4, displayName: 'Dan' },
  ];
  return new SessionState(r);
}

test('a move swaps the session and the user list, rebuilds the media, then says Connected', async () => {
  const { client, emitted } = fakeClient(mainSession());
  const gone = [];
  let rebuilt = 0;
  /** @type {any} */ (client)._stream = { _onUserGone: (/** @type {number} */ id) => gone.push(id), _afterMove: async () => { rebuilt++; } };
  /** @type {any} */ (client)._moving = Promise.resolve();
  /** @type {any} */ (client)._emit = (/** @type {string} */ n, /** @type {any} */ p) => emitted.push([n, p]);
  const moved = eventPayload('subsession-moved');
  moveRoom(/** @type {any} */ (client), moved);
  // At once: Reconnecting with the reference's reason, the new session, the users' deltas.
  assert.deepEqual(emitted[0], ['connection-change', { state: 'Reconnecting', reason: 'move to breakout room', subsessionName: 'Design' }]);
  assert.equal(client._session.sessionId, 's-9f2c~1', 'a resume goes to the room now');
  assert.equal(client._session.resumeToken, 'r-77aa');
  assert.deepEqual(client._session.sortedUsers().map((u) => u.displayName), ['Ann', 'Bea']);
  assert.deepEqual(emitted[1], ['user-removed', [{ userId: 3, displayName: 'Cid' }, { userId: 4, displayName: 'Dan' }]]);
  assert.equal(emitted[2][0], 'user-added');
  assert.deepEqual(emitted[2][1].map((/** @type {any} */ u) => [u.userId, u.displayName, u.isHost, u.bVideoOn]), [[1, 'Ann', true, true]]);
  assert.deepEqual(gone, [3, 4], 'the videos of users left behind are detached');
  assert.ok(!emitted.some(([, p]) => p && p.state === 'Connected'), 'not before the media is rebuilt');
  await client._moving;
  assert.equal(rebuilt, 1);
  assert.deepEqual(emitted.at(-1), ['connection-change', { state: 'Connected' }]);
  // Two moves in a row: two rebuilds, one after the other, and one Connected for the last room.
  emitted.length = 0;
  moveRoom(/** @type {any} */ (client), { ...moved, reason: 'back to main session', subsessionId: undefined, subsessionName: '', session: { ...joinResult(), sessionId: 's-9f2c' } });
  moveRoom(/** @type {any} */ (client), moved);
  await client._moving;
  assert.equal(rebuilt, 3);
  assert.deepEqual(emitted.filter(([n]) => n === 'connection-change').map(([, p]) => p.state), ['Reconnecting', 'Reconnecting', 'Connected']);
  assert.equal(emitted[0][1].reason, 'back to main session');
});

test('the client routes subsession events: the app sees the reference\'s, not Convene\'s own', async () => {
  const client = new VideoClient();
  /** @type {[string, any][]} */
  const seen = [];
  for (const n of ['connection-change', 'user-added', 'user-removed', 'subsession-state', 'subsession-moved', 'subsession-state-change']) {
    client.on(n, (p) => seen.push([n, p]));
  }
  client._session = mainSession();
  client._phase = 'joined';
  client._deliver('subsession-state', { ...eventPayload('subsession-state'), timeLeft: undefined });
  client._deliver('subsession-moved', eventPayload('subsession-moved'));
  await client._moving;
  assert.deepEqual(seen.map(([n, p]) => (n === 'connection-change' ? `${n} ${p.state}` : n)), [
    'subsession-state-change', 'connection-change Reconnecting', 'user-removed', 'user-added', 'connection-change Connected',
  ]);
  const sub = client.getSubsessionClient();
  assert.equal(client.getSubsessionClient(), sub, 'one client');
  assert.deepEqual(sub.getCurrentSubsession(), { userStatus: 'in room', subsessionName: 'Design', subsessionId: 's-9f2c~1' });
  assert.equal(client.getSessionInfo().sessionId, 's-9f2c~1');
  assert.deepEqual(client.getAllUser().map((u) => u.userId), [1, 2]);
  // Leaving the session forgets the rooms.
  client._teardown();
  assert.equal(sub.getSubsessionStatus(), 1);
  assert.equal(sub.getUserStatus(), 'initial');
});

test('after a move the media peer is new and sends again what was on, and asks again for the cameras still seen', async () => {
  /** @type {[string, any][]} */
  const sent = [];
  const client = { _phase: 'joined', _session: mainSession(), _request: async (/** @type {string} */ m, /** @type {any} */ p) => { sent.push([m, p]); return ''; } };
  const peer = new MediaPeer(/** @type {any} */ (client));
  let restarted = 0;
  peer._pc = /** @type {any} */ ({});
  peer._restartPeer = async () => { restarted++; };
  peer._audioStarted = true;
  peer._micTrack = /** @type {any} */ ({ enabled: false });
  peer._camTrack = /** @type {any} */ ({});
  peer._attached.set(1, { element: {}, quality: 2 });
  // The new room shows this user without media (the server starts each room afresh).
  client._session = new SessionState(eventPayload('subsession-moved').session);
  await peer._afterMove();
  assert.equal(restarted, 1, 'a new peer');
  assert.deepEqual(sent, [['startAudio', { mute: true }], ['startVideo', undefined], ['attachVideo', { userId: 1, videoQuality: 2 }]]);
  // Speaker-only audio comes back speaker-only; what the room already shows is not asked again.
  sent.length = 0;
  peer._micTrack = null;
  peer._camTrack = null;
  peer._attached.clear();
  await peer._afterMove();
  assert.deepEqual(sent, [['startAudio', { mute: false, speakerOnly: true }]]);
  sent.length = 0;
  client._session.me().audio = 'computer';
  await peer._afterMove();
  assert.deepEqual(sent, []);
});
