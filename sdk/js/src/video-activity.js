// `video-active-change {state, userId}`: whether an attached remote camera's video is really
// arriving, judged from the frames its receiver decoded between two statistics samples (the
// reference fires it when a user's received video starts or stops). Plain logic, no WebRTC:
// `media-peer.js` feeds it each sample.

/** How long an active video may go without a decoded frame before it counts as inactive. */
export const INACTIVE_AFTER_MS = 1500;

/** @typedef {{state: 'Active' | 'Inactive', userId: number}} VideoActiveChange */

export class VideoActivity {
  constructor() {
    /** Per attached user: its slot, the frames decoded at the last sample, whether active, when a frame last came. @type {Map<number, {mid: string, frames: number, active: boolean, at: number}>} */
    this._users = new Map();
  }

  /**
   * One statistics sample of the attached users whose video has a receive slot.
   * @param {Map<number, {mid: string, frames: number}>} seen userId → its slot and frames decoded so far
   * @param {number} now milliseconds
   * @returns {VideoActiveChange[]} the changes, in order
   */
  sample(seen, now) {
    /** @type {VideoActiveChange[]} */
    const out = [];
    for (const [userId, { mid, frames }] of seen) {
      const u = this._users.get(userId);
      if (!u || u.mid !== mid) {
        // A slot's count may hold another user's frames: only what it gains from now counts.
        this._users.set(userId, { mid, frames, active: u ? u.active : false, at: now });
        continue;
      }
      if (frames > u.frames) {
        u.at = now;
        if (!u.active) {
          u.active = true;
          out.push({ state: 'Active', userId });
        }
      } else if (u.active && now - u.at >= INACTIVE_AFTER_MS) {
        u.active = false;
        out.push({ state: 'Inactive', userId });
      }
      u.frames = frames;
    }
    // Detached, gone, or its slot taken away: no video from it any more.
    for (const [userId, u] of this._users) {
      if (seen.has(userId)) continue;
      this._users.delete(userId);
      if (u.active) out.push({ state: 'Inactive', userId });
    }
    return out;
  }
}
