'use strict';
// DevLab's chaos runner for JavaScript services: runs INSIDE the sandbox, beside the
// project's files (the Python services' runner is chaos_runner.py; same spec, same report).
//
// It loads the service's entry module with http.Server#listen held to an ephemeral port
// on the sandbox's loopback (Express, Koa, Fastify and plain http servers all listen
// through it; an exported app that does not listen is served with http.createServer),
// sends the steady-state probes over loopback before, during and after the faults, and
// prints one JSON report after a marker line. Outbound HTTP to any other host goes to a
// stub on loopback (refused, or answered late, under the HTTP faults).
//
// Node built-ins only. The host never runs this file: it ships its text to the sandbox.

const fs = require('fs');
const http = require('http');
const https = require('https');
const path = require('path');
const { Worker } = require('worker_threads');

const MARK = '@@DEVLAB_CHAOS@@';
const HERE = __dirname;
const CALL_TIMEOUT_MS = 30000;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function emit(result) {
  fs.writeSync(1, `\n${MARK}${JSON.stringify(result)}\n`);
  process.exit(0);
}

// ------------------------------------------------------------ the stub upstream

const upstream = { delay: 0, attempts: [], port: 0, refusedPort: 0, refuse: false };
const realListen = http.Server.prototype.listen;

function startUpstream() {
  const stub = http.createServer((req, res) => {
    req.resume();
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    }, upstream.delay);
  });
  return new Promise((resolve) => realListen.call(stub, 0, '127.0.0.1', () => {
    upstream.port = stub.address().port;
    const closed = http.createServer();
    realListen.call(closed, 0, '127.0.0.1', () => {
      upstream.refusedPort = closed.address().port;
      closed.close(resolve);
    });
  }));
}

// ------------------------------------------------------------ outbound HTTP

const realHttpRequest = http.request;
const realFetch = globalThis.fetch;

function hostOf(input, options) {
  if (typeof input === 'string' || input instanceof URL) {
    try { return new URL(String(input)).hostname.replace(/^\[|\]$/g, ''); } catch (e) { return ''; }
  }
  const opts = input && typeof input === 'object' ? input : options || {};
  return String(opts.hostname || opts.host || 'localhost').split(':')[0];
}

function redirected(input, options) {
  // (options for http.request towards the stub) from any (url | options, options) form
  let base = {};
  if (typeof input === 'string' || input instanceof URL) {
    const url = new URL(String(input));
    base = { method: 'GET', path: url.pathname + url.search };
  } else if (input && typeof input === 'object') {
    base = { ...input };
  }
  const extra = options && typeof options === 'object' ? options : {};
  upstream.attempts.push(Date.now());
  return {
    method: extra.method || base.method || 'GET',
    path: extra.path || base.path || '/',
    headers: { ...(base.headers || {}), ...(extra.headers || {}) },
    hostname: '127.0.0.1',
    port: upstream.refuse ? upstream.refusedPort : upstream.port,
    protocol: 'http:',
    timeout: extra.timeout || base.timeout,
  };
}

function patchedRequest(input, options, callback) {
  if (typeof options === 'function') { callback = options; options = undefined; }
  if (LOOPBACK.has(hostOf(input, options))) {
    return realHttpRequest(input, options, callback);
  }
  return realHttpRequest(redirected(input, options), callback);
}

function patchNetwork() {
  http.request = patchedRequest;
  https.request = patchedRequest;
  const get = (input, options, callback) => {
    const req = patchedRequest(input, options, callback);
    req.end();
    return req;
  };
  http.get = get;
  https.get = get;
  if (typeof realFetch === 'function') {
    globalThis.fetch = (resource, init) => {
      const url = new URL(typeof resource === 'string' || resource instanceof URL
        ? String(resource) : resource.url);
      if (LOOPBACK.has(url.hostname.replace(/^\[|\]$/g, ''))) return realFetch(resource, init);
      upstream.attempts.push(Date.now());
      const port = upstream.refuse ? upstream.refusedPort : upstream.port;
      return realFetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, init);
    };
  }
}

// ------------------------------------------------------------ faults

const hits = {};
const undo = [];

function hit(key, probability) {
  if (Math.random() >= probability) return false;
  hits[key] = (hits[key] || 0) + 1;
  return true;
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function moduleFile(dotted) {
  const rel = dotted.split('.').join('/');
  for (const candidate of [`${rel}.js`, `${rel}.cjs`, `${rel}/index.js`, rel]) {
    const full = path.join(HERE, candidate);
    if (fs.existsSync(full) && fs.statSync(full).isFile()) return full;
  }
  throw new Error(`no module ${dotted} (looked for ${rel}.js, ${rel}/index.js)`);
}

function wrapFunction(fault, before) {
  const [modName, name] = fault.target.split(':').length === 2
    ? fault.target.split(':')
    : [fault.target.slice(0, fault.target.lastIndexOf('.')),
      fault.target.slice(fault.target.lastIndexOf('.') + 1)];
  const owner = require(moduleFile(modName));
  const original = owner[name];
  if (typeof original !== 'function') throw new Error(`${fault.target} is not a function`);
  const key = `${fault.type}:${fault.target}`;
  const asyncFn = original.constructor && original.constructor.name === 'AsyncFunction';
  owner[name] = asyncFn
    ? async function (...args) {
      if (hit(key, fault.probability)) await before(true);
      return original.apply(this, args);
    }
    : function (...args) {
      if (hit(key, fault.probability)) before(false);
      return original.apply(this, args);
    };
  undo.push(() => { owner[name] = original; });
}

function errorOf(fault) {
  const Known = { TypeError, RangeError, SyntaxError, ReferenceError }[fault.exception];
  const error = Known ? new Known(fault.message) : new Error(fault.message);
  if (!Known) error.name = fault.exception;
  return error;
}

const realDate = Date;
const installers = {
  exception(fault) { wrapFunction(fault, () => { throw errorOf(fault); }); },
  latency(fault) {
    wrapFunction(fault, (asyncCall) => (asyncCall
      ? new Promise((done) => setTimeout(done, fault.latency_ms))
      : sleepSync(fault.latency_ms)));
  },
  http_failure() { upstream.refuse = true; undo.push(() => { upstream.refuse = false; }); },
  http_latency(fault) {
    upstream.delay = fault.latency_ms;
    undo.push(() => { upstream.delay = 0; });
  },
  clock_skew(fault) {
    const skew = fault.skew_seconds * 1000;
    class SkewedDate extends realDate {
      constructor(...args) { if (args.length === 0) super(realDate.now() + skew); else super(...args); }
      static now() { return realDate.now() + skew; }
    }
    globalThis.Date = SkewedDate;
    hits.clock_skew = 1;
    undo.push(() => { globalThis.Date = realDate; });
  },
  disk_full(fault) {
    // Below fs's functions, in the internal binding every open and file write goes
    // through: references to fs.writeFileSync taken at load time (graceful-fs, lowdb)
    // see the fault too. Only opens for writing fail; reads go on.
    const binding = process.binding('fs');
    const c = fs.constants;
    const WRITE = c.O_WRONLY | c.O_RDWR | c.O_CREAT | c.O_APPEND;
    const nospc = () => Object.assign(new Error('ENOSPC: no space left on device (devlab chaos)'),
      { code: 'ENOSPC', errno: -28, syscall: 'open' });
    const wrap = (name, flagAt) => {
      const real = binding[name];
      if (typeof real !== 'function') return;
      binding[name] = function (...args) {
        const flags = args[flagAt];
        if (typeof flags === 'number' && (flags & WRITE) && hit('disk_full', fault.probability)) {
          const req = args[args.length - 1];
          if (req && typeof req === 'object' && typeof req.oncomplete === 'function') {
            process.nextTick(() => req.oncomplete(nospc()));  // a callback-style call
            return undefined;
          }
          throw nospc();
        }
        return real.apply(this, args);
      };
      undo.push(() => { binding[name] = real; });
    };
    wrap('open', 1);
    wrap('openFileHandle', 1);
    wrap('writeFileUtf8', 2);
  },
  cpu_pressure(fault) {
    const workers = [];
    for (let i = 0; i < fault.workers; i++) {
      workers.push(new Worker('for (;;) {}', { eval: true }));
    }
    undo.push(() => workers.forEach((w) => w.terminate()));
  },
  memory_pressure(fault) {
    let held = [];
    for (let i = 0; i < fault.megabytes; i++) held.push(Buffer.alloc(1 << 20, 1));
    undo.push(() => { held = []; });
  },
};

function install(fault) {
  const installer = installers[fault.type];
  if (!installer) throw new Error(`the ${fault.type} fault is not available for JavaScript services yet`);
  installer(fault);
}

async function rollback() {
  while (undo.length) await undo.pop()();
}

// ------------------------------------------------------------ the service

let server = null;
http.Server.prototype.listen = function listen(...args) {
  if (server === null) server = this;
  const callback = args.find((a) => typeof a === 'function');
  return realListen.call(this, 0, '127.0.0.1', callback);
};

async function loadService(entry) {
  const exported = require(path.join(HERE, entry));
  if (server === null) {
    const app = exported && (exported.default || exported);
    if (app && typeof app.callback === 'function') server = http.createServer(app.callback());
    else if (typeof app === 'function') server = http.createServer(app);
    else if (app && app.server instanceof http.Server) server = app.server;
    else throw new Error(`${entry} neither listened nor exported an app (a function, or an object with callback())`);
    server.listen();
  }
  if (!server.listening) {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${entry} did not start listening within 10 s`)), 10000);
      server.once('listening', () => { clearTimeout(timer); resolve(); });
    });
  }
  return server.address().port;
}

// An exception nobody catches would end a real node process; here it is recorded, the
// call in flight fails at once with it (no 30 s wait), and the service keeps running.
let firstError = null;
let abortCall = null;
function uncaught(err) {
  firstError = firstError || err;
  if (abortCall) abortCall(err);
}
process.on('uncaughtException', uncaught);
process.on('unhandledRejection', uncaught);

function frames(err) {
  const stack = String((err && err.stack) || '').split('\n').slice(1, 21).map((s) => s.trim());
  for (const line of stack) {
    const m = /\(?([^()\s]+):(\d+):\d+\)?$/.exec(line);
    if (m && m[1].startsWith(HERE) && !m[1].includes('node_modules') && !m[1].includes('_devlab_chaos')) {
      return { stack, path: path.relative(HERE, m[1]), line: Number(m[2]) };
    }
  }
  return { stack, path: null, line: null };
}

function call(port, probe) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const ms = () => Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;
    const body = probe.body === null || probe.body === undefined ? null
      : Buffer.from(typeof probe.body === 'string' ? probe.body : JSON.stringify(probe.body));
    const headers = { ...(probe.headers || {}) };
    if (body) {
      headers['content-length'] = body.length;
      if (typeof probe.body !== 'string') headers['content-type'] = headers['content-type'] || 'application/json';
    }
    firstError = null;
    abortCall = (err) => {
      req.destroy();
      resolve({ status: null, ms: ms(), error: `uncaught ${err.name || 'Error'}: ${err.message}` });
    };
    const req = realHttpRequest({ hostname: '127.0.0.1', port, method: probe.method, path: probe.path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: ms(), error: '' }));
    });
    req.setTimeout(CALL_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${CALL_TIMEOUT_MS / 1000} s`)));
    req.on('error', (err) => resolve({ status: null, ms: ms(), error: String(err.message || err) }));
    if (body) req.write(body);
    req.end();
  }).then((outcome) => {
    abortCall = null;
    if (firstError && (outcome.status === null || outcome.status >= 500)) {
      outcome.error = outcome.error.startsWith('uncaught ') ? outcome.error.slice(0, 500)
        : `${firstError.name || 'Error'}: ${firstError.message}`.slice(0, 500);
      Object.assign(outcome, frames(firstError));
    }
    return outcome;
  });
}

function ok(probe, outcome) {
  if (outcome.status === null || outcome.ms > probe.max_latency_ms) return false;
  const expected = probe.expect_status || [];
  return expected.length ? expected.includes(outcome.status) : outcome.status < 500 || outcome.status === 503;
}

function percentile(values, share) {
  if (!values.length) return 0;
  const ordered = [...values].sort((a, b) => a - b);
  return ordered[Math.min(ordered.length - 1, Math.floor(share * ordered.length))];
}

async function phase(name, port, steady) {
  const latencies = [];
  const statuses = {};
  let errors = 0;
  let failure = null;
  let retriesWithoutBackoff = 0;
  for (let i = 0; i < steady.requests; i++) {
    const probe = steady.probes[i % steady.probes.length];
    const mark = upstream.attempts.length;
    const outcome = await call(port, probe);
    const attempts = upstream.attempts.slice(mark);
    const gaps = attempts.slice(1).map((t, j) => t - attempts[j]);
    if (attempts.length >= 3 && Math.max(...gaps) < 50) retriesWithoutBackoff += 1;
    latencies.push(outcome.ms);
    const crashed = outcome.status === null && outcome.error.startsWith('uncaught ');
    const key = outcome.status === null ? (crashed ? 'crash' : 'timeout') : String(outcome.status);
    statuses[key] = (statuses[key] || 0) + 1;
    if (!ok(probe, outcome)) {
      errors += 1;
      if (failure === null) {
        failure = {
          phase: name, probe: probe.name || probe.path, status: outcome.status,
          error: outcome.error || `HTTP ${outcome.status} in ${outcome.ms} ms`,
          path: outcome.path || null, line: outcome.line || null, stack: outcome.stack || [],
        };
      }
    }
  }
  const total = steady.requests;
  return {
    requests: total, errors, error_rate: Math.round((errors / total) * 1e4) / 1e4,
    p50_ms: percentile(latencies, 0.5), p95_ms: percentile(latencies, 0.95),
    p99_ms: percentile(latencies, 0.99), statuses,
    held: (total - errors) / total >= steady.tolerance,
    failure, retries_without_backoff: retriesWithoutBackoff,
  };
}

async function main() {
  const spec = JSON.parse(fs.readFileSync(path.join(HERE, '_devlab_chaos.json'), 'utf8'));
  const report = { phases: {}, hits: {}, error: '', outbound: {} };
  await startUpstream();
  patchNetwork();
  process.chdir(HERE);
  let port;
  try {
    port = await loadService(spec.app);
  } catch (err) {
    report.error = `the app ${spec.app} did not load: ${err.name}: ${err.message}`;
    report.failure = frames(err);
    return report;
  }
  const steady = spec.steady_state;
  report.phases.before = await phase('before', port, steady);
  try {
    for (const fault of spec.method) install(fault);
  } catch (err) {
    await rollback();
    report.error = `a fault could not be installed: ${err.name}: ${err.message}`;
    return report;
  }
  try {
    report.phases.during = await phase('during', port, steady);
  } finally {
    await rollback();
  }
  report.phases.after = await phase('after', port, steady);
  report.hits = hits;
  report.outbound = { attempts: upstream.attempts.length };
  return report;
}

main().then(emit, (err) => emit({ error: `${err.name}: ${err.message}`, phases: {} }));
