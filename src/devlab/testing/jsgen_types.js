'use strict';
// DevLab's TypeScript and type helpers for the test-generation runner (see
// devlab/testing/jsgen.py; shipped beside jsgen_runner.js as _devlab_types.cjs).
//   - tsHook: loads .ts/.mts/.cts files through the TypeScript compiler's transpileModule
//     (the copy scripts/setup.sh installs, read-only in the sandbox; no type check, so a
//     file with type errors still runs), CommonJS output with a source map, so stack
//     traces name the .ts lines and V8's coverage offsets map back to them;
//   - signatures: each function's parameter and return types, read by the TypeScript
//     parser from TS annotations or JSDoc tags, as small JSON descriptors;
//   - valuesOf / arbOf: boundary values and fast-check arbitraries from a descriptor;
//   - properties: fast-check properties of a module's functions (result type, no throw,
//     idempotence, round trips of encode/decode-like pairs), with a fixed seed.
const fs = require('node:fs');
const Module = require('node:module');

const compiled = {};  // file -> { map } of each TypeScript file loaded

const CACHE = '/tmp/devlab-tscache';  // transpiled files by content (the mutant runs)

function transpile(tsRoot, filename, text) {
  // { code, map } of a TypeScript file: from the cache when this text was transpiled
  // before (a mutant run's processes then never load the compiler), else transpiled
  const key = require('node:crypto').createHash('sha1').update(filename + '\0' + text).digest('hex');
  const file = require('node:path').join(CACHE, key + '.json');
  try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) { /* not cached */ }
  const ts = require(tsRoot);
  const out = ts.transpileModule(text, { fileName: filename, reportDiagnostics: false,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022,
      esModuleInterop: true, sourceMap: true, experimentalDecorators: true,
      jsx: ts.JsxEmit.React, removeComments: false } });
  const map = JSON.parse(out.sourceMapText);
  map.sources = [filename];
  const code = out.outputText.replace(/\n\/\/# sourceMappingURL=[^\n]*\s*$/, '') +
    '\n//# sourceMappingURL=data:application/json;base64,' +
    Buffer.from(JSON.stringify(map)).toString('base64') + '\n';
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ code, map }));
  } catch (e) { /* a read-only /tmp: no cache */ }
  return { code, map };
}

function warm(tsRoot, files) {
  // transpile ``files`` into the cache (one compiler load for many test processes)
  for (const f of files) {
    try { transpile(tsRoot, f, fs.readFileSync(f, 'utf8')); } catch (e) { /* reported when loaded */ }
  }
}

function tsHook(tsRoot) {
  process.setSourceMapsEnabled(true);
  const compile = (module, filename) => {
    const { code, map } = transpile(tsRoot, filename, fs.readFileSync(filename, 'utf8'));
    compiled[filename] = { map, code };
    module._compile(code, filename);
  };
  for (const ext of ['.ts', '.mts', '.cts', '.tsx']) Module._extensions[ext] = compile;
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    try {
      return resolve.call(this, request, parent, ...rest);
    } catch (e) {  // `import './util.js'` in TypeScript names util.ts
      if (request.startsWith('.') && /\.[cm]?js$/.test(request)) {
        return resolve.call(this, request.replace(/\.([cm]?)js$/, '.$1ts'), parent, ...rest);
      }
      throw e;
    }
  };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeMappings(mappings) {
  // [genLine, genCol, origLine, origCol] of every segment (0-based), from the VLQ text
  const out = [];
  let genLine = 0; let src = 0; let origLine = 0; let origCol = 0;
  for (const line of mappings.split(';')) {
    let genCol = 0;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const fields = [];
      let value = 0; let shift = 0;
      for (const ch of seg) {
        const digit = B64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) { shift += 5; continue; }
        fields.push(value & 1 ? -(value >> 1) : value >> 1);
        value = 0; shift = 0;
      }
      genCol += fields[0];
      if (fields.length >= 4) {
        src += fields[1]; origLine += fields[2]; origCol += fields[3];
        out.push([genLine, genCol, origLine, origCol]);
      }
    }
    genLine++;
  }
  return out;
}

function tsOffsets(file) {
  // per source line (0-based index): an offset in the compiled code that runs when the
  // line runs (its first mapped segment), or undefined for type-only lines
  const entry = compiled[file];
  if (!entry) return null;
  const starts = [0];
  for (let i = 0; i < entry.code.length; i++) if (entry.code[i] === '\n') starts.push(i + 1);
  const best = [];
  for (const [gl, gc, ol, oc] of decodeMappings(entry.map.mappings)) {
    const have = best[ol];
    if (!have || oc < have[1] || (oc === have[1] && starts[gl] + gc < have[0])) {
      best[ol] = [starts[gl] + gc, oc];
    }
  }
  return best.map((b) => (b ? b[0] : undefined));
}

// ---- type descriptors ----------------------------------------------------------------
function signatures(ts, text, fileName) {
  // { name: { params: [{ name, t, opt, dflt }], ret } } of the file's functions, class
  // methods (by method name) and constructors (by class name); JSDoc in .js files
  const js = /\.[cm]?jsx?$/.test(fileName);
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true,
    js ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const K = ts.SyntaxKind;
  const locals = {};
  for (const st of sf.statements) {
    if ((st.kind === K.InterfaceDeclaration || st.kind === K.TypeAliasDeclaration) && st.name) {
      locals[st.name.text] = st;
    }
  }
  const desc = (node, depth) => {
    if (!node || depth > 6) return { k: 'any' };
    switch (node.kind) {
      case K.NumberKeyword: return { k: 'number' };
      case K.StringKeyword: return { k: 'string' };
      case K.BooleanKeyword: return { k: 'boolean' };
      case K.BigIntKeyword: return { k: 'bigint' };
      case K.UndefinedKeyword: case K.VoidKeyword: return { k: 'undefined' };
      case K.NullKeyword: return { k: 'null' };
      case K.NeverKeyword: return { k: 'never' };
      case K.ObjectKeyword: return { k: 'object', props: [], open: true };
      case K.ParenthesizedType: case K.JSDocNonNullableType: case K.JSDocOptionalType:
        return desc(node.type, depth + 1);
      case K.JSDocNullableType:
        return { k: 'union', of: [desc(node.type, depth + 1), { k: 'null' }] };
      case K.TypeOperator: return node.operator === K.ReadonlyKeyword ? desc(node.type, depth + 1) : { k: 'any' };
      case K.LiteralType: {
        const l = node.literal;
        if (l.kind === K.StringLiteral) return { k: 'lit', v: l.text };
        if (l.kind === K.NumericLiteral) return { k: 'lit', v: Number(l.text) };
        if (l.kind === K.TrueKeyword) return { k: 'lit', v: true };
        if (l.kind === K.FalseKeyword) return { k: 'lit', v: false };
        if (l.kind === K.NullKeyword) return { k: 'null' };
        if (l.kind === K.PrefixUnaryExpression && l.operand.kind === K.NumericLiteral) {
          return { k: 'lit', v: -Number(l.operand.text) };
        }
        return { k: 'any' };
      }
      case K.UnionType: return { k: 'union', of: node.types.map((t) => desc(t, depth + 1)) };
      case K.ArrayType: return { k: 'array', of: desc(node.elementType, depth + 1) };
      case K.TupleType: return { k: 'tuple', of: node.elements.map((t) => desc(t, depth + 1)) };
      case K.FunctionType: case K.JSDocFunctionType: return { k: 'fn' };
      case K.TypeLiteral: case K.InterfaceDeclaration: return objectOf(node.members, depth);
      case K.TypeReference: {
        const name = node.typeName.getText(sf);
        const args = node.typeArguments || [];
        if (name === 'Array' || name === 'ReadonlyArray') return { k: 'array', of: desc(args[0], depth + 1) };
        if (name === 'Date') return { k: 'date' };
        if (name === 'Promise') return { k: 'promise', of: desc(args[0], depth + 1) };
        if (name === 'Record') return { k: 'record', of: desc(args[1], depth + 1) };
        if (name === 'Object') return { k: 'object', props: [], open: true };
        if (name === 'Function') return { k: 'fn' };
        const local = locals[name];
        if (local && !args.length) {
          return local.kind === K.TypeAliasDeclaration ? desc(local.type, depth + 1) : objectOf(local.members, depth);
        }
        return { k: 'ref', name };
      }
      default: return { k: 'any' };
    }
  };
  const objectOf = (members, depth) => {
    const props = [];
    for (const m of members || []) {
      if (m.kind !== K.PropertySignature || !m.name || !m.type) return { k: 'object', props: [], open: true };
      props.push({ name: m.name.getText(sf), t: desc(m.type, depth + 1), opt: !!m.questionToken });
    }
    return { k: 'object', props: props.slice(0, 12) };
  };
  const paramsOf = (fn) => fn.parameters.map((p) => {
    const typeNode = p.type || (js ? ts.getJSDocType(p) : undefined);
    const rest = !!p.dotDotDotToken;
    let t = typeNode ? desc(typeNode, 0) : null;
    if (rest && t && t.k === 'array') t = t.of;
    return { name: p.name.getText(sf), t, rest,
      opt: !!p.questionToken || !!p.initializer || (typeNode && typeNode.kind === K.JSDocOptionalType),
      dflt: p.initializer ? p.initializer.getText(sf).slice(0, 60) : null };
  });
  const retOf = (fn) => {
    const node = fn.type || (js ? ts.getJSDocReturnType(fn) : undefined);
    return node ? desc(node, 0) : null;
  };
  const out = {};
  const defaults = [];
  const add = (name, fn) => {
    if (name && !out[name]) out[name] = { params: paramsOf(fn), ret: retOf(fn), async: !!(fn.modifiers || []).some((m) => m.kind === K.AsyncKeyword) };
  };
  const visit = (node, depth) => {
    if (depth > 3) return;
    if (node.kind === K.FunctionDeclaration && (node.body || sf.isDeclarationFile)) {
      add(node.name && node.name.text, node);
      if ((node.modifiers || []).some((m) => m.kind === K.DefaultKeyword)) add('default', node);
    } else if (node.kind === K.ExportAssignment && node.expression.kind === K.Identifier) {
      defaults.push(node.expression.text);  // `export default name;`
    } else if (node.kind === K.VariableDeclaration && node.initializer &&
      (node.initializer.kind === K.ArrowFunction || node.initializer.kind === K.FunctionExpression)) {
      add(node.name.getText(sf), node.initializer);
    } else if (node.kind === K.ClassDeclaration && node.name) {
      for (const m of node.members) {
        if (m.kind === K.Constructor) add(node.name.text, m);
        else if (m.kind === K.MethodDeclaration && m.body) add(m.name.getText(sf), m);
      }
      return;
    } else if (node.kind === K.PropertyAssignment && node.initializer &&
      (node.initializer.kind === K.ArrowFunction || node.initializer.kind === K.FunctionExpression)) {
      add(node.name.getText(sf), node.initializer);
    }
    ts.forEachChild(node, (child) => visit(child, node.kind === K.Block ? depth + 1 : depth));
  };
  visit(sf, 0);
  for (const name of defaults) if (out[name] && !out.default) out.default = out[name];
  return out;
}

function fits(t, v) {
  // whether argument source `v` is a value of declared type `t` (a boundary call on
  // other values is no evidence of a bug when it crashes)
  if (!t) return true;
  switch (t.k) {
    case 'number': return /^-?(\d|Infinity)/.test(v) || v === 'NaN';
    case 'string': return /^["'`]/.test(v);
    case 'boolean': return v === 'true' || v === 'false';
    case 'bigint': return /^-?\d+n$/.test(v);
    case 'null': return v === 'null';
    case 'undefined': return v === 'undefined';
    case 'lit': return v === (typeof t.v === 'string' ? JSON.stringify(t.v) : String(t.v));
    case 'array': case 'tuple': return v.startsWith('[');
    case 'object': case 'record': return v.startsWith('{');
    case 'date': return v.startsWith('new Date(');
    case 'fn': return v.includes('=>') || v.startsWith('function');
    case 'union': return t.of.some((x) => fits(x, v));
    default: return true;
  }
}

function typed(t) {
  // whether a descriptor names a type values can be built for (no unresolved names)
  if (!t) return false;
  if (['any', 'ref', 'fn', 'never', 'promise'].includes(t.k)) return false;
  if (t.k === 'union' || t.k === 'tuple') return t.of.every(typed);
  if (t.k === 'array' || t.k === 'record') return typed(t.of);
  if (t.k === 'object') return !t.open && t.props.every((p) => typed(p.t));
  return true;
}

// ---- boundary values from a descriptor (JavaScript source text) ------------------------
function valuesOf(t, pools, consts, depth = 0) {
  if (!t || depth > 3) return [...pools.any];
  const lit = (v) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
  switch (t.k) {
    case 'number': return pools.number.filter((v) => v !== 'NaN').concat(consts.filter((c) => !c.startsWith('"')));
    case 'string': return (pools.doc || []).concat(pools.string, consts.filter((c) => c.startsWith('"')));
    case 'boolean': return ['true', 'false'];
    case 'bigint': return ['0n', '1n', '-1n', '12345678901234567890n'];
    case 'lit': return [lit(t.v)];
    case 'null': return ['null'];
    case 'undefined': return ['undefined'];
    case 'date': return ['new Date(0)', 'new Date(86400000)', 'new Date(NaN)'];
    case 'union': return [...new Set(t.of.flatMap((x) => valuesOf(x, pools, consts, depth + 1).slice(0, 10)))];
    case 'array': {
      const inner = valuesOf(t.of, pools, consts, depth + 1).filter((v) => v !== 'undefined');
      return ['[]', `[${inner[0]}]`, `[${inner.slice(0, 3).join(', ')}]`, `[${inner.slice(1, 4).reverse().join(', ')}]`];
    }
    case 'tuple': return [`[${t.of.map((x) => valuesOf(x, pools, consts, depth + 1)[0]).join(', ')}]`];
    case 'record': return ['{}', `{ a: ${valuesOf(t.of, pools, consts, depth + 1)[0]} }`];
    case 'object': {
      if (t.open) return pools.object;
      const base = (p, v) => `${JSON.stringify(p.name.replace(/^["']|["']$/g, ''))}: ${v}`;
      const req = t.props.filter((p) => !p.opt);
      const first = req.map((p) => base(p, valuesOf(p.t, pools, consts, depth + 1)[0]));
      const out = [`{ ${first.join(', ')} }`];
      for (const p of t.props) {  // each property varied alone, over the required ones
        for (const v of valuesOf(p.t, pools, consts, depth + 1).slice(0, 4)) {
          const parts = t.props.filter((q) => !q.opt || q === p).map((q) =>
            base(q, q === p ? v : valuesOf(q.t, pools, consts, depth + 1)[0]));
          out.push(`{ ${parts.join(', ')} }`);
        }
      }
      return [...new Set(out)].slice(0, 24);
    }
    case 'fn': return pools.function;
    default: return [...pools.any];
  }
}

// ---- fast-check arbitraries and properties ---------------------------------------------
function arbOf(t, depth = 0) {
  // fast-check arbitrary source text for a descriptor, or null
  if (!t || depth > 4) return null;
  switch (t.k) {
    case 'number': return 'fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }))';
    case 'string': return 'fc.string()';
    case 'boolean': return 'fc.boolean()';
    case 'bigint': return 'fc.bigInt()';
    case 'null': return 'fc.constant(null)';
    case 'undefined': return 'fc.constant(undefined)';
    case 'date': return 'fc.date({ noInvalidDate: true })';
    case 'lit': return `fc.constant(${JSON.stringify(t.v)})`;
    case 'union': {
      if (t.of.every((x) => x.k === 'lit')) return `fc.constantFrom(${t.of.map((x) => JSON.stringify(x.v)).join(', ')})`;
      const parts = t.of.map((x) => arbOf(x, depth + 1));
      return parts.includes(null) ? null : `fc.oneof(${parts.join(', ')})`;
    }
    case 'array': { const a = arbOf(t.of, depth + 1); return a && `fc.array(${a}, { maxLength: 8 })`; }
    case 'record': { const a = arbOf(t.of, depth + 1); return a && `fc.dictionary(fc.string(), ${a}, { maxKeys: 5 })`; }
    case 'tuple': { const p = t.of.map((x) => arbOf(x, depth + 1)); return p.includes(null) ? null : `fc.tuple(${p.join(', ')})`; }
    case 'object': {
      if (t.open) return null;
      const fields = t.props.map((p) => [p, arbOf(p.t, depth + 1)]);
      if (fields.some(([, a]) => a === null)) return null;
      const keys = JSON.stringify(t.props.filter((p) => !p.opt).map((p) => p.name.replace(/^["']|["']$/g, '')));
      return `fc.record({ ${fields.map(([p, a]) => `${JSON.stringify(p.name.replace(/^["']|["']$/g, ''))}: ${a}`).join(', ')} }, { requiredKeys: ${keys} })`;
    }
    default: return null;
  }
}

function check(t, v) {
  // the assertion source that value `v` has type `t` (null: nothing checkable)
  if (!t) return null;
  switch (t.k) {
    case 'number': case 'string': case 'boolean': case 'bigint': case 'undefined':
      return `typeof ${v} === ${JSON.stringify(t.k)}`;
    case 'null': return `${v} === null`;
    case 'lit': return `${v} === ${JSON.stringify(t.v)}`;
    case 'array': case 'tuple': return `Array.isArray(${v})`;
    case 'date': return `${v} instanceof Date`;
    case 'object': case 'record': return `(typeof ${v} === 'object' && ${v} !== null)`;
    case 'union': { const p = t.of.map((x) => check(x, v)); return p.includes(null) ? null : `(${p.join(' || ')})`; }
    default: return null;
  }
}

const PAIRS = [['encode', 'decode'], ['escape', 'unescape'], ['serialize', 'deserialize'],
  ['stringify', 'parse'], ['format', 'parse'], ['compress', 'decompress'], ['encrypt', 'decrypt'],
  ['pack', 'unpack'], ['marshal', 'unmarshal'], ['to', 'from'], ['dump', 'load'], ['wrap', 'unwrap']];

function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

function properties(entries, sigs, binding) {
  // [{ target, title, prop }] for the entries with fully typed parameters
  const out = [];
  const fns = entries.filter((e) => !e.ctor && !e.label.startsWith('new '));
  const sigOf = (e) => sigs[e.label.split('.').pop()];
  for (const e of fns) {
    const sig = sigOf(e);
    if (!sig || !sig.params.length || sig.params.some((p) => p.rest)) continue;
    const arbs = sig.params.map((p) => {
      if (!p.t && p.opt) return 'fc.constant(undefined)';
      const a = typed(p.t) ? arbOf(p.t) : null;
      return a && p.opt ? `fc.option(${a}, { nil: undefined })` : a;
    });
    if (arbs.includes(null)) continue;
    const names = sig.params.map((_, i) => `a${i}`);
    const call = `${e.expr}(${names.join(', ')})`;
    const ret = sig.ret && sig.ret.k === 'promise' ? sig.ret.of : sig.ret;
    const isAsync = sig.async || (sig.ret && sig.ret.k === 'promise');
    const wait = isAsync ? 'await ' : '';
    const head = isAsync ? `fc.asyncProperty(${arbs.join(', ')}, async (${names.join(', ')}) =>`
      : `fc.property(${arbs.join(', ')}, (${names.join(', ')}) =>`;
    const test = check(ret, 'r');
    out.push({ target: e.label, kind: test ? 'type' : 'nothrow', async: isAsync,
      title: test ? `returns ${describe(ret)}` : 'does not throw on valid input',
      prop: `${head} { const r = ${wait}${call}; ${test ? `assert.ok(${test}, 'result ' + String(r));` : 'void r;'} })` });
    const one = sig.params.filter((p) => !p.opt).length === 1;
    if (one && ret && same(ret, sig.params[0].t) && !isAsync) {
      out.push({ target: e.label, kind: 'idempotent', title: 'is idempotent',
        prop: `fc.property(${arbOf(sig.params[0].t)}, (a0) => { const once = ${e.expr}(a0); assert.deepStrictEqual(${e.expr}(once), once); })` });
    }
    const name = e.label.split('.').pop();
    for (const [fwd, back] of PAIRS) {
      const prefix = name.toLowerCase().startsWith(fwd) ? name.slice(fwd.length) : null;
      if (prefix === null || !one || isAsync) continue;
      const partner = fns.find((f) => f !== e && f.label.split('.').pop().toLowerCase() === (back + prefix).toLowerCase());
      if (!partner) continue;
      const psig = sigOf(partner);
      if (psig && psig.params.filter((p) => !p.opt).length !== 1) continue;
      out.push({ target: e.label, kind: 'roundtrip', title: `round-trips through ${partner.label}`,
        prop: `fc.property(${arbOf(sig.params[0].t)}, (a0) => { assert.deepStrictEqual(${partner.expr}(${e.expr}(a0)), a0); })` });
    }
  }
  return out.slice(0, 40).map((p) => ({ ...p, binding }));
}

function describe(t) {
  if (t.k === 'union') return t.of.map(describe).join(' or ');
  if (t.k === 'lit') return JSON.stringify(t.v);
  return t.k === 'object' || t.k === 'record' ? 'an object' : t.k === 'array' || t.k === 'tuple' ? 'an array' : `a ${t.k}`;
}

module.exports = { tsHook, warm, tsOffsets, signatures, typed, fits, valuesOf, arbOf, properties, compiled };
