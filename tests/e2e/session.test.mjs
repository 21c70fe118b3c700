// Signaling lifecycle, users, roles, moderation, errors, chat and command channel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserPages, join, call, waitFor, waitEvent, topic, token } from './helpers.mjs';

const { page } = browserPages();

test('namespace: VERSION, singleton client, system requirements, 6002 before join', async () => {
  const a = await page();
  const r = await a.evaluate(async () => {
    const same = window.ZV.createClient() === window.ZV.createClient();
    const req = window.ZV.checkSystemRequirements();
    let early;
    try { await window.client.join('t', 'x', 'n'); } catch (e) { early = e; }
    let media;
    try { window.client.getMediaStream(); } catch (e) { media = e; }
    const initRes = await window.client.init('en-US', 'Global', { patchJsMedia: true, stayAwake: true, leaveOnPageUnload: false });
    let notJoined;
    try { await window.client.removeUser(5); } catch (e) { notJoined = e; }
    return { v: typeof window.ZV.VERSION, same, req, early, media, initRes, notJoined, info: window.client.getSessionInfo() };
  });
  assert.equal(r.v, 'string');
  assert.equal(r.same, true);
  assert.deepEqual(r.req, { audio: true, video: true, screen: true });
  assert.equal(r.early.type, 'INVALID_OPERATION');
  assert.equal(r.early.errorCode, 5000);
  assert.equal(r.media.errorCode, 6002);
  assert.equal(r.initRes, '');
  assert.equal(r.notJoined.errorCode, 5002);
  assert.equal(r.info.isInMeeting, false);
});

test('two users join and see each other; session info; roles', async () => {
  const t = topic('Two Users');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'Ann'), '');
  const connected = await waitEvent(a, 'connection-change', (p) => p.state === 'Connected');
  assert.equal(connected.state, 'Connected');
  assert.equal(await join(b, t, 0, 'Bob'), '');
  const added = await waitEvent(a, 'user-added', (p) => p.some((u) => u.displayName === 'Bob'));
  assert.ok(Array.isArray(added));
  const bobId = added.find((u) => u.displayName === 'Bob').userId;
  // The wire leaves default fields out; the app gets every one.
  const { userId: _id, ...bob } = added.find((u) => u.displayName === 'Bob');
  assert.deepEqual(bob, { displayName: 'Bob', audio: '', bVideoOn: false, sharerOn: false, isHost: false, isManager: false, isInFailover: false, isSpeakerOnly: false,
    sharerPause: false, isAllowIndividualRecording: false, isVideoConnect: false });
  // The list is updated before the event reaches listeners.
  const ia = await call(a, (c) => ({ all: c.getAllUser(), me: c.getCurrentUserInfo(), info: c.getSessionInfo(), host: c.getSessionHost(), isHost: c.isHost(), isOrig: c.isOriginalHost(), isMgr: c.isManager() }));
  assert.equal(ia.all.length, 2);
  assert.deepEqual(ia.all.map((u) => u.displayName).sort(), ['Ann', 'Bob']);
  assert.equal(ia.me.displayName, 'Ann');
  assert.equal(ia.me.isHost, true);
  assert.equal(ia.isHost, true);
  assert.equal(ia.isOrig, true);
  assert.equal(ia.isMgr, false);
  assert.equal(ia.info.topic, t);
  assert.equal(ia.info.userName, 'Ann');
  assert.equal(ia.info.isInMeeting, true);
  assert.equal(typeof ia.info.sessionId, 'string');
  assert.ok(ia.info.sessionId.length > 0);
  assert.equal(ia.host.userId, ia.me.userId);
  const ib = await call(b, (c) => ({ all: c.getAllUser(), me: c.getCurrentUserInfo(), host: c.getSessionHost(), isHost: c.isHost(), sid: c.getSessionInfo().sessionId, u: c.getUser(c.getSessionHost().userId) }));
  assert.equal(ib.all.length, 2);
  assert.equal(ib.all.find((u) => u.displayName === 'Ann').isManager, false);
  assert.equal(ib.me.userId, bobId);
  assert.equal(ib.host.displayName, 'Ann');
  assert.equal(ib.isHost, false);
  assert.equal(ib.sid, ia.info.sessionId);
  assert.equal(ib.u.displayName, 'Ann');

  // Rename (delta user-updated applied before listeners run) and manager grant.
  const checked = b.evaluate(() => new Promise((res) => {
    const h = (p) => { if (p.some((u) => u.displayName === 'Bobby')) { window.client.off('user-updated', h); res(window.client.getCurrentUserInfo().displayName); } };
    window.client.on('user-updated', h);
  }));
  assert.equal(await call(a, (c, id) => c.changeName('Bobby', id), bobId), '');
  assert.equal(await checked, 'Bobby');
  assert.equal(await call(a, (c, id) => c.makeManager(id), bobId), '');
  await waitFor(b, () => window.client.isManager());
  assert.equal(await call(a, (c, id) => c.revokeManager(id), bobId), '');
  await waitFor(b, () => !window.client.isManager());
  // Participant privileges are refused by the server.
  const denied = await call(b, (c, id) => c.makeHost(id), ia.me.userId);
  assert.equal(denied.thrown.errorCode, 5007);
  const unknown = await call(a, (c) => c.removeUser(99999));
  assert.equal(unknown.thrown.errorCode, 5011);
  // Host hand-over and reclaim.
  assert.equal(await call(a, (c, id) => c.makeHost(id), bobId), '');
  await waitFor(b, () => window.client.isHost());
  await waitFor(a, () => !window.client.isHost());
  assert.equal(await call(a, (c) => c.reclaimHost()), '');
  await waitFor(a, () => window.client.isHost());

  // Leave: the other side sees user-removed.
  assert.equal(await call(b, (c) => c.leave()), '');
  await waitEvent(a, 'user-removed', `(p) => p.some((u) => u.userId === ${bobId})`);
  assert.equal(await call(a, (c) => c.getAllUser().length), 1);
  assert.equal(await call(b, (c) => c.getSessionInfo().isInMeeting), false);
});

test('host removes a participant: kicked by host, cannot rejoin (3009)', async () => {
  const t = topic('kick');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'Host'), '');
  const guestToken = token(t, 0);
  assert.equal(await join(b, t, 0, 'Guest', undefined, undefined, guestToken), '');
  const bid = await call(b, (c) => c.getCurrentUserInfo().userId);
  // A participant may not remove anyone.
  const r = await call(b, (c, id) => c.removeUser(id), await call(a, (c) => c.getCurrentUserInfo().userId));
  assert.equal(r.thrown.errorCode, 5006);
  assert.equal(r.thrown.type, 'INSUFFICIENT_PRIVILEGES');
  assert.equal(await call(a, (c, id) => c.removeUser(id), bid), '');
  const cc = await waitEvent(b, 'connection-change', (p) => p.state === 'Closed');
  assert.equal(cc.reason, 'kicked by host');
  await waitEvent(a, 'user-removed', `(p) => p.some((u) => u.userId === ${bid})`);
  assert.equal(await call(b, (c) => c.getSessionInfo().isInMeeting), false);
  // The removed user's token no longer gets in.
  const again = await join(b, t, 0, 'Guest', undefined, undefined, guestToken);
  assert.equal(again.errorCode, 3009);
});

test('join errors: passcode 3004, twice 5012, bad topic/passcode/idle 5013, bad token 200', async () => {
  const t = topic('errors');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'Host', 'pw123'), '');
  const twice = await call(a, (c, t) => c.join(t, 'x', 'again'), t);
  assert.equal(twice.thrown.errorCode, 5012);
  assert.equal(twice.thrown.type, 'INVALID_OPERATION');
  const wrong = await join(b, t, 0, 'Guest', 'nope');
  assert.equal(wrong.errorCode, 3004);
  assert.equal(wrong.type, 'INVALID_PARAMETERS');
  const none = await join(b, t, 0, 'Guest');
  assert.equal(none.errorCode, 3004);
  const long = await call(b, (c) => c.join('x'.repeat(151), 'tok', 'n').catch((e) => e));
  assert.equal(long.errorCode, 5013);
  const empty = await call(b, (c) => c.join('', 'tok', 'n').catch((e) => e));
  assert.equal(empty.errorCode, 5013);
  const pw = await call(b, (c) => c.join('abc', 'tok', 'n', 'x'.repeat(11)).catch((e) => e));
  assert.equal(pw.errorCode, 5013);
  const pw2 = await call(b, (c) => c.join('abc', 'tok', 'n', 'pä').catch((e) => e));
  assert.equal(pw2.errorCode, 5013);
  const idle = await call(b, (c) => c.join('abc', 'tok', 'n', '', 1.5).catch((e) => e));
  assert.equal(idle.errorCode, 5013);
  const bad = await call(b, (c, t) => c.join(t, 'not.a.jwt', 'n', 'pw123').catch((e) => e), t);
  assert.equal(bad.errorCode, 200);
  const mismatch = await b.evaluate(async ([t, tok]) => window.client.join(t, tok, 'n', 'pw123').catch((e) => e), [t, token('another-topic', 0)]);
  assert.equal(mismatch.errorCode, 200);
  // After all those failures the client still joins.
  assert.equal(await join(b, t, 0, 'Guest', 'pw123'), '');
  assert.equal(await call(b, (c) => c.getSessionInfo().password), 'pw123');
  // A participant cannot end the session.
  const end = await call(b, (c) => c.leave(true));
  assert.equal(end.thrown.errorCode, 5007);
});

test('chat: public and private messages, privacy between three users, privilege', async () => {
  const t = topic('chat');
  const a = await page(), b = await page(), c = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'B'), '');
  assert.equal(await join(c, t, 0, 'C'), '');
  const ids = {};
  for (const [n, p] of [['a', a], ['b', b], ['c', c]]) ids[n] = await call(p, (cl) => cl.getCurrentUserInfo().userId);
  const pub = await call(a, (cl) => cl.getChatClient().sendToAll('hello all'));
  assert.equal(pub.message, 'hello all');
  assert.equal(pub.receiver.userId, 0);
  await waitEvent(b, 'chat-on-message', (m) => m.message === 'hello all');
  await waitEvent(c, 'chat-on-message', (m) => m.message === 'hello all');
  const priv = await call(b, (cl, id) => cl.getChatClient().send('secret for A', id), ids.a);
  assert.equal(priv.receiver.userId, ids.a);
  assert.equal(priv.sender.userId, ids.b);
  const got = await waitEvent(a, 'chat-on-message', (m) => m.message === 'secret for A');
  assert.equal(got.sender.name, 'B');
  // Give C every chance to (wrongly) receive it, then check.
  await call(a, (cl) => cl.getChatClient().sendToAll('marker'));
  await waitEvent(c, 'chat-on-message', (m) => m.message === 'marker');
  await waitEvent(b, 'chat-on-message', (m) => m.message === 'marker');
  const cMsgs = await c.evaluate(() => window.events.filter((e) => e.name === 'chat-on-message').map((e) => e.payload.message));
  assert.deepEqual(cMsgs, ['hello all', 'marker']);
  assert.deepEqual((await call(c, (cl) => cl.getChatClient().getHistory())).map((m) => m.message), ['hello all', 'marker']);
  assert.deepEqual((await call(b, (cl) => cl.getChatClient().getHistory())).map((m) => m.message), ['hello all', 'secret for A', 'marker']);
  const long = (i) => `${i}` + 'é€'.repeat(1900);
  for (const i of [1, 2, 3, 4]) await call(a, (cl, m) => cl.getChatClient().sendToAll(m), long(i));
  await waitEvent(c, 'chat-on-message', (m) => m.message.startsWith('4é'));
  const hist = (await call(c, (cl) => cl.getChatClient().getHistory())).map((m) => m.message);
  assert.deepEqual(hist, ['hello all', 'marker', long(1), long(2), long(3), long(4)]);
  // The server's copy, which the SDK re-reads after a failover, is the same: tens of
  // kilobytes the server writes as WebSocket fragments, which Chromium must put back together
  // (multi-byte characters cut at fragment ends included).
  const served = (await call(c, (cl) => cl._request('chat.getHistory'))).map((m) => m.message);
  assert.deepEqual(served, hist);
  // Errors.
  assert.equal((await call(b, (cl) => cl.getChatClient().sendToAll(''))).thrown.errorCode, 7000);
  assert.equal((await call(b, (cl) => cl.getChatClient().send('x', 424242))).thrown.errorCode, 7001);
  assert.equal((await call(b, (cl) => cl.getChatClient().setPrivilege(4))).thrown.errorCode, 5006);
  // Privilege: public only.
  assert.equal(await call(a, (cl) => cl.getChatClient().setPrivilege(5)), '');
  await waitEvent(b, 'chat-privilege-change', (p) => p.chatPrivilege === 5);
  assert.equal(await call(b, (cl) => cl.getChatClient().getPrivilege()), 5);
  assert.equal((await call(b, (cl, id) => cl.getChatClient().send('private?', id), ids.c)).thrown.errorCode, 7002);
  assert.equal((await call(b, (cl) => cl.getChatClient().sendToAll('public ok'))).message, 'public ok');
});

test('command channel: broadcast and direct', async () => {
  const t = topic('cmd');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'B'), '');
  const aid = await call(a, (c) => c.getCurrentUserInfo().userId);
  const r = await call(b, (c) => c.getCommandClient().send('{"x":1}'));
  assert.equal(r.text, '{"x":1}');
  const m = await waitEvent(a, 'command-channel-message', (p) => p.text === '{"x":1}');
  assert.equal(m.senderName, 'B');
  assert.equal(typeof m.senderId, 'string');
  const d = await call(b, (c, id) => c.getCommandClient().send('direct', id), aid);
  assert.equal(d.receiverId, aid);
  await waitEvent(a, 'command-channel-message', (p) => p.text === 'direct');
  assert.equal((await call(b, (c) => c.getCommandClient().send('x'.repeat(513)))).thrown.errorCode, 7103);
  // A receiver that is not a user (unknown, or not a number) is an error, never a broadcast.
  assert.equal((await call(b, (c) => c.getCommandClient().send('to nobody', 987654))).thrown.errorCode, 7101);
  assert.equal((await call(b, (c) => c.getCommandClient().send('to nobody', 'abc'))).thrown.errorCode, 7101);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(!(await a.evaluate(() => window.events.some((e) => e.name === 'command-channel-message' && e.payload.text === 'to nobody'))));
});

test('leave(true) ends the session for everyone with "ended by host"', async () => {
  const t = topic('end');
  const a = await page(), b = await page(), c = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'B'), '');
  assert.equal(await join(c, t, 1, 'C (manager)'), '');
  assert.equal(await call(c, (cl) => cl.isManager()), true);
  const sid = await call(a, (cl) => cl.getSessionInfo().sessionId);
  assert.equal(await call(a, (cl) => cl.leave(true)), '');
  for (const p of [b, c]) {
    const cc = await waitEvent(p, 'connection-change', (x) => x.state === 'Closed');
    assert.equal(cc.reason, 'ended by host');
    assert.equal(await call(p, (cl) => cl.getSessionInfo().isInMeeting), false);
  }
  // A new instance of the same topic starts fresh.
  assert.equal(await join(b, t, 0, 'B'), '');
  const sid2 = await call(b, (cl) => cl.getSessionInfo().sessionId);
  assert.notEqual(sid2, sid);
});

test('failover: a dropped socket reconnects with the same userId', async () => {
  const t = topic('failover');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'B'), '');
  const bid = await call(b, (c) => c.getCurrentUserInfo().userId);
  await b.evaluate(() => { window.events = []; window.client._sig._ws.close(); });
  await waitEvent(b, 'connection-change', (p) => p.state === 'Reconnecting' && p.reason === 'failover');
  await waitEvent(b, 'connection-change', (p) => p.state === 'Connected');
  assert.equal(await call(b, (c) => c.getCurrentUserInfo().userId), bid);
  assert.equal(await call(b, (c) => c.getSessionInfo().isInMeeting), true);
  // Still fully working.
  await call(b, (c) => c.getChatClient().sendToAll('back'));
  await waitEvent(a, 'chat-on-message', (m) => m.message === 'back');
  assert.equal(await call(a, (c) => c.getAllUser().length), 2);
});

test('destroyClient then a new client joins again', async () => {
  const t = topic('destroy');
  const a = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  const r = await a.evaluate(async ([t, tok]) => {
    const old = window.client;
    await window.ZV.destroyClient();
    const c = window.ZV.createClient();
    await c.init('en-US', 'Global');
    const res = await c.join(t, tok, 'A2');
    return { fresh: c !== old, res, n: c.getAllUser().length, name: c.getCurrentUserInfo().displayName };
  }, [t, token(t, 1)]);
  assert.deepEqual(r, { fresh: true, res: '', n: 1, name: 'A2' });
});

test('others see isInFailover while a user reconnects; a refused resume ends in Fail', async () => {
  const t = topic('failover-fail');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'B'), '');
  const bid = await call(b, (c) => c.getCurrentUserInfo().userId);
  // Refuse B's reconnects for now.
  await b.evaluate(() => {
    window.events = [];
    window.RealWebSocket = window.WebSocket;
    window.WebSocket = function Blocked() { throw new Error('blocked by the test'); };
    window.client._sig._ws.close();
  });
  await waitEvent(b, 'connection-change', (p) => p.state === 'Reconnecting' && p.reason === 'failover');
  await waitEvent(a, 'user-updated', `(p) => p.some((u) => u.userId === ${bid} && u.isInFailover === true)`);
  assert.equal(await call(a, (c, id) => c.getUser(id).isInFailover, bid), true);
  const during = await call(b, (c) => c.changeName('x'));
  assert.equal(during.thrown.errorCode, 5003);
  assert.equal(await call(b, (c) => c.getSessionInfo().isInMeeting), false);
  // The host removes B meanwhile; B's resume is then refused for good.
  assert.equal(await call(a, (c, id) => c.removeUser(id), bid), '');
  await b.evaluate(() => { window.WebSocket = window.RealWebSocket; });
  const fail = await waitEvent(b, 'connection-change', (p) => p.state === 'Fail', 30000);
  assert.equal(typeof fail.reason, 'string');
  assert.equal(await call(b, (c) => c.getAllUser().length), 0);
});

test('leaveOnPageUnload: closing the page leaves at once (no failover)', async () => {
  const t = topic('unload');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  await b.evaluate(() => window.client.init('en-US', 'Global', { leaveOnPageUnload: true }));
  assert.equal(await b.evaluate(([t, tok]) => window.client.join(t, tok, 'B'), [t, token(t, 0)]), '');
  const bid = await call(b, (c) => c.getCurrentUserInfo().userId);
  await b.close({ runBeforeUnload: true });
  await waitEvent(a, 'user-removed', `(p) => p.some((u) => u.userId === ${bid})`, 5000);
  const failover = await a.evaluate((id) => window.events.some((e) => e.name === 'user-updated' && e.payload.some((u) => u.userId === id && u.isInFailover)), bid);
  assert.equal(failover, false);
});

test('names: long names truncated to 200, empty shows "null"; rename lock 5014', async () => {
  const t = topic('names');
  const a = await page(), b = await page(), c = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'x'.repeat(250)), '');
  assert.equal(await join(c, t, 0, ''), '');
  assert.equal((await call(b, (cl) => cl.getCurrentUserInfo().displayName)).length, 200);
  assert.equal(await call(c, (cl) => cl.getSessionInfo().userName), 'null');
  assert.equal(await call(a, (cl) => cl.allowParticipantsToRename(false)), '');
  const r = await call(c, (cl) => cl.changeName('Cy'));
  assert.equal(r.thrown.errorCode, 5014);
  assert.equal(r.thrown.type, 'OPERATION_LOCKED');
  assert.equal(await call(a, (cl) => cl.allowParticipantsToRename(true)), '');
  assert.equal(await call(c, (cl) => cl.changeName('Cy')), '');
  await waitFor(a, () => window.client.getAllUser().some((u) => u.displayName === 'Cy'));
});

test('init options: webEndpoint as host:port, http URL and ws URL', async () => {
  const a = await page();
  const t = topic('endpoint');
  const r = await a.evaluate(async ([t, tok]) => {
    const out = [];
    for (const ep of [location.host, location.origin, `ws://${location.host}/rtc/v1`]) {
      await window.ZV.destroyClient();
      const c = window.ZV.createClient();
      await c.init('en-US', 'Global', { webEndpoint: ep, stayAwake: true });
      out.push(await c.join(t, tok, 'E').catch((e) => e));
      await c.leave();
    }
    return out;
  }, [t, token(t, 1)]);
  assert.deepEqual(r, ['', '', '']);
});
