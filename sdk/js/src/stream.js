// `client.getMediaStream()`: audio, camera and screen share through the SFU, devices and
// statistics. The peer connection plumbing is in media-peer.js.
import { LIMITS, SHARE_PRIVILEGE } from './protocol.gen.js';
import { asFailure, captureFailure, failure } from './errors.js';
import { clone } from './session-state.js';
import { MediaPeer } from './media-peer.js';
import { cachedDevices, listDevices } from './preview.js';
import { VideoQuality } from './enums.js';

/** `client.getMediaStream()`. */
export class Stream extends MediaPeer {
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
        const constraints = options && options.microphoneId ? { deviceId: { exact: options.microphoneId } } : true;
        const ms = await navigator.mediaDevices.getUserMedia({ audio: constraints });
        track = ms.getAudioTracks()[0];
      } catch (e) {
        throw captureFailure(e, 'audio');
      }
    }
    // With permission granted the device lists get their labels.
    const devices = track ? listDevices() : null;
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
    await devices;
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
      if (options.cameraId) v.deviceId = { exact: options.cameraId };
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
    await this._renegotiate();
    await devices;
    this._c._emit('video-capturing-change', { state: 'Started' });
    return '';
  }

  /** @returns {Promise<''>} */
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
   * @param {string|HTMLElement} [element] a `<video>`, or a container to render inside
   *   (e.g. `<video-player>`), or a selector of one
   * @returns {Promise<HTMLVideoElement>}
   */
  async attachVideo(userId, videoQuality = VideoQuality.Video_360P, element) {
    this._check();
    const given = typeof element === 'string' ? document.querySelector(element) : element;
    /** @type {HTMLVideoElement|null} */
    let el = null;
    if (given instanceof HTMLVideoElement) el = given;
    else if (given) {
      // A container (e.g. <video-player>): render inside it.
      const inner = given.querySelector('video') || document.createElement('video');
      if (!inner.parentNode) given.appendChild(inner);
      el = inner;
    }
    if (!el) el = document.createElement('video');
    el.autoplay = true;
    el.muted = true;
    el.playsInline = true;
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
   * Plays the received screen share in a `<video>` element (Convene: the sharer is whoever
   * the server puts in the share slot).
   * @param {number} [userId]
   * @param {string|HTMLVideoElement} [element]
   * @returns {Promise<HTMLVideoElement>}
   */
  async attachShareView(userId, element) {
    this._check();
    /** @type {HTMLVideoElement|null} */
    let el = typeof element === 'string' ? /** @type {HTMLVideoElement|null} */ (document.querySelector(element)) : element;
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
