// Shared helpers of the browser tests: a headless Chromium, one context per participant,
// pages that load the SDK from the server, tokens minted with `convene token`.
import { chromium } from 'playwright-core';
import { before, after, afterEach } from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';

export const URL_ = process.env.CONVENE_URL || 'http://127.0.0.1:18480';
const KEY = process.env.CONVENE_KEY || 'e2e-key';
const SECRET = process.env.CONVENE_SECRET || 'e2e-secret-0123456789abcdef';
const BIN = process.env.CONVENE_BIN || 'target/debug/convene';
// Development aid: serve the SDK's modules from this directory (sdk/js/src) instead of the
// copies built into the server.
const SDK_DIR = process.env.CONVENE_SDK_DIR;

let seq = 0;
/** A topic unique to this run. */
export function topic(name) {
  return `${name}-${process.pid}-${Date.now().toString(36)}-${seq++}`;
}

/** A JWT minted by the server's CLI. */
export function token(tpc, role, extra = []) {
  return execFileSync(BIN, ['token', '--key', KEY, '--secret', SECRET, '--topic', tpc, '--role', String(role), ...extra], { encoding: 'utf8' }).trim();
}

/** Resolves once something listens on 127.0.0.1:`port` (a server a test started). */
export async function listening(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((r) => {
      const s = net.connect(port, '127.0.0.1', () => { s.end(); r(true); });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** A REST API token of the suite's app (docs/rest-api.md): HS256, `iss` the SDK key, 10 min. */
export function apiToken() {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const signed = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iss: KEY, iat: now, exp: now + 600 })}`;
  return `${signed}.${createHmac('sha256', SECRET).update(signed).digest('base64url')}`;
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--allow-loopback-in-peer-connection'],
  });
}

const EVENTS = ['connection-change', 'user-added', 'user-updated', 'user-removed', 'chat-on-message',
  'chat-privilege-change', 'command-channel-message', 'host-ask-unmute-audio', 'current-audio-change',
  'active-speaker', 'peer-video-state-change', 'active-share-change', 'peer-share-state-change',
  'share-privilege-change', 'passively-stop-share', 'network-quality-change', 'video-capturing-change',
  'current-audio-level-change', 'video-active-change', 'subsession-state-change', 'subsession-invite-to-join',
  'subsession-countdown', 'subsession-time-up', 'closing-subsession-countdown', 'subsession-broadcast-message',
  'subsession-ask-for-help', 'subsession-ask-for-help-response'];

/**
 * A new participant page: its own browser context, the SDK imported as `window.ZV`, the
 * client as `window.client`, every event recorded in `window.events`. `opts.url`: another
 * server than the suite's; `opts.init`: a function run in the page before anything else.
 */
export async function newPage(browser, opts = {}) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  if (opts.init) await page.addInitScript(opts.init);
  if (SDK_DIR) {
    await page.route('**/sdk/*.js', (r) => {
      const file = new URL(r.request().url()).pathname.slice('/sdk/'.length);
      r.fulfill({ status: 200, contentType: 'text/javascript', body: readFileSync(joinPath(SDK_DIR, file), 'utf8') });
    });
  }
  page.on('pageerror', (e) => console.error('[pageerror]', e.message));
  // A blank page on the server's origin: the demo app at `/` uses the same singleton client.
  await page.goto((opts.url || URL_) + '/sdk/');
  await page.evaluate(async (events) => {
    const mod = await import('/sdk/convene.js');
    window.ZV = mod.default;
    window.client = window.ZV.createClient();
    window.events = [];
    for (const name of events) window.client.on(name, (p) => window.events.push({ name, payload: JSON.parse(JSON.stringify(p ?? null)) }));
  }, EVENTS);
  return page;
}

/** init + join; resolves the join result ('' on success) or the failure object. */
export async function join(page, tpc, role, name, passcode, idle, tok) {
  tok = tok || token(tpc, role);
  return page.evaluate(async ([tpc, tok, name, passcode, idle]) => {
    await window.client.init('en-US', 'Global', { patchJsMedia: true });
    try {
      return await window.client.join(tpc, tok, name, passcode ?? undefined, idle ?? undefined);
    } catch (e) {
      return e;
    }
  }, [tpc, tok, name, passcode ?? null, idle ?? null]);
}

/** Runs `fn` in the page and returns its result or the thrown failure as `{thrown: e}`. */
export async function call(page, fn, arg) {
  return page.evaluate(async ([src, arg]) => {
    const f = (0, eval)(`(${src})`);
    try {
      return await f(window.client, arg);
    } catch (e) {
      return { thrown: e && typeof e === 'object' && 'errorCode' in e ? e : String(e) };
    }
  }, [fn.toString(), arg]);
}

/** Polls `fn` (sync or async) in the page until it returns a truthy value; returns it. */
export async function waitFor(page, fn, arg, timeout = 10000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await page.evaluate(fn, arg);
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`waitFor timed out after ${timeout} ms: ${fn.toString().slice(0, 160)} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Two pages in a fresh session on `tag`: `a` (host) with its camera on, `b` (participant)
 * watching it at `quality` in a `<video id="remote">`, its first frame shown. `page` makes a
 * page (browserPages().page).
 */
export async function watchingCamera(page, tag, quality) {
  const t = topic(tag);
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'B'), '');
  const aid = await call(a, (c) => c.getCurrentUserInfo().userId);
  assert.equal(await call(a, (c) => c.getMediaStream().startVideo()), '');
  await b.evaluate(async ([id, q]) => {
    const el = await window.client.getMediaStream().attachVideo(id, q);
    el.id = 'remote';
    document.body.appendChild(el);
  }, [aid, quality]);
  await waitFor(b, () => document.getElementById('remote').videoWidth > 0, undefined, 20000);
  return { a, b, aid };
}

/** Waits until the page has recorded an event matching `pred(payload)`. */
export async function waitEvent(page, name, pred = '() => true', timeout = 10000) {
  return waitFor(page, ([name, pred]) => {
    const p = (0, eval)(`(${pred})`);
    return window.events.find((e) => e.name === name && p(e.payload))?.payload ?? false;
  }, [name, pred.toString()], timeout);
}

/**
 * For a test file: one Chromium for the file (`browser()`), and `page(opts)`: a new
 * participant page (see `newPage`), closed after the test that made it.
 */
export function browserPages() {
  let browser;
  const pages = [];
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  afterEach(async () => { for (const p of pages.splice(0)) await p.context().close().catch(() => {}); });
  return {
    browser: () => browser,
    page: async (opts) => { const p = await newPage(browser, opts); pages.push(p); return p; },
  };
}

/**
 * For a test file that cuts network paths: `drop(...rule)` inserts an iptables rule (in the
 * test's own network namespace, e.g. `drop('INPUT', '-p', 'udp', '--dport', '7882', '-j',
 * 'DROP')`), and every rule is deleted after the test that made it, or sooner by calling the
 * function `drop` returns.
 */
export function iptablesRules() {
  const rules = [];
  afterEach(() => { for (const r of rules.splice(0)) execFileSync('iptables', ['-D', ...r]); });
  return (...rule) => {
    execFileSync('iptables', ['-I', ...rule]);
    rules.push(rule);
    return () => {
      const i = rules.indexOf(rule);
      if (i >= 0) execFileSync('iptables', ['-D', ...rules.splice(i, 1)[0]]);
    };
  };
}
