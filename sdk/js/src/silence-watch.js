// The media path's silence watchdog: with receive slots assigned the SFU sends several packets
// a second (media, RTCP), so a connected peer that receives no byte for `silentMs` has lost
// its path (a network change, a NAT that forgot the mapping) before the browser says so, and
// restarts ICE. Restarts that do not cure the silence (the path stays silent although ICE
// connects again, as when a sender vanished while in a slot) come ever further apart; a path
// fine for `healthyMs` forgets them. The Rust SDK's media watchdog keeps the same timing.
// Plain logic, no WebRTC: `media-peer.js` feeds it each statistics sample.

/** How long silence lasts before it counts, and how restarts are spaced. */
export const SILENCE = Object.freeze({ silentMs: 1500, firstBackoffMs: 5000, maxBackoffMs: 30000, healthyMs: 10000 });

export class SilenceWatch {
  /** @param {{silentMs: number, firstBackoffMs: number, maxBackoffMs: number, healthyMs: number}} [timing] */
  constructor(timing = SILENCE) {
    this._t = timing;
    /** The path sampled last, its byte count, and since when that count stands. @type {{path: unknown, bytes: number, since: number} | null} */
    this._last = null;
    /** Restarts since the path was last fine for `healthyMs`. */
    this._restarts = 0;
    this._restartAt = -Infinity;
    /** When silence was last seen. */
    this._silentAt = -Infinity;
  }

  /**
   * One sample.
   * @param {unknown} path the peer connection (a new one starts the count of silence over)
   * @param {number} bytes bytes its transport received so far
   * @param {boolean} watching whether packets are due (slots assigned, ICE connected)
   * @param {number} now milliseconds
   * @returns {boolean} whether to restart ICE now
   */
  sample(path, bytes, watching, now) {
    const last = this._last;
    if (!last || last.path !== path || bytes !== last.bytes || !watching) {
      this._last = { path, bytes, since: now };
      if (watching && now - this._silentAt >= this._t.healthyMs) this._restarts = 0;
      return false;
    }
    if (now - last.since < this._t.silentMs) return false;
    this._last = { path, bytes, since: now };
    this._silentAt = now;
    const n = this._restarts;
    const wait = n === 0 ? 0 : Math.min(this._t.firstBackoffMs * 2 ** (n - 1), this._t.maxBackoffMs);
    if (now - this._restartAt < wait) return false;
    this._restarts = n + 1;
    this._restartAt = now;
    return true;
  }
}
