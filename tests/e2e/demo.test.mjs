// The demo app at `/`, driven like a person would: forms and buttons, two browsers.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { apiToken, launch, topic, token, URL_ } from './helpers.mjs';

let browser;
const pages = [];
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });
afterEach(async () => { for (const p of pages.splice(0)) await p.context().close().catch(() => {}); });

async function demoPage() {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('[demo pageerror]', e.message));
  await page.goto(URL_ + '/');
  pages.push(page);
  return page;
}

async function joinVia(page, tpc, role, name) {
  await page.fill('#topic', tpc);
  await page.fill('#user-name', name);
  await page.fill('#token', token(tpc, role));
  await page.click('#join');
  await page.waitForSelector('#session-panel:not([hidden])', { timeout: 10000 });
}

test('demo app: join, see each other, chat, video, removal notice', async () => {
  const t = topic('Demo');
  const a = await demoPage();
  const b = await demoPage();
  assert.match(await a.textContent('#requirements'), /audio: true/);
  await joinVia(a, t, 1, 'Ann');
  await joinVia(b, t, 0, 'Bob');
  // Each sees the other in the people list, with the host badge on Ann.
  await a.waitForSelector('#user-list li:has-text("Bob")');
  await b.waitForSelector('#user-list li:has-text("Ann") .badges:has-text("host")');
  assert.equal(await a.isVisible('#end'), true, 'host can end for all');
  assert.equal(await b.isVisible('#end'), false, 'participant cannot');

  // Chat from Bob reaches Ann.
  await b.fill('#chat-text', 'hello from Bob');
  await b.click('#chat-form button');
  await a.waitForSelector('#chat-log li:has-text("Bob: hello from Bob")');

  // Ann's camera appears in Bob's gallery and plays.
  await a.click('#video-toggle');
  await b.waitForFunction(() => {
    const v = document.querySelector('#gallery .tile video-player');
    return v && v.videoWidth > 0;
  }, null, { timeout: 15000 });
  await b.waitForSelector('#user-list li:has-text("Ann") .badges:has-text("video")');
  // Ann sees herself too (the self-view: the local camera, no server round trip).
  await a.waitForFunction(() => document.querySelector('#gallery .tile video-player')?.videoWidth > 0, null, { timeout: 15000 });

  // Ann removes Bob: Bob gets a clear notice and is back at the join form.
  await a.click('#user-list li:has-text("Bob") button:has-text("Remove")');
  await b.waitForSelector('#notice:has-text("removed")');
  assert.equal(await b.isVisible('#join-panel'), true);
  await a.waitForFunction(() => !document.querySelector('#user-list').textContent.includes('Bob'));
});

test('demo app: the host ends the session and the others are told', async () => {
  const t = topic('DemoEnd');
  const a = await demoPage();
  const b = await demoPage();
  await joinVia(a, t, 1, 'Ann');
  await joinVia(b, t, 0, 'Bob');
  await a.click('#end');
  await b.waitForSelector('#notice:has-text("ended the session")');
  await a.waitForSelector('#join-panel:not([hidden])');
});

test('demo app: a wrong passcode is shown, not swallowed', async () => {
  const t = topic('DemoPass');
  const a = await demoPage();
  await a.fill('#passcode', 'secret');
  await joinVia(a, t, 1, 'Ann');
  const b = await demoPage();
  await b.fill('#topic', t);
  await b.fill('#passcode', 'wrong');
  await b.fill('#token', token(t, 0));
  await b.click('#join');
  await b.waitForSelector('#notice:has-text("3004")');
});

/** Whether ffmpeg and ffprobe are here (CI installs them; CONVENE_REQUIRE_FFMPEG=1 makes it a must). */
function haveFfmpeg() {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    assert.notEqual(process.env.CONVENE_REQUIRE_FFMPEG, '1', 'ffmpeg and ffprobe are required');
    return false;
  }
}

test('demo app: the host records; everyone sees it; the REST API serves a playable MP4', async (t) => {
  if (!haveFfmpeg()) return t.skip('ffmpeg is not installed');
  const tpc = topic('DemoRec');
  const a = await demoPage();
  const b = await demoPage();
  await joinVia(a, tpc, 1, 'Ann');
  await joinVia(b, tpc, 0, 'Bob');
  assert.equal(await b.isVisible('#record-toggle'), false, 'only the host has the buttons');
  await a.click('#audio-toggle');
  await a.click('#video-toggle');
  await b.waitForFunction(() => document.querySelector('#gallery .tile video-player')?.videoWidth > 0, null, { timeout: 15000 });

  // Record: both pages show it, from the server's recording-change.
  await a.click('#record-toggle');
  for (const p of [a, b]) await p.waitForSelector('#recording-state:has-text("recording")', { timeout: 10000 });
  // Someone joining now is told too.
  const c = await demoPage();
  await joinVia(c, tpc, 0, 'Cy');
  await c.waitForSelector('#recording-state:has-text("● recording")');
  await a.waitForTimeout(1500);
  await a.click('#record-pause');
  await b.waitForSelector('#recording-state:has-text("paused")');
  await a.click('#record-pause');
  await b.waitForSelector('#recording-state:has-text("● recording")');
  await a.waitForTimeout(1500);
  await a.click('#record-toggle');
  for (const p of [a, b, c]) await p.waitForSelector('#recording-state', { state: 'hidden' });
  assert.equal(await a.textContent('#record-toggle'), 'Record');

  // The finished file: listed by the REST API, downloaded with the same token, H.264 + AAC.
  const sid = await a.evaluate(async () => (await import('/sdk/convene.js')).default.createClient().getSessionInfo().sessionId);
  const auth = { authorization: `Bearer ${apiToken()}` };
  let list = [];
  for (let i = 0; i < 100 && list.length === 0; i++) {
    const r = await fetch(`${URL_}/api/v1/sessions/${encodeURIComponent(sid)}/recordings`, { headers: auth });
    assert.equal(r.status, 200);
    list = (await r.json()).recordings;
    if (list.length === 0) await new Promise((res) => setTimeout(res, 150));
  }
  assert.equal(list.length, 1, 'one recording');
  assert.ok(list[0].duration_ms > 0, `duration ${list[0].duration_ms} ms`);
  const file = await fetch(new URL(list[0].download_url, URL_), { headers: auth });
  assert.equal(file.status, 200);
  const body = Buffer.from(await file.arrayBuffer());
  assert.equal(body.length, list[0].file_size);
  const path = joinPath(mkdtempSync(joinPath(tmpdir(), 'convene-rec-')), 'rec.mp4');
  writeFileSync(path, body);
  const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', path], { encoding: 'utf8' }));
  const codecs = probe.streams.map((s) => s.codec_name).sort();
  assert.deepEqual(codecs, ['aac', 'h264']);
});

test('demo app: the host opens breakout rooms, a guest is moved in, sees the room, goes back', async () => {
  const t = topic('DemoRooms');
  const a = await demoPage();
  const b = await demoPage();
  await joinVia(a, t, 1, 'Ann');
  await joinVia(b, t, 0, 'Bob');
  await a.waitForSelector('#user-list li:has-text("Bob")');
  assert.equal(await b.isVisible('#rooms-open'), false, 'only the host and managers open rooms');
  await a.click('#rooms-open');
  // Bob alone in the first room; Ann alone in the main session.
  await b.waitForSelector('#room-state:has-text("in Subsession 1")', { timeout: 15000 });
  await b.waitForFunction(() => !document.querySelector('#user-list').textContent.includes('Ann'));
  await a.waitForFunction(() => !document.querySelector('#user-list').textContent.includes('Bob'));
  // The host may close the rooms once they are open (the button follows the room state).
  await a.waitForSelector('#rooms-close:enabled', { timeout: 15000 });
  // Bob goes back by himself and meets Ann again.
  await b.click('#room-leave');
  await b.waitForSelector('#room-state', { state: 'hidden', timeout: 15000 });
  await b.waitForSelector('#user-list li:has-text("Ann")');
  await a.waitForSelector('#user-list li:has-text("Bob")');
});
