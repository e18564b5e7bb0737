// API coverage, bad input (issue #3 item 2): OUR UMD in headless Chromium
// against the dev server.
//
//  * Every method given wrong types or missing required arguments rejects
//    (synchronous methods throw) with an Error whose message names the
//    argument, with .status 0 (a client-side check), and sends nothing.
//  * Before setUser, methods that need a session reject naming the login.
//  * Server errors surface as an Error with the HTTP .status (403/404 for a
//    room you are not in, and so on).
//  * The client keeps working afterwards: a normal send still arrives.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startDevServer, openClientPage, uniqueId, log, apiLogin } from './harness.mjs';
import { openUser, step, send, expectMessage, chatTarget, assertArgError, countReceived, softChecks } from './scenario.mjs';

let server;
const pages = [];
let alice;
let bob;
let room;

before(async () => {
  server = await startDevServer({ label: 'devserver-api-badinput' });
  log(`[api-badinput] dev server at ${server.url}`);
  await apiLogin(server, 'bi-carol', { username: 'Carol' });
  bob = await openUser(server, 'ours', 'bi-bob');
  pages.push(bob.page);
  alice = await openUser(server, 'ours', 'bi-alice');
  pages.push(alice.page);
  room = await chatTarget(alice, 'bi-bob');
  await chatTarget(bob, 'bi-alice');
});

after(async () => {
  for (const p of pages.splice(0)) await p.close().catch(() => {});
  if (server) await server.stop();
});

async function stillWorks(label) {
  const uid = uniqueId(label);
  const text = `still works after ${label}`;
  const c = await send(alice, room.id, text, uid);
  await expectMessage(bob, { uid, message: text, email: 'bi-alice', roomId: room.id, id: c.id });
}

// [method, args, the argument the message must name]. `FN` stands for a
// function argument (functions cannot cross page.evaluate).
const FN = '__fn__';
const ROOM = '__room__';
const ASYNC_CASES = [
  ['setUser', [], /userId/],
  ['setUser', [{ a: 1 }, 'key'], /userId/],
  ['setUser', ['bi-x'], /userKey|key/],
  ['setUser', ['bi-x', 'key', 'Name', 'http://a/b.png', 'not-an-object'], /extras/],
  ['verifyIdentityToken', [], /identityToken/],
  ['verifyIdentityToken', [{ token: 'x' }], /identityToken/],
  ['setUserWithIdentityToken', [], /data/],
  ['setUserWithIdentityToken', ['a string'], /data/],
  ['setUserWithIdentityToken', [{ no: 'user' }], /data/],
  ['updateProfile', [], /profile/],
  ['updateProfile', ['Alice'], /profile/],
  ['chatTarget', [], /userId/],
  ['chatTarget', [['bi-bob']], /userId/],
  ['chatTarget', ['bi-bob', 'options-as-string'], /options/],
  ['getRoomById', [], /roomId|\bid\b/],
  ['getRoomById', ['abc'], /roomId|\bid\b/],
  ['getRoomById', [-5], /roomId|\bid\b/],
  ['chatGroup', [{}], /roomId|\bid\b/],
  ['getOrCreateRoomByUniqueId', [], /uniqueId/],
  ['getOrCreateRoomByUniqueId', [{ id: 1 }], /uniqueId/],
  ['getOrCreateRoomByUniqueId', ['bad/unique+id'], /uniqueId/],
  ['getOrCreateRoomByChannel', [], /uniqueId|channel/],
  ['createGroupRoom', [], /name/],
  ['createGroupRoom', ['Team'], /userIds/],
  ['createGroupRoom', ['Team', 'bi-bob'], /userIds/],
  ['createGroupRoom', ['Team', ['bi-bob', '']], /userIds/],
  ['createGroupRoom', ['Team', ['bi-bob'], 'opts'], /options/],
  ['getRoomsInfo', ['ids'], /options/],
  ['getRoomsInfo', [{ room_ids: 'x' }], /room_ids|options/],
  ['loadRoomList', ['page 1'], /options/],
  ['updateRoom', [], /room/],
  ['updateRoom', [{ room_name: 'no id' }], /\bid\b/],
  ['updateRoom', [{ id: 'abc' }], /\bid\b/],
  ['addParticipantsToGroup', [], /roomId/],
  ['addParticipantsToGroup', [ROOM], /userIds/],
  ['addParticipantsToGroup', [ROOM, 'bi-carol'], /userIds/],
  ['removeParticipantsFromGroup', [ROOM, 'bi-carol'], /userIds/],
  ['removeParticipantsFromGroup', [null, ['bi-carol']], /roomId/],
  ['getParticipants', [], /roomUniqueId/],
  ['getParticipants', [{}], /roomUniqueId/],
  ['clearRoomMessages', [], /roomUniqueIds/],
  ['clearRoomMessages', ['one-id'], /roomUniqueIds/],
  ['sendComment', [], /roomId/],
  ['sendComment', ['abc', 'text'], /roomId/],
  ['sendComment', [ROOM, { text: 'x' }], /text/],
  ['sendComment', [ROOM, 'text', { uid: 1 }], /uniqueId/],
  ['sendComment', [ROOM, 'text', undefined, 'custom', 'not json {'], /payload/],
  ['sendComment', [ROOM, 'text', undefined, 'text', null, 'extras-string'], /extras/],
  ['loadComments', [], /roomId/],
  ['loadComments', [ROOM, 'options'], /options/],
  ['loadComments', [ROOM, { limit: 1000 }], /limit/],
  ['readComment', [], /roomId/],
  ['readComment', [ROOM], /commentId/],
  ['receiveComment', [ROOM, 'x'], /commentId/],
  ['deleteComment', [ROOM], /commentUniqueIds/],
  ['deleteComment', [ROOM, 'a-uid'], /commentUniqueIds/],
  ['updateMessage', [], /message/],
  ['updateMessage', [{ message: 'no unique id' }], /unique_id/],
  ['resendComment', [], /comment/],
  ['resendComment', [{ message: 'no room' }], /room_id/],
  ['searchMessages', [], /options/],
  ['searchMessage', [], /options/],
  ['searchMessage', [{ query: 'x', roomType: 'bogus' }], /roomType/],
  ['getFileList', ['files'], /options/],
  ['blockUser', [], /userId/],
  ['unblockUser', [['bi-bob']], /userId/],
  ['getUsers', [{ q: 1 }], /query/],
  ['subscribeUserPresence', [], /userId/],
  ['unsubscribeUserPresence', [], /userId/],
  ['publishOnlinePresence', [], /online/],
  ['getUserPresences', [], /userIds/],
  ['getUserPresences', ['bi-bob'], /userIds/],
  ['registerDeviceToken', [], /token/],
  ['removeDeviceToken', [''], /token/],
  ['publishTyping', [], /value/],
  ['publishEvent', [], /roomId/],
  ['publishEvent', [ROOM], /payload/],
  ['publishEvent', [ROOM, 'payload'], /payload/],
  ['subscribeEvent', [ROOM], /callback/],
  ['subscribeEvent', [undefined, FN], /roomId/],
  ['unsubscribeEvent', [], /roomId/],
  ['setCustomHeader', [], /headers/],
  ['setCustomHeader', ['X-A: b'], /headers/],
  ['setCustomHeader', [{ 'X-A': 1 }], /headers/],
  ['upload', ['not a file'], /file/],
  ['uploadFile', [], /roomId/],
  ['uploadFile', [ROOM, 'not a file'], /file/],
];

const SYNC_CASES = [
  ['generateMessage', [], /options/],
  ['generateMessage', [{ text: 'no room' }], /roomId/],
  ['generateFileAttachmentMessage', [{ roomId: 1 }], /url/],
  ['generateCustomMessage', [{ roomId: 1, text: 'x' }], /type/],
  ['generateReplyMessage', [{ roomId: 1, text: 'x' }], /repliedMessage/],
  ['getThumbnailURL', [], /url/],
  ['getBlurryThumbnailURL', [{}], /url/],
];

function callBad(user, method, args, { sync = false } = {}) {
  return user.page.evaluate(
    async ([method, args, roomId, FN, ROOM, sync]) => {
      const real = args.map((a) => (a === FN ? () => {} : a === ROOM ? roomId : a));
      try {
        const ret = window.q[method](...real);
        if (sync) return { ok: true, threw: false, isPromise: ret instanceof Promise, value: window.__clone(ret) };
        const v = await ret;
        return { ok: true, value: v === undefined ? '(undefined)' : window.__clone(v), isPromise: true };
      } catch (err) {
        return window.__failure(err);
      }
    },
    [method, args, room.id, FN, ROOM, sync],
  );
}

const show = (args) => args.map((a) => (a === FN ? 'fn' : a === ROOM ? 'roomId' : JSON.stringify(a))).join(', ');

test('bad arguments: every method rejects (or throws) with an Error naming the argument, status 0; nothing is sent', { timeout: 240000 }, async () => {
  const soft = softChecks('bad arguments');
  const sinceBob = await bob.page.mark();
  for (const [method, args, name] of ASYNC_CASES) {
    await soft.check(`${method}(${show(args)}) → names ${name}`, async () => {
      const r = await callBad(alice, method, args);
      assertArgError(r, name, `${method}(${show(args)})`);
      assert.ok(r.status === 0, `client-side check: status 0 (got ${r.status})`);
    });
  }
  for (const [method, args, name] of SYNC_CASES) {
    await soft.check(`${method}(${show(args)}) throws synchronously naming ${name}`, async () => {
      const r = await callBad(alice, method, args, { sync: true });
      assert.equal(r.ok, false, `must throw (returned ${JSON.stringify(r.value)?.slice(0, 120)})`);
      assert.equal(r.isError, true, 'an Error');
      assert.match(r.message, name);
    });
  }
  await soft.check('intercept(unknown name) / intercept(name, not a function) throw synchronously', async () => {
    const r = await alice.page.evaluate(() => {
      const out = [];
      for (const f of [() => window.q.intercept('bogus', () => 0), () => window.q.intercept('message::before-sent', 'x')]) {
        try { f(); out.push(null); } catch (e) { out.push({ isError: e instanceof Error, message: e.message }); }
      }
      return out;
    });
    assert.ok(r[0] && r[0].isError, 'unknown interceptor throws');
    assert.ok(r[1] && r[1].isError, 'non-function throws');
  });
  await step('after all rejections the client still works (state intact, a send arrives)', async () => {
    const p = await alice.page.evaluate(() => ({ isLogin: window.q.isLogin, user_id: window.q.user_id }));
    assert.deepEqual(p, { isLogin: true, user_id: 'bi-alice' });
    await stillWorks('bad-args');
    const evs = await bob.page.events('newMessages', sinceBob);
    const texts = evs.flatMap((e) => e.args[0]).map((c) => c.message);
    assert.deepEqual(texts, ['still works after bad-args'], 'nothing from the bad calls reached bob');
  });
  soft.done();
});

test('init() without a valid AppId rejects "Please provide valid AppId"', { timeout: 60000 }, async () => {
  const page = await openClientPage(server, { client: 'ours', label: 'bi-init' });
  pages.push(page);
  const r = await page.evaluate(async () => {
    const out = [];
    for (const cfg of [undefined, {}, { AppId: '' }, 'dev']) {
      const q = new window.QiscusSDKCore();
      try { await q.init(cfg); out.push(null); } catch (e) { out.push({ isError: e instanceof Error, message: e.message, status: e.status }); }
    }
    return out;
  });
  for (const x of r) {
    assert.ok(x && x.isError, 'rejects with an Error');
    assert.match(x.message, /Please provide valid AppId/);
  }
});

test('before setUser: session methods reject naming the missing login (status 0)', { timeout: 120000 }, async () => {
  const page = await openClientPage(server, { client: 'ours', label: 'bi-early' });
  pages.push(page);
  await page.init();
  const early = { page };
  const soft = softChecks('before setUser');
  const cases = [
    ['loadRoomList', []], ['getRoomById', [1]], ['chatTarget', ['bi-bob']], ['createGroupRoom', ['n', ['bi-bob']]],
    ['getOrCreateRoomByUniqueId', ['u1']], ['getRoomsInfo', [{ room_ids: [1] }]], ['updateRoom', [{ id: 1, room_name: 'x' }]],
    ['addParticipantsToGroup', [1, ['bi-bob']]], ['getParticipants', ['u']], ['getTotalUnreadCount', []], ['getRoomUnreadCount', []],
    ['clearRoomMessages', [['u']]], ['loadComments', [1]], ['deleteComment', [1, ['u']]], ['updateMessage', [{ unique_id: 'u', message: 'm' }]],
    ['searchMessage', [{ query: 'q' }]], ['getFileList', [{}]], ['blockUser', ['bi-bob']], ['getBlockedUser', []], ['getUsers', ['b']],
    ['getUserPresences', [['bi-bob']]], ['updateProfile', [{ name: 'x' }]], ['getUserProfile', []], ['refreshAuthToken', []],
    ['publishOnlinePresence', [true]], ['registerDeviceToken', ['t']],
  ];
  for (const [method, args] of cases) {
    await soft.check(`${method} before setUser`, async () => {
      const r = await callBad(early, method, args);
      assert.equal(r.ok, false, `must reject (resolved ${JSON.stringify(r.value)?.slice(0, 120)})`);
      assert.equal(r.isError, true, 'an Error');
      assert.match(r.message, /log ?in|logged|setUser|user/i, `names the missing login: ${r.message}`);
      assert.equal(r.status, 0, `client-side: status 0 (got ${r.status})`);
    });
  }
  await soft.check('getNonce works before setUser', async () => {
    const r = await page.call('getNonce');
    assert.equal(r.ok, true, r.message);
  });
  soft.done();
});

test('server errors surface with .status; the client keeps working afterwards', { timeout: 180000 }, async () => {
  const soft = softChecks('server errors');
  // A group alice is not in: bob + carol.
  const foreign = await bob.page.evaluate(() => window.q.createGroupRoom('Not for alice', ['bi-carol']));
  const foreignRoom = await bob.page.evaluate((id) => window.q.getRoomById(id).then((r) => ({ id: r.id, unique_id: r.unique_id })), foreign.id);
  const bobMsg = await send(bob, room.id, 'bob wrote this', uniqueId('bob-own'));
  await bob.page.evaluate(() => window.q.exitChatRoom());
  await bob.page.evaluate((id) => window.q.getRoomById(id), room.id);

  const cases = [
    ['getRoomById(room you are not in)', 'getRoomById', [foreign.id], [403, 404]],
    ['chatGroup(room you are not in)', 'chatGroup', [foreign.id], [403, 404]],
    ['getRoomById(no such room)', 'getRoomById', [987654321], [404]],
    ['loadComments(room you are not in)', 'loadComments', [foreign.id], [403, 404]],
    ['sendComment(room you are not in)', 'sendComment', [foreign.id, 'sneaky', uniqueId('sneaky')], [403, 404]],
    ['updateRoom(room you are not in)', 'updateRoom', [{ id: foreign.id, room_name: 'hijack' }], [403, 404]],
    ['addParticipantsToGroup(room you are not in)', 'addParticipantsToGroup', [foreign.id, ['bi-alice']], [403, 404]],
    ['addParticipantsToGroup(unknown user)', 'addParticipantsToGroup', [foreign.id, ['nobody-here']], [403, 404]],
    ['getParticipants(room you are not in)', 'getParticipants', [foreignRoom.unique_id], [403, 404]],
    ['getParticipants(unknown unique id)', 'getParticipants', ['no-such-unique-id'], [404]],
    ['chatTarget(unknown user)', 'chatTarget', ['no-such-user'], [404]],
    ['deleteComment(someone else’s comment)', 'deleteComment', [room.id, [bobMsg.unique_temp_id]], [403, 404]],
    ['updateMessage(someone else’s comment)', 'updateMessage', [{ unique_id: bobMsg.unique_temp_id, message: 'edited by alice' }], [403, 404]],
    ['verifyIdentityToken(garbage)', 'verifyIdentityToken', ['not.a.jwt'], [400, 401]],
    ['blockUser(unknown user)', 'blockUser', ['no-such-user'], [404]],
    ['getRoomsInfo(room you are not in) is not an error: no info', null, null, null],
  ];
  const sinceBob = await bob.page.mark();
  for (const [what, method, args, statuses] of cases) {
    if (!method) continue;
    await soft.check(what, async () => {
      const r = await callBad(alice, method, args);
      assert.equal(r.ok, false, `must reject (resolved ${JSON.stringify(r.value)?.slice(0, 160)})`);
      assert.equal(r.isError, true, 'an Error');
      assert.ok(statuses.includes(r.status), `.status ${statuses.join('/')} (got ${r.status}: ${r.message})`);
      assert.ok(r.message.length > 0, 'a message');
    });
  }
  await soft.check('getRoomsInfo of a room you are not in leaves it out', async () => {
    const r = await alice.page.call('getRoomsInfo', { room_ids: [foreign.id] });
    assert.equal(r.ok, true, r.message);
    assert.deepEqual(r.value.results.rooms_info, []);
  });
  await soft.check('the refused edits did not happen', async () => {
    const r = await bob.page.evaluate((id) => window.q.getRoomById(id).then((x) => ({ name: x.name, parts: x.participants.map((p) => p.email).sort(), msgs: x.comments.map((c) => c.message) })), foreign.id);
    assert.equal(r.name, 'Not for alice');
    assert.deepEqual(r.parts, ['bi-bob', 'bi-carol']);
    assert.deepEqual(r.msgs, []);
    await bob.page.evaluate((id) => window.q.getRoomById(id), room.id);
    const hist = await bob.page.evaluate((id) => window.q.loadComments(id).then((cs) => cs.map((c) => [c.unique_temp_id, c.message])), room.id);
    assert.deepEqual(hist.find(([u]) => u === bobMsg.unique_temp_id), [bobMsg.unique_temp_id, 'bob wrote this']);
  });
  await step('the client keeps working: a normal send arrives; nothing else reached bob', async () => {
    await stillWorks('server-errors');
    assert.equal(await countReceived(bob, 'nonexistent', sinceBob), 0);
    const texts = (await bob.page.events('newMessages', sinceBob)).flatMap((e) => e.args[0]).map((c) => c.message);
    assert.ok(!texts.includes('sneaky'), 'the refused send did not arrive');
    assert.ok(texts.includes('still works after server-errors'));
  });
  soft.done();
});
