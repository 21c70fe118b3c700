// Every enum the reference Web Video SDK exports at run time, with its member names and values
// (interface facts: an app written for the reference imports them by name and compares payloads
// with them). One definition each, frozen; the entry module re-exports them all, and
// convene.d.ts declares them (its block is generated from this module by
// scripts/reference-exports.mjs). test/reference-exports.test.js checks them against the reference's types.
//
// Like the reference's, numeric members are plain numbers, so `VideoQuality.Video_360P === 2`
// and payload fields compare equal to them. Unlike a compiled TypeScript enum there is no reverse
// mapping (`VideoQuality[2]` is undefined): `Object.keys` / `Object.values` give exactly the
// members.
//
// Families that Convene does not provide (in the last group) still get their enums, so that an
// app that imports them loads; their calls answer as unsupported.js says.
import { CHAT_PRIVILEGE, SHARE_PRIVILEGE } from './protocol.gen.js';

// ---- session, connection and errors ------------------------------------------------------

/** `connection-change` states. */
export const ConnectionState = Object.freeze({
  Connected: 'Connected', Reconnecting: 'Reconnecting', Closed: 'Closed', Fail: 'Fail',
});
export const ReconnectReason = Object.freeze({
  Failover: 'failover', JoinSubsession: 'join breakout room',
  MoveToSubsession: 'move to breakout room', BackToMainSession: 'back to main session',
});
export const ActiveMediaFailedCode = Object.freeze({
  AudioConnectionFailed: 101, AudioStreamEnded: 102, MicrophonePermissionReset: 103,
  AudioStreamFailed: 104, MicrophoneMuted: 105, AudioStreamMuted: 106,
  AudioPlaybackInterrupted: 107, VideoConnectionFailed: 201, VideoStreamEnded: 202,
  CameraPermissionReset: 203, WebGlContextInvalid: 204, WasmOutOfMemory: 205,
  VideoStreamFailed: 206, VideoStreamMuted: 207, SharingStreamFailed: 301,
});
export const SystemCPUPressureLevel = Object.freeze({
  Nominal: 0, Fair: 1, Serious: 2, Critical: 3,
});
/** The reference's error codes by name (Convene's own are in protocol.gen.js `ERROR_CODES`). */
export const ExceptionCode = Object.freeze({
  OPERATION_TIMEOUT: 1, INTERNAL_ERROR: 2, OPERATION_CANCELLED: 3, SESSION_FETCH_INFO_ERROR: 200,
  SESSION_IN_ANOTHER_SESSION: 3000, SESSION_INCORRECT_PASSCODE: 3004, SESSION_NOT_STARTED: 3008,
  SESSION_USER_REMOVED: 3009, SESSION_ROLE_TYPE_ERROR: 3010, SESSION_WEBINAR_USER_REMOVED: 3620,
  SESSION_INVALID_PARAMETER: 4003, SESSION_ENDED: 4004, SESSION_EXCEED_CAPACITY: 4005,
  SESSION_LOCKED: 4006, SESSION_IB_BLOCKED: 4007, SESSION_PARTICIPANT_EXIST: 4008,
  CLIENT_PLATFORM_UNSUPPORTED: 5000, CLIENT_DEPENDENT_ASSETS_INACCESSIBLE: 5001,
  CLIENT_SESSION_STATE_CLOSED: 5002, CLIENT_SESSION_STATE_RECONNECTING: 5003,
  CLIENT_SESSION_STATE_ON_HOLD: 5004, CLIENT_SESSION_NOT_WEBINAR: 5005,
  CLIENT_HOST_OR_MANAGER_PERMISSION_REQUIRED: 5006, CLIENT_HOST_PERMISSION_REQUIRED: 5007,
  CLIENT_ORIGIN_HOST_PERMISSION_REQUIRED: 5008, CLIENT_ATTENDEE_APPLICABLE_ONLY: 5009,
  CLIENT_PARTICIPANT_APPLICABLE_ONLY: 5010, CLIENT_MISMATCH_USER: 5011,
  CLIENT_DUPLICATED_JOIN: 5012, CLIENT_INVALID_JOIN_PARAMETER: 5013,
  CLIENT_HOST_DISALLOW_RENAME: 5014, STREAM_MISMATCH_DEVICE: 6000, STREAM_MISMATCH_USER: 6001,
  STREAM_SESSION_JOIN_REQUIRED: 6002, STREAM_MISMATCH_RENDER_ELEMENT: 6003,
  AUDIO_CAPTURE_FAILED: 6010, AUDIO_CAPTURE_LOADING: 6011, AUDIO_IN_PSTN: 6012,
  AUDIO_ENCODING_REQUIRED: 6013, AUDIO_SHARE_AUDIO_CONFLICT: 6014, AUDIO_NOT_STARTED: 6015,
  AUDIO_ATTENDEE_NOT_ALLOWED: 6016, SECONDARY_AUDIO_UNSUPPORTED: 6017,
  SECONDARY_AUDIO_DEVICE_CONFLICT: 6018, SECONDARY_AUDIO_SCREEN_SHARING_CONFLICT: 6019,
  SECONDARY_AUDIO_NOT_STARTED: 6020, PSTN_MISMATCH_COUNTRY_CODE: 6021, PSTN_NOT_CONNECTED: 6022,
  CRC_NOT_CONNECTED: 6023, AUDIO_ALLOW_TALK_UNSUPPORTED: 6024, AUDIO_ALLOW_TALK_MISMATCH_USER: 6025,
  AUDIO_PROCESSOR_UNSUPPORTED: 6026, AUDIO_PROCESSOR_DUPLICATE_CREATE: 6027,
  AUDIO_PROCESSOR_MISMATCH_PROCESSOR: 6028, AUDIO_PROCESSOR_LIMIT_EXCEED: 6029,
  VIDEO_CAMERA_PERMISSION_DENIED: 6100, VIDEO_NO_CAMERA: 6101, VIDEO_MISMATCH_CAMERA: 6102,
  VIDEO_CAMERA_TAKEN: 6103, VIDEO_VB_INITIALIZE_ERROR: 6104, VIDEO_CAPTURE_LOADING: 6105,
  VIDEO_MUTED_BY_HOST: 6106, VIDEO_VB_UNSUPPORTED: 6107, VIDEO_VB_PROCESSOR_CONFLICT: 6108,
  VIDEO_MISMATCH_STATE: 6109, VIDEO_ESTABLISH_STREAM_ERROR: 6110, VIDEO_RENDER_LIMIT_EXCEED: 6111,
  VIDEO_METHOD_DEPRECATED: 6112, VIDEO_VB_IMAGE_INACCESSIBLE: 6113, VIDEO_VB_MISMATCH_STATE: 6114,
  VIDEO_MASK_IMAGE_INACCESSIBLE: 6115, VIDEO_MASK_PROCESSOR_CONFLICT: 6116,
  VIDEO_SPOTLIGHT_MISMATCH_STATE: 6117, VIDEO_SPOTLIGHT_MULTI_CONFLICT: 6118,
  VIDEO_PROCESSOR_UNSUPPORTED: 6119, VIDEO_PROCESSOR_LIMIT_EXCEED: 6120,
  VIDEO_PROCESSOR_DUPLICATE_CREATE: 6121, VIDEO_PROCESSOR_MISMATCH_PROCESSOR: 6122,
  FAR_END_CAMERA_CONTROL_DEVICE_UNSUPPORTED: 6150, FAR_END_CAMERA_CONTROL_MISMATCH_STATE: 6151,
  FAR_END_CAMERA_PERMISSION_REQUIRED: 6152, FAR_END_CAMERA_INVALID_RANGE: 6153,
  FAR_END_CAMERA_RATE_LIMIT: 6154, SCREEN_SHARE_USER_DENIED: 6200, SCREEN_SHARE_SYSTEM_DENIED: 6201,
  SCREEN_SHARE_UNSUPPORTED: 6202, SCREEN_SHARE_SUBSESSION_CONFLICT: 6203,
  SCREEN_SHARE_HOST_PRIVILEGE_REQUIRED: 6204, SCREEN_SHARE_MISMATCH_STATE: 6205,
  SCREEN_SHARE_OPTIMIZE_VIDEO_UNSUPPORTED: 6206, SCREEN_SHARE_OPTIMIZE_VIDEO_CONFLICT: 6207,
  SCREEN_SHARE_INVALID_PRIVILEGE: 6208, SCREEN_SHARE_IB_DENIED: 6209,
  SCREEN_SHARE_ANNOTATION_ACCOUNT_DISABLE: 6210, SCREEN_SHARE_ANNOTATION_NO_ACTIVE_SHARE: 6211,
  SCREEN_SHARE_ANNOTATION_PRESENTER_DISABLED: 6212, SCREEN_SHARE_ANNOTATION_DUPLICATE_START: 6213,
  SCREEN_SHARE_ANNOTATION_START_ERROR: 6214, SCREEN_SHARE_ANNOTATION_INCORRECT_PARAMETER: 6215,
  SCREEN_SHARE_ANNOTATION_NOT_SUPPORT: 6216, SCREEN_SHARE_ANNOTATION_NOT_START: 6217,
  SCREEN_SHARE_LIMIT_EXCEED: 6218, SHARED_PROCESSOR_UNSUPPORTED: 6223,
  SHARED_PROCESSOR_DUPLICATE_CREATE: 6224, SHARED_PROCESSOR_MISMATCH_PROCESSOR: 6225,
  SHARED_PROCESSOR_LIMIT_EXCEED: 6226, REMOTE_CONTROL_ACCOUNT_DISABLE: 6300,
  REMOTE_CONTROL_MISMATCH_STATE: 6301, REMOTE_CONTROL_PERMISSION_REQUIRED: 6302,
  REMOTE_CONTROL_MISMATCH_DISPLAY_SURFACE: 6303, REMOTE_CONTROL_INVALID_LAUNCH_SCHEME: 6304,
  CHAT_EMPTY_MESSAGE: 7000, CHAT_MISMATCH_USER: 7001, CHAT_INSUFFICIENT_PRIVILEGE: 7002,
  CHAT_INVALID_PRIVILEGE: 7003, CHAT_SUBSESSION_CONFLICT: 7004, CHAT_EMPTY_FILE: 7005,
  CHAT_INVALID_RETRY_TOKEN: 7006, CHAT_MISMATCH_FILE_TYPE: 7007, CHAT_EXCEED_FILE_SIZE: 7008,
  CHAT_INVALID_MSG_ID_OR_URL: 7009, CHAT_FILE_ACCOUNT_DISABLE: 7010,
  CHAT_DELETE_ACCOUNT_DISABLE: 7011, CMD_EMPTY_MESSAGE: 7100, CMD_MISMATCH_USER: 7101,
  CMD_INVALID_MESSAGE_TYPE: 7102, CMD_EXCEED_MESSAGE_LENGTH: 7103, CMD_CHANNEL_NOT_READY: 7104,
  RECORDING_ACCOUNT_DISABLE: 7200, RECORDING_STOP_FORBIDDEN: 7201, RECORDING_MISMATCH_STATE: 7202,
  RECORDING_ISO_DISABLE: 7203, RECORDING_IQ_DISABLE: 7204, RECORDING_IQ_PERMISSION_REQUIRED: 7205,
  RECORDING_IQ_MISMATCH_STATE: 7206, LOCAL_RECORDING_ACCOUNT_DISABLE: 7207,
  LOCAL_RECORDING_INVALID_VALUE: 7208, LOCAL_RECORDING_MISMATCH_STATE: 7209,
  TRANSCRIPTION_ACCOUNT_DISABLE: 7300, TRANSCRIPTION_FEATURE_DISABLE: 7301,
  TRANSCRIPTION_LANGUAGE_UNSUPPORTED: 7302, TRANSCRIPTION_MISMATCH_STATE: 7303,
  TRANSLATION_ACCOUNT_DISABLE: 7304, TRANSLATION_LANGUAGE_UNSUPPORTED: 7305,
  MANUAL_CAPTION_ACCOUNT_DISABLE: 7306, MANUAL_CAPTION_FEATURE_DISABLE: 7307,
  MANUAL_CAPTION_MISMATCH_USER: 7308, MANUAL_CAPTION_INSUFFICIENT_PRIVILEGE: 7309,
  TRANSCRIPTION_LANGUAGE_LOCKED: 7310, LIVE_STREAM_ACCOUNT_DISABLE: 7400,
  LIVE_STREAM_INVALID_PARAMETER: 7401, LIVE_STREAM_MISMATCH_STATE: 7402,
  SUBSESSION_ACCOUNT_DISABLE: 7500, SUBSESSION_EXCEED_CAPACITY: 7501, SUBSESSION_MISMATCH_ID: 7502,
  SUBSESSION_MISMATCH_USER: 7503, SUBSESSION_MISMATCH_STATE: 7504, SUBSESSION_EXIT_RESTRICTED: 7505,
  SUBSESSION_BROADCAST_DISABLE: 7506, SUBSESSION_BROADCAST_INVALID_CONTENT: 7507,
  SUBSESSION_BROADCAST_VOICE_DISABLE: 7508, SUBSESSION_BROADCAST_VOICE_RESTRICTED: 7509,
  SUBSESSION_BROADCAST_VOICE_MISMATCH_STATE: 7510, REACTION_ACCOUNT_DISABLE: 7600,
  REACTION_INVALID_PARAMETER: 7601, SUMMARY_ACCOUNT_DISABLE: 7700, QA_INVALID_PARAMETER: 7800,
  QA_INSUFFICIENT_PRIVILEGE: 7801, BROADCAST_STREAMING_ACCOUNT_DISABLE: 7900,
  BROADCAST_STREAMING_MISMATCH_STATE: 7901, BROADCAST_STREAMING_INVALID_CHANNEL_ID: 7902,
  WHITEBOARD_ACCOUNT_DISABLE: 8000, WHITEBOARD_UNSUPPORTED: 8001,
  WHITEBOARD_SCREEN_SHARE_CONFLICT: 8002, WHITEBOARD_MISMATCH_STATE: 8003,
  WHITEBOARD_HOST_PRIVILEGE_REQUIRED: 8004, WHITEBOARD_INVALID_PARAMETER: 8005,
  WHITEBOARD_EXPORT_DISABLE: 8006, REAL_TIME_MEDIA_STREAMS_NOT_ENABLED: 8100,
  REAL_TIME_MEDIA_STREAMS_INVALID_STATE: 8101,
  REAL_TIME_MEDIA_STREAMS_NOT_SUPPORTED_IN_BREAKOUT_ROOM: 8102,
  VOICE_TRANSLATOR_ACCOUNT_DISABLE: 8200, VOICE_TRANSLATOR_NO_AVAILABLE_LANGUAGE_LIST: 8201,
  VOICE_TRANSLATOR_MISMATCH_STATE: 8202, VOICE_TRANSLATOR_LANGUAGE_UNSUPPORTED: 8203,
  VOICE_TRANSLATOR_INCORRECT_BALANCE_RANGE: 8204, VOICE_TRANSLATOR_INCORRECT_TIMBRE: 8205,
  INCOMING_LIVE_STREAM_INVALID_PARAMETER: 7450, INCOMING_LIVE_STREAM_MISMATCH_STATE: 7451,
});

// ---- audio -------------------------------------------------------------------------------

/** `current-audio-change` actions. */
export const AudioChangeAction = Object.freeze({
  Join: 'join', Leave: 'leave', Muted: 'muted', Unmuted: 'unmuted',
});
export const MutedSource = Object.freeze({
  Active: 'active', PassiveByMuteOne: 'passive(mute one)', PassiveByMuteAll: 'passive(mute all)',
});
export const LeaveAudioSource = Object.freeze({
  Active: 'active', Failover: 'failover', EndedBySystem: 'audio stream is ended by system',
  Pstn: 'pstn', MicrophoneError: 'microphone error',
});

// ---- video -------------------------------------------------------------------------------

/** `attachVideo` qualities; the SFU maps them to simulcast layers. */
export const VideoQuality = Object.freeze({
  Video_90P: 0, Video_180P: 1, Video_360P: 2, Video_720P: 3, Video_1080P: 4,
});
export const VideoActiveState = Object.freeze({ Active: 'Active', Inactive: 'Inactive' });
export const VideoCapturingState = Object.freeze({
  Started: 'Started', Stopped: 'Stopped', Failed: 'Failed',
});
export const MobileVideoFacingMode = Object.freeze({
  User: 'user', Environment: 'environment', Left: 'left', Right: 'right',
});

// ---- screen share ------------------------------------------------------------------------

/** Who may share the screen (the protocol crate's values). */
export const SharePrivilege = SHARE_PRIVILEGE;
export const PassiveStopShareReason = Object.freeze({
  PrivilegeChange: 'PrivilegeChange', StopScreenCapture: 'StopScreenCapture',
});
export const ShareStatus = Object.freeze({ Sharing: 'sharing', Paused: 'paused', End: 'ended' });
export const ShareViewQuality = Object.freeze({ Original: 0, Low: 1, Medium: 2, High: 3 });
export const ShareCameraSource = Object.freeze({ FrontCamera: 'frontCam', RearCamera: 'rearCam' });
export const ShareCameraResponse = Object.freeze({ Approved: 0, Declined: 1, NotEnabled: 2 });
export const ShareCameraRemoteStatus = Object.freeze({ Success: 0, Failed: 1 });

// ---- chat --------------------------------------------------------------------------------

/** Who may chat with whom (the protocol crate's values). */
export const ChatPrivilege = CHAT_PRIVILEGE;
export const ChatMsgType = Object.freeze({ All: 0 });
export const ChatFileUploadStatus = Object.freeze({
  Init: 0, InProgress: 1, Success: 2, Fail: 3, Cancel: 4, Complete: 5,
});
export const ChatFileDownloadStatus = Object.freeze({
  InProgress: 1, Success: 2, Fail: 3, Cancel: 4,
});

// ---- subsessions (breakout rooms) --------------------------------------------------------

export const SubsessionStatus = Object.freeze({
  NotStarted: 1, InProgress: 2, Closing: 3, Closed: 4,
});
export const SubsessionAllocationPattern = Object.freeze({ Automatically: 1, Manually: 2 });
export const SubsessionUserStatus = Object.freeze({
  Initial: 'initial', Invited: 'invited', Joining: 'joining', InSubsession: 'in room',
  Leaving: 'leaving', MainSession: 'main session',
});
export const AskHostHelpResponse = Object.freeze({
  Received: 0, Busy: 1, Ignore: 2, AlreadyInRoom: 3,
});

// ---- recording and streaming; families Convene does not provide ---------------------------

// Recording and live stream (provided), broadcast streaming (not).
export const RecordingStatus = Object.freeze({
  Recording: 'Recording', Paused: 'Paused', Stopped: 'Stopped', Ask: 'Ask', Accept: 'Accept',
  Decline: 'Decline',
});
export const LiveStreamStatus = Object.freeze({
  Ended: 0, InProgress: 1, Connecting: 2, Timeout: 3,
});
export const BroadcastStreamingStatus = Object.freeze({
  Init: 0, Pending: 1, InProgress: 2, Closing: 3, Closed: 4,
});
// Phone dial-out and room systems (CRC).
export const DialoutState = Object.freeze({
  Calling: 1, Ringing: 2, Accepted: 3, Busy: 4, NotAvailable: 5, HangUp: 6, Fail: 7, Success: 8,
  Timeout: 9, Canceling: 10, Canceled: 11, CancelFailed: 12, NoAnswer: 13, AnsweredByMachine: 17,
});
export const CRCReturnCode = Object.freeze({
  Success: 0, Ringing: 1, Timeout: 2, Busy: 101, Fail: 104, Unreachable: 111,
});
export const CRCProtocol = Object.freeze({ H323: 1, SIP: 2 });
// Far-end camera control and remote control.
export const CameraControlCmd = Object.freeze({
  ZoomIn: 2, ZoomOut: 3, Left: 4, Right: 5, Up: 6, Down: 7, SwitchCamera: 8,
});
export const FarEndCameraControlDeclinedReason = Object.freeze({
  None: 0, ApproveAnother: 3, Stop: 5,
});
export const ApprovedState = Object.freeze({ Approved: 'Approved', Rejected: 'Rejected' });
export const RemoteControlAppStatus = Object.freeze({
  Unknown: 'unknown', Uninstalled: 'uninstalled', Installed: 'installed', Unlaunched: 'unlaunched',
  Launched: 'launched',
});
export const RemoteControlSessionStatus = Object.freeze({ Started: 'started', Ended: 'ended' });
// Annotation and whiteboard.
export const AnnotationToolType = Object.freeze({
  None: 0, Pen: 1, Highlighter: 2, Spotlight: 3, Arrow: 4, Eraser: 7, Line: 11, Arrow1: 12,
  Rectangle: 14, RectangleSemiFill: 15, Ellipse: 18, EllipseSemiFill: 19, DoubleArrow: 20,
  RectangleFill: 21, EllipseFill: 23, Diamond: 24, StampArrow: 25, StampCheck: 26, StampX: 27,
  StampStar: 31, StampHeart: 32, StampQuestionMark: 33, FadePen: 36, VanishingPen: 36,
  DiamondSemiFill: 37, DiamondFill: 38, VanishingArrow: 43, VanishingDoubleArrow: 44,
  VanishingDiamond: 45, VanishingEllipse: 46, VanishingRectangle: 47,
});
export const AnnotationClearType = Object.freeze({ Mine: 0, Viewer: 1, All: 2 });
export const WhiteboardSharePermissionCode = Object.freeze({
  LockShare: 0, HostGrab: 1, AnyoneGrab: 3,
});
export const WhiteboardInitiatePermissionCode = Object.freeze({ HostOnly: 0, AllParticipants: 2 });
export const WhiteboardStatus = Object.freeze({ Closed: 0, Pending: 1, InProgress: 2 });
// Live transcription and translation, summaries, meeting queries.
export const LiveTranscriptionMessageSource = Object.freeze({
  Unspecified: 0, InMeetingManual: 1, ExternalCaptioner: 2, ASR: 4,
});
export const LiveTranscriptionLanguageCode = Object.freeze({
  English: 0, 'Chinese (Simplified)': 1, Japanese: 2, German: 3, French: 4, Russian: 5,
  Portuguese: 6, Spanish: 7, Korean: 8, Italian: 9, Reserved: 10, Vietnamese: 11, Dutch: 12,
  Ukrainian: 13, Arabic: 14, Bengali: 15, 'Chinese (Traditional)': 16, Czech: 17, Estonian: 18,
  Finnish: 19, Greek: 20, Hebrew: 21, Hindi: 22, Hungarian: 23, Indonesian: 24, Malay: 25,
  Persian: 26, Polish: 27, Romanian: 28, Swedish: 29, Tamil: 30, Telugu: 31, Tagalog: 32,
  Turkish: 33, 'French (Canada)': 34, Danish: 35, Norwegian: 36, Thai: 37, Welsh: 38,
  'Spanish (Mexico)': 39, 'Portuguese (Brazil)': 40, 'English (New Zealand)': 41,
  'English (Australia)': 42, 'English (United Kingdom)': 43, Cantonese: 44, Somali: 45, Urdu: 46,
  'Portuguese (European)': 47, Catalan: 48, Afrikaans: 49, 'Arabic (Gulf)': 50, Croatian: 51,
  'English (Indian)': 52, 'English (Ireland)': 53, 'English (Scotland)': 54,
  'English (South Africa)': 55, Galician: 56, 'German (Switzerland)': 57, Latvian: 58, Serbian: 59,
  Slovak: 60, Zulu: 61, 'English (Welsh)': 62, NoTranslation: 400, DefaultManualInput: 401,
});
export const LiveTranscriptionLanguage = Object.freeze({
  English: 'en', 'Chinese (Simplified)': 'zh', Japanese: 'ja', German: 'de', French: 'fr',
  Russian: 'ru', Portuguese: 'pt', Spanish: 'es', Korean: 'ko', Italian: 'it', Reserved: 'en1',
  Vietnamese: 'vi', Dutch: 'nl', Ukrainian: 'uk', Arabic: 'ar', 'Chinese (Traditional)': 'zh-Hant',
  Czech: 'cs', Estonian: 'et', Finnish: 'fi', Hebrew: 'he', Hindi: 'hi', Hungarian: 'hu',
  Indonesian: 'id', Malay: 'ms', Persian: 'fa', Polish: 'pl', Romanian: 'ro', Swedish: 'sv',
  Tamil: 'ta', Telugu: 'te', Tagalog: 'tl', Turkish: 'tr', 'French (Canada)': 'fr-ca', Danish: 'da',
  Thai: 'th', Cantonese: 'zh-yue', Catalan: 'ca', Bengali: 'bn', Greek: 'el', Norwegian: 'no',
  Somali: 'so', Afrikaans: 'af', 'Arabic (Gulf)': 'ar-gulf', Croatian: 'hr', Galician: 'gl',
  'German (Switzerland)': 'de-ch', Latvian: 'lv', Serbian: 'sr', Slovak: 'sk', Zulu: 'zu',
  Welsh: 'cy', 'Spanish (Mexico)': 'es-mx', 'Portuguese (Brazil)': 'pt-br',
  'English (New Zealand)': 'en-nz', 'English (Australia)': 'en-au',
  'English (United Kingdom)': 'en-gb', Urdu: 'ur', 'Portuguese (European)': 'pt-pt',
  'English (Indian)': 'en-in', 'English (Ireland)': 'en-ie', 'English (Scotland)': 'en-scot',
  'English (South Africa)': 'en-za', 'English (Welsh)': 'en-cy',
});
export const TranscriptionMode = Object.freeze({ Individual: 'individual', Session: 'session' });
export const SummaryStatus = Object.freeze({
  Start: 'Start', Paused: 'Paused', Stopped: 'Stopped', Default: '',
});
export const MeetingQueryStatus = Object.freeze({
  Start: 'Start', Paused: 'Paused', Stopped: 'Stopped', Default: '',
});
// Real-time media streams.
export const RealTimeMediaStreamsStatus = Object.freeze({
  NoSubscription: -2, StartFailed: -1, None: 0, Start: 1, Pause: 2, Stop: 3,
});
