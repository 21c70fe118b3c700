// The stream's videos drawn into canvases (`renderVideo` & co., the reference's older API)
// and the hidden players they draw from. The drawing itself is in canvas-render.js.
import { failure } from './errors.js';
import { VideoPlayer, playerFor } from './video-player.js';

/**
 * @param {import('./stream.js').Stream} s
 * @param {HTMLCanvasElement|HTMLVideoElement} canvas
 * @param {number} userId
 * @param {number|undefined} width
 * @param {number|undefined} height
 * @param {number|undefined} x
 * @param {number|undefined} y
 * @param {number} videoQuality
 * @param {string} [additionalUserKey]
 * @returns {Promise<''>}
 */
export async function renderVideo(s, canvas, userId, width, height, x, y, videoQuality, additionalUserKey) {
  s._check();
  if (canvas instanceof HTMLVideoElement) {
    await s.attachVideo(userId, videoQuality, canvas);
    return '';
  }
  if (!(canvas instanceof HTMLCanvasElement)) {
    throw failure(4003, 'renderVideo needs a canvas or a video element');
  }
  const source = await renderSource(s, userId, videoQuality);
  const rect = { x: x || 0, y: y || 0, width: width || canvas.width, height: height || canvas.height };
  s._canvas.add(canvas, userId, additionalUserKey, rect, source, userId === s._c._session.userId, s._mirrored);
  return '';
}

/**
 * @param {import('./stream.js').Stream} s
 * @param {HTMLCanvasElement|HTMLVideoElement} canvas
 * @param {number} userId
 * @param {string} [additionalUserKey]
 * @param {string} [underlyingColor]
 * @param {boolean} [isKeepLastFrame]
 * @returns {Promise<''>}
 */
export async function stopRenderVideo(s, canvas, userId, additionalUserKey, underlyingColor, isKeepLastFrame) {
  if (canvas instanceof HTMLVideoElement) {
    await s.detachVideo(userId, canvas);
    return '';
  }
  if (!s._canvas.remove(canvas, userId, additionalUserKey, underlyingColor, !!isKeepLastFrame)) return '';
  await releaseSource(s, userId);
  return '';
}

/**
 * @param {import('./stream.js').Stream} s
 * @param {HTMLCanvasElement|HTMLVideoElement} canvas
 * @param {number} userId
 * @param {number} [width]
 * @param {number} [height]
 * @param {number} [x]
 * @param {number} [y]
 * @param {string} [additionalUserKey]
 * @returns {Promise<''>}
 */
export async function adjustRenderedVideoPosition(s, canvas, userId, width, height, x, y, additionalUserKey) {
  if (canvas instanceof HTMLVideoElement) return '';
  if (!s._canvas.move(canvas, userId, additionalUserKey, { x, y, width, height })) {
    throw failure(4003, 'that video is not rendered in this canvas');
  }
  return '';
}

/** A player off screen for the canvases to draw `userId` from. @param {number} userId */
function hiddenPlayer(userId) {
  const hidden = /** @type {VideoPlayer} */ (playerFor(null));
  hidden.dataset.conveneCanvasSource = String(userId);
  hidden.style.cssText = 'position:fixed;left:-10000px;top:0;width:16px;height:16px;pointer-events:none';
  (document.body || document.documentElement).appendChild(hidden);
  return hidden;
}

/**
 * The `<video>` a canvas draws `userId` from: the local camera in a player of the stream's
 * own for the current user; for another user, the element their video is attached to, or
 * a hidden player attached for the canvases.
 * @param {import('./stream.js').Stream} s @param {number} userId @param {number} quality
 * @returns {Promise<() => HTMLVideoElement|null>}
 */
async function renderSource(s, userId, quality) {
  const self = userId === s._c._session.userId;
  const a = s._attached.get(userId);
  if (!self && !a) {
    const hidden = hiddenPlayer(userId);
    try {
      await s.attachVideo(userId, quality, hidden);
    } catch (e) {
      hidden.remove();
      throw e;
    }
    s._canvasSources.set(userId, hidden);
  } else if (self && !s._canvasSources.has(userId)) {
    const hidden = hiddenPlayer(userId);
    s._selfViews.add(hidden);
    s._bindSelf();
    s._canvasSources.set(userId, hidden);
  }
  return () => {
    const el = self ? s._canvasSources.get(userId) : (s._attached.get(userId) || {}).element;
    if (!el) return null;
    return el instanceof VideoPlayer ? el.video : /** @type {HTMLVideoElement} */ (el);
  };
}

/**
 * No canvas draws `userId` any more: drop the hidden player attached for canvases.
 * @param {import('./stream.js').Stream} s @param {number} userId
 */
async function releaseSource(s, userId) {
  if (s._canvas.draws(userId)) return;
  const hidden = s._canvasSources.get(userId);
  if (!hidden) return;
  s._canvasSources.delete(userId);
  hidden.remove();
  if (s._c._session && userId === s._c._session.userId) { s._selfViews.delete(hidden); return; }
  const a = s._attached.get(userId);
  if (a && a.element === hidden && s._c._phase === 'joined') await s.detachVideo(userId).catch(() => {});
}
