// In-page instrumentation of the first-frame benchmark. Each export is a function that
// Playwright serialises into a page, so each is self-contained (no imports, no closures).
//
// Every milestone is a mark: the first time it happens, in epoch milliseconds
// (performance.timeOrigin + performance.now(), sub-millisecond), so marks of two pages and
// of Node can be compared on the one host clock.

/**
 * Installs `window.ffProbe` in a page made by helpers.newPage, before the client joins:
 * - signaling: `req:<method>` when a request is sent, `reply:<method>` when its reply arrives
 *   (`rtc.offer` is the SDP offer and its answer), `videoSlotAssigned` for the first
 *   `media-slot` event naming a camera;
 * - the peer connection (the SDK's only one, watched from its construction): `pcCreated`,
 *   `offerApplied`/`answerApplied` (signaling state), `ice:<state>`, `dtls:<state>`,
 *   `pc:<state>`, `firstRtp` (a remote video track unmutes: its first RTP packet arrived,
 *   which may be a padding probe of the SFU's bandwidth estimation rather than media);
 * - `watch(ms)`: polls getStats every `ms` for `statsFirstPacket` (padding included),
 *   `statsFirstFrameReceived` (a whole frame assembled), `statsFirstDecoded` (inbound video), `statsFirstSent` (outbound video), and on a publisher `pliReceived`
 *   and `keyframeEncoded` (counts above those at the start of the watch).
 */
export function installProbe() {
  const now = () => performance.timeOrigin + performance.now();
  const probe = {
    marks: {},
    pc: null,
    /** Bumped by watch/unwatch: a poll loop of an older watch ends. */
    generation: 0,
    now,
    mark(name, t = now()) {
      if (!(name in this.marks)) this.marks[name] = t;
    },
    /** Forgets the marks (the next run of a long-lived page). */
    reset() {
      this.marks = {};
    },
    /** Starts polling getStats every `ms` (0: never). */
    watch(ms) {
      const generation = ++this.generation;
      if (!ms) return;
      // Counts at the first poll that sees the peer connection: a mark is a change after it.
      let base = null;
      const poll = async () => {
        if (this.generation !== generation) return;
        if (this.pc) {
          const n = { inPackets: 0, received: 0, decoded: 0, sent: 0, pli: 0, keyframes: 0 };
          (await this.pc.getStats()).forEach((r) => {
            if (r.kind !== 'video') return;
            if (r.type === 'inbound-rtp') {
              n.inPackets += r.packetsReceived || 0;
              n.received += r.framesReceived || 0;
              n.decoded += r.framesDecoded || 0;
            } else if (r.type === 'outbound-rtp') {
              n.sent += r.packetsSent || 0;
              n.pli += r.pliCount || 0;
              n.keyframes += r.keyFramesEncoded || 0;
            }
          });
          const t = now();
          base = base || n;
          if (n.inPackets > base.inPackets) this.mark('statsFirstPacket', t);
          if (n.received > base.received) this.mark('statsFirstFrameReceived', t);
          if (n.decoded > base.decoded) this.mark('statsFirstDecoded', t);
          if (n.sent > base.sent) this.mark('statsFirstSent', t);
          if (n.pli > base.pli) this.mark('pliReceived', t);
          // A keyframe encoded after the PLI (the encoder's answer to it).
          if ('pliReceived' in this.marks && n.keyframes > base.keyframes) this.mark('keyframeEncoded', t);
          if (!('pliReceived' in this.marks)) base.keyframes = n.keyframes;
        }
        setTimeout(poll, ms);
      };
      poll();
    },
    /** Stops polling. */
    unwatch() {
      this.generation++;
    },
  };

  const c = window.client;
  const request = c._request.bind(c);
  c._request = (method, params, timeoutMs) => {
    probe.mark(`req:${method}`);
    const p = request(method, params, timeoutMs);
    p.then(() => probe.mark(`reply:${method}`), () => {});
    return p;
  };
  const onEvent = c._onEvent.bind(c);
  c._onEvent = (name, payload) => {
    if (name === 'media-slot' && payload && payload.kind === 'video' && payload.userId != null) probe.mark('videoSlotAssigned');
    onEvent(name, payload);
  };

  const Base = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Base {
    constructor(...args) {
      super(...args);
      probe.pc = this;
      probe.mark('pcCreated');
      this.addEventListener('signalingstatechange', () => {
        if (this.signalingState === 'have-local-offer') {
          probe.mark('offerApplied');
          // One bundled transport; it exists once the local description is set.
          const dtls = this.getTransceivers().map((t) => t.sender.transport).find(Boolean);
          if (dtls) dtls.addEventListener('statechange', () => probe.mark(`dtls:${dtls.state}`));
        }
        if (this.signalingState === 'stable') probe.mark('answerApplied');
      });
      this.addEventListener('iceconnectionstatechange', () => probe.mark(`ice:${this.iceConnectionState}`));
      this.addEventListener('connectionstatechange', () => probe.mark(`pc:${this.connectionState}`));
      this.addEventListener('track', (ev) => {
        if (ev.track.kind === 'video') ev.track.addEventListener('unmute', () => probe.mark('firstRtp'));
      });
    }
  };
  window.ffProbe = probe;
}

/**
 * The publisher: init, join, start the camera. Marks `joined` and `videoStarted`.
 * Resolves `{userId}` or `{error}`.
 */
export async function publish([tpc, tok, name, pollMs]) {
  const p = window.ffProbe;
  const c = window.client;
  await c.init('en-US', 'Global', { patchJsMedia: true });
  p.watch(pollMs);
  try {
    await c.join(tpc, tok, name);
  } catch (e) {
    return { error: JSON.stringify(e) };
  }
  p.mark('joined');
  try {
    await c.getMediaStream().startVideo();
  } catch (e) {
    return { error: JSON.stringify(e) };
  }
  p.mark('videoStarted');
  return { userId: c.getCurrentUserInfo().userId };
}

/**
 * The subscriber: init, join, then at once attach the publisher's camera (`pubId`, or the
 * first other user to appear when null) into a new `<video>` in the page, and wait for its
 * first frame with requestVideoFrameCallback. Marks `joined`, `publisherKnown`, `attached`
 * (attachVideo resolved), `firstFrame` (the callback ran). Resolves
 * `{marks, frame: {width, height, receiveTime, presentationTime}}` or `{error, marks}`.
 */
export async function subscribe([tpc, tok, name, pubId, quality, pollMs, timeoutMs]) {
  const p = window.ffProbe;
  const c = window.client;
  await c.init('en-US', 'Global', { patchJsMedia: true });
  try {
    await c.join(tpc, tok, name);
  } catch (e) {
    return { error: `join: ${JSON.stringify(e)}`, marks: p.marks };
  }
  p.mark('joined');
  p.watch(pollMs);
  let target = pubId;
  if (target === null) {
    const me = c.getCurrentUserInfo().userId;
    const other = () => c.getAllUser().find((u) => u.userId !== me)?.userId;
    target = other() ?? await new Promise((resolve) => {
      const onAdded = () => {
        const id = other();
        if (id !== undefined) { c.off('user-added', onAdded); resolve(id); }
      };
      c.on('user-added', onAdded);
    });
    p.mark('publisherKnown');
  }
  const el = document.createElement('video');
  el.style.width = '320px';
  el.style.height = '180px';
  document.body.appendChild(el);
  const frame = new Promise((resolve) => el.requestVideoFrameCallback((_now, meta) => {
    p.mark('firstFrame');
    resolve({ width: meta.width, height: meta.height,
      receiveTime: meta.receiveTime === undefined ? null : performance.timeOrigin + meta.receiveTime,
      presentationTime: performance.timeOrigin + meta.presentationTime });
  }));
  try {
    await c.getMediaStream().attachVideo(target, quality, el);
  } catch (e) {
    return { error: `attachVideo: ${JSON.stringify(e)}`, marks: p.marks };
  }
  p.mark('attached');
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), timeoutMs));
  const got = await Promise.race([frame, timeout]);
  // One more poll's worth of time, so the stats marks of this frame are in.
  await new Promise((resolve) => setTimeout(resolve, 2 * (pollMs || 0)));
  p.unwatch();
  if (!got) return { error: `no remote frame within ${timeoutMs} ms`, marks: p.marks };
  return { marks: p.marks, frame: got };
}
