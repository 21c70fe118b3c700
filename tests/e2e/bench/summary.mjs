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
  return {
    ok: timelines.length,
    failed,
    firstFrameMs: spread(timelines.map((t) => t.firstFrame)),
    firstDecodedMs: spread(timelines.map((t) => t.statsFirstDecoded).filter((v) => v !== undefined)),
    stepsP50Ms: medians,
    // Summed over the runs: keyframe requests that found no publisher stream send no PLI.
    sfuKeyframeRequests: sum(timelines.map((t) => t.sfuKeyframeRequests)),
    sfuPlisSent: sum(timelines.map((t) => t.sfuPlisSent)),
  };
}
