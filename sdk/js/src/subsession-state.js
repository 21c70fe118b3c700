// The subsessions (breakout rooms) as this client knows them (docs/subsessions.md): the last
// `subsession-state` the server sent, where this user is, and the two countdowns the SDK
// ticks itself. Turns the server's subsession events into the reference's app events.
// No socket, no DOM: the client hands it the events (client.js) and the getters of
// `getSubsessionClient()` (subsession.js) read it.
import { SubsessionStatus, SubsessionUserStatus } from './enums.js';

/**
 * @typedef {{isAutoJoinSubsession: boolean, isBackToMainSessionEnabled: boolean,
 *   isTimerEnabled: boolean, timerDuration: number, isTimerAutoEnabled: boolean,
 *   waitSeconds: number, isAutoMoveBackToMainSession: boolean,
 *   isSubsessionSelectionEnabled: boolean}} SubsessionOptions
 */
/** @typedef {{userId: number, displayName: string, isInSubsession: boolean}} SubsessionUser */
/** @typedef {{subsessionId: string, subsessionName: string, userList: SubsessionUser[]}} Subsession */
/**
 * `subsession-state` as on the wire (`status`: 1 NotStarted, 2 InProgress, 3 Closing, 4 Closed).
 * @typedef {{status: 1|2|3|4, subsessions: Subsession[], options: SubsessionOptions, timeLeft?: number}} WireState
 */
/** @typedef {'initial'|'invited'|'joining'|'in room'|'leaving'|'main session'} UserStatus */

/** The reference's defaults, the options before any subsession was opened. */
export const DEFAULT_OPTIONS = Object.freeze({
  isAutoJoinSubsession: false,
  isBackToMainSessionEnabled: true,
  isTimerEnabled: false,
  timerDuration: 1800,
  isTimerAutoEnabled: false,
  waitSeconds: 60,
  isAutoMoveBackToMainSession: true,
  isSubsessionSelectionEnabled: false,
});

/** The server's events this state takes (`subsession-moved` too: see client.js). */
const EVENTS = new Set([
  'subsession-state', 'subsession-moved', 'subsession-invite-to-join', 'subsession-time-up',
  'closing-subsession-countdown', 'subsession-broadcast-message', 'subsession-ask-for-help',
  'subsession-ask-for-help-response',
]);

/** A countdown the SDK ticks once a second: `emit(n)` at once, then n-1, ... down to 0. */
class Countdown {
  /** @param {(left: number) => void} emit */
  constructor(emit) {
    this._emit = emit;
    this.left = 0;
    /** @type {ReturnType<typeof setTimeout> | null} the next second */
    this._timer = null;
  }

  get running() { return this._timer !== null; }

  /**
   * Counts from `seconds`, emitted now. With `resync`, a running count is not restarted: it
   * takes `seconds` quietly, and only when more than a second off (the server rounds down).
   * @param {number} seconds @param {boolean} [resync]
   */
  start(seconds, resync = false) {
    const quiet = resync && this.running;
    if (quiet && Math.abs(seconds - this.left) <= 1) return;
    this.left = Math.max(0, Math.floor(seconds));
    if (!quiet) this._emit(this.left);
    if (this.left === 0) this.stop();
    else if (!this._timer) this._next();
  }

  _next() {
    this._timer = setTimeout(() => {
      this.left = Math.max(0, this.left - 1);
      this._emit(this.left);
      if (this.left === 0) this._timer = null;
      else this._next();
    }, 1000);
  }

  stop() {
    if (this._timer) clearTimeout(this._timer);
    this._timer = null;
  }
}

export class SubsessionState {
  /** @param {(event: string, payload?: any) => void} emit hands an event to the app */
  constructor(emit) {
    this._emit = emit;
    /** `subsession-countdown {countdown}`: the rooms' timer, from `timeLeft`. */
    this._roomCountdown = new Countdown((countdown) => this._emit('subsession-countdown', { countdown }));
    /** `closing-subsession-countdown {countdown}`: from the server's one event, each second. */
    this._closingCountdown = new Countdown((countdown) => this._emit('closing-subsession-countdown', { countdown }));
    this.reset();
  }

  /** Outside a session: nothing created, in no room, no countdown. */
  reset() {
    this._roomCountdown.stop();
    this._closingCountdown.stop();
    /** @type {1|2|3|4} */
    this.status = SubsessionStatus.NotStarted;
    /** @type {Subsession[]} */
    this.subsessions = [];
    /** @type {SubsessionOptions} */
    this.options = { ...DEFAULT_OPTIONS };
    /** @type {UserStatus} */
    this.userStatus = SubsessionUserStatus.Initial;
    /** The room this user is in (or invited to): '' in the main session. */
    this.subsessionId = '';
    this.subsessionName = '';
  }

  /** Whether `event` is one of the server's subsession events. @param {string} event */
  static handles(event) { return EVENTS.has(event); }

  /** In a subsession now (not the main session). */
  get inSubsession() { return this.userStatus === SubsessionUserStatus.InSubsession || this.userStatus === SubsessionUserStatus.Leaving; }

  /** The ids of the users the rooms' lists name (assigned or in them). @returns {Set<number>} */
  assignedUserIds() {
    return new Set(this.subsessions.flatMap((s) => s.userList.map((u) => u.userId)));
  }

  /**
   * Applies a server event and emits the app's events for it.
   * @param {string} event
   * @param {any} payload
   */
  apply(event, payload) {
    const p = payload || {};
    switch (event) {
      case 'subsession-state':
        this._state(p);
        break;
      case 'subsession-moved':
        this.subsessionId = p.subsessionId || '';
        this.subsessionName = p.subsessionId ? p.subsessionName || '' : '';
        this.userStatus = p.subsessionId ? SubsessionUserStatus.InSubsession : SubsessionUserStatus.MainSession;
        break;
      case 'subsession-invite-to-join':
        if (!this.inSubsession) {
          this.userStatus = SubsessionUserStatus.Invited;
          this.subsessionId = p.subsessionId;
          this.subsessionName = p.subsessionName;
        }
        this._emit(event, { subsessionId: p.subsessionId, subsessionName: p.subsessionName });
        break;
      case 'subsession-time-up':
        this._roomCountdown.stop();
        this._emit(event);
        break;
      case 'closing-subsession-countdown':
        this._closingCountdown.start(p.countdown);
        break;
      case 'subsession-broadcast-message':
        this._emit(event, { message: p.message });
        break;
      case 'subsession-ask-for-help':
        this._emit(event, { userId: p.userId, displayName: p.displayName, subsessionName: p.subsessionName, subsessionId: p.subsessionId });
        break;
      case 'subsession-ask-for-help-response':
        this._emit(event, { result: p.result });
        break;
      default:
        break;
    }
  }

  /**
   * A new `subsession-state`: kept for the getters; `subsession-state-change` when the status
   * changed; the countdowns follow it.
   * @param {WireState} s
   */
  _state(s) {
    const before = this.status;
    this.status = s.status;
    this.subsessions = (s.subsessions || []).map((r) => ({
      subsessionId: r.subsessionId,
      subsessionName: r.subsessionName || '',
      userList: (r.userList || []).map((u) => ({ userId: u.userId, displayName: u.displayName || '', isInSubsession: !!u.isInSubsession })),
    }));
    this.options = { ...DEFAULT_OPTIONS, ...s.options };
    const open = s.status === SubsessionStatus.InProgress || s.status === SubsessionStatus.Closing;
    if (!open && !this.inSubsession) {
      // Closed (or a new round created): an invitation is void; a new round starts afresh.
      if (this.userStatus === SubsessionUserStatus.Invited || s.status === SubsessionStatus.NotStarted) {
        this.userStatus = s.status === SubsessionStatus.NotStarted ? SubsessionUserStatus.Initial : SubsessionUserStatus.MainSession;
        this.subsessionId = '';
        this.subsessionName = '';
      }
    }
    if (s.status !== SubsessionStatus.Closing && this._closingCountdown.running) {
      // Closed before our count reached 0 (the server's clock is the one that counts).
      this._closingCountdown.start(0);
    }
    if (s.status !== before) this._emit('subsession-state-change', { status: s.status });
    if (s.status === SubsessionStatus.InProgress && typeof s.timeLeft === 'number') {
      this._roomCountdown.start(s.timeLeft, true);
    } else {
      this._roomCountdown.stop();
    }
  }

  /**
   * After a failover: resumed into `sessionId`, where the server has this user now (a move
   * while the connection was lost is told by nothing else). Not one of the rooms: the main
   * session (also when the rooms were lost with their node on a cluster).
   * @param {string} sessionId
   */
  resumedIn(sessionId) {
    if (sessionId === this.subsessionId && this.inSubsession) return;
    const room = this.subsessions.find((r) => r.subsessionId === sessionId);
    if (room) this.apply('subsession-moved', room);
    else if (this.inSubsession) this.apply('subsession-moved', {});
  }
}
