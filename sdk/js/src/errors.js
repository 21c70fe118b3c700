// Failures (`ExecutedFailure`: `{type, reason, errorCode}`). Every code's type and whether it
// is worth retrying come from the protocol crate, through protocol.gen.js.
import { ERROR_CODES } from './protocol.gen.js';

/** @typedef {import('./types.js').ExecutedFailure} ExecutedFailure */

/**
 * The failure for `errorCode`, typed as the protocol types that code.
 * @param {number} errorCode
 * @param {string} reason
 * @returns {ExecutedFailure}
 */
export function failure(errorCode, reason) {
  const known = ERROR_CODES[errorCode];
  return { type: known ? known.type : 'INTERNAL_ERROR', reason, errorCode };
}

/**
 * Whatever was thrown, as a failure (a non-failure becomes code 2).
 * @param {any} e
 * @returns {ExecutedFailure}
 */
export function asFailure(e) {
  if (e && typeof e === 'object' && typeof e.errorCode === 'number') return e;
  return failure(2, String((e && e.message) || e));
}

/**
 * Whether a call or `resume` that failed this way is worth retrying (the protocol's one rule).
 * @param {ExecutedFailure} f
 */
export function isTransient(f) {
  const known = ERROR_CODES[f.errorCode];
  return !!(known && known.transient);
}

export const notInitialized = () => failure(5000, 'init() must resolve before join()');
export const notJoined = () => failure(5002, 'closed');
export const reconnecting = () => failure(5003, 'reconnecting');
export const mediaNotJoined = () => failure(6002, 'join the session before using the media stream');

/**
 * The one code of every call into a feature Convene does not provide (unsupported.js lists
 * them). The SDK answers it itself, without asking the server; 5100 is in no list of the
 * reference's codes nor of the protocol's, and is exported by name from the entry module.
 */
export const FeatureNotSupported = 5100;

/**
 * The failure of a call into a feature Convene does not provide.
 * @param {string} feature e.g. `'whiteboard'`
 * @param {string} method e.g. `'WhiteboardClient.startWhiteboardScreen'`
 * @returns {ExecutedFailure}
 */
export function featureNotSupported(feature, method) {
  return { type: 'INVALID_OPERATION', reason: `not supported by this server: ${feature} (${method})`, errorCode: FeatureNotSupported };
}

/**
 * Maps a getUserMedia/getDisplayMedia error to a failure.
 * @param {any} e
 * @param {'audio'|'video'|'share'} kind
 * @returns {ExecutedFailure}
 */
export function captureFailure(e, kind) {
  const name = e && e.name;
  if (kind === 'share') {
    if (name === 'NotAllowedError') return failure(6200, 'SCREEN_SHARE_USER_DENIED');
    return failure(6202, `screen capture failed: ${name || e}`);
  }
  if (kind === 'audio') return failure(6010, `AUDIO_CAPTURE_FAILED: ${name || e}`);
  if (name === 'NotAllowedError') return failure(6100, 'VIDEO_USER_FORBIDDEN_CAPTURE');
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return failure(6101, 'CAN_NOT_FIND_CAMERA');
  return failure(6110, `VIDEO_ESTABLISH_STREAM_ERROR: ${name || e}`);
}
