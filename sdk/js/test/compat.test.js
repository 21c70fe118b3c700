// The reference's surface on Convene's objects (issue 14): every function of every family is
// there (but the planned ones), each call of a feature Convene does not provide rejects with
// the one typed failure, each question about one answers false, and the rest answers at once.
// The reference's names come from its unpacked `.d.ts` when present, else from the committed
// test/reference-functions.json (scripts/compat-report.mjs writes both it and docs/compat.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as entry from '../src/convene.js';
import { ExceptionCode } from '../src/enums.js';
import { ERROR_CODES } from '../src/protocol.gen.js';
import { FeatureNotSupported } from '../src/errors.js';
import { FALSE, REJECT, UNSUPPORTED, UNSUPPORTED_EXPORTS } from '../src/unsupported.js';
import { FUNCTIONS_JSON_PATH, PLANNED, conveneObjects, parseReferenceFamilies } from '../scripts/compat-report.mjs';
import { referenceTypesDir } from '../scripts/reference-exports.mjs';

const dir = referenceTypesDir();
/** @type {Record<string, Record<string, 'promise' | 'sync'>>} */
const reference = dir ? parseReferenceFamilies(dir) : JSON.parse(readFileSync(FUNCTIONS_JSON_PATH, 'utf8'));
const objects = await conveneObjects();

/** Every table entry as `{feature, on, name, how}`. */
const entries = UNSUPPORTED.flatMap(({ feature, on, methods }) => Object.entries(methods).map(([name, how]) => ({ feature, on, name, how })));

/** @param {string} family @param {string} name */
const planned = (family, name) => PLANNED[family] === '*' || (Array.isArray(PLANNED[family]) && PLANNED[family].includes(name));

/**
 * Whether `e` is the typed failure of `feature`'s `on.name`.
 * @param {any} e @param {string} feature @param {string} on @param {string} name
 */
function isNotSupported(e, feature, on, name) {
  assert.deepEqual(Object.keys(e).sort(), ['errorCode', 'reason', 'type']);
  assert.equal(e.type, 'INVALID_OPERATION');
  assert.equal(e.errorCode, FeatureNotSupported);
  assert.equal(e.reason, `not supported by this server: ${feature} (${on}.${name})`);
  return true;
}

test(`the reference's functions are read (${dir ? `from ${dir}` : 'from the committed JSON'})`, () => {
  // 2.5.0: 15 families, 303 functions.
  assert.ok(Object.keys(reference).length >= 15, Object.keys(reference).join(' '));
  assert.ok(Object.values(reference).reduce((n, f) => n + Object.keys(f).length, 0) >= 300);
});

test('every function of every family is on Convene\'s object, but the planned ones', () => {
  const missing = [];
  for (const [family, fns] of Object.entries(reference)) {
    const obj = objects[family];
    for (const name of Object.keys(fns)) {
      if (planned(family, name)) continue;
      if (!obj || typeof obj[name] !== 'function') missing.push(`${family}.${name}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('the table names only the reference\'s functions, each once, sync where the reference is sync', () => {
  const seen = new Set();
  for (const { on, name, how } of entries) {
    const key = `${on}.${name}`;
    assert.ok(!seen.has(key), `${key} twice`);
    seen.add(key);
    const kind = reference[on] && reference[on][name];
    assert.ok(kind, `${key} is not a reference function`);
    assert.equal(how === REJECT ? 'promise' : 'sync', kind, `${key}: the reference's is ${kind}`);
    if (/^(is|can)[A-Z]/.test(name)) assert.equal(how, FALSE, `${key} is a question: it answers false`);
  }
  // Removing an entry is noticed: each of these has a stub (the previous test finds every name).
  assert.ok(entries.length >= 150, `${entries.length} entries`);
});

test('every call of a feature not provided rejects with the one typed failure', async () => {
  let n = 0;
  for (const { feature, on, name, how } of entries.filter((e) => e.how === REJECT)) {
    const p = objects[on][name]('arg', 1);
    assert.ok(p instanceof Promise, `${on}.${name} returns a Promise`);
    await assert.rejects(p, (e) => isNotSupported(e, feature, on, name), `${on}.${name} rejects`);
    n++;
  }
  assert.ok(n >= 100, `${n} calls`);
});

test('every question about a feature not provided answers false', () => {
  const questions = entries.filter((e) => e.how === FALSE);
  for (const { on, name } of questions) assert.equal(objects[on][name](1), false, `${on}.${name}`);
  // All of the reference's is*Enabled / isSupport* / can* of the families Convene lacks.
  for (const on of ['LiveTranscriptionClient', 'WhiteboardClient', 'BroadcastStreamingClient',
    'RealTimeMediaStreamsClient', 'VoiceTranslatorClient', 'IncomingLiveStreamClient']) {
    for (const name of Object.keys(reference[on]).filter((x) => /^(is|can)[A-Z]/.test(x))) {
      assert.equal(objects[on][name](), false, `${on}.${name}`);
    }
  }
  for (const name of ['isSupportVirtualBackground', 'isSupportVideoProcessor', 'isSupportAudioProcessor',
    'isSupportShareProcessor', 'isSupportPhoneFeature', 'isRemoteControlEnabled']) {
    assert.equal(objects.Stream[name](), false, `Stream.${name}`);
  }
  assert.equal(objects.ChatClient.isFileTransferEnabled(), false);
});

test('the other getters of a feature not provided answer its "nothing" at once, a fresh value each time', () => {
  for (const { on, name, how } of entries.filter((e) => typeof e.how === 'function')) {
    const a = objects[on][name](1);
    assert.ok(!(a instanceof Promise), `${on}.${name} is sync`);
    assert.deepEqual(a, /** @type {() => any} */ (how)(), `${on}.${name}`);
    if (a && typeof a === 'object') assert.notEqual(objects[on][name](1), a, `${on}.${name}: a fresh object`);
  }
  const client = objects.VideoClient;
  assert.deepEqual(client.getWhiteboardClient().getWhiteboardStatus(), entry.WhiteboardStatus.Closed);
  assert.equal(client.getLiveTranscriptionClient().getLiveTranscriptionStatus().isLiveTranscriptionEnabled, false);
  assert.equal(client.getWhiteboardClient(), client.getWhiteboardClient(), 'one client per family');
});

test('the clients of features not provided carry exactly the reference\'s functions', () => {
  for (const on of new Set(UNSUPPORTED.map((f) => f.on))) {
    if (['Stream', 'ChatClient', 'RecordingClient'].includes(on)) continue;
    assert.deepEqual(Object.getOwnPropertyNames(objects[on]).sort(), Object.keys(reference[on]).sort(), on);
    assert.ok(Object.isFrozen(objects[on]), `${on} is frozen`);
  }
});

test('the processor exports throw the typed failure', () => {
  for (const name of Object.keys(UNSUPPORTED_EXPORTS)) {
    const v = /** @type {any} */ (entry)[name];
    assert.equal(typeof v, 'function', name);
    const run = name === 'registerProcessor' ? () => v('p', class {}) : () => new v();
    assert.throws(run, { type: 'INVALID_OPERATION', errorCode: FeatureNotSupported,
      reason: `not supported by this server: ${UNSUPPORTED_EXPORTS[name]} (${name})` }, name);
  }
});

test('FeatureNotSupported is one code, exported by name, used by no one else', () => {
  assert.equal(entry.FeatureNotSupported, FeatureNotSupported);
  assert.ok(!Object.values(ExceptionCode).includes(FeatureNotSupported), 'not a reference code');
  assert.ok(!(FeatureNotSupported in ERROR_CODES), 'not a protocol code');
});

test('the logger client records reports in memory, and prints them in debug mode', async () => {
  const client = objects.VideoClient;
  const logger = client.getLoggerClient({ trackingId: 'trace-1' });
  assert.equal(client.getLoggerClient(), logger, 'one logger client');
  const before = logger.getReports().length;
  assert.equal(await logger.reportToGlobalTracing(), undefined);
  assert.equal(await logger.reportRating(4, 'clear audio'), undefined);
  await assert.rejects(logger.reportRating(6), (e) => e.errorCode === 4003);
  await assert.rejects(logger.reportRating(0), (e) => e.errorCode === 4003);
  const reports = logger.getReports().slice(before);
  assert.deepEqual(reports.map((r) => [r.kind, r.trackingId, r.rating, r.feedback]),
    [['tracing', 'trace-1', undefined, undefined], ['rating', 'trace-1', 4, 'clear audio']]);
  assert.ok(reports.every((r) => typeof r.time === 'number' && !('session' in r)), 'no session before join');
  const printed = [];
  const info = console.info;
  console.info = (...a) => { printed.push(a); };
  try {
    client.getLoggerClient({ debugMode: true });
    await logger.reportRating(5);
  } finally {
    console.info = info;
  }
  assert.equal(printed.length, 1);
  assert.equal(printed[0][1].rating, 5);
});
