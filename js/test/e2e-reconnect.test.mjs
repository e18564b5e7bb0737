// End-to-end, reconnect (issue #3 item 3): two of OUR clients chatting in
// headless Chromium; the whole dev server is killed (SIGKILL) and restarted on
// the same port and database, twice.
//
// Per cycle:
//  * a message sent right before the crash (not awaited at the receiver),
//  * crash; a few seconds down; restart,
//  * immediately after the restart the sender posts several messages over
//    REST while the receiver's MQTT reconnect backoff is (normally) still
//    pending, so those messages cannot come over MQTT and must be fetched,
//  * then: every message arrives at the receiver exactly once (counted by
//    unique_temp_id across the whole run, so nothing sent before a crash is
//    duplicated after a reconnect), in send order, selected.comments holds
//    each once in ascending order, and onReconnectCallback fired once per
//    outage (index.d.ts: after a successful reconnection; v2 fired on every
//    attempt).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startDevServer, uniqueId, log, sleep, waitUntil } from './harness.mjs';
import { openUser, step, send, expectMessage, chatTarget, softChecks } from './scenario.mjs';

let server;
const pages = [];

before(async () => {
  server = await startDevServer({ label: 'devserver-reconnect' });
  log(`[reconnect] dev server at ${server.url}`);
});

after(async () => {
  for (const p of pages.splice(0)) await p.close().catch(() => {});
  if (server) await server.stop();
});

const RECONNECT_WAIT = 45000; // backoff ceiling is 30 s; one outage of a few seconds needs far less

/** Every newMessagesCallback comment at `user` as [{uid, id, index}] in arrival order. */
async function arrivals(user) {
  const evs = await user.page.events('newMessages');
  return evs.flatMap((e) => (e.args[0] || []).map((c) => ({ uid: c.unique_temp_id, id: Number(c.id), index: e.index, t: e.t })));
}

test('ours ↔ ours: crash + restart twice; every message exactly once, in order; onReconnectCallback once per outage', { timeout: 300000 }, async () => {
  const soft = softChecks('reconnect');
  const alice = await step('alice logs in', () => openUser(server, 'ours', 'rc-alice'));
  pages.push(alice.page);
  const bob = await step('bob logs in', () => openUser(server, 'ours', 'rc-bob'));
  pages.push(bob.page);
  const room = await chatTarget(alice, 'rc-bob');
  await chatTarget(bob, 'rc-alice');

  const sent = []; // {uid, id, message} in send order
  await step('warm-up: three messages alice → bob, each delivered once', async () => {
    for (let i = 0; i < 3; i++) {
      const uid = uniqueId('rc-pre');
      const c = await send(alice, room.id, `before any crash ${i}`, uid);
      await expectMessage(bob, { uid, message: `before any crash ${i}`, email: 'rc-alice', roomId: room.id, id: c.id });
      sent.push({ uid, id: Number(c.id), message: c.message });
    }
  });

  for (let cycle = 1; cycle <= 2; cycle++) {
    const reconnectsBeforeBob = (await bob.page.events('onReconnect')).length;
    const reconnectsBeforeAlice = (await alice.page.events('onReconnect')).length;

    await step(`cycle ${cycle}: a message right before the crash`, async () => {
      const uid = uniqueId(`rc-edge${cycle}`);
      const c = await send(alice, room.id, `right before crash ${cycle}`, uid);
      sent.push({ uid, id: Number(c.id), message: c.message });
    });

    await step(`cycle ${cycle}: crash (SIGKILL), 3 s down, restart on the same port and database`, async () => {
      const port = server.port;
      await server.crash();
      await sleep(3000);
      await server.restart();
      assert.equal(server.port, port, 'same port, so clients reconnect to the same URL');
    });

    const burst = await step(`cycle ${cycle}: alice posts 5 messages right after the restart`, async () => {
      const t0 = Date.now();
      const out = await alice.page.evaluate(async ([rid, uids]) => {
        const res = [];
        for (let i = 0; i < uids.length; i++) {
          // REST may need a moment after the restart: bounded retries.
          let last;
          for (let attempt = 0; attempt < 20; attempt++) {
            try {
              const c = await window.q.sendComment(rid, `during reconnect ${uids[i]}`, uids[i]);
              res.push({ uid: uids[i], id: Number(c.id), message: c.message });
              last = null;
              break;
            } catch (e) {
              last = e;
              await new Promise((r) => setTimeout(r, 100));
            }
          }
          if (last) throw last;
        }
        return res;
      }, [room.id, Array.from({ length: 5 }, (_, i) => uniqueId(`rc-burst${cycle}-${i}`))]);
      log(`    burst posted in ${Date.now() - t0} ms`);
      return { items: out, doneAt: Date.now() };
    });
    sent.push(...burst.items);

    await step(`cycle ${cycle}: onReconnectCallback fires at both clients`, async () => {
      await waitUntil(async () => (await bob.page.events('onReconnect')).length > reconnectsBeforeBob, { timeout: RECONNECT_WAIT, message: 'bob onReconnectCallback' });
      const evs = await bob.page.events('onReconnect');
      assert.ok(evs.length > reconnectsBeforeBob, `bob reconnected (onReconnect events: ${evs.length})`);
      assert.deepEqual(evs[evs.length - 1].args, [], 'no arguments');
      const bobUp = evs[evs.length - 1].t;
      log(`    bob reconnected ${bobUp - burst.doneAt} ms after the burst was posted (negative: before)`);
      await waitUntil(async () => (await alice.page.events('onReconnect')).length > reconnectsBeforeAlice, { timeout: RECONNECT_WAIT, message: 'alice onReconnectCallback' });
    });

    await step(`cycle ${cycle}: every burst message and the edge message arrive at bob`, async () => {
      await waitUntil(async () => {
        const got = new Set((await arrivals(bob)).map((a) => a.uid));
        return sent.every((s) => got.has(s.uid));
      }, {
        timeout: RECONNECT_WAIT,
        message: 'all messages at bob',
        describe: async () => {
          const got = new Set((await arrivals(bob)).map((a) => a.uid));
          return `missing: ${JSON.stringify(sent.filter((s) => !got.has(s.uid)).map((s) => s.uid))}\n${server.logTail(40)}`;
        },
      });
    });

    await step(`cycle ${cycle}: settle, then count`, () => sleep(1500));

    await soft.check(`cycle ${cycle}: exactly once each at bob (pre-crash messages not duplicated)`, async () => {
      const a = await arrivals(bob);
      const dup = sent.map((s) => [s.uid, a.filter((x) => x.uid === s.uid).length]).filter(([, n]) => n !== 1);
      assert.deepEqual(dup, [], 'uids delivered other than once');
    });
    await soft.check(`cycle ${cycle}: in send order at bob`, async () => {
      const a = await arrivals(bob);
      const firstSeen = [];
      for (const x of a) if (!firstSeen.includes(x.uid) && sent.some((s) => s.uid === x.uid)) firstSeen.push(x.uid);
      if (JSON.stringify(firstSeen) !== JSON.stringify(sent.map((s) => s.uid))) {
        // Evidence for the failure: what arrived when, and when bob reconnected.
        const rc = (await bob.page.events('onReconnect')).map((e) => e.t);
        log(`    bob arrivals (uid id callback-index t): ${a.map((x) => `${x.uid.replace(/-\d+-\d+-/, '-')} ${x.id} #${x.index} ${x.t}`).join(' | ')}`);
        log(`    bob onReconnect at ${rc.join(', ')}; burst posted until ${burst.doneAt}`);
      }
      assert.deepEqual(firstSeen, sent.map((s) => s.uid));
    });
    await soft.check(`cycle ${cycle}: bob's selected.comments holds each once, ascending`, async () => {
      const cs = await bob.page.evaluate(() => window.q.selected.comments.map((c) => ({ uid: c.unique_temp_id, id: Number(c.id) })));
      assert.deepEqual(cs.map((c) => c.uid), sent.map((s) => s.uid));
      for (let i = 1; i < cs.length; i++) assert.ok(cs[i - 1].id < cs[i].id, 'ascending ids');
    });
    await soft.check(`cycle ${cycle}: onReconnectCallback fired once per outage (not per attempt)`, async () => {
      const nb = (await bob.page.events('onReconnect')).length - reconnectsBeforeBob;
      const na = (await alice.page.events('onReconnect')).length - reconnectsBeforeAlice;
      assert.equal(nb, 1, `bob: ${nb} onReconnect events for one outage`);
      assert.equal(na, 1, `alice: ${na} onReconnect events for one outage`);
    });
    await soft.check(`cycle ${cycle}: last_received_comment_id at bob is the newest id`, async () => {
      const v = await bob.page.evaluate(() => window.q.last_received_comment_id);
      assert.equal(v, Math.max(...sent.map((s) => s.id)));
    });
    await soft.check(`cycle ${cycle}: the server history has each message once, in order`, async () => {
      const hist = await bob.page.evaluate((rid) => window.q.loadComments(rid, { limit: 100 }).then((cs) => cs.map((c) => c.unique_temp_id)), room.id);
      assert.deepEqual(hist, sent.map((s) => s.uid));
    });
  }

  await step('after the reconnects, realtime works both ways', async () => {
    const u1 = uniqueId('rc-after-b2a');
    const c1 = await send(bob, room.id, 'bob after reconnects', u1);
    await expectMessage(alice, { uid: u1, message: 'bob after reconnects', email: 'rc-bob', roomId: room.id, id: c1.id });
    const u2 = uniqueId('rc-after-a2b');
    const c2 = await send(alice, room.id, 'alice after reconnects', u2);
    await expectMessage(bob, { uid: u2, message: 'alice after reconnects', email: 'rc-alice', roomId: room.id, id: c2.id });
    await sleep(500);
    const a = await arrivals(bob);
    assert.equal(a.filter((x) => x.uid === u2).length, 1);
  });
  soft.done();
});
