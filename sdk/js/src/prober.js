// The network test before joining: `ConveneVideo.createProber().diagnose({durationMs})`.
//
// It runs over the media path itself, not over HTTP: an RTCPeerConnection with one unordered,
// unreliable data channel (no media) to a *probe peer* in the SFU, on the SFU's UDP port or,
// where UDP is blocked, ICE over TCP on the same port. The offer goes to `POST /api/v1/probe`
// (no token). The protocol (docs/probe.md), first byte of each binary message:
//   1 ECHO   any payload, sent back as is          → round-trip time, jitter, loss
//   2 UP     filler the SFU counts                 → uplink rate (asked with 5 STATS)
//   3 DOWN   rate_kbps u32, duration_ms u32, size u16: the SFU paces 4 FILL messages → downlink
//   5 STATS  → up_bytes u64, up_messages u32, up_span_us u64
//   6 LEVEL  rtt_ms u32, loss_permille u16 → level u8 (the SFU's 0–5 quality rule)
// Integers are big-endian. The phases take 40 % (echo), 30 % (uplink), 30 % (downlink) of
// `durationMs`. The SFU caps every test's lifetime, bytes and rate, and cuts it off beyond.
// Failures: 2 (the server refused: busy, or too many tests from this address; retry later),
// 1 (no connection to the media port), 3 (this prober is already running a test).
import { failure } from './errors.js';
import { signalingUrl } from './endpoint.js';
import { PROBE_MESSAGES } from './protocol.gen.js';

const { ECHO, UP, DOWN, FILL, STATS, LEVEL } = PROBE_MESSAGES;
/** Bytes of each filler message. */
const FILLER = 1000;
const ECHO_EVERY_MS = 20;
/** Uplink filler rate, and the downlink rate asked of the SFU (which caps it), bits/s. */
const RATE_BPS = 8_000_000;
/** The browser's send buffer is kept below this, so the uplink measures the path. */
const MAX_BUFFERED = 256 * 1024;
const CONNECT_TIMEOUT_MS = 10_000;
const REPLY_TIMEOUT_MS = 2_000;
/** The longest test: the SFU removes a probe after 30 s, connecting included. */
const MAX_DURATION_MS = 25_000;

/**
 * `POST /api/v1/probe` of the server that `webEndpoint` (or this page) names.
 * @param {string|undefined} endpoint
 */
function probeUrl(endpoint) {
  const u = new URL(signalingUrl(endpoint));
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = '/api/v1/probe';
  return u.toString();
}

/** @param {number[]} v */
function median(v) {
  if (!v.length) return 0;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Mean absolute difference of consecutive values. @param {number[]} v */
function meanStep(v) {
  if (v.length < 2) return 0;
  let sum = 0;
  for (let i = 1; i < v.length; i++) sum += Math.abs(v[i] - v[i - 1]);
  return sum / (v.length - 1);
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** @param {number} v */
const round1 = (v) => Math.round(v * 10) / 10;

/**
 * The selected candidate pair's transport: `'udp'` or `'tcp'`.
 * @param {RTCPeerConnection} pc
 * @returns {Promise<'udp'|'tcp'>}
 */
async function selectedProtocol(pc) {
  const stats = await pc.getStats();
  /** @type {any} */
  let pair = null;
  stats.forEach((r) => {
    if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId);
  });
  if (!pair) stats.forEach((r) => { if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') pair = r; });
  const local = pair ? stats.get(pair.localCandidateId) : null;
  return local && local.protocol === 'tcp' ? 'tcp' : 'udp';
}

/** Runs network tests against one server. */
export class Prober {
  /** @param {{webEndpoint?: string}} [options] */
  constructor(options = {}) {
    this._endpoint = options.webEndpoint;
    /** @type {RTCPeerConnection|null} */
    this._pc = null;
  }

  /**
   * One test: `durationMs` of measurement (default 5000, at most 25000) after connecting.
   * `onProgress({phase, progress})` is called as it goes (`phase`: `'connecting'`,
   * `'latency'`, `'uplink'`, `'downlink'`, `'done'`; `progress` 0–100). Rejects only when no
   * connection comes up (or the server refuses the test); a test the SFU cuts off resolves
   * with what it measured.
   * @param {{durationMs?: number, onProgress?: (p: {phase: string, progress: number}) => void}} [options]
   * @returns {Promise<{rttMs: number, jitterMs: number, lossPercent: number, uplinkKbps: number,
   *   downlinkKbps: number, level: number, protocol: 'udp'|'tcp'}>}
   */
  async diagnose(options = {}) {
    if (this._pc) throw failure(3, 'a network test of this prober is already running');
    const durationMs = Math.min(Math.max(Number(options.durationMs) || 5000, 500), MAX_DURATION_MS);
    const progress = (/** @type {string} */ phase, /** @type {number} */ p) => {
      if (typeof options.onProgress === 'function') {
        try { options.onProgress({ phase, progress: Math.round(p) }); } catch (_) { /* the app's */ }
      }
    };
    const pc = new RTCPeerConnection({ iceServers: [] });
    this._pc = pc;
    try {
      progress('connecting', 0);
      const dc = pc.createDataChannel('probe', { ordered: false, maxRetransmits: 0 });
      dc.binaryType = 'arraybuffer';
      await pc.setLocalDescription(await pc.createOffer());
      // Host candidates only: gathering is quick, and the SFU learns ours from STUN anyway.
      await new Promise((resolve) => {
        if (pc.iceGatheringState === 'complete') return resolve(undefined);
        const t = setTimeout(resolve, 1000);
        pc.addEventListener('icegatheringstatechange', () => {
          if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(undefined); }
        });
      });
      const res = await fetch(probeUrl(this._endpoint), {
        method: 'POST',
        // text/plain: a simple request, so a server on another origin needs no preflight.
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        body: JSON.stringify({ sdp: pc.localDescription.sdp }),
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) throw failure(2, body.message || `network test refused: HTTP ${res.status}`);
      await pc.setRemoteDescription({ type: 'answer', sdp: body.sdp });
      await new Promise((resolve, reject) => {
        if (dc.readyState === 'open') return resolve(undefined);
        const t = setTimeout(() => reject(failure(1, 'network test: no connection to the media server')), CONNECT_TIMEOUT_MS);
        dc.addEventListener('open', () => { clearTimeout(t); resolve(undefined); });
      });
      progress('connecting', 100);
      return await this._run(pc, dc, durationMs, progress);
    } finally {
      this._pc = null;
      pc.close();
    }
  }

  /**
   * @param {RTCPeerConnection} pc
   * @param {RTCDataChannel} dc
   * @param {number} durationMs
   * @param {(phase: string, p: number) => void} progress
   */
  async _run(pc, dc, durationMs, progress) {
    const start = performance.now();
    const echoEnd = start + durationMs * 0.4;
    const upEnd = echoEnd + durationMs * 0.3;
    const end = start + durationMs;
    let echoSent = 0;
    let echoBack = 0;
    /** @type {number[]} */
    const rtts = [];
    let downBytes = 0;
    let downFirst = 0;
    let downLast = 0;
    /** @type {[number, number]|null} */
    let upStats = null;
    /** @type {number|null} */
    let level = null;
    let open = true;
    dc.addEventListener('close', () => { open = false; });
    dc.addEventListener('message', (ev) => {
      const now = performance.now();
      if (!(ev.data instanceof ArrayBuffer) || ev.data.byteLength < 1) return;
      const v = new DataView(ev.data);
      switch (v.getUint8(0)) {
        case ECHO:
          if (v.byteLength >= 13) {
            echoBack++;
            const sentUs = Number(v.getBigUint64(5));
            rtts.push(Math.max(0, (now - start) * 1000 - sentUs) / 1000);
          }
          break;
        case FILL:
          downBytes += v.byteLength;
          if (!downFirst) downFirst = now;
          downLast = now;
          break;
        case STATS:
          if (v.byteLength >= 21) upStats = [Number(v.getBigUint64(1)), Number(v.getBigUint64(13))];
          break;
        case LEVEL:
          if (v.byteLength >= 2) level = Math.min(v.getUint8(1), 5);
          break;
        default:
      }
    });
    /** @param {ArrayBuffer} b */
    const send = (b) => {
      if (!open || dc.readyState !== 'open') return false;
      try { dc.send(b); return true; } catch (_) { return false; }
    };
    const filler = new ArrayBuffer(FILLER);
    new DataView(filler).setUint8(0, UP);
    const perMessageMs = (FILLER * 8 * 1000) / RATE_BPS;
    let nextEcho = start;
    let nextUp = echoEnd;
    let downAsked = false;
    while (open) {
      const now = performance.now();
      if (now >= end) break;
      if (now < echoEnd) {
        while (nextEcho <= now) {
          const b = new ArrayBuffer(13);
          const v = new DataView(b);
          v.setUint8(0, ECHO);
          v.setUint32(1, echoSent);
          v.setBigUint64(5, BigInt(Math.round((now - start) * 1000)));
          if (send(b)) echoSent++;
          nextEcho += ECHO_EVERY_MS;
        }
        progress('latency', ((now - start) / (echoEnd - start)) * 100);
      } else if (now < upEnd) {
        let burst = 0;
        while (nextUp <= now && burst < 64 && dc.bufferedAmount < MAX_BUFFERED) {
          send(filler);
          nextUp += perMessageMs;
          burst++;
        }
        if (nextUp + 50 < now) nextUp = now;
        progress('uplink', ((now - echoEnd) / (upEnd - echoEnd)) * 100);
      } else {
        if (!downAsked) {
          downAsked = true;
          send(new Uint8Array([STATS]).buffer);
          const b = new ArrayBuffer(11);
          const v = new DataView(b);
          v.setUint8(0, DOWN);
          v.setUint32(1, RATE_BPS / 1000);
          v.setUint32(5, Math.round(end - now));
          v.setUint16(9, FILLER);
          send(b);
        }
        progress('downlink', ((now - upEnd) / (end - upEnd)) * 100);
      }
      await sleep(now < echoEnd ? 5 : 2);
    }
    const lossPercent = echoSent ? ((echoSent - Math.min(echoBack, echoSent)) * 100) / echoSent : 100;
    const rttMs = median(rtts);
    const q = new ArrayBuffer(7);
    const qv = new DataView(q);
    qv.setUint8(0, LEVEL);
    qv.setUint32(1, Math.round(rttMs));
    qv.setUint16(5, Math.round(lossPercent * 10));
    if (!downAsked) send(new Uint8Array([STATS]).buffer);
    send(q);
    const until = performance.now() + REPLY_TIMEOUT_MS;
    while (open && (level === null || upStats === null) && performance.now() < until) await sleep(10);
    const protocol = await selectedProtocol(pc).catch(() => /** @type {'udp'} */ ('udp'));
    const kbps = (/** @type {number} */ bytes, /** @type {number} */ spanUs) => (spanUs > 0 ? Math.round((bytes * 8 * 1000) / spanUs) : 0);
    const report = {
      rttMs: round1(rttMs),
      jitterMs: round1(meanStep(rtts)),
      lossPercent: round1(lossPercent),
      uplinkKbps: upStats ? kbps(upStats[0], upStats[1]) : 0,
      downlinkKbps: kbps(downBytes, (downLast - downFirst) * 1000),
      // The SFU's verdict for these figures; none (cut off, path gone) means unusable.
      level: level === null ? 0 : level,
      protocol,
    };
    progress('done', 100);
    return report;
  }
}

/**
 * A network tester for the server `options.webEndpoint` names (default: this page's).
 * @param {{webEndpoint?: string}} [options]
 */
export function createProber(options) {
  return new Prober(options);
}
