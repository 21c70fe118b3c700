// The reference SDK's media surface on Convene (issue 14): self-view without the server,
// the <video-player> elements, the canvas API, device getters and switching, share status,
// mirroring, statistics subscriptions and the isSupport* answers. Chromium's fake devices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserPages, join, call, waitFor, waitEvent, topic } from './helpers.mjs';

const { page } = browserPages();

/** Records the method of every request the SDK sends the server from now on, in `window.sent`. */
async function spyRequests(p) {
  await p.evaluate(() => {
    window.sent = [];
    const c = window.client;
    const orig = c._request.bind(c);
    c._request = (method, params) => { window.sent.push({ method, params: params ?? null }); return orig(method, params); };
  });
}

/** Pixels of a canvas region (origin top left, as getImageData): how many are not transparent black. */
async function litPixels(p, id, x, y, w, h) {
  return p.evaluate(([id, x, y, w, h]) => {
    const d = document.getElementById(id).getContext('2d').getImageData(x, y, w, h).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] || d[i + 1] || d[i + 2] || d[i + 3]) n++;
    return n;
  }, [id, x, y, w, h]);
}

test('self-view: attachVideo(own id) plays the local camera in a <video-player> with no server request', async () => {
  const a = await page();
  assert.equal(await join(a, topic('self'), 1, 'A'), '');
  const aid = await call(a, (c) => c.getCurrentUserInfo().userId);
  await spyRequests(a);
  // Attached before the camera starts: it shows the camera once it does.
  const shape = await a.evaluate(async (id) => {
    const container = document.createElement('video-player-container');
    document.body.appendChild(container);
    const el = await window.client.getMediaStream().attachVideo(id, 3);
    el.id = 'self';
    container.appendChild(el);
    return {
      tag: el.tagName,
      isPlayer: el instanceof customElements.get('video-player'),
      container: container instanceof customElements.get('video-player-container'),
      nodeId: el.getAttribute('node-id'),
      quality: el.getAttribute('video-quality'),
      prop: el['node-id'],
      hasVideo: el.video instanceof HTMLVideoElement,
      empty: el.srcObject === null,
    };
  }, aid);
  assert.deepEqual(shape, { tag: 'VIDEO-PLAYER', isPlayer: true, container: true, nodeId: String(aid), quality: '720p', prop: String(aid), hasVideo: true, empty: true });
  assert.equal(await call(a, (c) => c.getMediaStream().startVideo()), '');
  await waitFor(a, () => document.getElementById('self').videoWidth > 0, undefined, 10000);
  await waitFor(a, () => document.getElementById('self').getVideoPlaybackQuality().totalVideoFrames > 5, undefined, 10000);
  const methods = await a.evaluate(() => window.sent.map((s) => s.method));
  assert.ok(!methods.includes('attachVideo'), `no attachVideo request for the own video (sent: ${methods})`);
  assert.ok(methods.includes('startVideo'));

  // Mirroring affects the self-view only.
  assert.equal(await call(a, (c) => c.getMediaStream().isVideoMirrored()), false);
  assert.equal(await call(a, (c) => c.getMediaStream().mirrorVideo(true)), '');
  assert.equal(await call(a, (c) => c.getMediaStream().isVideoMirrored()), true);
  assert.equal(await a.evaluate(() => getComputedStyle(document.getElementById('self').video).transform), 'matrix(-1, 0, 0, 1, 0, 0)');
  await call(a, (c) => c.getMediaStream().mirrorVideo(false));

  // stopVideo empties it, startVideo fills it again, detachVideo returns it.
  assert.equal(await call(a, (c) => c.getMediaStream().stopVideo()), '');
  assert.equal(await a.evaluate(() => document.getElementById('self').srcObject), null);
  assert.equal(await call(a, (c) => c.getMediaStream().startVideo()), '');
  await waitFor(a, () => document.getElementById('self').srcObject?.getVideoTracks()[0]?.readyState === 'live');
  const detached = await a.evaluate(async (id) => {
    const r = await window.client.getMediaStream().detachVideo(id);
    return { same: r === document.getElementById('self'), src: r.srcObject };
  }, aid);
  assert.deepEqual(detached, { same: true, src: null });
  const after = await a.evaluate(() => window.sent.map((s) => s.method));
  assert.ok(!after.includes('attachVideo') && !after.includes('detachVideo'), `no attach/detach request for self (sent: ${after})`);
});

test('<video-player> declared in markup receives another user\'s camera; a <video> still works', async () => {
  const t = topic('player');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'B'), '');
  const aid = await call(a, (c) => c.getCurrentUserInfo().userId);
  assert.equal(await call(a, (c) => c.getMediaStream().startVideo()), '');
  const r = await b.evaluate(async (id) => {
    document.body.insertAdjacentHTML('beforeend', '<video-player-container><video-player id="declared" style="width:320px;height:180px"></video-player></video-player-container>');
    const declared = document.getElementById('declared');
    const el = await window.client.getMediaStream().attachVideo(id, 1, '#declared');
    return { same: el === declared, nodeId: el.getAttribute('node-id'), quality: el.getAttribute('video-quality') };
  }, aid);
  assert.deepEqual(r, { same: true, nodeId: String(aid), quality: '180p' });
  await waitFor(b, () => document.getElementById('declared').videoWidth > 0, undefined, 20000);
  // A plain <video> given is played in as it is (pages written before <video-player>).
  const tag = await b.evaluate(async (id) => {
    const v = document.createElement('video');
    v.id = 'plain';
    document.body.appendChild(v);
    const el = await window.client.getMediaStream().attachVideo(id, 1, v);
    return el === v ? el.tagName : 'other';
  }, aid);
  assert.equal(tag, 'VIDEO');
  await waitFor(b, () => document.getElementById('plain').videoWidth > 0, undefined, 20000);
});

test('canvas API: renderVideo draws remote and own video at the given place, adjust moves it, stop clears it', async () => {
  const t = topic('canvas');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'B'), '');
  const aid = await call(a, (c) => c.getCurrentUserInfo().userId);
  const bid = await call(b, (c) => c.getCurrentUserInfo().userId);
  assert.equal(await call(a, (c) => c.getMediaStream().startVideo()), '');
  assert.equal(await call(b, (c) => c.getMediaStream().startVideo()), '');
  assert.equal(await call(b, (c) => c.getMediaStream().isRenderSelfViewWithVideoElement()), false);
  await spyRequests(b);
  const add = (p, id, userId, w, h, x, y) => p.evaluate(async ([id, userId, w, h, x, y]) => {
    let canvas = document.getElementById(id);
    if (!canvas) {
      canvas = document.createElement('canvas');
      canvas.id = id; canvas.width = 400; canvas.height = 300;
      document.body.appendChild(canvas);
    }
    return window.client.getMediaStream().renderVideo(canvas, userId, w, h, x, y, 1);
  }, [id, userId, w, h, x, y]);
  // A's video at x=10, y=20 from the lower left: rows 300-20-90=190 .. 280 from the top.
  assert.equal(await add(b, 'cv', aid, 160, 90, 10, 20), '');
  await waitFor(b, async () => {
    const d = document.getElementById('cv').getContext('2d').getImageData(10, 190, 160, 90).data;
    for (let i = 0; i < d.length; i += 4) if (d[i] || d[i + 1] || d[i + 2]) return true;
    return false;
  }, undefined, 20000);
  assert.equal(await litPixels(b, 'cv', 0, 0, 400, 180), 0, 'nothing drawn above the rectangle');
  assert.equal(await litPixels(b, 'cv', 180, 0, 220, 300), 0, 'nothing drawn right of it');
  assert.ok((await b.evaluate(() => window.sent.map((s) => s.method))).includes('attachVideo'), 'a remote video is received for the canvas');
  // The own video in the same canvas, top right.
  assert.equal(await add(b, 'cv', bid, 100, 60, 290, 230), '');
  await waitFor(b, async () => (await (async () => {
    const d = document.getElementById('cv').getContext('2d').getImageData(290, 10, 100, 60).data;
    for (let i = 0; i < d.length; i += 4) if (d[i] || d[i + 1] || d[i + 2]) return true;
    return false;
  })()), undefined, 10000);
  // detachVideo(own id) empties self-views, not what a canvas draws from.
  assert.equal(await b.evaluate(async (id) => {
    await window.client.getMediaStream().detachVideo(id);
    return !!document.querySelector(`[data-convene-canvas-source="${id}"]`).srcObject;
  }, bid), true);
  // Move A's video to the lower right corner.
  assert.equal(await call(b, (c, id) => c.getMediaStream().adjustRenderedVideoPosition(document.getElementById('cv'), id, 100, 50, 300, 0), aid), '');
  await waitFor(b, async () => {
    const d = document.getElementById('cv').getContext('2d').getImageData(300, 250, 100, 50).data;
    for (let i = 0; i < d.length; i += 4) if (d[i] || d[i + 1] || d[i + 2]) return true;
    return false;
  }, undefined, 5000);
  assert.equal(await litPixels(b, 'cv', 10, 190, 160, 60), 0, 'the old place is cleared');
  // Stop: the rectangle is cleared and the video no longer received.
  assert.equal(await call(b, (c, id) => c.getMediaStream().stopRenderVideo(document.getElementById('cv'), id), aid), '');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await litPixels(b, 'cv', 300, 250, 100, 50), 0);
  const sent = await b.evaluate(() => window.sent.map((s) => s.method));
  assert.ok(sent.includes('detachVideo'), `the canvas-only video is detached (sent: ${sent})`);
  assert.equal(sent.filter((m) => m === 'attachVideo').length, 1, 'the own video needs no request');
  const bad = await call(b, (c, id) => c.getMediaStream().adjustRenderedVideoPosition(document.getElementById('cv'), id, 1, 1, 1, 1), aid);
  assert.equal(bad.thrown.errorCode, 4003);
  assert.equal(bad.thrown.type, 'INVALID_PARAMETERS');
  assert.equal(typeof bad.thrown.reason, 'string');
});

test('device getters and switching, share status, isSupport* answers', async () => {
  const a = await page();
  assert.equal(await join(a, topic('devices'), 1, 'A'), '');
  const before = await call(a, (c) => {
    const s = c.getMediaStream();
    return { mic: s.getActiveMicrophone(), cam: s.getActiveCamera(), speaker: s.getActiveSpeaker(), share: s.getShareStatus() };
  });
  assert.deepEqual(before, { mic: '', cam: '', speaker: 'default', share: 'ended' });
  assert.equal(await call(a, (c) => c.getMediaStream().startVideo()), '');
  assert.equal(await call(a, (c) => c.getMediaStream().startAudio()), '');
  const ids = await call(a, (c) => {
    const s = c.getMediaStream();
    return { mic: s.getActiveMicrophone(), cam: s.getActiveCamera(), mics: s.getMicList().map((d) => d.deviceId), cams: s.getCameraList().map((d) => d.deviceId) };
  });
  assert.ok(ids.cams.includes(ids.cam), `active camera ${ids.cam} in ${ids.cams}`);
  assert.ok(ids.mics.includes(ids.mic), `active microphone ${ids.mic} in ${ids.mics}`);
  // Switching replaces the sent track with a new capture of the chosen device.
  const switched = await a.evaluate(async ([cam, mic]) => {
    const s = window.client.getMediaStream();
    const pc = s.getPeerConnection();
    const sent = (kind) => pc.getSenders().find((x) => x.track && x.track.kind === kind)?.track;
    const oldCam = sent('video'), oldMic = sent('audio');
    const r1 = await s.switchCamera(cam);
    const r2 = await s.switchMicrophone(mic);
    const r3 = await s.switchSpeaker('default');
    return { r1, r2, r3, cam: sent('video') !== oldCam && oldCam.readyState === 'ended', mic: sent('audio') !== oldMic && oldMic.readyState === 'ended',
      active: s.getActiveCamera() === cam, speaker: s.getActiveSpeaker() };
  }, [ids.cams[ids.cams.length - 1], ids.mics[ids.mics.length - 1]]);
  assert.deepEqual(switched, { r1: '', r2: '', r3: '', cam: true, mic: true, active: true, speaker: 'default' });
  const err = await call(a, (c) => c.getMediaStream().switchCamera('no-such-camera'));
  assert.equal(err.thrown.errorCode, 6101);
  assert.deepEqual(Object.keys(err.thrown).sort(), ['errorCode', 'reason', 'type']);
  const support = await call(a, (c) => {
    const s = c.getMediaStream();
    const out = {};
    for (const k of ['isSupportMultipleVideos', 'isSupportHDVideo', 'isSupportVirtualBackground', 'isSupportPhoneFeature',
      'isSupportMicrophoneAndShareAudioSimultaneously', 'isSupportBackgroundNoiseSuppression', 'isSupportOptimizedForSharedVideo',
      'isSupportVideoProcessor', 'isSupportAudioProcessor', 'isSupportShareProcessor']) out[k] = s[k]();
    return out;
  });
  assert.deepEqual(support, {
    isSupportMultipleVideos: true, isSupportHDVideo: true, isSupportVirtualBackground: false, isSupportPhoneFeature: false,
    isSupportMicrophoneAndShareAudioSimultaneously: false, isSupportBackgroundNoiseSuppression: false,
    isSupportOptimizedForSharedVideo: false, isSupportVideoProcessor: false, isSupportAudioProcessor: false, isSupportShareProcessor: false,
  });
});

test('share: attachShareView returns a <video-player>, detachShareView empties it, getShareStatus follows the own share', async () => {
  const t = topic('share-view');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'B'), '');
  const bid = await call(b, (c) => c.getCurrentUserInfo().userId);
  const tag = await a.evaluate(async (id) => {
    const el = await window.client.getMediaStream().attachShareView(id);
    el.id = 'share';
    document.body.appendChild(el);
    return el.tagName;
  }, bid);
  assert.equal(tag, 'VIDEO-PLAYER');
  assert.equal(await call(b, (c) => c.getMediaStream().startShareScreen()), '');
  assert.equal(await call(b, (c) => c.getMediaStream().getShareStatus()), 'sharing');
  await waitEvent(a, 'active-share-change', `(p) => p.state === 'Active' && p.userId === ${bid}`);
  await waitFor(a, () => document.getElementById('share').videoWidth > 0, undefined, 20000);
  assert.deepEqual(await call(a, (c) => c.getMediaStream().getShareUserList().map((u) => u.userId)), [bid]);
  const det = await a.evaluate(async (id) => {
    const el = await window.client.getMediaStream().detachShareView(id);
    return { same: el === document.getElementById('share'), src: el.srcObject };
  }, bid);
  assert.deepEqual(det, { same: true, src: null });
  assert.equal(await call(b, (c) => c.getMediaStream().stopShareScreen()), '');
  assert.equal(await call(b, (c) => c.getMediaStream().getShareStatus()), 'ended');
});

test('statistics subscriptions: *-statistic-data-change events with the reference fields, once a second, until unsubscribed', async () => {
  const t = topic('qos');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'B'), '');
  const aid = await call(a, (c) => c.getCurrentUserInfo().userId);
  assert.equal(await call(a, (c) => c.getMediaStream().startVideo()), '');
  assert.equal(await call(a, (c) => c.getMediaStream().startAudio()), '');
  await b.evaluate(async (id) => { document.body.appendChild(await window.client.getMediaStream().attachVideo(id, 1)); }, aid);
  for (const p of [a, b]) {
    await p.evaluate(async () => {
      window.qos = [];
      for (const n of ['audio-statistic-data-change', 'video-statistic-data-change']) window.client.on(n, (x) => window.qos.push({ n, at: performance.now(), x: JSON.parse(JSON.stringify(x)) }));
      const s = window.client.getMediaStream();
      await s.subscribeVideoStatisticData();
      await s.subscribeAudioStatisticData({ encode: true });
    });
  }
  const sent = await waitFor(a, () => {
    const v = window.qos.filter((q) => q.n === 'video-statistic-data-change' && q.x.data.encoding && q.x.data.width > 0);
    return v.length >= 3 ? v : false;
  }, undefined, 15000);
  assert.equal(sent[0].x.type, 'VIDEO_QOS_DATA');
  assert.deepEqual(Object.keys(sent[0].x.data).sort(),
    ['avg_loss', 'bandwidth', 'bitrate', 'encoding', 'fps', 'height', 'jitter', 'max_loss', 'rtt', 'sample_rate', 'width']);
  assert.ok(sent.at(-1).x.data.bitrate > 0 && sent.at(-1).x.data.sample_rate === 90000);
  const gaps = sent.slice(1).map((q, i) => q.at - sent[i].at);
  assert.ok(gaps.every((g) => g > 700 && g < 1600), `about once a second: ${gaps}`);
  const got = await waitFor(b, () => {
    const v = window.qos.find((q) => q.n === 'video-statistic-data-change' && !q.x.data.encoding && q.x.data.fps > 0);
    const au = window.qos.filter((q) => q.n === 'audio-statistic-data-change');
    return v && au.length >= 2 ? { v: v.x, au: au.map((q) => q.x) } : false;
  }, undefined, 15000);
  assert.ok(got.au.every((q) => q.data.encoding === true && q.type === 'AUDIO_QOS_DATA'), 'only the subscribed direction');
  assert.deepEqual(Object.keys(got.au[0].data).sort(), ['avg_loss', 'bandwidth', 'bitrate', 'encoding', 'jitter', 'max_loss', 'rtt', 'sample_rate']);
  assert.ok(got.v.data.width > 0 && got.v.data.height > 0);
  // Unsubscribed, no more events.
  await a.evaluate(async () => {
    const s = window.client.getMediaStream();
    await s.unsubscribeVideoStatisticData();
    await s.unsubscribeAudioStatisticData();
    window.qos = [];
  });
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(await a.evaluate(() => window.qos.length), 0);
});

test('pre-join tracks: testMicrophone hears the microphone, records and plays it back; testSpeaker plays; no virtual background', async () => {
  const a = await page();
  const mic = await a.evaluate(() => new Promise((resolve) => {
    const seen = { levels: [], steps: [] };
    const track = window.ZV.createLocalAudioTrack();
    const test = track.testMicrophone({
      recordAndPlay: true,
      maxRecordDuration: 1,
      onAnalyseFrequency: (f) => seen.levels.push(f),
      onStartRecording: () => seen.steps.push('record'),
      onStopRecording: () => seen.steps.push('recorded'),
      onStartPlayRecording: () => seen.steps.push('play'),
      onStopPlayRecording: () => { seen.steps.push('played'); test.destroy(); resolve(seen); },
    });
    setTimeout(() => { test.destroy(); resolve(seen); }, 8000);
  }));
  assert.deepEqual(mic.steps, ['record', 'recorded', 'play', 'played']);
  assert.ok(mic.levels.some((f) => f > 0), `the fake microphone is heard: ${mic.levels.slice(0, 5)}`);
  const speaker = await a.evaluate(() => new Promise((resolve) => {
    const levels = [];
    const t = window.ZV.createLocalAudioTrack().testSpeaker({ onAnalyseFrequency: (f) => levels.push(f) });
    setTimeout(() => { t.stop(); resolve(levels); }, 700);
  }));
  assert.ok(speaker.some((f) => f > 0), 'the tone is played');
  const vb = await a.evaluate(() => window.ZV.createLocalVideoTrack().updateVirtualBackground('x.png').catch((e) => e));
  assert.equal(vb.errorCode, 5100);
});
