// Media under packet loss in Chromium: how a subscriber's 360p video holds up when a share
// of all UDP packets is dropped at random, through a running `convene serve`.
//
// Run it with scripts/bench-loss.sh (release server, loopback-only namespace, root: the loss
// is an iptables rule in that namespace). Per loss level (`--levels`, default 0,5,10,20 %;
// `--smoke`: 0,10 with 4 s windows), a fresh session:
// 1. a publisher page joins and starts its camera (Chromium's fake camera, `--fps` 20,
//    simulcast 180p/360p/720p as the SDK sends it);
// 2. a subscriber page joins and attaches it at `--quality` 2 (360p); wait for its first frame;
// 3. the loss rule goes in: `-p udp -m statistic --mode random --probability P -j DROP` on
//    INPUT. On loopback every datagram passes INPUT once, so both legs (publisher -> SFU and
//    SFU -> subscriber) lose P, RTP, RTCP, RTX and STUN alike; signaling is TCP and is spared;
// 4. `--warmup` seconds (3) under loss, then a window of `--secs` (10) is measured:
//    presented frames and the gaps between them (requestVideoFrameCallback on the remote
//    <video>), getStats() deltas of both pages, the SFU's /metrics deltas, iptables counters.
// stderr: one line per level. stdout's last line: one JSON object with every level.
// `--out FILE` also writes the per-frame gaps. Exits 1 if the subscriber presented no frame
// at 0 % loss (what a smoke run checks); speed and quality are never asserted.
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { URL_, launch, newPage, token, topic, join } from '../helpers.mjs';
import { installProbe } from './probe.mjs';
import { benchMeta, loadNow } from './meta.mjs';

const USAGE = `usage: loss.mjs [--smoke] [--levels 0,5,10,20] [--secs S] [--warmup S] [--fps N]
  [--quality 0-4] [--freeze-ms MS] [--timeout-ms MS] [--leg both|up|down] [--out FILE]
  [--audio] [--cap-kbps K [--cap-secs S] [--after-secs S]]`;

function parseArgs(argv) {
  const o = { levels: [0, 5, 10, 20], secs: 10, warmup: 3, fps: 20, quality: 2, freezeMs: 200, timeoutMs: 15000, leg: 'both', out: null,
    capKbps: 0, capSecs: 10, afterSecs: 20, audio: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value\n${USAGE}`);
      return argv[++i];
    };
    if (a === '--smoke') Object.assign(o, { levels: [0, 10], secs: 4 });
    else if (a === '--levels') o.levels = value().split(',').map(Number);
    else if (a === '--secs') o.secs = Number(value());
    else if (a === '--warmup') o.warmup = Number(value());
    else if (a === '--fps') o.fps = Number(value());
    else if (a === '--quality') o.quality = Number(value());
    else if (a === '--freeze-ms') o.freezeMs = Number(value());
    else if (a === '--timeout-ms') o.timeoutMs = Number(value());
    else if (a === '--leg') o.leg = value();
    else if (a === '--out') o.out = value();
    else if (a === '--audio') o.audio = true;
    else if (a === '--cap-kbps') o.capKbps = Number(value());
    else if (a === '--cap-secs') o.capSecs = Number(value());
    else if (a === '--after-secs') o.afterSecs = Number(value());
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!['both', 'up', 'down'].includes(o.leg)) throw new Error(`--leg is both, up or down\n${USAGE}`);
  if (!o.levels.length || o.levels.some((l) => !(l >= 0 && l < 100))) throw new Error(`levels are percentages in [0, 100)\n${USAGE}`);
  if (!(o.secs > 0) || !(o.warmup >= 0) || !(o.fps > 0) || !(o.freezeMs > 0)) throw new Error(USAGE);
  return o;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (v, d = 1) => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : null);

// ---- loss: iptables in this (private) namespace ----------------------------------------

function ipt(...args) {
  return execFileSync('iptables', ['-w', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The server's UDP ports (`ss`: the UDP sockets of `convene` processes; the only server here). */
function mediaPorts() {
  const ports = execFileSync('ss', ['-Hulnp'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('"convene"'))
    .map((l) => Number(l.trim().split(/\s+/)[3]?.split(':').pop())).filter(Boolean);
  if (!ports.length) throw new Error('no UDP socket of convene in: ss -Hulnp');
  return ports.join(',');
}

/**
 * Every UDP datagram jumps to chain LOSS (counted there); LOSS drops `pct` % of them: all
 * (`leg` both), only those to the SFU's UDP ports (up: publisher -> SFU, and the
 * subscriber's RTCP), or only those from it (down: SFU -> subscriber, and the SFU's RTCP to
 * the publisher).
 */
function setLoss(pct, leg = 'both', ports = '') {
  try { ipt('-F', 'INPUT'); } catch { /* first call */ }
  try { ipt('-F', 'LOSS'); } catch { ipt('-N', 'LOSS'); }
  ipt('-A', 'INPUT', '-p', 'udp', '-j', 'LOSS');
  const match = leg === 'both' ? [] : ['-p', 'udp', '-m', 'multiport', leg === 'up' ? '--dports' : '--sports', ports];
  if (pct > 0) ipt('-A', 'LOSS', ...match, '-m', 'statistic', '--mode', 'random', '--probability', String(pct / 100), '-j', 'DROP');
  ipt('-Z');
}

/** UDP datagrams seen and dropped since the rules were (re)set. */
function lossCounters() {
  const first = (chain) => {
    const line = ipt('-nvxL', chain).split('\n').slice(2).find((l) => l.trim());
    return line ? Number(line.trim().split(/\s+/)[0]) : 0;
  };
  return { udp: first('INPUT'), dropped: first('LOSS') };
}

// ---- a capped downlink: tc in this (private) namespace ------------------------------------

function tc(...args) {
  return execFileSync('tc', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Caps what the SFU sends to one client (UDP from its ports to the client's port `to`) at
 * `kbps` with an htb class and a short queue (30 packets, as a home router's buffer: a full
 * queue drops), or lifts the cap (`kbps` 0). Everything else on loopback (signaling, the
 * publisher's uplink and the SFU's RTCP to it) is spared.
 */
function setCap(kbps, ports = '', to = 0) {
  try { tc('qdisc', 'del', 'dev', 'lo', 'root'); } catch { /* none yet */ }
  if (!kbps) return;
  tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '20');
  tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', `${kbps}kbit`, 'ceil', `${kbps}kbit`, 'burst', '4k');
  tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:20', 'htb', 'rate', '10gbit');
  tc('qdisc', 'add', 'dev', 'lo', 'parent', '1:10', 'handle', '10:', 'pfifo', 'limit', '30');
  for (const port of ports.split(',')) {
    tc('filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32',
      'match', 'ip', 'protocol', '17', '0xff', 'match', 'ip', 'sport', port, '0xffff',
      'match', 'ip', 'dport', String(to), '0xffff', 'flowid', '1:10');
  }
}

/** The local UDP port of the page's selected ICE candidate pair (0 without one). */
async function localPort(p) {
  return p.evaluate(async () => {
    const stats = await window.client.getMediaStream().getPeerConnection().getStats();
    let port = 0;
    stats.forEach((t) => {
      if (t.type !== 'transport' || !t.selectedCandidatePairId) return;
      port = stats.get(stats.get(t.selectedCandidatePairId).localCandidateId)?.port || 0;
    });
    return port;
  });
}

// ---- the server's /metrics --------------------------------------------------------------

const METRICS = ['rtp_packets_in_total', 'rtp_packets_out_total', 'forwarded_packets_total', 'nacks_received_total',
  'nacks_sent_total', 'subscriber_packets_lost_total', 'upstream_packets_lost_total', 'plis_sent_total', 'keyframe_requests_total'];

/** The SFU's counters (summed over labels), or null without /metrics. */
async function sfuCounters() {
  try {
    const text = await (await fetch(`${URL_}/metrics`)).text();
    const out = {};
    for (const name of METRICS) {
      let sum = 0;
      for (const m of text.matchAll(new RegExp(`^convene_${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum += Number(m[1]);
      out[name.replace(/_total$/, '')] = sum;
    }
    return out;
  } catch {
    return null;
  }
}

function diff(a, b) {
  if (!a || !b) return null;
  const out = {};
  for (const k of Object.keys(b)) if (typeof b[k] === 'number' && typeof a[k] === 'number') out[k] = b[k] - a[k];
  return out;
}

// ---- in-page code (serialised by Playwright: self-contained) -----------------------------

/**
 * getStats() of the page's peer connection: video inbound-rtp, outbound-rtp,
 * remote-inbound-rtp, and audio inbound-rtp (`audioIn`).
 */
async function statsSnapshot() {
  const pick = (r, keys) => Object.fromEntries(keys.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));
  const out = { t: performance.now(), inbound: [], outbound: [], remoteInbound: [], audioIn: [] };
  const pc = window.ffProbe.pc;
  if (!pc) return out;
  (await pc.getStats()).forEach((r) => {
    if (r.kind === 'audio' && r.type === 'inbound-rtp') {
      out.audioIn.push(pick(r, ['ssrc', 'totalSamplesReceived', 'concealedSamples', 'silentConcealedSamples',
        'packetsReceived', 'packetsLost']));
    }
    if (r.kind !== 'video') return;
    if (r.type === 'inbound-rtp') {
      out.inbound.push(pick(r, ['ssrc', 'packetsReceived', 'packetsLost', 'nackCount', 'pliCount', 'firCount',
        'framesReceived', 'framesDecoded', 'framesDropped', 'keyFramesDecoded', 'frameWidth', 'frameHeight',
        'framesPerSecond', 'freezeCount', 'totalFreezesDuration', 'retransmittedPacketsReceived', 'bytesReceived']));
    } else if (r.type === 'outbound-rtp') {
      out.outbound.push(pick(r, ['ssrc', 'rid', 'packetsSent', 'retransmittedPacketsSent', 'nackCount', 'pliCount',
        'framesEncoded', 'framesSent', 'keyFramesEncoded', 'frameWidth', 'frameHeight', 'framesPerSecond',
        'targetBitrate', 'qualityLimitationReason', 'active', 'bytesSent']));
    } else if (r.type === 'remote-inbound-rtp') {
      out.remoteInbound.push(pick(r, ['ssrc', 'packetsLost', 'fractionLost', 'roundTripTime']));
    }
  });
  return out;
}

/**
 * The subscriber: attaches `pubId`'s camera at `quality` into a new <video> and records every
 * presented frame (requestVideoFrameCallback) into `window.lossRec` while `lossRec.on`.
 * Resolves once the first frame is presented, or `{error}`.
 */
async function attachAndWatch([pubId, quality, timeoutMs]) {
  const el = document.createElement('video');
  el.style.width = '640px';
  el.style.height = '360px';
  document.body.appendChild(el);
  // `switches`: [time, height] whenever the presented height changes, from the first frame on.
  const rec = { on: false, frames: [], first: null, switches: [] };
  window.lossRec = rec;
  let firstResolve;
  const first = new Promise((r) => { firstResolve = r; });
  const cb = (now, meta) => {
    if (rec.first === null) { rec.first = now; firstResolve(true); }
    const sw = rec.switches;
    if (!sw.length || sw[sw.length - 1][1] !== meta.height) sw.push([now, meta.height]);
    // [callback time, presentedFrames counter, width, height] (ms, performance.now() clock)
    if (rec.on) rec.frames.push([now, meta.presentedFrames, meta.width, meta.height]);
    el.requestVideoFrameCallback(cb);
  };
  el.requestVideoFrameCallback(cb);
  try {
    await window.client.getMediaStream().attachVideo(pubId, quality, el);
  } catch (e) {
    return { error: `attachVideo: ${JSON.stringify(e)}` };
  }
  const ok = await Promise.race([first, new Promise((r) => setTimeout(() => r(false), timeoutMs))]);
  return ok ? {} : { error: `no remote frame within ${timeoutMs} ms` };
}

// ---- one level ---------------------------------------------------------------------------

async function close(page) {
  if (!page) return;
  await page.evaluate(() => window.client.leave().catch(() => {})).catch(() => {});
  await page.context().close().catch(() => {});
}

async function probedPage(browser) {
  const page = await newPage(browser);
  await page.evaluate(installProbe);
  return page;
}

const sumOf = (list, k) => list.reduce((a, r) => a + (r[k] || 0), 0);

/** Per-rid deltas of the publisher's outbound-rtp between two snapshots. */
function outboundDelta(a, b, secs) {
  const out = {};
  for (const r of b.outbound) {
    const r0 = a.outbound.find((x) => x.ssrc === r.ssrc) || {};
    const d = (k) => (r[k] || 0) - (r0[k] || 0);
    out[r.rid || r.ssrc] = {
      fps: round(d('framesEncoded') / secs),
      framesEncoded: d('framesEncoded'),
      packetsSent: d('packetsSent'),
      rtxSent: d('retransmittedPacketsSent'),
      nacks: d('nackCount'),
      plis: d('pliCount'),
      keyFrames: d('keyFramesEncoded'),
      kbps: round((d('bytesSent') * 8) / secs / 1000, 0),
      size: r.frameWidth ? `${r.frameWidth}x${r.frameHeight}` : null,
      limit: r.qualityLimitationReason ?? null,
    };
  }
  return out;
}

/** Frames, gaps and layers of the window from the recorded frame callbacks. */
function frameFigures(rec, o) {
  const f = rec.frames;
  const times = [rec.start, ...f.map((x) => x[0]), rec.end];
  const gaps = [];
  for (let i = 1; i < times.length; i++) gaps.push(times[i] - times[i - 1]);
  const freezes = gaps.filter((g) => g > o.freezeMs);
  const presented = f.length ? f[f.length - 1][1] - rec.presentedBefore : 0;
  const heights = {};
  let layerChanges = 0;
  for (let i = 0; i < f.length; i++) {
    heights[f[i][3]] = (heights[f[i][3]] || 0) + 1;
    if (i > 0 && f[i][3] !== f[i - 1][3]) layerChanges++;
  }
  return {
    presented,
    callbacks: f.length,
    fps: round(presented / o.secs),
    freezes: freezes.length,
    freezeMsTotal: round(freezes.reduce((a, b) => a + b, 0), 0),
    longestGapMs: round(Math.max(...gaps), 0),
    heights,
    layerChanges,
    gapsMs: gaps.map((g) => round(g, 1)),
  };
}

async function level(browser, pct, o, log) {
  setLoss(0);
  const pages = {};
  try {
    const { pub, sub } = await watching(browser, `loss-${pct}`, o, pages);

    // Loss on, warm up under it, then the window.
    const lossOn = await sub.evaluate(() => performance.now());
    setLoss(pct, o.leg, o.leg === 'both' ? '' : mediaPorts());
    await sleep(o.warmup * 1000);
    const [p0, s0, m0, l0] = [await pub.evaluate(statsSnapshot), await sub.evaluate(statsSnapshot), await sfuCounters(), lossCounters()];
    const windowAt = await sub.evaluate(() => {
      const r = window.lossRec;
      r.frames = [];
      r.start = performance.now();
      r.presentedBefore = null;
      r.on = true;
      return performance.timeOrigin + r.start;
    });
    await sleep(o.secs * 1000);
    const rec = await sub.evaluate(() => {
      const r = window.lossRec;
      r.on = false;
      r.end = performance.now();
      return { start: r.start, end: r.end, frames: r.frames, first: r.first, switches: r.switches };
    });
    const [p1, s1, m1, l1] = [await pub.evaluate(statsSnapshot), await sub.evaluate(statsSnapshot), await sfuCounters(), lossCounters()];
    const secs = (rec.end - rec.start) / 1000;
    // The presented-frames counter just before the window: the first callback's minus one.
    rec.presentedBefore = rec.frames.length ? rec.frames[0][1] - 1 : 0;
    const frames = frameFigures(rec, { ...o, secs });
    // The presented height over the whole session, in s after the loss went on (negative: before).
    const heightsSinceAttach = rec.switches.map(([t, h]) => [round((t - lossOn) / 1000, 2), h]);

    const d = (k) => sumOf(s1.inbound, k) - sumOf(s0.inbound, k);
    const received = d('packetsReceived');
    const lost = d('packetsLost');
    const last = s1.inbound[s1.inbound.length - 1] || {};
    const subIn = {
      packetsReceived: received,
      packetsLost: lost,
      // packetsReceived counts every RTX packet too (NACK answers and the SFU's padding
      // probes, which str0m sends as RTX): the media packets expected are received - RTX + lost.
      unrecoveredPct: round((100 * lost) / Math.max(1, received - d('retransmittedPacketsReceived') + lost), 2),
      packetsLostCumulative: sumOf(s1.inbound, 'packetsLost'),
      rtxReceived: d('retransmittedPacketsReceived'),
      nacks: d('nackCount'),
      plis: d('pliCount'),
      firs: d('firCount'),
      framesReceived: d('framesReceived'),
      framesDecoded: d('framesDecoded'),
      framesDropped: d('framesDropped'),
      keyFramesDecoded: d('keyFramesDecoded'),
      chromeFreezes: d('freezeCount'),
      chromeFreezeMs: round(d('totalFreezesDuration') * 1000, 0),
      kbps: round((d('bytesReceived') * 8) / secs / 1000, 0),
      sizeAtEnd: last.frameWidth ? `${last.frameWidth}x${last.frameHeight}` : null,
    };
    const da = (k) => sumOf(s1.audioIn, k) - sumOf(s0.audioIn, k);
    const audio = o.audio ? {
      samples: da('totalSamplesReceived'),
      concealedPct: round((100 * da('concealedSamples')) / Math.max(1, da('totalSamplesReceived')), 2),
      silentConcealedPct: round((100 * da('silentConcealedSamples')) / Math.max(1, da('totalSamplesReceived')), 2),
      packetsReceived: da('packetsReceived'),
    } : null;
    const pubOut = outboundDelta(p0, p1, secs);
    const uplinkLoss = {};
    for (const r of p1.remoteInbound) {
      const rid = p1.outbound.find((x) => x.ssrc === r.ssrc)?.rid ?? r.ssrc;
      const r0 = p0.remoteInbound.find((x) => x.ssrc === r.ssrc) || {};
      uplinkLoss[rid] = (r.packetsLost || 0) - (r0.packetsLost || 0);
    }
    const udp = diff(l0, l1);
    const result = {
      lossPct: pct,
      leg: o.leg,
      secs: round(secs, 2),
      // Wall clock of the window's start (the first gap's start), to line the server's log up.
      windowAt: new Date(windowAt).toISOString(),
      measuredDropPct: udp && udp.udp ? round((100 * udp.dropped) / udp.udp, 2) : null,
      udp,
      frames: { ...frames, gapsMs: undefined },
      heightsSinceAttach,
      sub: subIn,
      audio,
      pub: pubOut,
      uplinkLostBySfuReport: uplinkLoss,
      sfu: diff(m0, m1),
    };
    const m = pubOut.m || {};
    log(`loss ${pct}% ${o.leg === 'both' ? '' : `(${o.leg} only) `}(dropped ${result.measuredDropPct}% of ${udp?.udp} UDP): presented ${frames.presented} (${frames.fps} fps of ${o.fps}), `
      + `freezes>${o.freezeMs}ms ${frames.freezes} (longest gap ${frames.longestGapMs} ms), heights ${JSON.stringify(frames.heights)} (since attach, s after loss on: ${JSON.stringify(heightsSinceAttach)}); `
      + `sub lost ${lost} (${subIn.unrecoveredPct}% of media), rtx rx ${subIn.rtxReceived}, nack ${subIn.nacks}, pli ${subIn.plis}, `
      + `rx frames ${subIn.framesReceived} dec ${subIn.framesDecoded} drop ${subIn.framesDropped}; `
      + (audio ? `audio concealed ${audio.concealedPct}% of ${audio.samples} samples; ` : '')
      + `pub m: ${m.fps} fps, rtx ${m.rtxSent}/${m.packetsSent}, pli ${m.plis}, ${m.kbps} kbps ${m.size} (${m.limit}); sfu ${JSON.stringify(result.sfu)}`);
    return { result, gapsMs: frames.gapsMs };
  } catch (e) {
    log(`loss ${pct}%: FAILED (${e.message || e})`);
    return { result: { lossPct: pct, error: String(e.message || e), frames: { presented: 0 } }, gapsMs: [] };
  } finally {
    setLoss(0);
    await close(pages.sub);
    await close(pages.pub);
  }
}

/**
 * A fresh session: a publisher page with its camera on, and a subscriber page watching it
 * at `o.quality`, its first frame presented. The pages go into `pages` as soon as they exist
 * (the caller closes them, also on failure).
 */
async function watching(browser, name, o, pages) {
  const tpc = topic(name);
  const pub = pages.pub = await probedPage(browser);
  const pj = await join(pub, tpc, 1, 'Publisher', null, null, token(tpc, 1));
  if (pj !== '') throw new Error(`publisher join: ${JSON.stringify(pj)}`);
  await pub.evaluate((fps) => window.client.getMediaStream().startVideo({ fps }), o.fps);
  if (o.audio) await pub.evaluate(() => window.client.getMediaStream().startAudio());
  const pubId = await pub.evaluate(() => window.client.getCurrentUserInfo().userId);
  const sub = pages.sub = await probedPage(browser);
  const sj = await join(sub, tpc, 0, 'Subscriber', null, null, token(tpc, 0));
  if (sj !== '') throw new Error(`subscriber join: ${JSON.stringify(sj)}`);
  // The subscriber joins audio muted: it hears the publisher (Opus in RED, see docs/sfu.md).
  if (o.audio) await sub.evaluate(() => window.client.getMediaStream().startAudio({ mute: true }));
  const at = await sub.evaluate(attachAndWatch, [pubId, o.quality, o.timeoutMs]);
  if (at.error) throw new Error(at.error);
  return { pub, sub };
}

// ---- a capped downlink -------------------------------------------------------------------

/**
 * The subscriber's downlink capped at `o.capKbps` for `o.capSecs`, then free for
 * `o.afterSecs`: how long until the presented height drops below the one asked for, how long
 * after the cap lifts until it is back, and the longest gap between presented frames in each
 * phase.
 */
async function capped(browser, o, log) {
  setCap(0);
  const pages = {};
  try {
    const { sub } = await watching(browser, `cap-${o.capKbps}`, o, pages);
    await sleep(o.warmup * 1000);
    const asked = await sub.evaluate(() => {
      const r = window.lossRec;
      r.frames = [];
      r.on = true;
      return r.switches[r.switches.length - 1]?.[1] ?? 0;
    });
    const capOn = await sub.evaluate(() => performance.now());
    const subPort = await localPort(sub);
    if (!subPort) throw new Error('the subscriber has no selected candidate pair');
    const capOnAt = new Date().toISOString();
    setCap(o.capKbps, mediaPorts(), subPort);
    await sleep(o.capSecs * 1000);
    const capOff = await sub.evaluate(() => performance.now());
    setCap(0);
    await sleep(o.afterSecs * 1000);
    const rec = await sub.evaluate(() => {
      const r = window.lossRec;
      r.on = false;
      return { end: performance.now(), frames: r.frames, switches: r.switches };
    });
    const firstAfter = (t, pred) => rec.frames.find(([at, , , h]) => at >= t && pred(h));
    const down = firstAfter(capOn, (h) => h < asked);
    // Back: the first frame at the asked height after both the cap lifted and the move down.
    const up = down ? firstAfter(Math.max(capOff, down[0]), (h) => h >= asked) : null;
    const longestGap = (from, to) => {
      const times = [from, ...rec.frames.map((f) => f[0]).filter((t) => t > from && t < to), to];
      let g = 0;
      for (let i = 1; i < times.length; i++) g = Math.max(g, times[i] - times[i - 1]);
      return round(g, 0);
    };
    // Frames presented per second over [from, to], and the heights they had.
    const fps = (from, to) => {
      const f = rec.frames.filter(([t]) => t >= from && t < to);
      return { fps: round(f.length / ((to - from) / 1000), 1), heights: [...new Set(f.map((x) => x[3]))] };
    };
    // From `from` on, the first presented frame that starts 6 gaps in a row all passing
    // `pred(gap ms)`, as ms after `from` (temporal layers: at 20 fps frames come every 50 ms,
    // at TL0-1 every 100 ms; a 60 Hz display shows them 17 ms early or late, so 20 fps reads
    // as 33-67 ms gaps and 10 fps as 83-117 ms: 75 ms tells them apart).
    const gapsAfter = (from, pred) => {
      const f = rec.frames.map((x) => x[0]).filter((t) => t >= from);
      for (let i = 0; i + 6 < f.length; i++) {
        if (f.slice(i, i + 7).every((t, k, a) => k === 0 || pred(t - a[k - 1]))) return round(f[i] - from, 0);
      }
      return null;
    };
    const result = {
      capKbps: o.capKbps,
      // Wall clock, to line the server's log up with the cap.
      capOnAt,
      askedHeight: asked,
      thinnedAfterMs: gapsAfter(capOn, (g) => g >= 75),
      fullRateAfterMs: gapsAfter(capOff, (g) => g < 75),
      // The second half of each phase: where the layer choice settled.
      settledCapped: fps((capOn + capOff) / 2, capOff),
      settledAfter: fps((capOff + rec.end) / 2, rec.end),
      downAfterMs: down ? round(down[0] - capOn, 0) : null,
      downTo: down ? down[3] : null,
      backAfterMs: up ? round(up[0] - capOff, 0) : null,
      longestGapCappedMs: longestGap(capOn, capOff),
      longestGapAfterMs: longestGap(capOff, rec.end),
      heightsSinceCap: rec.switches.filter(([t]) => t >= capOn).map(([t, h]) => [round((t - capOn) / 1000, 2), h]),
      // With --out: every presented frame, [ms after the cap went on, height].
      ...(o.out ? { framesMs: rec.frames.map(([t, , , h]) => [round(t - capOn, 0), h]) } : {}),
    };
    log(`cap ${o.capKbps} kbit/s for ${o.capSecs} s: ${asked}p -> ${result.downTo ?? 'no change'}p after ${result.downAfterMs ?? '-'} ms; `
      + `back to ${asked}p ${result.backAfterMs ?? '(not within ' + o.afterSecs + ' s)'} ms after the cap lifted; longest gap ${result.longestGapCappedMs} ms capped, `
      + `${result.longestGapAfterMs} ms after; frame rate halved ${result.thinnedAfterMs ?? '-'} ms after the cap, full ${result.fullRateAfterMs ?? '-'} ms after it lifted; settled capped ${JSON.stringify(result.settledCapped)}, after ${JSON.stringify(result.settledAfter)}; `
      + `heights (s after cap on) ${JSON.stringify(result.heightsSinceCap)}`);
    return result;
  } catch (e) {
    log(`cap ${o.capKbps} kbit/s: FAILED (${e.message || e})`);
    return { capKbps: o.capKbps, error: String(e.message || e) };
  } finally {
    setCap(0);
    await close(pages.sub);
    await close(pages.pub);
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const log = (s) => process.stderr.write(`${s}\n`);
  execFileSync('iptables', ['-w', '-nL', 'INPUT']); // fails early without iptables or root
  const browser = await launch();
  const out = {
    ...benchMeta('loss', browser),
    fps: o.fps,
    quality: o.quality,
    warmupSecs: o.warmup,
    windowSecs: o.secs,
    freezeMs: o.freezeMs,
    leg: o.leg,
    levels: [],
  };
  const gaps = {};
  if (o.capKbps > 0) {
    try {
      out.cap = await capped(browser, o, log);
    } finally {
      await browser.close();
    }
    if (o.out) writeFileSync(o.out, JSON.stringify(out, null, 1));
    const { framesMs: _, ...summary } = out.cap;
    process.stdout.write(`${JSON.stringify({ ...out, cap: summary })}\n`);
    if (out.cap.error) process.exitCode = 1;
    return;
  }
  try {
    for (const pct of o.levels) {
      const { result, gapsMs } = await level(browser, pct, o, log);
      out.levels.push(result);
      gaps[pct] = gapsMs;
      await sleep(500);
    }
  } finally {
    await browser.close();
    try { ipt('-F', 'INPUT'); } catch { /* gone */ }
  }
  out.loadAvg.push(loadNow());
  if (o.out) writeFileSync(o.out, JSON.stringify({ ...out, gapsMs: gaps }, null, 1));
  process.stdout.write(`${JSON.stringify(out)}\n`);
  const zero = out.levels.find((l) => l.lossPct === 0);
  if (zero && !(zero.frames.presented > 0)) {
    log('loss: the subscriber presented no frame at 0 % loss');
    process.exitCode = 1;
  }
}

main().catch((e) => {
  process.stderr.write(`loss: ${e.stack || e}\n`);
  process.exit(1);
});
