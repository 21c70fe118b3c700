// The reference's older rendering API (`renderVideo` & co.): videos drawn into an app's
// canvas, each in its own rectangle. Every canvas runs one loop that redraws its rectangles
// from their videos' current frames on every animation frame (one loop per canvas, not per
// video: a canvas of 25 videos composes once per frame). Coordinates are the reference's: `x`, `y` from the canvas's lower left
// corner, in canvas pixels.

/**
 * @typedef {{x: number, y: number, width: number, height: number}} Rect
 * @typedef {{userId: number, rect: Rect, source: () => HTMLVideoElement|null, mirrored: boolean,
 *   self: boolean}} Cell
 * @typedef {{cells: Map<string, Cell>, frame: number, ctx: CanvasRenderingContext2D|null}} Surface
 */

/** @param {number} userId @param {string} [key] */
const cellKey = (userId, key) => `${userId}|${key || ''}`;

export class CanvasRenderer {
  constructor() {
    /** @type {Map<HTMLCanvasElement, Surface>} */
    this._surfaces = new Map();
  }

  /**
   * Starts drawing (or moves) one video in `canvas`.
   * @param {HTMLCanvasElement} canvas @param {number} userId @param {string|undefined} key
   * @param {Rect} rect @param {() => HTMLVideoElement|null} source
   * @param {boolean} self the own video (follows `mirrorSelf`) @param {boolean} mirrored
   */
  add(canvas, userId, key, rect, source, self, mirrored) {
    let s = this._surfaces.get(canvas);
    if (!s) {
      s = { cells: new Map(), frame: 0, ctx: canvas.getContext('2d') };
      this._surfaces.set(canvas, s);
    }
    const old = s.cells.get(cellKey(userId, key));
    if (old) this._clear(canvas, s, old.rect);
    s.cells.set(cellKey(userId, key), { userId, rect, source, self, mirrored: self && mirrored });
    this._loop(canvas, s);
  }

  /**
   * Stops drawing one video; clears its rectangle (or paints it `color`) unless `keep`.
   * False when that video was not drawn there.
   * @param {HTMLCanvasElement} canvas @param {number} userId @param {string|undefined} key
   * @param {string|undefined} color @param {boolean} keep
   */
  remove(canvas, userId, key, color, keep) {
    const s = this._surfaces.get(canvas);
    const c = s && s.cells.get(cellKey(userId, key));
    if (!s || !c) return false;
    s.cells.delete(cellKey(userId, key));
    if (!keep) this._clear(canvas, s, c.rect, color);
    if (s.cells.size === 0) {
      cancelAnimationFrame(s.frame);
      this._surfaces.delete(canvas);
    }
    return true;
  }

  /**
   * Moves or resizes a drawn video (undefined fields keep their value). False when not drawn.
   * @param {HTMLCanvasElement} canvas @param {number} userId @param {string|undefined} key
   * @param {Partial<Rect>} rect
   */
  move(canvas, userId, key, rect) {
    const s = this._surfaces.get(canvas);
    const c = s && s.cells.get(cellKey(userId, key));
    if (!s || !c) return false;
    this._clear(canvas, s, c.rect);
    for (const k of /** @type {const} */ (['x', 'y', 'width', 'height'])) if (typeof rect[k] === 'number') c.rect[k] = rect[k];
    this._draw(canvas, s);
    return true;
  }

  /** Whether any canvas draws `userId`. @param {number} userId */
  draws(userId) {
    for (const s of this._surfaces.values()) for (const c of s.cells.values()) if (c.userId === userId) return true;
    return false;
  }

  /** The own video, drawn mirrored or not. @param {boolean} on */
  mirrorSelf(on) {
    for (const s of this._surfaces.values()) for (const c of s.cells.values()) if (c.self) c.mirrored = on;
  }

  /** Forgets every canvas (the stream is closed). */
  clearAll() {
    for (const s of this._surfaces.values()) cancelAnimationFrame(s.frame);
    this._surfaces.clear();
  }

  /** @param {HTMLCanvasElement} canvas @param {Surface} s @param {Rect} r @param {string} [color] */
  _clear(canvas, s, r, color) {
    if (!s.ctx) return;
    const top = canvas.height - r.y - r.height;
    s.ctx.clearRect(r.x, top, r.width, r.height);
    if (color && color !== 'transparent') {
      s.ctx.fillStyle = color;
      s.ctx.fillRect(r.x, top, r.width, r.height);
    }
  }

  /** @param {HTMLCanvasElement} canvas @param {Surface} s */
  _draw(canvas, s) {
    const ctx = s.ctx;
    if (!ctx) return;
    for (const c of s.cells.values()) {
      const v = c.source();
      if (!v || v.readyState < 2 || !v.videoWidth) continue;
      const r = c.rect;
      const top = canvas.height - r.y - r.height;
      if (c.mirrored) {
        ctx.save();
        ctx.translate(r.x + r.width, top);
        ctx.scale(-1, 1);
        ctx.drawImage(v, 0, 0, r.width, r.height);
        ctx.restore();
      } else {
        ctx.drawImage(v, r.x, top, r.width, r.height);
      }
    }
  }

  /**
   * Redraws `canvas` on every animation frame while it has videos. Animation frames stop in
   * a hidden page, which is also when nobody sees the canvas.
   * @param {HTMLCanvasElement} canvas @param {Surface} s
   */
  _loop(canvas, s) {
    if (s.frame) return;
    const tick = () => {
      if (this._surfaces.get(canvas) !== s) return;
      this._draw(canvas, s);
      s.frame = requestAnimationFrame(tick);
    };
    s.frame = requestAnimationFrame(tick);
  }
}
