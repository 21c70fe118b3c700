// Before join: device lists and the camera / microphone preview tracks.
import { captureFailure } from './errors.js';

/** The media devices (labels empty until the page has had permission). */
export async function listDevices() {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices) return [];
  return navigator.mediaDevices.enumerateDevices();
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

