// API coverage, users and presence (issue #3): OUR UMD in headless Chromium
// against the dev server; resolved values and callback arguments checked
// against reference §A.4/§B/§E and js/index.d.ts.
//
// blockUser / unblockUser + blockUserCallback / unblockUserCallback (a blocked
// user's 1-on-1 message is not delivered), getBlockedUser, getUsers,
// subscribeUserPresence / unsubscribeUserPresence + presenceCallback(message,
// userId), publishOnlinePresence (no stacked heartbeats), getUserPresences,
// registerDeviceToken / removeDeviceToken.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startDevServer, uniqueId, log, sleep, apiLogin } from './harness.mjs';
import { openUser, step, send, expectMessage, chatTarget, TIMEOUT, countReceived } from './scenario.mjs';

let server;
const pages = [];

before(async () => {
  server = await startDevServer({ label: 'devserver-api-users' });
  log(`[api-users] dev server at ${server.url}`);
});

after(async () => {
  for (const p of pages.splice(0)) await p.close().catch(() => {});
  if (server) await server.stop();
});

async function track(p) {
  const u = await p;
  pages.push(u.page);
  return u;
}

function assertUser(u, { email, username, what = 'user' }) {
  assert.ok(u && typeof u === 'object', `${what} is an object`);
  assert.ok(Number.isInteger(u.id) && u.id > 0, `${what}.id (${u.id})`);
  assert.equal(u.email, email, `${what}.email`);
  if (username !== undefined) assert.equal(u.username, username, `${what}.username`);
  assert.equal(typeof u.avatar_url, 'string', `${what}.avatar_url`);
}

// ---------------------------------------------------------------------------

test('blockUser / unblockUser + callbacks; getBlockedUser; a blocked user’s 1-on-1 message is not delivered', { timeout: 120000 }, async () => {
  const alice = await track(openUser(server, 'ours', 'blk-alice'));
  const bob = await track(openUser(server, 'ours', 'blk-bob'));
  const carol = await track(openUser(server, 'ours', 'blk-carol'));
  const room = await chatTarget(alice, 'blk-bob');
  await chatTarget(bob, 'blk-alice');
  const roomC = await chatTarget(carol, 'blk-alice');

  const blocked = await step('blockUser(bob) resolves results.user', async () => {
    const r = await alice.page.call('blockUser', 'blk-bob');
    assert.equal(r.ok, true, `blockUser rejected: ${r.message} (status ${r.status})`);
    assertUser(r.value, { email: 'blk-bob', username: 'Blk-bob', what: 'blockUser()' });
    return r.value;
  });
  await step('blockUserCallback(user)', async () => {
    const ev = await alice.page.waitForEvent('blockUser', () => true, { timeout: TIMEOUT });
    assert.deepEqual(ev.args, [blocked]);
  });
  await step('getBlockedUser() lists bob', async () => {
    const r = await alice.page.call('getBlockedUser');
    assert.equal(r.ok, true, `getBlockedUser rejected: ${r.message} (status ${r.status})`);
    assert.ok(Array.isArray(r.value), 'an array');
    assert.deepEqual(r.value.map((u) => u.email), ['blk-bob']);
    assertUser(r.value[0], { email: 'blk-bob', username: 'Blk-bob', what: 'getBlockedUser()[0]' });
    const paged = await alice.page.call('getBlockedUser', 2, 10);
    assert.deepEqual(paged.value, [], 'page 2 is empty');
  });
  await step("bob's message to alice in their 1-on-1 is not delivered to alice", async () => {
    const since = await alice.page.mark();
    const uid = uniqueId('blocked');
    await bob.page.call('sendComment', room.id, 'you blocked me', uid);
    // Marker through another room: carol → alice arrives after anything bob's send produced.
    const m = uniqueId('blk-marker');
    const c = await send(carol, roomC.id, 'marker from carol', m);
    await expectMessage(alice, { uid: m, message: 'marker from carol', email: 'blk-carol', roomId: roomC.id, id: c.id });
    await sleep(500);
    assert.equal(await countReceived(alice, uid, since), 0, 'not delivered');
  });
  await step('bob is not blocked for others: alice does not appear in bob’s block list', async () => {
    const r = await bob.page.call('getBlockedUser');
    assert.deepEqual(r.value, []);
  });
  const unblocked = await step('unblockUser(bob) resolves results.user', async () => {
    const r = await alice.page.call('unblockUser', 'blk-bob');
    assert.equal(r.ok, true, `unblockUser rejected: ${r.message} (status ${r.status})`);
    assertUser(r.value, { email: 'blk-bob', username: 'Blk-bob', what: 'unblockUser()' });
    return r.value;
  });
  await step('unblockUserCallback(user)', async () => {
    const ev = await alice.page.waitForEvent('unblockUser', () => true, { timeout: TIMEOUT });
    assert.deepEqual(ev.args, [unblocked]);
  });
  await step('getBlockedUser() is empty; bob’s messages arrive again', async () => {
    assert.deepEqual((await alice.page.call('getBlockedUser')).value, []);
    const uid = uniqueId('unblocked');
    const c = await send(bob, room.id, 'friends again', uid);
    await expectMessage(alice, { uid, message: 'friends again', email: 'blk-bob', roomId: room.id, id: c.id });
  });
});

test('getUsers(query, page, limit) resolves {meta, users}', { timeout: 120000 }, async () => {
  const prefix = `gu${process.pid}`;
  for (const n of ['anna', 'anton', 'bert']) await apiLogin(server, `${prefix}-${n}`, { username: `${n} ${prefix}` });
  const me = await track(openUser(server, 'ours', `${prefix}-me`));
  await step('getUsers(prefix + "-an") finds anna and anton', async () => {
    const r = await me.page.call('getUsers', `${prefix}-an`);
    assert.equal(r.ok, true, `getUsers rejected: ${r.message} (status ${r.status})`);
    const v = r.value;
    assert.ok(v.meta && typeof v.meta === 'object', 'meta');
    assert.equal(v.meta.total_data, 2, 'meta.total_data');
    assert.equal(v.meta.total_page, 1, 'meta.total_page');
    assert.deepEqual(v.users.map((u) => u.email).sort(), [`${prefix}-anna`, `${prefix}-anton`]);
    for (const u of v.users) assertUser(u, { email: u.email, what: `getUsers user ${u.email}` });
    assert.equal(v.users.find((u) => u.email === `${prefix}-anna`).username, `anna ${prefix}`);
  });
  await step('paging: limit 1 → 2 pages', async () => {
    const p1 = await me.page.call('getUsers', `${prefix}-an`, 1, 1);
    const p2 = await me.page.call('getUsers', `${prefix}-an`, 2, 1);
    assert.equal(p1.value.users.length, 1);
    assert.equal(p2.value.users.length, 1);
    assert.equal(p1.value.meta.total_page, 2);
    assert.notEqual(p1.value.users[0].email, p2.value.users[0].email);
  });
  await step('no match → empty list', async () => {
    const r = await me.page.call('getUsers', `${prefix}-nobody`);
    assert.deepEqual(r.value.users, []);
    assert.equal(r.value.meta.total_data, 0);
  });
});

test('subscribeUserPresence / unsubscribeUserPresence: presenceCallback(message, userId); nothing after unsubscribe', { timeout: 120000 }, async () => {
  const watcher = await track(openUser(server, 'ours', 'pr-watcher'));
  const since = await watcher.page.mark();
  await step('subscribeUserPresence(userId) resolves', async () => {
    const r = await watcher.page.call('subscribeUserPresence', 'pr-dave');
    assert.deepEqual(r, { ok: true, isPromise: true, isUndefined: true, value: null });
  });
  const dave = await track(openUser(server, 'ours', 'pr-dave'));
  await step('presenceCallback("1:<epochMs>", "pr-dave") — two arguments', async () => {
    const ev = await watcher.page.waitForEvent('presence', (a) => a[1] === 'pr-dave' && /^1:/.test(a[0]), { since, timeout: 20000 });
    assert.equal(ev.args.length, 2);
    assert.match(ev.args[0], /^1:\d{13}$/);
    assert.ok(Math.abs(Number(ev.args[0].slice(2)) - Date.now()) < 60000, 'recent');
  });
  await step('unsubscribeUserPresence(userId) resolves; dave going offline is not reported', async () => {
    const r = await watcher.page.call('unsubscribeUserPresence', 'pr-dave');
    assert.deepEqual(r, { ok: true, isPromise: true, isUndefined: true, value: null });
    const s2 = await watcher.page.mark();
    await dave.page.call('publishOnlinePresence', false);
    await dave.page.call('logout');
    await sleep(4500); // more than one heartbeat period
    const evs = (await watcher.page.events('presence', s2)).filter((e) => e.args[1] === 'pr-dave');
    assert.deepEqual(evs.map((e) => e.args), [], 'no presence for an unsubscribed user');
  });
  await step('subscribing again delivers the retained state ("0:…" after logout)', async () => {
    const s3 = await watcher.page.mark();
    await watcher.page.call('subscribeUserPresence', 'pr-dave');
    const ev = await watcher.page.waitForEvent('presence', (a) => a[1] === 'pr-dave', { since: s3, timeout: TIMEOUT });
    assert.match(ev.args[0], /^0:\d{13}$/);
  });
});

test('publishOnlinePresence(false/true): watchers see 0 then 1; heartbeats stop while off and do not stack', { timeout: 120000 }, async () => {
  const watcher = await track(openUser(server, 'ours', 'pop-watcher'));
  await watcher.page.call('subscribeUserPresence', 'pop-erin');
  const erin = await track(openUser(server, 'ours', 'pop-erin'));
  await watcher.page.waitForEvent('presence', (a) => a[1] === 'pop-erin' && /^1:/.test(a[0]), { timeout: 20000 });

  await step('publishOnlinePresence(false) → "0:<ms>"; no heartbeat "1" for 5 s', async () => {
    const s = await watcher.page.mark();
    const r = await erin.page.call('publishOnlinePresence', false);
    assert.deepEqual(r, { ok: true, isPromise: true, isUndefined: true, value: null });
    const ev = await watcher.page.waitForEvent('presence', (a) => a[1] === 'pop-erin' && /^0:/.test(a[0]), { since: s, timeout: TIMEOUT });
    assert.match(ev.args[0], /^0:\d{13}$/);
    await sleep(5000);
    const ones = (await watcher.page.events('presence', ev.index + 1)).filter((e) => e.args[1] === 'pop-erin' && /^1:/.test(e.args[0]));
    assert.equal(ones.length, 0, 'heartbeats stopped');
  });
  await step('publishOnlinePresence(true) three times → "1:<ms>"; heartbeats at the normal rate', async () => {
    const s = await watcher.page.mark();
    for (let i = 0; i < 3; i++) await erin.page.call('publishOnlinePresence', true);
    const first = await watcher.page.waitForEvent('presence', (a) => a[1] === 'pop-erin' && /^1:/.test(a[0]), { since: s, timeout: TIMEOUT });
    const t0 = first.t;
    await sleep(8500);
    const later = (await watcher.page.events('presence', s)).filter((e) => e.args[1] === 'pop-erin' && e.t > t0 + 1000 && e.t <= t0 + 8000);
    log(`    heartbeats seen 1 s..8 s after: ${later.length}`);
    assert.ok(later.length >= 1, 'heartbeats go on');
    assert.ok(later.length <= 3, `one heartbeat every 3.5 s, not stacked (got ${later.length} in 7 s)`);
  });
});

test('getUserPresences(userIds) resolves [{email, status, timestamp}]', { timeout: 120000 }, async () => {
  await apiLogin(server, 'gp-offline', { username: 'Offline' });
  const online = await track(openUser(server, 'ours', 'gp-online'));
  const me = await track(openUser(server, 'ours', 'gp-me'));
  await sleep(500);
  const r = await step('getUserPresences([online, offline])', () => me.page.call('getUserPresences', ['gp-online', 'gp-offline']));
  assert.equal(r.ok, true, `getUserPresences rejected: ${r.message} (status ${r.status})`);
  await step('one entry per user with numeric status and a timestamp', () => {
    assert.ok(Array.isArray(r.value));
    const by = Object.fromEntries(r.value.map((x) => [x.email, x]));
    assert.deepEqual(Object.keys(by).sort(), ['gp-offline', 'gp-online']);
    for (const x of r.value) {
      assert.deepEqual(Object.keys(x).sort(), ['email', 'status', 'timestamp']);
      assert.ok(typeof x.timestamp === 'string' || typeof x.timestamp === 'number', `timestamp (${x.timestamp})`);
    }
    assert.equal(by['gp-online'].status, 1, 'online user status 1');
    assert.equal(by['gp-offline'].status, 0, 'never-connected user status 0');
  });
  await step('after the online user logs out, status 0', async () => {
    await online.page.call('logout');
    await sleep(1000);
    const x = await me.page.call('getUserPresences', ['gp-online']);
    assert.equal(x.value[0].status, 0);
  });
});

test('registerDeviceToken / removeDeviceToken resolve the server results', { timeout: 60000 }, async () => {
  const me = await track(openUser(server, 'ours', 'dt-user'));
  const reg = await me.page.call('registerDeviceToken', 'device-token-123', true, 'web');
  assert.equal(reg.ok, true, `registerDeviceToken rejected: ${reg.message} (status ${reg.status})`);
  assert.ok(reg.value && typeof reg.value === 'object', 'results object');
  assert.equal(reg.value.changed, true, 'results.changed');
  const rem = await me.page.call('removeDeviceToken', 'device-token-123', true, 'web');
  assert.equal(rem.ok, true, `removeDeviceToken rejected: ${rem.message} (status ${rem.status})`);
  assert.equal(rem.value.changed, true, 'results.changed');
});
