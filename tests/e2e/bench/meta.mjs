// What every Chromium benchmark report starts with: which benchmark, when, which server and
// browser, and the machine (its cores, and the 1-minute load, since other work on the
// machine slows Chromium: the reports add the load again at the end).
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

/** @param {string} bench @param {{version(): string}} browser */
export function benchMeta(bench, browser) {
  return {
    bench,
    date: new Date().toISOString(),
    server: execFileSync(process.env.CONVENE_BIN || 'target/debug/convene', ['--version'], { encoding: 'utf8' }).trim(),
    chromium: browser.version(),
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
    loadAvg: [Math.round(loadavg()[0] * 100) / 100],
  };
}

/** The 1-minute load now, for the end of a report. */
export const loadNow = () => Math.round(loadavg()[0] * 100) / 100;
