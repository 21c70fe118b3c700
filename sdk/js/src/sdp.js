// What the SDK changes in the session descriptions it exchanges with the SFU: plain text
// functions, run in Node by test/sdp.test.js.

/**
 * The SFU's answer with Opus DTX asked for (`usedtx=1`): the microphone sends almost nothing
 * while the user is silent. Opus in-band FEC (`useinbandfec=1`) is in the answer already.
 * @param {string} sdp
 */
export function withOpusDtx(sdp) {
  const opus = [...sdp.matchAll(/^a=rtpmap:(\d+) opus\/48000/gim)].map((m) => m[1]);
  return opus.reduce(
    (out, pt) => out.replace(new RegExp(`^(a=fmtp:${pt} (?![^\\r\\n]*usedtx)[^\\r\\n]*)`, 'gm'), '$1;usedtx=1'),
    sdp,
  );
}

/**
 * RTCP XR receiver reference times (`a=rtcp-fb:<pt> rrtr`, RFC 3611) on every format that
 * has NACK, in the offer and in the SFU's answer. A browser that only receives a stream sends
 * no sender reports, so it has no round trip to the SFU and asks again for a lost
 * retransmission only after its default of 100 ms; with XR it sends reference times, the SFU
 * answers them (DLRR), and the browser asks again after one real round trip. At 10 % loss on
 * both legs that is the difference between about 87 % and 97 % of the frames presented
 * (BENCHMARKS.md, "Media under loss").
 * @param {string} sdp
 */
export function withRrtr(sdp) {
  return sdp.replace(/^a=rtcp-fb:(\d+) nack(\r?\n)(?!a=rtcp-fb:\1 rrtr)/gm, 'a=rtcp-fb:$1 nack$2a=rtcp-fb:$1 rrtr$2');
}
