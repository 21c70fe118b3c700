// The browser SDK on a cluster (docs/scale-out.md): a real redis-server and two
// `convene serve --redis` nodes inside the test's namespace. A page that joins through the node
// not hosting the session is redirected to the one that does; both pages see each other and
// each other's camera. The hosting node is then killed (SIGKILL): both pages fail over through
// the other node with their user ids, the host still host, no `Fail`, and their cameras play
// again. Skipped without redis-server unless CONVENE_REQUIRE_REDIS=1 (CI).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { launch, listening, newPage, join, call, waitFor, waitEvent, topic } from './helpers.mjs';

const BIN = process.env.CONVENE_BIN || 'target/debug/convene';
const APP = `${process.env.CONVENE_KEY || 'e2e-key'}:${process.env.CONVENE_SECRET || 'e2e-secret-0123456789abcdef'}`;
const REDIS_PORT = 16391;
const PORTS = [18493, 18494];
const URLS = PORTS.map((p) => `http://127.0.0.1:${p}`);
/** node index → its process */
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

before(async () => {
  if (!haveRedis()) return;
  redis = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(REDIS_PORT), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await listening(REDIS_PORT);
  PORTS.forEach((port, i) => {
    nodes.set(i, spawn(BIN, ['serve', '--bind', `127.0.0.1:${port}`, '--media-port', '0', '--app', APP,
      '--redis', `redis://127.0.0.1:${REDIS_PORT}/`, '--node-id', `e2e-${i}`, '--failover-window-secs', '60'],
    { stdio: 'ignore' }));
  });
  for (const p of PORTS) await listening(p);
  // Each node hears of the other within a keeper round (1 s).
  await new Promise((r) => setTimeout(r, 1500));
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
    nodes.get(0).kill('SIGKILL');
    nodes.delete(0);
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
