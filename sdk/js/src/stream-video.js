// The stream's camera (`startVideo`, `stopVideo`, simulcast), the videos played in elements
// (`attachVideo`, `detachVideo`) and the mirrored self-views. `Stream` delegates here.
import { LIMITS } from './protocol.gen.js';
import { asFailure, captureFailure, failure } from './errors.js';
import { devicesWithin, listDevices } from './preview.js';
import { QUALITY_NAMES, VideoPlayer, playerFor } from './video-player.js';
import { cameraConstraint } from './stream-devices.js';

/**
 * @param {import('./stream.js').Stream} s
 * @param {{cameraId?: string, hd?: boolean, fullHd?: boolean, captureWidth?: number,
 *   captureHeight?: number, fps?: number, customVideoConstraints?: MediaTrackConstraints}} options
 * @returns {Promise<''>}
 */
export async function startVideo(s, options) {
  s._check();
  options = options || {};
  if (s._camTrack) throw failure(6109, 'video is already started');
  let track;
  try {
    const w = options.captureWidth || (options.fullHd ? 1920 : 1280);
    const h = options.captureHeight || (options.fullHd ? 1080 : 720);
    const v = Object.assign({ width: { ideal: w }, height: { ideal: h }, frameRate: { ideal: options.fps || 24 } }, options.customVideoConstraints || {});
    s._camConstraints = { ...v };
    const cam = options.cameraId || s._camId;
    if (cam) Object.assign(v, cameraConstraint(cam));
    const ms = await navigator.mediaDevices.getUserMedia({ video: v });
    track = ms.getVideoTracks()[0];
  } catch (e) {
    throw captureFailure(e, 'video');
  }
  const devices = listDevices();
  try {
    await s._req('startVideo');
  } catch (e) {
    track.stop();
    throw asFailure(e);
  }
  s._camTrack = track;
  const pc = s._ensurePc();
  if (s._camTransceiver) {
    await s._camTransceiver.sender.replaceTrack(track);
  } else {
    s._camTransceiver = s._addCamera(pc, track);
  }
  bindSelf(s);
  await s._renegotiate();
  await devicesWithin(devices);
  s._c._emit('video-capturing-change', { state: 'Started' });
  return '';
}

/** @param {import('./stream.js').Stream} s @returns {Promise<''>} */
export async function stopVideo(s) {
  await s._req('stopVideo');
  if (s._camTrack) { s._camTrack.stop(); s._camTrack = null; }
  bindSelf(s);
  if (s._camTransceiver) await s._camTransceiver.sender.replaceTrack(null).catch(() => {});
  s._c._emit('video-capturing-change', { state: 'Stopped' });
  return '';
}

/**
 * @param {import('./stream.js').Stream} s
 * @param {number} userId
 * @param {number} videoQuality
 * @param {string|HTMLElement} [element]
 * @returns {Promise<VideoPlayer|HTMLVideoElement>}
 */
export async function attachVideo(s, userId, videoQuality, element) {
  s._check();
  const el = playerFor(element);
  if (el instanceof HTMLVideoElement) { el.autoplay = true; el.muted = true; el.playsInline = true; }
  el.setAttribute('node-id', String(userId));
  el.setAttribute('video-quality', QUALITY_NAMES[videoQuality] || '360p');
  if (userId === s._c._session.userId) {
    s._selfViews.add(el);
    bindSelf(s);
    return el;
  }
  const existing = s._attached.get(userId);
  if (!existing && s._attached.size >= LIMITS.MAX_ATTACHED_VIDEOS) throw failure(6111, 'too many rendered videos');
  const pc = s._ensurePc();
  const need = s._attached.size + (existing ? 0 : 1);
  let added = false;
  while (s._videoSlots.length < need) {
    s._videoSlots.push(pc.addTransceiver('video', { direction: 'recvonly' }));
    added = true;
  }
  if (added || s._needReset) await s._renegotiate();
  await s._req('attachVideo', { userId, videoQuality });
  if (existing && existing.element !== el) existing.element.srcObject = null;
  s._attached.set(userId, { element: el, quality: videoQuality });
  s._bindAll();
  return el;
}

/**
 * @param {import('./stream.js').Stream} s
 * @param {number} userId
 * @param {string|HTMLElement} [element]
 * @returns {Promise<VideoPlayer|HTMLVideoElement|Array<VideoPlayer|HTMLVideoElement>|undefined>}
 */
export async function detachVideo(s, userId, element) {
  if (s._c._session && userId === s._c._session.userId) {
    const given = typeof element === 'string' ? document.querySelector(element) : element;
    // Not the players canvases draw from (stopRenderVideo releases those).
    const canvasSources = new Set(s._canvasSources.values());
    const els = [...s._selfViews].filter((e) => (given ? e === given : !canvasSources.has(/** @type {VideoPlayer} */ (e))));
    for (const e of els) { s._selfViews.delete(e); e.srcObject = null; }
    return els.length === 1 ? els[0] : els;
  }
  await s._req('detachVideo', { userId });
  const a = s._attached.get(userId);
  s._attached.delete(userId);
  if (a) { a.element.srcObject = null; return a.element; }
  return undefined;
}

/** The local camera into every self-view (none while the camera is off). @param {import('./stream.js').Stream} s */
export function bindSelf(s) {
  const track = s._camTrack;
  for (const el of s._selfViews) {
    const cur = /** @type {MediaStream|null} */ (el.srcObject);
    if (!track) { if (cur) el.srcObject = null; }
    else if (!cur || cur.getVideoTracks()[0] !== track) {
      el.srcObject = new MediaStream([track]);
      const p = el.play();
      if (p && p.catch) p.catch(() => {});
    }
    if (el instanceof VideoPlayer) el._mirror(s._mirrored);
    else el.style.transform = s._mirrored ? 'scaleX(-1)' : '';
  }
}

/** @param {import('./stream.js').Stream} s @param {boolean} mirrored @returns {Promise<''>} */
export async function mirrorVideo(s, mirrored) {
  s._mirrored = !!mirrored;
  bindSelf(s);
  s._canvas.mirrorSelf(s._mirrored);
  return '';
}

/** @param {import('./stream.js').Stream} s */
export function getCapturedVideoResolution(s) {
  const settings = s._camTrack && s._camTrack.getSettings ? s._camTrack.getSettings() : {};
  return { width: settings.width || 0, height: settings.height || 0 };
}
