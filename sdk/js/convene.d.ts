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
  avatar?: string;
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

export declare const VideoQuality: Readonly<{ Video_90P: 0; Video_180P: 1; Video_360P: 2; Video_720P: 3; Video_1080P: 4 }>;
export type VideoQuality = 0 | 1 | 2 | 3 | 4;
export declare const SharePrivilege: Readonly<{ Unlocked: 0; Locked: 1; MultipleShare: 3 }>;
export type SharePrivilege = 0 | 1 | 3;
export declare const ChatPrivilege: Readonly<{ All: 1; NoOne: 4; EveryonePublicly: 5 }>;
export type ChatPrivilege = 1 | 4 | 5;
export declare const VERSION: string;

export type ConnectionState = 'Connected' | 'Reconnecting' | 'Closed' | 'Fail';

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
}

/** Event names and their payloads. */
export interface EventPayloads {
  'connection-change': { state: ConnectionState; reason?: string };
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
  'command-channel-message': { senderId: string; senderName: string; text: string; timestamp: number; msgid: string };
  'video-capturing-change': { state: 'Started' | 'Stopped' | 'Failed' };
  'device-change': undefined;
  'auto-play-audio-failed': undefined;
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
  /** Throws 6002 before join. */
  getMediaStream(): Stream;
}

export interface ChatClient {
  send(text: string, userId: number): Promise<ChatMessage>;
  sendToAll(text: string): Promise<ChatMessage>;
  /** The messages seen while present, from the server. */
  getHistory(): Promise<ChatMessage[]>;
  setPrivilege(privilege: ChatPrivilege): ExecutedResult;
  getPrivilege(): ChatPrivilege;
  getReceivers(): { userId: number; displayName: string; isHost: boolean; isManager: boolean }[];
}

export interface CommandClient {
  send(text: string, userId?: number): Promise<CommandChannelMsg>;
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

export interface StatisticData {
  encode: Record<string, any> | null;
  decode: Record<string, any>[];
}

export interface Stream {
  startAudio(options?: AudioOption): ExecutedResult;
  stopAudio(): ExecutedResult;
  muteAudio(userId?: number): ExecutedResult;
  unmuteAudio(userId?: number): ExecutedResult;
  muteAllAudio(): ExecutedResult;
  unmuteAllAudio(): ExecutedResult;
  isAudioMuted(userId?: number): boolean;
  startVideo(option?: CaptureVideoOption): ExecutedResult;
  stopVideo(): ExecutedResult;
  isCapturingVideo(): boolean;
  attachVideo(userId: number, videoQuality?: VideoQuality, element?: string | HTMLElement): Promise<HTMLVideoElement>;
  detachVideo(userId: number): Promise<HTMLVideoElement | undefined>;
  startShareScreen(element?: HTMLVideoElement | HTMLCanvasElement): ExecutedResult;
  stopShareScreen(): ExecutedResult;
  attachShareView(userId?: number, element?: string | HTMLVideoElement): Promise<HTMLVideoElement>;
  lockShare(isLocked: boolean): ExecutedResult;
  isShareLocked(): boolean;
  setSharePrivilege(privilege: SharePrivilege): ExecutedResult;
  getSharePrivilege(): SharePrivilege;
  getActiveShareUserId(): number;
  getShareUserList(): Participant[];
  getCameraList(): Promise<MediaDevice[]>;
  getMicList(): Promise<MediaDevice[]>;
  getSpeakerList(): Promise<MediaDevice[]>;
  getMaxRenderableVideos(): number;
  getAudioStatisticData(): Promise<StatisticData>;
  getVideoStatisticData(): Promise<StatisticData>;
  /** Convene: the peer connection, for diagnostics. */
  getPeerConnection(): RTCPeerConnection | null;
}

export interface LocalVideoTrack {
  start(element?: HTMLVideoElement): Promise<void>;
  stop(): Promise<void>;
  switchCamera(deviceId: string): Promise<void>;
}

export interface LocalAudioTrack {
  start(): Promise<void>;
  mute(): Promise<void>;
  unmute(): Promise<void>;
  stop(): Promise<void>;
  getCurrentVolume(): number;
  testSpeaker(): { stop(): void; destroy(): void };
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
}

declare const ConveneVideo: ConveneVideoNamespace;
export default ConveneVideo;
