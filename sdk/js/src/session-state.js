// The joined session as this client knows it: built from a `join`/`resume` result and kept
// current by the server's events.

/** @typedef {import('./types.js').Participant} Participant */
/** @typedef {import('./types.js').JoinResult} JoinResult */

/**
 * A deep copy (so the app cannot change the SDK's state through what it was given).
 * @template T
 * @param {T} o
 * @returns {T}
 */
export const clone = (o) => (o === undefined ? undefined : JSON.parse(JSON.stringify(o)));

/**
 * A participant as the app sees it. The wire leaves out fields at their default (no audio,
 * flags off) to keep big user lists small; every participant the SDK holds or hands out has
 * them all.
 * @param {Partial<Participant> & {userId: number, displayName: string}} u
 * @returns {Participant}
 */
export const participant = (u) => ({
  audio: '', bVideoOn: false, sharerOn: false, isHost: false, isManager: false, isInFailover: false,
  isSpeakerOnly: false, ...u, ...derived(u),
});

/**
 * The reference's fields Convene derives: a share cannot be paused (`sharerPause`), there is
 * no individual recording (`isAllowIndividualRecording`), and a camera is known to be
 * connected while it sends (`isVideoConnect`).
 * @param {Partial<Participant>} u
 */
const derived = (u) => ({ sharerPause: false, isAllowIndividualRecording: false, isVideoConnect: !!u.bVideoOn });

/** Chat messages kept for `getHistory()`, as many as the server keeps by default. */
const CHAT_KEPT = 1000;

export class SessionState {
  /** @param {JoinResult} r */
  constructor(r) {
    /** @type {Map<number, Participant>} */
    this.users = new Map();
    for (const u of r.users || []) this.users.set(u.userId, participant(u));
    this.sessionId = r.sessionId;
    this.topic = r.topic;
    this.userId = r.userId;
    this.password = r.password || '';
    this.isOriginalHost = !!r.isOriginalHost;
    this.chatPrivilege = r.chatPrivilege;
    this.sharePrivilege = r.sharePrivilege;
    this.renameAllowed = r.renameAllowed;
    this.resumeToken = r.resumeToken;
    /** The session's cloud recording. @type {'Recording'|'Paused'|'Stopped'} */
    this.recording = r.recording || 'Stopped';
    /** The session's live stream (`LiveStreamStatus`). @type {0|1|2|3} */
    this.liveStream = r.liveStream || 0;
    /** The server can record and stream. */
    this.canRecord = !!r.canRecord;
    /**
     * The chat messages this user saw in this room since it came in, oldest first: what the
     * server's `chat.getHistory` answers, kept as they come so that `getHistory()` is sync.
     * @type {import('./types.js').ChatMessage[]}
     */
    this.chat = [];
  }

  /** A chat message seen (received, or sent by us). @param {import('./types.js').ChatMessage} m */
  recordChat(m) {
    if (!m || this.chat.some((c) => c.id === m.id)) return;
    this.chat.push(m);
    if (this.chat.length > CHAT_KEPT) this.chat.shift();
  }

  /** Ourselves. @returns {Participant|undefined} */
  me() {
    return this.users.get(this.userId);
  }

  /** Everyone, by user id. @returns {Participant[]} */
  sortedUsers() {
    return [...this.users.values()].sort((a, b) => a.userId - b.userId);
  }

  /**
   * Applies a server event to the state (events that change no state are ignored).
   * @param {string} name
   * @param {any} payload
   */
  apply(name, payload) {
    switch (name) {
      case 'user-added':
        for (const u of payload || []) this.users.set(u.userId, participant(u));
        break;
      case 'user-updated':
        for (const d of payload || []) {
          const u = this.users.get(d.userId);
          if (!u) continue;
          Object.assign(u, d);
          if (d.bVideoOn) u.isVideoConnect = true;
          if (d.audio === '') {
            delete u.muted;
            u.isSpeakerOnly = false;
          }
        }
        break;
      case 'user-removed':
        for (const d of payload || []) this.users.delete(d.userId);
        break;
      case 'chat-privilege-change':
        this.chatPrivilege = payload.chatPrivilege;
        break;
      case 'share-privilege-change':
        this.sharePrivilege = payload.privilege;
        break;
      case 'recording-change':
        this.recording = payload.state;
        break;
      case 'live-stream-status':
        this.liveStream = payload;
        break;
      case 'chat-on-message':
        this.recordChat(payload);
        break;
      default:
        break;
    }
  }
}
