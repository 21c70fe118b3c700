// The demo app at `/`, driven like a person would: forms and buttons, two browsers.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { launch, topic, token, URL_ } from './helpers.mjs';

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
