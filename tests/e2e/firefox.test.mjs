// The browser SDK in Firefox ESR (issue 14, item 8), driven over WebDriver BiDi by
// puppeteer-core, against the same server as the Chromium tests; and one mixed session of a
// Chromium page and a Firefox page. Firefox's fake camera and microphone and their permission
// are set by prefs; it gathers loopback candidates only with `media.peerconnection.ice.loopback`
// and only for a page granted camera/microphone permission.
// Skipped when /usr/bin/firefox-esr is missing (apt-get install -y firefox-esr; override with
// FIREFOX), unless CONVENE_E2E_REQUIRE_FIREFOX=1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import puppeteer from 'puppeteer-core';
import { launch, newPage, join, call, waitFor, token, topic, URL_ } from './helpers.mjs';

const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
// CI (scripts/test.sh) installs Firefox and sets CONVENE_E2E_REQUIRE_FIREFOX=1: there a
// missing Firefox fails the suite instead of skipping these tests.
if (process.env.CONVENE_E2E_REQUIRE_FIREFOX === '1' && !existsSync(FIREFOX)) throw new Error(`no Firefox at ${FIREFOX}`);
const skip = existsSync(FIREFOX) ? false : `no Firefox at ${FIREFOX}`;

const PREFS = {
  'media.navigator.streams.fake': true,
  // Camera and microphone allowed as a granted permission (not `permission.disabled`, which
  // skips the prompt without granting): only then does Firefox gather host (here loopback)
  // candidates for a page.
  'permissions.default.camera': 1,
  'permissions.default.microphone': 1,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  'network.proxy.type': 0,
};

let chromium;
/** Every Firefox launched, with its profile directory. */
const firefoxes = [];
before(async () => { if (!skip) chromium = await launch(); });
after(async () => {
  for (const { browser, profile } of firefoxes.splice(0)) {
    await browser.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
  await chromium?.close().catch(() => {});
});

/**
 * A Firefox page with the SDK as `window.ZV` and the client as `window.client`. Each page
 * gets a Firefox of its own: Firefox holds a background tab's scripts (device enumeration,
 * promises awaited over BiDi) until it comes to the front, and a page per browser is always
 * in front.
 */
async function firefoxPage() {
  const profile = mkdtempSync(joinPath(tmpdir(), 'convene-ff-'));
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true, protocolTimeout: 60000,
    userDataDir: profile, extraPrefsFirefox: PREFS,
  });
  firefoxes.push({ browser, profile });
  const page = (await browser.pages())[0] || await browser.newPage();
  page.on('pageerror', (e) => console.error('[firefox pageerror]', e.message));
  await page.goto(URL_ + '/sdk/');
  await page.evaluate(async () => {
    const mod = await import('/sdk/convene.js');
    window.ZV = mod.default;
    window.client = window.ZV.createClient();
  });
  return page;
}

/** Frames decoded from inbound video so far. */
const framesIn = (p) => p.evaluate(async () => {
  let n = 0;
  (await window.client.getMediaStream().getPeerConnection().getStats())
    .forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'video') n += r.framesDecoded || 0; });
  return n;
});

/**
 * The Chromium page `ch` (role `chRole`) and the Firefox page `ff` join `t` and start their
 * camera and microphone; their user ids.
 */
async function joinAndPublish(t, ch, chRole, ff) {
  assert.equal(await join(ch, t, chRole, 'Chromium'), '');
  assert.equal(await join(ff, t, 0, 'Firefox', undefined, undefined, token(t, 0)), '');
  const ids = [await call(ch, (c) => c.getCurrentUserInfo().userId), await call(ff, (c) => c.getCurrentUserInfo().userId)];
  for (const p of [ch, ff]) {
    assert.equal(await call(p, (c) => c.getMediaStream().startVideo()), '');
    assert.equal(await call(p, (c) => c.getMediaStream().startAudio()), '');
  }
  return ids;
}

/** Each page attaches the other's camera: it plays, and the other's audio is decoded. */
async function seeAndHear(pairs) {
  for (const [p, other] of pairs) {
    await p.evaluate(async (other) => {
      const el = await window.client.getMediaStream().attachVideo(other, 1);
      el.id = 'remote';
      document.body.appendChild(el);
    }, other);
  }
  for (const [p, other] of pairs) {
    await waitFor(p, () => document.getElementById('remote').videoWidth > 0, undefined, 30000);
    await waitFor(p, async (id) => {
      const s = await window.client.getMediaStream()._stats('audio');
      return s.decode.some((d) => d.userId === id && d.packets > 20);
    }, other, 20000);
  }
}

test('Firefox: two pages join, send audio and video through the SFU and play each other', { skip }, async () => {
  const t = topic('ff');
  const a = await firefoxPage(), b = await firefoxPage();
  try {
    assert.equal(await join(a, t, 1, 'FA'), '');
    assert.equal(await join(b, t, 0, 'FB'), '');
    const aid = await call(a, (c) => c.getCurrentUserInfo().userId);
    const bid = await call(b, (c) => c.getCurrentUserInfo().userId);
    for (const p of [a, b]) {
      assert.equal(await call(p, (c) => c.getMediaStream().startVideo()), '');
      assert.equal(await call(p, (c) => c.getMediaStream().startAudio()), '');
    }
    for (const [p, other] of [[a, bid], [b, aid]]) {
      await p.evaluate(async (other) => {
        const el = await window.client.getMediaStream().attachVideo(other, 1);
        el.id = 'remote';
        document.body.appendChild(el);
      }, other);
    }
    for (const p of [a, b]) {
      await waitFor(p, () => document.getElementById('remote').videoWidth > 0, undefined, 30000);
      await waitFor(p, async () => {
        const s = await window.client.getMediaStream()._stats('audio');
        return s.decode.some((d) => d.packets > 20);
      }, undefined, 20000);
    }
    const f1 = await framesIn(a);
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok((await framesIn(a)) > f1, 'Firefox keeps decoding video');
    // Self-view works in Firefox too.
    await a.evaluate(async (id) => {
      const el = await window.client.getMediaStream().attachVideo(id, 2);
      el.id = 'self';
      document.body.appendChild(el);
    }, aid);
    await waitFor(a, () => document.getElementById('self').videoWidth > 0, undefined, 10000);
    assert.equal(await call(a, (c) => c.leave()), '');
  } finally {
    for (const p of [a, b]) await p.browser().close().catch(() => {});
  }
});

test('mixed session: a Chromium page and a Firefox page see and hear each other', { skip }, async () => {
  const t = topic('mixed');
  const ch = await newPage(chromium), ff = await firefoxPage();
  try {
    const [cid, fid] = await joinAndPublish(t, ch, 1, ff);
    await seeAndHear([[ch, fid], [ff, cid]]);
  } finally {
    await ch.context().close().catch(() => {});
    await ff.browser().close().catch(() => {});
  }
});

test('breakout room across browsers: a Firefox guest moved into a room sees a Chromium guest there, and comes back', { skip }, async () => {
  const t = topic('ffrooms');
  const host = await newPage(chromium), ch = await newPage(chromium), ff = await firefoxPage();
  try {
    assert.equal(await join(host, t, 1, 'Host'), '');
    const [cid, fid] = await joinAndPublish(t, ch, 0, ff);
    const rooms = await call(host, (c) => c.getSubsessionClient().createSubsessions(1));
    const room = rooms[0].subsessionId;
    const list = [{ ...rooms[0], userList: [{ userId: cid }, { userId: fid }] }];
    assert.equal(await call(host, (c, list) => c.getSubsessionClient().openSubsessions(list, { isAutoJoinSubsession: true }), list), '');
    // Both are in the room, alone with each other; Firefox rebuilt its peer there.
    for (const p of [ch, ff]) {
      await waitFor(p, (room) => window.client.getSessionInfo().sessionId === room, room, 15000);
      await waitFor(p, () => window.client.getAllUser().length === 2, undefined, 15000);
    }
    assert.equal(await call(ff, (c) => c.getSubsessionClient().getUserStatus()), 'in room');
    await seeAndHear([[ch, fid], [ff, cid]]);
    // Firefox goes back to the main session by itself, where the host is.
    assert.equal(await call(ff, (c) => c.getSubsessionClient().leaveSubsession()), '');
    await waitFor(ff, () => window.client.getAllUser().length === 2 && window.client.getSubsessionClient().getUserStatus() === 'main session', undefined, 15000);
    await waitFor(ch, () => window.client.getAllUser().length === 1, undefined, 15000);
  } finally {
    for (const p of [host, ch]) await p.context().close().catch(() => {});
    await ff.browser().close().catch(() => {});
  }
});
