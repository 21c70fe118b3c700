// The reference SDK's runtime exports (issue 14): every enum is exported by name from the entry
// module, frozen, with the same members and values; the default export carries every member of
// the reference's namespace. The reference lists are read from its unpacked `.d.ts` when
// present (see scripts/reference-exports.mjs), else from the committed test/reference-*.json
// written from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as entry from '../src/convene.js';
import * as enums from '../src/enums.js';
import {
  DTS_PATH, JSON_PATH, NAMESPACE_JSON_PATH, dtsBlock, parseReferenceEnums, parseReferenceNamespace,
  referenceJson, referenceTypesDir, withDtsBlock,
} from '../scripts/reference-exports.mjs';

const dir = referenceTypesDir();
/** @type {Record<string, Record<string, number|string>>} */
const reference = dir ? parseReferenceEnums(dir) : JSON.parse(readFileSync(JSON_PATH, 'utf8'));
/** @type {Record<string, 'function'|'value'>} */
const namespace = dir ? parseReferenceNamespace(dir) : JSON.parse(readFileSync(NAMESPACE_JSON_PATH, 'utf8'));

test(`the reference list is read (${dir ? `from ${dir}` : 'from the committed JSON'})`, () => {
  // 50 in @zoom/videosdk 2.5.0's types (index.d.ts and the modules it re-exports).
  assert.ok(Object.keys(reference).length >= 50, `${Object.keys(reference).length} enums`);
  for (const [name, members] of Object.entries(reference)) {
    assert.ok(Object.keys(members).length > 0, `${name} has members`);
  }
});

test('every reference enum is exported by name, frozen, with the same members and values', () => {
  /** @type {Record<string, unknown>} */
  const exported = entry;
  const problems = [];
  for (const [name, want] of Object.entries(reference)) {
    const have = exported[name];
    if (have === undefined) { problems.push(`${name}: not exported`); continue; }
    if (!Object.isFrozen(have)) problems.push(`${name}: not frozen`);
    // deepEqual on plain objects compares keys and values both ways: no member missing, none
    // extra, no value different (strict: 2 is not '2').
    try {
      assert.deepStrictEqual({ ...(/** @type {object} */ (have)) }, want);
    } catch (_) {
      const h = /** @type {Record<string, unknown>} */ (have);
      const keys = new Set([...Object.keys(want), ...Object.keys(h)]);
      for (const k of keys) {
        if (h[k] !== want[k]) problems.push(`${name}.${k}: ${JSON.stringify(h[k])}, reference ${JSON.stringify(want[k])}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('the default export carries every member of the reference namespace', () => {
  assert.ok(Object.keys(namespace).length >= 9, JSON.stringify(namespace));
  /** @type {Record<string, unknown>} */
  const ns = entry.default;
  for (const [name, kind] of Object.entries(namespace)) {
    assert.ok(name in ns, `${name} missing`);
    assert.equal(typeof ns[name] === 'function' ? 'function' : 'value', kind, name);
  }
  assert.equal(typeof entry.default.VERSION, 'string');
  assert.equal(entry.default.VERSION, entry.VERSION);
});

test('outside a browser the namespace says so instead of pretending', async () => {
  assert.deepEqual(entry.default.checkSystemRequirements(), { audio: false, video: false, screen: false });
  assert.deepEqual(await entry.default.getDevices(true), []);
});

test('the default export still carries the enums it carried before', () => {
  assert.equal(entry.default.VideoQuality, entry.VideoQuality);
  assert.equal(entry.default.SharePrivilege, entry.SharePrivilege);
  assert.equal(entry.default.ChatPrivilege, entry.ChatPrivilege);
});

test('src/enums.js exports only the reference enums, one definition each', () => {
  const extra = Object.keys(enums).filter((n) => !(n in reference));
  assert.deepEqual(extra, [], 'names the reference does not export');
});

test('the committed reference JSON is what the reference types give', { skip: !dir && 'reference types not unpacked' }, () => {
  assert.equal(readFileSync(JSON_PATH, 'utf8'), referenceJson(reference), 'run: node scripts/reference-exports.mjs --write');
  assert.equal(readFileSync(NAMESPACE_JSON_PATH, 'utf8'), referenceJson(namespace), 'run: node scripts/reference-exports.mjs --write');
});

test('convene.d.ts declares exactly src/enums.js', () => {
  const dts = readFileSync(DTS_PATH, 'utf8');
  assert.equal(dts, withDtsBlock(dts, dtsBlock(enums)), 'run: node scripts/reference-exports.mjs --write');
});
