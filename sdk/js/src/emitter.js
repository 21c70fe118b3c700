// `on` / `off` and delivery of events to the app's listeners.

export class Emitter {
  constructor() {
    /** @type {Map<string, Set<Function>>} */
    this._listeners = new Map();
  }

  /**
   * Listens to `event` (names in convene.d.ts).
   * @param {string} event
   * @param {(payload: any) => void} cb
   */
  on(event, cb) {
    if (typeof cb !== 'function') return;
    if (!this._listeners.has(event)) this._listeners.set(event, new Set());
    this._listeners.get(event).add(cb);
  }

  /**
   * Stops listening.
   * @param {string} event
   * @param {(payload: any) => void} cb
   */
  off(event, cb) {
    const set = this._listeners.get(event);
    if (set) set.delete(cb);
  }

  /**
   * Calls every listener of `event`; a listener that throws does not stop the others (its
   * error is rethrown asynchronously, so it still shows in the console).
   * @param {string} event
   * @param {any} [payload]
   */
  _emit(event, payload) {
    const set = this._listeners.get(event);
    if (!set) return;
    for (const cb of [...set]) {
      try {
        cb(payload);
      } catch (e) {
        setTimeout(() => { throw e; });
      }
    }
  }
}
