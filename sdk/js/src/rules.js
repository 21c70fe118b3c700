// Session rules the SDK applies on its side, defined once in the protocol crate
// (`validate_join_params`, `user_list_diff`) and pinned by fixtures/protocol/rules/.
// Pure: no socket, no DOM.
import { LIMITS } from './protocol.gen.js';
import { failure } from './errors.js';

/** @typedef {import('./types.js').Participant} Participant */
/** @typedef {import('./types.js').ExecutedFailure} ExecutedFailure */
/** @typedef {import('./types.js').WireEvent} WireEvent */

// Rust's `char::is_control`: the C0 and C1 control characters.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * SPEC §4: topic 1–150 characters without control characters; passcode (when not empty) at
 * most 10 printable ASCII characters; idle timeout a positive whole number of minutes.
 * @param {{topic: string, passcode?: string, idleTimeoutMins?: number}} params the `join`
 *   parameters as they go on the wire
 * @returns {ExecutedFailure|null} a 5013 failure, or null when the parameters are accepted
 */
export function validateJoin(params) {
  const { topic, passcode, idleTimeoutMins } = params;
  const chars = [...topic].length;
  if (chars === 0) return failure(5013, 'invalid parameters: topic is empty');
  if (chars > LIMITS.MAX_TOPIC_CHARS) {
    return failure(5013, `invalid parameters: topic is ${chars} characters; at most ${LIMITS.MAX_TOPIC_CHARS} allowed`);
  }
  if (CONTROL.test(topic)) return failure(5013, 'invalid parameters: topic contains control characters');
  if (passcode !== undefined && passcode !== '') {
    if ([...passcode].length > LIMITS.MAX_PASSCODE_CHARS || !PRINTABLE_ASCII.test(passcode)) {
      return failure(5013, `invalid parameters: passcode must be at most ${LIMITS.MAX_PASSCODE_CHARS} printable ASCII characters`);
    }
  }
  if (idleTimeoutMins !== undefined && !(Number.isInteger(idleTimeoutMins) && idleTimeoutMins >= 1 && idleTimeoutMins <= 0xffffffff)) {
    return failure(5013, 'invalid parameters: idleTimeoutMins must be a positive whole number');
  }
  return null;
}

/** The fields of a user that `user-updated` reports, in wire order. */
const DELTA_FIELDS = /** @type {const} */ (['displayName', 'audio', 'muted', 'bVideoOn', 'sharerOn', 'isHost', 'isManager', 'isInFailover', 'isSpeakerOnly']);

/**
 * The fields of `after` that differ from `before` (with `userId`), or null when none did.
 * `muted` disappearing (audio left) is not a change of its own: `audio` says it.
 * @param {Participant} before
 * @param {Participant} after
 */
function delta(before, after) {
  /** @type {Record<string, any>} */
  const d = { userId: after.userId };
  let changed = false;
  for (const k of DELTA_FIELDS) {
    if (k === 'muted' && after.muted === undefined) continue;
    if (before[k] !== after[k]) {
      d[k] = after[k];
      changed = true;
    }
  }
  return changed ? d : null;
}

/**
 * The events that turn user list `old` into `now` after a failover: `user-removed` (with the
 * last name), `user-added`, `user-updated` (changed fields only), in that order, each sorted
 * by user id; kinds with nothing to say are left out.
 * @param {Participant[]} old
 * @param {Participant[]} now
 * @returns {WireEvent[]}
 */
export function userListDiff(old, now) {
  const byId = (/** @type {Participant} */ a, /** @type {Participant} */ b) => a.userId - b.userId;
  const before = new Map(old.map((u) => [u.userId, u]));
  const after = new Map(now.map((u) => [u.userId, u]));
  const removed = [];
  const updated = [];
  for (const u of [...old].sort(byId)) {
    const a = after.get(u.userId);
    if (!a) removed.push({ userId: u.userId, displayName: u.displayName });
    else {
      const d = delta(u, a);
      if (d) updated.push(d);
    }
  }
  const added = [...now].sort(byId).filter((u) => !before.has(u.userId)).map((u) => ({ ...u }));
  /** @type {WireEvent[]} */
  const events = [];
  if (removed.length) events.push({ event: 'user-removed', payload: removed });
  if (added.length) events.push({ event: 'user-added', payload: added });
  if (updated.length) events.push({ event: 'user-updated', payload: updated });
  return events;
}
