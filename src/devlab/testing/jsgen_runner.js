'use strict';
// DevLab's JavaScript test-generation runner (see devlab/testing/jsgen.py). Two modes,
// read from _devlab_gen.json next to this file:
//   probe:  load the target module, list its exported functions and classes, build
//           boundary calls from each signature (one parameter varied at a time), run
//           each once under a watchdog and print what it returned or threw;
//   verify: run each candidate test three times (all candidates, then again twice),
//           alone, with V8's precise block coverage reset before and taken after it,
//           and print per run its outcome and the target file's covered lines/blocks.
// Everything is printed as one JSON line after a marker; nothing else is trusted.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const url = require('node:url');
const inspector = require('node:inspector');

const T = require('./_devlab_types.cjs');

const MARK = '@@DEVLAB_JSGEN@@';
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, '_devlab_gen.json'), 'utf8'));
const targetFile = path.join(__dirname, spec.target);
const source = fs.readFileSync(targetFile, 'utf8');
const sourceLines = source.split('\n');
let fileConstants = [];  // the whole file's literals (helpers' branch constants), set by probe()
if (spec.node_path) {  // tools installed once for the sandbox (fast-check) resolve by name
  process.env.NODE_PATH = spec.node_path;
  require('node:module')._initPaths();
}
if (spec.node_path) {  // the sandbox's own fast-check, by name also for ES modules
  try {
    const nm = path.join(__dirname, 'node_modules');
    fs.mkdirSync(nm, { recursive: true });
    const dst = path.join(nm, 'fast-check');
    if (!fs.existsSync(dst)) fs.symlinkSync(path.join(spec.node_path, 'fast-check'), dst);
  } catch (e) { /* a read-only node_modules: NODE_PATH serves CommonJS */ }
}
let ts = null;  // the TypeScript compiler: loads .ts files (typescript) and reads types
try {
  if (spec.ts_root && spec.typescript) T.tsHook(spec.ts_root);
  if (spec.ts_root) ts = require(spec.ts_root);
} catch (e) { ts = null; }
let sigs = {};  // function name -> parameter and return type descriptors

async function load(file, esm) {
  if (esm) return import(url.pathToFileURL(file).href);
  return withTimeout(() => require(file), 10000);  // a module that loops on load stops here
}

// ---- values as JavaScript source (null: not expressible) --------------------------
function lit(v, depth = 0) {
  if (depth > 6) return null;
  switch (typeof v) {
    case 'undefined': return 'undefined';
    case 'boolean': return String(v);
    case 'bigint': return `${v}n`;
    case 'string': return JSON.stringify(v);
    case 'number':
      if (Object.is(v, -0)) return '-0';
      if (Number.isNaN(v)) return 'NaN';
      if (v === Infinity) return 'Infinity';
      if (v === -Infinity) return '-Infinity';
      return String(v);
    case 'object': break;
    default: return null;
  }
  if (v === null) return 'null';
  const proto = Object.getPrototypeOf(v);
  if (Array.isArray(v) && proto === Array.prototype) {
    if (v.length > 200 || Object.keys(v).length !== v.length) return null;
    const items = v.map((x) => lit(x, depth + 1));
    return items.includes(null) ? null : `[${items.join(', ')}]`;
  }
  if (v instanceof Date) return `new Date(${Number.isNaN(v.getTime()) ? 'NaN' : v.getTime()})`;
  if (v instanceof RegExp) return v.lastIndex === 0 ? String(v) : null;
  if (Buffer.isBuffer(v)) return v.length <= 200 ? `Buffer.from(${JSON.stringify([...v])})` : null;
  if (v instanceof Map || v instanceof Set) {
    if (v.size > 100 || Object.getPrototypeOf(proto) !== Object.prototype) return null;
    const entries = [...v].map((e) => lit(e, depth + 1));
    return entries.includes(null) ? null : `new ${v instanceof Map ? 'Map' : 'Set'}([${entries.join(', ')}])`;
  }
  if (proto !== Object.prototype && proto !== null) return null;
  if (Object.getOwnPropertySymbols(v).length) return null;
  const keys = Object.getOwnPropertyNames(v);
  if (keys.length > 100) return null;
  const parts = [];
  for (const k of keys) {
    const d = Object.getOwnPropertyDescriptor(v, k);
    if (!d.enumerable || !('value' in d)) return null;
    const s = lit(d.value, depth + 1);
    if (s === null) return null;
    parts.push(`${JSON.stringify(k)}: ${s}`);
  }
  const body = `{ ${parts.join(', ')} }`;
  return proto === null ? `Object.assign(Object.create(null), ${body})` : body;
}

// ---- signatures --------------------------------------------------------------------
function splitTop(text) {
  const out = []; let depth = 0; let cur = ''; let quote = '';
  for (const ch of text) {
    if (quote) { if (ch === quote) quote = ''; cur += ch; continue; }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) { out.push(cur.trim()); cur = ''; } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function paramsOf(text) {
  // the parameter list of a function's or a class constructor's source
  let at = 0;
  if (/^class\b/.test(text)) {
    const c = text.indexOf('constructor(');
    if (c < 0) return [];
    at = c + 'constructor'.length;
  } else {
    const arrow = text.indexOf('=>');
    const paren = text.indexOf('(');
    if (paren < 0 || (arrow >= 0 && arrow < paren)) {
      const head = text.slice(0, arrow).replace(/^async\s+/, '').trim();
      return head ? [{ name: head, dflt: null, kind: '' }] : [];
    }
    at = paren;
  }
  let depth = 0; let end = at;
  for (; end < text.length; end++) {
    if (text[end] === '(') depth++;
    else if (text[end] === ')' && --depth === 0) break;
  }
  return splitTop(text.slice(at + 1, end)).map((p) => {
    const eq = p.indexOf('=');
    const head = (eq >= 0 ? p.slice(0, eq) : p).trim();
    const kind = head.startsWith('{') ? 'object' : head.startsWith('[') ? 'array' : '';
    return { name: head.replace(/^\.\.\./, ''), dflt: eq >= 0 ? p.slice(eq + 1).trim() : null,
      kind, rest: head.startsWith('...') };
  });
}

function constantsOf(text) {
  // string and number literals of a body: the branch constants
  const found = [];
  for (const m of text.matchAll(/(["'])((?:(?!\1)[^\\\n]){0,40})\1|(?<![\w.$])(\d{1,9})(?![\w.])/g)) {
    if (m[3] !== undefined) { const n = Number(m[3]); found.push(String(n - 1), String(n), String(n + 1)); }
    else found.push(JSON.stringify(m[2]));
  }
  return [...new Set(found)].slice(0, 24);
}

const HINTS = [
  [/^(str|string|s|text|name|word|key|prefix|suffix|sep|separator|char|chars|path|url|input|pattern|format|fmt|label|title|id|value|val)$/i, 'string'],
  [/(str|text|name|word|char|path|url|prefix|suffix|separator)/i, 'string'],
  [/^(n|i|j|k|x|y|num|number|count|len|length|size|index|idx|max|min|start|end|from|to|limit|amount|width|height|precision|digits|base|radix|depth|times|step|ms|seconds|a|b)$/i, 'number'],
  [/(count|num|size|index|length|width|max|min|limit|depth|offset|amount)/i, 'number'],
  [/^(arr|array|list|items|values|xs|elements|collection|entries)$/i, 'array'],
  [/^(obj|object|opts|options|config|settings|source|target|props|params|map|dict)$/i, 'object'],
  [/^(fn|func|callback|cb|predicate|iteratee|comparator|mapper|handler|transform|reducer)$/i, 'function'],
  [/^(is|has|should|can|flag|enable|strict|loose|deep)/i, 'boolean'],
];

function kindOf(p, jsdoc) {
  const t = (jsdoc && jsdoc[p.name]) || '';
  if (t) {
    const low = t.toLowerCase();
    for (const k of ['string', 'number', 'boolean', 'function', 'array', 'object']) {
      if (low.includes(k) || (k === 'array' && low.includes('[]'))) return k;
    }
  }
  if (p.kind) return p.kind;
  if (p.dflt !== null) {
    const d = p.dflt;
    if (/^["'`]/.test(d)) return 'string';
    if (/^-?\d/.test(d)) return 'number';
    if (d === 'true' || d === 'false') return 'boolean';
    if (d.startsWith('[')) return 'array';
    if (d.startsWith('{')) return 'object';
  }
  for (const [re, k] of HINTS) if (re.test(p.name)) return k;
  return 'any';
}

function propsOf(text, name, cap = 6, brackets = false) {
  // the properties the body reads from a parameter (`options.long` -> long; with
  // `brackets`, also `headers['if-none-match']`)
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return [];
  const found = new Set();
  for (const m of text.matchAll(new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}\\.([A-Za-z_$][\\w$]*)`, 'g'))) {
    if (!['length', 'constructor', 'hasOwnProperty', 'toString'].includes(m[1])) found.add(m[1]);
  }
  if (brackets) {
    for (const m of text.matchAll(new RegExp(`(?<![\\w$.])${esc(name)}\\[\\s*(["'])([^"'\\n\\\\]{1,40})\\1\\s*\\]`, 'g'))) found.add(m[2]);
  }
  return [...found].slice(0, cap);
}

function accessesOf(p, prop) {
  // how the body may write a read of property `prop` of `p`
  const ident = /^[A-Za-z_$][\w$]*$/.test(prop);
  return [...(ident ? [`${p}.${prop}`] : []), `${p}['${prop}']`, `${p}["${prop}"]`];
}

// values whose property types are guesses: a crash on them is no evidence of a bug
const guessed = new Set();

function shaped(props) {
  // objects with the properties the body reads: each alone, then all of them
  if (!props.length) return [];
  const out = [];
  for (const p of props) out.push(`{ ${p}: true }`, `{ ${p}: 1 }`, `{ ${p}: "a" }`);
  out.push(`{ ${props.map((p) => `${p}: true`).join(', ')} }`);
  out.forEach((v) => guessed.add(v));
  return out;
}

function mixed(consts) {
  // numbers written with the body's short words: "2" + "days" -> "2days", "1.5 days"
  const words = consts.filter((c) => /^"[A-Za-z]{1,10}"$/.test(c)).slice(0, 24);
  const codes = consts.filter((c) => /^\d+$/.test(c) && +c > 32 && +c < 127).slice(0, 12);
  return words.map((w, i) => JSON.stringify((i % 2 ? '1.5 ' : '2') + JSON.parse(w)))
    .concat(codes.map((c) => JSON.stringify(`a${String.fromCharCode(+c)}b`)));  // charCodeAt cases
}

function typeofsOf(text, name) {
  // the types the body tests a parameter for: `typeof val === 'number'` -> number
  const found = new Set();
  let at = text.indexOf(`typeof ${name}`);
  while (at >= 0 && found.size < 4) {
    const rest = text.slice(at + 7 + name.length, at + 7 + name.length + 24);
    const quote = rest.search(/['"]/);
    if (quote >= 0 && /^\s*[!=]==?\s*$/.test(rest.slice(0, quote))) {
      found.add(rest.slice(quote + 1).split(/['"]/)[0]);
    }
    at = text.indexOf(`typeof ${name}`, at + 1);
  }
  return [...found].filter((k) => ['string', 'number', 'boolean', 'object', 'function'].includes(k));
}

// ---- what the body does with a parameter: its helpers, regexes, option properties ----
const esc = (t) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
let fileFunctions = Object.create(null);  // name -> { params, text } of the file's own `function NAME(...)`

function localFunctions() {
  // the file's named functions (`function f(...) {`, `const f = (...) => ...`), bodies
  // cut by brace depth (strings skipped); an arrow without braces ends with its line
  const out = Object.create(null);
  const starts = /\bfunction\s+([A-Za-z_$][\w$]*)\s*\(|\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s+)?(?:function\b[^(]{0,40})?\((?=[^()]{0,200}\)\s*(?:=>|\{))/g;
  for (const m of source.matchAll(starts)) {
    if (Object.keys(out).length >= 200) break;
    let depth = 0; let quote = ''; let i = m.index; let opened = false;
    for (; i < source.length && i - m.index < 20000; i++) {
      const ch = source[i];
      if (quote) { if (ch === '\\') i++; else if (ch === quote) quote = ''; continue; }
      if (ch === '"' || ch === "'" || ch === '`') quote = ch;
      else if (ch === '{') { depth++; opened = true; } else if (ch === '}' && --depth === 0 && opened) break;
      else if (ch === '\n' && !opened && depth === 0 && source.slice(m.index, i).includes('=>')) break;
    }
    const text = source.slice(m.index, i + 1).replace(/^(?:const|let|var)\s+[\w$]+\s*=\s*/, '');
    out[m[1] || m[2]] = { params: paramsOf(text), text };
  }
  return out;
}

function scopesOf(text, name, depth = 0, self = '') {
  // [text, name] pairs: the body itself, then the file's helpers the parameter is passed
  // to (`getcontenttype(string)` reads `obj.getHeader` of the same value)
  const out = [[text, name]];
  if (depth > 1 || !/^[A-Za-z_$][\w$]*$/.test(name)) return out;
  const alias = new RegExp(`(?:var|let|const)\\s+([A-Za-z_$][\\w$]*)\\s*=\\s*${esc(name)}\\s*(?:\\|\\||\\?\\?|;|,|\\n)`, 'g');
  for (const m of text.matchAll(alias)) out.push([text, m[1]]);  // `var opt = options || {}`
  for (const m of text.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)\s*\(([^()]{0,200})\)/g)) {
    const fn = fileFunctions[m[1]];
    if (!fn || fn.text === text || m[1] === self) continue;  // not the function itself again
    const i = splitTop(m[2]).indexOf(name);
    if (i >= 0 && fn.params[i] && !fn.params[i].kind) out.push(...scopesOf(fn.text, fn.params[i].name, depth + 1, m[1]));
  }
  return out.slice(0, 6);
}

function regexesIn(text) {
  // the file's regexes this text uses (by bound name or by its literal), in order of use
  const found = [];
  for (const r of spec.regexes || []) {
    if (r.imported) continue;
    const at = r.name ? text.search(new RegExp(`(?<![\\w$])${esc(r.name)}(?![\\w$])`)) : text.indexOf(r.raw);
    const raw = text.indexOf(r.raw);
    const first = [at, raw].filter((x) => x >= 0);
    if (first.length) found.push([Math.min(...first), r]);
  }
  return found.sort((a, b) => a[0] - b[0]).map((x) => x[1]);
}

function appliedTo(text, r, name) {
  // whether the body runs regex `r` on `name` itself (RE.test(name), name.match(RE), ...)
  const key = esc(r.name || r.raw); const v = esc(name);
  return new RegExp(`${key}\\.(test|exec)\\(\\s*${v}\\s*\\)|(?<![\\w$.])${v}\\.(match|matchAll|search|replace|replaceAll|split)\\(\\s*${key}`).test(text);
}

function passedOut(text, name) {
  // whether `name` is passed to a function the file does not define (an imported helper)
  const v = esc(name);
  // (a compiled import is called as `(0, utils_js_1.f)(name)`)
  for (const m of text.matchAll(new RegExp(`([A-Za-z_$][\\w$]*)\\)?\\s*\\(([^()]{0,200})\\)`, 'g'))) {
    if (!(m[1] in fileFunctions) && new RegExp(`(?<![\\w$.])${v}(?![\\w$])`).test(m[2])) return true;
  }
  return false;
}

function separatorValues(scopes) {
  // the short literals the body looks for in a string (`str.indexOf('=')`, `split(';')`)
  // put between words, in the order it looks for them, quoted and %-escaped once
  const seps = [];
  for (const [text, name] of scopes) {
    const re = new RegExp(`(?<![\\w$.])${esc(name)}\\.(?:indexOf|lastIndexOf|split|includes|startsWith|endsWith)\\(\\s*(["'])([^"'\\n]{1,3})\\1`, 'g');
    for (const m of text.matchAll(re)) if (!seps.includes(m[2])) seps.push(m[2]);
  }
  if (!seps.length) return [];
  const [a, b = a] = seps;
  return [`x${a}1${b}y${a}2`, `x${a}1`, `x${b}y${a}2`, `x${a}"1"${b} y${a}%41${b}z${a}%E0`, `${a}${b}x${a}1${b}${b}x${a}2`]
    .map((v) => JSON.stringify(v));
}

function witnessValues(scopes) {
  // strings the body's regexes match: each alone, two in the order they are used
  // (`type` then `; param=value`), and near misses (a character no class takes); the
  // imported files' regexes when the parameter goes to an imported helper (or nothing
  // here tests it), alone and after each of the body's own (`^` + a version)
  const [text0, name] = scopes[0];
  const used = [];
  for (const [text] of scopes) for (const r of regexesIn(text)) if (!used.includes(r)) used.push(r);
  const imported = (spec.regexes || []).filter((r) => r.imported).slice(0, 4);
  const direct = used.filter((r) => scopes.some(([t, n]) => appliedTo(t, r, n)));
  const own = [...direct, ...used.filter((r) => !direct.includes(r))];
  const outward = imported.length && (!own.length || passedOut(text0, name));
  const out = [];
  const per = Math.max(3, Math.floor(12 / Math.max(1, own.length)));  // one regex: its alternatives
  const wit = (rs, n = 3) => rs.forEach((r) => r.witnesses.slice(0, n).forEach((w) => out.push(w)));
  if (outward && !direct.length) wit(imported);
  wit(own, per);
  out.push(...labelledWitnesses(scopes, own));
  for (let i = 0; i < own.length; i++) {
    for (let j = i + 1; j < own.length && j < i + 3; j++) {
      const a = own[i].witnesses[0]; const b = own[j].witnesses;
      out.push(a + b[0], a + b[0] + '\u0001', a + '\u0001' + b[0], a + b[0] + '\u0001' + b[0],
        a + b[0] + a, a + a + b[0]);  // and the two interleaved (`aBa`, `AAb`)
      b.slice(1).forEach((w) => out.push(a + w));
    }
  }
  own.forEach((r) => out.push(r.witnesses[0] + '\u0001'));
  if (own.length) out.push(own[0].witnesses[0].repeat(Math.ceil(120 / own[0].witnesses[0].length)).slice(0, 240));  // past a length cap
  if (outward) {
    wit(imported);
    for (const r of own) for (const w of r.witnesses.slice(0, 3)) for (const m of imported) out.push(w + m.witnesses[0], w + m.witnesses.slice(-1)[0]);
  }
  return [...new Set(out)].slice(0, 64).map((w) => JSON.stringify(w));
}

function caseLabels(scopes) {
  // the string labels the body (and the helpers a parameter goes to) switch on
  const out = [];
  for (const [text] of scopes) {
    for (const m of text.matchAll(/\bcase\s+(["'])([^"'\\\n]{1,30})\1\s*:/g)) if (!out.includes(m[2])) out.push(m[2]);
  }
  return out.slice(0, 60);
}

function labelledWitnesses(scopes, regexes) {
  // strings a regex accepts that end in (or hold) each case label: a value the regex
  // takes apart and the body then switches on (`/^(\d+) *(ms|s|h)$/`, `case 'secs':`)
  // reaches every case, where the regex's own witnesses name only some alternatives
  const labels = caseLabels(scopes);
  const out = [];
  for (const r of labels.length ? regexes : []) {
    let re;
    try { re = new RegExp(r.pattern, (r.flags || '').replace(/[gy]/g, '')); } catch (e) { continue; }
    const ws = r.witnesses.slice(0, 4);
    for (const c of labels) {
      const tries = [];
      for (const w of ws) {
        tries.push(w.replace(/[A-Za-z]+$/, c), w + c, w.replace(/^[A-Za-z]+/, c), c + w);
        for (const other of labels) if (other !== c && w.includes(other)) tries.push(w.replace(other, c));
      }
      tries.push(c, `1${c}`, `1 ${c}`);
      const hit = tries.find((t) => !ws.includes(t) && re.test(t));
      if (hit !== undefined && !out.includes(hit)) out.push(hit);
    }
  }
  return out;
}

function computedNumbers() {
  // the file's numbers computed from literals and names before them (`var d = h * 24`,
  // `gb: 1 << 30`, `pb: Math.pow(1024, 5)`): thresholds a body compares with by name
  // (`mag >= map.pb`), each and half as much again (`msAbs >= n * 1.5`)
  const known = Object.create(null);
  const out = [];
  const re = /(?:\b(?:var|let|const)\s+|[{,]\s*)([A-Za-z_$][\w$]*)\s*[=:]\s*(?=([^;\n{}]{1,80}))/g;
  for (const m of source.matchAll(re)) {
    const expr = (splitTop(m[2])[0] || '').trim();
    if (!/^[\w$\s.*+\-/%()<>,]+$/.test(expr) || !/\d/.test(expr)) continue;  // arithmetic only
    const names = expr.match(/(?<![\w$.])[A-Za-z_$][\w$.]*/g) || [];
    if (!names.every((n) => n === 'Math.pow' || n in known)) continue;
    let v;
    try {
      v = new Function('Math', ...Object.keys(known), `return (${expr});`)(Math, ...Object.values(known));
    } catch (e) { continue; }
    if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) < 2 || Object.values(known).includes(v)) continue;
    known[m[1]] = v;
    out.push(v);
    if (out.length >= 12) break;
  }
  return out.flatMap((v) => [String(v), String(v * 1.5)]);
}
let fileNumbers = [];  // computedNumbers() of the file, set by probe()

function kindsOf(scopes, names) {
  // how the body tests a value: typeof, Array.isArray, Number.isFinite, instanceof
  const kinds = new Set();
  for (const [text] of scopes) {
    for (const n of names) {
      const v = esc(n);
      for (const m of text.matchAll(new RegExp(`typeof\\s+${v}\\s*[!=]==?\\s*['"](\\w+)['"]`, 'g'))) kinds.add(m[1]);
      const alias = new RegExp(`(?:var|let|const)\\s+([A-Za-z_$][\\w$]*)\\s*=\\s*typeof\\s+${v}(?![\\w$.])`).exec(text);
      if (alias) {  // `var type = typeof val; if (type === 'string')`
        for (const m of text.matchAll(new RegExp(`(?<![\\w$.])${esc(alias[1])}\\s*[!=]==?\\s*['"](\\w+)['"]`, 'g'))) kinds.add(m[1]);
      }
      for (const m of text.matchAll(new RegExp(`['"](\\w+)['"]\\s*[!=]==?\\s*typeof\\s+${v}(?![\\w$.])`, 'g'))) kinds.add(m[1]);
      if (new RegExp(`Array\\.isArray\\(\\s*${v}\\s*\\)`).test(text)) kinds.add('array');
      if (new RegExp(`Number\\.is(Finite|Integer|SafeInteger|NaN)\\(\\s*${v}\\s*\\)`).test(text)) kinds.add('number');
      for (const m of text.matchAll(new RegExp(`(?<![\\w$.])${v}\\s+instanceof\\s+(Date|RegExp|Map|Set|Error|Array|Buffer)\\b`, 'g'))) kinds.add(m[1]);
    }
  }
  return [...kinds];
}

const INSTANCES = { Date: ['new Date(0)', 'new Date(NaN)'], RegExp: ['/a/'], Map: ['new Map([["a", 1]])'], Set: ['new Set([1])'],
  Error: ['new Error("a")'], Array: ['[1]'], Buffer: ['Buffer.from("a")'] };

// objects whose keys or values are not plain words (quoting, escaping, validation paths)
const ODD_KEYS = ['{ "a b": 1 }', '{ a: "x y" }', '{ a: "\\"q\\"" }', '{ a: "\\u0001" }'];

// numbers by orders of magnitude: past thresholds a body compares with but computes
// (`msAbs >= d` where `d = h * 24`), and half-way ones (`>= n * 1.5`)
const MAGNITUDES = ['1000', '100000', '10000000', '1000000000', '150000', '-100000', '1e15'];

function valuesOfKinds(kinds, pools, n) {
  return kinds.flatMap((k) => (INSTANCES[k] || (pools[k] || []).slice(0, n)));
}

function aliasesOf(scopes, access) {
  // `var type = obj.type`, `var p = typeof o.p === 'string' ? o.p.toLowerCase() : o.p`:
  // names the body gives a property's value
  const out = [access];
  for (const [text] of scopes) {
    const re = new RegExp(`(?:var|let|const)\\s+([A-Za-z_$][\\w$]*)\\s*=[^;=\\n]{0,80}?${esc(access)}(?![\\w$(\\[])`, 'g');
    for (const m of text.matchAll(re)) out.push(m[1]);
  }
  return [...new Set(out)].slice(0, 4);
}

function propValues(scopes, prop, pools) {
  // the values worth trying for one option property, from how the body uses it
  const out = [];
  for (const [text, p] of scopes) {
    const names = [...new Set(accessesOf(p, prop).flatMap((a) => aliasesOf([[text, p]], a)))].filter((n) => text.includes(n));
    for (const r of regexesIn(text)) {
      const key = esc(r.name || r.raw);
      if (names.some((n) => new RegExp(`${key}\\.(test|exec)\\(\\s*${esc(n)}\\s*\\)|${esc(n)}\\.(match|search|replace|split)\\(\\s*${key}`).test(text))) {
        r.witnesses.slice(0, 2).forEach((w) => out.push(JSON.stringify(w)));
        out.push(JSON.stringify(r.witnesses[0] + '\u0001'));
      }
    }
    for (const n of names) {
      for (const m of text.matchAll(new RegExp(`switch\\s*\\(\\s*${esc(n)}\\s*\\)`, 'g'))) {  // its cases
        for (const c of text.slice(m.index, m.index + 2000).matchAll(/\bcase\s+(["'][^"'\n]{0,40}["']|-?\d+(?:\.\d+)?|true|false|null)\s*:/g)) {
          out.push(/^'/.test(c[1]) ? JSON.stringify(c[1].slice(1, -1)) : c[1]);
        }
      }
      for (const m of text.matchAll(new RegExp(`(?<![\\w$.]|typeof\\s+)${esc(n)}\\s*[!=]==?\\s*(["'][^"'\\n]{0,40}["']|-?\\d+(?:\\.\\d+)?|(?:true|false|null)(?![\\w$]))`, 'g'))) {
        out.push(/^["']/.test(m[1]) ? JSON.stringify(m[1].slice(1, -1)) : m[1]);
      }
    }
    const kinds = kindsOf([[text, p]], names);
    for (const n of names) {  // passed on to a helper: how the helper tests it
      for (const m of text.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)\s*\(([^()]{0,200})\)/g)) {
        const fn = fileFunctions[m[1]];
        const i = fn ? splitTop(m[2]).indexOf(n) : -1;
        if (i >= 0 && fn.params[i] && fn.text !== text) kinds.push(...kindsOf([[fn.text, fn.params[i].name]], [fn.params[i].name]));
      }
    }
    out.push(...valuesOfKinds([...new Set(kinds)], pools, 3));
    if (kinds.includes('object')) out.push(...ODD_KEYS);
  }
  if (out.length) out.push('1', '"a"');  // and a value of another kind (the error path)
  return [...new Set(out)].slice(0, 12);
}

function optionObjects(scopes, pools) {
  // objects with the properties the body (and the helpers it passes them to) reads, each
  // given the values its use suggests: all of them at once, then each varied or left out
  const props = [];
  for (const [text, p] of scopes) for (const k of propsOf(text, p, 12, true)) if (!props.includes(k)) props.push(k);
  if (!props.length) return [];
  const values = Object.fromEntries(props.map((k) => [k, propValues(scopes, k, pools)]));
  const known = props.filter((k) => values[k].length);
  const key = (k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));
  const obj = (m) => `{ ${Object.entries(m).map(([k, v]) => `${key(k)}: ${v}`).join(', ')} }`;
  const base = Object.fromEntries(known.map((k) => [k, values[k][0]]));
  const lists = known.map((k) => {
    const { [k]: _, ...rest } = base;
    return [...values[k].slice(1, 10).map((v) => obj({ ...base, [k]: v })), obj(rest)];
  });
  for (const k of props.filter((x) => !known.includes(x))) lists.push([obj({ ...base, [k]: 'true' }), obj({ ...base, [k]: '1' })]);
  const out = [obj(base)];
  for (let i = 0; i < 10; i++) for (const l of lists) if (i < l.length) out.push(l[i]);  // each property in turn
  const found = [...new Set(out)].slice(0, 48);
  found.forEach((v) => guessed.add(v));
  return found;
}

function wellTyped(entry, args, jsdoc) {
  // every argument is a value of its parameter's declared type (TypeScript or JSDoc)
  if (args.some((a) => guessed.has(a))) return false;
  const sig = sigs[entry.label.replace(/^new /, '').split('.').pop()];
  if (!sig || sig.params.length !== args.length && !spec.typescript) {
    return Object.keys(jsdoc).length > 0 && !spec.typescript;
  }
  return sig.params.every((p, i) => (p.t ? i >= args.length ? p.opt : T.fits(p.t, args[i]) : !spec.typescript));
}

function typedOf(entry) {
  // TypeScript: the declared parameter types of an entry (by its last name), or null
  if (!spec.typescript) return null;
  const sig = sigs[entry.label.replace(/^new /, '').split('.').pop()];
  return sig && sig.params.length === entry.params.length ? sig.params : null;
}

function callsOf(entry, pools, jsdoc, maxCalls) {
  // boundary calls of one function: a base call, then one parameter varied at a time
  const params = entry.params.slice(0, 6);
  const consts = [...new Set([...entry.constants, ...fileConstants])];
  const declared = typedOf(entry);
  const options = params.map((p, i) => {
    const d = declared && declared[i];
    if (d && d.t) {  // TypeScript's declared type: values of that type only
      const values = T.valuesOf(d.t, pools, consts);
      if (d.opt) values.push('undefined');
      if (d.dflt !== null && d.dflt.length < 60) values.unshift(d.dflt);
      return [...new Set(values)];
    }
    const kind = kindOf(p, jsdoc);
    let values = [...(pools[kind] || pools.any)];
    const shapes = shaped(propsOf(entry.text, p.name));
    if (kind === 'string') {  // and a few numbers: many string functions also take numbers
      values = values.concat(consts.filter((c) => c.startsWith('"')), mixed(consts), ['2', '1.5', '-100']);
    }
    if (kind === 'number') values = values.concat(consts.filter((c) => !c.startsWith('"')));
    if (kind === 'any') values = values.concat(consts.slice(0, 6), mixed(consts).slice(0, 4));
    if (kind === 'object' || kind === 'any') values = values.concat(shapes);
    for (const other of typeofsOf(entry.text, p.name)) {  // `typeof val === 'number'`
      if (other !== kind && pools[other]) values = values.concat(pools[other].slice(0, 4));
    }
    if (p.dflt !== null && p.dflt.length < 60) values.unshift(p.dflt);
    return [...new Set(values)];
  });
  const base = options.map((o, i) => (params[i].dflt !== null || o.length < 2 || (declared && declared[i] && declared[i].t) ? o[0] : o[1]));
  const seen = new Set();
  const out = [];
  const add = (args) => {
    const key = args.join('\u0000');
    if (!seen.has(key) && out.length < maxCalls) { seen.add(key); out.push(args); }
  };
  add([]);
  add(base);
  options.forEach((choices, i) => {
    for (const c of choices) add([...base.slice(0, i), c, ...base.slice(i + 1)]);
  });
  if (params.length >= 2) {  // the first parameter's values with each shaped second one
    const second = options[1].filter((v) => v.startsWith('{ ') && v.includes(': true'));
    const step = Math.max(1, Math.floor(options[0].length / 10));
    const spread = options[0].filter((_, k) => k % step === 0 || k >= options[0].length - 3);
    for (const v of second) for (const c of spread) add([c, v, ...base.slice(2)]);
  }
  try {
    return out.concat(usedCalls(params, declared, pools, entry, base, seen, maxCalls * 4 - out.length));
  } catch (e) {  // a reading of the body these heuristics get wrong costs its calls only
    return out;
  }
}

function usedCalls(params, declared, pools, entry, base, seen, room) {
  // more calls from what the body does with each parameter (after the calls above, which
  // they never displace): strings its regexes match, the kinds it tests for (typeof,
  // Array.isArray, instanceof, Number.isFinite), objects with the properties it reads;
  // each varied over the base call, then over a base of these values themselves
  const extra = params.map((p, i) => {
    const scopes = scopesOf(entry.text, p.name, 0, entry.label.replace(/^new /, '').split('.').pop());
    const d = declared && declared[i];
    const kinds = kindsOf(scopes, [p.name]);
    const kind = d && d.t ? (T.fits(d.t, '""') ? 'string' : T.fits(d.t, '{}') ? 'object' : '') : kindOf(p, {});
    const groups = [];
    if (['string', 'any'].includes(kind) || kinds.includes('string')) groups.push(witnessValues(scopes), separatorValues(scopes));
    const numeric = d && d.t ? T.fits(d.t, '1') : kind === 'number' || kinds.includes('number');
    if (numeric) groups.push([...fileNumbers, ...MAGNITUDES]);  // thresholds the file computes (`var d = h * 24`)
    if (!(d && d.t)) {
      groups.push(valuesOfKinds(kinds.filter((k) => k !== kind), pools, 4));
      if (['object', 'any'].includes(kind) || kinds.includes('object')) {
        groups.push([...optionObjects(scopes, pools), ...ODD_KEYS]);
      }
    }
    // each kind's first values before any kind's tail (a string parameter's many regex
    // witnesses do not crowd out the numbers the same parameter is also tested as)
    const head = 6;
    return [...new Set([...groups.flatMap((g) => g.slice(0, head)), ...groups.flatMap((g) => g.slice(head))])];
  });
  const out = [];
  const add = (args) => {
    const key = args.join('\u0000');
    if (!seen.has(key) && out.length < room) { seen.add(key); out.push(args); }
  };
  const rich = base.map((b, i) => extra[i][0] || b);
  const starts = [base, rich];
  params.forEach((p, j) => {  // `options.signed && number === 0`: the others at each literal
    for (const l of comparedTo(entry.text, p.name)) starts.push([...base.slice(0, j), l, ...base.slice(j + 1)]);
  });
  extra.forEach((choices, j) => {  // an option object's first shapes with the others varied
    for (const o of choices.filter((v) => v.startsWith('{')).slice(0, 2)) starts.push([...base.slice(0, j), o, ...base.slice(j + 1)]);
  });
  // the parameters' values taken in turn within a start, the starts taken in turn (the
  // base call's first): no parameter and no start crowds out the others
  const queues = starts.map((start) => {
    const lists = extra.map((choices, i) => (start !== base && start !== rich && start[i] !== base[i] ? [] : choices));
    const q = [];
    const longest = Math.max(0, ...lists.map((l) => l.length));
    for (let k = 0; k < longest; k++) {
      lists.forEach((choices, i) => { if (k < choices.length) q.push([...start.slice(0, i), choices[k], ...start.slice(i + 1)]); });
    }
    return q;
  });
  const longest = Math.max(0, ...queues.map((q) => q.length));
  for (let k = 0; k < longest && out.length < room; k++) {
    for (const q of queues) if (k < q.length) add(q[k]);
  }
  out.forEach((args) => { args.guess = true; });  // shaped by guesses: no evidence of bugs
  return out;
}

function comparedTo(text, name) {
  // the literals the body compares a parameter with (`number === 0`, `n < 1`)
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return [];
  const v = esc(name);
  const lit = `(-?\\d+(?:\\.\\d+)?|"[^"\\n]{0,40}"|'[^'\\n]{0,40}'|(?:true|false|null)(?![\\w$]))`;
  const found = [];
  for (const re of [new RegExp(`(?<![\\w$.]|typeof\\s+)${v}\\s*(?:[!=]==?|[<>]=?)\\s*${lit}`, 'g'),
    new RegExp(`${lit}\\s*(?:[!=]==?|[<>]=?)\\s*${v}(?![\\w$.])`, 'g')]) {
    for (const m of text.matchAll(re)) found.push(/^'/.test(m[1]) ? JSON.stringify(m[1].slice(1, -1)) : m[1]);
  }
  return [...new Set(found)].slice(0, 3);
}

function entriesOf(mod, binding) {
  const out = [];
  const seen = new Set();
  const visit = (value, access, label, depth) => {
    if (out.length >= 80 || value === null || seen.has(value)) return;
    if (typeof value === 'function') {
      seen.add(value);
      const text = Function.prototype.toString.call(value);
      if (text.includes('[native code]')) return;
      if (/^class\b/.test(text)) {
        out.push({ label: `new ${label}`, expr: `new ${access}`, params: paramsOf(text), text });
        const proto = value.prototype || {};
        for (const m of Object.getOwnPropertyNames(proto)) {
          const d = Object.getOwnPropertyDescriptor(proto, m);
          if (m === 'constructor' || !d || typeof d.value !== 'function') continue;
          const mt = Function.prototype.toString.call(d.value);
          out.push({ label: `${label}.${m}`, expr: `@CTOR@.${m}`, params: paramsOf(mt), text: mt,
            ctor: { expr: `new ${access}`, params: paramsOf(text), text } });
        }
      } else {
        out.push({ label, expr: access, params: paramsOf(text), text });
      }
      if (depth > 0) return;
    } else if (typeof value !== 'object' || depth > 0) {
      return;
    }
    for (const k of Object.keys(value).slice(0, 120)) {
      if (k === '__esModule') continue;
      let v; try { v = value[k]; } catch (e) { continue; }
      const acc = /^[A-Za-z_$][\w$]*$/.test(k) ? `${access}.${k}` : `${access}[${JSON.stringify(k)}]`;
      visit(v, acc, label === binding ? k : `${label}.${k}`, depth + 1);
    }
  };
  visit(mod, binding, binding, 0);
  return out;
}

const otherSources = {};

function topFrame(stack) {
  // the innermost frame in the project's own files (not node's, not node_modules)
  const root = __dirname + path.sep;
  for (const line of stack.split('\n').slice(1)) {
    const at = line.indexOf(root);
    if (at < 0) continue;
    const rest = line.slice(at).replace(/\)$/, '');
    const m = /^(.*):(\d+):\d+$/.exec(rest.trim());
    if (!m || m[1].includes(`${path.sep}node_modules${path.sep}`) || path.basename(m[1]).startsWith('_devlab')) return null;
    if (!(m[1] in otherSources)) {
      try { otherSources[m[1]] = fs.readFileSync(m[1], 'utf8').split('\n'); } catch (err) { otherSources[m[1]] = []; }
    }
    return { file: m[1], code: otherSources[m[1]][Number(m[2]) - 1] || '' };
  }
  return null;
}

function thrownInfo(e) {
  // how an exception looks, and whether the target's own code threw it on purpose
  if (!(e instanceof Error)) return { name: typeof e, message: lit(e) || String(e), explicit: true, literal: lit(e) };
  const stack = String(e.stack || '');
  let explicit = true;
  let where = '';
  for (const line of stack.split('\n').slice(1)) {
    const at = line.indexOf(targetFile + ':');
    if (at < 0) continue;
    const n = Number(line.slice(at + targetFile.length + 1).split(':')[0]);
    const code = sourceLines[n - 1] || '';
    where = `${spec.target}:${n}`;
    explicit = /\bthrow\b|Error\s*\(|reject\s*\(/.test(code);
    break;
  }
  if (!where) explicit = !['TypeError', 'RangeError', 'ReferenceError'].includes(e.name);
  const top = topFrame(stack);  // thrown in another file of the project (a helper)
  if (top && top.file !== targetFile) explicit = /\bthrow\b|Error\s*\(|reject\s*\(/.test(top.code);
  return { name: e.name, message: String(e.message).slice(0, 500), explicit, where,
    code: e.code === undefined ? null : lit(e.code) };
}

function withTimeout(thunk, ms) {
  const ctx = vm.createContext({ __f: thunk });
  return vm.runInContext('__f()', ctx, { timeout: ms });
}

async function settle(value, ms) {
  if (!value || typeof value.then !== 'function') return { value };
  let timer;
  const limit = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('@@timeout')), ms); });
  try {
    return { value: await Promise.race([value, limit]), async: true };
  } catch (e) {
    if (e && e.message === '@@timeout') throw e;
    throw { __devlabAsync: true, error: e };
  } finally { clearTimeout(timer); }
}

function observe(value) {
  const shown = lit(value);
  if (shown !== null && shown.length <= 4000) return { kind: 'value', literal: shown };
  return { kind: 'opaque', type: typeof value,
    ctor: value && value.constructor && typeof value.constructor.name === 'string' ? value.constructor.name : '' };
}

async function probe() {
  const mod = await load(targetFile, spec.esm);
  const entries = entriesOf(mod, spec.binding);
  try { sigs = ts ? T.signatures(ts, source, targetFile) : {}; } catch (e) { sigs = {}; }
  const dts = targetFile.replace(/\.([cm]?)js$/, '.d.$1ts');  // a .js file's declared types
  if (ts && !spec.typescript && dts !== targetFile && fs.existsSync(dts)) {
    try {
      const declared = T.signatures(ts, fs.readFileSync(dts, 'utf8'), dts);
      for (const [k, v] of Object.entries(declared)) {
        if (!sigs[k] || sigs[k].params.every((p) => !p.t)) sigs[k] = v;
      }
    } catch (e) { /* a declaration file the parser cannot read: JSDoc only */ }
  }
  fileConstants = constantsOf(source).filter((c) => c.startsWith('"')).slice(0, 40);
  fileFunctions = localFunctions();
  try { fileNumbers = computedNumbers(); } catch (e) { fileNumbers = []; }
  const calls = [];
  for (const entry of entries) {
    const jsdoc = spec.jsdoc[entry.label.replace(/^new /, '').split('.').pop()] || {};
    entry.constants = constantsOf(entry.text);
    let prefix = '';
    if (entry.ctor) {
      const ctorArgs = callsOf({ ...entry.ctor, constants: constantsOf(entry.ctor.text) }, spec.pools, {}, 2);
      prefix = `${entry.ctor.expr}(${(ctorArgs[1] || ctorArgs[0]).join(', ')})`;
    }
    for (const args of callsOf(entry, spec.pools, jsdoc, spec.max_calls)) {
      const callee = entry.ctor ? entry.expr.replace('@CTOR@', `(${prefix})`) : entry.expr;
      calls.push({ target: entry.label, expr: `${callee}(${args.join(', ')})`, args, doc: false,
        typed: !args.guess && wellTyped(entry, args, jsdoc) });
    }
  }
  for (const ex of spec.examples) {
    // a documented example names the function bare: bind it to what the module exports
    const entry = entries.find((e) => !e.ctor && e.label.split('.').pop() === ex.target);
    if (!entry) continue;
    calls.push({ target: entry.label, expr: ex.expr, prelude: `const ${ex.target} = ${entry.expr};`,
      args: [], doc: true, expected: ex.expected });
  }
  const results = [];
  for (const call of calls.slice(0, spec.max_total)) {
    const r = { ...call };
    try {
      const thunk = new Function(spec.binding, `${call.prelude || ''} return (${call.expr});`);
      const got = await settle(withTimeout(() => thunk(mod), spec.call_timeout_ms), spec.call_timeout_ms);
      Object.assign(r, observe(got.value), { async: !!got.async });
      if (call.doc && call.expected) {
        let same = false;
        try {
          const want = new Function(`return (${call.expected});`)();
          require('node:assert').deepStrictEqual(got.value, want);
          same = true;
        } catch (e) { same = false; }
        r.documented = same;
      }
    } catch (caught) {
      const wrapped = !!(caught && caught.__devlabAsync);
      const e = wrapped ? caught.error : caught;
      if (e && (e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT' || e.message === '@@timeout')) {
        r.kind = 'timeout';
      } else if (e instanceof SyntaxError && !String(e.stack).includes(targetFile)) {
        r.kind = 'invalid';
        r.message = e.message;
      } else {
        Object.assign(r, { kind: 'throw' }, thrownInfo(e));
        r.async = wrapped;
      }
    }
    results.push(r);
  }
  const props = spec.fc ? await checkProperties(mod, entries) : [];
  return { entries: entries.map((e) => e.label), results, properties: props,
    code_lines: spec.typescript ? mappedLines() : null };
}

async function checkProperties(mod, entries) {
  // each property once with the fixed seed: it holds (a candidate), or its shrunk
  // counterexample and the error (a suspected bug when the engine threw on valid input)
  let fc;
  try { fc = require(spec.fc); } catch (e) { return [{ error: `fast-check did not load: ${e.message}` }]; }
  const out = [];
  for (const p of T.properties(entries, sigs, spec.binding)) {
    const r = { ...p };
    try {
      const prop = new Function(spec.binding, 'fc', 'assert', `return (${p.prop});`)(mod, fc, require('node:assert/strict'));
      const params = { seed: spec.seed, numRuns: spec.num_runs, endOnFailure: true, interruptAfterTimeLimit: spec.call_timeout_ms * 2 };
      const details = await settle(withTimeout(() => fc.check(prop, params), spec.call_timeout_ms * 3), spec.call_timeout_ms * 3);
      const d = details.value;
      r.holds = !d.failed && !d.interrupted && d.numRuns > 0;
      if (d.failed) {
        r.counterexample = (lit(d.counterexample) || fc.stringify(d.counterexample)).slice(0, 500);
        const e = d.errorInstance;
        if (e instanceof Error && !(e instanceof require('node:assert').AssertionError)) Object.assign(r, { thrown: thrownInfo(e) });
        else r.message = String((e && e.message) || d.error || '').split('\n')[0].slice(0, 300);
      } else if (d.interrupted) r.message = 'ran out of time';
    } catch (caught) {
      const e = caught && caught.__devlabAsync ? caught.error : caught;
      r.holds = false;
      r.message = String((e && e.message) || e).slice(0, 300);
    }
    out.push(r);
  }
  return out;
}

function mappedLines() {
  // the TypeScript lines that compiled to code (type-only lines are not)
  const offsets = T.tsOffsets(targetFile);
  return offsets ? spec.code_lines.filter((n) => offsets[n - 1] !== undefined) : spec.code_lines;
}

// ---- coverage ---------------------------------------------------------------------
function post(session, method, params) {
  let out; let err;
  session.post(method, params || {}, (e, r) => { err = e; out = r; });
  if (err) throw err;
  return out;
}

function targetRanges(session) {
  const taken = post(session, 'Profiler.takePreciseCoverage');
  const want = url.pathToFileURL(targetFile).href;
  const out = [];
  for (const script of taken.result) {
    if (script.url !== want && script.url !== targetFile) continue;
    for (const fn of script.functions) {
      fn.ranges.forEach((r, i) => out.push([r.startOffset, r.endOffset, r.count, i === 0 ? 1 : 0]));
    }
  }
  return out;
}

function lineOffsets() {
  if (spec.typescript) return T.tsOffsets(targetFile) || [];
  const starts = [];
  let at = 0;
  for (const line of sourceLines) {
    const lead = line.length - line.trimStart().length;
    starts.push(at + lead);
    at += line.length + 1;
  }
  return starts;
}

function units(ranges, blocks, offsets) {
  const count = (o) => {
    let best = null;
    for (const r of ranges) {
      if (r[0] <= o && o < r[1] && (best === null || r[1] - r[0] <= best[1] - best[0])) best = r;
    }
    return best ? best[2] : 0;
  };
  const lines = spec.code_lines.filter((n) => offsets[n - 1] !== undefined && count(offsets[n - 1]) > 0);
  const hit = [...blocks].filter((k) => count(Number(k.split(':')[0])) > 0);
  return { lines, blocks: hit };
}

async function runOne(test, ms) {
  const started = Date.now();
  try {
    const got = withTimeout(() => test.fn(), ms);
    await settle(got, ms);
    return { outcome: 'passed', ms: Date.now() - started };
  } catch (caught) {
    const e = caught && caught.__devlabAsync ? caught.error : caught;
    const timeout = e && (e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT' || e.message === '@@timeout');
    return { outcome: timeout ? 'timeout' : 'failed', message: String((e && e.stack) || e).slice(0, 1200) };
  }
}

async function verify() {
  const session = new inspector.Session();
  session.connect();
  post(session, 'Profiler.enable');
  post(session, 'Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  const registry = [];
  globalThis.__devlabTest = (name, fn) => { registry.push({ name, fn }); };
  await load(targetFile, spec.esm);
  const loadRanges = targetRanges(session);
  await load(path.join(__dirname, spec.candidates), spec.esm);
  targetRanges(session);
  const raw = [];
  for (let run = 1; run <= spec.runs; run++) {
    for (const test of registry) {
      targetRanges(session);
      const result = await runOne(test, spec.timeout_ms);
      raw.push({ name: test.name, run, ...result, ranges: targetRanges(session) });
    }
  }
  const blocks = new Set();
  for (const r of [{ ranges: loadRanges }, ...raw]) {
    for (const x of r.ranges) blocks.add(`${x[0]}:${x[1]}`);
  }
  const offsets = lineOffsets();
  const loaded = units(loadRanges, blocks, offsets);
  const runs = raw.map(({ ranges, ...rest }) => ({ ...rest, ...units(ranges, blocks, offsets) }));
  return { load: loaded, blocks: [...blocks], runs, code_lines: spec.typescript ? mappedLines() : null };
}

process.on('uncaughtException', () => {});  // a stray timer's error must not end the run
process.on('unhandledRejection', () => {});
(async () => {
  let out;
  try {
    out = spec.mode === 'probe' ? await probe() : await verify();
  } catch (e) {
    out = { error: String((e && e.stack) || e).slice(0, 3000) };
  }
  // exit only once the pipe took everything (an early exit cuts a pipe write at 64 KiB)
  process.stdout.write('\n' + MARK + JSON.stringify(out) + '\n', () => process.exit(0));
})();
