// The browser SDK on a cluster (docs/scale-out.md): a real redis-server and two
// `convene serve --redis` nodes inside the test's namespace. A page that joins through the node
// not hosting the session is redirected to the one that does; both pages see each other and
// each other's camera. The hosting node is then killed (SIGKILL): both pages fail over through
// the other node with their user ids, the host still host, no `Fail`, and their cameras play
// again. With cascading (`--cascade-above 1`, two more nodes), the second page's media goes to
// the other node's SFU while both pages signal through the owner: each sees the other's camera
// across the relay, the second sees the first's share, and both see each other again after
// that edge node is killed. Skipped without redis-server
// unless CONVENE_REQUIRE_REDIS=1 (CI).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { launch, listening, newPage, join, call, waitFor, waitEvent, topic } from './helpers.mjs';

const BIN = process.env.CONVENE_BIN || 'target/debug/convene';
const APP = `${process.env.CONVENE_KEY || 'e2e-key'}:${process.env.CONVENE_SECRET || 'e2e-secret-0123456789abcdef'}`;
const REDIS_PORT = 16391;
const PORTS = [18493, 18494];
const URLS = PORTS.map((p) => `http://127.0.0.1:${p}`);
/** The cascading pair. */
const CASCADE_PORTS = [18495, 18496];
/** node port → its process */
const nodes = new Map();
let redis = null;
let browser;

function haveRedis() {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    assert.notEqual(process.env.CONVENE_REQUIRE_REDIS, '1', 'redis-server is required');
    return false;
  }
}

/** Starts a node on each of `ports` with `extra` flags, and waits until each knows the others. */
async function startNodes(ports, extra = []) {
  for (const port of ports) {
    nodes.set(port, spawn(BIN, ['serve', '--bind', `127.0.0.1:${port}`, '--media-port', '0', '--app', APP,
      '--redis', `redis://127.0.0.1:${REDIS_PORT}/`, '--node-id', `e2e-${port}`, '--failover-window-secs', '60', ...extra],
    { stdio: 'ignore' }));
  }
  for (const p of ports) await listening(p);
  // Each node hears of the others within a keeper round (1 s).
  await new Promise((r) => setTimeout(r, 1500));
}

/** Kills the node on `port` (SIGKILL). */
function kill(port) {
  nodes.get(port)?.kill('SIGKILL');
  nodes.delete(port);
}

before(async () => {
  if (!haveRedis()) return;
  redis = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(REDIS_PORT), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await listening(REDIS_PORT);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  for (const n of nodes.values()) n.kill('SIGKILL');
  redis?.kill();
});

/** Attaches `other`'s camera in `page` and waits until it plays. */
async function seesCamera(page, other) {
  await page.evaluate(async (id) => {
    document.getElementById('remote')?.remove();
    const el = await window.client.getMediaStream().attachVideo(id, 1);
    el.id = 'remote';
    document.body.appendChild(el);
  }, other);
  await waitFor(page, () => document.getElementById('remote')?.videoWidth > 0, undefined, 20000);
}

test('two pages meet through two nodes, and come back through the other when the host node dies', async (t) => {
  if (!redis) return t.skip('redis-server is not installed');
  await startNodes(PORTS);
  const tpc = topic('cluster');
  const a = await newPage(browser, { url: URLS[0] });
  const b = await newPage(browser, { url: URLS[1] });
  try {
    // A places the session on its node (0); B joins through node 1 and is sent to node 0.
    assert.equal(await join(a, tpc, 1, 'A'), '');
    assert.equal(await join(b, tpc, 0, 'B'), '');
    const sid = await call(a, (c) => c.getSessionInfo().sessionId);
    assert.equal(await call(b, (c) => c.getSessionInfo().sessionId), sid, 'one session');
    const aid = await call(a, (c) => c.getCurrentUserInfo().userId);
    const bid = await call(b, (c) => c.getCurrentUserInfo().userId);
    await waitFor(a, () => window.client.getAllUser().length === 2);
    await waitFor(b, () => window.client.getAllUser().length === 2);
    for (const p of [a, b]) assert.equal(await call(p, (c) => c.getMediaStream().startVideo()), '');
    await seesCamera(b, aid);
    await seesCamera(a, bid);

    // The hosting node dies: both pages come back through node 1 (after its lease lapses).
    for (const p of [a, b]) await p.evaluate(() => { window.events.length = 0; });
    kill(PORTS[0]);
    for (const p of [a, b]) {
      await waitEvent(p, 'connection-change', (e) => e.state === 'Reconnecting', 10000);
      await waitEvent(p, 'connection-change', (e) => e.state === 'Connected', 30000);
    }
    for (const [p, me] of [[a, aid], [b, bid]]) {
      assert.equal(await call(p, (c) => c.getSessionInfo().sessionId), sid, 'the same session');
      assert.equal(await call(p, (c) => c.getCurrentUserInfo().userId), me, 'the same user id');
      await waitFor(p, () => window.client.getAllUser().length === 2
        && window.client.getAllUser().every((u) => !u.isInFailover), undefined, 15000);
      assert.ok(!(await p.evaluate(() => window.events.some((e) => e.name === 'connection-change' && e.payload.state === 'Fail'))), 'no Fail');
    }
    assert.equal(await call(a, (c) => c.isHost()), true, 'the host is still host');
    // Media again, through the surviving node's SFU.
    await seesCamera(b, aid);
    await seesCamera(a, bid);
  } finally {
    await a.context().close().catch(() => {});
    await b.context().close().catch(() => {});
  }
});

/** `name` in the `/metrics` of the node on `port`. */
async function metric(port, name) {
  const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = body.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

test("with cascading, one session's media spreads over two nodes' SFUs and survives the edge", async (t) => {
  if (!redis) return t.skip('redis-server is not installed');
  await startNodes(CASCADE_PORTS, ['--cascade-above', '1']);
  const urls = CASCADE_PORTS.map((p) => `http://127.0.0.1:${p}`);
  const tpc = topic('cascade');
  const a = await newPage(browser, { url: urls[0] });
  const b = await newPage(browser, { url: urls[1] });
  try {
    assert.equal(await join(a, tpc, 1, 'A'), '');
    assert.equal(await call(a, (c) => c.getMediaStream().startVideo()), '');
    assert.equal(await join(b, tpc, 0, 'B'), '');
    assert.equal(await call(b, (c) => c.getMediaStream().startVideo()), '');
    const aid = await call(a, (c) => c.getCurrentUserInfo().userId);
    const bid = await call(b, (c) => c.getCurrentUserInfo().userId);
    await seesCamera(b, aid);
    await seesCamera(a, bid);
    // A's media on the owner's SFU, B's on the other node's, one relay each way.
    assert.ok(await metric(CASCADE_PORTS[1], 'convene_media_peers') >= 1, "B's peer is on the edge");
    assert.equal(await metric(CASCADE_PORTS[0], 'convene_cascade_relays'), 2);
    // A's share reaches B across the relay too.
    await b.evaluate(async () => {
      const el = await window.client.getMediaStream().attachShareView();
      el.id = 'share';
      document.body.appendChild(el);
    });
    assert.equal(await call(a, (c) => c.getMediaStream().startShareScreen()), '');
    await waitFor(b, () => document.getElementById('share').videoWidth > 0, undefined, 20000);
    assert.equal(await call(a, (c) => c.getMediaStream().stopShareScreen()), '');

    // The edge dies: B stays in the session (its signaling is on the owner), its SDK makes a
    // fresh peer, which the owner places on its own SFU.
    kill(CASCADE_PORTS[1]);
    await seesCamera(b, aid);
    await seesCamera(a, bid);
    assert.ok(!(await b.evaluate(() => window.events.some((e) => e.name === 'connection-change' && e.payload.state === 'Fail'))), 'no Fail');
  } finally {
    await a.context().close().catch(() => {});
    await b.context().close().catch(() => {});
  }
});
