// Convene browser SDK (ES module, no imports, no build step).
//
// Served by the Convene server at `/sdk/convene.js`. The default export is the `ConveneVideo`
// namespace, whose API keeps the names, event names, payload fields and error codes of the
// reference Web Video SDK's core surface (SPEC §3–§10):
//
//   import ConveneVideo from '/sdk/convene.js';
//   const client = ConveneVideo.createClient();
//   await client.init('en-US', 'Global', { patchJsMedia: true });
//   await client.join(topic, token, userName, passcode);
//   const stream = client.getMediaStream();
//   await stream.startVideo();
//   const video = await stream.attachVideo(otherUserId, 2);
//   document.body.append(video);
//
// Every failure is `{type, reason, errorCode}` (`ExecutedFailure`); every call that the
// reference types as `ExecutedResult` resolves `''`.
//
// Choices where the reference is silent (documented here, see also docs/protocol.md):
// - `join` before `init` resolved rejects with 5000 (`INVALID_OPERATION`), as the Rust SDK.
// - `getMediaStream()` before join (or after leave) throws 6002 (SPEC §3); a stream object
//   obtained while joined rejects its calls with 6002 once the session is over.
// - Session calls while not joined reject with 5002; while reconnecting with 5003.
// - `init` options: `webEndpoint` (host[:port], http(s):// or ws(s):// URL; default: this
//   page's origin), `stayAwake` (Screen Wake Lock while joined), `leaveOnPageUnload` (send
//   `leave` on `pagehide`, so no failover), `patchJsMedia` (accepted; nothing to patch).
// - Media: one RTCPeerConnection; the client always offers (`rtc.offer`), the SFU answers.
//   Receive slots (3 audio, 1 share, one video per attached user) are recvonly transceivers
//   whose sender the server reports with `media-slot {mid, userId, kind}` events.

/** @typedef {{type: string, reason: string, errorCode: number}} ExecutedFailure */
/** @typedef {{userId: number, displayName: string, audio: ''|'computer', muted?: boolean,
 *   bVideoOn: boolean, sharerOn: boolean, isHost: boolean, isManager: boolean,
 *   userIdentity?: string, isInFailover: boolean, avatar?: string}} Participant */
/** @typedef {{topic: string, password: string, userName: string, userId: number,
 *   isInMeeting: boolean, sessionId: string}} SessionInfo */
/** @typedef {{id: string, message: string, sender: {name: string, userId: number},
 *   receiver: {name: string, userId: number}, timestamp: number}} ChatMessage */

const VERSION = '0.1.0';

/** The error type the reference pairs with each code we produce locally or get from the server. */
const CODE_TYPES = {
  1: 'OPERATION_TIMEOUT', 2: 'INTERNAL_ERROR', 3: 'INVALID_OPERATION',
  200: 'INVALID_PARAMETERS', 3004: 'INVALID_PARAMETERS', 3009: 'INVALID_OPERATION',
  3010: 'INVALID_PARAMETERS', 4003: 'INVALID_PARAMETERS', 4004: 'IMPROPER_MEETING_STATE',
  4005: 'INVALID_OPERATION', 5000: 'INVALID_OPERATION', 5002: 'IMPROPER_MEETING_STATE',
  5003: 'IMPROPER_MEETING_STATE', 5006: 'INSUFFICIENT_PRIVILEGES', 5007: 'INSUFFICIENT_PRIVILEGES',
  5008: 'INSUFFICIENT_PRIVILEGES', 5011: 'INVALID_PARAMETERS', 5012: 'INVALID_OPERATION',
  5013: 'INVALID_PARAMETERS', 5014: 'OPERATION_LOCKED', 6001: 'INVALID_PARAMETERS',
  6002: 'INVALID_OPERATION', 6003: 'INVALID_PARAMETERS', 6010: 'INSUFFICIENT_PRIVILEGES',
  6015: 'INVALID_OPERATION', 6100: 'INSUFFICIENT_PRIVILEGES', 6101: 'INVALID_OPERATION',
  6110: 'INTERNAL_ERROR', 6111: 'INVALID_OPERATION', 6200: 'INSUFFICIENT_PRIVILEGES',
  6202: 'INVALID_OPERATION', 6204: 'INSUFFICIENT_PRIVILEGES', 6205: 'INVALID_OPERATION',
  7000: 'INVALID_PARAMETERS', 7001: 'INVALID_PARAMETERS', 7002: 'INSUFFICIENT_PRIVILEGES',
  7003: 'INSUFFICIENT_PRIVILEGES', 7100: 'INVALID_PARAMETERS', 7101: 'INVALID_PARAMETERS',
  7102: 'INVALID_PARAMETERS', 7103: 'INVALID_PARAMETERS', 7104: 'INVALID_OPERATION',
};

/**
 * An `ExecutedFailure`.
 * @param {number} errorCode
 * @param {string} reason
 * @param {string} [type]
 * @returns {ExecutedFailure}
 */
function failure(errorCode, reason, type) {
  return { type: type || CODE_TYPES[errorCode] || 'INTERNAL_ERROR', reason, errorCode };
}

/** @param {any} e @returns {ExecutedFailure} */
function asFailure(e) {
  if (e && typeof e === 'object' && typeof e.errorCode === 'number') return e;
  return failure(2, String((e && e.message) || e));
}

const NOT_INITIALIZED = () => failure(5000, 'init() must resolve before join()');
const NOT_JOINED = () => failure(5002, 'closed');
const RECONNECTING = () => failure(5003, 'reconnecting');
const MEDIA_NOT_JOINED = () => failure(6002, 'join the session before using the media stream');

const REQUEST_TIMEOUT_MS = 15000;
const JOIN_TIMEOUT_MS = 15000;
const LEAVE_TIMEOUT_MS = 3000;
const PING_EVERY_MS = 15000;
const FAILOVER_WINDOW_MS = 120000;
const BACKOFF_START_MS = 100;
const BACKOFF_MAX_MS = 2000;
const MAX_TOPIC_CHARS = 150;
const MAX_PASSCODE_CHARS = 10;
const AUDIO_SLOTS = 3;
const SHARE_SLOTS = 1;
const MAX_VIDEOS = 25;

/** `VideoQuality` of the reference. */
const VideoQuality = Object.freeze({ Video_90P: 0, Video_180P: 1, Video_360P: 2, Video_720P: 3, Video_1080P: 4 });
/** `SharePrivilege` of the reference. */
const SharePrivilege = Object.freeze({ Unlocked: 0, Locked: 1, MultipleShare: 3 });
/** `ChatPrivilege` of the reference. */
const ChatPrivilege = Object.freeze({ All: 1, NoOne: 4, EveryonePublicly: 5 });

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const clone = (o) => (o === undefined ? undefined : JSON.parse(JSON.stringify(o)));

/**
 * The signaling URL: `options.webEndpoint` or this page's origin, path `/rtc/v1`.
 * @param {string|undefined} endpoint
 */
function signalingUrl(endpoint) {
  const loc = typeof location !== 'undefined' ? location : null;
  const secure = loc ? loc.protocol === 'https:' : false;
  let url;
  if (!endpoint) {
    if (!loc) throw failure(5000, 'no page origin: pass options.webEndpoint to init()');
    url = `${secure ? 'wss' : 'ws'}://${loc.host}`;
  } else if (/^wss?:\/\//i.test(endpoint)) {
    url = endpoint;
  } else if (/^https?:\/\//i.test(endpoint)) {
    url = endpoint.replace(/^http/i, 'ws');
  } else {
    url = `${secure ? 'wss' : 'ws'}://${endpoint}`;
  }
  const u = new URL(url);
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/rtc/v1';
  return u.toString();
}

/**
 * `GET /api/v1/client-config` next to the signaling URL; its `iceServers`, or `[]`.
 * @param {string} wsUrl
 * @returns {Promise<RTCIceServer[]>}
 */
async function fetchIceServers(wsUrl) {
  if (typeof fetch !== 'function') return [];
  const u = new URL(wsUrl);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = '/api/v1/client-config';
  const ctl = typeof AbortController === 'function' ? new AbortController() : null;
  const timer = setTimeout(() => ctl && ctl.abort(), 2000);
  try {
    const r = await fetch(u.toString(), ctl ? { signal: ctl.signal } : {});
    if (!r.ok) return [];
    const cfg = await r.json();
    return Array.isArray(cfg.iceServers) ? cfg.iceServers : [];
  } catch {
    return [];
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------

/** The `VideoClient`: one per page (see `createClient`). */
class VideoClient {
  constructor() {
    /** @type {Map<string, Set<Function>>} */
    this._listeners = new Map();
    this._initialized = false;
    this._options = {};
    this._destroyed = false;
    /** 'idle' | 'joining' | 'joined' | 'reconnecting' */
    this._phase = 'idle';
    this._ws = null;
    this._nextId = 1;
    /** @type {Map<number, {resolve: Function, reject: Function, timer: any}>} */
    this._pending = new Map();
    this._session = null; // join result + local state
    this._earlyEvents = [];
    this._pingTimer = null;
    this._leaving = false;
    this._chatHistory = [];
    this._stream = null;
    this._wakeLock = null;
    this._reconnectTimer = null;
    this._onPageHide = () => {
      if (this._options.leaveOnPageUnload && this._ws && this._phase === 'joined') {
        try {
          this._ws.send(JSON.stringify({ id: this._nextId++, method: 'leave', params: { end: false } }));
        } catch (_) { /* the page is going anyway */ }
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
    // Server config: the ICE (STUN/TURN) servers media should use. A server that does not
    // answer in time only means no extra ICE servers: direct ICE to the SFU still works.
    this._iceServers = await fetchIceServers(this._url);
    if (typeof window !== 'undefined' && !this._pagehideBound) {
      window.addEventListener('pagehide', this._onPageHide);
      this._pagehideBound = true;
      if (typeof navigator !== 'undefined' && navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
        this._onDeviceChange = () => this._emit('device-change');
        navigator.mediaDevices.addEventListener('devicechange', this._onDeviceChange);
      }
    }
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
    if (!this._initialized || this._destroyed) throw NOT_INITIALIZED();
    if (this._phase !== 'idle') throw failure(5012, 'duplicated operation: already in a session');
    if (typeof topic !== 'string' || [...topic].length < 1 || [...topic].length > MAX_TOPIC_CHARS) {
      throw failure(5013, `invalid parameters: topic must be 1 to ${MAX_TOPIC_CHARS} characters`);
    }
    if (typeof token !== 'string' || token.length === 0) {
      throw failure(5013, 'invalid parameters: token must be a non-empty string');
    }
    if (userName === undefined || userName === null) userName = '';
    if (typeof userName !== 'string') throw failure(5013, 'invalid parameters: userName must be a string');
    if (passcode === null || passcode === '') passcode = undefined;
    if (typeof passcode === 'number') passcode = String(passcode);
    if (passcode !== undefined) {
      if (typeof passcode !== 'string' || passcode.length > MAX_PASSCODE_CHARS || !/^[\x20-\x7e]*$/.test(passcode)) {
        throw failure(5013, `invalid parameters: passcode must be at most ${MAX_PASSCODE_CHARS} printable ASCII characters`);
      }
    }
    if (idleTimeoutMins === null) idleTimeoutMins = undefined;
    if (idleTimeoutMins !== undefined && !(Number.isInteger(idleTimeoutMins) && idleTimeoutMins > 0)) {
      throw failure(5013, 'invalid parameters: idleTimeoutMins must be a positive whole number');
    }
    this._phase = 'joining';
    this._earlyEvents = [];
    this._chatHistory = [];
    const params = { topic, token, userName };
    if (passcode !== undefined) params.passcode = passcode;
    if (idleTimeoutMins !== undefined) params.idleTimeoutMins = idleTimeoutMins;
    let result;
    try {
      await this._connect();
      result = await this._request('join', params, JOIN_TIMEOUT_MS, true);
    } catch (e) {
      this._teardown();
      throw asFailure(e);
    }
    this._install(result);
    this._phase = 'joined';
    this._startPing();
    this._acquireWakeLock();
    this._emit('connection-change', { state: 'Connected' });
    this._flushEarly();
    return '';
  }

  /**
   * Leaves; `end = true` ends the session for everyone (host only, 5007).
   * @param {boolean} [end]
   * @returns {Promise<''>}
   */
  async leave(end = false) {
    if (this._phase === 'reconnecting') {
      if (end) throw RECONNECTING();
      this._teardown();
      return '';
    }
    if (this._phase !== 'joined') throw NOT_JOINED();
    if (end) {
      // Checked locally for a clean error; the server checks again.
      const me = this.getCurrentUserInfo();
      if (!me || !me.isHost) throw failure(5007, 'only the host can end the session');
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
    const s = this._session;
    return s ? clone(s.users.get(s.userId)) : undefined;
  }

  /** @returns {Participant[]} */
  getAllUser() {
    const s = this._session;
    if (!s) return [];
    return [...s.users.values()].sort((a, b) => a.userId - b.userId).map(clone);
  }

  /** @param {number} userId @returns {Participant|undefined} */
  getUser(userId) {
    const s = this._session;
    return s ? clone(s.users.get(Number(userId))) : undefined;
  }

  /** @returns {SessionInfo} */
  getSessionInfo() {
    const s = this._session;
    if (!s) return { topic: '', password: '', userName: '', userId: 0, isInMeeting: false, sessionId: '' };
    const me = s.users.get(s.userId);
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
    const s = this._session;
    if (!s) return undefined;
    return clone([...s.users.values()].find((u) => u.isHost));
  }

  isHost() { const me = this.getCurrentUserInfo(); return !!(me && me.isHost); }
  isManager() { const me = this.getCurrentUserInfo(); return !!(me && me.isManager); }
  isOriginalHost() { return !!(this._session && this._session.isOriginalHost); }
  /** Participants may rename themselves (Convene; set by `allowParticipantsToRename`). */
  isAllowToRename() { return !!(this._session && this._session.renameAllowed); }

  /** @param {string} name @param {number} [userId] */
  changeName(name, userId) {
    const p = { name: String(name) };
    if (userId !== undefined && userId !== null) p.userId = userId;
    return this._call('changeName', p);
  }
  /** Host/manager: allow or forbid participants renaming themselves. @param {boolean} allowed */
  allowParticipantsToRename(allowed) {
    return this._call('allowParticipantsToRename', { allowed: !!allowed }).then((r) => {
      if (this._session) this._session.renameAllowed = !!allowed;
      return r;
    });
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

  // ---- events ----------------------------------------------------------------------------

  /** @param {string} event @param {(payload: any) => void} cb */
  on(event, cb) {
    if (typeof cb !== 'function') return;
    if (!this._listeners.has(event)) this._listeners.set(event, new Set());
    this._listeners.get(event).add(cb);
  }

  /** @param {string} event @param {(payload: any) => void} cb */
  off(event, cb) {
    const set = this._listeners.get(event);
    if (set) set.delete(cb);
  }

  _emit(event, payload) {
    const set = this._listeners.get(event);
    if (!set) return;
    for (const cb of [...set]) {
      try {
        cb(payload);
      } catch (e) {
        setTimeout(() => { throw e; });
      }
    }
  }

  // ---- sub-clients -----------------------------------------------------------------------

  /** The chat client. */
  getChatClient() {
    if (!this._chat) this._chat = new ChatClient(this);
    return this._chat;
  }

  /** The command channel client. */
  getCommandClient() {
    if (!this._command) this._command = new CommandClient(this);
    return this._command;
  }

  /**
   * The media stream of the joined session. Throws 6002 before join (SPEC §3).
   * @returns {Stream}
   */
  getMediaStream() {
    if (this._phase === 'idle' || this._phase === 'joining' || !this._session) throw MEDIA_NOT_JOINED();
    if (!this._stream) this._stream = new Stream(this);
    return this._stream;
  }

  // ---- internals: signaling --------------------------------------------------------------

  /** Session call: not joined → 5002, reconnecting → 5003. */
  async _call(method, params, media = false) {
    if (this._phase === 'reconnecting') throw media ? MEDIA_NOT_JOINED() : RECONNECTING();
    if (this._phase !== 'joined') throw media ? MEDIA_NOT_JOINED() : NOT_JOINED();
    await this._request(method, params);
    return '';
  }

  /** Opens the WebSocket; resolves when open. */
  _connect() {
    return new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new WebSocket(this._url);
      } catch (e) {
        reject(failure(1, `connection error: ${e && e.message}`));
        return;
      }
      this._ws = ws;
      let opened = false;
      const timer = setTimeout(() => {
        if (!opened) {
          try { ws.close(); } catch (_) { /* ignore */ }
          reject(failure(1, 'connection error: timed out opening the signaling socket'));
        }
      }, JOIN_TIMEOUT_MS);
      ws.onopen = () => { opened = true; clearTimeout(timer); resolve(); };
      ws.onmessage = (ev) => { if (this._ws === ws) this._onMessage(ev.data); };
      ws.onerror = () => {};
      ws.onclose = (ev) => {
        clearTimeout(timer);
        if (!opened) {
          reject(failure(1, `connection error: the signaling socket closed (${ev.code})`));
        }
        if (this._ws === ws) this._onClose(ev);
      };
    });
  }

  /**
   * Sends one request; resolves with its result or rejects with its error.
   * @param {string} method
   * @param {object|undefined} params
   * @param {number} [timeoutMs]
   * @param {boolean} [duringJoin]
   */
  _request(method, params, timeoutMs = REQUEST_TIMEOUT_MS, duringJoin = false) {
    return new Promise((resolve, reject) => {
      const ws = this._ws;
      if (!ws || ws.readyState !== 1) {
        reject(duringJoin ? failure(1, 'connection error') : (this._phase === 'reconnecting' ? RECONNECTING() : NOT_JOINED()));
        return;
      }
      const id = this._nextId++;
      const msg = { id, method };
      if (params !== undefined) msg.params = params;
      const timer = setTimeout(() => {
        this._pending.delete(id);
        reject(failure(1, `no reply to ${method} in time`));
      }, timeoutMs);
      this._pending.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify(msg));
    });
  }

  _onMessage(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch (_) {
      return;
    }
    if (msg && typeof msg.event === 'string') {
      this._onEvent(msg.event, msg.payload);
      return;
    }
    if (msg && typeof msg.id === 'number') {
      const p = this._pending.get(msg.id);
      if (!p) return;
      this._pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result === undefined ? null : msg.result);
      else p.reject(asFailure(msg.error || failure(2, 'unknown error')));
    }
  }

  _onEvent(name, payload) {
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

  /** Applies an event to the local state, then hands it to the app. */
  _deliver(name, payload) {
    const s = this._session;
    switch (name) {
      case 'user-added':
        for (const u of payload || []) s.users.set(u.userId, Object.assign({}, u));
        break;
      case 'user-updated':
        for (const d of payload || []) {
          const u = s.users.get(d.userId);
          if (!u) continue;
          Object.assign(u, d);
          if (d.audio === '') delete u.muted;
        }
        break;
      case 'user-removed':
        for (const d of payload || []) {
          s.users.delete(d.userId);
          if (this._stream) this._stream._onUserGone(d.userId);
        }
        break;
      case 'chat-privilege-change':
        s.chatPrivilege = payload.chatPrivilege;
        break;
      case 'share-privilege-change':
        s.sharePrivilege = payload.privilege;
        break;
      case 'chat-on-message':
        this._pushHistory(payload);
        break;
      case 'media-slot':
        if (this._stream) this._stream._onSlot(payload);
        return; // Convene-internal; not an app event
      case 'connection-change':
        if (payload && (payload.state === 'Closed' || payload.state === 'Fail')) {
          this._teardown();
          this._emit(name, payload);
          return;
        }
        break;
      default:
        break;
    }
    if (this._stream) this._stream._onEvent(name, payload);
    this._emit(name, payload);
  }

  _pushHistory(m) {
    if (!m || this._chatHistory.some((x) => x.id === m.id)) return;
    this._chatHistory.push(m);
  }

  /** Installs a join/resume result as the local state. */
  _install(r) {
    const users = new Map();
    for (const u of r.users || []) users.set(u.userId, Object.assign({}, u));
    this._session = {
      sessionId: r.sessionId,
      topic: r.topic,
      userId: r.userId,
      password: r.password || '',
      isOriginalHost: !!r.isOriginalHost,
      users,
      chatPrivilege: r.chatPrivilege,
      sharePrivilege: r.sharePrivilege,
      renameAllowed: r.renameAllowed,
      resumeToken: r.resumeToken,
    };
  }

  _startPing() {
    clearInterval(this._pingTimer);
    this._pingTimer = setInterval(() => {
      if (this._phase !== 'joined') return;
      this._request('ping', undefined, 10000).catch((e) => {
        // No reply: the connection is dead even if the socket does not know yet.
        if (e && e.errorCode === 1 && this._ws && this._phase === 'joined') {
          const ws = this._ws;
          this._onClose({ code: 4000, reason: 'ping timeout' });
          try { ws.close(); } catch (_) { /* ignore */ }
        }
      });
    }, PING_EVERY_MS);
  }

  _rejectPending(f) {
    for (const [, p] of this._pending) {
      clearTimeout(p.timer);
      p.reject(f);
    }
    this._pending.clear();
  }

  /** The socket closed. While joined and not leaving: failover. */
  _onClose(_ev) {
    const ws = this._ws;
    this._ws = null;
    if (ws) { ws.onclose = null; ws.onmessage = null; }
    if (this._phase === 'joined' && !this._leaving) {
      this._rejectPending(failure(3, 'operation cancelled: connection lost'));
      this._phase = 'reconnecting';
      this._failoverSince = Date.now();
      this._backoff = BACKOFF_START_MS;
      this._emit('connection-change', { state: 'Reconnecting', reason: 'failover' });
      this._scheduleReconnect();
    } else if (this._phase === 'reconnecting') {
      this._rejectPending(failure(3, 'operation cancelled: connection lost'));
      this._scheduleReconnect();
    } else if (this._phase === 'joined' && this._leaving) {
      // The server closed right after our leave; leave() finishes the teardown.
      this._rejectPending(failure(3, 'operation cancelled'));
    } else {
      this._rejectPending(failure(1, 'connection error: the signaling socket closed'));
    }
  }

  _scheduleReconnect() {
    clearTimeout(this._reconnectTimer);
    if (Date.now() - this._failoverSince > FAILOVER_WINDOW_MS) {
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
    try {
      await this._connect();
    } catch (e) {
      if (this._phase === 'reconnecting' && !this._ws) this._scheduleReconnect();
      return;
    }
    let result;
    try {
      result = await this._request('resume', { sessionId: s.sessionId, userId: s.userId, resumeToken: s.resumeToken }, 10000, true);
    } catch (e) {
      const f = asFailure(e);
      if (this._phase !== 'reconnecting') return;
      if (f.errorCode === 1 || f.errorCode === 2 || f.errorCode === 3 || f.errorCode === 5003) {
        this._lastResumeError = f.reason;
        const ws = this._ws;
        this._ws = null;
        if (ws) { ws.onclose = null; try { ws.close(); } catch (_) { /* ignore */ } }
        this._scheduleReconnect();
      } else {
        this._giveUp(f.reason);
      }
      return;
    }
    if (this._phase !== 'reconnecting') return;
    // Tell the app what changed while away, as deltas.
    const old = s.users;
    this._install(result);
    const now = this._session.users;
    const added = [], updated = [], removed = [];
    for (const [id, before] of old) {
      const after = now.get(id);
      if (!after) { removed.push({ userId: id, displayName: before.displayName }); continue; }
      const d = { userId: id };
      let changed = false;
      for (const k of Object.keys(after)) {
        if (JSON.stringify(after[k]) !== JSON.stringify(before[k])) { d[k] = after[k]; changed = true; }
      }
      if (changed) updated.push(d);
    }
    for (const [id, u] of now) if (!old.has(id)) added.push(clone(u));
    this._phase = 'joined';
    this._startPing();
    if (removed.length) this._emit('user-removed', removed);
    if (added.length) this._emit('user-added', added);
    if (updated.length) this._emit('user-updated', updated);
    this._emit('connection-change', { state: 'Connected' });
    this._flushEarly();
    if (this._stream) this._stream._afterResume();
  }

  _giveUp(reason) {
    this._teardown();
    this._emit('connection-change', { state: 'Fail', reason: String(reason || 'failover failed') });
  }

  /** Back to idle: no socket, no session, no media. */
  _teardown() {
    clearInterval(this._pingTimer);
    clearTimeout(this._reconnectTimer);
    this._pingTimer = null;
    const ws = this._ws;
    this._ws = null;
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      try { ws.close(1000); } catch (_) { /* ignore */ }
    }
    this._rejectPending(failure(3, 'operation cancelled'));
    this._phase = 'idle';
    this._leaving = false;
    this._session = null;
    this._earlyEvents = [];
    if (this._stream) {
      this._stream._close();
      this._stream = null;
    }
    this._releaseWakeLock();
  }

  _acquireWakeLock() {
    if (!this._options.stayAwake || typeof navigator === 'undefined' || !navigator.wakeLock) return;
    navigator.wakeLock.request('screen').then((l) => { this._wakeLock = l; }, () => {});
  }

  _releaseWakeLock() {
    if (this._wakeLock) {
      this._wakeLock.release().catch(() => {});
      this._wakeLock = null;
    }
  }

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

// ---------------------------------------------------------------------------------------
// Chat and command channel
// ---------------------------------------------------------------------------------------

/** `getChatClient()`. */
class ChatClient {
  /** @param {VideoClient} client */
  constructor(client) { this._c = client; }

  async _send(method, params) {
    const c = this._c;
    if (c._phase === 'reconnecting') throw RECONNECTING();
    if (c._phase !== 'joined') throw NOT_JOINED();
    const m = await c._request(method, params);
    c._pushHistory(m);
    return m;
  }

  /** @param {string} text @param {number} userId @returns {Promise<ChatMessage>} */
  send(text, userId) { return this._send('chat.send', { text: String(text ?? ''), userId }); }
  /** @param {string} text @returns {Promise<ChatMessage>} */
  sendToAll(text) { return this._send('chat.sendToAll', { text: String(text ?? '') }); }
  /** Messages seen while present. @returns {ChatMessage[]} */
  getHistory() { return this._c._chatHistory.map(clone); }
  /** @param {number} privilege `ChatPrivilege` */
  async setPrivilege(privilege) {
    await this._c._call('chat.setPrivilege', { privilege });
    if (this._c._session) this._c._session.chatPrivilege = privilege;
    return '';
  }
  /** @returns {number} `ChatPrivilege` */
  getPrivilege() { const s = this._c._session; return s ? s.chatPrivilege : ChatPrivilege.All; }
  /** Who can be messaged: everyone (userId 0) and each other user. */
  getReceivers() {
    const s = this._c._session;
    if (!s) return [];
    const out = [{ userId: 0, displayName: 'Everyone', isHost: false, isManager: false }];
    for (const u of [...s.users.values()].sort((a, b) => a.userId - b.userId)) {
      if (u.userId !== s.userId) out.push({ userId: u.userId, displayName: u.displayName, isHost: u.isHost, isManager: u.isManager });
    }
    return out;
  }
}

/** `getCommandClient()`. */
class CommandClient {
  /** @param {VideoClient} client */
  constructor(client) { this._c = client; }
  /**
   * Sends a command to one user or everyone (≤ 512 bytes).
   * @param {string} text
   * @param {number} [userId]
   */
  async send(text, userId) {
    const c = this._c;
    if (c._phase === 'reconnecting') throw RECONNECTING();
    if (c._phase !== 'joined') throw NOT_JOINED();
    const p = { text };
    if (typeof userId === 'number') p.userId = userId;
    return c._request('command.send', p);
  }
}

// ---------------------------------------------------------------------------------------
// Media
// ---------------------------------------------------------------------------------------

/** Maps a getUserMedia/getDisplayMedia error to a failure. */
function captureFailure(e, kind) {
  const name = e && e.name;
  if (kind === 'share') {
    if (name === 'NotAllowedError') return failure(6200, 'SCREEN_SHARE_USER_DENIED');
    return failure(6202, `screen capture failed: ${name || e}`);
  }
  if (kind === 'audio') return failure(6010, `AUDIO_CAPTURE_FAILED: ${name || e}`);
  if (name === 'NotAllowedError') return failure(6100, 'VIDEO_USER_FORBIDDEN_CAPTURE');
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return failure(6101, 'CAN_NOT_FIND_CAMERA');
  return failure(6110, `VIDEO_ESTABLISH_STREAM_ERROR: ${name || e}`);
}

/** `client.getMediaStream()`: audio, video and share through the SFU. */
class Stream {
  /** @param {VideoClient} client */
  constructor(client) {
    this._c = client;
    this._closed = false;
    this._pc = null;
    this._negotiating = Promise.resolve();
    this._needReset = true;
    /** mid → {userId, kind} from `media-slot` */
    this._slots = new Map();
    this._audioSlots = [];
    this._shareSlots = [];
    this._videoSlots = [];
    this._audioEls = new Map(); // mid → <audio>
    /** userId → {element, quality} */
    this._attached = new Map();
    this._micTrack = null;
    this._micSender = null;
    this._camTrack = null;
    this._camTransceiver = null;
    this._shareTrack = null;
    this._shareTransceiver = null;
    this._audioStarted = false;
    this._shareEl = null;
  }

  _check() {
    if (this._closed || this._c._phase !== 'joined') {
      if (this._c._phase === 'reconnecting' && !this._closed) throw RECONNECTING();
      throw MEDIA_NOT_JOINED();
    }
  }

  async _req(method, params) {
    this._check();
    return this._c._request(method, params);
  }

  // ---- peer connection ---------------------------------------------------------------

  _ensurePc() {
    if (this._pc) return this._pc;
    const pc = new RTCPeerConnection({
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
      iceServers: this._c._iceServers || [],
    });
    this._pc = pc;
    this._needReset = true;
    this._audioSlots = [];
    this._shareSlots = [];
    this._videoSlots = [];
    for (let i = 0; i < AUDIO_SLOTS; i++) this._audioSlots.push(pc.addTransceiver('audio', { direction: 'recvonly' }));
    for (let i = 0; i < SHARE_SLOTS; i++) this._shareSlots.push(pc.addTransceiver('video', { direction: 'recvonly' }));
    pc.ontrack = (ev) => {
      const t = ev.transceiver;
      if (t && t.receiver.track.kind === 'audio') this._playAudio(t);
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' && this._pc === pc && !this._closed && this._c._phase === 'joined') {
        // Media path lost while signaling is fine: start over with a fresh peer.
        this._restartPeer().catch(() => {});
      }
    };
    return pc;
  }

  _playAudio(t) {
    if (typeof document === 'undefined' || !t.mid) return;
    let el = this._audioEls.get(t.mid);
    if (!el) {
      el = document.createElement('audio');
      el.autoplay = true;
      el.style.display = 'none';
      el.dataset.conveneMid = t.mid;
      (document.body || document.documentElement).appendChild(el);
      this._audioEls.set(t.mid, el);
    }
    el.srcObject = new MediaStream([t.receiver.track]);
    const p = el.play();
    if (p && p.catch) p.catch(() => this._c._emit('auto-play-audio-failed'));
  }

  /** Offers the current transceivers to the SFU and applies its answer (serialised). */
  _renegotiate() {
    const run = async () => {
      const pc = this._ensurePc();
      const reset = this._needReset;
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      const shareMids = [];
      if (this._shareTransceiver && this._shareTransceiver.mid) shareMids.push(this._shareTransceiver.mid);
      for (const t of this._shareSlots) if (t.mid) shareMids.push(t.mid);
      let answer;
      try {
        answer = await this._c._request('rtc.offer', { sdp: pc.localDescription.sdp, reset, shareMids });
      } catch (e) {
        if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' }).catch(() => {});
        throw e;
      }
      if (this._pc !== pc) return;
      await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
      this._needReset = false;
      for (const t of this._audioSlots) if (t.currentDirection && t.receiver.track) this._playAudio(t);
      this._bindAll();
    };
    const p = this._negotiating.then(run, run);
    this._negotiating = p.catch(() => {});
    return p;
  }

  async _restartPeer() {
    const old = this._pc;
    this._pc = null;
    if (old) try { old.close(); } catch (_) { /* ignore */ }
    this._slots.clear();
    this._micSender = null;
    this._camTransceiver = null;
    this._shareTransceiver = null;
    const pc = this._ensurePc();
    if (this._micTrack) this._micSender = pc.addTransceiver(this._micTrack, { direction: 'sendonly' }).sender;
    if (this._camTrack) this._camTransceiver = this._addCamera(pc, this._camTrack);
    if (this._shareTrack) this._shareTransceiver = pc.addTransceiver(this._shareTrack, { direction: 'sendonly' });
    while (this._videoSlots.length < this._attached.size) this._videoSlots.push(pc.addTransceiver('video', { direction: 'recvonly' }));
    await this._renegotiate();
  }

  /** After a signaling failover the server dropped our media peer: build a new one. */
  _afterResume() {
    if (this._pc) this._restartPeer().catch(() => {});
  }

  _addCamera(pc, track) {
    const encodings = [
      { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: 150000 },
      { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: 500000 },
      { rid: 'h', scaleResolutionDownBy: 1, maxBitrate: 1500000 },
    ];
    try {
      return pc.addTransceiver(track, { direction: 'sendonly', sendEncodings: encodings });
    } catch (_) {
      return pc.addTransceiver(track, { direction: 'sendonly' });
    }
  }

  // ---- slots and rendering -------------------------------------------------------------

  _onSlot(slot) {
    if (!slot || !slot.mid) return;
    if (slot.userId === undefined || slot.userId === null) this._slots.delete(slot.mid);
    else this._slots.set(slot.mid, { userId: slot.userId, kind: slot.kind });
    this._bindAll();
  }

  _transceiverOf(mid) {
    if (!this._pc) return null;
    return this._pc.getTransceivers().find((t) => t.mid === mid) || null;
  }

  /** Puts each attached user's slot track into its element. */
  _bindAll() {
    for (const [userId, a] of this._attached) {
      let mid = null;
      for (const [m, s] of this._slots) if (s.userId === userId && s.kind === 'video') mid = m;
      if (!mid) continue;
      const t = this._transceiverOf(mid);
      if (!t) continue;
      const track = t.receiver.track;
      const cur = a.element.srcObject;
      if (!cur || cur.getVideoTracks()[0] !== track) {
        a.element.srcObject = new MediaStream([track]);
        const p = a.element.play();
        if (p && p.catch) p.catch(() => {});
      }
      a.mid = mid;
    }
  }

  _onUserGone(userId) {
    const a = this._attached.get(userId);
    if (a) {
      this._attached.delete(userId);
      a.element.srcObject = null;
    }
  }

  _onEvent(name, payload) {
    if (name === 'passively-stop-share' && this._shareTrack) {
      this._stopShareTrack();
    }
    if (name === 'user-updated' && this._micTrack) {
      // Muted by the host (or unmuted by ourselves): the mic track follows the server state.
      const me = (payload || []).find((u) => u.userId === this._c._session.userId);
      if (me && typeof me.muted === 'boolean') this._micTrack.enabled = !me.muted;
    }
  }

  // ---- audio -----------------------------------------------------------------------------

  /**
   * Joins computer audio: captures the mic and publishes it.
   * @param {{mute?: boolean, microphoneId?: string, speakerOnly?: boolean}} [options]
   */
  async startAudio(options = {}) {
    this._check();
    const mute = !!(options && options.mute);
    let track = null;
    if (!(options && options.speakerOnly)) {
      try {
        const constraints = options && options.microphoneId ? { deviceId: { exact: options.microphoneId } } : true;
        const ms = await navigator.mediaDevices.getUserMedia({ audio: constraints });
        track = ms.getAudioTracks()[0];
      } catch (e) {
        throw captureFailure(e, 'audio');
      }
    }
    try {
      await this._req('startAudio', { mute });
    } catch (e) {
      if (track) track.stop();
      throw asFailure(e);
    }
    this._audioStarted = true;
    if (this._micTrack) this._micTrack.stop();
    this._micTrack = track;
    const pc = this._ensurePc();
    if (track) {
      track.enabled = !mute;
      if (this._micSender) await this._micSender.replaceTrack(track);
      else this._micSender = pc.addTransceiver(track, { direction: 'sendonly' }).sender;
    }
    await this._renegotiate();
    return '';
  }

  /** Leaves computer audio. */
  async stopAudio() {
    await this._req('stopAudio');
    this._audioStarted = false;
    if (this._micTrack) { this._micTrack.stop(); this._micTrack = null; }
    if (this._micSender) await this._micSender.replaceTrack(null).catch(() => {});
    return '';
  }

  /** Mutes self (no id) or another user (host/manager). @param {number} [userId] */
  async muteAudio(userId) {
    this._check();
    const self = userId === undefined || userId === null || userId === this._c._session.userId;
    if (self && !this._audioStarted) throw failure(6015, 'audio is not started');
    await this._req('muteAudio', self ? {} : { userId });
    if (self && this._micTrack) this._micTrack.enabled = false;
    return '';
  }

  /** Unmutes self, or asks another user to unmute. @param {number} [userId] */
  async unmuteAudio(userId) {
    this._check();
    const self = userId === undefined || userId === null || userId === this._c._session.userId;
    if (self && !this._audioStarted) throw failure(6015, 'audio is not started');
    await this._req('unmuteAudio', self ? {} : { userId });
    if (self && this._micTrack) this._micTrack.enabled = true;
    return '';
  }

  async muteAllAudio() { await this._req('muteAllAudio'); return ''; }
  async unmuteAllAudio() { await this._req('unmuteAllAudio'); return ''; }

  /** @param {number} [userId] */
  isAudioMuted(userId) {
    const s = this._c._session;
    if (!s) return true;
    const u = s.users.get(userId === undefined ? s.userId : userId);
    return !!(u && u.muted);
  }

  // ---- video -------------------------------------------------------------------------

  /**
   * Starts the camera, published with 3 simulcast layers (¼, ½ and full size). The camera is
   * captured at 720p by default (the SFU maps 90p/180p → ¼, 360p → ½, 720p+ → full), so
   * that the browser sends all three layers; `captureWidth`/`captureHeight`, `fullHd` and
   * `fps` (default 24) change that.
   * @param {{cameraId?: string, hd?: boolean, fullHd?: boolean, captureWidth?: number,
   *   captureHeight?: number, fps?: number, customVideoConstraints?: MediaTrackConstraints}} [options]
   */
  async startVideo(options = {}) {
    this._check();
    options = options || {};
    if (this._camTrack) throw failure(6109, 'video is already started', 'INVALID_OPERATION');
    let track;
    try {
      const w = options.captureWidth || (options.fullHd ? 1920 : 1280);
      const h = options.captureHeight || (options.fullHd ? 1080 : 720);
      const v = Object.assign({ width: { ideal: w }, height: { ideal: h }, frameRate: { ideal: options.fps || 24 } }, options.customVideoConstraints || {});
      if (options.cameraId) v.deviceId = { exact: options.cameraId };
      const ms = await navigator.mediaDevices.getUserMedia({ video: v });
      track = ms.getVideoTracks()[0];
    } catch (e) {
      throw captureFailure(e, 'video');
    }
    try {
      await this._req('startVideo');
    } catch (e) {
      track.stop();
      throw asFailure(e);
    }
    this._camTrack = track;
    const pc = this._ensurePc();
    if (this._camTransceiver) {
      await this._camTransceiver.sender.replaceTrack(track);
    } else {
      this._camTransceiver = this._addCamera(pc, track);
    }
    await this._renegotiate();
    this._c._emit('video-capturing-change', { state: 'Started' });
    return '';
  }

  async stopVideo() {
    await this._req('stopVideo');
    if (this._camTrack) { this._camTrack.stop(); this._camTrack = null; }
    if (this._camTransceiver) await this._camTransceiver.sender.replaceTrack(null).catch(() => {});
    this._c._emit('video-capturing-change', { state: 'Stopped' });
    return '';
  }

  isCapturingVideo() { return !!this._camTrack; }

  /**
   * Receives `userId`'s camera at `videoQuality` and plays it in a `<video>` element
   * (the given one, one found by selector, or a new one).
   * @param {number} userId
   * @param {number} [videoQuality]
   * @param {string|HTMLVideoElement} [element]
   * @returns {Promise<HTMLVideoElement>}
   */
  async attachVideo(userId, videoQuality = VideoQuality.Video_360P, element) {
    this._check();
    let el = element;
    if (typeof el === 'string') el = document.querySelector(el);
    if (el && !(el instanceof HTMLVideoElement)) {
      // A container (e.g. <video-player>): render inside it.
      const inner = el.querySelector('video') || document.createElement('video');
      if (!inner.parentNode) el.appendChild(inner);
      el = inner;
    }
    if (!el) el = document.createElement('video');
    el.autoplay = true;
    el.muted = true;
    el.playsInline = true;
    const existing = this._attached.get(userId);
    if (!existing && this._attached.size >= MAX_VIDEOS) throw failure(6111, 'too many rendered videos');
    const pc = this._ensurePc();
    const need = this._attached.size + (existing ? 0 : 1);
    let added = false;
    while (this._videoSlots.length < need) {
      this._videoSlots.push(pc.addTransceiver('video', { direction: 'recvonly' }));
      added = true;
    }
    if (added || this._needReset) await this._renegotiate();
    await this._req('attachVideo', { userId, videoQuality });
    if (existing && existing.element !== el) existing.element.srcObject = null;
    this._attached.set(userId, { element: el, quality: videoQuality });
    this._bindAll();
    return el;
  }

  /** Stops receiving `userId`'s camera. @param {number} userId @returns {Promise<HTMLVideoElement|undefined>} */
  async detachVideo(userId) {
    await this._req('detachVideo', { userId });
    const a = this._attached.get(userId);
    this._attached.delete(userId);
    if (a) { a.element.srcObject = null; return a.element; }
    return undefined;
  }

  // ---- share -------------------------------------------------------------------------

  /**
   * Shares the screen. If an element is given, the local capture is previewed in it.
   * @param {HTMLVideoElement|HTMLCanvasElement} [element]
   */
  async startShareScreen(element) {
    this._check();
    if (this._shareTrack) throw failure(6205, 'already sharing');
    let track;
    try {
      const ms = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      track = ms.getVideoTracks()[0];
    } catch (e) {
      throw captureFailure(e, 'share');
    }
    try {
      await this._req('startShareScreen');
    } catch (e) {
      track.stop();
      throw asFailure(e);
    }
    this._shareTrack = track;
    track.addEventListener('ended', () => {
      if (this._shareTrack === track) {
        this.stopShareScreen().catch(() => {});
        this._c._emit('passively-stop-share', 'StopScreenCapture');
      }
    });
    if (element && element instanceof HTMLVideoElement) {
      element.srcObject = new MediaStream([track]);
      element.muted = true;
      element.play().catch(() => {});
      this._shareEl = element;
    }
    const pc = this._ensurePc();
    if (this._shareTransceiver) await this._shareTransceiver.sender.replaceTrack(track);
    else this._shareTransceiver = pc.addTransceiver(track, { direction: 'sendonly' });
    await this._renegotiate();
    return '';
  }

  _stopShareTrack() {
    if (this._shareTrack) { this._shareTrack.stop(); this._shareTrack = null; }
    if (this._shareTransceiver) this._shareTransceiver.sender.replaceTrack(null).catch(() => {});
    if (this._shareEl) { this._shareEl.srcObject = null; this._shareEl = null; }
  }

  async stopShareScreen() {
    await this._req('stopShareScreen');
    this._stopShareTrack();
    return '';
  }

  /**
   * Plays the received screen share in a `<video>` element (Convene: the sharer is whoever
   * the server puts in the share slot).
   * @param {number} [userId]
   * @param {string|HTMLVideoElement} [element]
   * @returns {Promise<HTMLVideoElement>}
   */
  async attachShareView(userId, element) {
    this._check();
    let el = typeof element === 'string' ? document.querySelector(element) : element;
    if (!el) el = document.createElement('video');
    el.autoplay = true; el.muted = true; el.playsInline = true;
    if (this._needReset) await this._renegotiate();
    const t = this._shareSlots[0];
    if (t) {
      el.srcObject = new MediaStream([t.receiver.track]);
      el.play().catch(() => {});
    }
    return el;
  }

  /** @param {boolean} isLocked */
  async lockShare(isLocked) { await this._req('lockShare', { isLocked: !!isLocked }); if (this._c._session) this._c._session.sharePrivilege = isLocked ? 1 : 0; return ''; }
  isShareLocked() { const s = this._c._session; return !!(s && s.sharePrivilege === SharePrivilege.Locked); }
  /** @param {number} privilege `SharePrivilege` */
  async setSharePrivilege(privilege) { await this._req('setSharePrivilege', { privilege }); if (this._c._session) this._c._session.sharePrivilege = privilege; return ''; }
  getSharePrivilege() { const s = this._c._session; return s ? s.sharePrivilege : SharePrivilege.Unlocked; }
  getActiveShareUserId() {
    const s = this._c._session;
    if (!s) return 0;
    const u = [...s.users.values()].find((x) => x.sharerOn && x.userId !== s.userId);
    return u ? u.userId : 0;
  }
  getShareUserList() { const s = this._c._session; return s ? [...s.users.values()].filter((u) => u.sharerOn).map(clone) : []; }

  // ---- devices and statistics --------------------------------------------------------

  async getCameraList() { return (await listDevices()).filter((d) => d.kind === 'videoinput').map(({ label, deviceId }) => ({ label, deviceId })); }
  async getMicList() { return (await listDevices()).filter((d) => d.kind === 'audioinput').map(({ label, deviceId }) => ({ label, deviceId })); }
  async getSpeakerList() { return (await listDevices()).filter((d) => d.kind === 'audiooutput').map(({ label, deviceId }) => ({ label, deviceId })); }
  getMaxRenderableVideos() { return MAX_VIDEOS; }

  async _stats(kind) {
    const out = { encode: null, decode: [] };
    if (!this._pc) return out;
    const report = await this._pc.getStats();
    const byId = new Map();
    report.forEach((r) => byId.set(r.id, r));
    report.forEach((r) => {
      if (r.kind !== kind && r.mediaType !== kind) return;
      if (r.type === 'outbound-rtp') {
        const remote = r.remoteId ? byId.get(r.remoteId) : null;
        const e = out.encode || { encoding: true, bitrate: 0, bytes: 0, packets: 0, width: 0, height: 0, fps: 0, rtt: 0, avg_loss: 0, jitter: 0 };
        e.bytes += r.bytesSent || 0;
        e.packets += r.packetsSent || 0;
        e.width = Math.max(e.width, r.frameWidth || 0);
        e.height = Math.max(e.height, r.frameHeight || 0);
        e.fps = Math.max(e.fps, r.framesPerSecond || 0);
        if (remote) {
          e.rtt = Math.round((remote.roundTripTime || 0) * 1000);
          e.jitter = Math.round((remote.jitter || 0) * 1000);
          e.avg_loss = remote.fractionLost || 0;
        }
        out.encode = e;
      } else if (r.type === 'inbound-rtp') {
        let slot = null;
        for (const t of this._pc.getTransceivers()) if (t.mid === r.mid) slot = this._slots.get(t.mid) || null;
        out.decode.push({
          encoding: false,
          mid: r.mid,
          userId: slot ? slot.userId : undefined,
          packets: r.packetsReceived || 0,
          packetsLost: r.packetsLost || 0,
          bytes: r.bytesReceived || 0,
          jitter: Math.round((r.jitter || 0) * 1000),
          framesDecoded: r.framesDecoded || 0,
          width: r.frameWidth || 0,
          height: r.frameHeight || 0,
          fps: r.framesPerSecond || 0,
          sample_rate: kind === 'audio' ? 48000 : undefined,
        });
      }
    });
    return out;
  }

  /** `{encode, decode[]}` for audio, from `RTCPeerConnection.getStats()`. */
  getAudioStatisticData() { return this._stats('audio'); }
  /** `{encode, decode[]}` for video, from `RTCPeerConnection.getStats()`. */
  getVideoStatisticData() { return this._stats('video'); }

  /** The peer connection (Convene: for diagnostics and tests). */
  getPeerConnection() { return this._pc; }

  _close() {
    this._closed = true;
    for (const t of [this._micTrack, this._camTrack, this._shareTrack]) if (t) t.stop();
    this._micTrack = this._camTrack = this._shareTrack = null;
    if (this._pc) try { this._pc.close(); } catch (_) { /* ignore */ }
    this._pc = null;
    for (const el of this._audioEls.values()) { el.srcObject = null; el.remove(); }
    this._audioEls.clear();
    for (const a of this._attached.values()) a.element.srcObject = null;
    this._attached.clear();
    this._slots.clear();
  }
}

// ---------------------------------------------------------------------------------------
// Preview (before join) and devices
// ---------------------------------------------------------------------------------------

async function listDevices() {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices) return [];
  return navigator.mediaDevices.enumerateDevices();
}

/** A pre-join camera preview (`createLocalVideoTrack`). */
class LocalVideoTrack {
  /** @param {string} [deviceId] */
  constructor(deviceId) { this._deviceId = deviceId; this._track = null; this._el = null; }
  /** @param {HTMLVideoElement} el */
  async start(el) {
    if (!this._track) {
      const v = this._deviceId ? { deviceId: { exact: this._deviceId } } : true;
      try {
        this._track = (await navigator.mediaDevices.getUserMedia({ video: v })).getVideoTracks()[0];
      } catch (e) {
        throw captureFailure(e, 'video');
      }
    }
    if (el && 'srcObject' in el) {
      el.srcObject = new MediaStream([this._track]);
      el.muted = true;
      el.play().catch(() => {});
      this._el = el;
    }
  }
  async stop() {
    if (this._track) this._track.stop();
    this._track = null;
    if (this._el) this._el.srcObject = null;
  }
  /** @param {string} deviceId */
  async switchCamera(deviceId) {
    const el = this._el;
    await this.stop();
    this._deviceId = deviceId;
    await this.start(el);
  }
}

/** A pre-join microphone (`createLocalAudioTrack`), captured muted. */
class LocalAudioTrack {
  /** @param {string} [deviceId] */
  constructor(deviceId) { this._deviceId = deviceId; this._track = null; this._ctx = null; this._analyser = null; }
  async start() {
    if (this._track) return;
    const a = this._deviceId ? { deviceId: { exact: this._deviceId } } : true;
    try {
      this._track = (await navigator.mediaDevices.getUserMedia({ audio: a })).getAudioTracks()[0];
    } catch (e) {
      throw captureFailure(e, 'audio');
    }
    this._track.enabled = false;
    try {
      this._ctx = new AudioContext();
      const src = this._ctx.createMediaStreamSource(new MediaStream([this._track]));
      this._analyser = this._ctx.createAnalyser();
      src.connect(this._analyser);
    } catch (_) { /* no level meter */ }
  }
  async mute() { if (this._track) this._track.enabled = false; }
  async unmute() { if (this._track) this._track.enabled = true; }
  async stop() {
    if (this._track) this._track.stop();
    this._track = null;
    if (this._ctx) this._ctx.close().catch(() => {});
    this._ctx = null;
  }
  /** The mic level, 0–1 (0 while muted). */
  getCurrentVolume() {
    if (!this._analyser || !this._track || !this._track.enabled) return 0;
    const buf = new Float32Array(this._analyser.fftSize);
    this._analyser.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const x of buf) sum += x * x;
    return Math.min(1, Math.sqrt(sum / buf.length) * 4);
  }
  /** Plays a short tone on the speaker. */
  testSpeaker() {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    osc.connect(ctx.destination);
    osc.start();
    const stop = () => { try { osc.stop(); ctx.close(); } catch (_) { /* ignore */ } };
    setTimeout(stop, 3000);
    return { stop, destroy: stop };
  }
}

// ---------------------------------------------------------------------------------------
// The namespace
// ---------------------------------------------------------------------------------------

let theClient = null;

const ConveneVideo = {
  VERSION,
  VideoQuality,
  SharePrivilege,
  ChatPrivilege,
  /** The page's one client (the same instance on every call until `destroyClient`). */
  createClient() {
    if (!theClient) theClient = new VideoClient();
    return theClient;
  },
  /** Leaves if needed and forgets the client, so that `createClient` makes a new one. */
  async destroyClient() {
    const c = theClient;
    theClient = null;
    if (c) await c._destroy();
  },
  /** @returns {{audio: boolean, video: boolean, screen: boolean}} */
  checkSystemRequirements() {
    const md = typeof navigator !== 'undefined' && navigator.mediaDevices;
    const rtc = typeof RTCPeerConnection !== 'undefined';
    const ws = typeof WebSocket !== 'undefined';
    return {
      audio: !!(rtc && ws && md && md.getUserMedia),
      video: !!(rtc && ws && md && md.getUserMedia),
      screen: !!(rtc && ws && md && md.getDisplayMedia),
    };
  },
  checkFeatureRequirements() {
    const r = ConveneVideo.checkSystemRequirements();
    const supportFeatures = Object.keys(r).filter((k) => r[k]);
    return {
      platform: typeof navigator !== 'undefined' ? navigator.userAgent : '',
      supportFeatures,
      unSupportFeatures: Object.keys(r).filter((k) => !r[k]),
    };
  },
  /**
   * The media devices. Opens the mic and camera briefly (so labels are filled in) unless
   * `skipPermissionCheck`.
   * @param {boolean} [skipPermissionCheck]
   */
  async getDevices(skipPermissionCheck = false) {
    if (!skipPermissionCheck && typeof navigator !== 'undefined' && navigator.mediaDevices) {
      try {
        const ms = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
        ms.getTracks().forEach((t) => t.stop());
      } catch (_) { /* labels may be empty */ }
    }
    return listDevices();
  },
  /** @param {string} [deviceId] */
  createLocalVideoTrack(deviceId) { return new LocalVideoTrack(deviceId); },
  /** @param {string} [deviceId] */
  createLocalAudioTrack(deviceId) { return new LocalAudioTrack(deviceId); },
  /** Accepted for compatibility: nothing to preload. */
  preloadDependentAssets() {},
};

export default ConveneVideo;
export { VideoQuality, SharePrivilege, ChatPrivilege, VERSION };
