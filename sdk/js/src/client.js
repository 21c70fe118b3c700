// The `VideoClient`: lifecycle (init, join, leave), users and moderation, events, and the
// failover that keeps a dropped session alive (SPEC §3, §8).
import { asFailure, failure, isTransient, mediaNotJoined, notInitialized, notJoined, reconnecting } from './errors.js';
import { LIMITS } from './protocol.gen.js';
import { validateJoin, userListDiff } from './rules.js';
import { SessionState, clone, participant } from './session-state.js';
import { Signaling } from './signaling.js';
import { Emitter } from './emitter.js';
import { fetchIceServers, signalingUrl } from './endpoint.js';
import { ChatClient } from './chat.js';
import { CommandClient } from './command.js';
import { RecordingClient } from './recording.js';
import { LiveStreamClient } from './live-stream.js';
import { SubsessionClient } from './subsession.js';
import { SubsessionState } from './subsession-state.js';
import { moveRoom } from './subsession-move.js';
import { LoggerClient } from './logger.js';
import { unsupportedClient } from './unsupported.js';
import { Stream } from './stream.js';
import { devicesWithin, listDevices } from './preview.js';
import { defineVideoElements } from './video-player.js';

/** @typedef {import('./types.js').Participant} Participant */
/** @typedef {import('./types.js').SessionInfo} SessionInfo */
/** @typedef {import('./types.js').JoinResult} JoinResult */

const REQUEST_TIMEOUT_MS = 15000;
const JOIN_TIMEOUT_MS = 15000;
const LEAVE_TIMEOUT_MS = 3000;
const PING_EVERY_MS = 15000;
const PING_TIMEOUT_MS = 10000;
const RESUME_TIMEOUT_MS = 10000;
const BACKOFF_START_MS = 100;
const BACKOFF_MAX_MS = 2000;
/** Redirects to another node a `join` follows at most (a cluster sends at most one). */
const MAX_REDIRECTS = 3;

/** The `VideoClient`: one per page (see `createClient`). */
export class VideoClient extends Emitter {
  constructor() {
    super();
    this._initialized = false;
    /** @type {{webEndpoint?: string, stayAwake?: boolean, leaveOnPageUnload?: boolean, [k: string]: any}} */
    this._options = {};
    this._destroyed = false;
    /** @type {'idle'|'joining'|'joined'|'reconnecting'} */
    this._phase = 'idle';
    /** @type {Signaling|null} */
    this._sig = null;
    /** @type {SessionState|null} */
    this._session = null;
    /** Events that arrived before the join/resume reply was applied. @type {[string, any][]} */
    this._earlyEvents = [];
    this._pingTimer = null;
    this._reconnectTimer = null;
    this._leaving = false;
    /** @type {Stream|null} */
    this._stream = null;
    /** @type {ChatClient|null} */
    this._chat = null;
    /** @type {CommandClient|null} */
    this._command = null;
    /** @type {RecordingClient|null} */
    this._recording = null;
    /** @type {LiveStreamClient|null} */
    this._liveStream = null;
    /** @type {LoggerClient|null} */
    this._logger = null;
    /** @type {SubsessionClient|null} */
    this._subsessionClient = null;
    /** The subsessions as this client knows them (subsession-state.js). */
    this._subsessions = new SubsessionState((name, payload) => this._emit(name, payload));
    /** The media rebuilds of room moves, one after the other (subsession-move.js). */
    this._moving = Promise.resolve();
    /** The clients of features Convene does not provide, made once each. @type {Map<string, any>} */
    this._unsupported = new Map();
    /** @type {any} */
    this._wakeLock = null;
    /** @type {RTCIceServer[]} */
    this._iceServers = [];
    this._url = '';
    /** The signaling URL of the node hosting the current session (a cluster may redirect). */
    this._sessionUrl = '';
    /** On a cluster: every node's signaling URL, to reconnect through if ours is lost. @type {string[]} */
    this._nodes = [];
    /** The node the current failover lost (a resume elsewhere means the session moved). */
    this._lostUrl = '';
    /** Reconnect tries of the current failover: each goes to the next node in turn. */
    this._tries = 0;
    this._failoverSince = 0;
    this._backoff = BACKOFF_START_MS;
    /** @type {string|undefined} */
    this._lastResumeError = undefined;
    this._pagehideBound = false;
    /** @type {(() => void)|null} */
    this._onDeviceChange = null;
    this._onPageHide = () => {
      if (this._options.leaveOnPageUnload && this._sig && this._phase === 'joined') {
        this._sig.notify('leave', { end: false });
      }
    };
  }

  // ---- init / join / leave ---------------------------------------------------------------

  /**
   * Prepares the client. Resolves `''`. Options: `webEndpoint`, `stayAwake`,
   * `leaveOnPageUnload`, `patchJsMedia` (accepted and ignored: nothing to patch),
   * `enforceMultipleVideos` (accepted; multiple videos always work under WebRTC).
   * @param {string} [language]
   * @param {string} [dependentAssets]
   * @param {object} [options]
   * @returns {Promise<''>}
   */
  async init(language = 'en-US', dependentAssets = 'Global', options = {}) {
    if (this._destroyed) throw failure(5000, 'the client was destroyed; create a new one');
    this._language = language;
    this._dependentAssets = dependentAssets;
    this._options = Object.assign({}, options || {});
    try {
      this._url = signalingUrl(this._options.webEndpoint);
    } catch (e) {
      throw asFailure(e);
    }
    defineVideoElements(this._options.alternativeNameForVideoPlayer);
    // The device lists the stream answers synchronously (getMicList, ...) are filled here.
    const devices = listDevices();
    this._iceServers = await fetchIceServers(this._url);
    if (typeof window !== 'undefined' && !this._pagehideBound) {
      window.addEventListener('pagehide', this._onPageHide);
      this._pagehideBound = true;
      if (typeof navigator !== 'undefined' && navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
        // Listeners of `device-change` read the new lists.
        this._onDeviceChange = () => { listDevices().then(() => this._emit('device-change')); };
        navigator.mediaDevices.addEventListener('devicechange', this._onDeviceChange);
      }
    }
    await devicesWithin(devices);
    this._initialized = true;
    return '';
  }

  /**
   * Joins (or starts) a session. Resolves `''`; rejects with `{type, reason, errorCode}`.
   * @param {string} topic
   * @param {string} token
   * @param {string} userName
   * @param {string} [passcode]
   * @param {number} [idleTimeoutMins]
   * @returns {Promise<''>}
   */
  async join(topic, token, userName, passcode, idleTimeoutMins) {
    if (!this._initialized || this._destroyed) throw notInitialized();
    if (this._phase !== 'idle') throw failure(5012, 'duplicated operation: already in a session');
    if (typeof topic !== 'string') throw failure(5013, 'invalid parameters: topic must be a string');
    if (typeof token !== 'string' || token.length === 0) {
      throw failure(5013, 'invalid parameters: token must be a non-empty string');
    }
    if (userName === undefined || userName === null) userName = '';
    if (typeof userName !== 'string') throw failure(5013, 'invalid parameters: userName must be a string');
    /** @type {any} */
    let pc = passcode;
    if (pc === null || pc === '') pc = undefined;
    if (typeof pc === 'number') pc = String(pc);
    if (pc !== undefined && typeof pc !== 'string') throw failure(5013, 'invalid parameters: passcode must be a string');
    if (idleTimeoutMins === null) idleTimeoutMins = undefined;
    /** @type {{topic: string, token: string, userName: string, passcode?: string, idleTimeoutMins?: number}} */
    const params = { topic, token, userName };
    if (pc !== undefined) params.passcode = pc;
    if (idleTimeoutMins !== undefined) params.idleTimeoutMins = idleTimeoutMins;
    const invalid = validateJoin(params);
    if (invalid) throw invalid;
    this._phase = 'joining';
    this._earlyEvents = [];
    const devices = listDevices();
    this._sessionUrl = this._url;
    this._nodes = [];
    let result;
    try {
      for (let hop = 0; ; hop++) {
        const sig = await this._connect();
        try {
          result = await sig.request('join', params, JOIN_TIMEOUT_MS);
          break;
        } catch (e) {
          const to = /** @type {any} */ (e).redirect;
          if (typeof to !== 'string' || hop >= MAX_REDIRECTS) throw e;
          // Another node of the cluster hosts the session: the same join, there.
          this._sig = null;
          sig.close();
          this._sessionUrl = to;
          this._earlyEvents = [];
        }
      }
    } catch (e) {
      this._teardown();
      throw asFailure(e);
    }
    this._session = new SessionState(result);
    this._phase = 'joined';
    this._startPing();
    this._acquireWakeLock();
    this._emit('connection-change', { state: 'Connected' });
    this._flushEarly();
    await devicesWithin(devices);
    return '';
  }

  /**
   * Leaves; `end = true` ends the session for everyone (host only, 5007).
   * @param {boolean} [end]
   * @returns {Promise<''>}
   */
  async leave(end = false) {
    if (this._phase === 'reconnecting') {
      if (end) throw reconnecting();
      this._teardown();
      return '';
    }
    if (this._phase !== 'joined') throw notJoined();
    if (end && !this.isHost()) {
      // Checked locally for a clean error; the server checks again.
      throw failure(5007, 'only the host can end the session');
    }
    this._leaving = true;
    try {
      await this._request('leave', { end: !!end }, LEAVE_TIMEOUT_MS);
    } catch (e) {
      const f = asFailure(e);
      if (f.errorCode !== 1 && f.errorCode !== 3) {
        this._leaving = false;
        throw f;
      }
    }
    this._teardown();
    return '';
  }

  // ---- users -----------------------------------------------------------------------------

  /** @returns {Participant|undefined} */
  getCurrentUserInfo() {
    return this._session ? clone(this._session.me()) : undefined;
  }

  /** @returns {Participant[]} */
  getAllUser() {
    return this._session ? this._session.sortedUsers().map(clone) : [];
  }

  /** @param {number} userId @returns {Participant|undefined} */
  getUser(userId) {
    return this._session ? clone(this._session.users.get(Number(userId))) : undefined;
  }

  /** @returns {SessionInfo} */
  getSessionInfo() {
    const s = this._session;
    if (!s) return { topic: '', password: '', userName: '', userId: 0, isInMeeting: false, sessionId: '' };
    const me = s.me();
    return {
      topic: s.topic,
      password: s.password,
      userName: me ? me.displayName : '',
      userId: s.userId,
      isInMeeting: this._phase === 'joined',
      sessionId: s.sessionId,
    };
  }

  /** @returns {Participant|undefined} */
  getSessionHost() {
    return this._session ? clone([...this._session.users.values()].find((u) => u.isHost)) : undefined;
  }

  isHost() { const me = this._session && this._session.me(); return !!(me && me.isHost); }
  isManager() { const me = this._session && this._session.me(); return !!(me && me.isManager); }
  isOriginalHost() { return !!(this._session && this._session.isOriginalHost); }
  /** Participants may rename themselves (Convene; set by `allowParticipantsToRename`). */
  isAllowToRename() { return !!(this._session && this._session.renameAllowed); }

  /** @param {string} name @param {number} [userId] */
  changeName(name, userId) {
    /** @type {{name: string, userId?: number}} */
    const p = { name: String(name) };
    if (userId !== undefined && userId !== null) p.userId = userId;
    return this._call('changeName', p);
  }
  /** Host/manager: allow or forbid participants renaming themselves. @param {boolean} allowed @returns {Promise<''>} */
  async allowParticipantsToRename(allowed) {
    await this._call('allowParticipantsToRename', { allowed: !!allowed });
    if (this._session) this._session.renameAllowed = !!allowed;
    return '';
  }
  /** @param {number} userId */
  removeUser(userId) { return this._call('removeUser', { userId }); }
  /** @param {number} userId */
  makeHost(userId) { return this._call('makeHost', { userId }); }
  /** @param {number} userId */
  makeManager(userId) { return this._call('makeManager', { userId }); }
  /** @param {number} userId */
  revokeManager(userId) { return this._call('revokeManager', { userId }); }
  reclaimHost() { return this._call('reclaimHost', undefined); }

  // ---- sub-clients -----------------------------------------------------------------------

  /**
   * The chat client (its file transfer calls come from unsupported.js).
   * @returns {ChatClient & import('../convene.js').ChatFileTransfer}
   */
  getChatClient() {
    if (!this._chat) this._chat = new ChatClient(this);
    return /** @type {ChatClient & import('../convene.js').ChatFileTransfer} */ (this._chat);
  }

  /** The command channel client. */
  getCommandClient() {
    if (!this._command) this._command = new CommandClient(this);
    return this._command;
  }

  /**
   * The cloud recording client (docs/egress.md; its individual recording calls come from
   * unsupported.js).
   * @returns {RecordingClient & import('../convene.js').IndividualRecording}
   */
  getRecordingClient() {
    if (!this._recording) this._recording = new RecordingClient(this);
    return /** @type {RecordingClient & import('../convene.js').IndividualRecording} */ (this._recording);
  }

  /** The subsession (breakout room) client (docs/subsessions.md). */
  getSubsessionClient() {
    if (!this._subsessionClient) this._subsessionClient = new SubsessionClient(this);
    return this._subsessionClient;
  }

  /** The live streaming client (docs/egress.md). */
  getLiveStreamClient() {
    if (!this._liveStream) this._liveStream = new LiveStreamClient(this);
    return this._liveStream;
  }

  /**
   * The logger client: reports kept in memory (and printed with `debugMode`). Options given
   * replace those of an earlier call.
   * @param {{debugMode?: boolean, trackingId?: string}} [options]
   */
  getLoggerClient(options) {
    if (!this._logger) this._logger = new LoggerClient(this);
    this._logger._configure(options);
    return this._logger;
  }

  // Features Convene does not provide: every call answers as unsupported.js says.
  getLiveTranscriptionClient() { return this._unsupportedClient('LiveTranscriptionClient'); }
  getWhiteboardClient() { return this._unsupportedClient('WhiteboardClient'); }
  getBroadcastStreamingClient() { return this._unsupportedClient('BroadcastStreamingClient'); }
  getRealTimeMediaStreamsClient() { return this._unsupportedClient('RealTimeMediaStreamsClient'); }
  getVoiceTranslatorClient() { return this._unsupportedClient('VoiceTranslatorClient'); }
  getIncomingLiveStreamClient() { return this._unsupportedClient('IncomingLiveStreamClient'); }

  /**
   * @template {keyof import('../convene.js').UnsupportedClients} K
   * @param {K} on
   * @returns {import('../convene.js').UnsupportedClients[K]}
   */
  _unsupportedClient(on) {
    if (!this._unsupported.has(on)) this._unsupported.set(on, unsupportedClient(on));
    return this._unsupported.get(on);
  }

  /**
   * The media stream of the joined session. Throws 6002 before join (SPEC §3). The calls of
   * features Convene does not provide come from unsupported.js.
   * @returns {Stream & import('../convene.js').StreamUnsupported}
   */
  getMediaStream() {
    if (this._phase === 'idle' || this._phase === 'joining' || !this._session) throw mediaNotJoined();
    if (!this._stream) this._stream = new Stream(this);
    return /** @type {Stream & import('../convene.js').StreamUnsupported} */ (this._stream);
  }

  // ---- internals: requests ---------------------------------------------------------------

  /**
   * A session call's result: not joined → 5002, reconnecting → 5003.
   * @param {string} method
   * @param {object} [params]
   * @returns {Promise<any>}
   */
  async _ask(method, params) {
    if (this._phase === 'reconnecting') throw reconnecting();
    if (this._phase !== 'joined') throw notJoined();
    return this._request(method, params);
  }

  /**
   * A session call that resolves `''`.
   * @param {string} method
   * @param {object} [params]
   * @returns {Promise<''>}
   */
  async _call(method, params) {
    await this._ask(method, params);
    return '';
  }

  /**
   * Sends one request on the current socket.
   * @param {string} method
   * @param {object} [params]
   * @param {number} [timeoutMs]
   * @returns {Promise<any>}
   */
  _request(method, params, timeoutMs = REQUEST_TIMEOUT_MS) {
    if (!this._sig || !this._sig.isOpen()) {
      return Promise.reject(this._phase === 'reconnecting' ? reconnecting() : notJoined());
    }
    return this._sig.request(method, params, timeoutMs);
  }

  /**
   * Opens a new signaling socket (the client's current one); resolves it when open.
   * @returns {Promise<Signaling>}
   */
  async _connect(url = this._sessionUrl || this._url) {
    /** @type {Signaling} */
    const sig = new Signaling(url, {
      onEvent: (name, payload) => { if (this._sig === sig) this._onEvent(name, payload); },
      onClose: () => { if (this._sig === sig) this._onClose(); },
    });
    this._sig = sig;
    try {
      await sig.open(JOIN_TIMEOUT_MS);
    } catch (e) {
      // A socket that never opened is no socket: the caller may try again.
      if (this._sig === sig) this._sig = null;
      throw e;
    }
    return sig;
  }

  /** @param {string} name @param {any} payload */
  _onEvent(name, payload) {
    if (name === 'cluster-nodes') {
      // For failover only; apps never see it.
      if (payload && Array.isArray(payload.urls)) this._nodes = payload.urls.filter((/** @type {any} */ u) => typeof u === 'string');
      return;
    }
    if (this._phase === 'joining' || this._phase === 'reconnecting') {
      this._earlyEvents.push([name, payload]);
      return;
    }
    if (this._phase !== 'joined') return;
    this._deliver(name, payload);
  }

  _flushEarly() {
    const early = this._earlyEvents;
    this._earlyEvents = [];
    for (const [n, p] of early) {
      if (this._phase === 'joined') this._deliver(n, p);
    }
  }

  /**
   * Applies an event to the local state, then hands it to the app.
   * @param {string} name
   * @param {any} payload
   */
  _deliver(name, payload) {
    if (SubsessionState.handles(name)) {
      // Convene's `subsession-state` and `subsession-moved` become the reference's events.
      this._subsessions.apply(name, payload);
      if (name === 'subsession-moved') moveRoom(this, payload);
      return;
    }
    if (name === 'user-added') payload = (payload || []).map(participant);
    this._session.apply(name, payload);
    if (name === 'user-removed' && this._stream) {
      for (const d of payload || []) this._stream._onUserGone(d.userId);
    }
    if (name === 'media-slot') {
      // Convene-internal: which remote media a receive slot carries; not an app event.
      if (this._stream) this._stream._onSlot(payload);
      return;
    }
    if (name === 'connection-change' && payload && (payload.state === 'Closed' || payload.state === 'Fail')) {
      this._teardown();
      this._emit(name, payload);
      return;
    }
    if (this._stream) this._stream._onEvent(name, payload);
    this._emit(name, payload);
  }

  // ---- internals: keep-alive and failover ---------------------------------------------------

  _startPing() {
    clearInterval(this._pingTimer);
    this._pingTimer = setInterval(() => {
      if (this._phase !== 'joined') return;
      this._request('ping', undefined, PING_TIMEOUT_MS).catch((e) => {
        // No reply: the connection is dead even if the socket does not know yet.
        if (e && e.errorCode === 1 && this._sig && this._phase === 'joined') {
          const sig = this._sig;
          this._onClose();
          sig.close();
        }
      });
    }, PING_EVERY_MS);
  }

  /** The socket closed. While joined and not leaving: failover. */
  _onClose() {
    const sig = this._sig;
    this._sig = null;
    if (sig) sig.close();
    const cut = (/** @type {string} */ why) => { if (sig) sig.rejectAll(failure(3, why)); };
    if (this._phase === 'joined' && !this._leaving) {
      cut('operation cancelled: connection lost');
      this._phase = 'reconnecting';
      this._lostUrl = this._sessionUrl;
      this._failoverSince = Date.now();
      this._backoff = BACKOFF_START_MS;
      this._tries = 0;
      this._emit('connection-change', { state: 'Reconnecting', reason: 'failover' });
      this._scheduleReconnect();
    } else if (this._phase === 'reconnecting') {
      cut('operation cancelled: connection lost');
      this._scheduleReconnect();
    } else if (this._phase === 'joined' && this._leaving) {
      // The server closed right after our leave; leave() finishes the teardown.
      cut('operation cancelled');
    } else if (sig) {
      sig.rejectAll(failure(1, 'connection error: the signaling socket closed'));
    }
  }

  _scheduleReconnect() {
    clearTimeout(this._reconnectTimer);
    if (Date.now() - this._failoverSince > LIMITS.FAILOVER_WINDOW_SECS * 1000) {
      this._giveUp(this._lastResumeError || 'failover timeout');
      return;
    }
    const delay = this._backoff;
    this._backoff = Math.min(this._backoff * 2, BACKOFF_MAX_MS);
    this._reconnectTimer = setTimeout(() => this._tryResume(), delay);
  }

  async _tryResume() {
    if (this._phase !== 'reconnecting' || !this._session) return;
    const s = this._session;
    // Our node first, then (on a cluster) each other node in turn.
    const urls = [this._sessionUrl, ...this._nodes.filter((u) => u !== this._sessionUrl)].filter(Boolean);
    const url = urls[this._tries++ % Math.max(1, urls.length)];
    let sig;
    try {
      sig = await this._connect(url);
    } catch (e) {
      if (this._phase === 'reconnecting' && !this._sig) this._scheduleReconnect();
      return;
    }
    let result;
    try {
      result = await sig.request('resume', { sessionId: s.sessionId, userId: s.userId, resumeToken: s.resumeToken }, RESUME_TIMEOUT_MS);
    } catch (e) {
      const f = asFailure(e);
      if (this._phase !== 'reconnecting') return;
      const to = /** @type {any} */ (f).redirect;
      if (typeof to === 'string') {
        // The session moved to another node: try there at once.
        this._sessionUrl = to;
        this._tries = 0;
        this._sig = null;
        sig.close();
        clearTimeout(this._reconnectTimer);
        this._reconnectTimer = setTimeout(() => this._tryResume(), 0);
        return;
      }
      if (isTransient(f)) {
        this._lastResumeError = f.reason;
        const sig = this._sig;
        this._sig = null;
        if (sig) sig.close();
        this._scheduleReconnect();
      } else {
        this._giveUp(f.reason);
      }
      return;
    }
    if (this._phase !== 'reconnecting') return;
    // Tell the app what changed while away, as deltas.
    const old = [...s.users.values()];
    const was = s.me();
    // On another node, or in another room (moved while away): the session has none of our media.
    const moved = url !== this._lostUrl || result.sessionId !== s.sessionId;
    this._sessionUrl = url;
    this._session = new SessionState(result);
    this._refreshChat(s);
    this._subsessions.resumedIn(this._session.sessionId);
    this._phase = 'joined';
    this._startPing();
    for (const ev of userListDiff(old, [...this._session.users.values()])) this._emit(ev.event, ev.payload);
    this._emit('connection-change', { state: 'Connected' });
    this._flushEarly();
    if (this._stream) this._stream._afterResume(was, moved).catch(() => {});
  }

  /**
   * After a resume: the chat seen before, then the server's history, which also has what
   * came while we were away.
   * @param {SessionState} was
   */
  _refreshChat(was) {
    const now = this._session;
    if (now.sessionId === was.sessionId) now.chat = was.chat;
    this._request('chat.getHistory').then((list) => {
      if (this._session === now && Array.isArray(list)) now.chat = list;
    }).catch(() => {});
  }

  /** @param {string} reason */
  _giveUp(reason) {
    this._teardown();
    this._emit('connection-change', { state: 'Fail', reason: String(reason || 'failover failed') });
  }

  /** Back to idle: no socket, no session, no media. */
  _teardown() {
    this._sessionUrl = '';
    clearInterval(this._pingTimer);
    clearTimeout(this._reconnectTimer);
    this._pingTimer = null;
    const sig = this._sig;
    this._sig = null;
    if (sig) {
      sig.close(1000);
      sig.rejectAll(failure(3, 'operation cancelled'));
    }
    this._phase = 'idle';
    this._leaving = false;
    this._session = null;
    this._subsessions.reset();
    this._earlyEvents = [];
    if (this._stream) {
      this._stream._close();
      this._stream = null;
    }
    this._releaseWakeLock();
  }

  _acquireWakeLock() {
    const nav = /** @type {any} */ (typeof navigator !== 'undefined' ? navigator : null);
    if (!this._options.stayAwake || !nav || !nav.wakeLock) return;
    nav.wakeLock.request('screen').then((/** @type {any} */ l) => { this._wakeLock = l; }, () => {});
  }

  _releaseWakeLock() {
    if (this._wakeLock) {
      this._wakeLock.release().catch(() => {});
      this._wakeLock = null;
    }
  }

  /** Leaves if needed and stops listening to the page; the client cannot be used again. */
  async _destroy() {
    if (this._phase === 'joined') {
      try { await this.leave(); } catch (_) { /* leaving anyway */ }
    }
    this._teardown();
    if (typeof window !== 'undefined' && this._pagehideBound) {
      window.removeEventListener('pagehide', this._onPageHide);
      if (this._onDeviceChange) navigator.mediaDevices.removeEventListener('devicechange', this._onDeviceChange);
    }
    this._destroyed = true;
    this._listeners.clear();
  }
}
