// End-to-end chaos (issue #8): three of OUR clients (the UMD build in
// headless Chromium) in one group room, each calling sendComment every 150 ms
// without waiting for the previous one, while
//   1. the whole dev server is SIGKILLed and restarted on the same port and
//      database 4 times, and
//   2. the server cuts every MQTT WebSocket 12 times (devserver -test-hooks:
//      POST /api/v2/dev/disconnect_mqtt) while REST stays up.
//
// What a user is promised: a message is either delivered exactly once or
// reported failed with its unique_temp_id. So, for every sender → receiver
// pair, every send that resolved must reach the receiver's
// newMessagesCallback exactly once (lost = 0, duplicated = 0), and each
// receiver hears the room's messages in ascending id order. Sends that
// rejected are counted and printed, and each must carry its unique_temp_id.
//
// The assertions are counts, not timings: after the last outage the test
// waits until every resolved send has arrived everywhere, or until a bounded
// budget runs out (reconnect backoff is capped at 30 s), then counts.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startDevServer, log, sleep, waitUntil, fetchJSON, apiCall } from './harness.mjs';
import { openUser, step } from './scenario.mjs';

const SENDS = 60; // per client
const INTERVAL_MS = 150;
const SENDS_SETTLE_MS = 60000; // every sendComment resolves or rejects within this (3 retries, backoff ≤ 5 s each)
const DELIVERY_BUDGET_MS = 45000; // after the last outage: reconnect (backoff ≤ 30 s) and fill the gaps
const QUIET_MS = 2000; // after convergence, so a late duplicate is still counted

let server;
const pages = [];

before(async () => {
  server = await startDevServer({ label: 'devserver-chaos', extraArgs: ['-test-hooks'] });
  log(`[chaos] dev server at ${server.url}`);
});

after(async () => {
  for (const p of pages.splice(0)) await p.close().catch(() => {});
  if (server) await server.stop();
});

/** Three logged-in clients of ours in one new group room. */
async function groupOfThree(prefix) {
  const ids = ['a', 'b', 'c'].map((x) => `${prefix}-${x}`);
  const users = [];
  for (const id of ids) {
    const u = await step(`${id} logs in`, () => openUser(server, 'ours', id));
    pages.push(u.page);
    users.push(u);
  }
  const room = await step(`${ids[0]} creates the group`, async () => {
    const r = await users[0].page.call('createGroupRoom', `chaos ${prefix}`, ids.slice(1));
    assert.equal(r.ok, true, `createGroupRoom rejected: ${r.message}`);
    return r.value;
  });
  return { users, roomId: Number(room.id) };
}

/** In the page: fire sendComment every intervalMs, never waiting; record each outcome in window.__sends. */
function startSending(users, roomId, tag) {
  return Promise.all(
    users.map((u) =>
      u.page.evaluate(
        ([roomId, prefix, count, intervalMs]) => {
          window.__sends = [];
          let i = 0;
          const tick = () => {
            const uid = `${prefix}-${i}`;
            const rec = { uid, i, state: 'pending' };
            window.__sends.push(rec);
            window.q.sendComment(roomId, `chaos ${uid}`, uid).then(
              (c) => {
                rec.state = 'resolved';
                rec.id = Number(c.id);
              },
              (e) => {
                rec.state = 'rejected';
                rec.isError = e instanceof Error;
                rec.message = String(e && e.message);
                rec.errUid = e && e.unique_temp_id;
              },
            );
            i++;
            if (i < count) setTimeout(tick, intervalMs);
          };
          tick();
        },
        [roomId, `${tag}-${u.userId}`, SENDS, INTERVAL_MS],
      ),
    ),
  );
}

const sendsOf = (u) => u.page.evaluate(() => window.__sends.map((r) => ({ ...r })));

/** Every comment newMessagesCallback gave `u`, in arrival order: {uid, id, room, email}. */
async function arrivals(u) {
  const evs = await u.page.events('newMessages');
  return evs.flatMap((e) => (e.args[0] || []).map((c) => ({ uid: c.unique_temp_id, id: Number(c.id), room: Number(c.room_id), email: c.email })));
}

/**
 * Count, per sender → receiver pair, lost and duplicated deliveries of the
 * sender's resolved sends, and, per receiver, arrivals of the room's messages
 * (from others) whose id is not above the previous one.
 */
async function tally(users, sends, roomId) {
  const pairs = [];
  const order = [];
  for (const r of users) {
    const got = (await arrivals(r)).filter((a) => a.room === roomId);
    const n = new Map();
    for (const a of got) n.set(a.uid, (n.get(a.uid) || 0) + 1);
    for (const s of users) {
      if (s === r) continue;
      const resolved = sends.get(s.userId).filter((x) => x.state === 'resolved');
      const lost = resolved.filter((x) => !n.has(x.uid));
      // Any message of s delivered more than once counts, rejected ones too.
      const dup = sends.get(s.userId).filter((x) => (n.get(x.uid) || 0) > 1);
      pairs.push({ from: s.userId, to: r.userId, resolved: resolved.length, lost: lost.length, dup: dup.length, lostUids: lost.map((x) => x.uid), dupUids: dup.map((x) => x.uid) });
    }
    // Ascending ids among the messages of others, duplicates aside.
    let last = 0;
    const seen = new Set();
    let inversions = 0;
    const examples = [];
    for (const a of got) {
      if (a.email === r.userId || seen.has(a.uid)) continue;
      seen.add(a.uid);
      if (a.id <= last) {
        inversions++;
        if (examples.length < 5) examples.push(`${a.id} after ${last}`);
      }
      last = Math.max(last, a.id);
    }
    order.push({ at: r.userId, delivered: seen.size, inversions, examples });
  }
  return { pairs, order };
}

/** Wait (bounded) until every send of every client resolved or rejected. */
async function allSendsSettled(users) {
  const sends = new Map();
  await waitUntil(
    async () => {
      for (const u of users) sends.set(u.userId, await sendsOf(u));
      return users.every((u) => sends.get(u.userId).length === SENDS && sends.get(u.userId).every((x) => x.state !== 'pending'));
    },
    {
      timeout: SENDS_SETTLE_MS,
      interval: 250,
      message: 'every sendComment to resolve or reject',
      describe: async () => users.map((u) => `${u.userId}: ${(sends.get(u.userId) || []).filter((x) => x.state === 'pending').length} pending`).join('\n'),
    },
  );
  return sends;
}

/** The room's history on the server, paged backwards with load_comments (newest first). */
async function serverHistory(user, roomId) {
  const auth = { userId: user.userId, token: user.login.user.token };
  const out = [];
  let cursor = 0;
  for (let page = 0; page < 50; page++) {
    const query = { topic_id: roomId, limit: 100 };
    if (cursor) query.last_comment_id = cursor;
    const r = await apiCall(server, 'GET', 'load_comments', { auth, query });
    assert.equal(r.status, 200, `load_comments: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    const cs = r.body.results.comments.map((c) => ({ id: Number(c.id), uid: c.unique_temp_id })).sort((a, b) => a.id - b.id);
    if (cs.length === 0) return out;
    out.push(...cs);
    cursor = cs[0].id;
  }
  throw new Error('load_comments: more than 50 pages');
}

/** Settle, count, print and assert one scenario. */
async function settleAndAssert(label, users, roomId) {
  const sends = await step(`${label}: every sendComment settles`, () => allSendsSettled(users));
  for (const u of users) {
    const s = sends.get(u.userId);
    const rej = s.filter((x) => x.state === 'rejected');
    log(`[chaos] ${label}: ${u.userId} sent ${s.length}: ${s.length - rej.length} resolved, ${rej.length} rejected`);
    for (const x of rej.slice(0, 5)) log(`[chaos]   rejected ${x.uid}: ${x.message} (unique_temp_id ${x.errUid})`);
  }

  // The server side first: each resolved send is stored once (so a loss
  // below is the client's).
  const hist = await serverHistory(users[0], roomId);
  const stored = new Map();
  for (const c of hist) stored.set(c.uid, (stored.get(c.uid) || 0) + 1);
  const resolvedAll = [...sends.values()].flat().filter((x) => x.state === 'resolved');
  const notStoredOnce = resolvedAll.filter((x) => stored.get(x.uid) !== 1);
  log(`[chaos] ${label}: server history holds ${hist.length} comments; resolved sends not stored exactly once: ${notStoredOnce.length}`);
  assert.deepEqual(notStoredOnce.map((x) => `${x.uid} stored ${stored.get(x.uid) || 0} times`), [], 'every resolved send is in the server history exactly once');

  const t0 = Date.now();
  let counts;
  try {
    await waitUntil(
      async () => {
        counts = await tally(users, sends, roomId);
        return counts.pairs.every((p) => p.lost === 0);
      },
      { timeout: DELIVERY_BUDGET_MS, interval: 500, message: 'every resolved send at every other member' },
    );
    log(`[chaos] ${label}: converged ${Date.now() - t0} ms after the last outage`);
  } catch {
    log(`[chaos] ${label}: not converged after ${DELIVERY_BUDGET_MS} ms; counting what arrived`);
  }
  await sleep(QUIET_MS);
  counts = await tally(users, sends, roomId);

  let lost = 0;
  let dup = 0;
  for (const p of counts.pairs) {
    lost += p.lost;
    dup += p.dup;
    log(`[chaos] ${label}: ${p.from} → ${p.to}: resolved ${p.resolved}, lost ${p.lost}, duplicated ${p.dup}` +
      (p.lost ? ` (lost e.g. ${p.lostUids.slice(0, 3).join(', ')})` : '') + (p.dup ? ` (dup e.g. ${p.dupUids.slice(0, 3).join(', ')})` : ''));
  }
  let inversions = 0;
  for (const o of counts.order) {
    inversions += o.inversions;
    log(`[chaos] ${label}: at ${o.at}: ${o.delivered} delivered from others, ${o.inversions} out of id order${o.examples.length ? ` (${o.examples.join('; ')})` : ''}`);
  }
  const rejected = [...sends.values()].flat().filter((x) => x.state === 'rejected');
  log(`[chaos] ${label}: TOTAL lost ${lost}, duplicated ${dup}, out of order ${inversions}, rejected sends ${rejected.length}`);

  const badReject = rejected.filter((x) => !x.isError || x.errUid !== x.uid);
  assert.deepEqual(badReject.map((x) => `${x.uid}: ${x.message} (unique_temp_id ${x.errUid})`), [], 'every rejected send reports its unique_temp_id in an Error');
  assert.deepEqual(counts.pairs.filter((p) => p.lost || p.dup).map((p) => `${p.from} → ${p.to}: lost ${p.lost}, duplicated ${p.dup}`), [], 'every resolved send delivered exactly once to every other member');
  assert.deepEqual(counts.order.filter((o) => o.inversions).map((o) => `at ${o.at}: ${o.inversions} out of order (${o.examples.join('; ')})`), [], 'each member hears the room in ascending id order');
}

test('chaos: 3 senders in one group while the dev server is SIGKILLed and restarted 4 times', { timeout: 120000 }, async () => {
  const { users, roomId } = await groupOfThree('chk');
  await step('3 clients send 60 messages each, every 150 ms; 4 × (SIGKILL, 1 s down, restart on the same port and db, 1.5 s up)', async () => {
    const port = server.port;
    await startSending(users, roomId, 'kill');
    for (let cycle = 1; cycle <= 4; cycle++) {
      await sleep(cycle === 1 ? 800 : 1500);
      await server.crash();
      await sleep(1000);
      await server.restart();
      assert.equal(server.port, port, 'same port, so clients reconnect to the same URL');
      log(`[chaos] kill: restart ${cycle} done`);
    }
  });
  await settleAndAssert('kill', users, roomId);
});

test('chaos: 3 senders in one group while the server cuts every MQTT link 12 times', { timeout: 120000 }, async () => {
  const { users, roomId } = await groupOfThree('chc');
  await step('3 clients send 60 messages each, every 150 ms; the server drops all WebSockets every 700 ms, 12 times', async () => {
    await startSending(users, roomId, 'cut');
    let cut = 0;
    for (let i = 0; i < 12; i++) {
      await sleep(700);
      const r = await fetchJSON(server, '/api/v2/dev/disconnect_mqtt', { method: 'POST' });
      assert.equal(r.status, 200, `disconnect_mqtt: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      cut += r.body.results.disconnected;
    }
    log(`[chaos] cut: 12 cuts dropped ${cut} WebSockets in all`);
  });
  await settleAndAssert('cut', users, roomId);
});
