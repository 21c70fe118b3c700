// The network test before joining: `ConveneVideo.createProber().diagnose()` in Chromium, over
// the SFU's media port (a data channel to a probe peer), with no session and no token. With
// UDP blocked by iptables inside the test's network namespace, the same test runs over ICE-TCP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserPages, iptablesRules, URL_ } from './helpers.mjs';

const { page, browser } = browserPages();
const drop = iptablesRules();

/** Runs one test in the page; the report and the progress callbacks seen. */
async function diagnose(p, durationMs) {
  return p.evaluate(async (durationMs) => {
    const progress = [];
    try {
      const report = await window.ZV.createProber().diagnose({ durationMs, onProgress: (e) => progress.push(e) });
      return { report, progress };
    } catch (e) {
      return { thrown: e && e.reason ? e.reason : String(e), progress };
    }
  }, durationMs);
}

function checkReport(r) {
  assert.deepEqual(Object.keys(r).sort(),
    ['downlinkKbps', 'jitterMs', 'level', 'lossPercent', 'protocol', 'rttMs', 'uplinkKbps']);
  assert.ok(r.rttMs >= 0 && r.jitterMs >= 0, JSON.stringify(r));
  assert.equal(r.lossPercent, 0, `no loss on loopback: ${JSON.stringify(r)}`);
  assert.ok(r.uplinkKbps > 0, JSON.stringify(r));
  assert.ok(r.downlinkKbps > 0, JSON.stringify(r));
  assert.ok(Number.isInteger(r.level) && r.level >= 1 && r.level <= 5, JSON.stringify(r));
}

function checkProgress(progress) {
  const phases = [...new Set(progress.map((e) => e.phase))];
  assert.deepEqual(phases, ['connecting', 'latency', 'uplink', 'downlink', 'done'], JSON.stringify(phases));
  assert.ok(progress.every((e) => e.progress >= 0 && e.progress <= 100));
  assert.deepEqual(progress.at(-1), { phase: 'done', progress: 100 });
}

test('createProber().diagnose() measures over UDP to the media port, reporting progress', async () => {
  const p = await page();
  const { report, progress, thrown } = await diagnose(p, 2000);
  assert.equal(thrown, undefined);
  console.log('# probe over UDP:', JSON.stringify(report));
  checkReport(report);
  assert.equal(report.protocol, 'udp');
  checkProgress(progress);
});

test('with UDP blocked, the probe runs over ICE-TCP', async () => {
  const p = await page();
  for (const r of [['INPUT', '-p', 'udp', '-j', 'DROP'], ['OUTPUT', '-p', 'udp', '-j', 'DROP']]) {
    drop(...r);
  }
  const { report, progress, thrown } = await diagnose(p, 2000);
  assert.equal(thrown, undefined);
  console.log('# probe over TCP:', JSON.stringify(report));
  checkReport(report);
  assert.equal(report.protocol, 'tcp');
  checkProgress(progress);
});

test('demo app: the preview runs the network test and shows a meter and the figures', async () => {
  const ctx = await browser().newContext();
  try {
    const p = await ctx.newPage();
    p.on('pageerror', (e) => console.error('[demo pageerror]', e.message));
    await p.goto(URL_ + '/');
    await p.click('#network-start');
    await p.waitForFunction(() => /^level \d\/5/.test(document.getElementById('network-result').textContent), null, { timeout: 20000 });
    const text = await p.textContent('#network-result');
    assert.match(text, /RTT [\d.]+ ms · jitter [\d.]+ ms · loss 0 % · up \d+ kbit\/s · down \d+ kbit\/s · UDP/);
    const level = await p.evaluate(() => document.getElementById('network-level').value);
    assert.ok(level >= 1 && level <= 5, String(level));
  } finally {
    await ctx.close().catch(() => {});
  }
});
