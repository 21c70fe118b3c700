// `client.getSubsessionClient()`: breakout rooms (docs/subsessions.md). The server owns the
// rooms and their rules: each call asks it (host and manager calls answer 5006 to others);
// arguments are checked here first for a clearer error. The getters answer at once, as the
// reference's do, from the client's subsession state (subsession-state.js): the last
// `subsession-state` and this user's moves.
import { failure } from './errors.js';
import { clone } from './session-state.js';
import { SubsessionUserStatus } from './enums.js';

/** @typedef {import('./client.js').VideoClient} VideoClient */
/** @typedef {import('./subsession-state.js').Subsession} Subsession */
/** @typedef {import('./subsession-state.js').SubsessionOptions} SubsessionOptions */
/** @typedef {import('./subsession-state.js').UserStatus} UserStatus */
/** @typedef {import('./types.js').Participant} Participant */

/** The protocol's bounds (crates/convene-protocol/src/subsession.rs). */
const MAX_SUBSESSIONS = 100;
const MAX_NAME_CHARS = 100;
const MAX_BROADCAST_BYTES = 1024;

const OPTION_TYPES = /** @type {const} */ ({
  isAutoJoinSubsession: 'boolean', isBackToMainSessionEnabled: 'boolean', isTimerEnabled: 'boolean',
  timerDuration: 'number', isTimerAutoEnabled: 'boolean', waitSeconds: 'number',
  isAutoMoveBackToMainSession: 'boolean', isSubsessionSelectionEnabled: 'boolean',
});

/** @param {string} why */
const invalid = (why) => failure(4003, `invalid parameters: ${why}`);

/** @param {unknown} v */
const isUserId = (v) => Number.isInteger(v) && /** @type {number} */ (v) > 0;
/** @param {unknown} v */
const isRoomId = (v) => typeof v === 'string' && v.length > 0;

/**
 * `createSubsessions`' `data` as the server takes it, or the failure: a count, a name, or
 * names, 1-100 rooms (7501 above), names 1-100 characters.
 * @param {unknown} data
 * @returns {number | string | string[]}
 */
function roomNames(data) {
  if (typeof data === 'number') {
    if (!Number.isInteger(data) || data < 1) throw invalid('the number of subsessions is a whole number from 1');
    if (data > MAX_SUBSESSIONS) throw failure(7501, `at most ${MAX_SUBSESSIONS} subsessions`);
    return data;
  }
  const names = typeof data === 'string' ? [data] : data;
  if (!Array.isArray(names) || names.length === 0) throw invalid('a count, a name or a list of names');
  if (names.length > MAX_SUBSESSIONS) throw failure(7501, `at most ${MAX_SUBSESSIONS} subsessions`);
  for (const n of names) {
    const chars = typeof n === 'string' ? [...n.trim()].length : 0;
    if (chars < 1 || chars > MAX_NAME_CHARS) throw invalid(`a subsession name has 1 to ${MAX_NAME_CHARS} characters`);
  }
  return /** @type {string | string[]} */ (data);
}

export class SubsessionClient {
  /** @param {VideoClient} client */
  constructor(client) { this._c = client; }

  /** The client's subsession state. */
  get _s() { return this._c._subsessions; }

  // ---- calls -------------------------------------------------------------------------------

  /**
   * Host/manager: creates rooms (not open yet): `data` a count, a name or names; `pattern`
   * `SubsessionAllocationPattern` (1 spreads the main session's users, 2 leaves them empty,
   * the default). Resolves the rooms.
   * @param {number | string | string[]} data
   * @param {1|2} [pattern]
   * @returns {Promise<Subsession[]>}
   */
  async createSubsessions(data, pattern) {
    const d = roomNames(data);
    if (pattern !== undefined && pattern !== 1 && pattern !== 2) throw invalid('pattern is SubsessionAllocationPattern (1 or 2)');
    return this._c._ask('subsession.createSubsessions', { data: d, pattern: pattern ?? 2 });
  }

  /**
   * Host/manager: opens the created rooms of `subsessions` with their names and assigned
   * users (`userList`), with `options` (`SubsessionOption`; left out: the reference's defaults).
   * @param {{subsessionId: string, subsessionName?: string, userList?: {userId: number, displayName?: string}[]}[]} subsessions
   * @param {Partial<SubsessionOptions>} [options]
   * @returns {Promise<''>}
   */
  async openSubsessions(subsessions, options) {
    if (!Array.isArray(subsessions) || subsessions.length === 0) throw invalid('the subsessions to open');
    const rooms = subsessions.map((r) => {
      if (!r || !isRoomId(r.subsessionId)) throw invalid('each subsession has its subsessionId');
      const users = r.userList ?? [];
      if (!Array.isArray(users) || !users.every((u) => u && isUserId(u.userId))) throw invalid('a userList item has a userId');
      return {
        subsessionId: r.subsessionId,
        subsessionName: String(r.subsessionName ?? ''),
        userList: users.map((u) => ({ userId: u.userId, displayName: String(u.displayName ?? ''), isInSubsession: false })),
      };
    });
    /** @type {Record<string, boolean|number>} */
    const opts = {};
    for (const [k, v] of Object.entries(options ?? {})) {
      if (!(k in OPTION_TYPES) || v === undefined) continue;
      const want = OPTION_TYPES[/** @type {keyof typeof OPTION_TYPES} */ (k)];
      const ok = want === 'number' ? Number.isInteger(v) && /** @type {number} */ (v) >= 0 : typeof v === want;
      if (!ok) throw invalid(`${k} is a ${want === 'number' ? 'whole number of seconds' : want}`);
      opts[k] = v;
    }
    return this._c._call('subsession.openSubsessions', { subsessions: rooms, options: opts });
  }

  /**
   * Goes into a room (open rooms only): one's assigned room, any with
   * `isSubsessionSelectionEnabled`, any for the host and managers (else 7503).
   * @param {string} subsessionId
   * @returns {Promise<''>}
   */
  joinSubsession(subsessionId) {
    if (!isRoomId(subsessionId)) return Promise.reject(invalid('subsessionId'));
    return this._going(SubsessionUserStatus.Joining, 'subsession.joinSubsession', { subsessionId });
  }

  /** Back to the main session (7504 outside a room; 7505 when the host forbade it). @returns {Promise<''>} */
  leaveSubsession() {
    return this._going(SubsessionUserStatus.Leaving, 'subsession.leaveSubsession');
  }

  /**
   * A call that moves this user: `getUserStatus()` is `status` until the server's move comes
   * (or back to what it was if the call fails).
   * @param {UserStatus} status @param {string} method @param {object} [params]
   * @returns {Promise<''>}
   */
  async _going(status, method, params) {
    const s = this._s;
    const before = s.userStatus;
    const call = this._c._call(method, params);
    s.userStatus = status;
    try {
      return await call;
    } catch (e) {
      if (s.userStatus === status) s.userStatus = before;
      throw e;
    }
  }

  /** In a room: asks the host and managers for help (`subsession-ask-for-help-response` answers). @returns {Promise<''>} */
  askForHelp() { return this._c._call('subsession.askForHelp'); }

  /** Host/manager: tells `userId`, who asked for help, to wait (Busy). @param {number} userId @returns {Promise<''>} */
  postponeHelping(userId) {
    if (!isUserId(userId)) return Promise.reject(invalid('userId'));
    return this._c._call('subsession.postponeHelping', { userId });
  }

  /**
   * Host/manager: a text to everyone in the rooms (`subsession-broadcast-message`); rooms open
   * only (7506), 1-1024 bytes (7507).
   * @param {string} content
   * @returns {Promise<''>}
   */
  broadcast(content) {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content).length : 0;
    if (bytes < 1 || bytes > MAX_BROADCAST_BYTES) return Promise.reject(failure(7507, `a broadcast is 1 to ${MAX_BROADCAST_BYTES} bytes`));
    return this._c._call('subsession.broadcast', { content });
  }

  /**
   * Host/manager: assigns `userId` to a room; once open, also invites (or, with
   * `isAutoJoinSubsession`, moves) the user if in the main session.
   * @param {number} userId @param {string} targetSubsessionId
   * @returns {Promise<''>}
   */
  assignUserToSubsession(userId, targetSubsessionId) { return this._target('subsession.assignUserToSubsession', userId, targetSubsessionId); }

  /**
   * Host/manager: moves `userId` into a room now (open rooms only), from the main session or
   * another room.
   * @param {number} userId @param {string} targetSubsessionId
   * @returns {Promise<''>}
   */
  moveUserToSubsession(userId, targetSubsessionId) { return this._target('subsession.moveUserToSubsession', userId, targetSubsessionId); }

  /** @param {string} method @param {number} userId @param {string} targetSubsessionId @returns {Promise<''>} */
  _target(method, userId, targetSubsessionId) {
    if (!isUserId(userId)) return Promise.reject(invalid('userId'));
    if (!isRoomId(targetSubsessionId)) return Promise.reject(invalid('targetSubsessionId'));
    return this._c._call(method, { userId, targetSubsessionId });
  }

  /**
   * Host/manager: closes the rooms: everyone gets `closing-subsession-countdown` from
   * `waitSeconds` down to 0, then those still in a room are moved back.
   * @returns {Promise<''>}
   */
  closeAllSubsessions() { return this._c._call('subsession.closeAllSubsessions'); }

  /** Host/manager: moves `userId` back to the main session. @param {number} userId @returns {Promise<''>} */
  moveBackToMainSession(userId) {
    if (!isUserId(userId)) return Promise.reject(invalid('userId'));
    return this._c._call('subsession.moveBackToMainSession', { userId });
  }

  /** Voice into every room: not supported by this server (7508, from the server). @returns {Promise<''>} */
  startBroadcastVoice() { return this._c._call('subsession.startBroadcastVoice'); }
  /** As `startBroadcastVoice` (7508). @returns {Promise<''>} */
  stopBroadcastVoice() { return this._c._call('subsession.stopBroadcastVoice'); }

  // ---- getters -----------------------------------------------------------------------------

  /**
   * The main session's users assigned to no room (by the rooms' lists, which the host and
   * managers get); `[]` from a room, where the main session's users are not seen.
   * @returns {Participant[]}
   */
  getUnassignedUserList() {
    const session = this._c._session;
    if (!session || this._s.inSubsession) return [];
    const assigned = this._s.assignedUserIds();
    return session.sortedUsers().filter((u) => !assigned.has(u.userId)).map(clone);
  }

  /**
   * The rooms, with their users (assigned, and whether in the room now) for the host and
   * managers; without users for the others.
   * @returns {Subsession[]}
   */
  getSubsessionList() { return clone(this._s.subsessions); }

  /** `SubsessionUserStatus`: 'initial', 'invited', 'joining', 'in room', 'leaving', 'main session'. @returns {UserStatus} */
  getUserStatus() { return this._s.userStatus; }

  /** `SubsessionStatus`: 1 NotStarted, 2 InProgress, 3 Closing, 4 Closed. @returns {1|2|3|4} */
  getSubsessionStatus() { return this._s.status; }

  /**
   * Where this user is: the room it is in or invited to (`''` in the main session).
   * @returns {{userStatus: UserStatus, subsessionName: string, subsessionId: string}}
   */
  getCurrentSubsession() {
    const s = this._s;
    return { userStatus: s.userStatus, subsessionName: s.subsessionName, subsessionId: s.subsessionId };
  }

  /** The options the rooms were opened with (the reference's defaults before). @returns {SubsessionOptions} */
  getSubsessionOptions() { return { ...this._s.options }; }

  /** Always true: every Convene session may have subsessions. */
  isSubsessionEnabled() { return true; }
}
