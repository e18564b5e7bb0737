// Interop: the OFFICIAL qiscus-sdk-core 2.16.9 browser bundle and OUR Go/wasm
// client talk to each other through the dev server, in real headless Chromium.
//
//  1. official <-> official: validates the dev server and this harness
//     independently of our SDK (REST shapes, MQTT 3.1.1 over WebSocket,
//     presence normalisation).
//  2. official alice <-> ours bob, and 3. ours alice <-> official bob:
//     messages both ways with matching unique_temp_id, typing both ways
//     (ours → official's typingCallback in particular), presence.
//
// One dev server for the file; each run uses its own pair of user ids so the
// runs don't see each other's rooms. The official client's quirks that we
// accommodate are listed at the top of scenario.mjs (3 s room-subscribe delay,
// broken custom events, ws:// needs withConfig:false).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startDevServer, log } from './harness.mjs';
import { openUser, assertLoggedIn, step, twoWayChat, expectPresenceOnline } from './scenario.mjs';

let server;
const opened = [];

before(async () => {
  server = await startDevServer({ label: 'devserver-interop' });
  log(`[interop] dev server at ${server.url}`);
});

after(async () => {
  for (const p of opened.splice(0)) await p.close().catch(() => {});
  if (server) await server.stop();
});

/**
 * One run: bob (kindB) and alice (kindA), with user ids unique to the run
 * (`alice-<run>` / `bob-<run>`) so that the runs sharing this dev server never
 * see each other's rooms or retained presence.
 */
async function runPair(kindA, kindB, run) {
  const label = `${kindA}→${kindB}`;
  const aliceId = `alice-${run}`;
  const bobId = `bob-${run}`;
  // Bob first, so he is online and watching before alice appears.
  const bob = await step(`${label}: ${bobId} (${kindB}) logs in`, () => openUser(server, kindB, bobId));
  opened.push(bob.page);
  await assertLoggedIn(bob);
  const alice = await step(`${label}: ${aliceId} (${kindA}) logs in`, () => openUser(server, kindA, aliceId));
  opened.push(alice.page);
  await assertLoggedIn(alice);

  const { room, sent } = await twoWayChat(alice, bob, { label });

  // Both sides opened the single room, which subscribes the opponent's
  // presence (official: after its 3 s delay). Heartbeats are every 3.5 s.
  await step(`${label}: ${bobId} sees ${aliceId} online`, () => expectPresenceOnline(bob, aliceId));
  await step(`${label}: ${aliceId} sees ${bobId} online`, () => expectPresenceOnline(alice, bobId));

  // Exactly once: each side got the peer's message once (no duplicate
  // newMessagesCallback for the same unique id).
  await step(`${label}: no duplicate deliveries`, async () => {
    const count = async (user, uid) =>
      (await user.page.events('newMessages')).filter((e) =>
        (e.args[0] || []).some((c) => c.unique_temp_id === uid),
      ).length;
    assert.equal(await count(bob, sent[0].unique_temp_id), 1, `${bobId} got ${aliceId}'s message once`);
    assert.equal(await count(alice, sent[1].unique_temp_id), 1, `${aliceId} got ${bobId}'s message once`);
  });

  // Each client reads the history the other wrote: getRoomById gives the
  // room's comments oldest first in both clients (v2 reverses the server's
  // newest-first list).
  await step(`${label}: getRoomById history on both sides`, async () => {
    const want = sent.map((c) => c.unique_temp_id);
    for (const user of [alice, bob]) {
      const got = await user.page.evaluate(async (roomId) => {
        const r = await window.q.getRoomById(roomId);
        return r.comments.map((c) => ({ uid: c.unique_temp_id, id: Number(c.id), email: c.email }));
      }, room.id);
      assert.deepEqual(got.map((c) => c.uid), want, `${user.userId} (${user.kind}) history`);
      assert.deepEqual(got.map((c) => c.email), [aliceId, bobId], `${user.userId} (${user.kind}) senders`);
      assert.deepEqual(got.map((c) => c.id), sent.map((c) => Number(c.id)), `${user.userId} (${user.kind}) ids`);
    }
  });

  for (const p of opened.splice(0)) await p.close().catch(() => {});
  return room;
}

test('official ↔ official (validates dev server + harness)', { timeout: 180000 }, async () => {
  await runPair('official', 'official', 'oo');
});

test('official alice ↔ ours bob', { timeout: 180000 }, async () => {
  await runPair('official', 'ours', 'ou');
});

test('ours alice ↔ official bob', { timeout: 180000 }, async () => {
  await runPair('ours', 'official', 'uo');
});
