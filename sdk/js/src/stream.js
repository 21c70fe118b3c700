// `client.getMediaStream()`: audio, camera and screen share through the SFU, devices and
// statistics. The peer connection plumbing is in media-peer.js; the bodies of the audio,
// camera, canvas, share and device calls are in stream-audio.js, stream-video.js,
// stream-render.js, stream-share.js and stream-devices.js, each a plain function of the stream.
import { LIMITS } from './protocol.gen.js';
import { MediaPeer } from './media-peer.js';
import { cachedDevices } from './preview.js';
import { VideoQuality } from './enums.js';
import { CanvasRenderer } from './canvas-render.js';
import { addUnsupported } from './unsupported.js';
import * as audio from './stream-audio.js';
import * as devices from './stream-devices.js';
import * as render from './stream-render.js';
import * as share from './stream-share.js';
import * as video from './stream-video.js';

/** @typedef {import('./video-player.js').VideoPlayer} VideoPlayer */

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
  async startAudio(options = {}) { return audio.startAudio(this, options); }

  /** Leaves computer audio. @returns {Promise<''>} */
  async stopAudio() { return audio.stopAudio(this); }

  /** Mutes self (no id) or another user (host/manager). @param {number} [userId] @returns {Promise<''>} */
  async muteAudio(userId) { return audio.setAudioMuted(this, userId, true); }

  /** Unmutes self, or asks another user to unmute. @param {number} [userId] @returns {Promise<''>} */
  async unmuteAudio(userId) { return audio.setAudioMuted(this, userId, false); }

  /** @returns {Promise<''>} */
  async muteAllAudio() { await this._req('muteAllAudio'); return ''; }
  /** @returns {Promise<''>} */
  async unmuteAllAudio() { await this._req('unmuteAllAudio'); return ''; }

  /** Always true: in Convene users may unmute themselves (the host only asks others to). */
  isAllowAudioUnmutedBySelf() { return true; }

  /** @param {number} [userId] */
  isAudioMuted(userId) { return audio.isAudioMuted(this, userId); }

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
  async startVideo(options = {}) { return video.startVideo(this, options); }

  /** @returns {Promise<''>} */
  async stopVideo() { return video.stopVideo(this); }

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
    return video.attachVideo(this, userId, videoQuality, element);
  }

  /**
   * Stops playing `userId`'s camera (another user's: stops receiving it). Resolves the element
   * it played in.
   * @param {number} userId
   * @param {string|HTMLElement} [element]
   * @returns {Promise<VideoPlayer|HTMLVideoElement|Array<VideoPlayer|HTMLVideoElement>|undefined>}
   */
  async detachVideo(userId, element) { return video.detachVideo(this, userId, element); }

  /** The local camera into every self-view (none while the camera is off). */
  _bindSelf() { video.bindSelf(this); }

  /** Mirrors the self-view (only this page's: others see the camera as it is). @param {boolean} mirrored @returns {Promise<''>} */
  async mirrorVideo(mirrored) { return video.mirrorVideo(this, mirrored); }

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
    return render.renderVideo(this, canvas, userId, width, height, x, y, videoQuality, additionalUserKey);
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
    return render.stopRenderVideo(this, canvas, userId, additionalUserKey, underlyingColor, isKeepLastFrame);
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
    return render.adjustRenderedVideoPosition(this, canvas, userId, width, height, x, y, additionalUserKey);
  }

  /**
   * Whether the own video must be rendered in a `<video>` rather than a canvas: never in
   * Convene (a canvas draws the local camera as any other video).
   */
  isRenderSelfViewWithVideoElement() { return false; }

  // ---- share -------------------------------------------------------------------------

  /**
   * Shares the screen. If an element is given, the local capture is previewed in it.
   * @param {HTMLVideoElement|HTMLCanvasElement} [element]
   * @returns {Promise<''>}
   */
  async startShareScreen(element) { return share.startShareScreen(this, element); }

  /** @returns {Promise<''>} */
  async stopShareScreen() { return share.stopShareScreen(this); }

  /**
   * Plays the received screen share in a `<video-player>` (new, given or found by selector; a
   * `<video>` works too) and returns it. Convene has one share slot: the sharer is whoever
   * the server puts in it, whatever `userId` says.
   * @param {number} [userId]
   * @param {string|HTMLElement} [element]
   * @returns {Promise<VideoPlayer|HTMLVideoElement>}
   */
  async attachShareView(userId, element) { return share.attachShareView(this, userId, element); }

  /**
   * Stops playing the share in `element` (by default in every element showing it) and
   * resolves the element (or the list, when several).
   * @param {number} [userId]
   * @param {string|HTMLElement} [element]
   * @returns {Promise<VideoPlayer|HTMLVideoElement|Array<VideoPlayer|HTMLVideoElement>>}
   */
  async detachShareView(userId, element) { return share.detachShareView(this, element); } // eslint-disable-line no-unused-vars

  /** A new peer (a failover, a move to another room) has a new share slot: the share views show it. */
  async _restartPeer() {
    const done = super._restartPeer();
    const t = this._shareSlots[0];
    for (const el of this._shareViews) el.srcObject = t ? new MediaStream([t.receiver.track]) : null;
    await done;
  }

  /** `ShareStatus` of the own screen share: `'sharing'` or `'ended'` (Convene cannot pause a share). */
  getShareStatus() { return share.getShareStatus(this); }

  /**
   * Pauses the screen share: nothing is sent until `resumeShareScreen` (the others keep the
   * last picture; the share stays theirs to see).
   * @returns {Promise<''>}
   */
  async pauseShareScreen() { return share.pauseShareScreen(this); }

  /** Resumes a paused screen share. @returns {Promise<''>} */
  async resumeShareScreen() { return share.resumeShareScreen(this); }

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
  async lockShare(isLocked) { return share.lockShare(this, isLocked); }
  isShareLocked() { return share.isShareLocked(this); }
  /** @param {0|1|3} privilege `SharePrivilege` @returns {Promise<''>} */
  async setSharePrivilege(privilege) { return share.setSharePrivilege(this, privilege); }
  getSharePrivilege() { return share.getSharePrivilege(this); }
  getActiveShareUserId() { return share.getActiveShareUserId(this); }
  getShareUserList() { return share.getShareUserList(this); }

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
  getCapturedVideoResolution() { return video.getCapturedVideoResolution(this); }
  /** Always false: `startShareScreen` previews in a `<video>` or shares without one. */
  isStartShareScreenWithVideoElement() { return false; }

  /** The microphone in use (else the one chosen for the next `startAudio`; `''` for the default). */
  getActiveMicrophone() { return devices.trackDevice(this._micTrack) || this._micId; }
  /** The camera in use (else the one chosen for the next `startVideo`; `''` for the default). */
  getActiveCamera() { return devices.trackDevice(this._camTrack) || this._camId; }
  /** The speaker the session's audio plays on (`'default'`: the system's). */
  getActiveSpeaker() { return this._speakerId || 'default'; }

  /**
   * Captures `microphoneId` instead of the current microphone and sends it in its place (muted
   * stays muted). Without a microphone running, it is the one the next `startAudio` opens.
   * @param {string} microphoneId
   * @returns {Promise<''>}
   */
  async switchMicrophone(microphoneId) { return devices.switchMicrophone(this, microphoneId); }

  /**
   * Captures `cameraDeviceId` (or, on phones, a `MobileVideoFacingMode`) instead of the
   * current camera, with the same size and frame rate, and sends it in its place; self-views
   * follow. Without a camera running, it is the one the next `startVideo` opens.
   * @param {string} cameraDeviceId
   * @returns {Promise<''>}
   */
  async switchCamera(cameraDeviceId) { return devices.switchCamera(this, cameraDeviceId); }

  /**
   * Plays the session's audio on `speakerId` (`HTMLMediaElement.setSinkId`).
   * @param {string} speakerId
   * @returns {Promise<''>}
   */
  async switchSpeaker(speakerId) { return devices.switchSpeaker(this, speakerId); }

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
