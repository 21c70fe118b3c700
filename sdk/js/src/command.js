// `client.getCommandClient()`: short app messages to one user or everyone (≤ 512 bytes).

import { failure } from './errors.js';

/** @typedef {import('./client.js').VideoClient} VideoClient */

export class CommandClient {
  /** @param {VideoClient} client */
  constructor(client) { this._c = client; }
  /**
   * Sends a command to one user or everyone. Resolves the `CommandChannelMsg`.
   * @param {string} text
   * @param {number} [userId]
   * @returns {Promise<any>}
   */
  send(text, userId) {
    /** @type {{text: string, userId?: number}} */
    const p = { text };
    if (userId !== undefined && userId !== null) {
      // Anything given that is not a user id is an error (7101), never a broadcast.
      if (!Number.isInteger(userId) || userId <= 0) return Promise.reject(failure(7101, `no user ${String(userId)}`));
      p.userId = userId;
    }
    return this._c._ask('command.send', p);
  }
}
