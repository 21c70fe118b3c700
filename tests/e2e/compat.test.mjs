// An app written for the reference SDK (issue 14): its enums import by name, and the device
// lists answer synchronously, with Chromium's fake devices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserPages, join, topic } from './helpers.mjs';

const { page } = browserPages();

test('enums import by name from /sdk/convene.js (a static import: a missing one fails to link)', async () => {
  const a = await page();
  await a.evaluate(() => new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.type = 'module';
    s.textContent = `
      import ZoomVideo, { SubsessionStatus, VideoQuality, ConnectionState, ExceptionCode,
        LiveTranscriptionLanguage, SharePrivilege, AudioChangeAction, RecordingStatus } from '/sdk/convene.js';
      window.linked = {
        SubsessionStatus, VideoQuality, ConnectionState, SharePrivilege, AudioChangeAction, RecordingStatus,
        passcode: ExceptionCode.SESSION_INCORRECT_PASSCODE,
        zh: LiveTranscriptionLanguage['Chinese (Simplified)'],
        frozen: [SubsessionStatus, VideoQuality, ExceptionCode].every(Object.isFrozen),
        sameAsDefault: ZoomVideo.VideoQuality === VideoQuality,
      };
      window.dispatchEvent(new Event('linked'));`;
    window.addEventListener('linked', () => resolve(), { once: true });
    s.onerror = () => reject(new Error('module script failed'));
    window.addEventListener('error', (e) => reject(new Error(e.message)), { once: true });
    document.head.appendChild(s);
  }));
  const r = await a.evaluate(() => window.linked);
  assert.deepEqual(r.SubsessionStatus, { NotStarted: 1, InProgress: 2, Closing: 3, Closed: 4 });
  assert.deepEqual(r.VideoQuality, { Video_90P: 0, Video_180P: 1, Video_360P: 2, Video_720P: 3, Video_1080P: 4 });
  assert.deepEqual(r.ConnectionState, { Connected: 'Connected', Reconnecting: 'Reconnecting', Closed: 'Closed', Fail: 'Fail' });
  assert.deepEqual(r.SharePrivilege, { Unlocked: 0, Locked: 1, MultipleShare: 3 });
  assert.deepEqual(r.AudioChangeAction, { Join: 'join', Leave: 'leave', Muted: 'muted', Unmuted: 'unmuted' });
  assert.equal(r.RecordingStatus.Recording, 'Recording');
  assert.equal(r.passcode, 3004);
  assert.equal(r.zh, 'zh');
  assert.equal(r.frozen, true);
  assert.equal(r.sameAsDefault, true);

  // The values are the ones the SDK's events carry.
  assert.equal(await join(a, topic('enums'), 1, 'A'), '');
  const states = await a.evaluate(() => window.events.filter((e) => e.name === 'connection-change').map((e) => e.payload.state));
  assert.ok(states.includes(r.ConnectionState.Connected));
});

test('getMicList / getCameraList / getSpeakerList answer synchronously with the devices', async () => {
  const a = await page();
  const r = await a.evaluate(async () => {
    await window.client.init('en-US', 'Global', { patchJsMedia: true });
    const devices = await window.ZV.getDevices();
    return { devices: devices.map((d) => ({ kind: d.kind, label: d.label, deviceId: d.deviceId })) };
  });
  const mics = r.devices.filter((d) => d.kind === 'audioinput');
  const cams = r.devices.filter((d) => d.kind === 'videoinput');
  assert.ok(mics.length > 0 && cams.length > 0, JSON.stringify(r.devices));
  assert.ok([...mics, ...cams].every((d) => d.label && d.deviceId), 'labels after permission');

  const t = topic('devices');
  assert.equal(await join(a, t, 1, 'A'), '');
  const lists = await a.evaluate(async () => {
    const s = window.client.getMediaStream();
    const mic = s.getMicList();
    const cam = s.getCameraList();
    const spk = s.getSpeakerList();
    const sync = [mic, cam, spk].every(Array.isArray);
    const now = await navigator.mediaDevices.enumerateDevices();
    const pick = (kind) => now.filter((d) => d.kind === kind).map(({ label, deviceId }) => ({ label, deviceId }));
    return { sync, mic, cam, spk, want: { mic: pick('audioinput'), cam: pick('videoinput'), spk: pick('audiooutput') } };
  });
  assert.equal(lists.sync, true, 'arrays, not promises');
  assert.deepEqual(lists.mic, lists.want.mic);
  assert.deepEqual(lists.cam, lists.want.cam);
  assert.deepEqual(lists.spk, lists.want.spk);
  assert.deepEqual(lists.mic, mics.map(({ label, deviceId }) => ({ label, deviceId })));
  assert.ok(lists.cam.some((d) => /fake/i.test(d.label)), `Chromium's fake camera: ${JSON.stringify(lists.cam)}`);

  // A second page that never called getDevices: join filled the lists, and a capture (which
  // grants permission) refreshes them before it resolves.
  const b = await page();
  assert.equal(await join(b, t, 0, 'B'), '');
  const rb = await b.evaluate(async () => {
    const s = window.client.getMediaStream();
    const before = s.getMicList();
    await s.startAudio();
    await s.startVideo();
    return { before, mic: s.getMicList(), cam: s.getCameraList() };
  });
  assert.ok(Array.isArray(rb.before) && rb.before.length > 0, 'join enumerated the devices');
  assert.ok(rb.mic.length > 0 && rb.mic.every((d) => d.label && d.deviceId), JSON.stringify(rb.mic));
  assert.ok(rb.cam.length > 0 && rb.cam.every((d) => d.label && d.deviceId), JSON.stringify(rb.cam));
});
