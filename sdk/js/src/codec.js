// The wire codec: requests out, replies and events in, as JSON text frames (docs/protocol.md).
// Pure: no socket, no DOM, so `node --test` checks it against fixtures/protocol/.

/** @typedef {import('./types.js').ServerMessage} ServerMessage */

/**
 * One request frame: `{"id":N,"method":M,"params":P}` (`params` left out when undefined).
 * @param {number} id
 * @param {string} method
 * @param {object} [params]
 * @returns {string}
 */
export function encodeRequest(id, method, params) {
  /** @type {{id: number, method: string, params?: object}} */
  const msg = { id, method };
  if (params !== undefined) msg.params = params;
  return JSON.stringify(msg);
}

/**
 * Reads one server frame: a reply (it has a numeric `id`) or an event (a string `event`).
 * Anything else, including text that is not JSON, is `null`: the SDK ignores it.
 * @param {string} text
 * @returns {ServerMessage|null}
 */
export function decodeServerMessage(text) {
  let msg;
  try {
    msg = JSON.parse(text);
  } catch (_) {
    return null;
  }
  if (!msg || typeof msg !== 'object') return null;
  if (typeof msg.event === 'string') return { kind: 'event', event: msg.event, payload: msg.payload };
  if (typeof msg.id === 'number') {
    /** @type {ServerMessage} */
    const reply = { kind: 'reply', id: msg.id, ok: msg.ok === true };
    if ('result' in msg) reply.result = msg.result;
    if ('error' in msg) reply.error = msg.error;
    return reply;
  }
  return null;
}

/**
 * The frame a decoded message came from (the inverse of `decodeServerMessage`).
 * @param {ServerMessage} m
 * @returns {string}
 */
export function encodeServerMessage(m) {
  if (m.kind === 'event') return JSON.stringify({ event: m.event, payload: m.payload });
  /** @type {{id: number, ok: boolean, result?: any, error?: any}} */
  const out = { id: m.id, ok: m.ok };
  if ('result' in m) out.result = m.result;
  if ('error' in m) out.error = m.error;
  return JSON.stringify(out);
}
