// Types of the Convene browser SDK, the module served at `/sdk/convene.js`.
// Names follow the reference Web Video SDK's core surface (SPEC §3–§10).
//
//   import ConveneVideo from 'http://127.0.0.1:8080/sdk/convene.js';
//
// (TypeScript: map that URL to this file, e.g. with `paths` or a `declare module`.)

/** Every failure: `{type, reason, errorCode}`. */
export interface ExecutedFailure {
  type: ErrorTypes;
  reason: string;
  errorCode: number;
}
export type ErrorTypes =
  | 'INVALID_OPERATION'
  | 'INTERNAL_ERROR'
  | 'OPERATION_TIMEOUT'
  | 'INSUFFICIENT_PRIVILEGES'
  | 'IMPROPER_MEETING_STATE'
  | 'INVALID_PARAMETERS'
  | 'OPERATION_LOCKED';
/** Resolves `''`; rejects with an `ExecutedFailure`. */
export type ExecutedResult = Promise<''>;

export interface Participant {
  userId: number;
  displayName: string;
  audio: '' | 'computer';
  /** Undefined while audio is not connected. */
  muted?: boolean;
  bVideoOn: boolean;
  sharerOn: boolean;
  isHost: boolean;
  isManager: boolean;
  userIdentity?: string;
  isInFailover: boolean;
  /** In audio to listen only (`startAudio({speakerOnly: true})`), without a microphone. */
  isSpeakerOnly: boolean;
  avatar?: string;
  /** Always false: a share cannot be paused. */
  sharerPause: boolean;
  /** Always false: no individual recording. */
  isAllowIndividualRecording: boolean;
  /** A camera is known to be connected: true once the user's video has been on. */
  isVideoConnect: boolean;
}
/** Payload item of `user-added`, `user-updated`, `user-removed`: `userId` plus what changed. */
export type ParticipantPropertiesPayload = { userId: number } & Partial<Participant>;

export interface SessionInfo {
  topic: string;
  password: string;
  userName: string;
  userId: number;
  isInMeeting: boolean;
  sessionId: string;
}

export interface ChatMessage {
  id: string;
  message: string;
  sender: { name: string; userId: number };
  receiver: { name: string; userId: number };
  timestamp: number;
}

export interface CommandChannelMsg {
  senderId: number;
  senderName: string;
  receiverId?: number;
  text: string;
  timestamp: number;
  msgid: string;
}

export declare const VERSION: string;

export interface InitOptions {
  /** host[:port], http(s):// or ws(s):// URL of the server; default: this page's origin. */
  webEndpoint?: string;
  /** Keep the screen awake while joined. */
  stayAwake?: boolean;
  /** Leave at once when the page closes (no failover). */
  leaveOnPageUnload?: boolean;
  /** Accepted; nothing to patch. */
  patchJsMedia?: boolean;
  /** Accepted; several videos always work. */
  enforceMultipleVideos?: boolean | { disableRenderLimits?: boolean };
  /** Also registers the video elements as `<{name}>` and `<{name}-container>`. */
  alternativeNameForVideoPlayer?: string;
}

/** Event names and their payloads. */
export interface EventPayloads {
  /** `subsessionName` and a `ReconnectReason` with a move between rooms (docs/subsessions.md). */
  'connection-change': { state: ConnectionState; reason?: string; subsessionName?: string };
  'user-added': ParticipantPropertiesPayload[];
  'user-updated': ParticipantPropertiesPayload[];
  'user-removed': ParticipantPropertiesPayload[];
  'host-ask-unmute-audio': { reason: 'Unmute' };
  'current-audio-change': { action: 'join' | 'leave' | 'muted' | 'unmuted'; source?: string };
  'active-speaker': { userId: number; displayName?: string }[];
  'peer-video-state-change': { action: 'Start' | 'Stop'; userId: number };
  'active-share-change': { state: 'Active' | 'Inactive'; userId: number };
  'peer-share-state-change': { userId: number; action: 'Start' | 'Stop' };
  'share-privilege-change': { privilege: SharePrivilege };
  'passively-stop-share': 'PrivilegeChange' | 'StopScreenCapture';
  'network-quality-change': { userId: number; type: 'uplink' | 'downlink'; level: number };
  'chat-on-message': ChatMessage;
  'chat-privilege-change': { chatPrivilege: ChatPrivilege };
  /** The session's cloud recording changed state (to everyone). */
  'recording-change': { state: CloudRecordingStatus };
  /** The session's live stream changed state (to everyone): `LiveStreamStatus`, 0 Ended, 1 InProgress, 2 Connecting, 3 Timeout. */
  'live-stream-status': LiveStreamStatus;
  'command-channel-message': { senderId: string; senderName: string; text: string; timestamp: number; msgid: string };
  'video-capturing-change': { state: 'Started' | 'Stopped' | 'Failed' };
  /** An attached remote camera's video started or stopped arriving (decoded frames), or it was detached. */
  'video-active-change': { state: 'Active' | 'Inactive'; userId: number };
  'device-change': undefined;
  'auto-play-audio-failed': undefined;
  /** The own microphone's level (0-9) when it moves to another step, sampled twice a second. */
  'current-audio-level-change': { level: number };
  'audio-statistic-data-change': { data: AudioQosData & { encoding: boolean }; type: 'AUDIO_QOS_DATA' };
  'video-statistic-data-change': { data: VideoQosData & { encoding: boolean }; type: 'VIDEO_QOS_DATA' };
  /** Convene: only `result: 'fail'`, when the media path could not be restored (restarts exhausted). */
  'media-sdk-change': { action: 'encode' | 'decode'; type: 'audio' | 'video' | 'share'; result: 'success' | 'fail' };
  /** Invited to one's assigned subsession (`joinSubsession` to go). */
  'subsession-invite-to-join': { subsessionId: string; subsessionName: string };
  /** The subsessions' timer: seconds left, each second while it runs. */
  'subsession-countdown': { countdown: number };
  /** The subsessions' timer ran out. */
  'subsession-time-up': undefined;
  /** The subsessions close in `countdown` seconds: each second down to 0. */
  'closing-subsession-countdown': { countdown: number };
  /** The host's text to every subsession. */
  'subsession-broadcast-message': { message: string };
  /** To the host and managers: a user in a subsession asks for help. */
  'subsession-ask-for-help': { userId: number; displayName: string; subsessionName: string; subsessionId: string };
  /** To the user who asked for help: Received (0), Busy (1), AlreadyInRoom (3). */
  'subsession-ask-for-help-response': { result: AskHostHelpResponse };
  /** The subsessions' status changed. */
  'subsession-state-change': { status: SubsessionStatus };
}

export interface VideoClient {
  init(language?: string, dependentAssets?: string, options?: InitOptions): ExecutedResult;
  join(topic: string, token: string, userName: string, sessionPassword?: string, sessionIdleTimeoutMins?: number): ExecutedResult;
  leave(end?: boolean): ExecutedResult;
  getCurrentUserInfo(): Participant | undefined;
  getAllUser(): Participant[];
  getUser(userId: number): Participant | undefined;
  getSessionInfo(): SessionInfo;
  getSessionHost(): Participant | undefined;
  isHost(): boolean;
  isManager(): boolean;
  isOriginalHost(): boolean;
  isAllowToRename(): boolean;
  changeName(name: string, userId?: number): ExecutedResult;
  allowParticipantsToRename(allowed: boolean): ExecutedResult;
  removeUser(userId: number): ExecutedResult;
  makeHost(userId: number): ExecutedResult;
  makeManager(userId: number): ExecutedResult;
  revokeManager(userId: number): ExecutedResult;
  reclaimHost(): ExecutedResult;
  on<E extends keyof EventPayloads>(event: E, listener: (payload: EventPayloads[E]) => void): void;
  off<E extends keyof EventPayloads>(event: E, listener: (payload: EventPayloads[E]) => void): void;
  getChatClient(): ChatClient;
  getCommandClient(): CommandClient;
  getRecordingClient(): RecordingClient;
  getLiveStreamClient(): LiveStreamClient;
  /** Breakout rooms (docs/subsessions.md). */
  getSubsessionClient(): SubsessionClient;
  /** Reports kept in memory (and printed with `debugMode`). */
  getLoggerClient(options?: LoggerInitOption): LoggerClient;
  /** Not provided by Convene: see `LiveTranscriptionClient`. */
  getLiveTranscriptionClient(): LiveTranscriptionClient;
  /** Not provided by Convene. */
  getWhiteboardClient(): WhiteboardClient;
  /** Not provided by Convene. */
  getBroadcastStreamingClient(): BroadcastStreamingClient;
  /** Not provided by Convene. */
  getRealTimeMediaStreamsClient(): RealTimeMediaStreamsClient;
  /** Not provided by Convene. */
  getVoiceTranslatorClient(): VoiceTranslatorClient;
  /** Not provided by Convene. */
  getIncomingLiveStreamClient(): IncomingLiveStreamClient;
  /** Throws 6002 before join. */
  getMediaStream(): Stream;
}

export interface ChatClient extends ChatFileTransfer {
  send(text: string, userId: number): Promise<ChatMessage>;
  sendToAll(text: string): Promise<ChatMessage>;
  /** The messages this user saw in its room since it came in (sent and received). */
  getHistory(): ChatMessage[];
  setPrivilege(privilege: ChatPrivilege): ExecutedResult;
  getPrivilege(): ChatPrivilege;
  getReceivers(): { userId: number; displayName: string; isHost: boolean; isManager: boolean }[];
}

export interface CommandClient {
  send(text: string, userId?: number): Promise<CommandChannelMsg>;
}

/** The state of the session's cloud recording (`recording-change {state}`). */
export type CloudRecordingStatus = 'Recording' | 'Paused' | 'Stopped';

/** Cloud recording (`sdk/js/src/recording.js`; docs/egress.md). Each call asks the server. */
export interface RecordingClient extends IndividualRecording {
  /** Host only (5007); 7200 when the server cannot record; 7202 when already recording. */
  startCloudRecording(): ExecutedResult;
  stopCloudRecording(): ExecutedResult;
  /** The paused time is left out of the file. */
  pauseCloudRecording(): ExecutedResult;
  resumeCloudRecording(): ExecutedResult;
  /** From the join reply and `recording-change` since ('Stopped' outside a session). */
  getCloudRecordingStatus(): CloudRecordingStatus;
  /** The host, on a server that can record. */
  canStartRecording(): boolean;
}

/** Live streaming (`sdk/js/src/live-stream.js`; docs/egress.md). Each call asks the server. */
export interface LiveStreamClient {
  /** Host only (5007); 7401 unless `rtmp://`/`rtmps://`; 7402 when already streaming. */
  startLiveStream(streamUrl: string, streamKey: string, broadcastUrl: string): ExecutedResult;
  stopLiveStream(): ExecutedResult;
  /** True while joined (a server without ffmpeg answers `startLiveStream` with 7400). */
  isLiveStreamEnabled(): boolean;
  /** `LiveStreamStatus`: 0 Ended, 1 InProgress, 2 Connecting, 3 Timeout. */
  getLiveStreamStatus(): LiveStreamStatus;
}

/** A subsession as created, or as given to `openSubsessions` (`userList`: its assigned users). */
export interface Subsession {
  subsessionId: string;
  subsessionName: string;
  userList: Array<Pick<Participant, 'userId' | 'displayName' | 'avatar'>>;
}

/** A subsession as `getSubsessionList()` gives it. */
export interface SubsessionListItem {
  subsessionId: string;
  subsessionName: string;
  /** The host and managers get the users: those assigned, and whether each is in it now; others get `[]`. */
  userList: Array<Pick<Participant, 'userId' | 'displayName'> & { isInSubsession: boolean }>;
}

/** `openSubsessions` options; left out: the reference's defaults (shown). Durations are capped at a day. */
export interface SubsessionOption {
  /** Assigned users are moved in at once instead of invited (false). */
  isAutoJoinSubsession?: boolean;
  /** Users may go back to the main session themselves (true). */
  isBackToMainSessionEnabled?: boolean;
  /** A timer runs (false): `subsession-countdown` each second, `subsession-time-up` at the end. */
  isTimerEnabled?: boolean;
  /** Seconds (1800). */
  timerDuration?: number;
  /** The subsessions close when the timer ends (false). */
  isTimerAutoEnabled?: boolean;
  /** The closing countdown, seconds (60). */
  waitSeconds?: number;
  /** Accepted (true): Convene always moves everyone back when the subsessions close. */
  isAutoMoveBackToMainSession?: boolean;
  /** Users may join any subsession, not only their assigned one (false). */
  isSubsessionSelectionEnabled?: boolean;
}

/**
 * Breakout rooms (`sdk/js/src/subsession.js`; docs/subsessions.md). Each call asks the server:
 * host and manager calls answer 5006 to others; 7502 unknown room, 7503 user not allowed,
 * 7504 wrong state. The getters answer at once from the last `subsession-state` and this
 * user's moves.
 */
export interface SubsessionClient {
  /** Host/manager: a count, a name or names (1-100 rooms, 7501 above). Resolves the rooms. */
  createSubsessions(data: number | string | string[], pattern?: SubsessionAllocationPattern): Promise<Subsession[]>;
  /** Host/manager: opens the created rooms with these assignments. */
  openSubsessions(subsessions: Subsession[], options?: SubsessionOption): ExecutedResult;
  joinSubsession(subsessionId: string): ExecutedResult;
  /** 7505 when `isBackToMainSessionEnabled` is off (host and managers always may). */
  leaveSubsession(): ExecutedResult;
  askForHelp(): ExecutedResult;
  postponeHelping(userId: number): ExecutedResult;
  /** 1-1024 bytes (7507); rooms open only (7506). */
  broadcast(content: string): ExecutedResult;
  assignUserToSubsession(userId: number, targetSubsessionId: string): ExecutedResult;
  moveUserToSubsession(userId: number, targetSubsessionId: string): ExecutedResult;
  /** Everyone gets `closing-subsession-countdown` from `waitSeconds`; then everyone is back. */
  closeAllSubsessions(): ExecutedResult;
  moveBackToMainSession(userId: number): ExecutedResult;
  /** Not supported by this server: 7508. */
  startBroadcastVoice(): ExecutedResult;
  /** Not supported by this server: 7508. */
  stopBroadcastVoice(): ExecutedResult;
  /** The main session's users in no room's list; `[]` from a subsession. */
  getUnassignedUserList(): Participant[];
  getSubsessionList(): SubsessionListItem[];
  getUserStatus(): SubsessionUserStatus;
  getSubsessionStatus(): SubsessionStatus;
  /** The room this user is in or invited to (`''` in the main session). */
  getCurrentSubsession(): { userStatus: SubsessionUserStatus; subsessionName: string; subsessionId: string };
  getSubsessionOptions(): SubsessionOption;
  /** Always true. */
  isSubsessionEnabled(): boolean;
}

export interface AudioOption {
  mute?: boolean;
  microphoneId?: string;
  speakerOnly?: boolean;
}

export interface CaptureVideoOption {
  cameraId?: string;
  hd?: boolean;
  fullHd?: boolean;
  captureWidth?: number;
  captureHeight?: number;
  fps?: number;
  customVideoConstraints?: MediaTrackConstraints;
}

export interface MediaDevice {
  label: string;
  deviceId: string;
}

/**
 * Statistics of one direction of audio: `rtt`, `jitter` in ms; `avg_loss` (since the start)
 * and `max_loss` (worst one-second sample) in percent of packets; `bitrate` (last second) and
 * `bandwidth` (the browser's estimate of the available rate, 0 if none) in bits/s;
 * `sample_rate` the codec's clock rate.
 */
export interface AudioQosData {
  sample_rate: number;
  rtt: number;
  jitter: number;
  avg_loss: number;
  max_loss: number;
  bandwidth: number;
  bitrate: number;
}
/** As `AudioQosData`, plus the largest stream's `width`, `height` and `fps`. */
export interface VideoQosData extends AudioQosData {
  width: number;
  height: number;
  fps: number;
}

export interface Stream extends StreamUnsupported {
  startAudio(options?: AudioOption): ExecutedResult;
  stopAudio(): ExecutedResult;
  muteAudio(userId?: number): ExecutedResult;
  unmuteAudio(userId?: number): ExecutedResult;
  muteAllAudio(): ExecutedResult;
  unmuteAllAudio(): ExecutedResult;
  isAudioMuted(userId?: number): boolean;
  /** Always true: users may unmute themselves; the host only asks others to. */
  isAllowAudioUnmutedBySelf(): boolean;
  startVideo(option?: CaptureVideoOption): ExecutedResult;
  stopVideo(): ExecutedResult;
  isCapturingVideo(): boolean;
  /** Own user: the local camera, no server request. A `<video>` given is played in as is. */
  attachVideo(userId: number, videoQuality?: VideoQuality, element?: string | VideoPlayer | HTMLElement): Promise<VideoPlayer | HTMLVideoElement>;
  detachVideo(userId: number, element?: string | VideoPlayer | HTMLElement): Promise<VideoPlayer | HTMLVideoElement | Array<VideoPlayer | HTMLVideoElement> | undefined>;
  mirrorVideo(mirrored: boolean): ExecutedResult;
  isVideoMirrored(): boolean;
  /** `x`, `y` from the canvas's lower left corner. */
  renderVideo(canvas: HTMLCanvasElement | HTMLVideoElement, userId: number, width: number | undefined, height: number | undefined,
    x: number | undefined, y: number | undefined, videoQuality: VideoQuality, additionalUserKey?: string): Promise<''>;
  stopRenderVideo(canvas: HTMLCanvasElement | HTMLVideoElement, userId: number, additionalUserKey?: string,
    underlyingColor?: string, isKeepLastFrame?: boolean, replacedUserId?: number): ExecutedResult;
  adjustRenderedVideoPosition(canvas: HTMLCanvasElement | HTMLVideoElement, userId: number, width?: number, height?: number,
    x?: number, y?: number, additionalUserKey?: string): ExecutedResult;
  /** Always false: a canvas draws the own video too. */
  isRenderSelfViewWithVideoElement(): boolean;
  startShareScreen(element?: HTMLVideoElement | HTMLCanvasElement): ExecutedResult;
  stopShareScreen(): ExecutedResult;
  attachShareView(userId?: number, element?: string | VideoPlayer | HTMLElement): Promise<VideoPlayer | HTMLVideoElement>;
  detachShareView(userId?: number, element?: string | VideoPlayer | HTMLElement): Promise<VideoPlayer | HTMLVideoElement | Array<VideoPlayer | HTMLVideoElement>>;
  /** `'sharing'`, `'paused'` (`pauseShareScreen`) or `'ended'`. */
  getShareStatus(): ShareStatus;
  /** Sends nothing of the share until `resumeShareScreen`; 6205 without a share to pause. */
  pauseShareScreen(): ExecutedResult;
  /** Resumes a paused share; 6205 without one. */
  resumeShareScreen(): ExecutedResult;
  /** The last levels (0-5) reported for a user (default: oneself). */
  getNetworkQuality(userId?: number): { uplink?: number; downlink?: number };
  lockShare(isLocked: boolean): ExecutedResult;
  isShareLocked(): boolean;
  setSharePrivilege(privilege: SharePrivilege): ExecutedResult;
  getSharePrivilege(): SharePrivilege;
  getActiveShareUserId(): number;
  getShareUserList(): Participant[];
  /** The devices last enumerated (at init, join, capture, `getDevices`, `device-change`). */
  getCameraList(): MediaDevice[];
  getMicList(): MediaDevice[];
  getSpeakerList(): MediaDevice[];
  getMaxRenderableVideos(): number;
  /** 1: one share is received at a time. */
  getMaxRenderableShareViews(): number;
  /** `Video_1080P`: the full-size layer, as captured. */
  getVideoMaxQuality(): VideoQuality;
  /** The camera's capture size now; zeros while it is off. */
  getCapturedVideoResolution(): { width: number; height: number };
  /** Always false: the share previews in a `<video>` or in nothing. */
  isStartShareScreenWithVideoElement(): boolean;
  getActiveMicrophone(): string;
  getActiveCamera(): string;
  getActiveSpeaker(): string;
  /** Without a capture running: the device the next start opens. */
  switchMicrophone(microphoneId: string): ExecutedResult;
  switchCamera(cameraDeviceId: string | MobileVideoFacingMode): ExecutedResult;
  switchSpeaker(speakerId: string): ExecutedResult;
  /** Convene: whether `switchSpeaker` can work here. */
  isSupportSpeakerSelection(): boolean;
  isSupportMultipleVideos(): boolean;
  isSupportHDVideo(): boolean;
  /** `audio-statistic-data-change` once a second per direction (both by default). */
  subscribeAudioStatisticData(type?: { encode?: boolean; decode?: boolean }): ExecutedResult;
  unsubscribeAudioStatisticData(type?: { encode?: boolean; decode?: boolean }): ExecutedResult;
  subscribeVideoStatisticData(type?: { encode?: boolean; decode?: boolean; detailed?: boolean }): ExecutedResult;
  unsubscribeVideoStatisticData(type?: { encode?: boolean; decode?: boolean; detailed?: boolean }): ExecutedResult;
  /** Sent (`encode`) and received (`decode`) audio, sampled once a second; zeros before the first sample. */
  getAudioStatisticData(): { encode: AudioQosData; decode: AudioQosData };
  getVideoStatisticData(): { encode: VideoQosData; decode: VideoQosData };
  /** Convene: the peer connection, for diagnostics. */
  getPeerConnection(): RTCPeerConnection | null;
}

/**
 * `<video-player>`: one video (a `<video>` in its shadow root). Attributes `node-id` and
 * `video-quality`. Also answers as the `<video>` it wraps (`videoWidth`, `srcObject`, ...).
 */
export declare class VideoPlayer extends HTMLElement {
  ['node-id']: string;
  ['video-quality']: string;
  readonly video: HTMLVideoElement;
  readonly videoWidth: number;
  readonly videoHeight: number;
  srcObject: MediaProvider | null;
  muted: boolean;
  play(): Promise<void>;
  pause(): void;
  getVideoPlaybackQuality(): VideoPlaybackQuality;
  requestVideoFrameCallback(callback: VideoFrameRequestCallback): number;
}
/** `<video-player-container>`: the area an app lays its players out in. */
export declare class VideoPlayerContainer extends HTMLElement {}

export interface LocalVideoTrack {
  start(element?: HTMLVideoElement | VideoPlayer): Promise<void>;
  stop(): Promise<void>;
  switchCamera(deviceId: string): Promise<void>;
  /** Virtual backgrounds are not provided: rejects with 5100. */
  updateVirtualBackground(imageUrl?: string, cropped?: boolean): NotSupported;
}

export interface TestSpeakerOption {
  speakerId?: string;
  sampleAudioUrl?: string;
  onAnalyseFrequency?: (averageFrequency: number) => void;
}

export interface TestMicrophoneOption {
  microphoneId?: string;
  speakerId?: string;
  recordAndPlay?: boolean;
  /** Seconds (default 5). */
  maxRecordDuration?: number;
  onAnalyseFrequency?: (averageFrequency: number) => void;
  onStartRecording?: () => void;
  onStopRecording?: () => void;
  onStartPlayRecording?: () => void;
  onStopPlayRecording?: () => void;
}

export interface LocalAudioTrack {
  start(): Promise<void>;
  mute(): Promise<void>;
  unmute(): Promise<void>;
  stop(): Promise<void>;
  getCurrentVolume(): number;
  testSpeaker(options?: TestSpeakerOption): { stop(): void; destroy(): void };
  testMicrophone(options?: TestMicrophoneOption): { stop(): void; stopRecording(): void; destroy(): void };
}

// ---- features Convene does not provide (src/unsupported.js; docs/compat.md) ----------------

/**
 * The code of the one failure every call into a feature Convene does not provide rejects
 * with: `{type: 'INVALID_OPERATION', reason: 'not supported by this server: ...', errorCode: 5100}`.
 */
export declare const FeatureNotSupported: 5100;
/** A call into a feature Convene does not provide: always rejects with `FeatureNotSupported`. */
export type NotSupported = Promise<never>;

/** `getLoggerClient` options. */
export interface LoggerInitOption {
  /** Also print each report to the console. */
  debugMode?: boolean;
  /** Carried by every report. */
  trackingId?: string;
}
/** A report the logger client recorded. */
export interface LoggerReport {
  kind: 'tracing' | 'rating';
  /** ms since the epoch. */
  time: number;
  trackingId?: string;
  rating?: number;
  feedback?: string;
  /** The session and user, when joined. */
  session?: { sessionId: string; userId: number };
}
/** The logger client: reports are kept in memory (at most 100) and not sent anywhere. */
export interface LoggerClient {
  reportToGlobalTracing(): Promise<void>;
  /** `rating` 1 (poor) to 5 (good); anything else rejects 4003. */
  reportRating(rating: number, feedback?: string): Promise<void>;
  /** Convene: the reports so far, oldest first. */
  getReports(): LoggerReport[];
}

export interface Language { code: string; name: string }

export interface LiveTranscriptionStatus {
  isLiveTranscriptionEnabled: boolean;
  isLiveTranslationEnabled: boolean;
  isHostDisableCaptions: boolean;
  isHostLockTranscriptionLanguage: boolean;
  isManualCaptionerEnabled: boolean;
  transcriptionLanguage: string;
  translationLanguage: { speakingLanguage: string; translatedToLanguage: string }[];
}
/** Not provided: `getLiveTranscriptionStatus()` has everything off, the rest answers nothing. */
export interface LiveTranscriptionClient {
  startLiveTranscription(): NotSupported;
  setSpeakingLanguage(language: LiveTranscriptionLanguage, options?: { mode: TranscriptionMode }): NotSupported;
  setTranslationLanguage(language?: LiveTranscriptionLanguage): NotSupported;
  disableCaptions(disable: boolean): NotSupported;
  lockTranscriptionLanguage(isLock: boolean): NotSupported;
  getLiveTranscriptionStatus(): LiveTranscriptionStatus;
  getCurrentTranscriptionLanguage(): Language | null;
  getCurrentTranslationLanguage(): Language | null;
  getLatestTranscription(): string;
  getLatestTranslation(): string;
  /** Always empty. */
  getFullTranscriptionHistory(): never[];
}

/** Not provided: the whiteboard is closed and nobody presents. */
export interface WhiteboardClient {
  startWhiteboardScreen(element: HTMLElement, options?: object): NotSupported;
  stopWhiteboardScreen(): NotSupported;
  startWhiteboardView(element: HTMLElement, presenterId: number, options?: object): NotSupported;
  stopWhiteboardView(): NotSupported;
  exportWhiteboard(format: 'pdf', name?: string, includeComments?: boolean): NotSupported;
  isWhiteboardEnabled(): false;
  getWhiteboardStatus(): WhiteboardStatus;
  getWhiteboardPresenter(): Participant | null;
  canStartWhiteboard(): false;
}

/** Not provided: the status is `Closed`. */
export interface BroadcastStreamingClient {
  startBroadcast(): NotSupported;
  stopBroadcast(channelId?: string): NotSupported;
  getBroadcastStreamingStatus(): { status: BroadcastStreamingStatus; channelId: string };
  isBroadcastStreamingEnable(): false;
}

/** Not provided: the status is `None`. */
export interface RealTimeMediaStreamsClient {
  isSupportRealTimeMediaStreams(): false;
  canStartRealTimeMediaStreams(): false;
  startRealTimeMediaStreams(): NotSupported;
  pauseRealTimeMediaStreams(): NotSupported;
  resumeRealTimeMediaStreams(): NotSupported;
  stopRealTimeMediaStreams(): NotSupported;
  getRealTimeMediaStreamsStatus(): RealTimeMediaStreamsStatus;
}

export interface VoiceTimbre { timbreIndex: number; name: string; voiceUrl: string }
export interface VoiceTranslatorStatus {
  isVoiceTranslatorEnabled: boolean;
  isVoiceTranslatorOn: boolean;
  voiceTranslatorLanguage: string;
  voiceTranslatorVoiceTimberList: VoiceTimbre[];
  voiceTranslatorLanguagePair: { speakingLanguage: string; translatedToLanguage: string }[];
}
/** Not provided: the status has everything off. */
export interface VoiceTranslatorClient {
  startVoiceTranslator(): NotSupported;
  stopVoiceTranslator(): NotSupported;
  setSpeakingLanguage(language: string): NotSupported;
  setListeningLanguage(language: string): NotSupported;
  setOriginalAudioBalance(balance: number): NotSupported;
  setTranslatedVoiceStyle(timbreId: number): NotSupported;
  getVoiceTranslatorStatus(): VoiceTranslatorStatus;
  getCurrentSpeakingLanguage(): Language | null;
  getCurrentListeningLanguage(): Language | null;
  getCurrentTimbre(): VoiceTimbre | null;
  getOriginalAudioBalance(): number | null;
}

export interface IncomingLiveStreamStatus { isRTMPConnected: boolean; isStreamPushed: boolean; streamId: string }
/** Not provided: nothing is connected. */
export interface IncomingLiveStreamClient {
  bindIncomingLiveStream(streamId: string): NotSupported;
  unbindIncomingLiveStream(streamId: string): NotSupported;
  startIncomingLiveStream(streamId: string): NotSupported;
  stopIncomingLiveStream(streamId: string): NotSupported;
  getIncomingLiveStreamStatus(): IncomingLiveStreamStatus;
}

/** Processors: not provided. Constructing one throws `FeatureNotSupported`'s failure. */
export declare abstract class VideoProcessor {
  constructor(port: MessagePort, options?: any);
}
/** Not provided, as `VideoProcessor`. */
export declare abstract class AudioProcessor {
  constructor(port: MessagePort, options?: any);
}
/** Not provided, as `VideoProcessor`. */
export declare abstract class ShareProcessor {
  constructor(port: MessagePort, options?: any);
}
/** Not provided: throws `FeatureNotSupported`'s failure. */
export declare function registerProcessor(
  name: string, processor: typeof VideoProcessor | typeof AudioProcessor | typeof ShareProcessor): void;

/** The clients `VideoClient.get*Client()` makes for features Convene does not provide. */
export interface UnsupportedClients {
  LiveTranscriptionClient: LiveTranscriptionClient;
  WhiteboardClient: WhiteboardClient;
  BroadcastStreamingClient: BroadcastStreamingClient;
  RealTimeMediaStreamsClient: RealTimeMediaStreamsClient;
  VoiceTranslatorClient: VoiceTranslatorClient;
  IncomingLiveStreamClient: IncomingLiveStreamClient;
}

/** Chat file transfer: not provided. */
export interface ChatFileTransfer {
  sendFile(file: File | string, userId: number): NotSupported;
  downloadFile(id: string, fileUrl: string, blob?: boolean): NotSupported;
  isFileTransferEnabled(): false;
  /** Always `{}`. */
  getFileTransferSetting(): { typeLimit?: string; sizeLimit?: number };
}

/** Individual recording: not provided. */
export interface IndividualRecording {
  acceptIndividualRecording(): NotSupported;
  declineIndividualRecording(): NotSupported;
}

export interface PTZCameraCapability { pan: boolean; tilt: boolean; zoom: boolean }

/**
 * The media stream's calls of features Convene does not provide (src/unsupported.js names
 * each call's feature: phone dial-out, virtual background, annotation, remote control,
 * processors, ...). Calls reject (`NotSupported`), questions answer false, getters answer the
 * feature's "nothing".
 */
export interface StreamUnsupported {
  inviteByPhone(countryCode: string, phoneNumber: string, name: string, options?: object): NotSupported;
  cancelInviteByPhone(countryCode: string, phoneNumber: string, options?: { callMe?: boolean }): NotSupported;
  hangup(): NotSupported;
  isSupportPhoneFeature(): false;
  getCurrentSessionCallinInfo(): { meetingId: string; tollNumbers: never[] };
  getSupportCountryInfo(): never[];
  /** Always undefined: no call. */
  getInviteByPhoneStatus(): DialoutState | undefined;
  getSessionSIPAddress(): string;
  getPhoneWelcomeMessageInfoList(): never[];
  callCRCDevice(ipAddress: string, protocol: CRCProtocol): NotSupported;
  cancelCallCRCDevice(ipAddress: string, protocol: CRCProtocol): NotSupported;
  muteShareAudio(userId?: number): NotSupported;
  unmuteShareAudio(userId?: number): NotSupported;
  isOthersShareAudioMutedLocally(userId: number): false;
  getShareAudioStatus(): { isShareAudioEnabled: boolean; isShareAudioMuted: boolean; isSharingAudio: boolean };
  /** Convene shares the screen without its audio. */
  isSupportMicrophoneAndShareAudioSimultaneously(): false;
  muteUserAudioLocally(userId: number): NotSupported;
  unmuteUserAudioLocally(userId: number): NotSupported;
  adjustUserAudioVolumeLocally(userId: number, volume: number): NotSupported;
  muteAllUserAudioLocally(): NotSupported;
  unmuteAllUserAudioLocally(): NotSupported;
  isUserAudioMutedLocally(userId: number): false;
  /** Always 100: nobody's volume is changed locally. */
  getUserVolumeLocally(userId: number): number;
  enableBackgroundNoiseSuppression(enabled: boolean): NotSupported;
  isSupportBackgroundNoiseSuppression(): false;
  enableOriginalSound(enable: boolean | { hifi?: boolean; stereo?: boolean }): NotSupported;
  enableSyncButtonsOnHeadset(enabled: boolean): NotSupported;
  startSecondaryAudio(deviceId: string, constraints?: MediaTrackConstraints): NotSupported;
  stopSecondaryAudio(): NotSupported;
  muteAudioUponStartAudio(enable?: boolean): NotSupported;
  allowAudioUnmutedBySelf(enable: boolean): NotSupported;
  getAudioMediaPlaybackController(): null;
  getVideoMediaPlaybackController(): null;
  updateVideoCanvasDimension(canvas: HTMLCanvasElement, width: number, height: number): NotSupported;
  clearVideoCanvas(canvas: HTMLCanvasElement, underlyingColor?: string | object): NotSupported;
  enableHardwareAcceleration(enable: boolean | { encode?: boolean; decode?: boolean }): NotSupported;
  previewVirtualBackground(previewDOMElement: VideoPlayer | HTMLCanvasElement, imageUrl: string | undefined, cropped?: boolean, cameraId?: string): NotSupported;
  updateVirtualBackgroundImage(imageUrl: string | undefined, cropped?: boolean): NotSupported;
  stopPreviewVirtualBackground(): NotSupported;
  isSupportVirtualBackground(): false;
  getVirtualbackgroundStatus(): { isVBPreloadReady?: boolean; isVBConfigured?: boolean; imageSrc?: string };
  previewVideoMask(canvas: HTMLCanvasElement, option: object): NotSupported;
  updateVideoMask(option: object): NotSupported;
  stopPreviewVideoMask(): NotSupported;
  /** Always `{}`. */
  getVideoMaskStatus(): { imageUrl?: string | null; cropped?: boolean };
  spotlightVideo(userId: number, isReplaced?: boolean): NotSupported;
  removeSpotlightedVideo(userId?: number): NotSupported;
  removeAllSpotlightedVideos(): NotSupported;
  getSpotlightedUserList(): Participant[];
  screenshotVideo(userId: number): NotSupported;
  screenshotShareView(userId?: number): NotSupported;
  subscribeSystemResourceUsage(): NotSupported;
  unsubscribeSystemResourceUsage(): NotSupported;
  subscribeWebRTCStatsReportData(): NotSupported;
  unsubscribeWebRTCStatsReportData(): NotSupported;
  getWebRTCStatsReportData(): null;
  isCameraTaken(): false;
  isCaptureForbidden(): false;
  /** Always 0. */
  getActiveVideoId(): number;
  /** Always zeros. */
  getReceivedVideoDimension(): { width: number; height: number };
  startShareView(canvas: HTMLCanvasElement, activeUserId: number): NotSupported;
  stopShareView(): NotSupported;
  switchShareView(activeNodeId: number): NotSupported;
  updateSharingCanvasDimension(width: number, height: number): NotSupported;
  updateShareViewQuality(userId: number, quality: ShareViewQuality): NotSupported;
  startShareCamera(canvas: HTMLCanvasElement | HTMLVideoElement, cameraId: string | MobileVideoFacingMode, hd?: boolean): NotSupported;
  switchSharingSecondaryCamera(cameraId: string): NotSupported;
  requestShareCamera(userId: number, shareSource: MobileVideoFacingMode, startAnnotation: boolean): NotSupported;
  approveShareCamera(requestId: number, userId: number): NotSupported;
  declineShareCamera(requestId: number, userId: number): NotSupported;
  informShareCameraStatus(requestId: number, userId: number, status: ShareCameraRemoteStatus): NotSupported;
  shareToSubsession(): NotSupported;
  stopShareToSubsession(): NotSupported;
  enableOptimizeForSharedVideo(enable: boolean): NotSupported;
  updateSharedVideoQuality(quality: VideoQuality): NotSupported;
  isOptimizeForSharedVideoEnabled(): false;
  isSupportOptimizedForSharedVideo(): false;
  subscribeShareStatisticData(type?: { encode?: boolean; decode?: boolean }): NotSupported;
  unsubscribeShareStatisticData(type?: { encode?: boolean; decode?: boolean }): NotSupported;
  /** Always `{}`. */
  getShareStatisticData(): { encode?: VideoQosData; decode?: VideoQosData };
  /** Always `{}`. */
  getShareStreamSettings(): { width?: number; height?: number };
  startAnnotation(): NotSupported;
  stopAnnotation(): NotSupported;
  changeAnnotationPrivilege(enable: boolean): NotSupported;
  showAnnotatorName(enable: boolean): NotSupported;
  canDoAnnotation(): false;
  getAnnotationController(): null;
  requestFarEndCameraControl(userId: number): NotSupported;
  approveFarEndCameraControl(userId: number): NotSupported;
  declineFarEndCameraControl(userId: number): NotSupported;
  giveUpFarEndCameraControl(userId: number): NotSupported;
  controlCamera(option: object): NotSupported;
  controlFarEndCamera(option: object): NotSupported;
  getFarEndCameraPTZCapability(userId: number): PTZCameraCapability;
  getCameraPTZCapability(cameraId?: string): PTZCameraCapability;
  isBrowserSupportPTZ(): false;
  requestRemoteControl(): NotSupported;
  approveRemoteControl(userId: number, runAsAdmin?: boolean): NotSupported;
  declineRemoteControl(userId: number): NotSupported;
  stopRemoteControl(): NotSupported;
  giveUpRemoteControl(): NotSupported;
  startRemoteControl(viewport: HTMLElement): NotSupported;
  grabRemoteControl(): NotSupported;
  launchRemoteControlApp(isAutoDeleteApp?: boolean): NotSupported;
  isRemotelyControlApproved(): false;
  isControllingUserRemotely(): false;
  isTargetShareSupportRemoteControl(userId: number): false;
  getRemoteControlAppDownloadUrl(): string;
  getRemotelyControllingUser(): Participant | null;
  isRemoteControlEnabled(): false;
  createProcessor(param: object): NotSupported;
  addProcessor(processor: object): NotSupported;
  removeProcessor(processor: object): NotSupported;
  isSupportVideoProcessor(): false;
  isSupportAudioProcessor(): false;
  isSupportShareProcessor(): false;
}

/** The default export. */
export interface ConveneVideoNamespace {
  VERSION: string;
  VideoQuality: typeof VideoQuality;
  SharePrivilege: typeof SharePrivilege;
  ChatPrivilege: typeof ChatPrivilege;
  /** The page's one client (the same instance until `destroyClient`). */
  createClient(): VideoClient;
  destroyClient(): Promise<void>;
  checkSystemRequirements(): { audio: boolean; video: boolean; screen: boolean };
  checkFeatureRequirements(): { platform: string; supportFeatures: string[]; unSupportFeatures: string[] };
  getDevices(skipPermissionCheck?: boolean): Promise<MediaDeviceInfo[]>;
  createLocalVideoTrack(deviceId?: string): LocalVideoTrack;
  createLocalAudioTrack(deviceId?: string): LocalAudioTrack;
  preloadDependentAssets(path?: string): void;
  /** A network test before joining, against `webEndpoint`'s server (default: this page's). */
  createProber(options?: { webEndpoint?: string }): Prober;
}

/** What `Prober.diagnose` measured over the media path (docs/probe.md). */
export interface ProbeReport {
  /** Median round-trip time of the echoes, ms. */
  rttMs: number;
  /** Mean difference of consecutive round-trip times, ms. */
  jitterMs: number;
  /** Echoes that never came back, percent. */
  lossPercent: number;
  /** What the server received of the test's filler, kbit/s. */
  uplinkKbps: number;
  /** What the test received of the server's paced filler, kbit/s. */
  downlinkKbps: number;
  /** 0 (unusable) to 5 (excellent): the server's quality rule for these figures. */
  level: number;
  /** The transport of the selected candidate pair: ICE over TCP where UDP is blocked. */
  protocol: 'udp' | 'tcp';
}

/** Progress of a test. */
export interface ProbeProgress {
  phase: 'connecting' | 'latency' | 'uplink' | 'downlink' | 'done';
  /** 0–100 within the phase. */
  progress: number;
}

/** Network tests before joining: `ConveneVideo.createProber()`. */
export interface Prober {
  /** One test of `durationMs` (default 5000, at most 25000) after connecting. */
  diagnose(options?: { durationMs?: number; onProgress?: (p: ProbeProgress) => void }): Promise<ProbeReport>;
}

declare const ConveneVideo: ConveneVideoNamespace;
export default ConveneVideo;

// Every enum of the reference, as exported by name from the module (src/enums.js): a frozen
// object, a union type of its values, and a namespace so that `X.Member` is a type too.
// enums:begin (generated by scripts/reference-exports.mjs from src/enums.js; do not edit)
export declare const ActiveMediaFailedCode: Readonly<{
  AudioConnectionFailed: 101; AudioStreamEnded: 102; MicrophonePermissionReset: 103; AudioStreamFailed: 104;
  MicrophoneMuted: 105; AudioStreamMuted: 106; AudioPlaybackInterrupted: 107; VideoConnectionFailed: 201;
  VideoStreamEnded: 202; CameraPermissionReset: 203; WebGlContextInvalid: 204; WasmOutOfMemory: 205;
  VideoStreamFailed: 206; VideoStreamMuted: 207; SharingStreamFailed: 301;
}>;
export type ActiveMediaFailedCode = (typeof ActiveMediaFailedCode)[keyof typeof ActiveMediaFailedCode];
export declare namespace ActiveMediaFailedCode {
  type AudioConnectionFailed = 101; type AudioStreamEnded = 102; type MicrophonePermissionReset = 103;
  type AudioStreamFailed = 104; type MicrophoneMuted = 105; type AudioStreamMuted = 106;
  type AudioPlaybackInterrupted = 107; type VideoConnectionFailed = 201; type VideoStreamEnded = 202;
  type CameraPermissionReset = 203; type WebGlContextInvalid = 204; type WasmOutOfMemory = 205;
  type VideoStreamFailed = 206; type VideoStreamMuted = 207; type SharingStreamFailed = 301;
}
export declare const AnnotationClearType: Readonly<{ Mine: 0; Viewer: 1; All: 2 }>;
export type AnnotationClearType = (typeof AnnotationClearType)[keyof typeof AnnotationClearType];
export declare namespace AnnotationClearType { type Mine = 0; type Viewer = 1; type All = 2; }
export declare const AnnotationToolType: Readonly<{
  None: 0; Pen: 1; Highlighter: 2; Spotlight: 3; Arrow: 4; Eraser: 7; Line: 11; Arrow1: 12; Rectangle: 14;
  RectangleSemiFill: 15; Ellipse: 18; EllipseSemiFill: 19; DoubleArrow: 20; RectangleFill: 21;
  EllipseFill: 23; Diamond: 24; StampArrow: 25; StampCheck: 26; StampX: 27; StampStar: 31; StampHeart: 32;
  StampQuestionMark: 33; FadePen: 36; VanishingPen: 36; DiamondSemiFill: 37; DiamondFill: 38;
  VanishingArrow: 43; VanishingDoubleArrow: 44; VanishingDiamond: 45; VanishingEllipse: 46;
  VanishingRectangle: 47;
}>;
export type AnnotationToolType = (typeof AnnotationToolType)[keyof typeof AnnotationToolType];
export declare namespace AnnotationToolType {
  type None = 0; type Pen = 1; type Highlighter = 2; type Spotlight = 3; type Arrow = 4; type Eraser = 7;
  type Line = 11; type Arrow1 = 12; type Rectangle = 14; type RectangleSemiFill = 15; type Ellipse = 18;
  type EllipseSemiFill = 19; type DoubleArrow = 20; type RectangleFill = 21; type EllipseFill = 23;
  type Diamond = 24; type StampArrow = 25; type StampCheck = 26; type StampX = 27; type StampStar = 31;
  type StampHeart = 32; type StampQuestionMark = 33; type FadePen = 36; type VanishingPen = 36;
  type DiamondSemiFill = 37; type DiamondFill = 38; type VanishingArrow = 43; type VanishingDoubleArrow = 44;
  type VanishingDiamond = 45; type VanishingEllipse = 46; type VanishingRectangle = 47;
}
export declare const ApprovedState: Readonly<{ Approved: "Approved"; Rejected: "Rejected" }>;
export type ApprovedState = (typeof ApprovedState)[keyof typeof ApprovedState];
export declare namespace ApprovedState { type Approved = "Approved"; type Rejected = "Rejected"; }
export declare const AskHostHelpResponse: Readonly<{ Received: 0; Busy: 1; Ignore: 2; AlreadyInRoom: 3 }>;
export type AskHostHelpResponse = (typeof AskHostHelpResponse)[keyof typeof AskHostHelpResponse];
export declare namespace AskHostHelpResponse {
  type Received = 0; type Busy = 1; type Ignore = 2; type AlreadyInRoom = 3;
}
export declare const AudioChangeAction: Readonly<{
  Join: "join"; Leave: "leave"; Muted: "muted"; Unmuted: "unmuted";
}>;
export type AudioChangeAction = (typeof AudioChangeAction)[keyof typeof AudioChangeAction];
export declare namespace AudioChangeAction {
  type Join = "join"; type Leave = "leave"; type Muted = "muted"; type Unmuted = "unmuted";
}
export declare const BroadcastStreamingStatus: Readonly<{
  Init: 0; Pending: 1; InProgress: 2; Closing: 3; Closed: 4;
}>;
export type BroadcastStreamingStatus = (typeof BroadcastStreamingStatus)[keyof typeof BroadcastStreamingStatus];
export declare namespace BroadcastStreamingStatus {
  type Init = 0; type Pending = 1; type InProgress = 2; type Closing = 3; type Closed = 4;
}
export declare const CRCProtocol: Readonly<{ H323: 1; SIP: 2 }>;
export type CRCProtocol = (typeof CRCProtocol)[keyof typeof CRCProtocol];
export declare namespace CRCProtocol { type H323 = 1; type SIP = 2; }
export declare const CRCReturnCode: Readonly<{
  Success: 0; Ringing: 1; Timeout: 2; Busy: 101; Fail: 104; Unreachable: 111;
}>;
export type CRCReturnCode = (typeof CRCReturnCode)[keyof typeof CRCReturnCode];
export declare namespace CRCReturnCode {
  type Success = 0; type Ringing = 1; type Timeout = 2; type Busy = 101; type Fail = 104;
  type Unreachable = 111;
}
export declare const CameraControlCmd: Readonly<{
  ZoomIn: 2; ZoomOut: 3; Left: 4; Right: 5; Up: 6; Down: 7; SwitchCamera: 8;
}>;
export type CameraControlCmd = (typeof CameraControlCmd)[keyof typeof CameraControlCmd];
export declare namespace CameraControlCmd {
  type ZoomIn = 2; type ZoomOut = 3; type Left = 4; type Right = 5; type Up = 6; type Down = 7;
  type SwitchCamera = 8;
}
export declare const ChatFileDownloadStatus: Readonly<{ InProgress: 1; Success: 2; Fail: 3; Cancel: 4 }>;
export type ChatFileDownloadStatus = (typeof ChatFileDownloadStatus)[keyof typeof ChatFileDownloadStatus];
export declare namespace ChatFileDownloadStatus {
  type InProgress = 1; type Success = 2; type Fail = 3; type Cancel = 4;
}
export declare const ChatFileUploadStatus: Readonly<{
  Init: 0; InProgress: 1; Success: 2; Fail: 3; Cancel: 4; Complete: 5;
}>;
export type ChatFileUploadStatus = (typeof ChatFileUploadStatus)[keyof typeof ChatFileUploadStatus];
export declare namespace ChatFileUploadStatus {
  type Init = 0; type InProgress = 1; type Success = 2; type Fail = 3; type Cancel = 4; type Complete = 5;
}
export declare const ChatMsgType: Readonly<{ All: 0 }>;
export type ChatMsgType = (typeof ChatMsgType)[keyof typeof ChatMsgType];
export declare namespace ChatMsgType { type All = 0; }
export declare const ChatPrivilege: Readonly<{ All: 1; NoOne: 4; EveryonePublicly: 5 }>;
export type ChatPrivilege = (typeof ChatPrivilege)[keyof typeof ChatPrivilege];
export declare namespace ChatPrivilege { type All = 1; type NoOne = 4; type EveryonePublicly = 5; }
export declare const ConnectionState: Readonly<{
  Connected: "Connected"; Reconnecting: "Reconnecting"; Closed: "Closed"; Fail: "Fail";
}>;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];
export declare namespace ConnectionState {
  type Connected = "Connected"; type Reconnecting = "Reconnecting"; type Closed = "Closed";
  type Fail = "Fail";
}
export declare const DialoutState: Readonly<{
  Calling: 1; Ringing: 2; Accepted: 3; Busy: 4; NotAvailable: 5; HangUp: 6; Fail: 7; Success: 8; Timeout: 9;
  Canceling: 10; Canceled: 11; CancelFailed: 12; NoAnswer: 13; AnsweredByMachine: 17;
}>;
export type DialoutState = (typeof DialoutState)[keyof typeof DialoutState];
export declare namespace DialoutState {
  type Calling = 1; type Ringing = 2; type Accepted = 3; type Busy = 4; type NotAvailable = 5;
  type HangUp = 6; type Fail = 7; type Success = 8; type Timeout = 9; type Canceling = 10; type Canceled = 11;
  type CancelFailed = 12; type NoAnswer = 13; type AnsweredByMachine = 17;
}
export declare const ExceptionCode: Readonly<{
  OPERATION_TIMEOUT: 1; INTERNAL_ERROR: 2; OPERATION_CANCELLED: 3; SESSION_FETCH_INFO_ERROR: 200;
  SESSION_IN_ANOTHER_SESSION: 3000; SESSION_INCORRECT_PASSCODE: 3004; SESSION_NOT_STARTED: 3008;
  SESSION_USER_REMOVED: 3009; SESSION_ROLE_TYPE_ERROR: 3010; SESSION_WEBINAR_USER_REMOVED: 3620;
  SESSION_INVALID_PARAMETER: 4003; SESSION_ENDED: 4004; SESSION_EXCEED_CAPACITY: 4005; SESSION_LOCKED: 4006;
  SESSION_IB_BLOCKED: 4007; SESSION_PARTICIPANT_EXIST: 4008; CLIENT_PLATFORM_UNSUPPORTED: 5000;
  CLIENT_DEPENDENT_ASSETS_INACCESSIBLE: 5001; CLIENT_SESSION_STATE_CLOSED: 5002;
  CLIENT_SESSION_STATE_RECONNECTING: 5003; CLIENT_SESSION_STATE_ON_HOLD: 5004;
  CLIENT_SESSION_NOT_WEBINAR: 5005; CLIENT_HOST_OR_MANAGER_PERMISSION_REQUIRED: 5006;
  CLIENT_HOST_PERMISSION_REQUIRED: 5007; CLIENT_ORIGIN_HOST_PERMISSION_REQUIRED: 5008;
  CLIENT_ATTENDEE_APPLICABLE_ONLY: 5009; CLIENT_PARTICIPANT_APPLICABLE_ONLY: 5010; CLIENT_MISMATCH_USER: 5011;
  CLIENT_DUPLICATED_JOIN: 5012; CLIENT_INVALID_JOIN_PARAMETER: 5013; CLIENT_HOST_DISALLOW_RENAME: 5014;
  STREAM_MISMATCH_DEVICE: 6000; STREAM_MISMATCH_USER: 6001; STREAM_SESSION_JOIN_REQUIRED: 6002;
  STREAM_MISMATCH_RENDER_ELEMENT: 6003; AUDIO_CAPTURE_FAILED: 6010; AUDIO_CAPTURE_LOADING: 6011;
  AUDIO_IN_PSTN: 6012; AUDIO_ENCODING_REQUIRED: 6013; AUDIO_SHARE_AUDIO_CONFLICT: 6014;
  AUDIO_NOT_STARTED: 6015; AUDIO_ATTENDEE_NOT_ALLOWED: 6016; SECONDARY_AUDIO_UNSUPPORTED: 6017;
  SECONDARY_AUDIO_DEVICE_CONFLICT: 6018; SECONDARY_AUDIO_SCREEN_SHARING_CONFLICT: 6019;
  SECONDARY_AUDIO_NOT_STARTED: 6020; PSTN_MISMATCH_COUNTRY_CODE: 6021; PSTN_NOT_CONNECTED: 6022;
  CRC_NOT_CONNECTED: 6023; AUDIO_ALLOW_TALK_UNSUPPORTED: 6024; AUDIO_ALLOW_TALK_MISMATCH_USER: 6025;
  AUDIO_PROCESSOR_UNSUPPORTED: 6026; AUDIO_PROCESSOR_DUPLICATE_CREATE: 6027;
  AUDIO_PROCESSOR_MISMATCH_PROCESSOR: 6028; AUDIO_PROCESSOR_LIMIT_EXCEED: 6029;
  VIDEO_CAMERA_PERMISSION_DENIED: 6100; VIDEO_NO_CAMERA: 6101; VIDEO_MISMATCH_CAMERA: 6102;
  VIDEO_CAMERA_TAKEN: 6103; VIDEO_VB_INITIALIZE_ERROR: 6104; VIDEO_CAPTURE_LOADING: 6105;
  VIDEO_MUTED_BY_HOST: 6106; VIDEO_VB_UNSUPPORTED: 6107; VIDEO_VB_PROCESSOR_CONFLICT: 6108;
  VIDEO_MISMATCH_STATE: 6109; VIDEO_ESTABLISH_STREAM_ERROR: 6110; VIDEO_RENDER_LIMIT_EXCEED: 6111;
  VIDEO_METHOD_DEPRECATED: 6112; VIDEO_VB_IMAGE_INACCESSIBLE: 6113; VIDEO_VB_MISMATCH_STATE: 6114;
  VIDEO_MASK_IMAGE_INACCESSIBLE: 6115; VIDEO_MASK_PROCESSOR_CONFLICT: 6116;
  VIDEO_SPOTLIGHT_MISMATCH_STATE: 6117; VIDEO_SPOTLIGHT_MULTI_CONFLICT: 6118;
  VIDEO_PROCESSOR_UNSUPPORTED: 6119; VIDEO_PROCESSOR_LIMIT_EXCEED: 6120;
  VIDEO_PROCESSOR_DUPLICATE_CREATE: 6121; VIDEO_PROCESSOR_MISMATCH_PROCESSOR: 6122;
  FAR_END_CAMERA_CONTROL_DEVICE_UNSUPPORTED: 6150; FAR_END_CAMERA_CONTROL_MISMATCH_STATE: 6151;
  FAR_END_CAMERA_PERMISSION_REQUIRED: 6152; FAR_END_CAMERA_INVALID_RANGE: 6153;
  FAR_END_CAMERA_RATE_LIMIT: 6154; SCREEN_SHARE_USER_DENIED: 6200; SCREEN_SHARE_SYSTEM_DENIED: 6201;
  SCREEN_SHARE_UNSUPPORTED: 6202; SCREEN_SHARE_SUBSESSION_CONFLICT: 6203;
  SCREEN_SHARE_HOST_PRIVILEGE_REQUIRED: 6204; SCREEN_SHARE_MISMATCH_STATE: 6205;
  SCREEN_SHARE_OPTIMIZE_VIDEO_UNSUPPORTED: 6206; SCREEN_SHARE_OPTIMIZE_VIDEO_CONFLICT: 6207;
  SCREEN_SHARE_INVALID_PRIVILEGE: 6208; SCREEN_SHARE_IB_DENIED: 6209;
  SCREEN_SHARE_ANNOTATION_ACCOUNT_DISABLE: 6210; SCREEN_SHARE_ANNOTATION_NO_ACTIVE_SHARE: 6211;
  SCREEN_SHARE_ANNOTATION_PRESENTER_DISABLED: 6212; SCREEN_SHARE_ANNOTATION_DUPLICATE_START: 6213;
  SCREEN_SHARE_ANNOTATION_START_ERROR: 6214; SCREEN_SHARE_ANNOTATION_INCORRECT_PARAMETER: 6215;
  SCREEN_SHARE_ANNOTATION_NOT_SUPPORT: 6216; SCREEN_SHARE_ANNOTATION_NOT_START: 6217;
  SCREEN_SHARE_LIMIT_EXCEED: 6218; SHARED_PROCESSOR_UNSUPPORTED: 6223;
  SHARED_PROCESSOR_DUPLICATE_CREATE: 6224; SHARED_PROCESSOR_MISMATCH_PROCESSOR: 6225;
  SHARED_PROCESSOR_LIMIT_EXCEED: 6226; REMOTE_CONTROL_ACCOUNT_DISABLE: 6300;
  REMOTE_CONTROL_MISMATCH_STATE: 6301; REMOTE_CONTROL_PERMISSION_REQUIRED: 6302;
  REMOTE_CONTROL_MISMATCH_DISPLAY_SURFACE: 6303; REMOTE_CONTROL_INVALID_LAUNCH_SCHEME: 6304;
  CHAT_EMPTY_MESSAGE: 7000; CHAT_MISMATCH_USER: 7001; CHAT_INSUFFICIENT_PRIVILEGE: 7002;
  CHAT_INVALID_PRIVILEGE: 7003; CHAT_SUBSESSION_CONFLICT: 7004; CHAT_EMPTY_FILE: 7005;
  CHAT_INVALID_RETRY_TOKEN: 7006; CHAT_MISMATCH_FILE_TYPE: 7007; CHAT_EXCEED_FILE_SIZE: 7008;
  CHAT_INVALID_MSG_ID_OR_URL: 7009; CHAT_FILE_ACCOUNT_DISABLE: 7010; CHAT_DELETE_ACCOUNT_DISABLE: 7011;
  CMD_EMPTY_MESSAGE: 7100; CMD_MISMATCH_USER: 7101; CMD_INVALID_MESSAGE_TYPE: 7102;
  CMD_EXCEED_MESSAGE_LENGTH: 7103; CMD_CHANNEL_NOT_READY: 7104; RECORDING_ACCOUNT_DISABLE: 7200;
  RECORDING_STOP_FORBIDDEN: 7201; RECORDING_MISMATCH_STATE: 7202; RECORDING_ISO_DISABLE: 7203;
  RECORDING_IQ_DISABLE: 7204; RECORDING_IQ_PERMISSION_REQUIRED: 7205; RECORDING_IQ_MISMATCH_STATE: 7206;
  LOCAL_RECORDING_ACCOUNT_DISABLE: 7207; LOCAL_RECORDING_INVALID_VALUE: 7208;
  LOCAL_RECORDING_MISMATCH_STATE: 7209; TRANSCRIPTION_ACCOUNT_DISABLE: 7300;
  TRANSCRIPTION_FEATURE_DISABLE: 7301; TRANSCRIPTION_LANGUAGE_UNSUPPORTED: 7302;
  TRANSCRIPTION_MISMATCH_STATE: 7303; TRANSLATION_ACCOUNT_DISABLE: 7304;
  TRANSLATION_LANGUAGE_UNSUPPORTED: 7305; MANUAL_CAPTION_ACCOUNT_DISABLE: 7306;
  MANUAL_CAPTION_FEATURE_DISABLE: 7307; MANUAL_CAPTION_MISMATCH_USER: 7308;
  MANUAL_CAPTION_INSUFFICIENT_PRIVILEGE: 7309; TRANSCRIPTION_LANGUAGE_LOCKED: 7310;
  LIVE_STREAM_ACCOUNT_DISABLE: 7400; LIVE_STREAM_INVALID_PARAMETER: 7401; LIVE_STREAM_MISMATCH_STATE: 7402;
  SUBSESSION_ACCOUNT_DISABLE: 7500; SUBSESSION_EXCEED_CAPACITY: 7501; SUBSESSION_MISMATCH_ID: 7502;
  SUBSESSION_MISMATCH_USER: 7503; SUBSESSION_MISMATCH_STATE: 7504; SUBSESSION_EXIT_RESTRICTED: 7505;
  SUBSESSION_BROADCAST_DISABLE: 7506; SUBSESSION_BROADCAST_INVALID_CONTENT: 7507;
  SUBSESSION_BROADCAST_VOICE_DISABLE: 7508; SUBSESSION_BROADCAST_VOICE_RESTRICTED: 7509;
  SUBSESSION_BROADCAST_VOICE_MISMATCH_STATE: 7510; REACTION_ACCOUNT_DISABLE: 7600;
  REACTION_INVALID_PARAMETER: 7601; SUMMARY_ACCOUNT_DISABLE: 7700; QA_INVALID_PARAMETER: 7800;
  QA_INSUFFICIENT_PRIVILEGE: 7801; BROADCAST_STREAMING_ACCOUNT_DISABLE: 7900;
  BROADCAST_STREAMING_MISMATCH_STATE: 7901; BROADCAST_STREAMING_INVALID_CHANNEL_ID: 7902;
  WHITEBOARD_ACCOUNT_DISABLE: 8000; WHITEBOARD_UNSUPPORTED: 8001; WHITEBOARD_SCREEN_SHARE_CONFLICT: 8002;
  WHITEBOARD_MISMATCH_STATE: 8003; WHITEBOARD_HOST_PRIVILEGE_REQUIRED: 8004;
  WHITEBOARD_INVALID_PARAMETER: 8005; WHITEBOARD_EXPORT_DISABLE: 8006;
  REAL_TIME_MEDIA_STREAMS_NOT_ENABLED: 8100; REAL_TIME_MEDIA_STREAMS_INVALID_STATE: 8101;
  REAL_TIME_MEDIA_STREAMS_NOT_SUPPORTED_IN_BREAKOUT_ROOM: 8102; VOICE_TRANSLATOR_ACCOUNT_DISABLE: 8200;
  VOICE_TRANSLATOR_NO_AVAILABLE_LANGUAGE_LIST: 8201; VOICE_TRANSLATOR_MISMATCH_STATE: 8202;
  VOICE_TRANSLATOR_LANGUAGE_UNSUPPORTED: 8203; VOICE_TRANSLATOR_INCORRECT_BALANCE_RANGE: 8204;
  VOICE_TRANSLATOR_INCORRECT_TIMBRE: 8205; INCOMING_LIVE_STREAM_INVALID_PARAMETER: 7450;
  INCOMING_LIVE_STREAM_MISMATCH_STATE: 7451;
}>;
export type ExceptionCode = (typeof ExceptionCode)[keyof typeof ExceptionCode];
export declare namespace ExceptionCode {
  type OPERATION_TIMEOUT = 1; type INTERNAL_ERROR = 2; type OPERATION_CANCELLED = 3;
  type SESSION_FETCH_INFO_ERROR = 200; type SESSION_IN_ANOTHER_SESSION = 3000;
  type SESSION_INCORRECT_PASSCODE = 3004; type SESSION_NOT_STARTED = 3008; type SESSION_USER_REMOVED = 3009;
  type SESSION_ROLE_TYPE_ERROR = 3010; type SESSION_WEBINAR_USER_REMOVED = 3620;
  type SESSION_INVALID_PARAMETER = 4003; type SESSION_ENDED = 4004; type SESSION_EXCEED_CAPACITY = 4005;
  type SESSION_LOCKED = 4006; type SESSION_IB_BLOCKED = 4007; type SESSION_PARTICIPANT_EXIST = 4008;
  type CLIENT_PLATFORM_UNSUPPORTED = 5000; type CLIENT_DEPENDENT_ASSETS_INACCESSIBLE = 5001;
  type CLIENT_SESSION_STATE_CLOSED = 5002; type CLIENT_SESSION_STATE_RECONNECTING = 5003;
  type CLIENT_SESSION_STATE_ON_HOLD = 5004; type CLIENT_SESSION_NOT_WEBINAR = 5005;
  type CLIENT_HOST_OR_MANAGER_PERMISSION_REQUIRED = 5006; type CLIENT_HOST_PERMISSION_REQUIRED = 5007;
  type CLIENT_ORIGIN_HOST_PERMISSION_REQUIRED = 5008; type CLIENT_ATTENDEE_APPLICABLE_ONLY = 5009;
  type CLIENT_PARTICIPANT_APPLICABLE_ONLY = 5010; type CLIENT_MISMATCH_USER = 5011;
  type CLIENT_DUPLICATED_JOIN = 5012; type CLIENT_INVALID_JOIN_PARAMETER = 5013;
  type CLIENT_HOST_DISALLOW_RENAME = 5014; type STREAM_MISMATCH_DEVICE = 6000;
  type STREAM_MISMATCH_USER = 6001; type STREAM_SESSION_JOIN_REQUIRED = 6002;
  type STREAM_MISMATCH_RENDER_ELEMENT = 6003; type AUDIO_CAPTURE_FAILED = 6010;
  type AUDIO_CAPTURE_LOADING = 6011; type AUDIO_IN_PSTN = 6012; type AUDIO_ENCODING_REQUIRED = 6013;
  type AUDIO_SHARE_AUDIO_CONFLICT = 6014; type AUDIO_NOT_STARTED = 6015;
  type AUDIO_ATTENDEE_NOT_ALLOWED = 6016; type SECONDARY_AUDIO_UNSUPPORTED = 6017;
  type SECONDARY_AUDIO_DEVICE_CONFLICT = 6018; type SECONDARY_AUDIO_SCREEN_SHARING_CONFLICT = 6019;
  type SECONDARY_AUDIO_NOT_STARTED = 6020; type PSTN_MISMATCH_COUNTRY_CODE = 6021;
  type PSTN_NOT_CONNECTED = 6022; type CRC_NOT_CONNECTED = 6023; type AUDIO_ALLOW_TALK_UNSUPPORTED = 6024;
  type AUDIO_ALLOW_TALK_MISMATCH_USER = 6025; type AUDIO_PROCESSOR_UNSUPPORTED = 6026;
  type AUDIO_PROCESSOR_DUPLICATE_CREATE = 6027; type AUDIO_PROCESSOR_MISMATCH_PROCESSOR = 6028;
  type AUDIO_PROCESSOR_LIMIT_EXCEED = 6029; type VIDEO_CAMERA_PERMISSION_DENIED = 6100;
  type VIDEO_NO_CAMERA = 6101; type VIDEO_MISMATCH_CAMERA = 6102; type VIDEO_CAMERA_TAKEN = 6103;
  type VIDEO_VB_INITIALIZE_ERROR = 6104; type VIDEO_CAPTURE_LOADING = 6105; type VIDEO_MUTED_BY_HOST = 6106;
  type VIDEO_VB_UNSUPPORTED = 6107; type VIDEO_VB_PROCESSOR_CONFLICT = 6108; type VIDEO_MISMATCH_STATE = 6109;
  type VIDEO_ESTABLISH_STREAM_ERROR = 6110; type VIDEO_RENDER_LIMIT_EXCEED = 6111;
  type VIDEO_METHOD_DEPRECATED = 6112; type VIDEO_VB_IMAGE_INACCESSIBLE = 6113;
  type VIDEO_VB_MISMATCH_STATE = 6114; type VIDEO_MASK_IMAGE_INACCESSIBLE = 6115;
  type VIDEO_MASK_PROCESSOR_CONFLICT = 6116; type VIDEO_SPOTLIGHT_MISMATCH_STATE = 6117;
  type VIDEO_SPOTLIGHT_MULTI_CONFLICT = 6118; type VIDEO_PROCESSOR_UNSUPPORTED = 6119;
  type VIDEO_PROCESSOR_LIMIT_EXCEED = 6120; type VIDEO_PROCESSOR_DUPLICATE_CREATE = 6121;
  type VIDEO_PROCESSOR_MISMATCH_PROCESSOR = 6122; type FAR_END_CAMERA_CONTROL_DEVICE_UNSUPPORTED = 6150;
  type FAR_END_CAMERA_CONTROL_MISMATCH_STATE = 6151; type FAR_END_CAMERA_PERMISSION_REQUIRED = 6152;
  type FAR_END_CAMERA_INVALID_RANGE = 6153; type FAR_END_CAMERA_RATE_LIMIT = 6154;
  type SCREEN_SHARE_USER_DENIED = 6200; type SCREEN_SHARE_SYSTEM_DENIED = 6201;
  type SCREEN_SHARE_UNSUPPORTED = 6202; type SCREEN_SHARE_SUBSESSION_CONFLICT = 6203;
  type SCREEN_SHARE_HOST_PRIVILEGE_REQUIRED = 6204; type SCREEN_SHARE_MISMATCH_STATE = 6205;
  type SCREEN_SHARE_OPTIMIZE_VIDEO_UNSUPPORTED = 6206; type SCREEN_SHARE_OPTIMIZE_VIDEO_CONFLICT = 6207;
  type SCREEN_SHARE_INVALID_PRIVILEGE = 6208; type SCREEN_SHARE_IB_DENIED = 6209;
  type SCREEN_SHARE_ANNOTATION_ACCOUNT_DISABLE = 6210; type SCREEN_SHARE_ANNOTATION_NO_ACTIVE_SHARE = 6211;
  type SCREEN_SHARE_ANNOTATION_PRESENTER_DISABLED = 6212; type SCREEN_SHARE_ANNOTATION_DUPLICATE_START = 6213;
  type SCREEN_SHARE_ANNOTATION_START_ERROR = 6214; type SCREEN_SHARE_ANNOTATION_INCORRECT_PARAMETER = 6215;
  type SCREEN_SHARE_ANNOTATION_NOT_SUPPORT = 6216; type SCREEN_SHARE_ANNOTATION_NOT_START = 6217;
  type SCREEN_SHARE_LIMIT_EXCEED = 6218; type SHARED_PROCESSOR_UNSUPPORTED = 6223;
  type SHARED_PROCESSOR_DUPLICATE_CREATE = 6224; type SHARED_PROCESSOR_MISMATCH_PROCESSOR = 6225;
  type SHARED_PROCESSOR_LIMIT_EXCEED = 6226; type REMOTE_CONTROL_ACCOUNT_DISABLE = 6300;
  type REMOTE_CONTROL_MISMATCH_STATE = 6301; type REMOTE_CONTROL_PERMISSION_REQUIRED = 6302;
  type REMOTE_CONTROL_MISMATCH_DISPLAY_SURFACE = 6303; type REMOTE_CONTROL_INVALID_LAUNCH_SCHEME = 6304;
  type CHAT_EMPTY_MESSAGE = 7000; type CHAT_MISMATCH_USER = 7001; type CHAT_INSUFFICIENT_PRIVILEGE = 7002;
  type CHAT_INVALID_PRIVILEGE = 7003; type CHAT_SUBSESSION_CONFLICT = 7004; type CHAT_EMPTY_FILE = 7005;
  type CHAT_INVALID_RETRY_TOKEN = 7006; type CHAT_MISMATCH_FILE_TYPE = 7007;
  type CHAT_EXCEED_FILE_SIZE = 7008; type CHAT_INVALID_MSG_ID_OR_URL = 7009;
  type CHAT_FILE_ACCOUNT_DISABLE = 7010; type CHAT_DELETE_ACCOUNT_DISABLE = 7011;
  type CMD_EMPTY_MESSAGE = 7100; type CMD_MISMATCH_USER = 7101; type CMD_INVALID_MESSAGE_TYPE = 7102;
  type CMD_EXCEED_MESSAGE_LENGTH = 7103; type CMD_CHANNEL_NOT_READY = 7104;
  type RECORDING_ACCOUNT_DISABLE = 7200; type RECORDING_STOP_FORBIDDEN = 7201;
  type RECORDING_MISMATCH_STATE = 7202; type RECORDING_ISO_DISABLE = 7203; type RECORDING_IQ_DISABLE = 7204;
  type RECORDING_IQ_PERMISSION_REQUIRED = 7205; type RECORDING_IQ_MISMATCH_STATE = 7206;
  type LOCAL_RECORDING_ACCOUNT_DISABLE = 7207; type LOCAL_RECORDING_INVALID_VALUE = 7208;
  type LOCAL_RECORDING_MISMATCH_STATE = 7209; type TRANSCRIPTION_ACCOUNT_DISABLE = 7300;
  type TRANSCRIPTION_FEATURE_DISABLE = 7301; type TRANSCRIPTION_LANGUAGE_UNSUPPORTED = 7302;
  type TRANSCRIPTION_MISMATCH_STATE = 7303; type TRANSLATION_ACCOUNT_DISABLE = 7304;
  type TRANSLATION_LANGUAGE_UNSUPPORTED = 7305; type MANUAL_CAPTION_ACCOUNT_DISABLE = 7306;
  type MANUAL_CAPTION_FEATURE_DISABLE = 7307; type MANUAL_CAPTION_MISMATCH_USER = 7308;
  type MANUAL_CAPTION_INSUFFICIENT_PRIVILEGE = 7309; type TRANSCRIPTION_LANGUAGE_LOCKED = 7310;
  type LIVE_STREAM_ACCOUNT_DISABLE = 7400; type LIVE_STREAM_INVALID_PARAMETER = 7401;
  type LIVE_STREAM_MISMATCH_STATE = 7402; type SUBSESSION_ACCOUNT_DISABLE = 7500;
  type SUBSESSION_EXCEED_CAPACITY = 7501; type SUBSESSION_MISMATCH_ID = 7502;
  type SUBSESSION_MISMATCH_USER = 7503; type SUBSESSION_MISMATCH_STATE = 7504;
  type SUBSESSION_EXIT_RESTRICTED = 7505; type SUBSESSION_BROADCAST_DISABLE = 7506;
  type SUBSESSION_BROADCAST_INVALID_CONTENT = 7507; type SUBSESSION_BROADCAST_VOICE_DISABLE = 7508;
  type SUBSESSION_BROADCAST_VOICE_RESTRICTED = 7509; type SUBSESSION_BROADCAST_VOICE_MISMATCH_STATE = 7510;
  type REACTION_ACCOUNT_DISABLE = 7600; type REACTION_INVALID_PARAMETER = 7601;
  type SUMMARY_ACCOUNT_DISABLE = 7700; type QA_INVALID_PARAMETER = 7800;
  type QA_INSUFFICIENT_PRIVILEGE = 7801; type BROADCAST_STREAMING_ACCOUNT_DISABLE = 7900;
  type BROADCAST_STREAMING_MISMATCH_STATE = 7901; type BROADCAST_STREAMING_INVALID_CHANNEL_ID = 7902;
  type WHITEBOARD_ACCOUNT_DISABLE = 8000; type WHITEBOARD_UNSUPPORTED = 8001;
  type WHITEBOARD_SCREEN_SHARE_CONFLICT = 8002; type WHITEBOARD_MISMATCH_STATE = 8003;
  type WHITEBOARD_HOST_PRIVILEGE_REQUIRED = 8004; type WHITEBOARD_INVALID_PARAMETER = 8005;
  type WHITEBOARD_EXPORT_DISABLE = 8006; type REAL_TIME_MEDIA_STREAMS_NOT_ENABLED = 8100;
  type REAL_TIME_MEDIA_STREAMS_INVALID_STATE = 8101;
  type REAL_TIME_MEDIA_STREAMS_NOT_SUPPORTED_IN_BREAKOUT_ROOM = 8102;
  type VOICE_TRANSLATOR_ACCOUNT_DISABLE = 8200; type VOICE_TRANSLATOR_NO_AVAILABLE_LANGUAGE_LIST = 8201;
  type VOICE_TRANSLATOR_MISMATCH_STATE = 8202; type VOICE_TRANSLATOR_LANGUAGE_UNSUPPORTED = 8203;
  type VOICE_TRANSLATOR_INCORRECT_BALANCE_RANGE = 8204; type VOICE_TRANSLATOR_INCORRECT_TIMBRE = 8205;
  type INCOMING_LIVE_STREAM_INVALID_PARAMETER = 7450; type INCOMING_LIVE_STREAM_MISMATCH_STATE = 7451;
}
export declare const FarEndCameraControlDeclinedReason: Readonly<{ None: 0; ApproveAnother: 3; Stop: 5 }>;
export type FarEndCameraControlDeclinedReason = (typeof FarEndCameraControlDeclinedReason)[keyof typeof FarEndCameraControlDeclinedReason];
export declare namespace FarEndCameraControlDeclinedReason {
  type None = 0; type ApproveAnother = 3; type Stop = 5;
}
export declare const LeaveAudioSource: Readonly<{
  Active: "active"; Failover: "failover"; EndedBySystem: "audio stream is ended by system"; Pstn: "pstn";
  MicrophoneError: "microphone error";
}>;
export type LeaveAudioSource = (typeof LeaveAudioSource)[keyof typeof LeaveAudioSource];
export declare namespace LeaveAudioSource {
  type Active = "active"; type Failover = "failover"; type EndedBySystem = "audio stream is ended by system";
  type Pstn = "pstn"; type MicrophoneError = "microphone error";
}
export declare const LiveStreamStatus: Readonly<{ Ended: 0; InProgress: 1; Connecting: 2; Timeout: 3 }>;
export type LiveStreamStatus = (typeof LiveStreamStatus)[keyof typeof LiveStreamStatus];
export declare namespace LiveStreamStatus {
  type Ended = 0; type InProgress = 1; type Connecting = 2; type Timeout = 3;
}
export declare const LiveTranscriptionLanguage: Readonly<{
  English: "en"; "Chinese (Simplified)": "zh"; Japanese: "ja"; German: "de"; French: "fr"; Russian: "ru";
  Portuguese: "pt"; Spanish: "es"; Korean: "ko"; Italian: "it"; Reserved: "en1"; Vietnamese: "vi";
  Dutch: "nl"; Ukrainian: "uk"; Arabic: "ar"; "Chinese (Traditional)": "zh-Hant"; Czech: "cs"; Estonian: "et";
  Finnish: "fi"; Hebrew: "he"; Hindi: "hi"; Hungarian: "hu"; Indonesian: "id"; Malay: "ms"; Persian: "fa";
  Polish: "pl"; Romanian: "ro"; Swedish: "sv"; Tamil: "ta"; Telugu: "te"; Tagalog: "tl"; Turkish: "tr";
  "French (Canada)": "fr-ca"; Danish: "da"; Thai: "th"; Cantonese: "zh-yue"; Catalan: "ca"; Bengali: "bn";
  Greek: "el"; Norwegian: "no"; Somali: "so"; Afrikaans: "af"; "Arabic (Gulf)": "ar-gulf"; Croatian: "hr";
  Galician: "gl"; "German (Switzerland)": "de-ch"; Latvian: "lv"; Serbian: "sr"; Slovak: "sk"; Zulu: "zu";
  Welsh: "cy"; "Spanish (Mexico)": "es-mx"; "Portuguese (Brazil)": "pt-br"; "English (New Zealand)": "en-nz";
  "English (Australia)": "en-au"; "English (United Kingdom)": "en-gb"; Urdu: "ur";
  "Portuguese (European)": "pt-pt"; "English (Indian)": "en-in"; "English (Ireland)": "en-ie";
  "English (Scotland)": "en-scot"; "English (South Africa)": "en-za"; "English (Welsh)": "en-cy";
}>;
export type LiveTranscriptionLanguage = (typeof LiveTranscriptionLanguage)[keyof typeof LiveTranscriptionLanguage];
export declare namespace LiveTranscriptionLanguage {
  type English = "en"; type Japanese = "ja"; type German = "de"; type French = "fr"; type Russian = "ru";
  type Portuguese = "pt"; type Spanish = "es"; type Korean = "ko"; type Italian = "it"; type Reserved = "en1";
  type Vietnamese = "vi"; type Dutch = "nl"; type Ukrainian = "uk"; type Arabic = "ar"; type Czech = "cs";
  type Estonian = "et"; type Finnish = "fi"; type Hebrew = "he"; type Hindi = "hi"; type Hungarian = "hu";
  type Indonesian = "id"; type Malay = "ms"; type Persian = "fa"; type Polish = "pl"; type Romanian = "ro";
  type Swedish = "sv"; type Tamil = "ta"; type Telugu = "te"; type Tagalog = "tl"; type Turkish = "tr";
  type Danish = "da"; type Thai = "th"; type Cantonese = "zh-yue"; type Catalan = "ca"; type Bengali = "bn";
  type Greek = "el"; type Norwegian = "no"; type Somali = "so"; type Afrikaans = "af"; type Croatian = "hr";
  type Galician = "gl"; type Latvian = "lv"; type Serbian = "sr"; type Slovak = "sk"; type Zulu = "zu";
  type Welsh = "cy"; type Urdu = "ur";
}
export declare const LiveTranscriptionLanguageCode: Readonly<{
  English: 0; "Chinese (Simplified)": 1; Japanese: 2; German: 3; French: 4; Russian: 5; Portuguese: 6;
  Spanish: 7; Korean: 8; Italian: 9; Reserved: 10; Vietnamese: 11; Dutch: 12; Ukrainian: 13; Arabic: 14;
  Bengali: 15; "Chinese (Traditional)": 16; Czech: 17; Estonian: 18; Finnish: 19; Greek: 20; Hebrew: 21;
  Hindi: 22; Hungarian: 23; Indonesian: 24; Malay: 25; Persian: 26; Polish: 27; Romanian: 28; Swedish: 29;
  Tamil: 30; Telugu: 31; Tagalog: 32; Turkish: 33; "French (Canada)": 34; Danish: 35; Norwegian: 36; Thai: 37;
  Welsh: 38; "Spanish (Mexico)": 39; "Portuguese (Brazil)": 40; "English (New Zealand)": 41;
  "English (Australia)": 42; "English (United Kingdom)": 43; Cantonese: 44; Somali: 45; Urdu: 46;
  "Portuguese (European)": 47; Catalan: 48; Afrikaans: 49; "Arabic (Gulf)": 50; Croatian: 51;
  "English (Indian)": 52; "English (Ireland)": 53; "English (Scotland)": 54; "English (South Africa)": 55;
  Galician: 56; "German (Switzerland)": 57; Latvian: 58; Serbian: 59; Slovak: 60; Zulu: 61;
  "English (Welsh)": 62; NoTranslation: 400; DefaultManualInput: 401;
}>;
export type LiveTranscriptionLanguageCode = (typeof LiveTranscriptionLanguageCode)[keyof typeof LiveTranscriptionLanguageCode];
export declare namespace LiveTranscriptionLanguageCode {
  type English = 0; type Japanese = 2; type German = 3; type French = 4; type Russian = 5;
  type Portuguese = 6; type Spanish = 7; type Korean = 8; type Italian = 9; type Reserved = 10;
  type Vietnamese = 11; type Dutch = 12; type Ukrainian = 13; type Arabic = 14; type Bengali = 15;
  type Czech = 17; type Estonian = 18; type Finnish = 19; type Greek = 20; type Hebrew = 21; type Hindi = 22;
  type Hungarian = 23; type Indonesian = 24; type Malay = 25; type Persian = 26; type Polish = 27;
  type Romanian = 28; type Swedish = 29; type Tamil = 30; type Telugu = 31; type Tagalog = 32;
  type Turkish = 33; type Danish = 35; type Norwegian = 36; type Thai = 37; type Welsh = 38;
  type Cantonese = 44; type Somali = 45; type Urdu = 46; type Catalan = 48; type Afrikaans = 49;
  type Croatian = 51; type Galician = 56; type Latvian = 58; type Serbian = 59; type Slovak = 60;
  type Zulu = 61; type NoTranslation = 400; type DefaultManualInput = 401;
}
export declare const LiveTranscriptionMessageSource: Readonly<{
  Unspecified: 0; InMeetingManual: 1; ExternalCaptioner: 2; ASR: 4;
}>;
export type LiveTranscriptionMessageSource = (typeof LiveTranscriptionMessageSource)[keyof typeof LiveTranscriptionMessageSource];
export declare namespace LiveTranscriptionMessageSource {
  type Unspecified = 0; type InMeetingManual = 1; type ExternalCaptioner = 2; type ASR = 4;
}
export declare const MeetingQueryStatus: Readonly<{
  Start: "Start"; Paused: "Paused"; Stopped: "Stopped"; Default: "";
}>;
export type MeetingQueryStatus = (typeof MeetingQueryStatus)[keyof typeof MeetingQueryStatus];
export declare namespace MeetingQueryStatus {
  type Start = "Start"; type Paused = "Paused"; type Stopped = "Stopped"; type Default = "";
}
export declare const MobileVideoFacingMode: Readonly<{
  User: "user"; Environment: "environment"; Left: "left"; Right: "right";
}>;
export type MobileVideoFacingMode = (typeof MobileVideoFacingMode)[keyof typeof MobileVideoFacingMode];
export declare namespace MobileVideoFacingMode {
  type User = "user"; type Environment = "environment"; type Left = "left"; type Right = "right";
}
export declare const MutedSource: Readonly<{
  Active: "active"; PassiveByMuteOne: "passive(mute one)"; PassiveByMuteAll: "passive(mute all)";
}>;
export type MutedSource = (typeof MutedSource)[keyof typeof MutedSource];
export declare namespace MutedSource {
  type Active = "active"; type PassiveByMuteOne = "passive(mute one)";
  type PassiveByMuteAll = "passive(mute all)";
}
export declare const PassiveStopShareReason: Readonly<{
  PrivilegeChange: "PrivilegeChange"; StopScreenCapture: "StopScreenCapture";
}>;
export type PassiveStopShareReason = (typeof PassiveStopShareReason)[keyof typeof PassiveStopShareReason];
export declare namespace PassiveStopShareReason {
  type PrivilegeChange = "PrivilegeChange"; type StopScreenCapture = "StopScreenCapture";
}
export declare const RealTimeMediaStreamsStatus: Readonly<{
  NoSubscription: -2; StartFailed: -1; None: 0; Start: 1; Pause: 2; Stop: 3;
}>;
export type RealTimeMediaStreamsStatus = (typeof RealTimeMediaStreamsStatus)[keyof typeof RealTimeMediaStreamsStatus];
export declare namespace RealTimeMediaStreamsStatus {
  type NoSubscription = -2; type StartFailed = -1; type None = 0; type Start = 1; type Pause = 2;
  type Stop = 3;
}
export declare const ReconnectReason: Readonly<{
  Failover: "failover"; JoinSubsession: "join breakout room"; MoveToSubsession: "move to breakout room";
  BackToMainSession: "back to main session";
}>;
export type ReconnectReason = (typeof ReconnectReason)[keyof typeof ReconnectReason];
export declare namespace ReconnectReason {
  type Failover = "failover"; type JoinSubsession = "join breakout room";
  type MoveToSubsession = "move to breakout room"; type BackToMainSession = "back to main session";
}
export declare const RecordingStatus: Readonly<{
  Recording: "Recording"; Paused: "Paused"; Stopped: "Stopped"; Ask: "Ask"; Accept: "Accept";
  Decline: "Decline";
}>;
export type RecordingStatus = (typeof RecordingStatus)[keyof typeof RecordingStatus];
export declare namespace RecordingStatus {
  type Recording = "Recording"; type Paused = "Paused"; type Stopped = "Stopped"; type Ask = "Ask";
  type Accept = "Accept"; type Decline = "Decline";
}
export declare const RemoteControlAppStatus: Readonly<{
  Unknown: "unknown"; Uninstalled: "uninstalled"; Installed: "installed"; Unlaunched: "unlaunched";
  Launched: "launched";
}>;
export type RemoteControlAppStatus = (typeof RemoteControlAppStatus)[keyof typeof RemoteControlAppStatus];
export declare namespace RemoteControlAppStatus {
  type Unknown = "unknown"; type Uninstalled = "uninstalled"; type Installed = "installed";
  type Unlaunched = "unlaunched"; type Launched = "launched";
}
export declare const RemoteControlSessionStatus: Readonly<{ Started: "started"; Ended: "ended" }>;
export type RemoteControlSessionStatus = (typeof RemoteControlSessionStatus)[keyof typeof RemoteControlSessionStatus];
export declare namespace RemoteControlSessionStatus { type Started = "started"; type Ended = "ended"; }
export declare const ShareCameraRemoteStatus: Readonly<{ Success: 0; Failed: 1 }>;
export type ShareCameraRemoteStatus = (typeof ShareCameraRemoteStatus)[keyof typeof ShareCameraRemoteStatus];
export declare namespace ShareCameraRemoteStatus { type Success = 0; type Failed = 1; }
export declare const ShareCameraResponse: Readonly<{ Approved: 0; Declined: 1; NotEnabled: 2 }>;
export type ShareCameraResponse = (typeof ShareCameraResponse)[keyof typeof ShareCameraResponse];
export declare namespace ShareCameraResponse { type Approved = 0; type Declined = 1; type NotEnabled = 2; }
export declare const ShareCameraSource: Readonly<{ FrontCamera: "frontCam"; RearCamera: "rearCam" }>;
export type ShareCameraSource = (typeof ShareCameraSource)[keyof typeof ShareCameraSource];
export declare namespace ShareCameraSource { type FrontCamera = "frontCam"; type RearCamera = "rearCam"; }
export declare const SharePrivilege: Readonly<{ Unlocked: 0; Locked: 1; MultipleShare: 3 }>;
export type SharePrivilege = (typeof SharePrivilege)[keyof typeof SharePrivilege];
export declare namespace SharePrivilege { type Unlocked = 0; type Locked = 1; type MultipleShare = 3; }
export declare const ShareStatus: Readonly<{ Sharing: "sharing"; Paused: "paused"; End: "ended" }>;
export type ShareStatus = (typeof ShareStatus)[keyof typeof ShareStatus];
export declare namespace ShareStatus { type Sharing = "sharing"; type Paused = "paused"; type End = "ended"; }
export declare const ShareViewQuality: Readonly<{ Original: 0; Low: 1; Medium: 2; High: 3 }>;
export type ShareViewQuality = (typeof ShareViewQuality)[keyof typeof ShareViewQuality];
export declare namespace ShareViewQuality { type Original = 0; type Low = 1; type Medium = 2; type High = 3; }
export declare const SubsessionAllocationPattern: Readonly<{ Automatically: 1; Manually: 2 }>;
export type SubsessionAllocationPattern = (typeof SubsessionAllocationPattern)[keyof typeof SubsessionAllocationPattern];
export declare namespace SubsessionAllocationPattern { type Automatically = 1; type Manually = 2; }
export declare const SubsessionStatus: Readonly<{ NotStarted: 1; InProgress: 2; Closing: 3; Closed: 4 }>;
export type SubsessionStatus = (typeof SubsessionStatus)[keyof typeof SubsessionStatus];
export declare namespace SubsessionStatus {
  type NotStarted = 1; type InProgress = 2; type Closing = 3; type Closed = 4;
}
export declare const SubsessionUserStatus: Readonly<{
  Initial: "initial"; Invited: "invited"; Joining: "joining"; InSubsession: "in room"; Leaving: "leaving";
  MainSession: "main session";
}>;
export type SubsessionUserStatus = (typeof SubsessionUserStatus)[keyof typeof SubsessionUserStatus];
export declare namespace SubsessionUserStatus {
  type Initial = "initial"; type Invited = "invited"; type Joining = "joining"; type InSubsession = "in room";
  type Leaving = "leaving"; type MainSession = "main session";
}
export declare const SummaryStatus: Readonly<{
  Start: "Start"; Paused: "Paused"; Stopped: "Stopped"; Default: "";
}>;
export type SummaryStatus = (typeof SummaryStatus)[keyof typeof SummaryStatus];
export declare namespace SummaryStatus {
  type Start = "Start"; type Paused = "Paused"; type Stopped = "Stopped"; type Default = "";
}
export declare const SystemCPUPressureLevel: Readonly<{ Nominal: 0; Fair: 1; Serious: 2; Critical: 3 }>;
export type SystemCPUPressureLevel = (typeof SystemCPUPressureLevel)[keyof typeof SystemCPUPressureLevel];
export declare namespace SystemCPUPressureLevel {
  type Nominal = 0; type Fair = 1; type Serious = 2; type Critical = 3;
}
export declare const TranscriptionMode: Readonly<{ Individual: "individual"; Session: "session" }>;
export type TranscriptionMode = (typeof TranscriptionMode)[keyof typeof TranscriptionMode];
export declare namespace TranscriptionMode { type Individual = "individual"; type Session = "session"; }
export declare const VideoActiveState: Readonly<{ Active: "Active"; Inactive: "Inactive" }>;
export type VideoActiveState = (typeof VideoActiveState)[keyof typeof VideoActiveState];
export declare namespace VideoActiveState { type Active = "Active"; type Inactive = "Inactive"; }
export declare const VideoCapturingState: Readonly<{
  Started: "Started"; Stopped: "Stopped"; Failed: "Failed";
}>;
export type VideoCapturingState = (typeof VideoCapturingState)[keyof typeof VideoCapturingState];
export declare namespace VideoCapturingState {
  type Started = "Started"; type Stopped = "Stopped"; type Failed = "Failed";
}
export declare const VideoQuality: Readonly<{
  Video_90P: 0; Video_180P: 1; Video_360P: 2; Video_720P: 3; Video_1080P: 4;
}>;
export type VideoQuality = (typeof VideoQuality)[keyof typeof VideoQuality];
export declare namespace VideoQuality {
  type Video_90P = 0; type Video_180P = 1; type Video_360P = 2; type Video_720P = 3; type Video_1080P = 4;
}
export declare const WhiteboardInitiatePermissionCode: Readonly<{ HostOnly: 0; AllParticipants: 2 }>;
export type WhiteboardInitiatePermissionCode = (typeof WhiteboardInitiatePermissionCode)[keyof typeof WhiteboardInitiatePermissionCode];
export declare namespace WhiteboardInitiatePermissionCode { type HostOnly = 0; type AllParticipants = 2; }
export declare const WhiteboardSharePermissionCode: Readonly<{ LockShare: 0; HostGrab: 1; AnyoneGrab: 3 }>;
export type WhiteboardSharePermissionCode = (typeof WhiteboardSharePermissionCode)[keyof typeof WhiteboardSharePermissionCode];
export declare namespace WhiteboardSharePermissionCode {
  type LockShare = 0; type HostGrab = 1; type AnyoneGrab = 3;
}
export declare const WhiteboardStatus: Readonly<{ Closed: 0; Pending: 1; InProgress: 2 }>;
export type WhiteboardStatus = (typeof WhiteboardStatus)[keyof typeof WhiteboardStatus];
export declare namespace WhiteboardStatus { type Closed = 0; type Pending = 1; type InProgress = 2; }
// enums:end
