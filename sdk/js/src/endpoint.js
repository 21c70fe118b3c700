// Where the server is: the signaling URL and the server config `init` fetches.
import { failure } from './errors.js';

/**
 * The signaling URL: `options.webEndpoint` (host[:port], http(s):// or ws(s):// URL) or this
 * page's origin, path `/rtc/v1`.
 * @param {string|undefined} endpoint
 * @returns {string}
 */
export function signalingUrl(endpoint) {
  const loc = typeof location !== 'undefined' ? location : null;
  const secure = loc ? loc.protocol === 'https:' : false;
  let url;
  if (!endpoint) {
    if (!loc) throw failure(5000, 'no page origin: pass options.webEndpoint to init()');
    url = `${secure ? 'wss' : 'ws'}://${loc.host}`;
  } else if (/^wss?:\/\//i.test(endpoint)) {
    url = endpoint;
  } else if (/^https?:\/\//i.test(endpoint)) {
    url = endpoint.replace(/^http/i, 'ws');
  } else {
    url = `${secure ? 'wss' : 'ws'}://${endpoint}`;
  }
  const u = new URL(url);
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/rtc/v1';
  return u.toString();
}

/**
 * `GET /api/v1/client-config` next to the signaling URL; its `iceServers`, or `[]`. A server
 * that does not answer in time only means no extra ICE servers: direct ICE to the SFU works.
 * @param {string} wsUrl
 * @returns {Promise<RTCIceServer[]>}
 */
export async function fetchIceServers(wsUrl) {
  if (typeof fetch !== 'function') return [];
  const u = new URL(wsUrl);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = '/api/v1/client-config';
  const ctl = typeof AbortController === 'function' ? new AbortController() : null;
  const timer = setTimeout(() => ctl && ctl.abort(), 2000);
  try {
    const r = await fetch(u.toString(), ctl ? { signal: ctl.signal } : {});
    if (!r.ok) return [];
    const cfg = await r.json();
    return Array.isArray(cfg.iceServers) ? cfg.iceServers : [];
  } catch {
    return [];
  } finally {
    clearTimeout(timer);
  }
}
