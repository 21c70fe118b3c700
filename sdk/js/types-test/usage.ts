// A TypeScript app using the SDK through convene.d.ts: `tsc` fails when the types go wrong.
import ConveneVideo, {
  type ExecutedFailure, type Participant, ConnectionState, ExceptionCode, FeatureNotSupported, SubsessionStatus,
  VideoQuality, WhiteboardStatus,
} from '../convene.js';

export async function app(token: string): Promise<void> {
  const client = ConveneVideo.createClient();
  await client.init('en-US', 'Global', { patchJsMedia: true, leaveOnPageUnload: true });
  try {
    await client.join('Demo Room', token, 'Ann', undefined, 30);
  } catch (e) {
    const f = e as ExecutedFailure;
    if (f.errorCode === 3004) return;
  }
  client.on('user-added', (users) => users.forEach((u) => u.userId.toFixed()));
  client.on('connection-change', ({ state, reason }) => console.log(state === ConnectionState.Closed, reason?.length));
  // The reference's enums are values and types, and their members are types too.
  const status: SubsessionStatus = SubsessionStatus.InProgress;
  const hd: VideoQuality.Video_720P = VideoQuality.Video_720P;
  console.log(status, hd, ExceptionCode.SESSION_INCORRECT_PASSCODE === 3004);
  client.on('chat-on-message', (m) => console.log(m.sender.name, m.message));
  const all: Participant[] = client.getAllUser();
  const history = await client.getChatClient().getHistory();
  console.log(all.length, history.map((m) => m.timestamp));
  await client.getCommandClient().send('hi', all[0]?.userId);
  const recording = client.getRecordingClient();
  if (recording.canStartRecording() && recording.getCloudRecordingStatus() === 'Stopped') await recording.startCloudRecording();
  client.on('recording-change', ({ state }) => console.log(state === 'Paused'));
  const live = client.getLiveStreamClient();
  await live.startLiveStream('rtmp://127.0.0.1/live', 'key', 'https://example.test/watch');
  client.on('live-stream-status', (status) => console.log(status.toFixed(), live.getLiveStreamStatus()));
  const stream = client.getMediaStream();
  await stream.startAudio({ mute: true });
  await stream.startVideo({ hd: true });
  const player = await stream.attachVideo(2, VideoQuality.Video_360P);
  document.body.append(player);
  console.log(player.videoWidth, player.getAttribute('node-id'));
  const canvas = document.createElement('canvas');
  await stream.renderVideo(canvas, 2, 320, 180, 0, 0, VideoQuality.Video_180P);
  client.on('video-statistic-data-change', (p) => console.log(p.data.fps, p.data.encoding, p.type));
  await stream.setSharePrivilege(ConveneVideo.SharePrivilege.Locked);
  await client.leave(client.isHost());
  await ConveneVideo.destroyClient();
}

// Features Convene does not provide keep the reference's names; their calls reject with
// FeatureNotSupported, their questions answer false.
export async function features(): Promise<void> {
  const client = ConveneVideo.createClient();
  const whiteboard = client.getWhiteboardClient();
  if (whiteboard.isWhiteboardEnabled()) await whiteboard.startWhiteboardScreen(document.body);
  try {
    await client.getMediaStream().previewVirtualBackground(document.createElement('canvas'), 'blur');
  } catch (e) {
    console.log((e as ExecutedFailure).errorCode === FeatureNotSupported);
  }
  const status: WhiteboardStatus = whiteboard.getWhiteboardStatus();
  const transcription = client.getLiveTranscriptionClient().getLiveTranscriptionStatus();
  console.log(status, transcription.isLiveTranscriptionEnabled, client.getLiveStreamClient().isLiveStreamEnabled());
  const logger = client.getLoggerClient({ debugMode: true, trackingId: 'abc' });
  await logger.reportRating(5, 'fine');
  console.log(logger.getReports().map((r) => r.kind));
}

// Wrong uses must not type-check.
export function wrong(): void {
  const client = ConveneVideo.createClient();
  // @ts-expect-error: join needs a topic, a token and a user name
  void client.join('only a topic');
  // @ts-expect-error: no such event
  client.on('user-joined', () => {});
  // @ts-expect-error: user-removed carries an array
  client.on('user-removed', (u: Participant) => u);
  // @ts-expect-error: 2 is no SharePrivilege
  void client.getMediaStream().setSharePrivilege(2);
  // @ts-expect-error: 9 is no VideoQuality
  const q: VideoQuality = 9;
  // @ts-expect-error: the logger's rating is a number
  void client.getLoggerClient().reportRating('good');
  // @ts-expect-error: no such whiteboard call
  void client.getWhiteboardClient().drawLine();
  // @ts-expect-error: the enums are frozen
  SubsessionStatus.Closed = 5;
  void q;
}
