// The media side of the stream: one RTCPeerConnection to the SFU. The client always offers
// (`rtc.offer`) and the SFU answers. Receive slots (3 audio, 1 share, one video per attached
// user) are recvonly transceivers whose sender the server names in `media-slot` events;
// rendering binds each attached user's slot track to its element.
import { mediaNotJoined, reconnecting } from './errors.js';
import { LossDelay } from './loss-delay.js';
import { LIMITS } from './protocol.gen.js';
import { withOpusDtx, withRrtr } from './sdp.js';
import { SilenceWatch } from './silence-watch.js';
import { VideoActivity } from './video-activity.js';

/** @typedef {import('./client.js').VideoClient} VideoClient */

const AUDIO_SLOTS = LIMITS.AUDIO_SLOTS;
const SHARE_SLOTS = 1;
/** How often the statistics behind `getAudioStatisticData` / `getVideoStatisticData` and the silence watchdog (`_watchSilence`) are sampled. */
const STATS_EVERY_MS = 500;

/**
 * One direction of one kind, in the reference's `AudioQosData` / `VideoQosData` fields:
 * `rtt` and `jitter` in ms, `avg_loss` (since the start) and `max_loss` (worst sample) in
 * percent of packets, `bitrate` (last sample) and `bandwidth` (the browser's estimate of the
 * available rate; 0 when it has none) in bits/s, `sample_rate` the codec's clock rate; video
 * adds `width`, `height`, `fps`.
 * @typedef {{sample_rate: number, rtt: number, jitter: number, avg_loss: number, max_loss: number,
 *   bandwidth: number, bitrate: number, width?: number, height?: number, fps?: number}} QosData
 */

/** @param {'audio'|'video'} kind @returns {QosData} */
function emptyQos(kind) {
  const q = { sample_rate: 0, rtt: 0, jitter: 0, avg_loss: 0, max_loss: 0, bandwidth: 0, bitrate: 0 };
  return kind === 'video' ? Object.assign(q, { width: 0, height: 0, fps: 0 }) : q;
}

/**
 * How a broken media path is retried. Not connected `connectMs` after an ICE restart (or after
 * a fresh peer was made), the media peer starts over with a fresh one; the n-th fresh peer in a
 * row waits `backoffMs` × 2^(n-2) first (the first goes at once), at most `backoffMaxMs`; after
 * `maxRestarts` fresh peers in a row that never connected, the SDK gives up and reports it
 * (`media-sdk-change` with `result: 'fail'`). Connecting again resets the count. (An object,
 * so that tests can shorten it on a stream: `stream._retry`.)
 */
const RETRY = Object.freeze({ connectMs: 10000, backoffMs: 1000, backoffMaxMs: 8000, maxRestarts: 4 });

/** @param {RTCPeerConnection} pc */
const isConnected = (pc) => pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed';

/** @param {number} lost @param {number} total */
const lossPercent = (lost, total) => (total > 0 ? Math.round((Math.max(0, lost) / total) * 1000) / 10 : 0);

export class MediaPeer {
  /** @param {VideoClient} client */
  constructor(client) {
    this._c = client;
    this._closed = false;
    this._pc = null;
    this._negotiating = Promise.resolve();
    this._needReset = true;
    /** userId → the levels of its last `network-quality-change` events (`getNetworkQuality`). @type {Map<number, {uplink?: number, downlink?: number}>} */
    this._quality = new Map();
    /** The last `current-audio-level-change` level sent (0-9), if any. @type {number | null} */
    this._micLevel = null;
    /** The screen share is sending nothing for now (`pauseShareScreen`). */
    this._sharePaused = false;
    /** @type {ReturnType<typeof setTimeout> | null} the deadline of an ICE restart (or a fresh peer) under way */
    this._iceTimer = null;
    /** @type {ReturnType<typeof setTimeout> | null} a fresh peer waiting out its backoff */
    this._backoffTimer = null;
    /** Fresh peers made in a row without connecting (see RETRY). */
    this._peerRestarts = 0;
    /** Gave up on the media path (RETRY.maxRestarts); the next signaling resume tries again. */
    this._mediaFailed = false;
    this._retry = { ...RETRY };
    /** Restarts ICE when a connected peer with slots hears nothing (see `_watchSilence`). */
    this._silence = new SilenceWatch();
    /** mid → {userId, kind} from `media-slot` */
    this._slots = new Map();
    this._audioSlots = [];
    this._shareSlots = [];
    this._videoSlots = [];
    this._audioEls = new Map(); // mid → <audio>
    /** userId → {element, quality} */
    this._attached = new Map();
    /** Whether each attached camera's video arrives (`video-active-change`). */
    this._activity = new VideoActivity();
    /** Holds received video longer on a lossy downlink (see `_sampleLoss`). */
    this._lossDelay = new LossDelay();
    this._micTrack = null;
    this._micSender = null;
    this._camTrack = null;
    this._camTransceiver = null;
    this._shareTrack = null;
    this._shareTransceiver = null;
    this._audioStarted = false;
    this._shareEl = null;
    /** The last statistics sample per kind and direction (see `_sampleStats`). */
    this._qos = {
      audio: { encode: emptyQos('audio'), decode: emptyQos('audio') },
      video: { encode: emptyQos('video'), decode: emptyQos('video') },
    };
    /** Counters of the previous sample, for rates and per-sample loss. @type {Map<string, {t: number, bytes: number, packets: number, lost: number}>} */
    this._qosPrev = new Map();
    /** @type {any} */
    this._statsTimer = null;
    /** Which statistics events are subscribed (`subscribeAudioStatisticData` & co.). */
    this._qosSubs = { audio: { encode: false, decode: false }, video: { encode: false, decode: false } };
    /** When the statistics events were last emitted (they go out once a second). */
    this._qosEmitted = 0;
  }

  _check() {
    if (this._closed || this._c._phase !== 'joined') {
      if (this._c._phase === 'reconnecting' && !this._closed) throw reconnecting();
      throw mediaNotJoined();
    }
  }

  async _req(method, params) {
    this._check();
    return this._c._request(method, params);
  }

  // ---- peer connection ---------------------------------------------------------------

  _ensurePc() {
    if (this._pc) return this._pc;
    const pc = new RTCPeerConnection({
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
      iceServers: this._c._iceServers || [],
    });
    this._pc = pc;
    this._needReset = true;
    if (!this._statsTimer) this._statsTimer = setInterval(() => { this._sampleStats().catch(() => {}); }, STATS_EVERY_MS);
    this._audioSlots = [];
    this._shareSlots = [];
    this._videoSlots = [];
    for (let i = 0; i < AUDIO_SLOTS; i++) this._audioSlots.push(pc.addTransceiver('audio', { direction: 'recvonly' }));
    for (let i = 0; i < SHARE_SLOTS; i++) this._shareSlots.push(pc.addTransceiver('video', { direction: 'recvonly' }));
    pc.ontrack = (ev) => {
      const t = ev.transceiver;
      if (t && t.receiver.track.kind === 'audio') this._playAudio(t);
    };
    pc.oniceconnectionstatechange = () => this._onIceState(pc);
    pc.onconnectionstatechange = () => { if (pc.connectionState === 'failed') this._onIceState(pc); };
    return pc;
  }

  /**
   * The media path broke while signaling is fine (the network changed, a NAT forgot the
   * mapping). The browser says so late (`disconnected` some 5 s after the last packet), so the
   * SDK also watches: with slots assigned, the SFU sends several packets a second (media, RTCP),
   * and `SILENCE.silentMs` without a received byte counts as broken too (`_watchSilence`).
   * Broken, the peer connection restarts ICE at once (new credentials and candidates; same
   * tracks, slots and session). Not connected again `RETRY.connectMs` later, it starts
   * over with a fresh peer, backing off and giving up after a bound (see RETRY).
   * @param {RTCPeerConnection} pc
   */
  _onIceState(pc) {
    if (this._pc !== pc || this._closed || this._c._phase !== 'joined') return;
    if (isConnected(pc)) {
      clearTimeout(this._iceTimer ?? undefined);
      this._iceTimer = null;
      this._peerRestarts = 0;
      return;
    }
    const broken = pc.iceConnectionState === 'disconnected' || pc.iceConnectionState === 'failed'
      || pc.connectionState === 'failed';
    if (broken) this._restartIce(pc);
  }

  /** @param {RTCPeerConnection} pc */
  _restartIce(pc) {
    if (this._iceTimer || this._backoffTimer || this._mediaFailed || this._pc !== pc || this._closed || this._c._phase !== 'joined') return;
    pc.restartIce();
    this._renegotiate().catch(() => {});
    this._connectDeadline(pc);
  }

  /** Not connected within `_retry.connectMs`, `pc` is replaced (`_schedulePeerRestart`). @param {RTCPeerConnection} pc */
  _connectDeadline(pc) {
    clearTimeout(this._iceTimer ?? undefined);
    this._iceTimer = setTimeout(() => {
      this._iceTimer = null;
      if (this._pc === pc && !this._closed && !isConnected(pc)) this._schedulePeerRestart();
    }, this._retry.connectMs);
  }

  /**
   * A fresh peer after the backoff, or giving up after `_retry.maxRestarts` in a row. Nothing
   * waits on it: other calls go on (a renegotiation they ask for meanwhile uses the old peer).
   */
  _schedulePeerRestart() {
    if (this._backoffTimer || this._closed) return;
    const n = ++this._peerRestarts;
    if (n > this._retry.maxRestarts) {
      this._giveUpMedia();
      return;
    }
    const wait = n === 1 ? 0 : Math.min(this._retry.backoffMs * 2 ** (n - 2), this._retry.backoffMaxMs);
    this._backoffTimer = setTimeout(() => {
      this._backoffTimer = null;
      if (this._closed || this._c._phase !== 'joined') return;
      this._restartPeer().catch(() => {});
    }, wait);
  }

  /**
   * The media path could not be restored: stop retrying and say so with the reference's
   * `media-sdk-change` (`{action: 'encode'|'decode', type: 'audio'|'video'|'share', result:
   * 'fail'}`) for each kind sent and received. Signaling (the session) is unaffected, so no
   * `connection-change`. A signaling failover (`_afterResume`) tries again from scratch.
   */
  _giveUpMedia() {
    this._mediaFailed = true;
    clearTimeout(this._iceTimer ?? undefined);
    this._iceTimer = null;
    /** @type {[string, string][]} */
    const failed = [['decode', 'audio'], ['decode', 'share']];
    if (this._attached.size) failed.push(['decode', 'video']);
    if (this._micTrack) failed.push(['encode', 'audio']);
    if (this._camTrack) failed.push(['encode', 'video']);
    if (this._shareTrack) failed.push(['encode', 'share']);
    for (const [action, type] of failed) this._c._emit('media-sdk-change', { action, type, result: 'fail' });
  }

  /**
   * The silence watchdog (`silence-watch.js`): `bytes` received by the transport so far,
   * sampled now. Silent while packets are due, ICE restarts; restarts that do not cure it
   * come ever further apart.
   * @param {RTCPeerConnection} pc @param {number} bytes @param {number} now
   */
  _watchSilence(pc, bytes, now) {
    if (this._silence.sample(pc, bytes, this._slots.size > 0 && isConnected(pc), now)) this._restartIce(pc);
  }

  _playAudio(t) {
    if (typeof document === 'undefined' || !t.mid) return;
    let el = this._audioEls.get(t.mid);
    if (!el) {
      el = document.createElement('audio');
      el.autoplay = true;
      el.style.display = 'none';
      el.dataset.conveneMid = t.mid;
      (document.body || document.documentElement).appendChild(el);
      this._audioEls.set(t.mid, el);
    }
    el.srcObject = new MediaStream([t.receiver.track]);
    // The speaker chosen by `switchSpeaker` (Stream).
    const sink = /** @type {any} */ (this)._speakerId;
    if (sink && /** @type {any} */ (el).setSinkId) /** @type {any} */ (el).setSinkId(sink).catch(() => {});
    const p = el.play();
    if (p && p.catch) p.catch(() => this._c._emit('auto-play-audio-failed'));
  }

  /** Offers the current transceivers to the SFU and applies its answer (serialised). */
  _renegotiate() {
    const run = async () => {
      const pc = this._ensurePc();
      const reset = this._needReset;
      const offer = await pc.createOffer();
      await pc.setLocalDescription({ type: 'offer', sdp: withRrtr(offer.sdp || '') });
      const shareMids = [];
      if (this._shareTransceiver && this._shareTransceiver.mid) shareMids.push(this._shareTransceiver.mid);
      for (const t of this._shareSlots) if (t.mid) shareMids.push(t.mid);
      let answer;
      try {
        answer = await this._c._request('rtc.offer', { sdp: pc.localDescription.sdp, reset, shareMids });
      } catch (e) {
        if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' }).catch(() => {});
        throw e;
      }
      if (this._pc !== pc) return;
      await pc.setRemoteDescription({ type: 'answer', sdp: withRrtr(withOpusDtx(answer.sdp)) });
      this._needReset = false;
      for (const t of this._audioSlots) if (t.currentDirection && t.receiver.track) this._playAudio(t);
      this._bindAll();
    };
    const p = this._negotiating.then(run, run);
    this._negotiating = p.catch(() => {});
    return p;
  }

  async _restartPeer() {
    const old = this._pc;
    this._pc = null;
    clearTimeout(this._iceTimer ?? undefined);
    this._iceTimer = null;
    clearTimeout(this._backoffTimer ?? undefined);
    this._backoffTimer = null;
    if (old) try { old.close(); } catch (_) { /* ignore */ }
    this._slots.clear();
    this._micSender = null;
    this._camTransceiver = null;
    this._shareTransceiver = null;
    const pc = this._ensurePc();
    if (this._micTrack) this._micSender = pc.addTransceiver(this._micTrack, { direction: 'sendonly' }).sender;
    if (this._camTrack) this._camTransceiver = this._addCamera(pc, this._camTrack);
    if (this._shareTrack) this._shareTransceiver = pc.addTransceiver(this._shareTrack, { direction: 'sendonly' });
    while (this._videoSlots.length < this._attached.size) this._videoSlots.push(pc.addTransceiver('video', { direction: 'recvonly' }));
    this._connectDeadline(pc);
    await this._renegotiate();
  }

  /**
   * After a signaling failover the server dropped our media peer: build a new one. When the
   * session moved to another node (`moved`: it was taken over from a snapshot, which keeps no
   * media), publish again what this client still sends, as `was` (this user before) had it,
   * and ask again for the cameras it shows.
   * @param {import('./types.js').Participant | undefined} was
   * @param {boolean} moved
   */
  async _afterResume(was, moved) {
    this._mediaFailed = false;
    this._peerRestarts = 0;
    if (!this._pc) return;
    await this._restartPeer().catch(() => {});
    const now = this._c._session?.me();
    if (!moved || !was || !now) return;
    /** @type {[string, any][]} */
    const again = [];
    if (was.audio === 'computer' && now.audio !== 'computer') {
      again.push(['startAudio', was.isSpeakerOnly ? { mute: !!was.muted, speakerOnly: true } : { mute: !!was.muted }]);
    }
    if (was.bVideoOn && !now.bVideoOn && this._camTrack) again.push(['startVideo', undefined]);
    if (was.sharerOn && !now.sharerOn && this._shareTrack) again.push(['startShareScreen', undefined]);
    for (const [userId, a] of this._attached) {
      if (userId !== this._c._session?.userId) again.push(['attachVideo', { userId, videoQuality: a.quality }]);
    }
    for (const [method, params] of again) {
      try {
        await this._req(method, params);
      } catch (e) {
        // Refused on the new node (e.g. a lock set meanwhile): the app sees the state as it is.
      }
    }
  }

  /**
   * After a move to another room (`subsession-moved`): the server dropped our media peer and
   * the new room has none of this user's media, as after a failover to another node. What to
   * start again is what this client sends now (a move that follows another before its rebuild
   * ended still knows it).
   */
  _afterMove() {
    const me = this._c._session?.me();
    if (!me) return Promise.resolve();
    const audio = this._audioStarted;
    /** @type {import('./types.js').Participant} */
    const sending = {
      ...me,
      audio: audio ? 'computer' : '',
      muted: audio && this._micTrack ? !this._micTrack.enabled : undefined,
      isSpeakerOnly: audio && !this._micTrack,
      bVideoOn: !!this._camTrack,
      sharerOn: !!this._shareTrack,
    };
    return this._afterResume(sending, true);
  }

  _addCamera(pc, track) {
    const encodings = [
      { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: 150000 },
      { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: 500000 },
      { rid: 'h', scaleResolutionDownBy: 1, maxBitrate: 1500000 },
    ];
    try {
      return pc.addTransceiver(track, { direction: 'sendonly', sendEncodings: encodings });
    } catch (_) {
      return pc.addTransceiver(track, { direction: 'sendonly' });
    }
  }

  // ---- slots and rendering -------------------------------------------------------------

  _onSlot(slot) {
    if (!slot || !slot.mid) return;
    if (slot.userId === undefined || slot.userId === null) this._slots.delete(slot.mid);
    else this._slots.set(slot.mid, { userId: slot.userId, kind: slot.kind });
    this._bindAll();
  }

  _transceiverOf(mid) {
    if (!this._pc) return null;
    return this._pc.getTransceivers().find((t) => t.mid === mid) || null;
  }

  /**
   * `video-active-change` for the attached users whose received video started or stopped.
   * @param {RTCPeerConnection} pc @param {RTCStatsReport} report @param {number} now
   */
  _sampleActivity(pc, report, now) {
    /** @type {Map<string, number>} framesDecoded by receive track id */
    const frames = new Map();
    report.forEach((r) => {
      if (r.type === 'inbound-rtp' && (r.kind || r.mediaType) === 'video' && r.trackIdentifier) {
        frames.set(r.trackIdentifier, r.framesDecoded || 0);
      }
    });
    /** @type {Map<number, {mid: string, frames: number}>} */
    const seen = new Map();
    for (const [userId, a] of this._attached) {
      const t = a.mid ? pc.getTransceivers().find((x) => x.mid === a.mid) : null;
      if (t) seen.set(userId, { mid: a.mid, frames: frames.get(t.receiver.track.id) || 0 });
    }
    for (const change of this._activity.sample(seen, now)) this._c._emit('video-active-change', change);
  }

  /**
   * The video receivers' playout delay, from the NACKs they sent (`loss-delay.js`).
   * @param {RTCPeerConnection} pc @param {RTCStatsReport} report @param {number} now
   */
  _sampleLoss(pc, report, now) {
    let nacks = 0, packets = 0;
    report.forEach((r) => {
      if (r.type !== 'inbound-rtp' || (r.kind || r.mediaType) !== 'video') return;
      nacks += r.nackCount || 0;
      packets += r.packetsReceived || 0;
    });
    const target = this._lossDelay.sample(nacks, packets, now);
    for (const t of pc.getTransceivers()) {
      const r = t.receiver;
      // Browsers without the attribute (Firefox) keep their own.
      if (r.track.kind === 'video' && 'jitterBufferTarget' in r && r.jitterBufferTarget !== target) {
        r.jitterBufferTarget = target;
      }
    }
  }

  /** Puts each attached user's slot track into its element. */
  _bindAll() {
    for (const [userId, a] of this._attached) {
      let mid = null;
      for (const [m, s] of this._slots) if (s.userId === userId && s.kind === 'video') mid = m;
      if (!mid) continue;
      const t = this._transceiverOf(mid);
      if (!t) continue;
      const track = t.receiver.track;
      const cur = a.element.srcObject;
      if (!cur || cur.getVideoTracks()[0] !== track) {
        a.element.srcObject = new MediaStream([track]);
        const p = a.element.play();
        if (p && p.catch) p.catch(() => {});
      }
      a.mid = mid;
    }
  }

  _onUserGone(userId) {
    const a = this._attached.get(userId);
    if (a) {
      this._attached.delete(userId);
      a.element.srcObject = null;
    }
  }

  /** Stops sending the screen share. */
  _stopShareTrack() {
    this._sharePaused = false;
    if (this._shareTrack) { this._shareTrack.stop(); this._shareTrack = null; }
    if (this._shareTransceiver) this._shareTransceiver.sender.replaceTrack(null).catch(() => {});
    if (this._shareEl) { this._shareEl.srcObject = null; this._shareEl = null; }
  }

  /**
   * `current-audio-level-change {level}` (0-9, the reference's scale) when the microphone's
   * level, as the browser measures what it captures, moves to another step.
   * @param {RTCStatsReport} report
   */
  _sampleMicLevel(report) {
    let level = null;
    report.forEach((r) => {
      if (r.type === 'media-source' && r.kind === 'audio' && typeof r.audioLevel === 'number') {
        level = Math.min(9, Math.round(r.audioLevel * 9));
      }
    });
    if (level === null || !this._micTrack || !this._micTrack.enabled || level === this._micLevel) return;
    this._micLevel = level;
    this._c._emit('current-audio-level-change', { level });
  }

  _onEvent(name, payload) {
    if (name === 'passively-stop-share' && this._shareTrack) {
      this._stopShareTrack();
    }
    if (name === 'network-quality-change' && payload && (payload.type === 'uplink' || payload.type === 'downlink')) {
      this._quality.set(payload.userId, { ...this._quality.get(payload.userId), [payload.type]: payload.level });
    }
    if (name === 'user-updated' && this._micTrack) {
      // Muted by the host (or unmuted by ourselves): the mic track follows the server state.
      const me = (payload || []).find((u) => u.userId === this._c._session.userId);
      if (me && typeof me.muted === 'boolean') this._micTrack.enabled = !me.muted;
    }
  }

  /**
   * Convene's own detail, per receive slot and its user, read now (tests and diagnostics; the
   * public getters are the reference's sampled totals).
   * @param {'audio'|'video'} kind
   */
  async _stats(kind) {
    const out = { encode: null, decode: [] };
    if (!this._pc) return out;
    const report = await this._pc.getStats();
    const byId = new Map();
    report.forEach((r) => byId.set(r.id, r));
    report.forEach((r) => {
      if (r.kind !== kind && r.mediaType !== kind) return;
      if (r.type === 'outbound-rtp') {
        const remote = r.remoteId ? byId.get(r.remoteId) : null;
        const e = out.encode || { encoding: true, bitrate: 0, bytes: 0, packets: 0, width: 0, height: 0, fps: 0, rtt: 0, avg_loss: 0, jitter: 0 };
        e.bytes += r.bytesSent || 0;
        e.packets += r.packetsSent || 0;
        e.width = Math.max(e.width, r.frameWidth || 0);
        e.height = Math.max(e.height, r.frameHeight || 0);
        e.fps = Math.max(e.fps, r.framesPerSecond || 0);
        if (remote) {
          e.rtt = Math.round((remote.roundTripTime || 0) * 1000);
          e.jitter = Math.round((remote.jitter || 0) * 1000);
          e.avg_loss = remote.fractionLost || 0;
        }
        out.encode = e;
      } else if (r.type === 'inbound-rtp') {
        let slot = null;
        for (const t of this._pc.getTransceivers()) if (t.mid === r.mid) slot = this._slots.get(t.mid) || null;
        out.decode.push({
          encoding: false,
          mid: r.mid,
          userId: slot ? slot.userId : undefined,
          packets: r.packetsReceived || 0,
          packetsLost: r.packetsLost || 0,
          bytes: r.bytesReceived || 0,
          jitter: Math.round((r.jitter || 0) * 1000),
          framesDecoded: r.framesDecoded || 0,
          width: r.frameWidth || 0,
          height: r.frameHeight || 0,
          fps: r.framesPerSecond || 0,
          sample_rate: kind === 'audio' ? 48000 : undefined,
        });
      }
    });
    return out;
  }

  /**
   * Samples `getStats()` into `_qos`, which the stream's statistic getters return at once
   * (the reference's are synchronous). Sums every sending (encode) and receiving (decode)
   * stream of a kind.
   */
  async _sampleStats() {
    const pc = this._pc;
    if (!pc) return;
    const report = await pc.getStats();
    if (pc !== this._pc) return;
    const byId = new Map();
    report.forEach((r) => byId.set(r.id, r));
    /** @type {any} */
    let pair = null;
    report.forEach((r) => { if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') pair = r; });
    const pairRtt = pair && pair.currentRoundTripTime ? Math.round(pair.currentRoundTripTime * 1000) : 0;
    const now = performance.now();
    let received = 0;
    report.forEach((r) => { if (r.type === 'transport') received += r.bytesReceived || 0; });
    this._watchSilence(pc, received, now);
    this._sampleMicLevel(report);
    this._sampleActivity(pc, report, now);
    this._sampleLoss(pc, report, now);
    for (const kind of /** @type {const} */ (['audio', 'video'])) {
      const enc = { q: emptyQos(kind), bytes: 0, packets: 0, lost: 0 };
      const dec = { q: emptyQos(kind), bytes: 0, packets: 0, lost: 0 };
      report.forEach((r) => {
        if ((r.kind || r.mediaType) !== kind) return;
        const out = r.type === 'outbound-rtp';
        if (!out && r.type !== 'inbound-rtp') return;
        const d = out ? enc : dec;
        const codec = r.codecId ? byId.get(r.codecId) : null;
        if (codec && codec.clockRate) d.q.sample_rate = codec.clockRate;
        if (kind === 'video') {
          d.q.width = Math.max(d.q.width, r.frameWidth || 0);
          d.q.height = Math.max(d.q.height, r.frameHeight || 0);
          d.q.fps = Math.max(d.q.fps, Math.round(r.framesPerSecond || 0));
        }
        if (out) {
          d.bytes += r.bytesSent || 0;
          d.packets += r.packetsSent || 0;
          const remote = r.remoteId ? byId.get(r.remoteId) : null;
          if (remote) {
            d.lost += remote.packetsLost || 0;
            d.q.rtt = Math.max(d.q.rtt, Math.round((remote.roundTripTime || 0) * 1000));
            d.q.jitter = Math.max(d.q.jitter, Math.round((remote.jitter || 0) * 1000));
          }
        } else {
          d.bytes += r.bytesReceived || 0;
          d.packets += (r.packetsReceived || 0) + (r.packetsLost || 0);
          d.lost += r.packetsLost || 0;
          d.q.jitter = Math.max(d.q.jitter, Math.round((r.jitter || 0) * 1000));
        }
      });
      if (!enc.q.rtt) enc.q.rtt = pairRtt;
      dec.q.rtt = pairRtt;
      if (pair) {
        enc.q.bandwidth = Math.round(pair.availableOutgoingBitrate || 0);
        dec.q.bandwidth = Math.round(pair.availableIncomingBitrate || 0);
      }
      for (const [dir, d] of /** @type {const} */ ([['encode', enc], ['decode', dec]])) {
        const key = `${kind}.${dir}`;
        const prev = this._qosPrev.get(key);
        const last = this._qos[kind][dir];
        d.q.avg_loss = lossPercent(d.lost, d.packets);
        d.q.max_loss = last.max_loss;
        if (prev && d.bytes >= prev.bytes && now > prev.t) {
          d.q.bitrate = Math.round(((d.bytes - prev.bytes) * 8 * 1000) / (now - prev.t));
          d.q.max_loss = Math.max(last.max_loss, lossPercent(d.lost - prev.lost, d.packets - prev.packets));
        }
        this._qosPrev.set(key, { t: now, bytes: d.bytes, packets: d.packets, lost: d.lost });
        this._qos[kind][dir] = d.q;
      }
    }
    if (now - this._qosEmitted >= 1000 - STATS_EVERY_MS / 2) {
      this._qosEmitted = now;
      this._emitQos();
    }
  }

  /**
   * The subscribed `audio-statistic-data-change` / `video-statistic-data-change` events, from
   * the last sample: `{data: {...qos, encoding}, type}`, one per subscribed direction.
   */
  _emitQos() {
    for (const kind of /** @type {const} */ (['audio', 'video'])) {
      const type = kind === 'audio' ? 'AUDIO_QOS_DATA' : 'VIDEO_QOS_DATA';
      for (const dir of /** @type {const} */ (['encode', 'decode'])) {
        if (!this._qosSubs[kind][dir]) continue;
        this._c._emit(`${kind}-statistic-data-change`, { data: { ...this._qos[kind][dir], encoding: dir === 'encode' }, type });
      }
    }
  }

  _close() {
    this._closed = true;
    clearTimeout(this._iceTimer ?? undefined);
    this._iceTimer = null;
    clearTimeout(this._backoffTimer ?? undefined);
    this._backoffTimer = null;
    if (this._statsTimer) clearInterval(this._statsTimer);
    this._statsTimer = null;
    for (const t of [this._micTrack, this._camTrack, this._shareTrack]) if (t) t.stop();
    this._micTrack = this._camTrack = this._shareTrack = null;
    if (this._pc) try { this._pc.close(); } catch (_) { /* ignore */ }
    this._pc = null;
    for (const el of this._audioEls.values()) { el.srcObject = null; el.remove(); }
    this._audioEls.clear();
    for (const a of this._attached.values()) a.element.srcObject = null;
    this._attached.clear();
    this._slots.clear();
  }
}
