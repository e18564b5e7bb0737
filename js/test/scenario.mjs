// Two-user chat scenario shared by e2e-skeleton.test.mjs and
// e2e-interop.test.mjs. Each side is a ClientPage running either OUR client
// ('ours', the Go/wasm UMD) or the OFFICIAL qiscus-sdk-core 2.16.9 bundle
// ('official') against the same dev server.
//
// Behaviours of the official client that the scenario accommodates:
//  * setActiveRoom() subscribes the room's typing/receipt topics and the
//    opponent's presence only on the first tick of a 3 s setInterval
//    (reference F.3 / G.19), then emits `room-changed`. Typing sent before that
//    is lost, so for an official page we wait (bounded) for its
//    roomChangedCallback before expecting realtime room traffic.
//  * Its custom events never fire in the normal flow (the adapter listens on
//    the MQTT client that existed at init(), which setUser() replaces; and
//    `sender` is captured before login) — reference G.2. Custom events are
//    therefore only exercised ours <-> ours.
//  * It only parses presence payloads of the form "{0|1}:{epochMs}"; the dev
//    server rewrites the bare "1" heartbeat (reference D.7.5). The
//    official <-> official run checks exactly that.
//  * It needs withConfig: false to keep a ws:// mqttURL (the "wss check" would
//    mangle it, reference A.3); the harness passes withConfig: false to both.

import assert from 'node:assert/strict';

import { openClientPage, uniqueId, log } from './harness.mjs';

export const TIMEOUT = Number(process.env.QISCUS_E2E_WAIT_MS || 15000);

/** Run `fn` and prefix any failure with the step name (keeps failures readable). */
export async function step(name, fn) {
  const t0 = Date.now();
  try {
    const v = await fn();
    log(`  ✓ ${name} (${Date.now() - t0} ms)`);
    return v;
  } catch (err) {
    err.message = `[step: ${name}] ${err.message}`;
    throw err;
  }
}

/** Find a comment with this unique id in a newMessagesCallback argument list. */
export function findComment(args, uid) {
  const list = args && args[0];
  if (!Array.isArray(list)) return undefined;
  return list.find((c) => c && (c.unique_temp_id === uid || c.unique_id === uid));
}

/** Assert the fields of a raw comment as received by a peer. */
export function assertRawComment(c, { uid, message, email, roomId, id }) {
  assert.ok(c, `comment ${uid} present`);
  assert.equal(c.unique_temp_id, uid, 'unique_temp_id');
  assert.equal(c.message, message, 'message');
  assert.equal(c.email, email, 'sender (email)');
  assert.equal(Number(c.room_id), Number(roomId), 'room_id');
  if (id !== undefined) assert.equal(Number(c.id), Number(id), 'id matches the sender’s send result');
  assert.equal(typeof c.timestamp, 'string', 'timestamp is a string');
  assert.ok(Number(c.unix_timestamp) > 1.6e9, `unix_timestamp is epoch seconds (${c.unix_timestamp})`);
}

/** Open a page, init and log in. Returns {page, login}. */
export async function openUser(server, kind, userId, { username = userId[0].toUpperCase() + userId.slice(1) } = {}) {
  const page = await openClientPage(server, { client: kind, label: userId });
  await page.init();
  const login = await page.login(userId, { key: `${userId}-secret-key`, username });
  return { page, login, userId, username, kind };
}

export async function assertLoggedIn(user) {
  const { page, login, userId, username } = user;
  assert.ok(login && login.user, 'setUser resolves {user}');
  assert.equal(login.user.email, userId, 'login user.email');
  assert.equal(login.user.username, username, 'login user.username');
  assert.equal(typeof login.user.token, 'string');
  assert.ok(login.user.token.length >= 8, 'login user.token is a real token');
  const props = await page.evaluate(() => ({
    isLogin: window.q.isLogin,
    isInit: window.q.isInit,
    user_id: window.q.user_id,
    email: window.q.userData && window.q.userData.email,
    token: window.q.userData && window.q.userData.token,
  }));
  assert.deepEqual(props, { isLogin: true, isInit: true, user_id: userId, email: userId, token: login.user.token });
  const ev = await page.waitForEvent('loginSuccess', (a) => a[0] && a[0].user && a[0].user.email === userId, {
    timeout: TIMEOUT,
  });
  assert.equal(ev.args[0].user.token, login.user.token, 'loginSuccessCallback got the same user');
}

/** chatTarget(peer) in the page; returns a plain summary of the Room. */
export async function chatTarget(user, peerId) {
  const room = await user.page.evaluate(async (peer) => {
    const r = await window.q.chatTarget(peer);
    return {
      id: r.id,
      name: r.name,
      room_type: r.room_type,
      participants: (r.participants || []).map((p) => p.email).sort(),
      comments: (r.comments || []).map((c) => ({ id: c.id, unique_temp_id: c.unique_temp_id || c.unique_id })),
      selectedId: window.q.selected && window.q.selected.id,
    };
  }, peerId);
  assert.ok(Number.isInteger(Number(room.id)) && Number(room.id) > 0, `room id is a positive integer (${room.id})`);
  assert.equal(room.room_type, 'single');
  assert.deepEqual(room.participants, [user.userId, peerId].sort(), 'participants');
  assert.equal(Number(room.selectedId), Number(room.id), 'chatTarget selects the room');
  return room;
}

/**
 * The official client subscribes room topics 3 s after setActiveRoom and then
 * emits roomChangedCallback; wait for it (bounded). Our client subscribes
 * before chatTarget resolves, so nothing to wait for.
 */
export async function waitRoomReady(user, roomId) {
  if (user.kind !== 'official') return;
  await user.page.waitForEvent('roomChanged', (a) => a[0] && Number(a[0].id) === Number(roomId), {
    timeout: TIMEOUT,
    message: 'official roomChangedCallback (room topics subscribed after its 3 s delay)',
  });
}

/** sendComment in the page and check the resolved Comment. */
export async function send(user, roomId, message, uid) {
  const c = await user.page.evaluate(
    async ([roomId, message, uid]) => {
      const c = await window.q.sendComment(roomId, message, uid);
      return window.__clone(c);
    },
    [roomId, message, uid],
  );
  assert.ok(Number(c.id) > 0 && Number(c.id) < 1e15, `sendComment resolves the server id (${c.id})`);
  assert.equal(c.unique_temp_id, uid, 'sendComment: unique_temp_id');
  assert.equal(c.unique_id, uid, 'sendComment: unique_id');
  assert.equal(c.message, message, 'sendComment: message');
  // The resolved Comment is the live object: a peer's delivered/read receipt
  // may already have advanced it by the time we look.
  assert.ok(['sent', 'delivered', 'read'].includes(c.status), `sendComment: status is sent or later (got ${c.status})`);
  assert.equal(Number(c.room_id), Number(roomId), 'sendComment: room_id');
  return c;
}

/** Wait until `receiver` got `uid` through newMessagesCallback; assert its fields. */
export async function expectMessage(receiver, { uid, message, email, roomId, id }) {
  const ev = await receiver.page.waitForEvent('newMessages', (a) => !!findComment(a, uid), {
    timeout: TIMEOUT,
    message: `newMessagesCallback with unique_temp_id ${uid}`,
  });
  assert.ok(Array.isArray(ev.args[0]), 'newMessagesCallback gets an array');
  assertRawComment(findComment(ev.args, uid), { uid, message, email, roomId, id });
  return ev;
}

/** typing 1 then 0 from `from`, seen by `to`'s typingCallback in that order. */
export async function expectTyping(from, to, roomId) {
  const since = await to.page.mark();
  const want = (m) => (a) =>
    a[0] && a[0].message === m && a[0].username === from.userId && a[0].room_id === String(roomId);
  await from.page.evaluate(() => window.q.publishTyping(1));
  const on = await to.page.waitForEvent('typing', want('1'), {
    since,
    timeout: TIMEOUT,
    message: `typing "1" from ${from.userId}`,
  });
  await from.page.evaluate(() => window.q.publishTyping(0));
  const off = await to.page.waitForEvent('typing', want('0'), {
    since: on.index + 1,
    timeout: TIMEOUT,
    message: `typing "0" after "1" from ${from.userId}`,
  });
  assert.ok(off.index > on.index, 'typing "0" arrives after "1"');
  assert.equal(on.args[0].message, '1');
  assert.equal(on.args[0].username, from.userId);
  assert.equal(on.args[0].room_id, String(roomId));
  assert.equal(off.args[0].message, '0');
  // No typing from ourselves is reported to ourselves.
  const own = (await from.page.events('typing')).filter((e) => e.args[0] && e.args[0].username === from.userId);
  assert.equal(own.length, 0, `${from.userId} must not get its own typing events`);
}

/** presenceCallback("1:<13 digits>", userId) seen by `watcher`. */
export async function expectPresenceOnline(watcher, userId) {
  const ev = await watcher.page.waitForEvent(
    'presence',
    (a) => a[1] === userId && typeof a[0] === 'string' && a[0].startsWith('1:'),
    { timeout: Math.max(TIMEOUT, 20000), message: `presenceCallback("1:<ms>", "${userId}")` },
  );
  const [message, who] = ev.args;
  assert.equal(who, userId);
  assert.match(message, /^1:\d{13}$/, 'presence payload is "1:{epochMs}"');
  const ms = Number(message.slice(2));
  assert.ok(Math.abs(Date.now() - ms) < 5 * 60 * 1000, `presence timestamp is recent (${ms})`);
  return ev;
}

/**
 * The core two-way run: room, messages both ways with matching unique ids,
 * typing both ways. Returns {alice, bob, room, sent}.
 */
export async function twoWayChat(alice, bob, { label }) {
  const room = await step(`${label}: ${alice.userId}.chatTarget('${bob.userId}')`, () => chatTarget(alice, bob.userId));
  const roomB = await step(`${label}: ${bob.userId}.chatTarget('${alice.userId}') returns the same room`, async () => {
    const r = await chatTarget(bob, alice.userId);
    assert.equal(Number(r.id), Number(room.id), 'both sides get the same single room');
    return r;
  });
  await step(`${label}: room topics subscribed`, async () => {
    await waitRoomReady(alice, room.id);
    await waitRoomReady(bob, roomB.id);
  });

  const sent = [];
  await step(`${label}: alice → bob message`, async () => {
    const uid = uniqueId(`${label}-a2b`);
    const message = `hello bob from ${alice.kind} alice`;
    const c = await send(alice, room.id, message, uid);
    await expectMessage(bob, { uid, message, email: alice.userId, roomId: room.id, id: c.id });
    sent.push(c);
  });
  await step(`${label}: bob → alice message`, async () => {
    const uid = uniqueId(`${label}-b2a`);
    // No "<tag>…</tag>" text: the official client HTML-escapes that pattern
    // before posting (reference E.2), so peers would see "&lt;b&gt;…".
    const message = `hi alice, ${bob.kind} bob here — ünïcödé ✓ "quotes" & 'apostrophes' 😀`;
    const c = await send(bob, room.id, message, uid);
    await expectMessage(alice, { uid, message, email: bob.userId, roomId: room.id, id: c.id });
    assert.ok(Number(c.id) > Number(sent[0].id), 'ids increase');
    sent.push(c);
  });
  await step(`${label}: alice typing 1/0 reaches bob`, () => expectTyping(alice, bob, room.id));
  await step(`${label}: bob typing 1/0 reaches alice`, () => expectTyping(bob, alice, room.id));
  return { room, sent };
}
