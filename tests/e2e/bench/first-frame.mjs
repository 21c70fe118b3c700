// First remote frame in Chromium: the time from join() resolving in a fresh subscriber page
// to the first frame of a publisher's camera presented in a <video> there
// (requestVideoFrameCallback), through a running `convene serve`.
//
// Run it with scripts/bench-first-frame.sh (release server, loopback-only namespace).
// Two modes, `--runs` each (default 20; `--smoke`: 3):
// - publisherFirst: one publisher page has its camera on; each run, a fresh page (its own
//   browser context) joins the session and attaches it at once;
// - together: each run, a fresh publisher and a fresh subscriber join a new session at the
//   same moment; the subscriber attaches the publisher as soon as it sees it.
// Per run, stderr gets one line of milestones (ms after the subscriber's join resolved);
// stdout's last line is one JSON object: per mode p50/p90/max, milestone and phase medians.
// `--out FILE` also writes every run's milestones. Exits 1 if any run saw no frame.
import { writeFileSync } from 'node:fs';
import { URL_, launch, newPage, token, topic } from '../helpers.mjs';
import { installProbe, publish, subscribe } from './probe.mjs';
import { report, timeline } from './summary.mjs';
import { benchMeta, loadNow } from './meta.mjs';

const USAGE = `usage: first-frame.mjs [--smoke] [--runs N] [--mode all|publisher-first|together]
  [--quality 0-4] [--poll-ms MS] [--timeout-ms MS] [--out FILE]`;

function parseArgs(argv) {
  const o = { runs: 20, mode: 'all', quality: 2, pollMs: 10, timeoutMs: 15000, out: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value\n${USAGE}`);
      return argv[++i];
    };
    if (a === '--smoke') o.runs = 3;
    else if (a === '--runs') o.runs = Number(value());
    else if (a === '--mode') o.mode = value();
    else if (a === '--quality') o.quality = Number(value());
    else if (a === '--poll-ms') o.pollMs = Number(value());
    else if (a === '--timeout-ms') o.timeoutMs = Number(value());
    else if (a === '--out') o.out = value();
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!['all', 'publisher-first', 'together'].includes(o.mode)) throw new Error(USAGE);
  if (!(o.runs >= 1)) throw new Error(USAGE);
  return o;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A page with the probe installed. */
async function probedPage(browser) {
  const page = await newPage(browser);
  await page.evaluate(installProbe);
  return page;
}

async function close(page) {
  await page.evaluate(() => window.client.leave().catch(() => {})).catch(() => {});
  await page.context().close().catch(() => {});
}

/**
 * The SFU's keyframe counters from the server's /metrics: keyframe requests (a subscriber
 * needed one) and PLIs actually sent to a publisher. Null when /metrics is not there.
 */
async function sfuCounters() {
  try {
    const text = await (await fetch(`${URL_}/metrics`)).text();
    const value = (name) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? NaN);
    return { keyframeRequests: value('convene_keyframe_requests_total'), plisSent: value('convene_plis_sent_total') };
  } catch {
    return null;
  }
}

/** Counter changes between two sfuCounters() readings. */
function delta(before, after) {
  if (!before || !after) return undefined;
  return { keyframeRequests: after.keyframeRequests - before.keyframeRequests, plisSent: after.plisSent - before.plisSent };
}

/** Waits until the publisher page sends camera frames on every simulcast layer it will send. */
async function warmUp(page) {
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    const rids = await page.evaluate(async () => {
      const out = [];
      (await window.ffProbe.pc.getStats()).forEach((r) => {
        if (r.type === 'outbound-rtp' && r.kind === 'video' && r.framesEncoded > 0) out.push(r.rid);
      });
      return out;
    });
    if (rids.length >= 2) return rids;
    await sleep(200);
  }
  throw new Error('the publisher sent no video within 20 s');
}

async function publisherFirst(browser, o, log) {
  const tpc = topic('ff-pub-first');
  const pub = await probedPage(browser);
  const res = await pub.evaluate(publish, [tpc, token(tpc, 1), 'Publisher', 0]);
  if (res.error) throw new Error(`publisher: ${res.error}`);
  const rids = await warmUp(pub);
  await sleep(1000);
  log(`publisher ${res.userId} sends layers ${rids.join(',')}`);
  const runs = [];
  let failed = 0;
  for (let i = 0; i < o.runs; i++) {
    const sub = await probedPage(browser);
    const tok = token(tpc, 0);
    await pub.evaluate((ms) => { window.ffProbe.reset(); window.ffProbe.watch(ms); }, o.pollMs);
    const before = await sfuCounters();
    const r = await sub.evaluate(subscribe, [tpc, tok, `Subscriber ${i}`, res.userId, o.quality, o.pollMs, o.timeoutMs]);
    const pubMarks = await pub.evaluate(() => { window.ffProbe.unwatch(); return window.ffProbe.marks; });
    delete pubMarks.statsFirstSent; // the publisher has been sending all along
    const sfu = delta(before, await sfuCounters());
    await close(sub);
    failed += record(runs, i, r, { sub: r.marks, pub: pubMarks, frame: r.frame, sfu }, log);
    await sleep(300);
  }
  await close(pub);
  return { runs, failed };
}

async function together(browser, o, log) {
  const runs = [];
  let failed = 0;
  for (let i = 0; i < o.runs; i++) {
    const tpc = topic('ff-together');
    const [pub, sub] = [await probedPage(browser), await probedPage(browser)];
    const [ptok, stok] = [token(tpc, 1), token(tpc, 0)];
    const before = await sfuCounters();
    const [p, r] = await Promise.all([
      pub.evaluate(publish, [tpc, ptok, 'Publisher', o.pollMs]),
      sub.evaluate(subscribe, [tpc, stok, 'Subscriber', null, o.quality, o.pollMs, o.timeoutMs]),
    ]);
    const pubMarks = await pub.evaluate(() => { window.ffProbe.unwatch(); return window.ffProbe.marks; });
    const sfu = delta(before, await sfuCounters());
    await Promise.all([close(sub), close(pub)]);
    if (p.error) r.error = `publisher: ${p.error}${r.error ? `; ${r.error}` : ''}`;
    failed += record(runs, i, r, { sub: r.marks, pub: pubMarks, frame: r.frame, sfu }, log);
    await sleep(300);
  }
  return { runs, failed };
}

/** Logs one run and keeps its timeline; returns 1 if it failed. */
function record(runs, i, r, marks, log) {
  const t = r.marks && 'joined' in r.marks ? timeline(marks) : {};
  if (r.error) {
    log(`run ${i + 1}: FAILED (${r.error}) ${JSON.stringify(t)}`);
    return 1;
  }
  runs.push(t);
  log(`run ${i + 1}: first frame ${t.firstFrame} ms (${marks.frame.width}x${marks.frame.height}) ${JSON.stringify(t)}`);
  return 0;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const log = (s) => process.stderr.write(`${s}\n`);
  const browser = await launch();
  const out = {
    ...benchMeta('first-frame', browser),
    runsPerMode: o.runs,
    quality: o.quality,
    pollMs: o.pollMs,
  };
  const detail = {};
  let failed = 0;
  try {
    for (const [name, fn, mode] of [['publisherFirst', publisherFirst, 'publisher-first'], ['together', together, 'together']]) {
      if (o.mode !== 'all' && o.mode !== mode) continue;
      log(`== ${name}`);
      const m = await fn(browser, o, log);
      out[name] = report(m.runs, m.failed);
      detail[name] = m.runs;
      failed += m.failed;
    }
  } finally {
    await browser.close();
  }
  out.loadAvg.push(loadNow());
  if (o.out) writeFileSync(o.out, JSON.stringify({ ...out, runs: detail }, null, 1));
  process.stdout.write(`${JSON.stringify(out)}\n`);
  if (failed) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`first-frame: ${e.stack || e}\n`);
  process.exit(1);
});
