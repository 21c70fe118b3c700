// `client.getMediaStream()`: audio, camera and screen share through the SFU, devices and
// statistics. The peer connection plumbing is in media-peer.js.
import { LIMITS, SHARE_PRIVILEGE } from './protocol.gen.js';
import { asFailure, captureFailure, failure } from './errors.js';
import { clone } from './session-state.js';
import { MediaPeer } from './media-peer.js';
import { cachedDevices, devicesWithin, listDevices } from './preview.js';
import { MobileVideoFacingMode, ShareStatus, VideoQuality } from './enums.js';
import { QUALITY_NAMES, VideoPlayer, playerFor } from './video-player.js';
import { CanvasRenderer } from './canvas-render.js';
import { addUnsupported } from './unsupported.js';

/** The device id a capture track reads from ('' without one). @param {MediaStreamTrack|null} track */
function trackDevice(track) {
  return (track && track.getSettings && track.getSettings().deviceId) || '';
}

/** A camera choice: a device id, or a phone's facing mode. @param {string} id @returns {MediaTrackConstraints} */
function cameraConstraint(id) {
  if (id === MobileVideoFacingMode.User || id === MobileVideoFacingMode.Environment) return { facingMode: { exact: id } };
  return { deviceId: { exact: id } };
}

/** `client.getMediaStream()`. */
export class Stream extends MediaPeer {
  /** @param {import('./client.js').VideoClient} client */
  constructor(client) {
    super(client);
    /** Elements showing the local camera (`attachVideo(ownUserId)`, canvas sources). @type {Set<VideoPlayer|HTMLVideoElement>} */
    this._selfViews = new Set();
    this._mirrored = false;
    this._canvas = new CanvasRenderer();
    /** userId → the hidden player a canvas draws from. @type {Map<number, VideoPlayer>} */
    this._canvasSources = new Map();
    /** Elements showing the received share. @type {Set<VideoPlayer|HTMLVideoElement>} */
    this._shareViews = new Set();
    /** Devices chosen by `switch*` (used by the next capture when none runs). */
    this._micId = '';
    this._camId = '';
    this._speakerId = '';
    /** The camera's constraints but the device (`switchCamera` keeps them). @type {MediaTrackConstraints} */
    this._camConstraints = {};
  }

  _close() {
    super._close();
    this._canvas.clearAll();
    for (const el of [...this._selfViews, ...this._shareViews]) el.srcObject = null;
    for (const el of this._canvasSources.values()) el.remove();
    this._selfViews.clear();
    this._shareViews.clear();
    this._canvasSources.clear();
  }

  // ---- audio -----------------------------------------------------------------------------

  /**
   * Joins computer audio: captures the mic and publishes it.
   * @param {{mute?: boolean, microphoneId?: string, speakerOnly?: boolean}} [options]
   * @returns {Promise<''>}
   */
  async startAudio(options = {}) {
    this._check();
    const mute = !!(options && options.mute);
    let track = null;
    if (!(options && options.speakerOnly)) {
      try {
        const mic = (options && options.microphoneId) || this._micId;
        const constraints = mic ? { deviceId: { exact: mic } } : true;
        const ms = await navigator.mediaDevices.getUserMedia({ audio: constraints });
        track = ms.getAudioTracks()[0];
      } catch (e) {
        throw captureFailure(e, 'audio');
      }
    }
    // With permission granted the device lists get their labels.
    const devices = track ? listDevices() : null;
    try {
      await this._req('startAudio', options && options.speakerOnly ? { mute, speakerOnly: true } : { mute });
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
    await devicesWithin(devices);
    return '';
  }

  /** Leaves computer audio. @returns {Promise<''>} */
  async stopAudio() {
    await this._req('stopAudio');
    this._audioStarted = false;
    if (this._micTrack) { this._micTrack.stop(); this._micTrack = null; }
    if (this._micSender) await this._micSender.replaceTrack(null).catch(() => {});
    return '';
  }

  /** Mutes self (no id) or another user (host/manager). @param {number} [userId] @returns {Promise<''>} */
  async muteAudio(userId) {
    this._check();
    const self = userId === undefined || userId === null || userId === this._c._session.userId;
    if (self && !this._audioStarted) throw failure(6015, 'audio is not started');
    await this._req('muteAudio', self ? {} : { userId });
    if (self && this._micTrack) this._micTrack.enabled = false;
    return '';
  }

  /** Unmutes self, or asks another user to unmute. @param {number} [userId] @returns {Promise<''>} */
  async unmuteAudio(userId) {
    this._check();
    const self = userId === undefined || userId === null || userId === this._c._session.userId;
    if (self && !this._audioStarted) throw failure(6015, 'audio is not started');
    await this._req('unmuteAudio', self ? {} : { userId });
    if (self && this._micTrack) this._micTrack.enabled = true;
    return '';
  }

  /** @returns {Promise<''>} */
  async muteAllAudio() { await this._req('muteAllAudio'); return ''; }
  /** @returns {Promise<''>} */
  async unmuteAllAudio() { await this._req('unmuteAllAudio'); return ''; }

  /** Always true: in Convene users may unmute themselves (the host only asks others to). */
  isAllowAudioUnmutedBySelf() { return true; }

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
   * @returns {Promise<''>}
   */
  async startVideo(options = {}) {
    this._check();
    options = options || {};
    if (this._camTrack) throw failure(6109, 'video is already started');
    let track;
    try {
      const w = options.captureWidth || (options.fullHd ? 1920 : 1280);
      const h = options.captureHeight || (options.fullHd ? 1080 : 720);
      const v = Object.assign({ width: { ideal: w }, height: { ideal: h }, frameRate: { ideal: options.fps || 24 } }, options.customVideoConstraints || {});
      this._camConstraints = { ...v };
      const cam = options.cameraId || this._camId;
      if (cam) Object.assign(v, cameraConstraint(cam));
      const ms = await navigator.mediaDevices.getUserMedia({ video: v });
      track = ms.getVideoTracks()[0];
    } catch (e) {
      throw captureFailure(e, 'video');
    }
    const devices = listDevices();
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
    this._bindSelf();
    await this._renegotiate();
    await devicesWithin(devices);
    this._c._emit('video-capturing-change', { state: 'Started' });
    return '';
  }

  /** @returns {Promise<''>} */
  async stopVideo() {
    await this._req('stopVideo');
    if (this._camTrack) { this._camTrack.stop(); this._camTrack = null; }
    this._bindSelf();
    if (this._camTransceiver) await this._camTransceiver.sender.replaceTrack(null).catch(() => {});
    this._c._emit('video-capturing-change', { state: 'Stopped' });
    return '';
  }

  isCapturingVideo() { return !!this._camTrack; }

  /**
   * Plays `userId`'s camera at `videoQuality` in a `<video-player>` (a new one, the given one,
   * or the one a selector finds; a plain `<video>` works too) and returns it. Another user's
   * video is received through the SFU; the current user's own (self-view) is the local camera,
   * shown at once with no request to the server, and follows `startVideo` / `stopVideo` /
   * `switchCamera` / `mirrorVideo`.
   * @param {number} userId
   * @param {number} [videoQuality]
   * @param {string|HTMLElement} [element]
   * @returns {Promise<VideoPlayer|HTMLVideoElement>}
   */
  async attachVideo(userId, videoQuality = VideoQuality.Video_360P, element) {
    this._check();
    const el = playerFor(element);
    if (el instanceof HTMLVideoElement) { el.autoplay = true; el.muted = true; el.playsInline = true; }
    el.setAttribute('node-id', String(userId));
    el.setAttribute('video-quality', QUALITY_NAMES[videoQuality] || '360p');
    if (userId === this._c._session.userId) {
      this._selfViews.add(el);
      this._bindSelf();
      return el;
    }
    const existing = this._attached.get(userId);
    if (!existing && this._attached.size >= LIMITS.MAX_ATTACHED_VIDEOS) throw failure(6111, 'too many rendered videos');
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

  /**
   * Stops playing `userId`'s camera (another user's: stops receiving it). Resolves the element
   * it played in.
   * @param {number} userId
   * @param {string|HTMLElement} [element]
   * @returns {Promise<VideoPlayer|HTMLVideoElement|Array<VideoPlayer|HTMLVideoElement>|undefined>}
   */
  async detachVideo(userId, element) {
    if (this._c._session && userId === this._c._session.userId) {
      const given = typeof element === 'string' ? document.querySelector(element) : element;
      // Not the players canvases draw from (stopRenderVideo releases those).
      const canvasSources = new Set(this._canvasSources.values());
      const els = [...this._selfViews].filter((e) => (given ? e === given : !canvasSources.has(/** @type {VideoPlayer} */ (e))));
      for (const e of els) { this._selfViews.delete(e); e.srcObject = null; }
      return els.length === 1 ? els[0] : els;
    }
    await this._req('detachVideo', { userId });
    const a = this._attached.get(userId);
    this._attached.delete(userId);
    if (a) { a.element.srcObject = null; return a.element; }
    return undefined;
  }

  /** The local camera into every self-view (none while the camera is off). */
  _bindSelf() {
    const track = this._camTrack;
    for (const el of this._selfViews) {
      const cur = /** @type {MediaStream|null} */ (el.srcObject);
      if (!track) { if (cur) el.srcObject = null; }
      else if (!cur || cur.getVideoTracks()[0] !== track) {
        el.srcObject = new MediaStream([track]);
        const p = el.play();
        if (p && p.catch) p.catch(() => {});
      }
      if (el instanceof VideoPlayer) el._mirror(this._mirrored);
      else el.style.transform = this._mirrored ? 'scaleX(-1)' : '';
    }
  }

  /** Mirrors the self-view (only this page's: others see the camera as it is). @param {boolean} mirrored @returns {Promise<''>} */
  async mirrorVideo(mirrored) {
    this._mirrored = !!mirrored;
    this._bindSelf();
    this._canvas.mirrorSelf(this._mirrored);
    return '';
  }

  isVideoMirrored() { return !!this._mirrored; }

  // ---- canvas rendering (the reference's older API) -------------------------------------

  /**
   * Draws `userId`'s video into `canvas` at (`x`, `y`) from the canvas's lower left corner,
   * `width` × `height` pixels, every frame the video has, until `stopRenderVideo`. Another
   * user's video is received as by `attachVideo` (unless it is attached already); the own
   * video is the local camera. Given a `<video>`, plays in it as `attachVideo`.
   * @param {HTMLCanvasElement|HTMLVideoElement} canvas
   * @param {number} userId
   * @param {number|undefined} width
   * @param {number|undefined} height
   * @param {number|undefined} x
   * @param {number|undefined} y
   * @param {number} videoQuality
   * @param {string} [additionalUserKey] draws the same video a second time elsewhere
   * @returns {Promise<''>}
   */
  async renderVideo(canvas, userId, width, height, x, y, videoQuality, additionalUserKey) {
    this._check();
    if (canvas instanceof HTMLVideoElement) {
      await this.attachVideo(userId, videoQuality, canvas);
      return '';
    }
    if (!(canvas instanceof HTMLCanvasElement)) {
      throw failure(4003, 'renderVideo needs a canvas or a video element');
    }
    const source = await this._renderSource(userId, videoQuality);
    const rect = { x: x || 0, y: y || 0, width: width || canvas.width, height: height || canvas.height };
    this._canvas.add(canvas, userId, additionalUserKey, rect, source, userId === this._c._session.userId, this._mirrored);
    return '';
  }

  /**
   * Stops drawing `userId`'s video into `canvas`; its area is cleared (or painted
   * `underlyingColor`) unless `isKeepLastFrame`. A video received only for canvases stops
   * being received once no canvas draws it.
   * @param {HTMLCanvasElement|HTMLVideoElement} canvas
   * @param {number} userId
   * @param {string} [additionalUserKey]
   * @param {string} [underlyingColor]
   * @param {boolean} [isKeepLastFrame]
   * @param {number} [replacedUserId] accepted; the next user's video is not preloaded
   * @returns {Promise<''>}
   */
  async stopRenderVideo(canvas, userId, additionalUserKey, underlyingColor, isKeepLastFrame, replacedUserId) { // eslint-disable-line no-unused-vars
    if (canvas instanceof HTMLVideoElement) {
      await this.detachVideo(userId, canvas);
      return '';
    }
    if (!this._canvas.remove(canvas, userId, additionalUserKey, underlyingColor, !!isKeepLastFrame)) return '';
    await this._releaseSource(userId);
    return '';
  }

  /**
   * Moves or resizes a video drawn by `renderVideo` (arguments left out keep their value).
   * @param {HTMLCanvasElement|HTMLVideoElement} canvas
   * @param {number} userId
   * @param {number} [width]
   * @param {number} [height]
   * @param {number} [x]
   * @param {number} [y]
   * @param {string} [additionalUserKey]
   * @returns {Promise<''>}
   */
  async adjustRenderedVideoPosition(canvas, userId, width, height, x, y, additionalUserKey) {
    if (canvas instanceof HTMLVideoElement) return '';
    if (!this._canvas.move(canvas, userId, additionalUserKey, { x, y, width, height })) {
      throw failure(4003, 'that video is not rendered in this canvas');
    }
    return '';
  }

  /**
   * Whether the own video must be rendered in a `<video>` rather than a canvas: never in
   * Convene (a canvas draws the local camera as any other video).
   */
  isRenderSelfViewWithVideoElement() { return false; }

  /**
   * The `<video>` a canvas draws `userId` from: the local camera in a player of the stream's
   * own for the current user; for another user, the element their video is attached to, or
   * a hidden player attached for the canvases.
   * @param {number} userId @param {number} quality
   * @returns {Promise<() => HTMLVideoElement|null>}
   */
  async _renderSource(userId, quality) {
    const self = userId === this._c._session.userId;
    const a = this._attached.get(userId);
    if (!self && !a) {
      const hidden = /** @type {VideoPlayer} */ (playerFor(null));
      hidden.dataset.conveneCanvasSource = String(userId);
      hidden.style.cssText = 'position:fixed;left:-10000px;top:0;width:16px;height:16px;pointer-events:none';
      (document.body || document.documentElement).appendChild(hidden);
      try {
        await this.attachVideo(userId, quality, hidden);
      } catch (e) {
        hidden.remove();
        throw e;
      }
      this._canvasSources.set(userId, hidden);
    } else if (self && !this._canvasSources.has(userId)) {
      const hidden = /** @type {VideoPlayer} */ (playerFor(null));
      hidden.dataset.conveneCanvasSource = String(userId);
      hidden.style.cssText = 'position:fixed;left:-10000px;top:0;width:16px;height:16px;pointer-events:none';
      (document.body || document.documentElement).appendChild(hidden);
      this._selfViews.add(hidden);
      this._bindSelf();
      this._canvasSources.set(userId, hidden);
    }
    return () => {
      const el = self ? this._canvasSources.get(userId) : (this._attached.get(userId) || {}).element;
      if (!el) return null;
      return el instanceof VideoPlayer ? el.video : /** @type {HTMLVideoElement} */ (el);
    };
  }

  /** No canvas draws `userId` any more: drop the hidden player attached for canvases. @param {number} userId */
  async _releaseSource(userId) {
    if (this._canvas.draws(userId)) return;
    const hidden = this._canvasSources.get(userId);
    if (!hidden) return;
    this._canvasSources.delete(userId);
    hidden.remove();
    if (this._c._session && userId === this._c._session.userId) { this._selfViews.delete(hidden); return; }
    const a = this._attached.get(userId);
    if (a && a.element === hidden && this._c._phase === 'joined') await this.detachVideo(userId).catch(() => {});
  }

  // ---- share -------------------------------------------------------------------------

  /**
   * Shares the screen. If an element is given, the local capture is previewed in it.
   * @param {HTMLVideoElement|HTMLCanvasElement} [element]
   * @returns {Promise<''>}
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

  /** @returns {Promise<''>} */
  async stopShareScreen() {
    await this._req('stopShareScreen');
    this._stopShareTrack();
    return '';
  }

  /**
   * Plays the received screen share in a `<video-player>` (new, given or found by selector; a
   * `<video>` works too) and returns it. Convene has one share slot: the sharer is whoever
   * the server puts in it, whatever `userId` says.
   * @param {number} [userId]
   * @param {string|HTMLElement} [element]
   * @returns {Promise<VideoPlayer|HTMLVideoElement>}
   */
  async attachShareView(userId, element) {
    this._check();
    const el = playerFor(element);
    if (el instanceof HTMLVideoElement) { el.autoplay = true; el.muted = true; el.playsInline = true; }
    if (userId !== undefined && userId !== null) el.setAttribute('node-id', String(userId));
    if (this._needReset) await this._renegotiate();
    const t = this._shareSlots[0];
    if (t) el.srcObject = new MediaStream([t.receiver.track]);
    this._shareViews.add(el);
    return el;
  }

  /**
   * Stops playing the share in `element` (by default in every element showing it) and
   * resolves the element (or the list, when several).
   * @param {number} [userId]
   * @param {string|HTMLElement} [element]
   * @returns {Promise<VideoPlayer|HTMLVideoElement|Array<VideoPlayer|HTMLVideoElement>>}
   */
  async detachShareView(userId, element) { // eslint-disable-line no-unused-vars
    const given = typeof element === 'string' ? document.querySelector(element) : element;
    const els = [...this._shareViews].filter((e) => !given || e === given);
    for (const e of els) { this._shareViews.delete(e); e.srcObject = null; }
    return els.length === 1 ? els[0] : els;
  }

  /** A new peer (a failover, a move to another room) has a new share slot: the share views show it. */
  async _restartPeer() {
    const done = super._restartPeer();
    const t = this._shareSlots[0];
    for (const el of this._shareViews) el.srcObject = t ? new MediaStream([t.receiver.track]) : null;
    await done;
  }

  /** `ShareStatus` of the own screen share: `'sharing'` or `'ended'` (Convene cannot pause a share). */
  getShareStatus() {
    if (!this._shareTrack) return ShareStatus.End;
    return this._sharePaused ? ShareStatus.Paused : ShareStatus.Sharing;
  }

  /**
   * Pauses the screen share: nothing is sent until `resumeShareScreen` (the others keep the
   * last picture; the share stays theirs to see).
   * @returns {Promise<''>}
   */
  async pauseShareScreen() {
    this._check();
    if (!this._shareTrack || this._sharePaused) throw failure(6205, 'no screen share to pause');
    this._sharePaused = true;
    if (this._shareTransceiver) await this._shareTransceiver.sender.replaceTrack(null);
    return '';
  }

  /** Resumes a paused screen share. @returns {Promise<''>} */
  async resumeShareScreen() {
    this._check();
    if (!this._shareTrack || !this._sharePaused) throw failure(6205, 'no paused screen share to resume');
    this._sharePaused = false;
    if (this._shareTransceiver) await this._shareTransceiver.sender.replaceTrack(this._shareTrack);
    return '';
  }

  /**
   * The last network levels (0-5) the server reported for a user (default: oneself); the
   * others' only while their camera is on, as the reference says.
   * @param {number} [userId]
   * @returns {{uplink?: number, downlink?: number}}
   */
  getNetworkQuality(userId) {
    const id = userId ?? this._c._session?.userId;
    return { ...this._quality.get(id) };
  }

  /** @param {boolean} isLocked @returns {Promise<''>} */
  async lockShare(isLocked) { await this._req('lockShare', { isLocked: !!isLocked }); if (this._c._session) this._c._session.sharePrivilege = isLocked ? 1 : 0; return ''; }
  isShareLocked() { const s = this._c._session; return !!(s && s.sharePrivilege === SHARE_PRIVILEGE.Locked); }
  /** @param {0|1|3} privilege `SharePrivilege` @returns {Promise<''>} */
  async setSharePrivilege(privilege) { await this._req('setSharePrivilege', { privilege }); if (this._c._session) this._c._session.sharePrivilege = privilege; return ''; }
  getSharePrivilege() { const s = this._c._session; return s ? s.sharePrivilege : SHARE_PRIVILEGE.Unlocked; }
  getActiveShareUserId() {
    const s = this._c._session;
    if (!s) return 0;
    const u = [...s.users.values()].find((x) => x.sharerOn && x.userId !== s.userId);
    return u ? u.userId : 0;
  }
  getShareUserList() { const s = this._c._session; return s ? [...s.users.values()].filter((u) => u.sharerOn).map(clone) : []; }

  // ---- devices and statistics --------------------------------------------------------

  // The device lists answer at once from the devices last enumerated (preview.js: refreshed
  // at init, join, capture and on every `devicechange`), as the reference's do.
  /** @returns {{label: string, deviceId: string}[]} */
  getCameraList() { return cachedDevices('videoinput'); }
  /** @returns {{label: string, deviceId: string}[]} */
  getMicList() { return cachedDevices('audioinput'); }
  /** @returns {{label: string, deviceId: string}[]} */
  getSpeakerList() { return cachedDevices('audiooutput'); }
  getMaxRenderableVideos() { return LIMITS.MAX_ATTACHED_VIDEOS; }
  /** One share is received at a time (the server's one share slot). */
  getMaxRenderableShareViews() { return 1; }
  /** The best `attachVideo` quality: `Video_1080P` asks for the full-size layer, as captured. */
  getVideoMaxQuality() { return VideoQuality.Video_1080P; }
  /** The size the camera captures at now (`{width: 0, height: 0}` while it is off). */
  getCapturedVideoResolution() {
    const s = this._camTrack && this._camTrack.getSettings ? this._camTrack.getSettings() : {};
    return { width: s.width || 0, height: s.height || 0 };
  }
  /** Always false: `startShareScreen` previews in a `<video>` or shares without one. */
  isStartShareScreenWithVideoElement() { return false; }

  /** The microphone in use (else the one chosen for the next `startAudio`; `''` for the default). */
  getActiveMicrophone() { return trackDevice(this._micTrack) || this._micId; }
  /** The camera in use (else the one chosen for the next `startVideo`; `''` for the default). */
  getActiveCamera() { return trackDevice(this._camTrack) || this._camId; }
  /** The speaker the session's audio plays on (`'default'`: the system's). */
  getActiveSpeaker() { return this._speakerId || 'default'; }

  /**
   * Captures `microphoneId` instead of the current microphone and sends it in its place (muted
   * stays muted). Without a microphone running, it is the one the next `startAudio` opens.
   * @param {string} microphoneId
   * @returns {Promise<''>}
   */
  async switchMicrophone(microphoneId) {
    this._check();
    if (typeof microphoneId !== 'string') throw failure(4003, 'switchMicrophone needs a device id (playback files are not supported)');
    if (!this._micTrack) { this._micId = microphoneId; return ''; }
    let track;
    try {
      track = (await navigator.mediaDevices.getUserMedia({ audio: { deviceId: { exact: microphoneId } } })).getAudioTracks()[0];
    } catch (e) {
      throw captureFailure(e, 'audio');
    }
    const old = this._micTrack;
    track.enabled = old.enabled;
    if (this._micSender) await this._micSender.replaceTrack(track);
    this._micTrack = track;
    this._micId = microphoneId;
    old.stop();
    return '';
  }

  /**
   * Captures `cameraDeviceId` (or, on phones, a `MobileVideoFacingMode`) instead of the
   * current camera, with the same size and frame rate, and sends it in its place; self-views
   * follow. Without a camera running, it is the one the next `startVideo` opens.
   * @param {string} cameraDeviceId
   * @returns {Promise<''>}
   */
  async switchCamera(cameraDeviceId) {
    this._check();
    if (typeof cameraDeviceId !== 'string') throw failure(4003, 'switchCamera needs a device id (playback files are not supported)');
    if (!this._camTrack) { this._camId = cameraDeviceId; return ''; }
    let track;
    try {
      const v = { ...this._camConstraints, ...cameraConstraint(cameraDeviceId) };
      track = (await navigator.mediaDevices.getUserMedia({ video: v })).getVideoTracks()[0];
    } catch (e) {
      throw captureFailure(e, 'video');
    }
    const old = this._camTrack;
    if (this._camTransceiver) await this._camTransceiver.sender.replaceTrack(track);
    this._camTrack = track;
    this._camId = cameraDeviceId;
    old.stop();
    this._bindSelf();
    return '';
  }

  /**
   * Plays the session's audio on `speakerId` (`HTMLMediaElement.setSinkId`).
   * @param {string} speakerId
   * @returns {Promise<''>}
   */
  async switchSpeaker(speakerId) {
    this._check();
    if (!this.isSupportSpeakerSelection()) throw failure(5000, 'this browser cannot choose the speaker (no setSinkId)');
    try {
      for (const el of this._audioEls.values()) await /** @type {any} */ (el).setSinkId(speakerId);
    } catch (e) {
      throw failure(4003, `switchSpeaker: ${(e && e.name) || e}`);
    }
    this._speakerId = speakerId;
    return '';
  }

  // ---- what this browser and server support ----------------------------------------------

  /** Convene: whether `switchSpeaker` can work (the browser has `setSinkId`). */
  isSupportSpeakerSelection() { return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype; }
  /** Several videos at once: always (up to `getMaxRenderableVideos()`). */
  isSupportMultipleVideos() { return true; }
  /** 720p: the camera is captured at 720p and its top simulcast layer is full size. */
  isSupportHDVideo() { return true; }
  // The isSupport* of features Convene does not provide (virtual background, phone, share
  // audio, noise suppression, processors, ...) answer false from unsupported.js.

  // ---- statistics subscriptions ----------------------------------------------------------

  /**
   * Emits `audio-statistic-data-change` once a second for each direction asked for (both by
   * default): `{data: {...AudioQosData, encoding}, type: 'AUDIO_QOS_DATA'}`, from the same
   * samples as `getAudioStatisticData`.
   * @param {{encode?: boolean, decode?: boolean}} [type]
   * @returns {Promise<''>}
   */
  async subscribeAudioStatisticData(type) { this._check(); this._subscribeQos('audio', type, true); return ''; }
  /** @param {{encode?: boolean, decode?: boolean}} [type] @returns {Promise<''>} */
  async unsubscribeAudioStatisticData(type) { this._subscribeQos('audio', type, false); return ''; }
  /**
   * As `subscribeAudioStatisticData`, for video: `video-statistic-data-change` with
   * `type: 'VIDEO_QOS_DATA'` and `width`, `height`, `fps`. (`detailed` is accepted: Convene
   * has no per-video detail events.)
   * @param {{encode?: boolean, decode?: boolean, detailed?: boolean}} [type]
   * @returns {Promise<''>}
   */
  async subscribeVideoStatisticData(type) { this._check(); this._subscribeQos('video', type, true); return ''; }
  /** @param {{encode?: boolean, decode?: boolean, detailed?: boolean}} [type] @returns {Promise<''>} */
  async unsubscribeVideoStatisticData(type) { this._subscribeQos('video', type, false); return ''; }

  /** @param {'audio'|'video'} kind @param {{encode?: boolean, decode?: boolean}|undefined} type @param {boolean} on */
  _subscribeQos(kind, type, on) {
    const both = !type || (type.encode === undefined && type.decode === undefined);
    if (both || type.encode) this._qosSubs[kind].encode = on;
    if (both || type.decode) this._qosSubs[kind].decode = on;
  }

  /**
   * Audio sent (`encode`) and received (`decode`), from the last once-a-second sample of
   * `getStats()` (all zero before the first). Synchronous, as the reference's.
   */
  getAudioStatisticData() { return { encode: { ...this._qos.audio.encode }, decode: { ...this._qos.audio.decode } }; }
  /**
   * Video sent and received, as `getAudioStatisticData`, plus `width`, `height`, `fps`.
   * @returns {{encode: import('../convene.js').VideoQosData, decode: import('../convene.js').VideoQosData}}
   */
  getVideoStatisticData() {
    const v = /** @type {any} */ (this._qos.video);
    return { encode: { ...v.encode }, decode: { ...v.decode } };
  }

  /** The peer connection (Convene: for diagnostics and tests). */
  getPeerConnection() { return this._pc; }

}

// The calls of features Convene does not provide (unsupported.js).
addUnsupported(Stream.prototype, 'Stream');
