// Convene's types where the reference's are used (issue 14): for each family, an object typed
// by convene.d.ts must be assignable to the reference's (`@zoom/videosdk` 2.5.0) for every
// function both declare, except those listed in the family's `...Differs` type, each with
// the reason. Not part of the normal `tsc -p tsconfig.json` (it needs the reference's types):
// scripts/compat-report.mjs compiles it with '@zoom/videosdk' mapped to the unpacked types,
// fails when it does not compile or when a listed function has become assignable, and
// writes the lists into docs/compat.md.
import type * as R from '@zoom/videosdk';
import type ZoomVideo from '@zoom/videosdk';
import type * as C from '../convene.js';

/** The functions of `Ref` that `Conv` has too, but those in `Differs`. */
type Checked<Conv, Ref, Differs extends PropertyKey> = Pick<Ref, Exclude<Extract<keyof Conv, keyof Ref>, Differs>>;

type ZoomVideoDiffers =
  | 'createClient'; // its VideoClient differs as listed below
declare const namespace: C.ConveneVideoNamespace;
export const zoomVideo: Checked<C.ConveneVideoNamespace, typeof ZoomVideo, ZoomVideoDiffers> = namespace;

type VideoClientDiffers =
  | 'getMediaStream' // its Stream differs as listed below
  | 'getRecordingClient' // its RecordingClient differs as listed below
  | 'getSubsessionClient'; // its SubsessionClient differs as listed below
declare const client: C.VideoClient;
export const videoClient: Checked<C.VideoClient, typeof R.VideoClient, VideoClientDiffers> = client;

type StreamDiffers =
  | 'attachVideo' // resolves an HTMLVideoElement when given one (pages written for Convene 0.1)
  | 'detachVideo' // as attachVideo; resolves undefined for a user not attached
  | 'attachShareView' // as attachVideo
  | 'detachShareView' // as attachVideo
  | 'getShareStatus'; // ShareStatus is a union of its string values, not a TypeScript string enum
declare const stream: C.Stream;
export const mediaStream: Checked<C.Stream, typeof R.Stream, StreamDiffers> = stream;

declare const chat: C.ChatClient;
export const chatClient: Checked<C.ChatClient, typeof R.ChatClient, never> = chat;

declare const command: C.CommandClient;
export const commandChannel: Checked<C.CommandClient, typeof R.CommandChannel, never> = command;

type RecordingClientDiffers =
  | 'getCloudRecordingStatus'; // RecordingStatus is a union of its string values, not a TypeScript string enum
declare const recording: C.RecordingClient;
export const recordingClient: Checked<C.RecordingClient, typeof R.RecordingClient, RecordingClientDiffers> = recording;

declare const liveStream: C.LiveStreamClient;
export const liveStreamClient: Checked<C.LiveStreamClient, typeof R.LiveStreamClient, never> = liveStream;

declare const logger: C.LoggerClient;
export const loggerClient: Checked<C.LoggerClient, typeof R.LoggerClient, never> = logger;

type SubsessionClientDiffers =
  | 'getUserStatus' // SubsessionUserStatus is a union of its string values, not a TypeScript string enum
  | 'getCurrentSubsession'; // its userStatus, as getUserStatus
declare const subsession: C.SubsessionClient;
export const subsessionClient: Checked<C.SubsessionClient, typeof R.SubsessionClient, SubsessionClientDiffers> = subsession;

declare const transcription: C.LiveTranscriptionClient;
export const liveTranscriptionClient: Checked<C.LiveTranscriptionClient, typeof R.LiveTranscriptionClient, never> = transcription;

declare const whiteboard: C.WhiteboardClient;
export const whiteboardClient: Checked<C.WhiteboardClient, typeof R.WhiteboardClient, never> = whiteboard;

declare const broadcast: C.BroadcastStreamingClient;
export const broadcastStreamingClient: Checked<C.BroadcastStreamingClient, typeof R.BroadcastStreamingClient, never> = broadcast;

declare const rtms: C.RealTimeMediaStreamsClient;
export const realTimeMediaStreamsClient: Checked<C.RealTimeMediaStreamsClient, typeof R.RealTimeMediaStreamsClient, never> = rtms;

declare const translator: C.VoiceTranslatorClient;
export const voiceTranslatorClient: Checked<C.VoiceTranslatorClient, typeof R.VoiceTranslatorClient, never> = translator;

declare const incoming: C.IncomingLiveStreamClient;
export const incomingLiveStreamClient: Checked<C.IncomingLiveStreamClient, typeof R.IncomingLiveStreamClient, never> = incoming;

// Event payloads: the report compares each event's payload in convene.d.ts's EventPayloads
// with the payload of the reference's `VideoClient.on` overload for the same event, and lists
// those that differ in docs/compat.md (they do not fail the check).
export declare const eventPayloads: C.EventPayloads;
export declare const referenceClient: typeof R.VideoClient;
