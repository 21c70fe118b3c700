// Media through TURN: a real coturn (use-auth-secret) and a second server started with
// `--turn-url` and `--turn-secret` inside the test's namespace. A publisher whose browser may
// only use relayed candidates (iceTransportPolicy "relay") sends its camera through coturn to
// the SFU, and a subscriber sees it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { launch, listening, newPage, join, call, waitFor, topic } from './helpers.mjs';

const BIN = process.env.CONVENE_BIN || 'target/debug/convene';
const TURN_PORT = 3479;
const SERVER_PORT = Number(process.env.CONVENE_TURN_E2E_PORT || 18482);
const URL = `http://127.0.0.1:${SERVER_PORT}`;
const SECRET = 'e2e-turn-secret';
const children = [];
let browser;

before(async () => {
  execFileSync('turnserver', ['--version'], { stdio: 'ignore' }); // apt-get install -y coturn
  const dir = mkdtempSync(joinPath(tmpdir(), 'convene-turn-'));
  writeFileSync(joinPath(dir, 'turnserver.conf'), '');
  children.push(spawn('turnserver', ['-c', joinPath(dir, 'turnserver.conf'),
    '--listening-ip', '127.0.0.1', '--relay-ip', '127.0.0.1', '--listening-port', String(TURN_PORT),
    '--use-auth-secret', `--static-auth-secret=${SECRET}`, '--realm', 'convene',
    '--no-tls', '--no-dtls', '--no-cli', '--allow-loopback-peers',
    '--pidfile', joinPath(dir, 'turnserver.pid'), '--log-file', 'stdout', '--simple-log'], { stdio: 'ignore' }));
  children.push(spawn(BIN, ['serve', '--bind', `127.0.0.1:${SERVER_PORT}`, '--media-port', '0',
    '--app', `${process.env.CONVENE_KEY || 'e2e-key'}:${process.env.CONVENE_SECRET || 'e2e-secret-0123456789abcdef'}`,
    '--turn-url', `turn:127.0.0.1:${TURN_PORT}?transport=udp`, '--turn-secret', SECRET], { stdio: 'ignore' }));
  await listening(TURN_PORT);
  await listening(SERVER_PORT);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  for (const c of children) c.kill();
});

test('a publisher that may only relay sends its camera through coturn with the minted credentials', async () => {
  const t = topic('turn');
  const relayOnly = () => {
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(config) { super({ ...config, iceTransportPolicy: 'relay' }); }
    };
  };
  const a = await newPage(browser, { url: URL, init: relayOnly });
  const b = await newPage(browser, { url: URL });
  try {
    assert.equal(await join(a, t, 1, 'A'), '');
    assert.equal(await join(b, t, 0, 'B'), '');
    const aid = await call(a, (c) => c.getCurrentUserInfo().userId);
    assert.equal(await call(a, (c) => c.getMediaStream().startVideo()), '');
    const servers = await a.evaluate(() => window.client.getMediaStream().getPeerConnection().getConfiguration());
    assert.equal(servers.iceTransportPolicy, 'relay');
    const turn = servers.iceServers.find((s) => [].concat(s.urls).some((u) => u.startsWith('turn:')));
    assert.ok(turn && turn.username && turn.credential, 'init handed out minted TURN credentials');
    await b.evaluate(async (id) => {
      const el = await window.client.getMediaStream().attachVideo(id, 1);
      el.id = 'remote';
      document.body.appendChild(el);
    }, aid);
    await waitFor(b, () => document.getElementById('remote')?.videoWidth > 0, undefined, 20000);
    const local = await a.evaluate(async () => {
      const stats = await window.client.getMediaStream().getPeerConnection().getStats();
      let type = null;
      stats.forEach((t) => {
        if (t.type === 'transport' && t.selectedCandidatePairId) {
          type = stats.get(stats.get(t.selectedCandidatePairId).localCandidateId)?.candidateType ?? null;
        }
      });
      return type;
    });
    assert.equal(local, 'relay', 'the publisher\'s media goes through the TURN relay');
  } finally {
    await a.context().close().catch(() => {});
    await b.context().close().catch(() => {});
  }
});
