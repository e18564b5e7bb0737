// Browser benchmarks: OUR client (js/dist) against the official
// qiscus-sdk-core 2.16.9 UMD, in the same headless Chromium build, against the
// same local server, in one run. Driver: Chromium started directly per job
// (fresh profile) on bench/js/page/runner.html; timing is page-side
// (performance.now()), results come back through the bench server. No
// DevTools protocol client is attached. Writes bench/out/<phase>.json.
//
//   node bench/js/run.mjs [--phases cold,tp,lat,mem] [--cold-runs 7]
//        [--tp-n 20000] [--tp-runs 3] [--tp-official-b-n 2000] [--tp-limit-s 60]
//        [--lat-seconds 30] [--lat-rate 20] [--lat-runs 3]
//        [--mem-n 10000] [--mem-rooms 20] [--mem-runs 3] [--brokers embedded,mosquitto]
//
// Every loop is bounded by a count and a deadline; only loopback is contacted.

import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  REPO, CHROMIUM_ARGS, EXTRA_ARGS, log, startBenchServer, startMosquitto, runJob,
  restLogin, restRoom, summary, percentile, chromiumVersion, splitLine,
} from './lib.mjs';

const args = process.argv.slice(2);
function flag(name, def) {
  const i = args.indexOf('--' + name);
  if (i < 0) return def;
  const v = args[i + 1];
  return typeof def === 'number' ? Number(v) : v;
}
const PHASES = flag('phases', 'cold,tp,lat,mem').split(',').filter(Boolean);
const OUT = path.join(REPO, 'bench', 'out');
mkdirSync(OUT, { recursive: true });
const CLIENTS = ['ours', 'official'];
const RUN_ID = Date.now().toString(36);
const DRIVER = {
  name: 'plain Chromium + page-side runner',
  detail: 'Chromium is started directly for every job with a fresh --user-data-dir on bench/js/page/runner.html; ' +
    'timings are performance.now() inside the page; jobs and results go through the bench server; no DevTools client is attached.',
  flags: [...CHROMIUM_ARGS, ...EXTRA_ARGS],
};
const CHROMIUM_VERSION = chromiumVersion();

function writeOut(name, data) {
  const file = path.join(OUT, `${name}.json`);
  writeFileSync(file, JSON.stringify({ driver: DRIVER, chromium: CHROMIUM_VERSION, at: new Date().toISOString(), ...data }, null, 2) + '\n');
  log(`wrote ${path.relative(REPO, file)}`);
}

let idSeq = 0;
const uid = (p) => `${p}-${RUN_ID}-${++idSeq}`;
const order = (r) => (r % 2 ? ['official', 'ours'] : ['ours', 'official']);

function check(res, what) {
  if (!res.ok) throw new Error(`${what}: ${res.error}`);
  return res;
}

// ---------------------------------------------------------------------------
// 2. cold start: script insertion → init() resolved → setUser() resolved

async function coldStart(server) {
  const runs = flag('cold-runs', 7);
  const out = { ours: [], official: [] };
  // One unmeasured run per client warms the server and the OS file cache.
  for (const client of CLIENTS) {
    const [r] = await runJob(server, { kind: 'cold', client, userId: uid(`cw-${client}`), nonce: uid('n') }, { timeoutMs: 60000 });
    if (!r.ok) log(`cold warm-up ${client}: ${r.error}`);
  }
  for (let r = 0; r < runs; r++) {
    for (const client of order(r)) {
      const [res] = await runJob(server, { kind: 'cold', client, userId: uid(`cold-${client}`), nonce: uid('n') }, { timeoutMs: 60000 });
      check(res, `cold ${client}`);
      const t = res.timing;
      out[client].push({ ...t, split: res.split, fetched: res.resources, transfer_bytes: res.resources.reduce((s, e) => s + (e.transfer || 0), 0) });
      log(`cold ${client} #${r + 1}: script ${t.script_ms.toFixed(1)} ms, init ${t.init_ms.toFixed(1)} ms, setUser ${t.user_ms.toFixed(1)} ms`);
      log(`  split: ${splitLine(res.split)}`);
    }
  }
  const sum = (client, k) => summary(out[client].map((x) => x[k]));
  // Median of each step of the split (ms from the script's insertion).
  const splitSum = (client) => Object.fromEntries(Object.keys(out[client][0].split).filter((k) => k !== 'ws')
    .map((k) => [k, summary(out[client].map((x) => x.split[k])).median]));
  return {
    runs: out,
    summary: Object.fromEntries(CLIENTS.map((c) => [c, { script_ms: sum(c, 'script_ms'), init_ms: sum(c, 'init_ms'), user_ms: sum(c, 'user_ms'), split: splitSum(c) }])),
  };
}

// alternating measures each client once a round, for `runs` rounds, in the
// order order(r) gives; a run that fails is logged under name(client) and kept
// as { error }, so one bad run does not lose the others.
async function alternating(runs, name, run) {
  const out = { ours: [], official: [] };
  for (let r = 0; r < runs; r++) {
    for (const client of order(r)) {
      try {
        out[client].push(await run(client));
      } catch (e) {
        log(`${name(client)} #${r + 1} failed: ${e.message}`);
        out[client].push({ error: e.message });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// 3. receive throughput

const WINDOW = 4000; // max published-but-not-yet-delivered (below mochi's 8192 per-client queue)
const CHUNK = 500;
let nextCommentId = 10_000_000; // above any id the database hands out in a run

async function throughputRun(server, mqttURL, broker, situation, client, n, limitMs) {
  const label = `tp/${broker}/${situation}/${client}`;
  const userId = uid(`tpr-${client}`);
  await restLogin(server, userId); // so the sender can open a room with it
  const sender = await restLogin(server, uid('tps'), 'Bob');
  const roomId = await restRoom(server, sender, userId);
  const firstId = nextCommentId;
  nextCommentId += n + 1000;
  const job = {
    kind: 'tp', client, userId, nonce: uid('n'), mqttURL, broker, situation, n, limitMs,
    window: WINDOW, chunk: CHUNK, firstId, prefix: `b${idSeq}x`,
    rooms: [{ roomId, roomName: sender.username, senderId: sender.userId, senderName: sender.username, senderPk: sender.pk }],
  };
  const [res] = await runJob(server, job, { timeoutMs: limitMs + 60000 });
  check(res, label);
  const r = res.result;
  log(`${label}: ${r.unique}/${r.n} in ${r.elapsed_ms.toFixed(0)} ms = ${r.msgs_per_s.toFixed(0)} msg/s` +
    ` (dup ${r.dup}, missing ${r.missing}, out of order ${r.out_of_order}, ${r.callbacks} callbacks${r.timed_out ? ', TIME LIMIT' : ''})`);
  return r;
}

async function throughput(server, mosq) {
  const n = flag('tp-n', 20000);
  const nOfficialB = flag('tp-official-b-n', 2000);
  const runs = flag('tp-runs', 3);
  const limitMs = flag('tp-limit-s', 60) * 1000;
  const brokers = flag('brokers', 'embedded,mosquitto').split(',');
  const out = {};
  for (const broker of brokers) {
    const mqttURL = broker === 'mosquitto' ? mosq.url : server.mqttURL;
    out[broker] = {};
    for (const situation of ['a', 'b']) {
      const cell = await alternating(runs, (client) => `throughput ${broker}/${situation}/${client}`, (client) => {
        const count = client === 'official' && situation === 'b' ? Math.min(n, nOfficialB) : n;
        return throughputRun(server, mqttURL, broker, situation, client, count, limitMs);
      });
      out[broker][situation] = cell;
      for (const client of CLIENTS) cell[client + '_summary'] = summary(cell[client].map((x) => x.msgs_per_s));
    }
  }
  return { n, n_official_b: nOfficialB, window: WINDOW, chunk: CHUNK, limit_s: limitMs / 1000, runs: out };
}

// ---------------------------------------------------------------------------
// 4. end-to-end latency: sendComment() call → receiver's newMessagesCallback

async function latencyRun(server, client, seconds, rate) {
  const sender = uid(`las-${client}`);
  const receiver = uid(`lar-${client}`);
  const pair = uid('pair');
  const total = Math.round(seconds * rate);
  const prefix = `lat${idSeq}x`;
  const peerJob = `${pair}-recv`;
  // The receiver page runs on http://localhost:PORT, another site than the
  // sender's 127.0.0.1, so Chromium gives it its own renderer process.
  const peerOrigin = server.url.replace('127.0.0.1', 'localhost');
  const [s, r] = await runJob(
    server,
    { kind: 'latSend', client, userId: sender, nonce: uid('n'), peerId: receiver, peerJob, peerURL: `${peerOrigin}/__bench/page/runner.html`, pair, prefix, total, rate, seconds },
    {
      timeoutMs: seconds * 1000 + 120000,
      peers: [{ id: peerJob, job: { kind: 'latRecv', client, userId: receiver, nonce: uid('n'), pair, prefix, total, seconds } }],
    },
  );
  check(s, `latency ${client} sender`);
  check(r, `latency ${client} receiver`);
  const lat = [];
  const sendLeg = []; // sendComment() call → the server's unix_nano_timestamp
  const recvLeg = []; // the server's stamp → newMessagesCallback
  const clientLeg = []; // sendComment() call → the post_comment request issued
  const serverLeg = []; // request issued → the server's stamp
  for (const [u, ts] of Object.entries(s.sent)) {
    if (r.recv[u] === undefined) continue;
    lat.push(r.recv[u] - ts);
    const st = r.srv && r.srv[u];
    if (st) {
      sendLeg.push(st - ts);
      recvLeg.push(r.recv[u] - st);
    }
    const is = s.issued && s.issued[u];
    if (is) {
      clientLeg.push(is - ts);
      if (st) serverLeg.push(st - is);
    }
  }
  for (const a of [lat, sendLeg, recvLeg, clientLeg, serverLeg]) a.sort((x, y) => x - y);
  // Probes that never reached the receiver: their indices (send order)
  // show whether they were the first, the last or a gap.
  const missing = Object.keys(s.sent).filter((u) => r.recv[u] === undefined).map((u) => Number(u.slice(prefix.length))).sort((x, y) => x - y);
  const res = {
    sent: total,
    received: lat.length,
    send_errors: s.errors,
    missing_indices: missing.length > 20 ? [...missing.slice(0, 10), '…', ...missing.slice(-10)] : missing,
    receiver_count: r.count,
    sender_requests: s.requests,
    sender_inflight_at_probe_p50: s.inflight_at_probe_p50,
    sender_inflight_at_probe_max: s.inflight_at_probe_max,
    p50_ms: percentile(lat, 50),
    p99_ms: percentile(lat, 99),
    max_ms: lat.length ? lat[lat.length - 1] : null,
    send_leg_p50_ms: percentile(sendLeg, 50),
    send_leg_p99_ms: percentile(sendLeg, 99),
    recv_leg_p50_ms: percentile(recvLeg, 50),
    recv_leg_p99_ms: percentile(recvLeg, 99),
    client_leg_p50_ms: percentile(clientLeg, 50),
    client_leg_p99_ms: percentile(clientLeg, 99),
    server_leg_p50_ms: percentile(serverLeg, 50),
    server_leg_p99_ms: percentile(serverLeg, 99),
  };
  log(`latency ${client} sender requests ${JSON.stringify(res.sender_requests)}, in flight at a probe p50 ${res.sender_inflight_at_probe_p50} max ${res.sender_inflight_at_probe_max}`);
  if (missing.length) log(`latency ${client}: ${missing.length} probes not received, indices ${JSON.stringify(res.missing_indices)}`);
  log(`latency ${client}: ${res.received}/${total}, p50 ${res.p50_ms?.toFixed(1)} ms, p99 ${res.p99_ms?.toFixed(1)} ms, max ${res.max_ms?.toFixed(1)} ms;` +
    ` send leg p50/p99 ${res.send_leg_p50_ms?.toFixed(1)}/${res.send_leg_p99_ms?.toFixed(1)} ms,` +
    ` receive leg ${res.recv_leg_p50_ms?.toFixed(1)}/${res.recv_leg_p99_ms?.toFixed(1)} ms;` +
    ` of the send leg, in the client ${res.client_leg_p50_ms?.toFixed(1)}/${res.client_leg_p99_ms?.toFixed(1)} ms,` +
    ` request to stamp ${res.server_leg_p50_ms?.toFixed(1)}/${res.server_leg_p99_ms?.toFixed(1)} ms`);
  return res;
}

async function latency(server) {
  const seconds = flag('lat-seconds', 30);
  const rate = flag('lat-rate', 20);
  const runs = flag('lat-runs', 3);
  const out = await alternating(runs, (client) => `latency ${client}`, (client) => latencyRun(server, client, seconds, rate));
  const s = (c, k) => summary(out[c].map((x) => x[k]));
  return {
    seconds, rate, runs: out,
    summary: Object.fromEntries(CLIENTS.map((c) => [c, Object.fromEntries(
      ['p50_ms', 'p99_ms', 'send_leg_p50_ms', 'send_leg_p99_ms', 'recv_leg_p50_ms', 'recv_leg_p99_ms',
        'client_leg_p50_ms', 'client_leg_p99_ms', 'server_leg_p50_ms', 'server_leg_p99_ms'].map((k) => [k, s(c, k)]))])),
  };
}

// ---------------------------------------------------------------------------
// 5. memory after n messages across rooms (no room open)

async function memoryRun(server, client, n, nRooms) {
  const userId = uid(`mem-${client}`);
  await restLogin(server, userId);
  const rooms = [];
  for (let i = 0; i < nRooms; i++) {
    const sender = await restLogin(server, `mems-${RUN_ID}-${i}`, `Sender ${i}`);
    rooms.push({ roomId: await restRoom(server, sender, userId), roomName: sender.username, senderId: sender.userId, senderName: sender.username, senderPk: sender.pk });
  }
  const firstId = nextCommentId;
  nextCommentId += n + 1000;
  const job = {
    kind: 'mem', client, userId, nonce: uid('n'), broker: 'embedded', n, limitMs: 120000,
    window: WINDOW, chunk: Math.max(1, Math.floor(n / nRooms / 5)), firstId, prefix: `m${idSeq}x`, rooms,
  };
  const [res] = await runJob(server, job, { timeoutMs: 200000 });
  check(res, `memory ${client}`);
  const mib = (b) => (b / 1048576).toFixed(1);
  log(`memory ${client}: ${res.delivery.unique}/${n} delivered (dup ${res.delivery.dup}); JS heap ${mib(res.after.js_heap_used)} MiB + wasm ${mib(res.after.wasm_memory)} MiB = ${mib(res.after.total)} MiB (after login ${mib(res.after_login.total)} MiB)`);
  return res;
}

async function memory(server) {
  const n = flag('mem-n', 10000);
  const nRooms = flag('mem-rooms', 20);
  const runs = flag('mem-runs', 3);
  const out = await alternating(runs, (client) => `memory ${client}`, (client) => memoryRun(server, client, n, nRooms));
  const s = (c, f) => summary(out[c].map((x) => (x.after ? f(x.after) : undefined)));
  return {
    n, rooms: nRooms, runs: out,
    summary: Object.fromEntries(CLIENTS.map((c) => [c, {
      total: s(c, (a) => a.total), js_heap_used: s(c, (a) => a.js_heap_used), wasm_memory: s(c, (a) => a.wasm_memory),
    }])),
  };
}

// ---------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const needMosq = PHASES.includes('tp') && flag('brokers', 'embedded,mosquitto').includes('mosquitto');
  const mosq = needMosq ? await startMosquitto() : null;
  const server = await startBenchServer({ mosquittoURL: mosq ? mosq.url : '' });
  log(`bench: server ${server.url}${mosq ? `, mosquitto ${mosq.url} (${mosq.version})` : ''}, ${CHROMIUM_VERSION}`);
  let failed = false;
  try {
    for (const phase of PHASES) {
      const t = Date.now();
      try {
        if (phase === 'cold') writeOut('cold', await coldStart(server));
        else if (phase === 'tp') writeOut('throughput', { mosquitto: mosq && mosq.version, ...(await throughput(server, mosq)) });
        else if (phase === 'lat') writeOut('latency', await latency(server));
        else if (phase === 'mem') writeOut('memory', await memory(server));
        else throw new Error(`unknown phase ${phase}`);
      } catch (e) {
        failed = true;
        log(`phase ${phase} failed: ${e.stack || e.message}`);
      }
      log(`phase ${phase}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
  } finally {
    await server.stop();
    if (mosq) await mosq.stop();
  }
  log(`browser benchmarks done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  log(e.stack || e.message);
  process.exit(1);
});
