// The stream's screen share: sharing the own screen (start, stop, pause, resume), playing the
// received share, and the session's share privilege and sharers. `Stream` delegates here.
import { SHARE_PRIVILEGE } from './protocol.gen.js';
import { asFailure, captureFailure, failure } from './errors.js';
import { clone } from './session-state.js';
import { ShareStatus } from './enums.js';
import { playerFor } from './video-player.js';

/** @typedef {import('./video-player.js').VideoPlayer} VideoPlayer */

/** @param {import('./stream.js').Stream} s @param {HTMLVideoElement|HTMLCanvasElement} [element] @returns {Promise<''>} */
export async function startShareScreen(s, element) {
  s._check();
  if (s._shareTrack) throw failure(6205, 'already sharing');
  let track;
  try {
    const ms = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    track = ms.getVideoTracks()[0];
  } catch (e) {
    throw captureFailure(e, 'share');
  }
  try {
    await s._req('startShareScreen');
  } catch (e) {
    track.stop();
    throw asFailure(e);
  }
  s._shareTrack = track;
  track.addEventListener('ended', () => {
    if (s._shareTrack === track) {
      s.stopShareScreen().catch(() => {});
      s._c._emit('passively-stop-share', 'StopScreenCapture');
    }
  });
  if (element && element instanceof HTMLVideoElement) {
    element.srcObject = new MediaStream([track]);
    element.muted = true;
    element.play().catch(() => {});
    s._shareEl = element;
  }
  const pc = s._ensurePc();
  if (s._shareTransceiver) await s._shareTransceiver.sender.replaceTrack(track);
  else s._shareTransceiver = pc.addTransceiver(track, { direction: 'sendonly' });
  await s._renegotiate();
  return '';
}

/** @param {import('./stream.js').Stream} s @returns {Promise<''>} */
export async function stopShareScreen(s) {
  await s._req('stopShareScreen');
  s._stopShareTrack();
  return '';
}

/**
 * @param {import('./stream.js').Stream} s
 * @param {number} [userId]
 * @param {string|HTMLElement} [element]
 * @returns {Promise<VideoPlayer|HTMLVideoElement>}
 */
export async function attachShareView(s, userId, element) {
  s._check();
  const el = playerFor(element);
  if (el instanceof HTMLVideoElement) { el.autoplay = true; el.muted = true; el.playsInline = true; }
  if (userId !== undefined && userId !== null) el.setAttribute('node-id', String(userId));
  if (s._needReset) await s._renegotiate();
  const t = s._shareSlots[0];
  if (t) el.srcObject = new MediaStream([t.receiver.track]);
  s._shareViews.add(el);
  return el;
}

/**
 * @param {import('./stream.js').Stream} s
 * @param {string|HTMLElement} [element]
 * @returns {Promise<VideoPlayer|HTMLVideoElement|Array<VideoPlayer|HTMLVideoElement>>}
 */
export async function detachShareView(s, element) {
  const given = typeof element === 'string' ? document.querySelector(element) : element;
  const els = [...s._shareViews].filter((e) => !given || e === given);
  for (const e of els) { s._shareViews.delete(e); e.srcObject = null; }
  return els.length === 1 ? els[0] : els;
}

/** @param {import('./stream.js').Stream} s */
export function getShareStatus(s) {
  if (!s._shareTrack) return ShareStatus.End;
  return s._sharePaused ? ShareStatus.Paused : ShareStatus.Sharing;
}

/** @param {import('./stream.js').Stream} s @returns {Promise<''>} */
export async function pauseShareScreen(s) {
  s._check();
  if (!s._shareTrack || s._sharePaused) throw failure(6205, 'no screen share to pause');
  s._sharePaused = true;
  if (s._shareTransceiver) await s._shareTransceiver.sender.replaceTrack(null);
  return '';
}

/** @param {import('./stream.js').Stream} s @returns {Promise<''>} */
export async function resumeShareScreen(s) {
  s._check();
  if (!s._shareTrack || !s._sharePaused) throw failure(6205, 'no paused screen share to resume');
  s._sharePaused = false;
  if (s._shareTransceiver) await s._shareTransceiver.sender.replaceTrack(s._shareTrack);
  return '';
}

/** @param {import('./stream.js').Stream} s @param {boolean} isLocked @returns {Promise<''>} */
export async function lockShare(s, isLocked) {
  await s._req('lockShare', { isLocked: !!isLocked });
  if (s._c._session) s._c._session.sharePrivilege = isLocked ? 1 : 0;
  return '';
}

/** @param {import('./stream.js').Stream} s */
export function isShareLocked(s) {
  const session = s._c._session;
  return !!(session && session.sharePrivilege === SHARE_PRIVILEGE.Locked);
}

/** @param {import('./stream.js').Stream} s @param {0|1|3} privilege @returns {Promise<''>} */
export async function setSharePrivilege(s, privilege) {
  await s._req('setSharePrivilege', { privilege });
  if (s._c._session) s._c._session.sharePrivilege = privilege;
  return '';
}

/** @param {import('./stream.js').Stream} s */
export function getSharePrivilege(s) {
  const session = s._c._session;
  return session ? session.sharePrivilege : SHARE_PRIVILEGE.Unlocked;
}

/** @param {import('./stream.js').Stream} s */
export function getActiveShareUserId(s) {
  const session = s._c._session;
  if (!session) return 0;
  const u = [...session.users.values()].find((x) => x.sharerOn && x.userId !== session.userId);
  return u ? u.userId : 0;
}

/** @param {import('./stream.js').Stream} s */
export function getShareUserList(s) {
  const session = s._c._session;
  return session ? [...session.users.values()].filter((u) => u.sharerOn).map(clone) : [];
}
