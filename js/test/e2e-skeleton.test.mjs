// End-to-end, ours ↔ ours: two headless Chromium pages (own profiles) run OUR
// Go/wasm UMD as alice and bob against one dev server. Real REST, real MQTT
// over WebSocket, real SQLite.
//
// Steps (one test, sequential, each labelled in the log and in failures):
//   login (+ properties and loginSuccessCallback) · presence: bob watches
//   alice come online · chatTarget both ways → same single room · alice → bob
//   and bob → alice messages with caller-chosen unique ids (newMessagesCallback
//   gets an array holding the raw comment; ids match the send results) ·
//   commentSentCallback · typing 1 then 0 both ways · custom event
//   {sender, data} and unsubscribe · reload + login again → loadComments and
//   getRoomById give the history in our documented order.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startDevServer, uniqueId, sleep, log } from './harness.mjs';
import {
  openUser, assertLoggedIn, step, twoWayChat, expectPresenceOnline, send, expectMessage, TIMEOUT,
} from './scenario.mjs';

let server;
const pages = [];

before(async () => {
  server = await startDevServer({ label: 'devserver-skeleton' });
  log(`[skeleton] dev server at ${server.url}`);
});

after(async () => {
  for (const p of pages.splice(0)) await p.close().catch(() => {});
  if (server) await server.stop();
});

test('ours ↔ ours: login, presence, messages, typing, custom events, history after reload', { timeout: 240000 }, async () => {
  const bob = await step('bob logs in', () => openUser(server, 'ours', 'bob'));
  pages.push(bob.page);
  await step('bob: login result, properties, loginSuccessCallback', () => assertLoggedIn(bob));

  // Presence: bob watches alice before she exists/logs in, so the "1:<ms>"
  // he sees is produced by alice's login, not something older.
  await step("bob subscribes alice's presence", async () => {
    const has = await bob.page.evaluate(() => typeof window.q.subscribeUserPresence === 'function');
    assert.equal(has, true, 'subscribeUserPresence is part of the v2 API');
    await bob.page.evaluate(() => window.q.subscribeUserPresence('alice'));
  });
  const beforeAlice = Date.now();

  const alice = await step('alice logs in', () => openUser(server, 'ours', 'alice'));
  pages.push(alice.page);
  await step('alice: login result, properties, loginSuccessCallback', () => assertLoggedIn(alice));

  await step('bob sees alice online: presenceCallback("1:<13 digits>", "alice")', async () => {
    const ev = await expectPresenceOnline(bob, 'alice');
    const ms = Number(ev.args[0].slice(2));
    assert.ok(ms >= beforeAlice - 2000, `presence timestamp ${ms} is from alice's login (after ${beforeAlice})`);
  });

  const { room, sent } = await twoWayChat(alice, bob, { label: 'ours→ours' });

  await step('chatRoomCreatedCallback got the room', async () => {
    const ev = await alice.page.waitForEvent(
      'chatRoomCreated',
      (a) => a[0] && a[0].room && Number(a[0].room.id) === Number(room.id),
      { timeout: TIMEOUT },
    );
    assert.equal(ev.args[0].room.room_type, 'single');
  });

  await step('commentSentCallback got each sent comment', async () => {
    for (const [who, c] of [[alice, sent[0]], [bob, sent[1]]]) {
      const ev = await who.page.waitForEvent(
        'commentSent',
        (a) => a[0] && a[0].comment && a[0].comment.unique_temp_id === c.unique_temp_id,
        { timeout: TIMEOUT },
      );
      assert.equal(Number(ev.args[0].comment.id), Number(c.id), 'commentSent: id');
      assert.equal(ev.args[0].comment.status, 'sent', 'commentSent: status');
    }
  });

  await step('selected.comments holds both messages, ascending', async () => {
    const got = await alice.page.evaluate(() =>
      window.q.selected.comments.map((c) => ({ id: Number(c.id), uid: c.unique_temp_id, message: c.message })),
    );
    const uids = got.map((c) => c.uid);
    assert.deepEqual(uids, [sent[0].unique_temp_id, sent[1].unique_temp_id], 'alice selected.comments');
    assert.ok(got[0].id < got[1].id, 'ascending ids');
  });

  // Custom events: bob subscribes the room's event topic; alice publishes.
  // v2's subscribeEvent gives no "subscribed" signal; ours returns a Promise
  // that resolves once the broker acknowledged, which we await.
  const roomKey = String(room.id);
  await step('custom event: alice publishEvent → bob subscribeEvent callback {sender, data}', async () => {
    await bob.page.evaluate(async (roomKey) => {
      window.__customCb = window.__record('customEvent');
      await window.q.subscribeEvent(roomKey, window.__customCb);
    }, roomKey);
    const since = await bob.page.mark();
    await alice.page.evaluate((roomKey) => window.q.publishEvent(roomKey, { hello: 'x' }), roomKey);
    const ev = await bob.page.waitForEvent('customEvent', () => true, { since, timeout: TIMEOUT });
    assert.deepEqual(ev.args[0], { sender: 'alice', data: { hello: 'x' } });
  });

  await step('custom event: nothing after unsubscribeEvent', async () => {
    await bob.page.evaluate((roomKey) => window.q.unsubscribeEvent(roomKey), roomKey);
    const since = await bob.page.mark();
    await alice.page.evaluate((roomKey) => window.q.publishEvent(roomKey, { hello: 'after-unsubscribe' }), roomKey);
    // Marker: a chat message published after the event; once bob has it, the
    // earlier event would have arrived too (same broker path, in order).
    const uid = uniqueId('marker');
    const c = await send(alice, room.id, 'marker after unsubscribe', uid);
    await expectMessage(bob, { uid, message: 'marker after unsubscribe', email: 'alice', roomId: room.id, id: c.id });
    sent.push(c);
    await sleep(300);
    const late = (await bob.page.events('customEvent', since));
    assert.deepEqual(late.map((e) => e.args[0]), [], 'no custom event after unsubscribe');
  });

  await step('alice reloads the page and logs in again', async () => {
    await alice.page.reload();
    await alice.page.init();
    const login = await alice.page.login('alice', { key: 'alice-secret-key', username: 'Alice' });
    assert.equal(login.user.email, 'alice');
    const selected = await alice.page.evaluate(() => window.q.selected);
    assert.equal(selected, null, 'no room selected after reload');
  });

  const sentIds = sent.map((c) => Number(c.id));
  const sentUids = sent.map((c) => c.unique_temp_id);

  // Our index.d.ts documents loadComments as "always oldest first" (v2 passed
  // the server's newest-first array through, reversing it in place only when
  // a room was selected). Check both cases, by ids and unique ids.
  await step('loadComments with no room selected: full history, oldest first', async () => {
    const list = await alice.page.evaluate(
      (roomId) => window.q.loadComments(roomId).then((cs) => cs.map((c) => ({ id: Number(c.id), uid: c.unique_temp_id, message: c.message, email: c.email }))),
      room.id,
    );
    assert.deepEqual(list.map((c) => c.uid), sentUids, 'history order (oldest first) by unique id');
    assert.deepEqual(list.map((c) => c.id), sentIds, 'history ids');
    for (let i = 1; i < list.length; i++) assert.ok(list[i - 1].id < list[i].id, 'strictly ascending ids');
    assert.deepEqual(list.map((c) => c.email), ['alice', 'bob', 'alice']);
    assert.deepEqual(list.map((c) => c.message), sent.map((c) => c.message));
  });

  await step('loadComments paging: last_comment_id + limit returns the older ones, oldest first', async () => {
    const list = await alice.page.evaluate(
      ([roomId, last]) => window.q.loadComments(roomId, { last_comment_id: last, limit: 1 }).then((cs) => cs.map((c) => Number(c.id))),
      [room.id, sentIds[2]],
    );
    assert.deepEqual(list, [sentIds[1]], 'one comment older than the last');
    const after = await alice.page.evaluate(
      ([roomId, first]) => window.q.loadComments(roomId, { last_comment_id: first, after: true, limit: 20 }).then((cs) => cs.map((c) => Number(c.id))),
      [room.id, sentIds[0]],
    );
    assert.deepEqual(after, sentIds.slice(1), 'comments after the first, oldest first');
  });

  await step('getRoomById after reload: room with history ascending, selected', async () => {
    const r = await alice.page.evaluate(async (roomId) => {
      const r = await window.q.getRoomById(roomId);
      return {
        id: Number(r.id),
        room_type: r.room_type,
        comments: r.comments.map((c) => c.unique_temp_id),
        selected: Number(window.q.selected && window.q.selected.id),
        selectedComments: window.q.selected.comments.map((c) => c.unique_temp_id),
      };
    }, room.id);
    assert.equal(r.id, Number(room.id));
    assert.equal(r.room_type, 'single');
    assert.equal(r.selected, Number(room.id));
    assert.deepEqual(r.comments, sentUids);
    assert.deepEqual(r.selectedComments, sentUids);
  });

  await step('loadComments with the room selected: still oldest first', async () => {
    const list = await alice.page.evaluate(
      (roomId) => window.q.loadComments(roomId).then((cs) => cs.map((c) => Number(c.id))),
      room.id,
    );
    assert.deepEqual(list, sentIds);
  });

  await step('after reload alice still receives bob’s messages', async () => {
    const uid = uniqueId('after-reload');
    const c = await send(bob, room.id, 'welcome back', uid);
    await expectMessage(alice, { uid, message: 'welcome back', email: 'bob', roomId: room.id, id: c.id });
  });
});
