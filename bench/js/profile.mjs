// A CPU profile of one receive run of OUR client, for finding where the
// time goes (bench/ANALYSIS.md cites it), or with --cold of one cold start
// (script → init() → setUser(), bench/notes/cold.md cites it). Not part of
// `make bench`.
//
//   make build && go -C bench build -o out/bin/ ./cmd/benchsrv
//   node bench/js/profile.mjs [--n 4000] [--broker embedded|mosquitto] [--situation a|b] [--top 40]
//   node bench/js/profile.mjs --cold [--names] [--top 40]
//
// --cold also records a Chromium trace (V8's wasm compile events on every
// thread, in bench/out/cold-trace.json) and prints the page's split of the
// cold start; the runner holds the start until the profiler is attached.
//
// The page is the benchmark's runner.html; the profile comes from V8's
// sampling profiler over the DevTools protocol (playwright-core from
// js/test), started once the page exists and stopped when the run is done.
// Self time is summed by function (wasm functions keep their Go names when
// js/dist holds a build without -s -w: see --names). Loopback only, bounded.

import { createRequire } from 'node:module';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { REPO, log, startBenchServer, startMosquitto, runJob, restLogin, restRoom, freePort, sleep, kvPut, splitLine } from './lib.mjs';

const args = process.argv.slice(2);
const flag = (name, def) => {
  const i = args.indexOf('--' + name);
  if (i < 0) return def;
  return typeof def === 'number' ? Number(args[i + 1]) : args[i + 1];
};
const require = createRequire(path.join(REPO, 'js', 'test', 'package.json'));
const { chromium } = require('playwright-core');

const n = flag('n', 4000);
const broker = flag('broker', 'embedded');
const situation = flag('situation', 'a');
const top = flag('top', 40);
const cold = args.includes('--cold');
const out = flag('out', path.join(REPO, 'bench', 'out', cold ? 'cold.cpuprofile' : 'profile.cpuprofile'));
const traceOut = path.join(REPO, 'bench', 'out', 'cold-trace.json');
// Trace categories for --cold: V8's wasm compilation (streaming, Liftoff,
// TurboFan, on whichever thread), script evaluation and the network.
const TRACE_CATEGORIES = ['v8.wasm', 'disabled-by-default-v8.wasm.detailed', 'v8', 'v8.execute',
  'devtools.timeline', 'blink.user_timing', 'loading', 'toplevel'];

// --names: put an unstripped build (Go function names in the wasm name
// section) into js/dist first; `make wasm` puts the shipped one back.
if (args.includes('--names')) {
  execFileSync('go', ['build', '-trimpath', '-o', path.join(REPO, 'js', 'dist', 'qiscus-sdk-core.wasm'), './wasm'],
    { cwd: REPO, env: { ...process.env, GOOS: 'js', GOARCH: 'wasm' }, stdio: 'inherit' });
}

const mosq = broker === 'mosquitto' ? await startMosquitto() : null;
const server = await startBenchServer({ mosquittoURL: mosq ? mosq.url : '' });
try {
  const run = Date.now().toString(36);
  const userId = `prof-${run}`;
  let job;
  if (cold) {
    job = { kind: 'cold', client: 'ours', userId, nonce: run, gate: `gate-${run}` };
  } else {
    await restLogin(server, userId);
    const sender = await restLogin(server, `profs-${run}`, 'Bob');
    const roomId = await restRoom(server, sender, userId);
    job = {
      kind: 'tp', client: 'ours', userId, nonce: run, mqttURL: mosq ? mosq.url : server.mqttURL, broker, situation, n,
      limitMs: 60000, window: 4000, chunk: 500, firstId: 20_000_000, prefix: `p${run}x`,
      rooms: [{ roomId, roomName: sender.username, senderId: sender.userId, senderName: sender.username, senderPk: sender.pk }],
    };
  }
  const port = await freePort();
  const onStart = async () => {
    let browser;
    for (let i = 0; i < 100 && !browser; i++) {
      try {
        browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { timeout: 2000 });
      } catch {
        await sleep(100);
      }
    }
    if (!browser) throw new Error('no DevTools endpoint');
    let page;
    for (let i = 0; i < 100 && !page; i++) {
      page = browser.contexts().flatMap((c) => c.pages()).find((p) => p.url().includes('runner.html'));
      if (!page) await sleep(50);
    }
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    let tracer = null;
    const traceEvents = [];
    if (cold) {
      tracer = await browser.newBrowserCDPSession();
      tracer.on('Tracing.dataCollected', (e) => traceEvents.push(...e.value));
      await tracer.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: TRACE_CATEGORIES } });
      await kvPut(server, job.gate, { at: Date.now() });
    }
    return async () => {
      const { profile } = await cdp.send('Profiler.stop');
      if (tracer) {
        const done = new Promise((r) => tracer.once('Tracing.tracingComplete', r));
        await tracer.send('Tracing.end');
        await Promise.race([done, sleep(20000)]);
        writeFileSync(traceOut, JSON.stringify({ traceEvents }));
        profile.__trace = traceEvents;
      }
      await browser.close().catch(() => {});
      return profile;
    };
  };
  const [res, profile] = await runJob(server, job, { timeoutMs: 120000, cdpPort: port, onStart });
  if (!res.ok) throw new Error(res.error);
  if (cold) {
    log(`cold/ours (profiled, so slower than the bench): ${splitLine(res.split)}`);
    printTrace(profile.__trace || []);
    delete profile.__trace;
  } else {
    const r = res.result;
    log(`tp/${broker}/${situation}/ours: ${r.unique}/${r.n} in ${r.elapsed_ms.toFixed(0)} ms = ${r.msgs_per_s.toFixed(0)} msg/s, ${r.callbacks} callbacks`);
  }
  writeFileSync(out, JSON.stringify(profile));
  // Self time per function: samples × interval, by node id.
  const dt = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    dt.set(profile.samples[i], (dt.get(profile.samples[i]) || 0) + (profile.timeDeltas[i] || 0));
  }
  const self = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const us = dt.get(node.id) || 0;
    total += us;
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url ? path.basename(f.url.split('?')[0]) : ''}`.trim();
    self.set(key, (self.get(key) || 0) + us);
  }
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
  console.log(`self time of ${(total / 1000).toFixed(0)} ms sampled (profile in ${path.relative(REPO, out)}):`);
  for (const [k, us] of rows) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
} finally {
  await server.stop();
  if (mosq) await mosq.stop();
  // js/dist holds the shipped build again, with fresh .br/.gz copies (the
  // server ignores ones older than the wasm and would gzip on the fly).
  if (args.includes('--names')) execFileSync('make', ['--no-print-directory', 'wasm', 'compress'], { cwd: REPO, stdio: 'inherit' });
}

// The trace's wasm and script events: total duration by name and thread
// (complete events only), and the first and last time each was seen, in ms
// from the first such event.
function printTrace(events) {
  const names = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  const rows = new Map();
  let t0 = Infinity;
  for (const e of events) {
    if (e.ph !== 'X' || !/wasm|Wasm|Compile|EvaluateScript|ResourceReceivedData|ResourceFinish|ResourceSendRequest|v8\.run|FunctionCall/.test(e.name)) continue;
    t0 = Math.min(t0, e.ts);
    const key = `${e.name} @ ${names.get(`${e.pid}:${e.tid}`) || e.tid}`;
    const r = rows.get(key) || { n: 0, dur: 0, first: e.ts, last: e.ts + (e.dur || 0) };
    r.n++;
    r.dur += e.dur || 0;
    r.first = Math.min(r.first, e.ts);
    r.last = Math.max(r.last, e.ts + (e.dur || 0));
    rows.set(key, r);
  }
  console.log(`trace (${events.length} events, in ${path.relative(REPO, traceOut)}): name @ thread, count, total ms, first..last ms`);
  for (const [k, r] of [...rows].sort((a, b) => b[1].dur - a[1].dur).slice(0, top)) {
    console.log(`${(r.dur / 1000).toFixed(1).padStart(8)} ms ${String(r.n).padStart(6)}x  ${((r.first - t0) / 1000).toFixed(0)}..${((r.last - t0) / 1000).toFixed(0)}  ${k}`);
  }
}
