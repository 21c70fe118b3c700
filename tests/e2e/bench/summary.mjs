// Turns the runs' marks into the benchmark's figures: milliseconds after the subscriber's
// join() resolved, summarised as percentiles.

/** Milestones of one run, in the order a first frame goes through them: [name, page, mark]. */
export const STEPS = [
  ['pubJoined', 'pub', 'joined'],
  ['pubVideoStarted', 'pub', 'videoStarted'],
  ['pubIceConnected', 'pub', 'ice:connected'],
  ['pubDtlsConnected', 'pub', 'dtls:connected'],
  ['pubFirstSent', 'pub', 'statsFirstSent'],
  ['publisherKnown', 'sub', 'publisherKnown'],
  ['pcCreated', 'sub', 'pcCreated'],
  ['offerSent', 'sub', 'req:rtc.offer'],
  ['answerReceived', 'sub', 'reply:rtc.offer'],
  ['answerApplied', 'sub', 'answerApplied'],
  ['attachSent', 'sub', 'req:attachVideo'],
  ['attachAcked', 'sub', 'reply:attachVideo'],
  ['videoSlotAssigned', 'sub', 'videoSlotAssigned'],
  ['iceConnected', 'sub', 'ice:connected'],
  ['dtlsConnected', 'sub', 'dtls:connected'],
  ['pliAtPublisher', 'pub', 'pliReceived'],
  ['keyframeEncoded', 'pub', 'keyframeEncoded'],
  ['firstRtp', 'sub', 'firstRtp'],
  ['statsFirstPacket', 'sub', 'statsFirstPacket'],
  ['statsFirstFrameReceived', 'sub', 'statsFirstFrameReceived'],
  ['frameReceived', 'frame', 'receiveTime'],
  ['statsFirstDecoded', 'sub', 'statsFirstDecoded'],
  ['firstFrame', 'sub', 'firstFrame'],
];

/** The milestones of one run relative to the subscriber's `joined` mark (ms, 0.1 ms). */
export function timeline(run) {
  const t0 = run.sub.joined;
  const out = {};
  for (const [name, page, mark] of STEPS) {
    const t = run[page]?.[mark];
    if (typeof t === 'number') out[name] = Math.round((t - t0) * 10) / 10;
  }
  // Until the first frame: keyframe requests in the SFU, and how many became a PLI.
  if (run.sfu) Object.assign(out, { sfuKeyframeRequests: run.sfu.keyframeRequests, sfuPlisSent: run.sfu.plisSent });
  return out;
}

/**
 * The subscriber's critical path cut into consecutive phases (ms): where the time goes.
 * `keyframe` runs from the moment the SFU can forward (DTLS up and the slot assigned) to
 * the arrival of the first frame's last packet: keyframe request, capture, encode, pacing,
 * forwarding (in `together`, also the wait for the publisher's camera to start).
 */
export function phases(t) {
  const ready = Math.max(t.dtlsConnected ?? NaN, t.videoSlotAssigned ?? NaN);
  const out = {
    createPeer: t.pcCreated,
    createOffer: t.offerSent - t.pcCreated,
    serverAnswer: t.answerReceived - t.offerSent,
    applyAnswer: t.answerApplied - t.answerReceived,
    ice: t.iceConnected - t.answerApplied,
    dtls: t.dtlsConnected - t.iceConnected,
    slotAfterDtls: t.videoSlotAssigned - t.dtlsConnected,
    keyframe: t.frameReceived - ready,
    render: t.firstFrame - t.frameReceived,
  };
  for (const k of Object.keys(out)) {
    if (Number.isFinite(out[k])) out[k] = Math.round(out[k] * 10) / 10;
    else delete out[k];
  }
  return out;
}

/** Nearest-rank percentile of sorted numbers. */
function percentile(sorted, p) {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** `{p50, p90, max}` of some numbers (null for none). */
export function spread(values) {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p90: percentile(s, 90), max: s[s.length - 1] };
}

function sum(values) {
  return values.some((v) => v === undefined) ? null : values.reduce((a, b) => a + b, 0);
}

/** The report of one mode: first frame spread and the median of each milestone. */
export function report(timelines, failed) {
  const medians = {};
  for (const [name] of STEPS) {
    const vs = timelines.map((t) => t[name]).filter((v) => v !== undefined);
    if (vs.length) medians[name] = spread(vs).p50;
  }
  const cut = timelines.map(phases);
  const phaseMedians = {};
  for (const k of Object.keys(cut[0] ?? {})) {
    const vs = cut.map((c) => c[k]).filter((v) => v !== undefined);
    if (vs.length) phaseMedians[k] = spread(vs).p50;
  }
  return {
    ok: timelines.length,
    failed,
    firstFrameMs: spread(timelines.map((t) => t.firstFrame)),
    firstDecodedMs: spread(timelines.map((t) => t.statsFirstDecoded).filter((v) => v !== undefined)),
    stepsP50Ms: medians,
    phasesP50Ms: phaseMedians,
    // Summed over the runs: keyframe requests that found no publisher stream send no PLI.
    sfuKeyframeRequests: sum(timelines.map((t) => t.sfuKeyframeRequests)),
    sfuPlisSent: sum(timelines.map((t) => t.sfuPlisSent)),
  };
}
