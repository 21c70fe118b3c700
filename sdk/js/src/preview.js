// Before join: device lists and the camera / microphone preview tracks.
import { captureFailure, featureNotSupported } from './errors.js';
import { testMicrophone, testSpeaker } from './device-test.js';

// The page's media devices as last enumerated. The stream's `getMicList`, `getCameraList` and
// `getSpeakerList` answer from it synchronously, as the reference's do; it is refreshed by
// `init`, `join`, `getDevices`, every capture (permission fills in labels) and every
// `devicechange` (before the client emits `device-change`).
/** @type {MediaDeviceInfo[]} */
let cached = [];
/** The last enumeration started (enumerations run one after another). */
let last = Promise.resolve(cached);

/**
 * Enumerates the media devices (labels empty until the page has had permission) and
 * remembers them. Never rejects: a failed enumeration keeps the last list. Enumerations run
 * one after another, so the cache always ends with the newest list.
 * @returns {Promise<MediaDeviceInfo[]>}
 */
export function listDevices() {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) {
    return Promise.resolve([]);
  }
  const next = last
    .then(() => navigator.mediaDevices.enumerateDevices())
    .then((list) => { cached = list; return list; }, () => cached);
  last = next;
  return next;
}

/**
 * Waits for an enumeration (`listDevices()`) at most `ms`: Firefox holds `enumerateDevices` in
 * a page that is not in the foreground until it is, and `init`, `join` and the captures must
 * not hang on it. The cache fills in whenever it answers.
 * @param {Promise<MediaDeviceInfo[]>} pending
 * @param {number} [ms]
 */
export function devicesWithin(pending, ms = 1000) {
  return Promise.race([pending, new Promise((r) => setTimeout(() => r(cached), ms))]);
}

/**
 * The last enumerated devices of one kind, as the reference's `MediaDevice` (`{label, deviceId}`).
 * @param {MediaDeviceKind} kind
 * @returns {{label: string, deviceId: string}[]}
 */
export function cachedDevices(kind) {
  return cached.filter((d) => d.kind === kind).map(({ label, deviceId }) => ({ label, deviceId }));
}

/** A pre-join camera preview (`createLocalVideoTrack`). */
export class LocalVideoTrack {
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
      await listDevices();
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
  /**
   * Virtual backgrounds are not provided: rejects with the typed failure (5100).
   * @returns {Promise<never>}
   */
  async updateVirtualBackground() {
    throw featureNotSupported('virtual background', 'LocalVideoTrack.updateVirtualBackground');
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
export class LocalAudioTrack {
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
    await listDevices();
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
  /**
   * A tone (or `sampleAudioUrl`) on the speaker (`device-test.js`).
   * @param {Parameters<typeof testSpeaker>[0]} [options]
   */
  testSpeaker(options) { return testSpeaker(options); }
  /**
   * The microphone's level, and with `recordAndPlay` a recording played back
   * (`device-test.js`); the track's own microphone unless `microphoneId`.
   * @param {import('./device-test.js').MicrophoneTestOptions} [options]
   */
  testMicrophone(options = {}) { return testMicrophone({ microphoneId: this._deviceId, ...options }); }
}
