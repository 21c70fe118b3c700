// Convene demo app: a small video meeting built only on the public browser SDK
// (`/sdk/convene.js`), the way an app developer would use it.
import ConveneVideo, { SubsessionAllocationPattern } from '/sdk/convene.js';

const $ = (id) => document.getElementById(id);
const client = ConveneVideo.createClient();
let stream = null;
let previewVideo = null;
let previewAudio = null;
let levelTimer = null;
const tiles = new Map(); // userId -> tile element
let recording = 'Stopped'; // the session's cloud recording: 'Recording' | 'Paused' | 'Stopped'

function setStatus(text) {
  $('status').textContent = text;
}

function notice(text) {
  const n = $('notice');
  n.textContent = text;
  n.hidden = !text;
}

function errorText(e) {
  if (e && typeof e === 'object' && 'errorCode' in e) return `${e.reason} (${e.errorCode})`;
  return String(e && e.message ? e.message : e);
}

// ---- preview ---------------------------------------------------------------------------

/** The network test: a short measurement over the media port, shown as a meter and figures. */
async function testNetwork() {
  const button = $('network-start');
  const out = $('network-result');
  button.disabled = true;
  $('network-level').value = 0;
  try {
    const r = await ConveneVideo.createProber().diagnose({
      durationMs: 3000,
      onProgress: ({ phase, progress }) => { out.textContent = `${phase}… ${progress}%`; },
    });
    $('network-level').value = r.level;
    out.textContent = `level ${r.level}/5 · RTT ${r.rttMs} ms · jitter ${r.jitterMs} ms · loss ${r.lossPercent} %`
      + ` · up ${r.uplinkKbps} kbit/s · down ${r.downlinkKbps} kbit/s · ${r.protocol.toUpperCase()}`;
  } catch (e) {
    out.textContent = `network test failed: ${errorText(e)}`;
  } finally {
    button.disabled = false;
  }
}

async function fillDevices() {
  try {
    const devices = await ConveneVideo.getDevices();
    const fill = (select, kind) => {
      select.textContent = '';
      for (const d of devices.filter((d) => d.kind === kind)) {
        const o = document.createElement('option');
        o.value = d.deviceId;
        o.textContent = d.label || d.deviceId || kind;
        select.append(o);
      }
    };
    fill($('camera-select'), 'videoinput');
    fill($('mic-select'), 'audioinput');
    fill($('speaker-select'), 'audiooutput');
  } catch (e) {
    $('requirements').textContent = `devices: ${errorText(e)}`;
  }
}

async function startPreview() {
  await stopPreview();
  try {
    previewVideo = ConveneVideo.createLocalVideoTrack($('camera-select').value || undefined);
    await previewVideo.start($('preview-video'));
    previewAudio = ConveneVideo.createLocalAudioTrack($('mic-select').value || undefined);
    await previewAudio.start();
    levelTimer = setInterval(() => {
      const v = previewAudio && previewAudio.getCurrentVolume ? previewAudio.getCurrentVolume() : 0;
      $('mic-level').value = Math.round(Math.min(1, v) * 100);
    }, 100);
  } catch (e) {
    notice(`Preview failed: ${errorText(e)}`);
  }
}

async function stopPreview() {
  clearInterval(levelTimer);
  levelTimer = null;
  if (previewVideo) await previewVideo.stop().catch(() => {});
  if (previewAudio) await previewAudio.stop().catch(() => {});
  previewVideo = previewAudio = null;
}

// ---- joining ---------------------------------------------------------------------------

async function devToken(topic, role) {
  const r = await fetch('/api/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topic, role: Number(role) }),
  });
  if (!r.ok) throw new Error('no token given, and the dev token endpoint is disabled');
  return (await r.json()).token;
}

async function join(ev) {
  ev.preventDefault();
  notice('');
  const topic = $('topic').value;
  const userName = $('user-name').value;
  const passcode = $('passcode').value || undefined;
  try {
    const token = $('token').value || (await devToken(topic, $('role').value));
    setStatus('joining…');
    await client.join(topic, token, userName, passcode);
    await stopPreview();
    stream = client.getMediaStream();
    $('join-panel').hidden = true;
    $('preview-panel').hidden = true;
    $('session-panel').hidden = false;
    $('session-topic').textContent = client.getSessionInfo().topic;
    setStatus(`joined as ${userName}`);
    renderAll();
    for (const u of client.getAllUser()) if (u.bVideoOn) attach(u.userId);
    // A recording may already run: everyone is shown that they are recorded.
    showRecording(client.getRecordingClient().getCloudRecordingStatus());
  } catch (e) {
    setStatus('not joined');
    notice(`Could not join: ${errorText(e)}`);
  }
}

function backToStart(message) {
  for (const id of [...tiles.keys()]) removeTile(id);
  $('session-panel').hidden = true;
  $('join-panel').hidden = false;
  $('preview-panel').hidden = false;
  setStatus('not joined');
  stream = null;
  showRecording('Stopped');
  if (message) notice(message);
}

// ---- cloud recording -------------------------------------------------------------------

/** Shows the session's recording state to everyone, and the host's buttons to match. */
function showRecording(state) {
  recording = state;
  const badge = $('recording-state');
  badge.hidden = state === 'Stopped';
  badge.textContent = state === 'Paused' ? '⏸ recording paused' : '● recording';
  $('record-toggle').textContent = state === 'Stopped' ? 'Record' : 'Stop recording';
  $('record-pause').disabled = state === 'Stopped';
  $('record-pause').textContent = state === 'Paused' ? 'Resume recording' : 'Pause recording';
}

// ---- breakout rooms (docs/subsessions.md) -----------------------------------------------

/** Shows which room this user is in, and the host's room buttons to match the rooms' state. */
function showRooms() {
  const sub = client.getSubsessionClient();
  const status = sub.getSubsessionStatus();
  const inRoom = sub.getUserStatus() === 'in room';
  $('room-state').hidden = !inRoom;
  $('room-state').textContent = inRoom ? `in ${sub.getCurrentSubsession().subsessionName}` : '';
  $('room-leave').hidden = !inRoom;
  $('rooms-open').disabled = status === 2 || status === 3;
  $('rooms-close').disabled = status !== 2;
}

// ---- people ----------------------------------------------------------------------------

function me() {
  return client.getCurrentUserInfo() || {};
}

function renderAll() {
  const self = me();
  const privileged = client.isHost() || client.isManager();
  document.querySelectorAll('.host-only').forEach((el) => (el.hidden = !privileged));
  $('end').hidden = !client.isHost();
  document.querySelectorAll('.host-record').forEach((el) => (el.hidden = !client.isHost()));
  showRooms();
  const list = $('user-list');
  list.textContent = '';
  const to = $('chat-to');
  const chosen = to.value;
  to.textContent = '';
  to.append(new Option('Everyone', '0'));
  for (const u of client.getAllUser()) {
    const li = document.createElement('li');
    li.dataset.userId = u.userId;
    const name = document.createElement('strong');
    name.textContent = u.displayName + (u.userId === self.userId ? ' (you)' : '');
    const badges = document.createElement('span');
    badges.className = 'badges';
    badges.textContent = [
      u.isHost ? 'host' : u.isManager ? 'manager' : '',
      u.audio === 'computer' ? (u.muted ? '🔇 muted' : '🎤 audio') : 'no audio',
      u.bVideoOn ? '📷 video' : '',
      u.sharerOn ? '🖥 sharing' : '',
      u.isInFailover ? 'reconnecting' : '',
    ].filter(Boolean).join(' · ');
    li.append(name, badges);
    if (privileged && u.userId !== self.userId) {
      const action = (label, fn) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = label;
        b.onclick = () => fn().catch((e) => notice(errorText(e)));
        li.append(b);
      };
      if (u.audio === 'computer' && !u.muted) action('Mute', () => stream.muteAudio(u.userId));
      if (u.audio === 'computer' && u.muted) action('Ask to unmute', () => stream.unmuteAudio(u.userId));
      action('Rename', async () => {
        const n = prompt('New name', u.displayName);
        if (n !== null) await client.changeName(n, u.userId);
      });
      action('Remove', () => client.removeUser(u.userId));
      if (client.isHost()) {
        action('Make host', () => client.makeHost(u.userId));
        if (u.isManager) action('Revoke manager', () => client.revokeManager(u.userId));
        else action('Make manager', () => client.makeManager(u.userId));
      }
    }
    list.append(li);
    if (u.userId !== self.userId) to.append(new Option(u.displayName, String(u.userId)));
  }
  to.value = [...to.options].some((o) => o.value === chosen) ? chosen : '0';
  $('audio-toggle').textContent = self.audio === 'computer' ? 'Leave audio' : 'Start audio';
  $('mute-toggle').disabled = self.audio !== 'computer';
  $('mute-toggle').textContent = self.muted ? 'Unmute' : 'Mute';
  $('video-toggle').textContent = self.bVideoOn ? 'Stop video' : 'Start video';
  $('share-toggle').textContent = self.sharerOn ? 'Stop sharing' : 'Share screen';
}

// ---- video -----------------------------------------------------------------------------

function tileFor(userId, cls) {
  let t = tiles.get(userId);
  if (!t) {
    t = document.createElement('div');
    t.className = `tile ${cls || ''}`;
    t.dataset.userId = userId;
    const label = document.createElement('span');
    label.className = 'name';
    const u = client.getUser(userId);
    label.textContent = u ? u.displayName : `user ${userId}`;
    t.append(label);
    $('gallery').append(t);
    tiles.set(userId, t);
  }
  return t;
}

function removeTile(userId) {
  const t = tiles.get(userId);
  if (t) t.remove();
  tiles.delete(userId);
}

// Own video included: the SDK shows the local camera (self-view) without asking the server.
async function attach(userId) {
  if (!stream) return;
  try {
    const el = await stream.attachVideo(userId, 2);
    const t = tileFor(userId);
    if (el && el.parentNode !== t) t.prepend(el);
  } catch (e) {
    notice(`Video of user ${userId}: ${errorText(e)}`);
  }
}

async function detach(userId) {
  if (!stream) return;
  await stream.detachVideo(userId).catch(() => {});
  removeTile(userId);
}

// ---- events ----------------------------------------------------------------------------

client.on('user-added', (list) => {
  // Someone met with the camera on (a joiner, or the people of a breakout room).
  for (const u of list) if (u.bVideoOn) attach(u.userId);
  renderAll();
});
client.on('user-updated', renderAll);
client.on('user-removed', (list) => {
  for (const u of list) removeTile(u.userId);
  renderAll();
});
client.on('peer-video-state-change', ({ action, userId }) => {
  if (action === 'Start') attach(userId);
  else detach(userId);
});
client.on('active-share-change', async ({ state, userId }) => {
  if (!stream || typeof stream.attachShareView !== 'function') return;
  const key = `share-${userId}`;
  if (state === 'Active') {
    const el = await stream.attachShareView(userId).catch(() => null);
    if (el) tileFor(key, 'share').prepend(el);
  } else {
    removeTile(key);
  }
});
client.on('active-speaker', (list) => {
  const loudest = list && list[0] ? list[0].userId : null;
  for (const [id, t] of tiles) t.classList.toggle('speaking', id === loudest);
});
client.on('host-ask-unmute-audio', () => {
  if (stream && confirm('The host asks you to unmute. Unmute now?')) stream.unmuteAudio();
});
client.on('passively-stop-share', () => notice('Your screen share was stopped by the host.'));
client.on('chat-on-message', addChat);
client.on('recording-change', ({ state }) => showRecording(state));
client.on('subsession-state-change', renderAll);
client.on('subsession-invite-to-join', ({ subsessionId, subsessionName }) => {
  if (confirm(`The host invites you to ${subsessionName}. Join now?`)) {
    client.getSubsessionClient().joinSubsession(subsessionId).catch((e) => notice(errorText(e)));
  }
});
client.on('subsession-broadcast-message', ({ message }) => notice(`From the host: ${message}`));
client.on('closing-subsession-countdown', ({ countdown }) =>
  notice(countdown > 0 ? `Breakout rooms close in ${countdown} s` : ''));
client.on('connection-change', ({ state, reason }) => {
  if (state === 'Reconnecting') setStatus(reason === 'failover' || !reason ? 'reconnecting…' : 'moving…');
  if (state === 'Connected' && stream) {
    setStatus('connected');
    renderAll();
  }
  if (state === 'Closed' || state === 'Fail') {
    const why = {
      'ended by host': 'The host ended the session.',
      'kicked by host': 'You were removed from the session by the host.',
      'session idle timeout': 'The session ended after being idle.',
    }[reason];
    backToStart(why || `Disconnected${reason ? `: ${reason}` : ''}.`);
  }
});

function addChat(m) {
  const li = document.createElement('li');
  const to = m.receiver && m.receiver.userId ? ` → ${m.receiver.name}` : '';
  li.textContent = `${m.sender.name}${to}: ${m.message}`;
  $('chat-log').append(li);
  li.scrollIntoView({ block: 'end' });
}

// ---- controls --------------------------------------------------------------------------

function guard(fn) {
  return () => fn().then(renderAll).catch((e) => notice(errorText(e)));
}

$('join-form').addEventListener('submit', join);
$('preview-start').onclick = startPreview;
$('preview-stop').onclick = stopPreview;
$('network-start').onclick = testNetwork;
$('audio-toggle').onclick = guard(() =>
  me().audio === 'computer' ? stream.stopAudio() : stream.startAudio());
$('mute-toggle').onclick = guard(() => (me().muted ? stream.unmuteAudio() : stream.muteAudio()));
$('video-toggle').onclick = guard(async () => {
  if (me().bVideoOn) {
    await stream.stopVideo();
    await detach(me().userId);
  } else {
    await stream.startVideo();
    await attach(me().userId);
  }
});
$('share-toggle').onclick = guard(() =>
  me().sharerOn ? stream.stopShareScreen() : stream.startShareScreen());
$('leave').onclick = guard(async () => {
  await client.leave();
  backToStart('You left the session.');
});
$('end').onclick = guard(async () => {
  await client.leave(true);
  backToStart('You ended the session for everyone.');
});
$('mute-all').onclick = guard(() => stream.muteAllAudio());
$('unmute-all').onclick = guard(() => stream.unmuteAllAudio());
$('lock-share').onchange = (e) =>
  stream.lockShare(e.target.checked).catch((err) => notice(errorText(err)));
$('record-toggle').onclick = guard(() => {
  const rec = client.getRecordingClient();
  return recording === 'Stopped' ? rec.startCloudRecording() : rec.stopCloudRecording();
});
$('record-pause').onclick = guard(() => {
  const rec = client.getRecordingClient();
  return recording === 'Paused' ? rec.resumeCloudRecording() : rec.pauseCloudRecording();
});
$('rooms-open').onclick = guard(async () => {
  const sub = client.getSubsessionClient();
  // Everyone but the host and managers, spread over two rooms, moved in at once.
  const rooms = await sub.createSubsessions(2, SubsessionAllocationPattern.Automatically);
  await sub.openSubsessions(rooms, { isAutoJoinSubsession: true, waitSeconds: 10 });
});
$('rooms-close').onclick = guard(() => client.getSubsessionClient().closeAllSubsessions());
$('room-leave').onclick = guard(() => client.getSubsessionClient().leaveSubsession());
$('chat-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = $('chat-text').value;
  if (!text) return;
  const to = Number($('chat-to').value);
  const chat = client.getChatClient();
  try {
    const m = to ? await chat.send(text, to) : await chat.sendToAll(text);
    addChat(m);
    $('chat-text').value = '';
  } catch (err) {
    notice(`Chat: ${errorText(err)}`);
  }
});

// ---- start -----------------------------------------------------------------------------

const req = ConveneVideo.checkSystemRequirements();
$('requirements').textContent =
  `This browser supports audio: ${req.audio}, video: ${req.video}, screen share: ${req.screen}.`;
await client.init('en-US', 'Global', { patchJsMedia: true, leaveOnPageUnload: true });
fillDevices();
