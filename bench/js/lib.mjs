// Shared pieces of the browser benchmarks: the bench server (bench/cmd/benchsrv),
// mosquitto, headless Chromium running the page-side runner, REST helpers and
// statistics. Loopback only; every wait is bounded.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM = process.env.QISCUS_CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const APP_ID = 'dev';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const log = (...a) => process.stderr.write(a.join(' ') + '\n');

const children = new Set();
const tempDirs = new Set();
function cleanup() {
  for (const c of children) {
    try {
      if (c.spawnargs && c.spawnargs[0] === CHROMIUM) process.kill(-c.pid, 'SIGKILL');
      else c.kill('SIGKILL');
    } catch {}
  }
  for (const d of tempDirs) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {}
  }
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    cleanup();
    process.exit(130);
  });
}

export function tempDir(prefix) {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(d);
  return d;
}

async function stopChild(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
  children.delete(child);
}

/** A free TCP port on 127.0.0.1 (closed again before returning). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 1000 && Date.now() < deadline; i++) {
    const ok = await new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
}

/**
 * Debian mosquitto with a WebSocket listener on 127.0.0.1 only, anonymous,
 * QoS 0 queues raised so a fast burst is not dropped by the broker.
 */
export async function startMosquitto() {
  const bin = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p));
  if (!bin) throw new Error('mosquitto not installed (apt-get install mosquitto)');
  const dir = tempDir('bench-mosquitto-');
  const port = await freePort();
  const tcpPort = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      'per_listener_settings false',
      'allow_anonymous true',
      'persistence false',
      'max_queued_messages 100000',
      'max_inflight_messages 0',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      // mosquitto 2.0.11 refuses to start with only a websockets listener
      // ("Unable to start any listening sockets"), so a loopback TCP one comes first.
      `listener ${tcpPort} 127.0.0.1`,
      `listener ${port} 127.0.0.1`,
      'protocol websockets',
      'socket_domain ipv4',
      '',
    ].join('\n'),
  );
  const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  const lines = [];
  readline.createInterface({ input: child.stderr }).on('line', (l) => {
    if (lines.length < 200) lines.push(l);
  });
  try {
    await waitPort(port, 10000);
  } catch (e) {
    await stopChild(child);
    throw new Error(`${e.message}\n${lines.join('\n')}`);
  }
  let version = '';
  try {
    version = execFileSync(bin, ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0];
  } catch (e) {
    version = String(e.stdout || '').split('\n')[0];
  }
  return { url: `ws://127.0.0.1:${port}/mqtt`, port, version: version.trim(), lines, stop: () => stopChild(child) };
}

/** The bench server: devserver package + /__bench/ endpoints, fresh database. */
export async function startBenchServer({ mosquittoURL = '' } = {}) {
  const bin = process.env.BENCHSRV_BIN || path.join(REPO, 'bench', 'out', 'bin', 'benchsrv');
  if (!existsSync(bin)) throw new Error(`${bin} missing (make bench builds it)`);
  const dir = tempDir('bench-server-');
  const args = [
    '-addr', '127.0.0.1:0',
    '-db', path.join(dir, 'qiscus.db'),
    '-sdk-dir', path.join(REPO, 'js', 'dist'),
    '-official-dir', path.join(REPO, 'js', 'test', 'node_modules', 'qiscus-sdk-core', 'dist'),
    '-page-dir', path.join(REPO, 'bench', 'js', 'page'),
  ];
  if (mosquittoURL) args.push('-mosquitto', mosquittoURL);
  const child = spawn(bin, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const errs = [];
  readline.createInterface({ input: child.stderr }).on('line', (l) => {
    if (errs.length < 500) errs.push(l);
    if (process.env.BENCH_VERBOSE) log('[benchsrv]', l);
  });
  const url = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('benchsrv: no listening line in 30 s\n' + errs.join('\n'))), 30000);
    readline.createInterface({ input: child.stdout }).on('line', (l) => {
      const m = /^QISCUS_DEVSERVER_LISTENING (http:\/\/127\.0\.0\.1:\d+)/.exec(l);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`benchsrv exited ${code}\n${errs.join('\n')}`));
    });
  });
  return {
    url,
    mqttURL: url.replace('http://', 'ws://') + '/mqtt',
    errs,
    stop: () => stopChild(child),
  };
}

// ---------------------------------------------------------------------------
// REST (Node side, loopback)

async function api(server, method, name, { token, userId, form, query } = {}) {
  let url = `${server.url}/api/v2/sdk/${name}`;
  if (query) url += '?' + new URLSearchParams(query);
  const headers = { 'QISCUS-SDK-APP-ID': APP_ID };
  if (token) {
    headers['QISCUS-SDK-TOKEN'] = token;
    headers['QISCUS-SDK-USER-ID'] = userId;
  }
  let body;
  if (form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(15000) });
  const j = await res.json().catch(() => ({}));
  if (!res.ok || j.status !== 200) throw new Error(`${method} ${name}: HTTP ${res.status} ${JSON.stringify(j).slice(0, 300)}`);
  return j.results;
}

/** login_or_register; returns {userId, username, token, pk}. */
export async function restLogin(server, userId, username = userId) {
  const r = await api(server, 'POST', 'login_or_register', {
    form: { email: userId, password: `${userId}-key`, username },
  });
  return { userId, username, token: r.user.token, pk: r.user.id };
}

/** get_or_create_room_with_target as `me`; returns the room id. */
export async function restRoom(server, me, targetId) {
  const r = await api(server, 'POST', 'get_or_create_room_with_target', {
    token: me.token,
    userId: me.userId,
    form: { 'emails[]': targetId },
  });
  return r.room.id;
}

// ---------------------------------------------------------------------------
// browser: Debian's Chromium started directly, one process and one fresh
// profile per job, on the page-side runner (bench/js/page). No DevTools
// client is attached, so nothing instruments the network or the page.

// Extra flags (the same for every job and both clients): performance.memory
// with full precision, gc() for the memory snapshot, and the sender's
// window.open of the latency receiver.
export const EXTRA_ARGS = ['--enable-precise-memory-info', '--js-flags=--expose-gc', '--disable-popup-blocking'];

export async function kvPut(server, key, value) {
  const res = await fetch(`${server.url}/__bench/kv/${encodeURIComponent(key)}`, {
    method: 'PUT', body: JSON.stringify(value), signal: AbortSignal.timeout(15000),
  });
  if (!res.ok) throw new Error(`kv put ${key}: HTTP ${res.status}`);
}

async function kvWait(server, key, deadline) {
  for (let i = 0; i < 10000 && Date.now() < deadline; i++) {
    const wait = Math.min(30000, Math.max(0, deadline - Date.now()));
    const res = await fetch(`${server.url}/__bench/kv/${encodeURIComponent(key)}?wait=${wait}`, { signal: AbortSignal.timeout(wait + 15000) });
    if (res.ok) return res.json();
    if (res.status !== 404) throw new Error(`kv get ${key}: HTTP ${res.status}`);
  }
  return null;
}

let jobSeq = 0;

/**
 * Run page-side jobs in one fresh Chromium: `job` on runner.html at
 * server.url, plus any `peers` ({id, job}) that the first page opens itself.
 * Resolves to [result, ...peerResults]; every result has ok and error.
 */
export async function runJob(server, job, { timeoutMs = 120000, peers = [], cdpPort = 0, onStart = null } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install chromium)`);
  const id = `${process.pid}-${Date.now().toString(36)}-${++jobSeq}`;
  await kvPut(server, `job-${id}`, job);
  for (const p of peers) await kvPut(server, `job-${p.id}`, p.job);
  const profile = tempDir('bench-chromium-');
  const url = `${server.url}/__bench/page/runner.html?job=${encodeURIComponent(id)}`;
  // cdpPort (bench/js/profile.mjs only): a DevTools endpoint for the profiler.
  const cdp = cdpPort ? [`--remote-debugging-port=${cdpPort}`, '--remote-debugging-address=127.0.0.1'] : [];
  const child = spawn(CHROMIUM, [...CHROMIUM_ARGS, ...EXTRA_ARGS, ...cdp, `--user-data-dir=${profile}`, url], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true, // its own process group, so its helpers go with it
  });
  children.add(child);
  const errLines = [];
  readline.createInterface({ input: child.stderr }).on('line', (l) => {
    if (errLines.length < 200 && !/unexpected operator/.test(l)) errLines.push(l);
  });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const started = onStart ? onStart() : null;
    const deadline = Date.now() + timeoutMs;
    const results = [];
    for (const key of [id, ...peers.map((p) => p.id)]) {
      const r = await Promise.race([kvWait(server, `result-${key}`, deadline), exited.then(() => 'exited')]);
      if (r === 'exited') throw new Error(`chromium exited early:\n${errLines.slice(-20).join('\n')}`);
      if (!r) throw new Error(`no result for job ${key} (${job.kind}) within ${timeoutMs} ms`);
      results.push(r);
    }
    if (started) results.push(await (await started)()); // onStart resolves to a finish()
    return results;
  } finally {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
    const t = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, 5000);
    await exited;
    clearTimeout(t);
    children.delete(child);
    try {
      rmSync(profile, { recursive: true, force: true });
      tempDirs.delete(profile);
    } catch {}
  }
}

// ---------------------------------------------------------------------------
// statistics

// One line of a cold start's split: each step in ms from the script's
// insertion, then the WebSockets (created, open, frames out / in).
export function splitLine(sp) {
  const ms = (v) => (typeof v === 'number' ? v.toFixed(0) : '-');
  const steps = Object.entries(sp).filter(([k, v]) => k !== 'ws' && v !== null).map(([k, v]) => `${k} ${ms(v)}`);
  const ws = (sp.ws || []).map((w) => `ws created ${ms(w.created)} open ${ms(w.open)} out ${w.out.map(ms).join('/')} in ${w.in.map(ms).join('/')}`);
  return [...steps, ...ws].join(', ');
}

export function summary(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return { n: 0, median: null, min: null, max: null };
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { n: v.length, median, min: v[0], max: v[v.length - 1] };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export function chromiumVersion() {
  try {
    return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', timeout: 20000 }).trim();
  } catch {
    return 'unknown';
  }
}
