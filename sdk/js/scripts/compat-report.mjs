// The compatibility report (issue 14): every export and every function of the reference Web
// Video SDK (`@zoom/videosdk` 2.5.0, read from its `.d.ts`), marked as Convene has it, written
// to docs/compat.md.
//
//   node scripts/compat-report.mjs [DIR] [--check]
//
// DIR is the reference's unpacked `dist/types`; without it, the places reference-exports.mjs
// knows (CONVENE_REFERENCE_TYPES, /tmp/zref/package/dist/types, node_modules), else the
// pinned tarball is fetched with `npm pack` into a temporary directory.
//
// Each function of a family (the reference's `VideoClient`, `Stream`, `ChatClient`, ... and
// its default namespace) is one of:
// - implemented: Convene's object has it (and src/unsupported.js does not list it);
// - unsupported: src/unsupported.js builds it (rejects with FeatureNotSupported, or answers
//   false / nothing);
// - planned: not there yet, being built in its own issue (PLANNED below);
// - missing: none of these.
// Each name Convene has must also be declared by its interface in convene.d.ts. The types
// column comes from compiling types-reference/assignable.ts against the reference's types.
// Also listed: the reference's runtime exports (enums, classes, functions) and type-only
// exports, and its events, each emitted or not (convene.d.ts's EventPayloads) and, when
// emitted, whether its payload type is assignable to the reference's.
//
// Writes docs/compat.md and test/reference-functions.json (the reference's function names,
// for test/compat.test.js when the tarball is not unpacked). `--check` writes nothing and
// exits 1 on a missing or undeclared name, a type check that fails, or an output that is not
// what it would write.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseReferenceEnums, referenceTypesDir } from './reference-exports.mjs';

const SDK = fileURLToPath(new URL('..', import.meta.url));
export const COMPAT_PATH = join(SDK, '..', '..', 'docs', 'compat.md');
export const FUNCTIONS_JSON_PATH = join(SDK, 'test', 'reference-functions.json');
const ASSIGNABLE_PATH = join(SDK, 'types-reference', 'assignable.ts');
const PINNED = '@zoom/videosdk@2.5.0';

/**
 * The reference's families in report order, each with the convene.d.ts interface that types
 * Convene's object for it.
 */
export const FAMILIES = {
  ZoomVideo: 'ConveneVideoNamespace',
  VideoClient: 'VideoClient',
  Stream: 'Stream',
  ChatClient: 'ChatClient',
  CommandChannel: 'CommandClient',
  RecordingClient: 'RecordingClient',
  LiveStreamClient: 'LiveStreamClient',
  LoggerClient: 'LoggerClient',
  SubsessionClient: 'SubsessionClient',
  LiveTranscriptionClient: 'LiveTranscriptionClient',
  WhiteboardClient: 'WhiteboardClient',
  BroadcastStreamingClient: 'BroadcastStreamingClient',
  RealTimeMediaStreamsClient: 'RealTimeMediaStreamsClient',
  VoiceTranslatorClient: 'VoiceTranslatorClient',
  IncomingLiveStreamClient: 'IncomingLiveStreamClient',
};

/**
 * Not there yet, being built in their own issue: reported as planned, not as missing.
 * `'*'`: the whole family. Names here that Convene has are reported as what they are.
 * @type {Record<string, string[] | '*'>}
 */
export const PLANNED = {};

/** @param {string} text */
const uncomment = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** The modules index.d.ts re-exports, and the one its default export comes from. @param {string} dir */
function referenceModules(dir) {
  const index = uncomment(readFileSync(join(dir, 'index.d.ts'), 'utf8'));
  const modules = [...index.matchAll(/export\s*\*\s*from\s*'\.\/([\w-]+)'/g)].map((m) => m[1]);
  const def = /export\s+default\s+(\w+)/.exec(index);
  const from = def && new RegExp(`import\\s*\\{\\s*${def[1]}\\s*\\}\\s*from\\s*'\\./([\\w-]+)'`).exec(index);
  if (!def || !from) throw new Error('index.d.ts: default export not found');
  return { modules, defaultName: def[1], defaultModule: from[1] };
}

/** The body of `namespace name { ... }` in `src` (braces balanced), or null. @param {string} src @param {string} name */
function namespaceBody(src, name) {
  const m = new RegExp(`declare\\s+namespace\\s+${name}\\s*\\{`).exec(src);
  if (!m) return null;
  let depth = 1;
  let i = m.index + m[0].length;
  for (; depth && i < src.length; i++) {
    if (src[i] === '{') depth++;
    else if (src[i] === '}') depth--;
  }
  return src.slice(m.index + m[0].length, i - 1);
}

/**
 * Every family of the reference (each namespace its entry module exports, and its default
 * namespace as `ZoomVideo`): its functions in declaration order, each `'promise'` when it
 * returns a Promise (or `ExecutedResult`), else `'sync'`.
 * @param {string} dir
 * @returns {Record<string, Record<string, 'promise' | 'sync'>>}
 */
export function parseReferenceFamilies(dir) {
  const { modules, defaultName, defaultModule } = referenceModules(dir);
  /** @type {Record<string, Record<string, 'promise' | 'sync'>>} */
  const out = {};
  for (const mod of [defaultModule, ...modules]) {
    const src = uncomment(readFileSync(join(dir, `${mod}.d.ts`), 'utf8'));
    for (const m of src.matchAll(/export\s+declare\s+namespace\s+(\w+)\s*\{/g)) {
      if (mod === defaultModule && m[1] !== defaultName) continue;
      const body = namespaceBody(src, m[1]);
      /** @type {Record<string, 'promise' | 'sync'>} */
      const fns = {};
      for (const f of body.matchAll(/^\s*(?:export\s+)?function\s+(\w+)\s*(?:<[^>]*>)?\s*\(([\s\S]*?)\)\s*:\s*([^;]+);/gm)) {
        const ret = f[3].replace(/^[\s|]+/, '');
        const kind = /^(ExecutedResult|Promise<)/.test(ret) ? 'promise' : 'sync';
        // Overloads (`on`, `off`) are one name.
        if (!(f[1] in fns)) fns[f[1]] = kind;
      }
      out[m[1] === defaultName ? 'ZoomVideo' : m[1]] = fns;
    }
  }
  return out;
}

/**
 * The reference's other exports: `runtime` (its enums, classes and functions, which an app
 * imports as values) and `types` (interfaces, type aliases, namespaces and the `event_*`
 * functions that type listeners, which exist for the compiler only).
 * @param {string} dir
 */
export function parseReferenceExports(dir) {
  const { modules } = referenceModules(dir);
  const runtime = new Set(Object.keys(parseReferenceEnums(dir)));
  const types = new Set();
  for (const mod of modules) {
    const src = uncomment(readFileSync(join(dir, `${mod}.d.ts`), 'utf8'));
    for (const m of src.matchAll(/^export\s+(?:declare\s+)?(abstract\s+)?(class|interface|type|namespace|function|const\s+enum)\s+(\w+)/gm)) {
      // Classes are values; so are functions, but the `event_*` ones, which only type listeners.
      if (m[2] === 'class' || (m[2] === 'function' && !m[3].startsWith('event_'))) runtime.add(m[3]);
      else if (!runtime.has(m[3])) types.add(m[3]);
    }
  }
  return { runtime: [...runtime].sort(), types: [...types].sort() };
}

/**
 * The event names the reference's `VideoClient.on` overloads list, in declaration order.
 * @param {string} dir
 * @returns {string[]}
 */
export function parseReferenceEvents(dir) {
  const { modules } = referenceModules(dir);
  const out = [];
  for (const mod of modules) {
    const body = namespaceBody(uncomment(readFileSync(join(dir, `${mod}.d.ts`), 'utf8')), 'VideoClient');
    if (!body) continue;
    for (const m of body.matchAll(/function\s+on\s*\(\s*event:\s*'([^']+)'/g)) if (!out.includes(m[1])) out.push(m[1]);
  }
  return out;
}

/** The events Convene emits: the keys of `EventPayloads` in convene.d.ts. @param {string} dts */
export function conveneEvents(dts) {
  const m = /export\s+interface\s+EventPayloads\s*\{([\s\S]*?)\n\}/.exec(dts);
  return new Set(m ? [...m[1].matchAll(/^\s*'([a-z-]+)'\??:/gm)].map((x) => x[1]) : []);
}

/**
 * Convene's object for each family at run time (the default namespace, a client, its
 * sub-clients, the Stream's prototype), or undefined where Convene has none.
 * @returns {Promise<Record<string, any>>}
 */
export async function conveneObjects() {
  const entry = await import('../src/convene.js');
  const { Stream } = await import('../src/stream.js');
  const ns = /** @type {any} */ (entry.default);
  const client = ns.createClient();
  /** The client `getter` makes before join (undefined if there is none, or none yet). @param {string} getter */
  const sub = (getter) => {
    try {
      return typeof client[getter] === 'function' ? client[getter]() : undefined;
    } catch (_) {
      return undefined;
    }
  };
  return {
    ZoomVideo: ns,
    VideoClient: client,
    Stream: Stream.prototype,
    ChatClient: sub('getChatClient'),
    CommandChannel: sub('getCommandClient'),
    RecordingClient: sub('getRecordingClient'),
    LiveStreamClient: sub('getLiveStreamClient'),
    LoggerClient: sub('getLoggerClient'),
    SubsessionClient: sub('getSubsessionClient'),
    LiveTranscriptionClient: sub('getLiveTranscriptionClient'),
    WhiteboardClient: sub('getWhiteboardClient'),
    BroadcastStreamingClient: sub('getBroadcastStreamingClient'),
    RealTimeMediaStreamsClient: sub('getRealTimeMediaStreamsClient'),
    VoiceTranslatorClient: sub('getVoiceTranslatorClient'),
    IncomingLiveStreamClient: sub('getIncomingLiveStreamClient'),
  };
}

/**
 * The member names convene.d.ts declares for interface `name`, with those of the
 * interfaces it extends.
 * @param {string} dts
 * @param {string} name
 * @returns {Set<string>}
 */
export function dtsMembers(dts, name) {
  const m = new RegExp(`export\\s+interface\\s+${name}\\s*(?:extends\\s+([\\w\\s,]+))?\\{`).exec(dts);
  const out = new Set();
  if (!m) return out;
  let depth = 1;
  let i = m.index + m[0].length;
  const start = i;
  for (; depth && i < dts.length; i++) {
    if (dts[i] === '{') depth++;
    else if (dts[i] === '}') depth--;
  }
  // Members at the interface's own depth: `name(`, `name<`, `name?(`, `name:`.
  let body = dts.slice(start, i - 1);
  body = body.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  let level = 0;
  let line = '';
  for (const ch of body) {
    if (ch === '{') level++;
    if (ch === '}') level--;
    if (ch === '\n') {
      const mm = level === 0 && /^\s*(\w+)\??\s*[(<:]/.exec(line);
      if (mm) out.add(mm[1]);
      line = '';
    } else if (level === 0 || (ch === '{' && level === 1)) line += ch;
  }
  for (const base of (m[1] || '').split(',').map((s) => s.trim()).filter(Boolean)) {
    for (const n of dtsMembers(dts, base)) out.add(n);
  }
  return out;
}

/**
 * The unsupported names by family, with their feature.
 * @returns {Promise<Record<string, Record<string, string>>>}
 */
async function unsupportedNames() {
  const { UNSUPPORTED } = await import('../src/unsupported.js');
  /** @type {Record<string, Record<string, string>>} */
  const out = {};
  for (const { feature, on, methods } of UNSUPPORTED) {
    for (const name of Object.keys(methods)) (out[on] ||= {})[name] = feature;
  }
  return out;
}

/**
 * Compiles types-reference/assignable.ts against the reference's types: its errors, and for
 * each family it checks, each shared function as `true` (assignable) or the reason it
 * differs (from the `...Differs` lists). A listed function that is assignable after all is an
 * error too, so the lists stay true.
 * @param {string} dir
 */
async function checkTypes(dir) {
  const ts = (await import('typescript')).default;
  const options = {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'], noEmit: true, strict: false, skipLibCheck: true,
    types: [], paths: { '@zoom/videosdk': [join(dir, 'index.d.ts')] },
  };
  const program = ts.createProgram([ASSIGNABLE_PATH], options);
  const checker = program.getTypeChecker();
  const errors = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, ' ');
  });
  const source = readFileSync(ASSIGNABLE_PATH, 'utf8');
  /** @type {Record<string, Record<string, string>>} */
  const reasons = {};
  // `type XDiffers =` then one `| 'name' // reason` line per function, the last with `;`.
  let list = null;
  for (const line of source.split('\n')) {
    const head = /^type (\w+)Differs =\s*$/.exec(line);
    if (head) { list = reasons[head[1]] = {}; continue; }
    const item = list && /^\s*\|\s*'(\w+)'(;?)\s*\/\/\s*(.*)$/.exec(line);
    if (!item) { list = null; continue; }
    list[item[1]] = item[3].trim();
    if (item[2]) list = null;
  }
  /** @type {Record<string, Record<string, true | string>>} */
  const result = {};
  const sf = program.getSourceFile(ASSIGNABLE_PATH);
  for (const st of sf ? sf.statements : []) {
    if (!ts.isVariableStatement(st)) continue;
    for (const decl of st.declarationList.declarations) {
      const t = decl.type;
      if (!t || !ts.isTypeReferenceNode(t) || t.typeName.getText(sf) !== 'Checked' || !t.typeArguments) continue;
      const [conv, ref] = t.typeArguments.map((a) => checker.getTypeFromTypeNode(a));
      const family = /(\w+)$/.exec(t.typeArguments[1].getText(sf))[1];
      const listed = reasons[family] || {};
      result[family] = {};
      for (const prop of ref.getProperties()) {
        const mine = conv.getProperty(prop.name);
        if (!mine) continue;
        const ok = checker.isTypeAssignableTo(checker.getTypeOfSymbol(mine), checker.getTypeOfSymbol(prop));
        if (ok && listed[prop.name]) errors.push(`${family}.${prop.name} is listed as differing in assignable.ts but is assignable`);
        if (!ok && !listed[prop.name]) errors.push(`${family}.${prop.name} differs but is not listed in assignable.ts`);
        result[family][prop.name] = ok ? true : listed[prop.name] || 'not listed';
      }
    }
  }
  /** @type {Record<string, boolean>} event → whether Convene's payload is assignable to the reference's */
  const payloads = {};
  const exported = sf ? checker.getExportsOfModule(checker.getSymbolAtLocation(sf)) : [];
  const ours = exported.find((x) => x.name === 'eventPayloads');
  const theirs = exported.find((x) => x.name === 'referenceClient');
  if (ours && theirs) {
    const mine = checker.getTypeOfSymbol(ours);
    const on = checker.getTypeOfSymbol(theirs).getProperty('on');
    for (const sig of on ? checker.getTypeOfSymbol(on).getCallSignatures() : []) {
      const [ev, listener] = sig.getParameters().map((p) => checker.getTypeOfSymbol(p));
      if (!ev || !ev.isStringLiteral() || !listener) continue;
      const prop = mine.getProperty(ev.value);
      if (!prop) continue;
      const param = listener.getCallSignatures()[0]?.getParameters()[0];
      payloads[ev.value] = !param || checker.isTypeAssignableTo(checker.getTypeOfSymbol(prop), checker.getTypeOfSymbol(param));
    }
  }
  return { errors, result, payloads };
}

/**
 * The reference's unpacked types: `given`, a known place, or the pinned tarball fetched now
 * into a temporary directory (`cleanup` removes it).
 * @param {string|undefined} given
 */
function resolveReference(given) {
  if (given) {
    if (!existsSync(join(given, 'index.d.ts'))) throw new Error(`${given}: no index.d.ts`);
    return { dir: given, cleanup: () => {} };
  }
  const known = referenceTypesDir();
  if (known) return { dir: known, cleanup: () => {} };
  const tmp = mkdtempSync(join(tmpdir(), 'convene-zref-'));
  const cleanup = () => rmSync(tmp, { recursive: true, force: true });
  try {
    execFileSync('npm', ['pack', PINNED, '--silent', '--pack-destination', tmp], { stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('tar', ['xzf', join(tmp, 'zoom-videosdk-2.5.0.tgz'), '-C', tmp]);
  } catch (e) {
    cleanup();
    throw e;
  }
  return { dir: join(tmp, 'package', 'dist', 'types'), cleanup };
}

/** @param {string} dir */
export async function buildReport(dir) {
  const families = parseReferenceFamilies(dir);
  const exportsRef = parseReferenceExports(dir);
  const objects = await conveneObjects();
  const unsupported = await unsupportedNames();
  const dts = readFileSync(join(SDK, 'convene.d.ts'), 'utf8');
  const entry = /** @type {Record<string, unknown>} */ (await import('../src/convene.js'));
  const types = await checkTypes(dir);
  const problems = [...types.errors];
  /** @type {{family: string, rows: {name: string, status: string, note: string, types: string}[], counts: Record<string, number>}[]} */
  const report = [];
  const order = [...Object.keys(FAMILIES), ...Object.keys(families).filter((f) => !(f in FAMILIES))];
  for (const family of order) {
    const fns = families[family];
    if (!fns) continue;
    const obj = objects[family];
    const declared = dtsMembers(dts, FAMILIES[family] || family);
    const planned = PLANNED[family];
    const counts = { implemented: 0, unsupported: 0, planned: 0, missing: 0 };
    const rows = [];
    for (const name of Object.keys(fns)) {
      const has = obj !== undefined && obj !== null && typeof obj[name] === 'function';
      const feature = unsupported[family] && unsupported[family][name];
      let status;
      let note = '';
      if (has && feature) { status = 'unsupported'; note = feature; }
      else if (has) status = 'implemented';
      else if (planned === '*' || (planned && planned.includes(name))) status = 'planned';
      else status = 'missing';
      counts[status]++;
      if (status === 'missing') problems.push(`missing: ${family}.${name}`);
      if (has && !declared.has(name)) problems.push(`not declared in convene.d.ts: ${FAMILIES[family] || family}.${name}`);
      const t = types.result[family] && types.result[family][name];
      const typeNote = t === true ? 'assignable' : t ? `differs: ${t}` : '';
      rows.push({ name, status, note, types: typeNote });
    }
    report.push({ family, rows, counts });
  }
  const { UNSUPPORTED_EXPORTS } = await import('../src/unsupported.js');
  const runtime = exportsRef.runtime.map((name) => {
    const has = name in entry;
    if (!has) problems.push(`missing export: ${name}`);
    return { name, status: !has ? 'missing' : name in UNSUPPORTED_EXPORTS ? 'unsupported' : 'implemented' };
  });
  const typeExports = exportsRef.types.map((name) => ({
    name, declared: new RegExp(`export\\s+(?:declare\\s+)?(?:interface|type|class|const|namespace)\\s+${name}\\b`).test(dts),
  }));
  const emitted = conveneEvents(dts);
  const events = parseReferenceEvents(dir).map((name) => ({ name, emitted: emitted.has(name), payload: types.payloads[name] }));
  return { report, runtime, typeExports, events, typesChecked: types.result, problems };
}

/** @param {number} n @param {number} of */
const pct = (n, of) => (of ? `${Math.round((100 * n) / of)} %` : '–');

/** @param {Awaited<ReturnType<typeof buildReport>>} r */
export function renderMarkdown(r) {
  const L = [];
  const total = { functions: 0, implemented: 0, unsupported: 0, planned: 0, missing: 0, assignable: 0, differs: 0 };
  L.push('# Compatibility with the reference Web Video SDK', '');
  L.push('<!-- Written by sdk/js/scripts/compat-report.mjs from the types of @zoom/videosdk 2.5.0 and Convene\'s');
  L.push('     runtime exports and convene.d.ts; `node sdk/js/scripts/compat-report.mjs` rewrites it. Do not edit. -->', '');
  L.push('Every function of every family of the reference (`@zoom/videosdk` 2.5.0, read from its `.d.ts`),');
  L.push('and every export, as Convene\'s browser SDK (`/sdk/convene.js`) has it:', '');
  L.push('- **implemented**: Convene does it (its behaviour where the reference is silent:');
  L.push('  [browser-sdk.md](browser-sdk.md), [porting.md](porting.md));');
  L.push('- **unsupported**: the name is there, typed in `convene.d.ts`, but Convene does not provide the');
  L.push('  feature: a call that would do something rejects with `{type: \'INVALID_OPERATION\', reason:');
  L.push('  \'not supported by this server: <feature> (<family>.<function>)\', errorCode: 5100}`');
  L.push('  (`FeatureNotSupported`, exported by name); `is*Enabled`, `isSupport*`, `can*` and other questions');
  L.push('  answer `false`; getters answer the feature\'s "nothing" (`null`, `\'\'`, `[]`, a status with');
  L.push('  everything off). The table is `sdk/js/src/unsupported.js`;');
  L.push('- **planned**: not there yet, being built in its own issue (none now);');
  L.push('- **missing**: none of these. `compat-report.mjs --check` fails on any.', '');
  L.push('The **types** column: whether Convene\'s declaration (`convene.d.ts`) is assignable to the');
  L.push('reference\'s, so that code typed against the reference accepts Convene\'s object there; where');
  L.push('it is not, the reason (checked by compiling `sdk/js/types-reference/assignable.ts`).', '');
  L.push('## Summary', '');
  L.push('| family | functions | implemented | unsupported | planned | missing | types assignable | types differ |');
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const { family, rows, counts } of r.report) {
    const assignable = rows.filter((x) => x.types === 'assignable').length;
    const differs = rows.filter((x) => x.types.startsWith('differs')).length;
    const checked = r.typesChecked[family] ? [assignable, differs] : ['not checked', 'not checked'];
    L.push(`| [${family}](#${family.toLowerCase()}) | ${rows.length} | ${counts.implemented} | ${counts.unsupported} | ${counts.planned} | ${counts.missing} | ${checked[0]} | ${checked[1]} |`);
    total.functions += rows.length;
    for (const k of ['implemented', 'unsupported', 'planned', 'missing']) total[k] += counts[k];
    total.assignable += assignable;
    total.differs += differs;
  }
  L.push(`| **total** | ${total.functions} | ${total.implemented} (${pct(total.implemented, total.functions)}) | ${total.unsupported} (${pct(total.unsupported, total.functions)}) | ${total.planned} | ${total.missing} | ${total.assignable} | ${total.differs} |`, '');
  const rtHave = r.runtime.filter((x) => x.status !== 'missing').length;
  const tyHave = r.typeExports.filter((x) => x.declared).length;
  L.push(`Exports: ${rtHave} of the reference's ${r.runtime.length} runtime exports (its enums, classes and functions) and`);
  L.push(`${tyHave} of its ${r.typeExports.length} type-only exports are there (below).`, '');
  const ev = r.events.filter((x) => x.emitted).length;
  L.push(`Events: Convene emits ${ev} of the ${r.events.length} events the reference's \`on\` lists (below).`, '');
  L.push('## What the type check does not cover', '');
  L.push('- The types each function differs by, beyond the reason given: the check stops at the function.');
  L.push('- `LocalVideoTrack` and `LocalAudioTrack` (from `createLocalVideoTrack` / `createLocalAudioTrack`) are');
  L.push('  in no family above: their `updateVirtualBackground` is unsupported (5100), their `testSpeaker` and');
  L.push('  `testMicrophone` are implemented (`device-test.js`).');
  L.push('- Events: `on` / `off` are checked as functions; each emitted event\'s payload is compared and');
  L.push('  marked in [Events](#events), but a payload that differs does not fail the check.');
  L.push('- Type-only exports that Convene does not declare (listed below): code that imports them does not');
  L.push('  compile against `convene.d.ts`.', '');
  L.push('## Exports', '');
  L.push('The default export is the namespace (the `ZoomVideo` family below). Runtime exports (enums,');
  L.push('classes and functions, imported as values; the processor ones are unsupported: constructing or');
  L.push('registering a processor throws the typed failure):', '');
  const mark = { implemented: '', unsupported: ' (unsupported)', missing: ' (**missing**)' };
  L.push(r.runtime.map((x) => `\`${x.name}\`${mark[x.status]}`).join(', '), '');
  L.push(`Type-only exports (interfaces, type aliases, namespaces, declared functions): ${tyHave} declared by`);
  L.push(`\`convene.d.ts\`: ${r.typeExports.filter((x) => x.declared).map((x) => `\`${x.name}\``).join(', ')}.`, '');
  L.push(`Not declared (${r.typeExports.length - tyHave}): ${r.typeExports.filter((x) => !x.declared).map((x) => `\`${x.name}\``).join(', ')}.`, '');
  L.push('## Events', '');
  L.push('The events `VideoClient.on` accepts in the reference. Convene emits those its `convene.d.ts` types in');
  L.push('`EventPayloads`; it never emits the others (a listener for one is accepted and never called). An');
  L.push('event marked *payload differs* has a payload type not assignable to the reference\'s (compared by');
  L.push('the report through `types-reference/assignable.ts`).', '');
  const evMark = (/** @type {{name: string, payload?: boolean}} */ x) => `\`${x.name}\`${x.payload === false ? ' (*payload differs*)' : ''}`;
  L.push(`Emitted (${ev}): ${r.events.filter((x) => x.emitted).map(evMark).join(', ')}.`, '');
  L.push(`Not emitted (${r.events.length - ev}): ${r.events.filter((x) => !x.emitted).map((x) => `\`${x.name}\``).join(', ')}.`, '');
  for (const { family, rows, counts } of r.report) {
    L.push(`## ${family}`, '');
    L.push(`${rows.length} functions: ${counts.implemented} implemented, ${counts.unsupported} unsupported, ${counts.planned} planned, ${counts.missing} missing.`, '');
    L.push('| function | Convene | types |', '|---|---|---|');
    for (const x of rows) {
      const status = x.status === 'unsupported' ? `unsupported (${x.note})` : x.status === 'missing' ? '**missing**' : x.status;
      L.push(`| \`${x.name}\` | ${status} | ${x.types} |`);
    }
    L.push('');
  }
  return `${L.join('\n').replace(/\n+$/, '')}\n`;
}

/** @param {Record<string, Record<string, 'promise' | 'sync'>>} families */
export const functionsJson = (families) => `${JSON.stringify(families, null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  const given = process.argv.slice(2).find((a) => !a.startsWith('--'));
  const { dir, cleanup } = resolveReference(given);
  let r;
  let outputs;
  try {
    r = await buildReport(dir);
    outputs = [[COMPAT_PATH, renderMarkdown(r)], [FUNCTIONS_JSON_PATH, functionsJson(parseReferenceFamilies(dir))]];
  } finally {
    cleanup();
  }
  const stale = [];
  for (const [path, want] of outputs) {
    const have = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (want === have) continue;
    if (check) stale.push(path);
    else { writeFileSync(path, want); console.log(`wrote ${path}`); }
  }
  for (const p of stale) r.problems.push(`stale: ${p} (run: node sdk/js/scripts/compat-report.mjs)`);
  for (const p of r.problems) console.error(p);
  const n = r.report.reduce((a, f) => a + f.rows.length, 0);
  console.log(`${n} functions in ${r.report.length} families; ${r.problems.length} problem(s)`);
  if (r.problems.length) process.exit(1);
}
