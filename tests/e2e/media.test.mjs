// Media through the SFU with Chromium's fake camera and microphone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserPages, join, call, waitFor, waitEvent, topic, URL_, watchingCamera } from './helpers.mjs';

const { page } = browserPages();

/** Inbound stats of one kind, summed per receiving slot's user. */
async function inbound(page, kind) {
  return page.evaluate(async (kind) => {
    const pc = window.client.getMediaStream().getPeerConnection();
    const out = [];
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === kind) out.push({ mid: r.mid, packets: r.packetsReceived || 0, frames: r.framesDecoded || 0, width: r.frameWidth || 0 });
    });
    return out;
  }, kind);
}

/** Packets received from one user, read now (the SDK's per-slot detail, not a public API). */
async function packetsFrom(page, userId, kind) {
  return page.evaluate(async ([userId, kind]) => {
    const s = await window.client.getMediaStream()._stats(kind);
    return s.decode.filter((d) => d.userId === userId).reduce((n, d) => n + d.packets, 0);
  }, [userId, kind]);
}

test('getMediaStream before join throws 6002; stream calls after leave reject 6002', async () => {
  const a = await page();
  const r = await a.evaluate(async () => { try { window.client.getMediaStream(); return 'no error'; } catch (e) { return e; } });
  assert.equal(r.errorCode, 6002);
  assert.equal(await join(a, topic('m0'), 1, 'A'), '');
  const r2 = await a.evaluate(async () => {
    const s = window.client.getMediaStream();
    let mute;
    try { await s.muteAudio(); } catch (e) { mute = e; }
    await window.client.leave();
    let after;
    try { await s.startVideo(); } catch (e) { after = e; }
    return { mute, after };
  });
  assert.equal(r2.mute.errorCode, 6015);
  assert.equal(r2.after.errorCode, 6002);
});

test('two pages publish video + audio and attach each other', async () => {
  const t = topic('media');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'B'), '');
  const aid = await call(a, (c) => c.getCurrentUserInfo().userId);
  const bid = await call(b, (c) => c.getCurrentUserInfo().userId);
  for (const p of [a, b]) {
    assert.equal(await call(p, (c) => c.getMediaStream().startVideo()), '');
    assert.equal(await call(p, (c) => c.getMediaStream().startAudio()), '');
  }
  await waitEvent(a, 'peer-video-state-change', `(p) => p.action === 'Start' && p.userId === ${bid}`);
  await waitFor(a, (id) => window.client.getUser(id)?.bVideoOn && window.client.getUser(id)?.audio === 'computer', bid);
  for (const [p, other] of [[a, bid], [b, aid]]) {
    const tag = await p.evaluate(async (other) => {
      const el = await window.client.getMediaStream().attachVideo(other, 2);
      el.id = 'remote-' + other;
      document.body.appendChild(el);
      return el.tagName;
    }, other);
    assert.equal(tag, 'VIDEO-PLAYER', 'a <video-player>, as the reference returns');
  }
  for (const [p, other] of [[a, bid], [b, aid]]) {
    await waitFor(p, (id) => document.getElementById('remote-' + id)?.videoWidth > 0, other, 20000);
    await waitEvent(p, 'video-active-change', `(p) => p.state === 'Active' && p.userId === ${other}`);
    const v1 = (await inbound(p, 'video')).reduce((n, s) => n + s.frames, 0);
    await new Promise((r) => setTimeout(r, 1500));
    const v2 = (await inbound(p, 'video')).reduce((n, s) => n + s.frames, 0);
    assert.ok(v2 > v1, `framesDecoded increases (${v1} -> ${v2})`);
    await waitFor(p, async (id) => {
      const s = await window.client.getMediaStream()._stats('audio');
      return s.decode.some((d) => d.userId === id && d.packets > 20);
    }, other, 15000);
  }
  // The own microphone's level (Chromium's fake microphone beeps): on the reference's 0-9 scale.
  const lvl = await waitEvent(a, 'current-audio-level-change', (p) => p.level > 0, 10000);
  assert.ok(Number.isInteger(lvl.level) && lvl.level <= 9, JSON.stringify(lvl));
  // Network levels as the server reported them: one's own, and the other's while its
  // camera is on.
  await waitFor(a, (id) => {
    const s = window.client.getMediaStream();
    const mine = s.getNetworkQuality(), theirs = s.getNetworkQuality(id);
    return [mine.uplink, mine.downlink, theirs.uplink].every((l) => l >= 0 && l <= 5);
  }, bid, 15000);
  // The reference's statistic getters: synchronous values, sampled once a second.
  await waitFor(a, () => {
    const v = window.client.getMediaStream().getVideoStatisticData();
    return !(v instanceof Promise) && v.encode.bitrate > 0 && v.decode.bitrate > 0 && v.decode.width > 0;
  }, undefined, 10000);
  const st = await a.evaluate(() => {
    const s = window.client.getMediaStream();
    return { audio: s.getAudioStatisticData(), video: s.getVideoStatisticData() };
  });
  const fields = ['sample_rate', 'rtt', 'jitter', 'avg_loss', 'max_loss', 'bandwidth', 'bitrate'];
  for (const dir of ['encode', 'decode']) {
    assert.deepEqual(Object.keys(st.audio[dir]).sort(), [...fields].sort(), `audio ${dir} fields`);
    assert.deepEqual(Object.keys(st.video[dir]).sort(), [...fields, 'width', 'height', 'fps'].sort(), `video ${dir} fields`);
  }
  assert.equal(st.audio.encode.sample_rate, 48000, 'Opus clock');
  assert.equal(st.video.encode.sample_rate, 90000, 'video RTP clock');
  assert.ok(st.audio.decode.bitrate > 0, `audio received (${st.audio.decode.bitrate} bit/s)`);
  assert.ok(st.video.encode.width > 0 && st.video.encode.fps > 0, 'camera being sent');

  // Host mutes B: A stops receiving B's audio packets (the SFU drops them).
  assert.equal(await call(a, (c, id) => c.getMediaStream().muteAudio(id), bid), '');
  await waitFor(b, () => window.client.getCurrentUserInfo().muted === true);
  await waitEvent(b, 'current-audio-change', (p) => p.action === 'muted');
  await new Promise((r) => setTimeout(r, 700));
  const p1 = await packetsFrom(a, bid, 'audio');
  await new Promise((r) => setTimeout(r, 1500));
  const p2 = await packetsFrom(a, bid, 'audio');
  assert.ok(p2 - p1 <= 2, `no audio from a muted user (${p1} -> ${p2})`);
  // B still receives A's audio.
  const q1 = await packetsFrom(b, aid, 'audio');
  await new Promise((r) => setTimeout(r, 1000));
  const q2 = await packetsFrom(b, aid, 'audio');
  assert.ok(q2 > q1, `A's audio keeps flowing (${q1} -> ${q2})`);

  // Unmute-by-host only asks.
  assert.equal(await call(a, (c, id) => c.getMediaStream().unmuteAudio(id), bid), '');
  await waitEvent(b, 'host-ask-unmute-audio', (p) => p.reason === 'Unmute');
  assert.equal(await call(b, (c) => c.getMediaStream().unmuteAudio()), '');
  await waitFor(a, (id) => window.client.getUser(id).muted === false, bid);
  const r1 = await packetsFrom(a, bid, 'audio');
  await waitFor(a, async ([id, r1]) => {
    const s = await window.client.getMediaStream()._stats('audio');
    return s.decode.filter((d) => d.userId === id).reduce((n, d) => n + d.packets, 0) > r1 + 10;
  }, [bid, r1], 10000);

  // Stop video: peer-video-state-change Stop; the video stops arriving; detach.
  assert.equal(await call(b, (c) => c.getMediaStream().stopVideo()), '');
  await waitEvent(a, 'peer-video-state-change', `(p) => p.action === 'Stop' && p.userId === ${bid}`);
  await waitEvent(a, 'video-active-change', `(p) => p.state === 'Inactive' && p.userId === ${bid}`);
  await call(a, (c, id) => c.getMediaStream().detachVideo(id), bid);
});

test('the microphone sends Opus in RED, and a listener hears it', async () => {
  const t = topic('red');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'B'), '');
  const aid = await call(a, (c) => c.getCurrentUserInfo().userId);
  const red = async () => Number((await (await fetch(`${URL_}/metrics`)).text())
    .match(/^convene_red_packets_in_total (\S+)$/m)?.[1] ?? NaN);
  const before = await red();
  assert.equal(await call(a, (c) => c.getMediaStream().startAudio()), '');
  assert.equal(await call(b, (c) => c.getMediaStream().startAudio({ mute: true })), '');
  await waitFor(b, async (id) => {
    const s = await window.client.getMediaStream()._stats('audio');
    return s.decode.some((d) => d.userId === id && d.packets > 50);
  }, aid, 15000);
  const sdp = await a.evaluate(() => window.client.getMediaStream().getPeerConnection().localDescription.sdp);
  assert.match(sdp, /a=rtpmap:\d+ red\/48000/, 'the offer carries red/48000');
  assert.ok((await red()) > before + 20, 'the SFU received RED from Chromium');
});

test('screen share reaches the other page', async () => {
  const t = topic('share');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'B'), '');
  const bid = await call(b, (c) => c.getCurrentUserInfo().userId);
  // Prepare A's receive side first.
  await a.evaluate(async () => {
    const el = await window.client.getMediaStream().attachShareView();
    el.id = 'share';
    document.body.appendChild(el);
  });
  assert.equal(await call(b, (c) => c.getMediaStream().startShareScreen()), '');
  await waitEvent(a, 'active-share-change', `(p) => p.state === 'Active' && p.userId === ${bid}`);
  await waitFor(a, () => document.getElementById('share').videoWidth > 0, undefined, 20000);
  // Pause: the sharer encodes and sends no frame until it resumes.
  const sentShare = () => b.evaluate(async () => {
    let n = 0;
    (await window.client.getMediaStream().getPeerConnection().getStats())
      .forEach((r) => { if (r.type === 'outbound-rtp' && r.kind === 'video') n += r.framesEncoded || 0; });
    return n;
  });
  assert.equal(await call(b, (c) => c.getMediaStream().pauseShareScreen()), '');
  assert.equal(await call(b, (c) => c.getMediaStream().getShareStatus()), 'paused');
  assert.equal((await call(b, (c) => c.getMediaStream().pauseShareScreen())).thrown.errorCode, 6205);
  await new Promise((r) => setTimeout(r, 500));
  const paused = await sentShare();
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok((await sentShare()) - paused <= 1, 'no frame sent while paused');
  assert.equal(await call(b, (c) => c.getMediaStream().resumeShareScreen()), '');
  assert.equal(await call(b, (c) => c.getMediaStream().getShareStatus()), 'sharing');
  await waitFor(b, async (n) => {
    let m = 0;
    (await window.client.getMediaStream().getPeerConnection().getStats())
      .forEach((r) => { if (r.type === 'outbound-rtp' && r.kind === 'video') m += r.framesEncoded || 0; });
    return m > n + 3;
  }, paused, 10000);
  // Lock: a participant's share is stopped.
  assert.equal(await call(a, (c) => c.getMediaStream().lockShare(true)), '');
  await waitEvent(b, 'passively-stop-share');
  assert.equal(await call(b, (c) => c.getMediaStream().isShareLocked()), true);
  const again = await call(b, (c) => c.getMediaStream().startShareScreen());
  assert.equal(again.thrown.errorCode, 6204);
});

test('media survives a signaling failover', async () => {
  const { b } = await watchingCamera(page, 'media-failover', 1);
  await b.evaluate(() => { window.events = []; window.client._sig._ws.close(); });
  await waitEvent(b, 'connection-change', (p) => p.state === 'Connected');
  // The new peer connection gets A's video again into the same element.
  await waitFor(b, async () => {
    const pc = window.client.getMediaStream().getPeerConnection();
    let frames = 0;
    (await pc.getStats()).forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded || 0; });
    return frames > 10 && document.getElementById('remote').videoWidth > 0;
  }, undefined, 20000);
});

test('muteAllAudio mutes everyone else; participants may not', async () => {
  const t = topic('muteall');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'B'), '');
  assert.equal(await call(b, (c) => c.getMediaStream().startAudio()), '');
  assert.equal((await call(b, (c) => c.getMediaStream().muteAllAudio())).thrown.errorCode, 5006);
  assert.equal(await call(a, (c) => c.getMediaStream().muteAllAudio()), '');
  await waitFor(b, () => window.client.getMediaStream().isAudioMuted());
  const ev = await waitEvent(b, 'current-audio-change', (p) => p.action === 'muted');
  assert.equal(ev.source, 'passive(mute all)');
});

test('camera is sent as 3 simulcast layers; attach quality picks the layer', async () => {
  const t = topic('simulcast');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'B'), '');
  const aid = await call(a, (c) => c.getCurrentUserInfo().userId);
  assert.equal(await call(a, (c) => c.getMediaStream().startVideo()), '');
  await b.evaluate(async (id) => {
    const el = await window.client.getMediaStream().attachVideo(id, 0);
    el.id = 'remote';
    document.body.appendChild(el);
  }, aid);
  await waitFor(b, () => document.getElementById('remote').videoWidth > 0, undefined, 20000);
  // Offered as three layers, lowest first.
  const configured = await a.evaluate(() => window.client.getMediaStream().getPeerConnection().getSenders()
    .filter((x) => x.track && x.track.kind === 'video').map((x) => x.getParameters().encodings.map((e) => [e.rid, e.scaleResolutionDownBy])));
  assert.deepEqual(configured, [[['l', 4], ['m', 2], ['h', 1]]]);
  // At least the two lower layers flow at once (the browser adds the top one as its
  // bandwidth estimate grows).
  const rids = await waitFor(a, async () => {
    const o = [];
    (await window.client.getMediaStream().getPeerConnection().getStats()).forEach((r) => {
      if (r.type === 'outbound-rtp' && r.kind === 'video' && r.framesEncoded > 0) o.push(r.rid);
    });
    return o.includes('l') && o.includes('m') ? o.sort() : false;
  }, undefined, 20000);
  assert.ok(rids.length >= 2);
  const low = await b.evaluate(() => document.getElementById('remote').videoWidth);
  assert.ok(low <= 320, `90p attach gets the lowest layer (${low})`);
  // Same element, 720p: the SFU switches up at a keyframe, to the top layer or, while the
  // browser does not send it yet, to the highest layer it does send (never stuck on the
  // lowest one).
  await b.evaluate(async (id) => { await window.client.getMediaStream().attachVideo(id, 3, document.getElementById('remote')); }, aid);
  await waitFor(b, (low) => document.getElementById('remote').videoWidth > low, low, 25000);
});

test('init hands the server-configured ICE servers to the peer connection', async () => {
  const a = await page();
  assert.equal(await join(a, topic('ice'), 1, 'A'), '');
  const urls = await a.evaluate(async () => {
    const s = window.client.getMediaStream();
    await s.startAudio({ mute: true });
    return s.getPeerConnection().getConfiguration().iceServers.flatMap((i) => [].concat(i.urls));
  });
  // run.sh starts the server with --ice-server stun:127.0.0.1:3478.
  assert.deepEqual(urls, ['stun:127.0.0.1:3478']);
});

test('speaker only: in audio without a microphone, shown to everyone as isSpeakerOnly until the microphone is taken', async () => {
  const t = topic('speakeronly');
  const a = await page(), b = await page();
  assert.equal(await join(a, t, 1, 'A'), '');
  assert.equal(await join(b, t, 0, 'B'), '');
  const bid = await call(b, (c) => c.getCurrentUserInfo().userId);
  assert.equal(await call(b, (c) => c.getMediaStream().startAudio({ speakerOnly: true })), '');
  await waitEvent(a, 'user-updated', `(p) => p.some((u) => u.userId === ${bid} && u.isSpeakerOnly === true)`);
  const mine = await b.evaluate(() => {
    const me = window.client.getCurrentUserInfo();
    const pc = window.client.getMediaStream().getPeerConnection();
    const sending = pc.getSenders().some((s) => s.track && s.track.kind === 'audio');
    return { audio: me.audio, speakerOnly: me.isSpeakerOnly, sending };
  });
  assert.deepEqual(mine, { audio: 'computer', speakerOnly: true, sending: false }, 'no microphone captured');
  // The microphone after all: everyone sees the flag go.
  assert.equal(await call(b, (c) => c.getMediaStream().startAudio()), '');
  await waitFor(a, (id) => window.client.getUser(id).isSpeakerOnly === false && window.client.getUser(id).audio === 'computer', bid);
  assert.equal(await call(a, (c) => c.getMediaStream().getMaxRenderableVideos()), 25);
});
