// One signaling WebSocket: opens it, numbers requests and matches their replies, hands
// pushed events and the close to its owner (the client, which decides what a close means).
import { decodeServerMessage, encodeRequest } from './codec.js';
import { asFailure, failure } from './errors.js';

/** @typedef {import('./types.js').ExecutedFailure} ExecutedFailure */

/**
 * @typedef {object} SignalingHandlers
 * @property {(event: string, payload: any) => void} onEvent a pushed event
 * @property {(code: number) => void} onClose the socket closed (also when it never opened)
 */

export class Signaling {
  /**
   * @param {string} url
   * @param {SignalingHandlers} handlers
   */
  constructor(url, handlers) {
    this._url = url;
    this._handlers = handlers;
    /** @type {WebSocket|null} */
    this._ws = null;
    this._nextId = 1;
    /** @type {Map<number, {resolve: (v: any) => void, reject: (f: ExecutedFailure) => void, timer: any}>} */
    this._pending = new Map();
  }

  /**
   * Opens the socket; resolves when open, rejects with code 1 when it cannot be opened.
   * @param {number} timeoutMs
   * @returns {Promise<void>}
   */
  open(timeoutMs) {
    return new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new WebSocket(this._url);
      } catch (e) {
        reject(failure(1, `connection error: ${e && e.message}`));
        return;
      }
      this._ws = ws;
      let opened = false;
      const timer = setTimeout(() => {
        if (!opened) {
          try { ws.close(); } catch (_) { /* ignore */ }
          reject(failure(1, 'connection error: timed out opening the signaling socket'));
        }
      }, timeoutMs);
      ws.onopen = () => { opened = true; clearTimeout(timer); resolve(); };
      ws.onmessage = (ev) => this._onFrame(ev.data);
      ws.onerror = () => {};
      ws.onclose = (ev) => {
        clearTimeout(timer);
        if (!opened) reject(failure(1, `connection error: the signaling socket closed (${ev.code})`));
        this._handlers.onClose(ev.code);
      };
    });
  }

  /** True while requests can be sent. */
  isOpen() {
    return !!this._ws && this._ws.readyState === 1;
  }

  /**
   * Sends one request; resolves with its result or rejects with its error (code 1 when no
   * reply comes within `timeoutMs`). The caller checks `isOpen()` first.
   * @param {string} method
   * @param {object|undefined} params
   * @param {number} timeoutMs
   * @returns {Promise<any>}
   */
  request(method, params, timeoutMs) {
    return new Promise((resolve, reject) => {
      const id = this._nextId++;
      const timer = setTimeout(() => {
        this._pending.delete(id);
        reject(failure(1, `no reply to ${method} in time`));
      }, timeoutMs);
      this._pending.set(id, { resolve, reject, timer });
      this._ws.send(encodeRequest(id, method, params));
    });
  }

  /**
   * Sends a request whose reply nobody waits for (the page is going away).
   * @param {string} method
   * @param {object} params
   */
  notify(method, params) {
    try {
      if (this._ws) this._ws.send(encodeRequest(this._nextId++, method, params));
    } catch (_) { /* the page is going anyway */ }
  }

  /**
   * Rejects every request still waiting for a reply.
   * @param {ExecutedFailure} f
   */
  rejectAll(f) {
    for (const [, p] of this._pending) {
      clearTimeout(p.timer);
      p.reject(f);
    }
    this._pending.clear();
  }

  /**
   * Closes the socket without telling the owner (no `onClose`).
   * @param {number} [code]
   */
  close(code) {
    const ws = this._ws;
    this._ws = null;
    if (!ws) return;
    ws.onclose = null;
    ws.onmessage = null;
    try { ws.close(code); } catch (_) { /* ignore */ }
  }

  /** @param {string} data */
  _onFrame(data) {
    const msg = decodeServerMessage(data);
    if (!msg) return;
    if (msg.kind === 'event') {
      this._handlers.onEvent(msg.event, msg.payload);
      return;
    }
    const p = this._pending.get(msg.id);
    if (!p) return;
    this._pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.ok) p.resolve(msg.result === undefined ? null : msg.result);
    else p.reject(asFailure(msg.error || failure(2, 'unknown error')));
  }
}
