// Playout delay under loss: a lost video packet is repaired by NACK and retransmission, and a
// repair lost in turn is asked for again a round trip later (`sdp.js`), but a frame still
// incomplete when it is due is skipped. On a lossy
// downlink the SDK therefore asks the browser to hold video for `targetMs` before playing it
// (`RTCRtpReceiver.jitterBufferTarget`), so repairs land in time: smooth video for a little
// more latency. Lossy means NACKs for at least `lossyShare` of the video packets received over
// `windowMs`; the delay stays until the downlink has been clean for `holdMs`.
// Plain logic, no WebRTC: `media-peer.js` feeds it each statistics sample.

/** When a downlink counts as lossy, the delay it gets, and how long that lasts. */
export const LOSS_DELAY = Object.freeze({ lossyShare: 0.01, windowMs: 2000, targetMs: 200, holdMs: 10000 });

export class LossDelay {
  /** @param {{lossyShare: number, windowMs: number, targetMs: number, holdMs: number}} [timing] */
  constructor(timing = LOSS_DELAY) {
    this._t = timing;
    /** Recent samples, oldest first, reaching back at least `windowMs`. @type {{at: number, nacks: number, packets: number}[]} */
    this._samples = [];
    /** When the downlink was last seen lossy. */
    this._lossyAt = -Infinity;
  }

  /**
   * One sample of the video receivers' totals.
   * @param {number} nacks NACKs they sent so far
   * @param {number} packets packets they received so far
   * @param {number} now milliseconds
   * @returns {number | null} the jitter buffer target for video receivers now, in
   *   milliseconds (null: the browser's own choice)
   */
  sample(nacks, packets, now) {
    const last = this._samples[this._samples.length - 1];
    // Totals that went back belong to a new set of receivers (a new peer): start again.
    if (last && (nacks < last.nacks || packets < last.packets)) this._samples = [];
    this._samples.push({ at: now, nacks, packets });
    while (this._samples.length > 2 && now - this._samples[1].at >= this._t.windowMs) this._samples.shift();
    const first = this._samples[0];
    const sent = nacks - first.nacks;
    if (now - first.at >= this._t.windowMs && sent > 0 && sent >= (packets - first.packets) * this._t.lossyShare) {
      this._lossyAt = now;
    }
    return now - this._lossyAt < this._t.holdMs ? this._t.targetMs : null;
  }
}
