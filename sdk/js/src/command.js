// `client.getCommandClient()`: short app messages to one user or everyone (≤ 512 bytes).

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
    if (typeof userId === 'number') p.userId = userId;
    return this._c._ask('command.send', p);
  }
}
