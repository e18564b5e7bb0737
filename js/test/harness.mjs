// Test harness shared by the browser end-to-end tests (js/test/*.test.mjs) and
// by the `go test -exec` runner (js/test/gowasm-exec.mjs).
//
// It starts the local Qiscus-compatible dev server (example/devserver), drives
// Debian's headless Chromium through playwright-core, loads either OUR UMD build
// (served by the dev server at /sdk/qiscus-sdk-core.js) or the OFFICIAL
// qiscus-sdk-core 2.16.9 bundle from node_modules, and records every SDK
// callback invocation into `window.__events` so tests can wait on them.
//
// Everything here is bounded: every wait has a timeout, every loop a count.
// The only network targets are 127.0.0.1 addresses.

import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM_PATH = process.env.QISCUS_CHROMIUM_PATH || '/usr/bin/chromium';
// The machine's network is closed: without the background-networking flags
// Chromium keeps trying (and failing) to reach Google's hosts.
export const CHROMIUM_ARGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);
export const APP_ID = 'dev';
// A fresh app secret per test process: the dev server has no fixed default,
// and tests that sign identity tokens or call the server API use this one.
export const APP_SECRET = `test-secret-${randomBytes(16).toString('hex')}`;
export const OFFICIAL_SDK_PATH = path.join(
  path.dirname(require.resolve('qiscus-sdk-core/package.json')),
  'dist',
  'qiscus-sdk-core.min.js',
);

const LISTENING_RE = /^QISCUS_DEVSERVER_LISTENING (http:\/\/127\.0\.0\.1:(\d+))\s*$/;
const VERBOSE = !!process.env.QISCUS_TEST_VERBOSE;

// ---------------------------------------------------------------------------
// small utilities

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Log a line to stderr (node:test shows a test file's stderr). */
export function log(...parts) {
  process.stderr.write(parts.map((p) => (typeof p === 'string' ? p : safeStringify(p))).join(' ') + '\n');
}

function safeStringify(v) {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/**
 * Poll `fn` until it returns a truthy value; bounded by `timeout` ms and
 * `maxTries` attempts. Throws an Error built by `describe()` on timeout.
 */
export async function waitUntil(fn, { timeout = 15000, interval = 100, message = 'condition', describe } = {}) {
  const deadline = Date.now() + timeout;
  const maxTries = Math.ceil(timeout / interval) + 2;
  let lastErr;
  for (let i = 0; i < maxTries; i++) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
  }
  let extra = '';
  if (describe) {
    try {
      extra = '\n' + (await describe());
    } catch (err) {
      extra = `\n(describe failed: ${err && err.message})`;
    }
  }
  const e = new Error(`timed out after ${timeout} ms waiting for ${message}${lastErr ? ` (last error: ${lastErr.message})` : ''}${extra}`);
  throw e;
}

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 << 20, ...opts }, (err, stdout, stderr) => {
      if (err) {
        err.message += `\n${stdout}\n${stderr}`;
        reject(err);
      } else resolve({ stdout, stderr });
    });
  });
}

// Children and temp dirs to clean up even when a test crashes.
const liveChildren = new Set();
const tempDirs = new Set();
let cleanupInstalled = false;
function installCleanup() {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) {
      try {
        child.kill('SIGKILL');
      } catch {}
    }
  });
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      for (const child of liveChildren) {
        try {
          child.kill('SIGKILL');
        } catch {}
      }
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

export async function makeTempDir(prefix) {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

async function removeTempDir(dir) {
  tempDirs.delete(dir);
  await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
}

// ---------------------------------------------------------------------------
// dev server

let builtBinary; // Promise<string>, one `go build` per process

/**
 * Path of the dev server binary: $QISCUS_DEVSERVER_BIN (the Makefile builds
 * bin/devserver), else `go -C example build ./devserver` (example is its own
 * Go module) once into a temp dir.
 */
export function devserverBinary() {
  const fromEnv = process.env.QISCUS_DEVSERVER_BIN;
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      return Promise.reject(new Error(`QISCUS_DEVSERVER_BIN=${fromEnv} does not exist (run \`make build\`)`));
    }
    return Promise.resolve(fromEnv);
  }
  if (!builtBinary) {
    builtBinary = (async () => {
      if (!existsSync(path.join(REPO_ROOT, 'example', 'devserver'))) {
        throw new Error(`example/devserver does not exist in ${REPO_ROOT}; cannot build the dev server`);
      }
      const dir = await makeTempDir('qiscus-devserver-bin-');
      const out = path.join(dir, 'devserver');
      const t0 = Date.now();
      await run('go', ['-C', 'example', 'build', '-o', out, './devserver'], { cwd: REPO_ROOT, timeout: 10 * 60 * 1000 });
      log(`[harness] built dev server in ${Date.now() - t0} ms: ${out}`);
      process.on('exit', () => {
        // best effort; synchronous context
        try {
          require('node:fs').rmSync(dir, { recursive: true, force: true });
        } catch {}
      });
      return out;
    })();
  }
  return builtBinary;
}

export class DevServer {
  constructor(bin, { dir, db, extraArgs = [], label = 'devserver' }) {
    this.bin = bin;
    this.dir = dir;
    this.db = db;
    this.extraArgs = extraArgs;
    this.label = label;
    this.child = null;
    this.url = null;
    this.mqttURL = null;
    this.port = 0;
    this.lines = []; // ring buffer of output lines
    this.maxLines = 2000;
    this.starts = 0;
  }

  _push(stream, line) {
    this.lines.push(`[${this.label} ${stream}] ${line}`);
    if (this.lines.length > this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines);
    if (VERBOSE) log(`[${this.label} ${stream}] ${line}`);
  }

  /** Last `n` lines the server printed (stdout and stderr). */
  logTail(n = 80) {
    return this.lines.slice(-n).join('\n');
  }

  /** Start the process on `addr` and wait (bounded) for its LISTENING line. */
  async _start(addr, { timeout = 30000 } = {}) {
    installCleanup();
    const args = [
      '-addr', addr,
      '-db', this.db,
      '-app-id', APP_ID,
      '-secret', APP_SECRET,
      // The browser tests log in through the dev-only identity-token endpoint.
      '-dev-identity-endpoint',
      '-sdk-dir', path.join(REPO_ROOT, 'js', 'dist'),
      '-web-dir', path.join(REPO_ROOT, 'example', 'web'),
      ...this.extraArgs,
    ];
    this.starts++;
    this._push('harness', `start #${this.starts}: ${this.bin} ${args.join(' ')}`);
    const child = spawn(this.bin, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    liveChildren.add(child);
    child.exitInfo = null;
    const exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        liveChildren.delete(child);
        child.exitInfo = { code, signal };
        this._push('harness', `exited code=${code} signal=${signal}`);
        resolve(child.exitInfo);
      });
    });
    child.exited = exited;
    readline.createInterface({ input: child.stderr }).on('line', (l) => this._push('stderr', l));
    const rl = readline.createInterface({ input: child.stdout });
    const listening = new Promise((resolve) => {
      rl.on('line', (l) => {
        this._push('stdout', l);
        const m = LISTENING_RE.exec(l);
        if (m) resolve({ url: m[1], port: Number(m[2]) });
      });
    });
    child.once('error', (err) => this._push('harness', `spawn error: ${err.message}`));
    let timer;
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeout);
    });
    const res = await Promise.race([listening, exited.then((info) => ({ exited: info })), timedOut]);
    clearTimeout(timer);
    if (res === 'timeout' || res.exited) {
      if (res === 'timeout') await this._kill();
      const why = res === 'timeout' ? `no LISTENING line within ${timeout} ms` : `exited early (${safeStringify(res.exited)})`;
      throw new Error(`dev server ${why}\n--- dev server output ---\n${this.logTail(100)}`);
    }
    this.url = res.url;
    this.port = res.port;
    this.mqttURL = `ws://127.0.0.1:${res.port}/mqtt`;
    return this;
  }

  async _kill({ graceMs = 5000 } = {}) {
    const child = this.child;
    if (!child || child.exitInfo) return;
    child.kill('SIGTERM');
    let timer;
    const r = await Promise.race([
      child.exited,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (r === 'timeout') {
      child.kill('SIGKILL');
      await child.exited;
    }
  }

  /** Kill abruptly (SIGKILL), e.g. to simulate a crash. */
  async crash() {
    const child = this.child;
    if (!child || child.exitInfo) return;
    child.kill('SIGKILL');
    await child.exited;
  }

  /**
   * Stop and start again on the same database and (when possible) the same
   * port, so connected clients can reconnect to the same URL.
   */
  async restart({ samePort = true, downMs = 0 } = {}) {
    await this._kill();
    if (downMs > 0) await sleep(downMs);
    const port = this.port;
    let lastErr;
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await this._start(samePort && port ? `127.0.0.1:${port}` : '127.0.0.1:0');
        return this;
      } catch (err) {
        lastErr = err;
        await sleep(250);
      }
    }
    throw lastErr;
  }

  /** Stop for good and remove the temp dir (db included). */
  async stop() {
    await this._kill();
    if (this.dir) await removeTempDir(this.dir);
  }
}

/**
 * Start a dev server on 127.0.0.1:<free port> with a fresh database file in a
 * temp dir. Returns a DevServer: {url, mqttURL, port, db, stop(), restart(), logTail()}.
 */
export async function startDevServer({ db, extraArgs, label, timeout } = {}) {
  const bin = await devserverBinary();
  const dir = await makeTempDir('qiscus-devserver-');
  const server = new DevServer(bin, { dir, db: db || path.join(dir, 'qiscus.db'), extraArgs, label });
  try {
    await server._start('127.0.0.1:0', { timeout });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

// ---------------------------------------------------------------------------
// browser

/**
 * Launch Debian's Chromium with a fresh, empty profile (one per call), the
 * flags this machine needs, headless. Returns a playwright BrowserContext with
 * an extra `closeAll()` that also removes the profile dir.
 */
export async function launchBrowser({ label = 'browser' } = {}) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: install Debian's chromium (make deps)`);
  }
  const profile = await makeTempDir('qiscus-chromium-profile-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    timeout: 60000,
    viewport: { width: 800, height: 600 },
  });
  context.profileDir = profile;
  context.label = label;
  context.closeAll = async () => {
    await context.close().catch(() => {});
    await removeTempDir(profile);
  };
  return context;
}

const BLANK_PATH = '/__qiscus_test__/blank';

/**
 * Navigate to a page that the dev server really serves (its 404 page), so the
 * document has the dev server's origin AND a loopback address. Do not replace
 * this with a page fulfilled by request interception (page.route): such a
 * document has no IP address, Chromium's Local Network Access checks then treat
 * it as public and block its WebSocket to ws://127.0.0.1
 * (net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS), while same-origin fetch
 * still works — realtime would silently fall back to polling.
 */
export async function gotoBlank(page, server) {
  const res = await page.goto(server.url + BLANK_PATH, { waitUntil: 'load', timeout: 30000 });
  if (!res) throw new Error(`no response for ${server.url + BLANK_PATH}`);
  const scripts = await page.evaluate(() => document.scripts.length);
  if (scripts !== 0) {
    throw new Error(`${server.url + BLANK_PATH} (HTTP ${res.status()}) is a page with ${scripts} script(s); the harness needs an inert page`);
  }
}

/** Forward a page's console and errors to the test log, prefixed by `label`. */
export function forwardPageLogs(page, label, sink = []) {
  const cap = 5000;
  const push = (line) => {
    if (sink.length < cap) sink.push(line);
    log(line);
  };
  page.on('console', (msg) => {
    // The harness's blank page is the dev server's 404 page; Chromium logs that.
    const where = (msg.location() && msg.location().url) || '';
    if (msg.type() === 'error' && /status of 404/.test(msg.text()) && (where.includes(BLANK_PATH) || where.endsWith('/favicon.ico'))) return;
    push(`[${label} console.${msg.type()}] ${msg.text()}`);
  });
  page.on('pageerror', (err) => push(`[${label} pageerror] ${err && err.stack ? err.stack : err}`));
  page.on('crash', () => push(`[${label}] PAGE CRASHED`));
  page.on('response', (res) => {
    const u = res.url();
    if (res.status() >= 400 && !u.includes(BLANK_PATH) && !u.endsWith('/favicon.ico')) {
      push(`[${label} http ${res.status()}] ${res.request().method()} ${u}`);
    }
  });
  page.on('requestfailed', (req) => {
    const f = req.failure();
    push(`[${label} requestfailed] ${req.method()} ${req.url()} ${f ? f.errorText : ''}`);
  });
  return sink;
}

/** In-page: a recorder that collects callback invocations into window.__events. */
function installRecorderInPage() {
  if (window.__record) return;
  const MAX = 10000;
  window.__events = [];
  const clone = (v) => {
    const seen = new WeakSet();
    try {
      return JSON.parse(
        JSON.stringify(v, (k, x) => {
          if (typeof x === 'bigint') return x.toString();
          if (x && typeof x === 'object') {
            if (seen.has(x)) return '[circular]';
            seen.add(x);
          }
          return x;
        }),
      );
    } catch (err) {
      return `[unclonable: ${err && err.message}]`;
    }
  };
  window.__clone = clone;
  window.__record = (name) =>
    function recorded(...args) {
      if (window.__events.length < MAX) {
        window.__events.push({ name, t: Date.now(), args: args.map(clone) });
      }
    };
  window.__callbackNames = [
    'loginSuccess', 'loginError', 'newMessages', 'typing', 'onRoomTyping', 'presence',
    'chatRoomCreated', 'groupRoomCreated', 'roomChanged', 'roomCleared', 'commentSent',
    'commentDelivered', 'commentRead', 'commentDeleted', 'commentRetryExceed', 'messageUpdated',
    'authTokenRefreshed', 'onReconnect', 'blockUser', 'unblockUser', 'updateProfile',
  ];
  window.__makeOptions = () => {
    const o = {};
    for (const n of window.__callbackNames) o[n + 'Callback'] = window.__record(n);
    return o;
  };
  // A rejection or throw as plain data (message, status, name …).
  window.__failure = (err) => ({
    ok: false,
    isError: err instanceof Error,
    name: err && err.name,
    message: err && err.message !== undefined ? String(err.message) : String(err),
    status: err && err.status,
    unique_temp_id: err && err.unique_temp_id,
  });
  // Run an SDK call and capture a rejection with __failure.
  window.__try = async (fn) => {
    try {
      const value = await fn();
      return { ok: true, value: clone(value) };
    } catch (err) {
      return window.__failure(err);
    }
  };
}

/**
 * A browser page (in its own Chromium with its own profile) on the dev
 * server's origin with one SDK loaded: `client` is 'ours' or 'official'.
 */
export class ClientPage {
  constructor({ server, client, label, context, page }) {
    this.server = server;
    this.client = client;
    this.label = label;
    this.context = context;
    this.page = page;
    this.logs = [];
  }

  async _prepare() {
    await gotoBlank(this.page, this.server);
    await loadSDK(this.page, this.client);
    await this.page.evaluate(installRecorderInPage);
  }

  /** `new QiscusSDKCore()` + `init()` with every callback recorded (initWithExtras, below, with none). */
  async init(extra = {}) {
    return this.initWithExtras(extra);
  }

  /** `setUser()`; resolves to the cloned login result. */
  async login(userId, { key = `${userId}-key`, username = userId, avatarURL, extras } = {}) {
    const r = await this.page.evaluate(
      ([userId, key, username, avatarURL, extras]) =>
        window.__try(() => window.q.setUser(userId, key, username, avatarURL, extras)),
      [userId, key, username, avatarURL, extras],
    );
    if (!r.ok) throw new Error(`[${this.label}] setUser(${userId}) rejected: ${r.message} (status ${r.status})`);
    return r.value;
  }

  /** init + login. */
  async start(userId, opts = {}) {
    await this.init(opts.init || {});
    return this.login(userId, opts);
  }

  /** page.evaluate shortcut; `fn` runs in the page with `window.q` available. */
  evaluate(fn, arg) {
    return this.page.evaluate(fn, arg);
  }

  /** Recorded callback invocations ({name, t, args, index}), optionally only `name`, from index `since`. */
  async events(name, since = 0) {
    const all = await this.page.evaluate((since) => (window.__events || []).slice(since).map((e, i) => ({ ...e, index: since + i })), since);
    return name ? all.filter((e) => e.name === name) : all;
  }

  /** A position in the event log: pass as `since` to only look at later events. */
  async mark() {
    return this.page.evaluate(() => (window.__events || []).length);
  }

  async clearEvents() {
    await this.page.evaluate(() => {
      window.__events.length = 0;
    });
  }

  /**
   * Wait (bounded) for a recorded callback `name` whose args satisfy `pred`
   * (a Node-side function of the args array). Returns that event.
   */
  async waitForEvent(name, pred = () => true, { timeout = 15000, message, since = 0 } = {}) {
    let seen = 0;
    return waitUntil(
      async () => {
        const evs = await this.events(name, since);
        seen = evs.length;
        return evs.find((e) => pred(e.args));
      },
      {
        timeout,
        interval: 100,
        message: `[${this.label}] ${message || `${name}Callback matching predicate`}`,
        describe: async () => {
          const evs = await this.events().catch(() => []);
          return (
            `[${this.label}] ${seen} '${name}' events seen; recorded events:\n` +
            evs.slice(-30).map((e) => `  ${e.name} ${safeStringify(e.args).slice(0, 600)}`).join('\n') +
            `\n--- dev server output (tail) ---\n${this.server.logTail(60)}`
          );
        },
      },
    );
  }

  /** Reload the page (loses all in-page state), then load the SDK and recorder again. */
  async reload() {
    await this.page.reload({ waitUntil: 'load', timeout: 30000 });
    await this.page.waitForLoadState('load');
    await loadSDK(this.page, this.client);
    await this.page.evaluate(installRecorderInPage);
  }

  async close() {
    await this.context.closeAll();
  }
}

/** Load our UMD or the official bundle into `page`. */
export async function loadSDK(page, client) {
  if (client === 'official') {
    await page.addScriptTag({ path: OFFICIAL_SDK_PATH });
  } else if (client === 'ours') {
    try {
      await page.addScriptTag({ url: '/sdk/qiscus-sdk-core.js' });
    } catch (err) {
      throw new Error(
        `could not load OUR UMD from ${page.url().replace(/\/__qiscus_test__.*$/, '')}/sdk/qiscus-sdk-core.js ` +
          `(is js/dist built? run \`make build\`): ${err.message}`,
      );
    }
  } else {
    throw new Error(`unknown client ${client}`);
  }
  const t = await page.evaluate(() => typeof window.QiscusSDKCore);
  if (t !== 'function') throw new Error(`${client} SDK loaded but globalThis.QiscusSDKCore is ${t}`);
}

/**
 * Open a page for one user in its own fresh Chromium profile, on the dev
 * server's origin, with `client` ('ours' | 'official') loaded and the
 * callback recorder installed.
 */
export async function openClientPage(server, { client = 'ours', label = client } = {}) {
  const context = await launchBrowser({ label });
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(30000);
    const cp = new ClientPage({ server, client, label, context, page });
    forwardPageLogs(page, `${label}/${client}`, cp.logs);
    await cp._prepare();
    return cp;
  } catch (err) {
    await context.closeAll();
    throw err;
  }
}

/** Unique ids for messages: distinct per call and per process. */
let uidCounter = 0;
export function uniqueId(prefix = 'e2e') {
  uidCounter++;
  return `${prefix}-${process.pid}-${Date.now()}-${uidCounter}`;
}

/** Fetch from the dev server in Node (loopback only). */
export async function fetchJSON(server, pathname, init = {}) {
  const res = await fetch(server.url + pathname, { ...init, signal: AbortSignal.timeout(15000) });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

// ---------------------------------------------------------------------------
// Additions for the api-*/reconnect/interop-group tests (append-only: nothing
// above changes behaviour).

/**
 * Call a dev server REST endpoint from Node (loopback only), as a logged-in
 * user when `auth` = {userId, token} is given. `json` sends a JSON body,
 * `form` an x-www-form-urlencoded one (arrays repeat `key[]`), `query` a query
 * string. Resolves {status, body} (body parsed when JSON).
 */
export async function apiCall(server, method, endpoint, { auth, json, form, query, headers = {} } = {}) {
  const h = { 'QISCUS-SDK-APP-ID': APP_ID, ...headers };
  if (auth) {
    h['QISCUS-SDK-USER-ID'] = auth.userId;
    h['QISCUS-SDK-TOKEN'] = auth.token;
  }
  let body;
  if (json !== undefined) {
    h['content-type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    h['content-type'] = 'application/x-www-form-urlencoded';
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) {
      if (Array.isArray(v)) v.forEach((x) => p.append(`${k}[]`, String(x)));
      else if (v !== undefined && v !== null) p.append(k, String(v));
    }
    body = p;
  }
  let pathname = `/api/v2/sdk/${endpoint}`;
  if (query) pathname += '?' + new URLSearchParams(query).toString();
  return fetchJSON(server, pathname, { method, headers: h, body });
}

/** login_or_register from Node; resolves results.user (throws on failure). */
export async function apiLogin(server, userId, { key = `${userId}-secret-key`, username = userId } = {}) {
  const r = await apiCall(server, 'POST', 'login_or_register', { form: { email: userId, password: key, username } });
  if (r.status !== 200 || !r.body || !r.body.results) {
    throw new Error(`login_or_register(${userId}) failed: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  }
  return r.body.results.user;
}

function b64url(buf) {
  return Buffer.from(buf).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * An identity token (JWT) for auth/verify_identity_token. Uses the dev
 * server's dev-only `POST /api/v2/dev/identity_token` (form nonce, user_id,
 * name) when it exists; otherwise signs it here exactly as an app backend
 * would (HS256 with the app secret; claims iss, iat, nbf, exp, nce, prn,
 * name). Resolves {token, via: 'devserver' | 'local'}.
 */
export async function mintIdentityToken(server, { nonce, userId, name = userId, ttlSeconds = 120 }) {
  const { createHmac } = await import('node:crypto');
  try {
    const res = await fetch(server.url + '/api/v2/dev/identity_token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'QISCUS-SDK-APP-ID': APP_ID },
      body: new URLSearchParams({ nonce, user_id: userId, name }),
      signal: AbortSignal.timeout(15000),
    });
    if (res.ok) {
      const text = await res.text();
      let token = text.trim();
      try {
        const b = JSON.parse(text);
        token = (b && (b.identity_token || (b.results && (b.results.identity_token || b.results.token)) || b.token)) || '';
      } catch {}
      if (typeof token === 'string' && token.split('.').length === 3) return { token, via: 'devserver' };
    }
  } catch {}
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims = b64url(JSON.stringify({ iss: APP_ID, iat: now, nbf: now, exp: now + ttlSeconds, nce: nonce, prn: userId, name }));
  const sig = b64url(createHmac('sha256', APP_SECRET).update(`${header}.${claims}`).digest());
  return { token: `${header}.${claims}.${sig}`, via: 'local' };
}

/**
 * Like ClientPage.init, but the page-side object `window.__extraOptions`
 * (set by the test beforehand with page.evaluate; functions allowed) is merged
 * over the recorded callbacks. Every callback name in `record` is also
 * recorded under that name (without "Callback").
 */
ClientPage.prototype.initWithExtras = async function initWithExtras(extra = {}, { record = [] } = {}) {
  const cfg = {
    AppId: APP_ID,
    baseURL: this.server.url,
    mqttURL: this.server.mqttURL,
    withConfig: false,
    ...extra,
  };
  return this.page.evaluate(
    async ([cfg, record]) => {
      window.q = new window.QiscusSDKCore();
      const options = window.__makeOptions();
      for (const n of record) options[n + 'Callback'] = window.__record(n);
      Object.assign(options, window.__extraOptions || {});
      await window.q.init({ ...cfg, options });
      return { isInit: window.q.isInit };
    },
    [cfg, record],
  );
};

/** Run `fn(arg)` in the page inside window.__try: {ok, value} or {ok:false, message, status, isError}. */
ClientPage.prototype.try = function tryInPage(fnSource, arg) {
  return this.page.evaluate(
    ([src, arg]) => {
      // eslint-disable-next-line no-new-func
      const fn = new Function('q', 'arg', `return (${src})(q, arg);`);
      return window.__try(() => fn(window.q, arg));
    },
    [fnSource.toString(), arg],
  );
};

/**
 * Call `window.q[method](...args)` in the page and settle it as data:
 * {ok: true, isPromise, isUndefined, value} or {ok: false, isError, name,
 * message, status, unique_temp_id}. Synchronous throws are caught too, and an
 * `undefined` result is reported as isUndefined (window.__try cannot clone it).
 */
ClientPage.prototype.call = function callInPage(method, ...args) {
  return this.page.evaluate(
    async ([method, args]) => {
      try {
        const ret = window.q[method](...args);
        const isPromise = ret instanceof Promise;
        const v = await ret;
        return { ok: true, isPromise, isUndefined: v === undefined, value: v === undefined ? null : window.__clone(v) };
      } catch (err) {
        return window.__failure(err);
      }
    },
    [method, args],
  );
};
