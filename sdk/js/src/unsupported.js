// The features of the reference Web Video SDK that Convene does not provide, as one table:
// which object carries each feature's calls, and what each call answers. The clients and
// methods are built from the table, so an app written for the reference finds every name:
//
// - a call that would do something (`REJECT`) returns a Promise rejected with the one typed
//   failure `{type: 'INVALID_OPERATION', reason: 'not supported by this server: ...',
//   errorCode: FeatureNotSupported}` (errors.js), and does nothing else;
// - a question (`FALSE`: `is*Enabled`, `isSupport*`, `can*`, ...) answers `false`;
// - any other getter answers the value given here: the feature's "nothing" (no user, no
//   language, an empty list, a status with everything off), a fresh object on every call.
//
// docs/compat.md (written by scripts/compat-report.mjs) lists every name; test/compat.test.js
// checks that each call here rejects or answers as the table says.
import { featureNotSupported } from './errors.js';
import {
  BroadcastStreamingStatus, RealTimeMediaStreamsStatus, WhiteboardStatus,
} from './enums.js';

/** The call rejects with the typed failure. */
export const REJECT = Symbol('reject');
/** The question answers false. */
export const FALSE = Symbol('false');

const off = () => ({ pan: false, tilt: false, zoom: false });

/**
 * One entry per feature: `on` is the reference's name of the object that carries its calls
 * (a client of its own, made by `VideoClient.get*Client()`, or one Convene also has), and
 * `methods` what each call answers: `REJECT`, `FALSE`, or a function giving the value.
 * @type {{feature: string, on: string, methods: Record<string, symbol | (() => any)>}[]}
 */
export const UNSUPPORTED = [
  // ---- whole clients ----------------------------------------------------------------------
  {
    feature: 'live transcription and translation', on: 'LiveTranscriptionClient', methods: {
      startLiveTranscription: REJECT, setSpeakingLanguage: REJECT, setTranslationLanguage: REJECT,
      disableCaptions: REJECT, lockTranscriptionLanguage: REJECT,
      getLiveTranscriptionStatus: () => ({
        isLiveTranscriptionEnabled: false, isLiveTranslationEnabled: false, isHostDisableCaptions: false,
        isHostLockTranscriptionLanguage: false, isManualCaptionerEnabled: false, transcriptionLanguage: '',
        translationLanguage: [],
      }),
      getCurrentTranscriptionLanguage: () => null, getCurrentTranslationLanguage: () => null,
      getLatestTranscription: () => '', getLatestTranslation: () => '', getFullTranscriptionHistory: () => [],
    },
  },
  {
    feature: 'whiteboard', on: 'WhiteboardClient', methods: {
      startWhiteboardScreen: REJECT, stopWhiteboardScreen: REJECT, startWhiteboardView: REJECT,
      stopWhiteboardView: REJECT, exportWhiteboard: REJECT, isWhiteboardEnabled: FALSE,
      getWhiteboardStatus: () => WhiteboardStatus.Closed, getWhiteboardPresenter: () => null,
      canStartWhiteboard: FALSE,
    },
  },
  {
    feature: 'broadcast streaming', on: 'BroadcastStreamingClient', methods: {
      startBroadcast: REJECT, stopBroadcast: REJECT,
      getBroadcastStreamingStatus: () => ({ status: BroadcastStreamingStatus.Closed, channelId: '' }),
      isBroadcastStreamingEnable: FALSE,
    },
  },
  {
    feature: 'real-time media streams', on: 'RealTimeMediaStreamsClient', methods: {
      isSupportRealTimeMediaStreams: FALSE, canStartRealTimeMediaStreams: FALSE,
      startRealTimeMediaStreams: REJECT, pauseRealTimeMediaStreams: REJECT,
      resumeRealTimeMediaStreams: REJECT, stopRealTimeMediaStreams: REJECT,
      getRealTimeMediaStreamsStatus: () => RealTimeMediaStreamsStatus.None,
    },
  },
  {
    feature: 'voice translator', on: 'VoiceTranslatorClient', methods: {
      startVoiceTranslator: REJECT, stopVoiceTranslator: REJECT, setSpeakingLanguage: REJECT,
      setListeningLanguage: REJECT, setOriginalAudioBalance: REJECT, setTranslatedVoiceStyle: REJECT,
      getVoiceTranslatorStatus: () => ({
        isVoiceTranslatorEnabled: false, isVoiceTranslatorOn: false, voiceTranslatorLanguage: '',
        voiceTranslatorVoiceTimberList: [], voiceTranslatorLanguagePair: [],
      }),
      getCurrentSpeakingLanguage: () => null, getCurrentListeningLanguage: () => null,
      getCurrentTimbre: () => null, getOriginalAudioBalance: () => null,
    },
  },
  {
    feature: 'incoming live stream', on: 'IncomingLiveStreamClient', methods: {
      bindIncomingLiveStream: REJECT, unbindIncomingLiveStream: REJECT, startIncomingLiveStream: REJECT,
      stopIncomingLiveStream: REJECT,
      getIncomingLiveStreamStatus: () => ({ isRTMPConnected: false, isStreamPushed: false, streamId: '' }),
    },
  },
  // ---- calls on clients Convene has -------------------------------------------------------
  {
    feature: 'chat file transfer', on: 'ChatClient', methods: {
      sendFile: REJECT, downloadFile: REJECT, isFileTransferEnabled: FALSE, getFileTransferSetting: () => ({}),
    },
  },
  {
    feature: 'individual recording', on: 'RecordingClient', methods: {
      acceptIndividualRecording: REJECT, declineIndividualRecording: REJECT,
    },
  },
  // ---- calls on the media stream ----------------------------------------------------------
  {
    feature: 'phone dial-out', on: 'Stream', methods: {
      inviteByPhone: REJECT, cancelInviteByPhone: REJECT, hangup: REJECT, isSupportPhoneFeature: FALSE,
      getCurrentSessionCallinInfo: () => ({ meetingId: '', tollNumbers: [] }), getSupportCountryInfo: () => [],
      getInviteByPhoneStatus: () => undefined, getSessionSIPAddress: () => '', getPhoneWelcomeMessageInfoList: () => [],
    },
  },
  { feature: 'room system calls', on: 'Stream', methods: { callCRCDevice: REJECT, cancelCallCRCDevice: REJECT } },
  {
    feature: 'share audio', on: 'Stream', methods: {
      muteShareAudio: REJECT, unmuteShareAudio: REJECT, isOthersShareAudioMutedLocally: FALSE,
      getShareAudioStatus: () => ({ isShareAudioEnabled: false, isShareAudioMuted: false, isSharingAudio: false }),
      isSupportMicrophoneAndShareAudioSimultaneously: FALSE,
    },
  },
  {
    feature: 'local audio volume', on: 'Stream', methods: {
      muteUserAudioLocally: REJECT, unmuteUserAudioLocally: REJECT, adjustUserAudioVolumeLocally: REJECT,
      muteAllUserAudioLocally: REJECT, unmuteAllUserAudioLocally: REJECT, isUserAudioMutedLocally: FALSE,
      getUserVolumeLocally: () => 100,
    },
  },
  {
    feature: 'audio processing options', on: 'Stream', methods: {
      enableBackgroundNoiseSuppression: REJECT, isSupportBackgroundNoiseSuppression: FALSE,
      enableOriginalSound: REJECT, enableSyncButtonsOnHeadset: REJECT,
    },
  },
  { feature: 'secondary audio', on: 'Stream', methods: { startSecondaryAudio: REJECT, stopSecondaryAudio: REJECT } },
  {
    feature: 'audio unmute policy', on: 'Stream', methods: {
      muteAudioUponStartAudio: REJECT, allowAudioUnmutedBySelf: REJECT,
    },
  },
  {
    feature: 'media playback files', on: 'Stream', methods: {
      getAudioMediaPlaybackController: () => null, getVideoMediaPlaybackController: () => null,
    },
  },
  {
    feature: 'canvas dimension control', on: 'Stream', methods: {
      updateVideoCanvasDimension: REJECT, clearVideoCanvas: REJECT,
    },
  },
  { feature: 'hardware acceleration', on: 'Stream', methods: { enableHardwareAcceleration: REJECT } },
  {
    feature: 'virtual background', on: 'Stream', methods: {
      previewVirtualBackground: REJECT, updateVirtualBackgroundImage: REJECT,
      stopPreviewVirtualBackground: REJECT, isSupportVirtualBackground: FALSE,
      getVirtualbackgroundStatus: () => ({ isVBPreloadReady: false, isVBConfigured: false }),
    },
  },
  {
    feature: 'video mask', on: 'Stream', methods: {
      previewVideoMask: REJECT, updateVideoMask: REJECT, stopPreviewVideoMask: REJECT, getVideoMaskStatus: () => ({}),
    },
  },
  {
    feature: 'video spotlight', on: 'Stream', methods: {
      spotlightVideo: REJECT, removeSpotlightedVideo: REJECT, removeAllSpotlightedVideos: REJECT,
      getSpotlightedUserList: () => [],
    },
  },
  { feature: 'screenshots', on: 'Stream', methods: { screenshotVideo: REJECT, screenshotShareView: REJECT } },
  {
    feature: 'resource and WebRTC reports', on: 'Stream', methods: {
      subscribeSystemResourceUsage: REJECT, unsubscribeSystemResourceUsage: REJECT,
      subscribeWebRTCStatsReportData: REJECT, unsubscribeWebRTCStatsReportData: REJECT,
      getWebRTCStatsReportData: () => null,
    },
  },
  {
    feature: 'camera and video details', on: 'Stream', methods: {
      isCameraTaken: FALSE, isCaptureForbidden: FALSE, getActiveVideoId: () => 0,
      getReceivedVideoDimension: () => ({ width: 0, height: 0 }),
    },
  },
  {
    feature: 'share views on canvas', on: 'Stream', methods: {
      startShareView: REJECT, stopShareView: REJECT, switchShareView: REJECT, updateSharingCanvasDimension: REJECT,
      updateShareViewQuality: REJECT,
    },
  },
  {
    feature: 'camera share', on: 'Stream', methods: {
      startShareCamera: REJECT, switchSharingSecondaryCamera: REJECT, requestShareCamera: REJECT,
      approveShareCamera: REJECT, declineShareCamera: REJECT, informShareCameraStatus: REJECT,
    },
  },
  { feature: 'share to subsessions', on: 'Stream', methods: { shareToSubsession: REJECT, stopShareToSubsession: REJECT } },
  {
    feature: 'optimized shared video', on: 'Stream', methods: {
      enableOptimizeForSharedVideo: REJECT, updateSharedVideoQuality: REJECT,
      isOptimizeForSharedVideoEnabled: FALSE, isSupportOptimizedForSharedVideo: FALSE,
    },
  },
  {
    feature: 'share statistics', on: 'Stream', methods: {
      subscribeShareStatisticData: REJECT, unsubscribeShareStatisticData: REJECT,
      getShareStatisticData: () => ({}), getShareStreamSettings: () => ({}),
    },
  },
  {
    feature: 'annotation', on: 'Stream', methods: {
      startAnnotation: REJECT, stopAnnotation: REJECT, changeAnnotationPrivilege: REJECT, showAnnotatorName: REJECT,
      canDoAnnotation: FALSE, getAnnotationController: () => null,
    },
  },
  {
    feature: 'far-end camera control', on: 'Stream', methods: {
      requestFarEndCameraControl: REJECT, approveFarEndCameraControl: REJECT, declineFarEndCameraControl: REJECT,
      giveUpFarEndCameraControl: REJECT, controlCamera: REJECT, controlFarEndCamera: REJECT,
      getFarEndCameraPTZCapability: off, getCameraPTZCapability: off, isBrowserSupportPTZ: FALSE,
    },
  },
  {
    feature: 'remote control', on: 'Stream', methods: {
      requestRemoteControl: REJECT, approveRemoteControl: REJECT, declineRemoteControl: REJECT,
      stopRemoteControl: REJECT, giveUpRemoteControl: REJECT, startRemoteControl: REJECT,
      grabRemoteControl: REJECT, launchRemoteControlApp: REJECT, isRemotelyControlApproved: FALSE,
      isControllingUserRemotely: FALSE, isTargetShareSupportRemoteControl: FALSE,
      getRemoteControlAppDownloadUrl: () => '', getRemotelyControllingUser: () => null, isRemoteControlEnabled: FALSE,
    },
  },
  {
    feature: 'video, audio and share processors', on: 'Stream', methods: {
      createProcessor: REJECT, addProcessor: REJECT, removeProcessor: REJECT,
      isSupportVideoProcessor: FALSE, isSupportAudioProcessor: FALSE, isSupportShareProcessor: FALSE,
    },
  },
];

/**
 * The call `on.name` answers as `how` says.
 * @param {string} feature @param {string} on @param {string} name @param {symbol | (() => any)} how
 */
function stub(feature, on, name, how) {
  if (how === REJECT) return () => Promise.reject(featureNotSupported(feature, `${on}.${name}`));
  if (how === FALSE) return () => false;
  return how;
}

/**
 * Adds the unsupported calls of the reference's object `on` to `target` (a prototype of
 * Convene's class for it, or a new client object). A name `target` has already is an error:
 * one definition per name.
 * @param {object} target
 * @param {string} on
 */
export function addUnsupported(target, on) {
  for (const { feature, on: o, methods } of UNSUPPORTED) {
    if (o !== on) continue;
    for (const [name, how] of Object.entries(methods)) {
      if (name in target) throw new Error(`unsupported.js: ${on}.${name} is defined twice`);
      Object.defineProperty(target, name, { value: stub(feature, on, name, how), writable: true, configurable: true });
    }
  }
  return target;
}

/**
 * A client of a feature Convene does not provide, as `VideoClient.get*Client()` returns it.
 * @template {keyof import('../convene.js').UnsupportedClients} K
 * @param {K} on
 * @returns {import('../convene.js').UnsupportedClients[K]}
 */
export function unsupportedClient(on) {
  return /** @type {any} */ (Object.freeze(addUnsupported({}, on)));
}

// ---- exports of the processor feature --------------------------------------------------
// The reference's base classes for processors (code that runs in a worker or worklet) and
// `registerProcessor`. Convene runs no processors: constructing one, or registering one,
// throws the typed failure.

const PROCESSORS = 'video, audio and share processors';

/** Throws the typed failure of the processor feature. @param {string} name @returns {never} */
function noProcessors(name) {
  throw featureNotSupported(PROCESSORS, name);
}

export class VideoProcessor {
  /** @param {MessagePort} [port] @param {any} [options] */
  constructor(port, options) { void port; void options; noProcessors('VideoProcessor'); }
}
export class AudioProcessor {
  /** @param {MessagePort} [port] @param {any} [options] */
  constructor(port, options) { void port; void options; noProcessors('AudioProcessor'); }
}
export class ShareProcessor {
  /** @param {MessagePort} [port] @param {any} [options] */
  constructor(port, options) { void port; void options; noProcessors('ShareProcessor'); }
}
/** @param {string} name @param {Function} processor @returns {void} */
export function registerProcessor(name, processor) {
  void name; void processor;
  noProcessors('registerProcessor');
}

/** The entry module's exports above, by name (for the report and the test). */
export const UNSUPPORTED_EXPORTS = Object.freeze({
  VideoProcessor: PROCESSORS, AudioProcessor: PROCESSORS, ShareProcessor: PROCESSORS, registerProcessor: PROCESSORS,
});
