// A CPU profile of one receive run of OUR client, for finding where the
// time goes (bench/ANALYSIS.md cites it). Not part of `make bench`.
//
//   make build && go -C bench build -o out/bin/ ./cmd/benchsrv
//   node bench/js/profile.mjs [--n 4000] [--broker embedded|mosquitto] [--situation a|b] [--top 40]
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
import { REPO, log, startBenchServer, startMosquitto, runJob, restLogin, restRoom, freePort, sleep } from './lib.mjs';

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
const out = flag('out', path.join(REPO, 'bench', 'out', 'profile.cpuprofile'));

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
  await restLogin(server, userId);
  const sender = await restLogin(server, `profs-${run}`, 'Bob');
  const roomId = await restRoom(server, sender, userId);
  const job = {
    kind: 'tp', client: 'ours', userId, nonce: run, mqttURL: mosq ? mosq.url : server.mqttURL, broker, situation, n,
    limitMs: 60000, window: 4000, chunk: 500, firstId: 20_000_000, prefix: `p${run}x`,
    rooms: [{ roomId, roomName: sender.username, senderId: sender.userId, senderName: sender.username, senderPk: sender.pk }],
  };
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
    return async () => {
      const { profile } = await cdp.send('Profiler.stop');
      await browser.close().catch(() => {});
      return profile;
    };
  };
  const [res, profile] = await runJob(server, job, { timeoutMs: 120000, cdpPort: port, onStart });
  if (!res.ok) throw new Error(res.error);
  const r = res.result;
  log(`tp/${broker}/${situation}/ours: ${r.unique}/${r.n} in ${r.elapsed_ms.toFixed(0)} ms = ${r.msgs_per_s.toFixed(0)} msg/s, ${r.callbacks} callbacks`);
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
  // js/dist holds the shipped build again.
  if (args.includes('--names')) execFileSync('make', ['--no-print-directory', 'wasm'], { cwd: REPO, stdio: 'inherit' });
}
