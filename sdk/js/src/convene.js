// Convene browser SDK: the entry module, served at `/sdk/convene.js` (ES modules, no build
// step). Its default export is the `ConveneVideo` namespace; the API keeps the names, event
// names, payload fields and error codes of the reference Web Video SDK's core surface
// (SPEC §3–§10). TypeScript users get its types from convene.d.ts.
//
//   import ConveneVideo from '/sdk/convene.js';
//   const client = ConveneVideo.createClient();
//   await client.init('en-US', 'Global', { patchJsMedia: true });
//   await client.join(topic, token, userName, passcode);
//   const stream = client.getMediaStream();
//   await stream.startVideo();
//   document.body.append(await stream.attachVideo(otherUserId, 2));
//
// Every failure is `{type, reason, errorCode}` (`ExecutedFailure`); every call that the
// reference types as `ExecutedResult` resolves `''`.
//
// Choices where the reference is silent (see also docs/protocol.md):
// - `join` before `init` resolved rejects with 5000 (`INVALID_OPERATION`), as the Rust SDK.
// - `getMediaStream()` before join (or after leave) throws 6002 (SPEC §3); a stream object
//   obtained while joined rejects its calls with 6002 once the session is over.
// - Session calls while not joined reject with 5002; while reconnecting with 5003.
// - `init` options: `webEndpoint` (host[:port], http(s):// or ws(s):// URL; default: this
//   page's origin), `stayAwake` (Screen Wake Lock while joined), `leaveOnPageUnload` (send
//   `leave` on `pagehide`, so no failover), `patchJsMedia` (accepted; nothing to patch).
// - Features Convene does not provide (whiteboard, live transcription, virtual background,
//   remote control, ...: unsupported.js) keep every name: their calls reject with
//   `FeatureNotSupported` (5100), their `is*` / `isSupport*` / `can*` answer false. The logger
//   client keeps its reports in memory.
//
// Modules: client.js (lifecycle, users, failover) on signaling.js (one WebSocket) and
// codec.js (frames); session-state.js (the local user list); rules.js (join validation,
// resume diff); chat.js, command.js, recording.js, live-stream.js, logger.js; stream.js on
// media-peer.js (the RTCPeerConnection); preview.js (devices, pre-join tracks);
// unsupported.js (the features not provided); enums.js (every enum of the reference,
// exported here by name); errors.js; protocol.gen.js (generated from the Rust protocol
// crate: codes, limits, names).
import { VideoClient } from './client.js';
import { ChatPrivilege, SharePrivilege, VideoQuality } from './enums.js';
import { LocalAudioTrack, LocalVideoTrack, listDevices } from './preview.js';
import { createProber } from './prober.js';

export * from './enums.js';
export { FeatureNotSupported } from './errors.js';
export { AudioProcessor, ShareProcessor, VideoProcessor, registerProcessor } from './unsupported.js';
export { VideoPlayer, VideoPlayerContainer } from './video-player.js';
export const VERSION = '0.1.0';

/** @type {VideoClient|null} */
let theClient = null;

/**
 * Typed by the shipped convene.d.ts, so `tsc` fails when the implementation and the
 * published types disagree.
 * @type {import('../convene.js').ConveneVideoNamespace}
 */
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
  /**
   * What this browser can do with Convene: WebRTC and a WebSocket, capture
   * (`navigator.mediaDevices`, only in a secure context), and the codecs the SFU needs (Opus
   * for audio, VP8 for video and share) when the browser can list them.
   * @returns {{audio: boolean, video: boolean, screen: boolean}}
   */
  checkSystemRequirements() {
    const md = typeof navigator !== 'undefined' && navigator.mediaDevices;
    const base = typeof RTCPeerConnection !== 'undefined' && typeof WebSocket !== 'undefined' && !!md;
    /** @param {'audio'|'video'} kind @param {string} mime */
    const canSend = (kind, mime) => {
      const caps = typeof RTCRtpSender !== 'undefined' && RTCRtpSender.getCapabilities ? RTCRtpSender.getCapabilities(kind) : null;
      return !caps || caps.codecs.some((c) => c.mimeType.toLowerCase() === mime);
    };
    const vp8 = base && canSend('video', 'video/vp8');
    return {
      audio: !!(base && md.getUserMedia && canSend('audio', 'audio/opus')),
      video: !!(vp8 && md.getUserMedia),
      screen: !!(vp8 && md.getDisplayMedia),
    };
  },
  checkFeatureRequirements() {
    const r = ConveneVideo.checkSystemRequirements();
    return {
      platform: typeof navigator !== 'undefined' ? navigator.userAgent : '',
      supportFeatures: Object.keys(r).filter((k) => r[k]),
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
  /**
   * A network test before joining, over the media path (prober.js, docs/probe.md).
   * @param {{webEndpoint?: string}} [options]
   */
  createProber(options) { return createProber(options); },
};

export default ConveneVideo;
