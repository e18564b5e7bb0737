// Issue 11 in Chromium: the v2 members, properties and init options that
// were missing or ignored, v2's qiscus.events names, loadComments'
// timestamp, updateLastReceivedComment moving the core's sync cursor, and
// debugMode switched after init. Our UMD against the dev server; bob posts
// over REST. The sdk logic behind them has native -race tests in
// example/integration/v2opts_test.go.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startDevServer, openClientPage, apiLogin, apiCall, uniqueId, waitUntil } from './harness.mjs';
import { TIMEOUT, countReceived } from './scenario.mjs';

let server;
let bob; // {userId, token}
const pages = [];

before(async () => {
  server = await startDevServer({ label: 'devserver-api-v2members' });
  const u = await apiLogin(server, 'v2m-bob', { username: 'Bob' });
  bob = { userId: 'v2m-bob', token: u.token };
});

after(async () => {
  for (const p of pages.splice(0)) await p.close().catch(() => {});
  if (server) await server.stop();
});

/** A page with our client, init(extra) with the recorded callbacks, logged in as userId. */
async function user(userId, init = {}) {
  const page = await openClientPage(server, { label: userId });
  pages.push(page);
  await page.init(init);
  await page.login(userId, { key: `${userId}-key`, username: userId });
  return page;
}

/** bob posts text into room over REST; resolves the server comment. */
async function bobPosts(roomId, text) {
  const uid = uniqueId('v2m');
  const r = await apiCall(server, 'POST', 'post_comment', {
    auth: bob, json: { comment: text, topic_id: String(roomId), unique_temp_id: uid, type: 'text' },
  });
  assert.equal(r.status, 200, `post_comment: ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body.results.comment;
}

const received = (page, uid) => countReceived({ page }, uid);

test('v2 properties exist and init options reach the core (uploadURL, sync, receipt mode, balancer)', async () => {
  const page = await user('v2m-props', {
    uploadURL: 'http://127.0.0.1:1/upload', syncInterval: 7000, syncOnlyWhenDisconnected: true,
    updateCommentStatusMode: 'UpdateCommentStatusMode.throttled', updateCommentStatusThrottleDelay: 120,
    enableRealtimeLB: false,
  });
  const p = await page.evaluate(() => {
    const q = window.q;
    const pick = ['uploadURL', 'syncInterval', 'syncOnConnect', 'syncOnlyWhenDisconnected', 'enableRealtime', 'enableSync',
      'enableSyncEvent', 'enableLb', 'brokerLbUrl', 'extras', 'isTypingStatus', 'chatmateStatus', 'lastReceiveMessages',
      'updateCommentStatusMode', 'updateCommentStatusThrottleDelay', 'uploadedFiles'];
    return Object.fromEntries(pick.map((k) => [k, q[k]]));
  });
  assert.deepEqual(p, {
    uploadURL: 'http://127.0.0.1:1/upload', syncInterval: 7000, syncOnConnect: 30000, syncOnlyWhenDisconnected: true,
    enableRealtime: true, enableSync: true, enableSyncEvent: true, enableLb: false, brokerLbUrl: 'https://realtime-lb.qiscus.com',
    extras: null, isTypingStatus: null, chatmateStatus: null, lastReceiveMessages: [],
    updateCommentStatusMode: 'UpdateCommentStatusMode.throttled', updateCommentStatusThrottleDelay: 120, uploadedFiles: [],
  });
  // init's uploadURL is where upload() goes (nothing listens on port 1) …
  const failed = await page.try((q) => q.upload(new Blob(['hi'], { type: 'text/plain' })));
  assert.equal(failed.ok, false, 'upload to the init uploadURL fails: nothing listens there');
  // … and the property's setter moves it back to the default, which works.
  const ok = await page.try(async (q) => {
    q.uploadURL = null;
    const url = await q.upload(new Blob(['hi'], { type: 'text/plain' }));
    return { url, prop: q.uploadURL };
  });
  assert.equal(ok.ok, true, `upload after uploadURL = null: ${ok.message}`);
  assert.equal(ok.value.prop, server.url + '/api/v2/sdk/upload');
  assert.match(ok.value.url, /^http:\/\/127\.0\.0\.1:\d+\//);
});

test('qiscus.events carries v2 event names; lastReceiveMessages is the last batch', async () => {
  const page = await user('v2m-bus');
  // Listen on every name, then log in again to see login-success.
  await page.evaluate(() => {
    window.__bus = [];
    window.q.events.on('*', (type) => window.__bus.push(type));
  });
  await page.login('v2m-bus', { key: 'v2m-bus-key' });
  const room = await page.evaluate(async () => (await window.q.chatTarget('v2m-bob')).id);
  const c = await bobPosts(room, 'to the bus');
  await page.waitForEvent('newMessages', (a) => a[0].some((x) => x.unique_temp_id === c.unique_temp_id), { timeout: TIMEOUT });
  const r = await page.evaluate(() => ({ bus: [...new Set(window.__bus)], last: window.q.lastReceiveMessages }));
  for (const name of ['login-success', 'chat-room-created', 'newmessages']) assert.ok(r.bus.includes(name), `bus has ${name}: ${r.bus}`);
  for (const name of ['loginSuccess', 'chatRoomCreated', 'newMessages']) assert.ok(!r.bus.includes(name), `bus has no ${name}`);
  assert.equal(r.last.length, 1);
  assert.equal(r.last[0].unique_temp_id, c.unique_temp_id);
  assert.ok(r.bus.includes('start-init'), `bus has start-init: ${r.bus}`);

  // The bus-only events v2 emits after group and presence calls, with the server's results.
  const got = await page.evaluate(async () => {
    const seen = {};
    for (const n of ['participants-added', 'participants-removed', 'user-status']) window.q.events.on(n, (x) => { seen[n] = x; });
    const g = (await window.q.createGroupRoom('v2m-bus-group', ['v2m-bob'])).id;
    await window.q.removeParticipantsFromGroup(g, ['v2m-bob']);
    await window.q.addParticipantsToGroup(g, ['v2m-bob']);
    await window.q.getUserPresences(['v2m-bob']);
    return seen;
  });
  assert.deepEqual(got['participants-removed'], ['v2m-bob'], JSON.stringify(got));
  assert.ok(Array.isArray(got['participants-added']) && got['participants-added'].some((p) => p.email === 'v2m-bob'), JSON.stringify(got));
  assert.ok(got['user-status'] !== undefined && JSON.stringify(got['user-status']).includes('v2m-bob'), JSON.stringify(got));
});

test('debugMode set after init switches the core logger on and off', async () => {
  const page = await user('v2m-debug');
  const lines = () => page.logs.filter((l) => l.includes('Qiscus ->')).length;
  await page.evaluate(() => window.q.getUserProfile());
  assert.equal(lines(), 0, 'nothing logged with debugMode off');
  await page.evaluate(() => { window.q.debugMode = true; });
  // The setter's call and the next one run concurrently in Go: call until one logs.
  await waitUntil(async () => {
    await page.evaluate(() => window.q.getUserProfile());
    return lines() > 0;
  }, { timeout: TIMEOUT, interval: 200, message: 'a Qiscus -> log line after debugMode = true' });
  await page.evaluate(async () => {
    window.q.debugMode = false;
    await window.q.getUserProfile(); // the setter's call runs first: calls are started in order
  });
  const n = lines();
  await page.evaluate(() => window.q.getUserProfile());
  await page.evaluate(() => window.q.getUserProfile());
  assert.equal(lines(), n, 'no more log lines after debugMode = false');
});

test("loadComments sends its timestamp option to load_comments", async () => {
  const page = await user('v2m-load');
  const room = await page.evaluate(async () => (await window.q.chatTarget('v2m-bob')).id);
  const seen = [];
  page.page.on('request', (req) => { if (req.url().includes('/load_comments')) seen.push(new URL(req.url()).searchParams); });
  await page.evaluate((room) => window.q.loadComments(room, { timestamp: '2026-01-02T03:04:05Z', limit: 5 }), room);
  assert.equal(seen.length, 1);
  assert.equal(seen[0].get('timestamp'), '2026-01-02T03:04:05Z');
  assert.equal(seen[0].get('topic_id'), String(room));
});

test('enableRealtime: false and updateLastReceivedComment moving the sync cursor', async () => {
  const page = await user('v2m-cursor', { enableRealtime: false, syncInterval: 3600000 });
  assert.equal(await page.evaluate(() => window.q.enableRealtime), false);
  const room = await page.evaluate(async () => (await window.q.chatTarget('v2m-bob')).id);
  const m1 = await bobPosts(room, 'one');
  const m2 = await bobPosts(room, 'two');
  const m3 = await bobPosts(room, 'three');
  const cur = await page.evaluate(async ([a, b]) => [await window.q.updateLastReceivedComment(b), await window.q.updateLastReceivedComment(a)], [m1.id, m2.id]);
  assert.deepEqual(cur, [m2.id, m2.id], 'the cursor moves up to m2 and not back');
  await page.evaluate(() => window.q.synchronize());
  await page.waitForEvent('newMessages', (a) => a[0].some((x) => x.unique_temp_id === m3.unique_temp_id), { timeout: TIMEOUT });
  assert.equal(await received(page, m1.unique_temp_id), 0, 'm1 is below the cursor the app set');
  assert.equal(await received(page, m2.unique_temp_id), 0, 'm2 is at the cursor the app set');
  assert.equal(await page.evaluate(() => window.q.last_received_comment_id), m3.id);
});

test('the members v2 had and we lacked', async () => {
  const page = await user('v2m-members', { syncInterval: 300 });
  const room = await page.evaluate(async () => window.__clone(await window.q.chatTarget('v2m-bob')));

  // prepareCommentToBeSubmitted: synchronous, a pending Comment
  const prep = await page.evaluate((room) => window.q.prepareCommentToBeSubmitted({ message: 'x', room_id: room, unique_id: 'u-prep' }), room.id);
  assert.equal(prep.status, 'pending');
  assert.equal(prep.isPending, true);
  assert.equal(prep.unique_id, 'u-prep');
  assert.equal(prep.room_id, room.id);
  assert.ok(prep.unix_timestamp > 1.6e9);

  // addUploadedFile / removeUploadedFile: v2's local list
  const files = await page.evaluate((room) => {
    const q = window.q;
    q.addUploadedFile('a.png', room);
    q.addUploadedFile('b.png', room);
    const both = q.uploadedFiles.map((f) => f.name);
    q.removeUploadedFile('a.png', room);
    return [both, q.uploadedFiles];
  }, room.id);
  assert.deepEqual(files, [['a.png', 'b.png'], [{ name: 'b.png', roomId: room.id }]]);

  // getRoomParticipants (v2: broken since 2.14)
  const parts = await page.evaluate((uid) => window.q.getRoomParticipants(uid, 0), room.unique_id);
  assert.deepEqual(parts.participants.map((p) => p.email).sort(), ['v2m-bob', 'v2m-members']);

  // removeSelectedRoomParticipants: local; resolves the previous list
  const rm = await page.evaluate(async () => {
    const before = await window.q.removeSelectedRoomParticipants(['v2m-bob'], 'email');
    return { before: before.map((p) => p.email).sort(), now: window.q.selected.participants.map((p) => p.email) };
  });
  assert.deepEqual(rm, { before: ['v2m-bob', 'v2m-members'], now: ['v2m-members'] });

  // exitChatRoom, then setActiveRoom with the Room object: selected again, live messages flow into it
  const sel = await page.evaluate(async (room) => {
    await window.q.exitChatRoom();
    const none = window.q.selected;
    const r = await window.q.setActiveRoom(room);
    return { none, r: r === undefined, id: window.q.selected && window.q.selected.id };
  }, room);
  assert.deepEqual(sel, { none: null, r: true, id: room.id });
  const a = await bobPosts(room.id, 'into the active room');
  await waitUntil(() => page.evaluate((uid) => window.q.selected.comments.some((c) => c.unique_temp_id === uid), a.unique_temp_id),
    { timeout: TIMEOUT, message: 'the live message lands in selected.comments' });

  // sortComments: selected.comments ordered by unix_timestamp
  const sorted = await page.evaluate(async () => {
    await window.q.sortComments();
    const ts = window.q.selected.comments.map((c) => c.unix_timestamp);
    return ts.length > 0 && ts.every((t, i) => i === 0 || ts[i - 1] <= t);
  });
  assert.equal(sorted, true);

  // clearRoomsCache resolves; stopSync / startSync flip enableSync
  const flags = await page.evaluate(async () => {
    await window.q.clearRoomsCache();
    await window.q.stopSync();
    const off = window.q.enableSync;
    await window.q.startSync();
    return [off, window.q.enableSync];
  });
  assert.deepEqual(flags, [false, true]);

  // closeRealtimeConnection: messages come by /sync; openRealtimeConnection reconnects
  const before = (await page.events('onReconnect')).length;
  await page.evaluate(() => window.q.closeRealtimeConnection());
  const b = await bobPosts(room.id, 'while realtime is closed');
  await page.waitForEvent('newMessages', (x) => x[0].some((c) => c.unique_temp_id === b.unique_temp_id), { timeout: TIMEOUT });
  await page.evaluate(() => window.q.openRealtimeConnection());
  await waitUntil(async () => (await page.events('onReconnect')).length > before, { timeout: TIMEOUT, message: 'onReconnectCallback after openRealtimeConnection' });

  // onReconnectMqtt fires onReconnectCallback and the 'reconnect' bus event
  const n = (await page.events('onReconnect')).length;
  const bus = await page.evaluate(() => {
    let seen = 0;
    window.q.events.on('reconnect', () => { seen++; });
    window.q.onReconnectMqtt();
    return seen;
  });
  assert.equal(bus, 1);
  assert.equal((await page.events('onReconnect')).length, n + 1);

  // setEventListeners: a no-op; callbacks still fire once per message
  assert.equal(await page.evaluate(() => window.q.setEventListeners()), undefined);
  const c = await bobPosts(room.id, 'after setEventListeners');
  await page.waitForEvent('newMessages', (x) => x[0].some((m) => m.unique_temp_id === c.unique_temp_id), { timeout: TIMEOUT });
  assert.equal(await received(page, c.unique_temp_id), 1);
});

/** A loopback address nothing listens on (bound, then released). */
async function deadAddress() {
  const net = await import('node:net');
  const srv = net.createServer();
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return `127.0.0.1:${port}`;
}

test('brokerLbURL/enableRealtimeLB: with the broker down the balancer names the one that works', async () => {
  const page = await user('v2m-lb', {
    mqttURL: `ws://${await deadAddress()}/mqtt`,
    brokerLbURL: server.url + '/broker_lb', enableRealtimeLB: true, syncInterval: 3600000, syncOnConnect: -1,
  });
  await waitUntil(() => page.evaluate((u) => window.q.mqttURL === u, server.mqttURL),
    { timeout: TIMEOUT, message: 'mqttURL from the load balancer' });
  assert.equal(await page.evaluate(() => window.q.enableLb), true);
  const room = await page.evaluate(async () => (await window.q.chatTarget('v2m-bob')).id);
  const c = await bobPosts(room, 'through the balanced broker');
  await page.waitForEvent('newMessages', (a) => a[0].some((x) => x.unique_temp_id === c.unique_temp_id), { timeout: TIMEOUT });
});

test('withConfig: the app config sets enableSync, enableSyncEvent and syncOnConnect', async () => {
  const page = await user('v2m-config', { withConfig: true });
  const p = await page.evaluate(() => ({ s: window.q.enableSync, e: window.q.enableSyncEvent, c: window.q.syncOnConnect, x: window.q.extras }));
  // the devserver's config: enable_sync true, enable_sync_event false, sync_on_connect 10000, extras ""
  assert.deepEqual(p, { s: true, e: false, c: 10000, x: null });
});
