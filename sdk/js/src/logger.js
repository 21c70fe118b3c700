// `client.getLoggerClient(options)`: the reference's client-side reports. Convene sends them
// nowhere: each report is kept in memory (`getReports()`, Convene's own) and, with
// `debugMode`, printed to the console.
import { failure } from './errors.js';

/** At most this many reports are kept; older ones are dropped. */
const MAX_REPORTS = 100;

/**
 * @typedef {{kind: 'tracing' | 'rating', time: number, trackingId?: string,
 *   rating?: number, feedback?: string, session?: {sessionId: string, userId: number}}} LoggerReport
 */

export class LoggerClient {
  /** @param {import('./client.js').VideoClient} client */
  constructor(client) {
    this._c = client;
    /** @type {{debugMode?: boolean, trackingId?: string}} */
    this._options = {};
    /** @type {LoggerReport[]} */
    this._reports = [];
  }

  /** `getLoggerClient(options)` again: options given replace those before. @param {{debugMode?: boolean, trackingId?: string}} [options] */
  _configure(options) {
    if (options) this._options = { ...this._options, ...options };
  }

  /** @param {Omit<LoggerReport, 'time' | 'trackingId' | 'session'>} entry */
  _record(entry) {
    /** @type {LoggerReport} */
    const r = { ...entry, time: Date.now() };
    if (this._options.trackingId !== undefined) r.trackingId = this._options.trackingId;
    const s = this._c._session;
    if (s) r.session = { sessionId: s.sessionId, userId: s.userId };
    this._reports.push(r);
    if (this._reports.length > MAX_REPORTS) this._reports.shift();
    if (this._options.debugMode) console.info('[convene logger]', r);
  }

  /** Records a tracing report (the session and user, when joined). @returns {Promise<void>} */
  async reportToGlobalTracing() {
    this._record({ kind: 'tracing' });
  }

  /**
   * Records a rating of the session, 1 (poor) to 5 (good), with optional text; any other
   * rating rejects 4003.
   * @param {number} rating
   * @param {string} [feedback]
   * @returns {Promise<void>}
   */
  async reportRating(rating, feedback) {
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw failure(4003, 'rating must be an integer from 1 to 5');
    /** @type {Omit<LoggerReport, 'time'>} */
    const entry = { kind: 'rating', rating };
    if (feedback !== undefined) entry.feedback = String(feedback);
    this._record(entry);
  }

  /** Convene: the reports recorded so far, oldest first (at most 100). @returns {LoggerReport[]} */
  getReports() {
    return this._reports.map((r) => ({ ...r }));
  }
}
