// Subsessions (breakout rooms, docs/subsessions.md) through the browser SDK's
// getSubsessionClient() against the real server: rooms scope user lists, chat and media; a
// moved page says Reconnecting (with the reference's reason) then Connected, and its camera
// and microphone work in the new room; leaving and closing bring users back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserPages, join, call, waitFor, waitEvent, topic } from './helpers.mjs';

const { page } = browserPages();

/** How many events the page has recorded so far (what comes after is the next step's). */
const mark = (p) => p.evaluate(() => window.events.length);

/**
 * Waits until the page, after event `since`, said Reconnecting for a move (`reason`,
 * `subsessionName`) and then Connected.
 */
function moved(p, since, reason, subsessionName) {
  return waitFor(p, ([since, reason, name]) => {
    const ev = window.events.slice(since).filter((e) => e.name === 'connection-change');
    const i = ev.findIndex((e) => e.payload.state === 'Reconnecting' && e.payload.reason === reason && e.payload.subsessionName === name);
    return i >= 0 && ev.slice(i + 1).some((e) => e.payload.state === 'Connected');
  }, [since, reason, subsessionName], 15000);
}

/** The user ids the page's client lists now. */
const userIds = (p) => call(p, (c) => c.getAllUser().map((u) => u.userId).sort((x, y) => x - y));

/** The chat messages the page received from others. */
const chats = (p) => p.evaluate(() => window.events
  .filter((e) => e.name === 'chat-on-message' && e.payload.sender.userId !== window.client.getCurrentUserInfo().userId)
  .map((e) => e.payload.message));

/** Frames decoded from the video the page shows in `#remote-<userId>`. */
async function decoded(p, userId) {
  return p.evaluate(async (userId) => {
    const s = window.client.getMediaStream();
    return (await s._stats('video')).decode.filter((d) => d.userId === userId).reduce((n, d) => n + d.framesDecoded, 0);
  }, userId);
}

/** Attaches `userId`'s camera in the page and waits until its frames are decoded, and keep coming. */
async function seesCamera(p, userId) {
  await p.evaluate(async (id) => {
    const el = await window.client.getMediaStream().attachVideo(id, 2);
    el.id = `remote-${id}`;
    document.body.appendChild(el);
  }, userId);
  await waitFor(p, (id) => document.getElementById(`remote-${id}`)?.videoWidth > 0, userId, 20000);
  const f1 = await decoded(p, userId);
  await new Promise((r) => setTimeout(r, 1000));
  const f2 = await decoded(p, userId);
  assert.ok(f2 > f1, `frames keep being decoded (${f1} -> ${f2})`);
}

test('subsessions (breakout rooms): moves, scoped users, chat and media, leave, close, privileges', async () => {
  const t = topic('rooms');
  const h = await page(), a = await page(), b = await page();
  assert.equal(await join(h, t, 1, 'Host'), '');
  assert.equal(await join(a, t, 0, 'Ann'), '');
  assert.equal(await join(b, t, 0, 'Bob'), '');
  const [hid, aid, bid] = await Promise.all([h, a, b].map((p) => call(p, (c) => c.getCurrentUserInfo().userId)));
  const mainId = await call(h, (c) => c.getSessionInfo().sessionId);
  await waitFor(h, () => window.client.getAllUser().length === 3);
  // Ann's camera and microphone run in the main session: the moves must start them again.
  assert.equal(await call(a, (c) => c.getMediaStream().startVideo()), '');
  assert.equal(await call(a, (c) => c.getMediaStream().startAudio()), '');
  // Bob shows the share from the main session on: each move gives his page a new share slot.
  await b.evaluate(async () => {
    const el = await window.client.getMediaStream().attachShareView();
    el.id = 'share';
    document.body.appendChild(el);
  });

  // A guest may not create rooms (the server's 5006, typed).
  const denied = await call(b, (c) => c.getSubsessionClient().createSubsessions(2));
  assert.equal(denied.thrown.errorCode, 5006);
  assert.equal(denied.thrown.type, 'INSUFFICIENT_PRIVILEGES');

  // Two rooms; the host assigns Ann to the first and Bob to the second and opens them with
  // auto-join and a 1 s closing countdown.
  const rooms = await call(h, (c) => c.getSubsessionClient().createSubsessions(['Room 1', 'Room 2']));
  assert.deepEqual(rooms.map((r) => r.subsessionName), ['Room 1', 'Room 2']);
  assert.deepEqual(rooms.map((r) => r.subsessionId), [`${mainId}~1`, `${mainId}~2`]);
  const [r1, r2] = rooms.map((r) => r.subsessionId);
  assert.equal(await call(h, (c) => c.getSubsessionClient().getSubsessionStatus()), 1, 'NotStarted');
  const [sa, sb] = [await mark(a), await mark(b)];
  assert.equal(await call(h, (c, [r1, r2, aid, bid]) => c.getSubsessionClient().openSubsessions([
    { subsessionId: r1, subsessionName: 'Room 1', userList: [{ userId: aid, displayName: 'Ann' }] },
    { subsessionId: r2, subsessionName: 'Room 2', userList: [{ userId: bid, displayName: 'Bob' }] },
  ], { isAutoJoinSubsession: true, waitSeconds: 1 }), [r1, r2, aid, bid]), '');
  await moved(a, sa, 'move to breakout room', 'Room 1');
  await moved(b, sb, 'move to breakout room', 'Room 2');
  for (const p of [h, a, b]) await waitEvent(p, 'subsession-state-change', (x) => x.status === 2);

  // Each room's user list is its own: each guest sees itself only, the host the main session.
  assert.deepEqual(await userIds(a), [aid]);
  assert.deepEqual(await userIds(b), [bid]);
  await waitFor(h, () => window.client.getAllUser().length === 1);
  assert.deepEqual(await call(a, (c) => c.getSubsessionClient().getCurrentSubsession()), { userStatus: 'in room', subsessionName: 'Room 1', subsessionId: r1 });
  assert.equal(await call(a, (c) => c.getSessionInfo().sessionId), r1, 'the room is the session now');
  assert.deepEqual(await call(b, (c) => c.getSubsessionClient().getCurrentSubsession()), { userStatus: 'in room', subsessionName: 'Room 2', subsessionId: r2 });
  const list = await waitFor(h, ([aid, bid]) => {
    const l = window.client.getSubsessionClient().getSubsessionList();
    return l.length === 2 && l[0].userList.some((u) => u.userId === aid && u.isInSubsession)
      && l[1].userList.some((u) => u.userId === bid && u.isInSubsession) && l;
  }, [aid, bid]);
  assert.deepEqual(list.map((r) => r.subsessionName), ['Room 1', 'Room 2']);
  assert.deepEqual(await call(h, (c) => c.getSubsessionClient().getUnassignedUserList().map((u) => u.userId)), [hid]);
  assert.deepEqual(await call(h, (c) => c.getSubsessionClient().getSubsessionOptions().waitSeconds), 1);

  // Chat stays in its room.
  await call(a, (c) => c.getChatClient().sendToAll('from room 1'));
  await call(b, (c) => c.getChatClient().sendToAll('from room 2'));
  // The host's broadcast reaches every room; a guest's call for help reaches the host.
  assert.equal(await call(h, (c) => c.getSubsessionClient().broadcast('five minutes left')), '');
  for (const p of [a, b]) await waitEvent(p, 'subsession-broadcast-message', (x) => x.message === 'five minutes left');
  assert.equal(await call(a, (c) => c.getSubsessionClient().askForHelp()), '');
  const help = await waitEvent(h, 'subsession-ask-for-help', () => true);
  assert.deepEqual(help, { userId: aid, displayName: 'Ann', subsessionName: 'Room 1', subsessionId: r1 });
  assert.deepEqual(await waitEvent(a, 'subsession-ask-for-help-response', () => true), { result: 0 });

  // The host moves Bob into Room 1: Ann sees him arrive, and his page gets her camera and
  // microphone, which her page started again after its own move.
  const sb2 = await mark(b);
  assert.equal(await call(h, (c, [bid, r1]) => c.getSubsessionClient().moveUserToSubsession(bid, r1), [bid, r1]), '');
  await moved(b, sb2, 'move to breakout room', 'Room 1');
  await waitEvent(a, 'user-added', `(p) => p.some((u) => u.userId === ${bid})`);
  assert.deepEqual(await userIds(b), [aid, bid].sort((x, y) => x - y));
  await waitFor(b, (id) => window.client.getUser(id)?.bVideoOn && window.client.getUser(id)?.audio === 'computer', aid);
  await seesCamera(b, aid);
  await waitFor(b, async (id) => {
    const s = await window.client.getMediaStream()._stats('audio');
    return s.decode.some((d) => d.userId === id && d.packets > 20);
  }, aid, 15000);
  // Ann shares her screen in Room 1: Bob's share view, made in the main session, shows it.
  assert.equal(await call(a, (c) => c.getMediaStream().startShareScreen()), '');
  await waitEvent(b, 'active-share-change', `(p) => p.state === 'Active' && p.userId === ${aid}`);
  await waitFor(b, () => {
    const el = document.getElementById('share');
    // A live track with frames (the old peer's ended track shows a 2x2 picture).
    return el.srcObject?.getVideoTracks()[0]?.readyState === 'live' && el.videoWidth > 16;
  }, undefined, 20000);
  // Room 1's chat reaches Bob now; nothing crossed rooms before.
  await call(a, (c) => c.getChatClient().sendToAll('room 1 again'));
  await waitEvent(b, 'chat-on-message', (m) => m.message === 'room 1 again');
  assert.deepEqual(await chats(b), ['room 1 again']);
  assert.deepEqual(await chats(a), []);
  assert.deepEqual(await chats(h), []);

  // Bob goes back by himself.
  const sb3 = await mark(b);
  assert.equal(await call(b, (c) => c.getSubsessionClient().leaveSubsession()), '');
  await moved(b, sb3, 'back to main session', '');
  assert.equal(await call(b, (c) => c.getSubsessionClient().getUserStatus()), 'main session');
  assert.deepEqual(await userIds(b), [hid, bid].sort((x, y) => x - y));
  assert.equal(await call(b, (c) => c.getSessionInfo().sessionId), mainId);
  await waitEvent(a, 'user-removed', `(p) => p.some((u) => u.userId === ${bid})`);
  await waitEvent(h, 'user-added', `(p) => p.some((u) => u.userId === ${bid})`);

  // The host closes the rooms: a 1 s countdown, then Ann is back and the status is Closed.
  const sa2 = await mark(a);
  assert.equal(await call(h, (c) => c.getSubsessionClient().closeAllSubsessions()), '');
  for (const p of [h, a, b]) {
    await waitEvent(p, 'subsession-state-change', (x) => x.status === 4);
    const seen = await p.evaluate(() => Object.fromEntries(['closing-subsession-countdown', 'subsession-state-change']
      .map((n) => [n, window.events.filter((e) => e.name === n).map((e) => e.payload.countdown ?? e.payload.status)])));
    assert.deepEqual(seen, { 'closing-subsession-countdown': [1, 0], 'subsession-state-change': [2, 3, 4] });
  }
  await moved(a, sa2, 'back to main session', '');
  assert.equal(await call(h, (c) => c.getSubsessionClient().getSubsessionStatus()), 4);
  assert.deepEqual(await call(a, (c) => c.getSubsessionClient().getCurrentSubsession()), { userStatus: 'main session', subsessionName: '', subsessionId: '' });
  await waitFor(h, () => window.client.getAllUser().length === 3);
  assert.deepEqual(await userIds(a), [hid, aid, bid].sort((x, y) => x - y));
  // Ann's camera came back with her: the host gets its frames.
  await waitFor(h, (id) => window.client.getUser(id)?.bVideoOn, aid);
  await seesCamera(h, aid);
});

test('subsessions: an invitation, joinSubsession, the timer counting down, time up, closing at once', async () => {
  const t = topic('rooms-timer');
  const h = await page(), a = await page();
  assert.equal(await join(h, t, 1, 'Host'), '');
  assert.equal(await join(a, t, 0, 'Ann'), '');
  const aid = await call(a, (c) => c.getCurrentUserInfo().userId);
  const [room] = await call(h, (c) => c.getSubsessionClient().createSubsessions(1));
  assert.equal(room.subsessionName, 'Subsession 1');
  // Without auto-join the assigned guest is invited, and goes in itself.
  assert.equal(await call(h, (c, [room, aid]) => c.getSubsessionClient().openSubsessions(
    [{ ...room, userList: [{ userId: aid, displayName: 'Ann' }] }], { isTimerEnabled: true, timerDuration: 3, waitSeconds: 0 }), [room, aid]), '');
  assert.deepEqual(await waitEvent(a, 'subsession-invite-to-join', () => true), { subsessionId: room.subsessionId, subsessionName: 'Subsession 1' });
  assert.deepEqual(await call(a, (c) => c.getSubsessionClient().getCurrentSubsession()), { userStatus: 'invited', subsessionName: 'Subsession 1', subsessionId: room.subsessionId });
  const since = await mark(a);
  assert.equal(await call(a, (c, id) => c.getSubsessionClient().joinSubsession(id), room.subsessionId), '');
  await moved(a, since, 'join breakout room', 'Subsession 1');
  assert.equal(await call(a, (c) => c.getSubsessionClient().getUserStatus()), 'in room');
  // The timer: each second, from its 3 s, until time is up (the rooms stay open).
  for (const p of [h, a]) {
    // (time-up has no payload: waitEvent cannot see it)
    await waitFor(p, () => window.events.some((e) => e.name === 'subsession-time-up'), undefined, 8000);
    const seen = await p.evaluate(() => window.events.filter((e) => ['subsession-state-change', 'subsession-countdown'].includes(e.name))
      .map((e) => `${e.name} ${e.payload.countdown ?? e.payload.status}`));
    assert.deepEqual(seen.slice(0, 4), ['subsession-state-change 2', 'subsession-countdown 3', 'subsession-countdown 2', 'subsession-countdown 1']);
  }
  assert.equal(await call(h, (c) => c.getSubsessionClient().getSubsessionStatus()), 2);
  // waitSeconds 0: closed at once.
  const since2 = await mark(a);
  assert.equal(await call(h, (c) => c.getSubsessionClient().closeAllSubsessions()), '');
  await moved(a, since2, 'back to main session', '');
  await waitEvent(a, 'subsession-state-change', (x) => x.status === 4);
  assert.equal(await call(h, (c) => c.getSubsessionClient().getSubsessionStatus()), 4);
});

test('subsessions: a guest moved while its connection is lost resumes into the room, its camera on again', async () => {
  const t = topic('rooms-failover');
  const h = await page(), a = await page();
  assert.equal(await join(h, t, 1, 'Host'), '');
  assert.equal(await join(a, t, 0, 'Ann'), '');
  const aid = await call(a, (c) => c.getCurrentUserInfo().userId);
  assert.equal(await call(a, (c) => c.getMediaStream().startVideo()), '');
  const [room] = await call(h, (c) => c.getSubsessionClient().createSubsessions('Away'));
  assert.equal(await call(h, (c, room) => c.getSubsessionClient().openSubsessions([room]), room), '');
  await waitEvent(a, 'subsession-state-change', (x) => x.status === 2);
  // Ann's connection is lost (and her reconnects refused for now); the host moves her.
  await a.evaluate(() => {
    window.RealWebSocket = window.WebSocket;
    window.WebSocket = function Blocked() { throw new Error('blocked by the test'); };
    window.client._sig._ws.close();
  });
  await waitEvent(a, 'connection-change', (p) => p.state === 'Reconnecting' && p.reason === 'failover');
  await waitEvent(h, 'user-updated', `(p) => p.some((u) => u.userId === ${aid} && u.isInFailover === true)`);
  assert.equal(await call(h, (c, [aid, id]) => c.getSubsessionClient().moveUserToSubsession(aid, id), [aid, room.subsessionId]), '');
  const since = await mark(a);
  await a.evaluate(() => { window.WebSocket = window.RealWebSocket; });
  await waitFor(a, (since) => window.events.slice(since).some((e) => e.name === 'connection-change' && e.payload.state === 'Connected'), since, 15000);
  assert.deepEqual(await call(a, (c) => c.getSubsessionClient().getCurrentSubsession()), { userStatus: 'in room', subsessionName: 'Away', subsessionId: room.subsessionId });
  assert.equal(await call(a, (c) => c.getSessionInfo().sessionId), room.subsessionId);
  assert.deepEqual(await userIds(a), [aid]);
  // The host goes in (any room for the host) and gets her camera, which her page started again.
  const sh = await mark(h);
  assert.equal(await call(h, (c, id) => c.getSubsessionClient().joinSubsession(id), room.subsessionId), '');
  await moved(h, sh, 'join breakout room', 'Away');
  await waitFor(h, (id) => window.client.getUser(id)?.bVideoOn, aid);
  await seesCamera(h, aid);
});
