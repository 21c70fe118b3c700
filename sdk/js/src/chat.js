// `client.getChatClient()`: chat to everyone or one user, and the history of what this user
// saw (kept as it comes, refreshed from the server after a failover).
import { addUnsupported } from './unsupported.js';
import { CHAT_PRIVILEGE } from './protocol.gen.js';

/** @typedef {import('./types.js').ChatMessage} ChatMessage */
/** @typedef {import('./client.js').VideoClient} VideoClient */

export class ChatClient {
  /** @param {VideoClient} client */
  constructor(client) { this._c = client; }

  /** @param {string} text @param {number} userId @returns {Promise<ChatMessage>} */
  send(text, userId) { return this._sent(this._c._ask('chat.send', { text: String(text ?? ''), userId })); }
  /** @param {string} text @returns {Promise<ChatMessage>} */
  sendToAll(text) { return this._sent(this._c._ask('chat.sendToAll', { text: String(text ?? '') })); }
  /**
   * The messages this user saw in this room since it came in, oldest first: those it
   * received and those it sent (the server's `chat.getHistory` list, which the SDK re-reads
   * after a failover). Synchronous, as the reference's.
   * @returns {ChatMessage[]}
   */
  getHistory() { const s = this._c._session; return s ? [...s.chat] : []; }

  /** @param {Promise<ChatMessage>} reply @returns {Promise<ChatMessage>} */
  async _sent(reply) {
    const m = await reply;
    if (this._c._session) this._c._session.recordChat(m);
    return m;
  }
  /** @param {1|4|5} privilege `ChatPrivilege` @returns {Promise<''>} */
  async setPrivilege(privilege) {
    await this._c._call('chat.setPrivilege', { privilege });
    if (this._c._session) this._c._session.chatPrivilege = privilege;
    return '';
  }
  /** @returns {1|4|5} `ChatPrivilege` */
  getPrivilege() { const s = this._c._session; return s ? s.chatPrivilege : CHAT_PRIVILEGE.All; }
  /** Who can be messaged: everyone (userId 0) and each other user. */
  getReceivers() {
    const s = this._c._session;
    if (!s) return [];
    const out = [{ userId: 0, displayName: 'Everyone', isHost: false, isManager: false }];
    for (const u of s.sortedUsers()) {
      if (u.userId !== s.userId) out.push({ userId: u.userId, displayName: u.displayName, isHost: u.isHost, isManager: u.isManager });
    }
    return out;
  }
}

// The calls of features Convene does not provide (unsupported.js).
addUnsupported(ChatClient.prototype, 'ChatClient');
