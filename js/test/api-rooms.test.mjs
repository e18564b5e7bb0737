// API coverage, rooms (issue #3): OUR UMD in headless Chromium against the
// dev server; every resolved value and callback argument checked against
// reference §A.4/§B/§E and js/index.d.ts.
//
// chatTarget + chatRoomCreatedCallback, getRoomById/chatGroup,
// createGroupRoom + groupRoomCreatedCallback, getOrCreateRoomByUniqueId /
// getOrCreateRoomByChannel, getRoomsInfo, loadRoomList (incl. a room without
// messages), updateRoom, addParticipantsToGroup / removeParticipantsFromGroup
// (selected.participants changes only for that room), getParticipants,
// getTotalUnreadCount / getRoomUnreadCount, exitChatRoom, clearRoomMessages +
// roomClearedCallback. Property: selected.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startDevServer, uniqueId, log, sleep, apiLogin, waitUntil } from './harness.mjs';
import {
  openUser, step, send, expectMessage, chatTarget, TIMEOUT, countReceived, selectedSummary,
} from './scenario.mjs';

let server;
const pages = [];
let alice;
let bob;

const A = 'rm-alice';
const B = 'rm-bob';
const C = 'rm-carol';
const D = 'rm-dave';

before(async () => {
  server = await startDevServer({ label: 'devserver-api-rooms' });
  log(`[api-rooms] dev server at ${server.url}`);
  // carol and dave exist (registered over REST) but have no client.
  await apiLogin(server, C, { username: 'Carol' });
  await apiLogin(server, D, { username: 'Dave' });
  bob = await openUser(server, 'ours', B);
  pages.push(bob.page);
  alice = await openUser(server, 'ours', A);
  pages.push(alice.page);
});

after(async () => {
  for (const p of pages.splice(0)) await p.close().catch(() => {});
  if (server) await server.stop();
});

/** The v2 Room shape (§E.3 / index.d.ts Room), field by field. */
function assertRoom(r, { id, type, name, participants, isChannel = false, what = 'room' }) {
  assert.ok(r && typeof r === 'object', `${what} is an object`);
  assert.ok(Number.isInteger(r.id) && r.id > 0, `${what}.id is a positive integer (${r.id})`);
  if (id !== undefined) assert.equal(r.id, Number(id), `${what}.id`);
  if (name !== undefined) {
    assert.equal(r.name, name, `${what}.name`);
    assert.equal(r.room_name, name, `${what}.room_name`);
  }
  if (type === 'channel') assert.ok(['group', 'channel'].includes(r.room_type), `${what}.room_type group/channel (${r.room_type})`);
  else if (type) assert.equal(r.room_type, type, `${what}.room_type`);
  assert.equal(r.isChannel, isChannel, `${what}.isChannel`);
  assert.equal(typeof r.avatar, 'string', `${what}.avatar is a string`);
  assert.equal(typeof r.unique_id, 'string', `${what}.unique_id is a string`);
  assert.ok(r.unique_id.length > 0, `${what}.unique_id is set`);
  assert.equal(typeof r.options, 'string', `${what}.options is a (JSON) string`);
  assert.ok(Array.isArray(r.participants), `${what}.participants is an array`);
  for (const p of r.participants) {
    assert.ok(Number.isInteger(p.id) && p.id > 0, `${what}: participant id (${p.id})`);
    assert.equal(typeof p.email, 'string');
    assert.equal(typeof p.username, 'string');
    assert.equal(typeof p.avatar_url, 'string');
    assert.ok(Number.isInteger(p.last_comment_read_id), `${what}: participant ${p.email}.last_comment_read_id`);
    assert.ok(Number.isInteger(p.last_comment_received_id), `${what}: participant ${p.email}.last_comment_received_id`);
  }
  if (participants) {
    assert.deepEqual(r.participants.map((p) => p.email).sort(), [...participants].sort(), `${what}.participants`);
    assert.equal(r.participantNumber, participants.length, `${what}.participantNumber`);
  }
  assert.ok(Number.isInteger(r.count_notif) && r.count_notif >= 0, `${what}.count_notif (${r.count_notif})`);
  assert.ok(Number.isInteger(r.last_comment_id) && r.last_comment_id >= 0, `${what}.last_comment_id (${r.last_comment_id})`);
  assert.ok(Array.isArray(r.comments), `${what}.comments is an array`);
}

async function openSingle(user, peerId) {
  return user.page.evaluate((peer) => window.q.chatTarget(peer).then((r) => window.__clone(r)), peerId);
}

async function createGroup(user, name, ids, options) {
  const r = await user.page.evaluate(
    ([name, ids, options]) => window.__try(() => (options === undefined ? window.q.createGroupRoom(name, ids) : window.q.createGroupRoom(name, ids, options))),
    [name, ids, options],
  );
  assert.equal(r.ok, true, `createGroupRoom rejected: ${r.message} (status ${r.status})`);
  return r.value;
}

// ---------------------------------------------------------------------------

test('chatTarget → Room (§E.3) and chatRoomCreatedCallback({room}); getRoomById/chatGroup', { timeout: 120000 }, async () => {
  const since = await alice.page.mark();
  const room = await step('chatTarget(bob) resolves a single Room, selected', async () => {
    const r = await openSingle(alice, B);
    assertRoom(r, { type: 'single', name: 'Rm-bob', participants: [A, B], what: 'chatTarget()' });
    assert.deepEqual(r.comments, []);
    assert.equal(r.last_comment_id, 0);
    const sel = await selectedSummary(alice);
    assert.equal(sel.id, r.id, 'selected is the room');
    return r;
  });
  await step('chatRoomCreatedCallback({room}) with the same room', async () => {
    const ev = await alice.page.waitForEvent('chatRoomCreated', (a) => a[0] && a[0].room && a[0].room.id === room.id, { since, timeout: TIMEOUT });
    assert.deepEqual(Object.keys(ev.args[0]), ['room']);
    assertRoom(ev.args[0].room, { id: room.id, type: 'single', participants: [A, B], what: 'chatRoomCreatedCallback.room' });
  });
  const uid = uniqueId('rm-gr');
  const sent = await send(alice, room.id, 'first in single', uid);
  for (const method of ['getRoomById', 'chatGroup']) {
    await step(`${method}(id) resolves the Room with comments ascending and selects it`, async () => {
      await alice.page.evaluate(() => window.q.exitChatRoom());
      const r = await alice.page.evaluate(([m, id]) => window.q[m](id).then((x) => window.__clone(x)), [method, room.id]);
      assertRoom(r, { id: room.id, type: 'single', participants: [A, B], what: `${method}()` });
      assert.deepEqual(r.comments.map((c) => c.unique_temp_id), [uid]);
      assert.equal(r.last_comment_id, Number(sent.id), 'last_comment_id');
      assert.equal(r.last_comment_message, 'first in single', 'last_comment_message');
      assert.equal((await selectedSummary(alice)).id, room.id);
    });
  }
  await step("bob's view of the same single room is named after alice", async () => {
    const r = await bob.page.evaluate((id) => window.q.getRoomById(id).then((x) => window.__clone(x)), room.id);
    assert.equal(r.name, 'Rm-alice');
  });
});

test('roomChangedCallback(Room) after a room becomes selected (§B: setActiveRoom for non-channel rooms)', { timeout: 120000 }, async () => {
  const g = await createGroup(alice, 'Room changed', [B]);
  await alice.page.evaluate(() => window.q.exitChatRoom());
  const since = await alice.page.mark();
  await alice.page.evaluate((id) => window.q.getRoomById(id), g.id);
  const ev = await alice.page.waitForEvent('roomChanged', (a) => a[0] && a[0].id === g.id, { since, timeout: 8000 });
  assert.equal(ev.args.length, 1);
  assertRoom(ev.args[0], { id: g.id, type: 'group', name: 'Room changed', participants: [A, B], what: 'roomChangedCallback(room)' });
});

test('createGroupRoom → camelCase summary; groupRoomCreatedCallback gets it; options optional', { timeout: 120000 }, async () => {
  const since = await alice.page.mark();
  const options = { avatarURL: 'http://127.0.0.1/group.png', topic: 'qa' };
  const g = await step("createGroupRoom('Team', [bob, carol], options)", () => createGroup(alice, 'Team', [B, C], options));
  await step('summary fields {id, name, lastCommentId, lastCommentMessage, lastTopicId, avatarURL, options, participants}', async () => {
    assert.deepEqual(Object.keys(g).sort(), ['avatarURL', 'id', 'lastCommentId', 'lastCommentMessage', 'lastTopicId', 'name', 'options', 'participants']);
    assert.ok(Number.isInteger(g.id) && g.id > 0);
    assert.equal(g.name, 'Team');
    assert.equal(g.lastCommentId, 0);
    assert.ok(!g.lastCommentMessage, `no last message (${JSON.stringify(g.lastCommentMessage)})`);
    assert.equal(g.lastTopicId, g.id);
    assert.equal(g.avatarURL, options.avatarURL);
    assert.equal(typeof g.options, 'string');
    assert.equal(JSON.parse(g.options).topic, 'qa', 'options JSON keeps the app keys');
    assert.deepEqual(g.participants.map((p) => p.email).sort(), [A, B, C].sort(), 'creator + given users');
    for (const p of g.participants) {
      assert.deepEqual(Object.keys(p).sort(), ['avatarURL', 'email', 'id', 'username']);
      assert.ok(Number.isInteger(p.id) && p.id > 0);
      assert.equal(typeof p.avatarURL, 'string');
    }
    assert.equal(g.participants.find((p) => p.email === C).username, 'Carol');
  });
  await step('groupRoomCreatedCallback(summary)', async () => {
    const ev = await alice.page.waitForEvent('groupRoomCreated', (a) => a[0] && a[0].id === g.id, { since, timeout: TIMEOUT });
    assert.equal(ev.args.length, 1);
    assert.deepEqual(ev.args[0], g);
  });
  await step('createGroupRoom without options works (v2 threw a TypeError)', async () => {
    const g2 = await createGroup(alice, 'No options', [B]);
    assert.equal(g2.name, 'No options');
    assert.deepEqual(g2.participants.map((p) => p.email).sort(), [A, B].sort());
    assert.equal(g2.avatarURL, '');
  });
  await step('bob (a member) opens the group by id: group Room', async () => {
    const r = await bob.page.evaluate((id) => window.q.getRoomById(id).then((x) => window.__clone(x)), g.id);
    assertRoom(r, { id: g.id, type: 'group', name: 'Team', participants: [A, B, C], what: 'bob getRoomById(group)' });
    assert.equal(r.avatar, options.avatarURL);
    await bob.page.evaluate(() => window.q.exitChatRoom());
  });
});

test('getOrCreateRoomByUniqueId / getOrCreateRoomByChannel: one channel room; messages reach members once', { timeout: 120000 }, async () => {
  const uniq = `chan-${process.pid}`;
  const r1 = await step('alice getOrCreateRoomByUniqueId(uniq, name, avatar)', async () => {
    const r = await alice.page.evaluate(([u]) => window.q.getOrCreateRoomByUniqueId(u, 'Channel X', 'http://127.0.0.1/c.png').then((x) => window.__clone(x)), [uniq]);
    assertRoom(r, { type: 'channel', name: 'Channel X', isChannel: true, what: 'getOrCreateRoomByUniqueId()' });
    assert.equal(r.unique_id, uniq);
    assert.equal(r.avatar, 'http://127.0.0.1/c.png');
    assert.ok(r.participants.some((p) => p.email === A), 'alice is a participant');
    assert.equal((await selectedSummary(alice)).id, r.id, 'selected');
    return r;
  });
  await step('getOrCreateRoomByChannel(uniq) is the same room (alias)', async () => {
    const r = await alice.page.evaluate((u) => window.q.getOrCreateRoomByChannel(u).then((x) => window.__clone(x)), uniq);
    assert.equal(r.id, r1.id);
    assert.equal(r.unique_id, uniq);
    assert.equal(r.name, 'Channel X', 'the name given at creation is kept');
  });
  await step('bob joins by the same unique id: same room, both participants', async () => {
    const r = await bob.page.evaluate((u) => window.q.getOrCreateRoomByUniqueId(u).then((x) => window.__clone(x)), uniq);
    assert.equal(r.id, r1.id);
    assert.deepEqual(r.participants.map((p) => p.email).sort(), [A, B].sort());
  });
  await step('alice → channel message arrives at bob exactly once', async () => {
    const uid = uniqueId('chan');
    const c = await send(alice, r1.id, 'to the channel', uid);
    await expectMessage(bob, { uid, message: 'to the channel', email: A, roomId: r1.id, id: c.id });
    const marker = uniqueId('chan-marker');
    const m = await send(alice, r1.id, 'marker', marker);
    await expectMessage(bob, { uid: marker, message: 'marker', email: A, roomId: r1.id, id: m.id });
    await sleep(300);
    assert.equal(await countReceived(bob, uid), 1, 'once');
  });
  await bob.page.evaluate(() => window.q.exitChatRoom());
});

test('getRoomsInfo resolves the whole body {status, results: {meta, rooms_info}}', { timeout: 120000 }, async () => {
  const single = await openSingle(alice, B);
  const uid = uniqueId('ri');
  const sent = await send(alice, single.id, 'rooms info message', uid);
  const g = await createGroup(alice, 'Info group', [B, C]);
  const uniq = `info-chan-${process.pid}`;
  await alice.page.evaluate((u) => window.q.getOrCreateRoomByUniqueId(u, 'Info channel'), uniq);

  const body = await step('getRoomsInfo({room_ids, room_unique_ids})', async () => {
    const r = await alice.page.evaluate(
      ([ids, uniqs]) => window.__try(() => window.q.getRoomsInfo({ room_ids: ids, room_unique_ids: uniqs })),
      [[single.id, g.id], [uniq]],
    );
    assert.equal(r.ok, true, `getRoomsInfo rejected: ${r.message} (status ${r.status})`);
    return r.value;
  });
  await step('body fields', async () => {
    assert.equal(body.status, 200, 'body.status');
    assert.ok(body.results && typeof body.results === 'object');
    assert.equal(body.results.meta.request_rooms_total, 3, 'meta.request_rooms_total');
    assert.equal(body.results.meta.response_rooms_total, 3, 'meta.response_rooms_total');
    const infos = body.results.rooms_info;
    assert.equal(infos.length, 3);
    const byId = new Map(infos.map((x) => [Number(x.id), x]));
    const s = byId.get(Number(single.id));
    assert.ok(s, 'the single room is there');
    assert.equal(s.chat_type, 'single');
    assert.equal(s.room_name, 'Rm-bob');
    assert.deepEqual(s.participants.map((p) => p.email).sort(), [A, B].sort(), 'participants shown by default');
    assert.equal(Number(s.last_comment_id), Number(sent.id));
    assert.equal(s.last_comment_message, 'rooms info message');
    assert.equal(s.last_comment && s.last_comment.unique_temp_id, uid, 'last_comment object');
    const gi = byId.get(g.id);
    assert.ok(gi, 'the group is there');
    assert.equal(gi.chat_type, 'group');
    assert.equal(gi.room_name, 'Info group');
    assert.equal(gi.unique_id, infos.find((x) => Number(x.id) === g.id).unique_id);
    assert.deepEqual(gi.participants.map((p) => p.email).sort(), [A, B, C].sort());
    const ch = infos.find((x) => x.unique_id === uniq);
    assert.ok(ch, 'the channel found by unique id');
    assert.equal(ch.room_name, 'Info channel');
    assert.equal(ch.is_public_channel, true);
  });
});

test('loadRoomList resolves Room[] (comments: []) including a room with no messages', { timeout: 120000 }, async () => {
  const a = 'rl-alice';
  const user = await openUser(server, 'ours', a);
  pages.push(user.page);
  const single = await openSingle(user, B);
  const uid = uniqueId('rl');
  const sent = await send(user, single.id, 'room list message', uid);
  const empty = await createGroup(user, 'Empty group', [B, C]);
  const rooms = await step('loadRoomList({show_empty: true})', async () => {
    const r = await user.page.evaluate(() => window.__try(() => window.q.loadRoomList({ show_empty: true, limit: 50 })));
    assert.equal(r.ok, true, `loadRoomList rejected: ${r.message} (status ${r.status})`);
    assert.ok(Array.isArray(r.value));
    return r.value;
  });
  await step('both rooms, v2 Room fields', async () => {
    assert.deepEqual(rooms.map((r) => r.id).sort(), [single.id, empty.id].sort());
    const s = rooms.find((r) => r.id === single.id);
    assertRoom(s, { type: 'single', name: 'Rm-bob', participants: [a, B], what: 'loadRoomList single' });
    assert.equal(s.last_comment_id, Number(sent.id), 'last_comment_id = last_comment.id');
    assert.equal(s.last_comment_message, 'room list message', 'last_comment_message = last_comment.message');
    assert.deepEqual(s.comments, [], 'comments: []');
    const e = rooms.find((r) => r.id === empty.id);
    assertRoom(e, { type: 'group', name: 'Empty group', participants: [a, B, C], what: 'loadRoomList empty group' });
    assert.equal(e.last_comment_id, 0, 'no last comment');
    assert.ok(!e.last_comment_message, `no last message (${JSON.stringify(e.last_comment_message)})`);
    assert.deepEqual(e.comments, []);
    assert.equal(e.count_notif, 0);
  });
  await step('paging: limit 1 gives one room, page 2 the other', async () => {
    const p1 = await user.page.evaluate(() => window.q.loadRoomList({ show_empty: true, limit: 1, page: 1 }).then((rs) => rs.map((r) => r.id)));
    const p2 = await user.page.evaluate(() => window.q.loadRoomList({ show_empty: true, limit: 1, page: 2 }).then((rs) => rs.map((r) => r.id)));
    assert.equal(p1.length, 1);
    assert.equal(p2.length, 1);
    assert.deepEqual([...p1, ...p2].sort(), [single.id, empty.id].sort());
  });
  await step('bob sees the new group in his list with its name', async () => {
    const ids = await bob.page.evaluate(() => window.q.loadRoomList({ show_empty: true, limit: 100 }).then((rs) => rs.map((r) => [r.id, r.name])));
    assert.ok(ids.some(([id, name]) => id === empty.id && name === 'Empty group'), JSON.stringify(ids));
  });
});

test('updateRoom resolves results.room (raw); the other side sees the change', { timeout: 120000 }, async () => {
  const g = await createGroup(alice, 'Before rename', [B]);
  const r = await step('updateRoom({id, room_name, avatar_url, options})', async () => {
    const res = await alice.page.evaluate(
      (id) => window.__try(() => window.q.updateRoom({ id, room_name: 'After rename', avatar_url: 'http://127.0.0.1/r.png', options: { color: 'red' } })),
      g.id,
    );
    assert.equal(res.ok, true, `updateRoom rejected: ${res.message} (status ${res.status})`);
    return res.value;
  });
  await step('raw room fields', async () => {
    assert.equal(Number(r.id), g.id);
    assert.equal(r.room_name, 'After rename');
    assert.equal(r.avatar_url, 'http://127.0.0.1/r.png');
    assert.equal(typeof r.options, 'string');
    assert.deepEqual(JSON.parse(r.options), { color: 'red' });
    assert.equal(r.chat_type, 'group');
  });
  await step("bob's getRoomById and loadRoomList show the new name and avatar", async () => {
    const room = await bob.page.evaluate((id) => window.q.getRoomById(id).then((x) => window.__clone(x)), g.id);
    assert.equal(room.name, 'After rename');
    assert.equal(room.avatar, 'http://127.0.0.1/r.png');
    assert.deepEqual(JSON.parse(room.options), { color: 'red' });
    const list = await bob.page.evaluate(() => window.q.loadRoomList({ show_empty: true, limit: 100 }).then((rs) => rs.map((x) => [x.id, x.name])));
    assert.ok(list.some(([id, name]) => id === g.id && name === 'After rename'), JSON.stringify(list));
    await bob.page.evaluate(() => window.q.exitChatRoom());
  });
  await step('partial update (name only) keeps avatar and options', async () => {
    const res = await alice.page.evaluate((id) => window.q.updateRoom({ id, room_name: 'Third name' }), g.id);
    assert.equal(res.room_name, 'Third name');
    assert.equal(res.avatar_url, 'http://127.0.0.1/r.png');
    assert.deepEqual(JSON.parse(res.options), { color: 'red' });
  });
});

test('addParticipantsToGroup / removeParticipantsFromGroup; selected.participants changes only for that room', { timeout: 120000 }, async () => {
  const g = await createGroup(alice, 'Membership', [B]);
  const single = await openSingle(alice, B);

  await step('group selected: add dave → participant objects; selected.participants updated', async () => {
    await alice.page.evaluate((id) => window.q.getRoomById(id), g.id);
    const r = await alice.page.evaluate(([id, d]) => window.__try(() => window.q.addParticipantsToGroup(id, [d])), [g.id, D]);
    assert.equal(r.ok, true, `addParticipantsToGroup rejected: ${r.message} (status ${r.status})`);
    assert.equal(r.value.length, 1);
    const p = r.value[0];
    assert.equal(p.email, D);
    assert.equal(p.username, 'Dave');
    assert.ok(Number.isInteger(p.id) && p.id > 0);
    assert.equal(typeof p.avatar_url, 'string');
    const sel = await selectedSummary(alice);
    assert.equal(sel.id, g.id);
    assert.deepEqual(sel.participants, [A, B, D].sort());
  });

  await step('single room selected: remove dave from the group → ids; selected (single) untouched', async () => {
    await alice.page.evaluate((id) => window.q.getRoomById(id), single.id);
    const r = await alice.page.evaluate(([id, d]) => window.__try(() => window.q.removeParticipantsFromGroup(id, [d])), [g.id, D]);
    assert.equal(r.ok, true, `removeParticipantsFromGroup rejected: ${r.message} (status ${r.status})`);
    assert.deepEqual(r.value, [D]);
    const sel = await selectedSummary(alice);
    assert.equal(sel.id, single.id);
    assert.deepEqual(sel.participants, [A, B].sort(), 'the single room is not touched');
  });

  await step('single room selected: add carol to the group; selected (single) untouched', async () => {
    const r = await alice.page.evaluate(([id, c]) => window.q.addParticipantsToGroup(id, [c]), [g.id, C]);
    assert.deepEqual(r.map((p) => p.email), [C]);
    assert.deepEqual((await selectedSummary(alice)).participants, [A, B].sort());
  });

  await step('the server agrees: group members are alice, bob, carol', async () => {
    const room = await alice.page.evaluate((id) => window.q.getRoomById(id).then((x) => window.__clone(x)), g.id);
    assert.deepEqual(room.participants.map((p) => p.email).sort(), [A, B, C].sort());
    assert.equal(room.participantNumber, 3);
  });

  await step('group selected: remove carol → selected.participants updated', async () => {
    const r = await alice.page.evaluate(([id, c]) => window.q.removeParticipantsFromGroup(id, [c]), [g.id, C]);
    assert.deepEqual(r, [C]);
    assert.deepEqual((await selectedSummary(alice)).participants, [A, B].sort());
  });

  await step('a removed member gets no realtime; once added back, the gap is synced in order', async () => {
    await alice.page.evaluate(([id, b]) => window.q.removeParticipantsFromGroup(id, [b]), [g.id, B]);
    const uidGone = uniqueId('gone');
    const since = await bob.page.mark();
    const gone = await send(alice, g.id, 'bob is not here', uidGone);
    // A 1:1 message after it travels the same topic ({token}/c): once it is
    // heard, the group message would have been too had it been sent to bob.
    const single = await chatTarget(alice, B);
    const uidPing = uniqueId('ping');
    const ping = await send(alice, single.id, 'ping', uidPing);
    await expectMessage(bob, { uid: uidPing, message: 'ping', email: A, roomId: single.id, id: ping.id });
    assert.equal(await countReceived(bob, uidGone, since), 0, 'a removed member does not get the group messages');
    await alice.page.evaluate(([id, b]) => window.q.addParticipantsToGroup(id, [b]), [g.id, B]);
    const uid = uniqueId('back');
    const c = await send(alice, g.id, 'welcome back bob', uid);
    await expectMessage(bob, { uid, message: 'welcome back bob', email: A, roomId: g.id, id: c.id });
    // The server's /sync covers every room bob is in now, so the message he
    // missed while out comes with the gap fill: once, and before the next.
    const ids = (await bob.page.events('newMessages', since))
      .flatMap((e) => e.args[0] || [])
      .filter((m) => m && (m.unique_temp_id === uidGone || m.unique_temp_id === uid))
      .map((m) => m.id);
    assert.ok(ids.length === 1 || (ids.length === 2 && ids[0] === gone.id && ids[1] === c.id),
      `bob heard ${JSON.stringify(ids)}; want [${c.id}] or [${gone.id}, ${c.id}]`);
  });
});

test('getParticipants(roomUniqueId, page, limit) resolves {meta, participants}', { timeout: 120000 }, async () => {
  const g = await createGroup(alice, 'Participants', [B, C]);
  const room = await alice.page.evaluate((id) => window.q.getRoomById(id).then((x) => window.__clone(x)), g.id);
  const all = await step('getParticipants(unique_id)', async () => {
    const r = await alice.page.evaluate((u) => window.__try(() => window.q.getParticipants(u)), room.unique_id);
    assert.equal(r.ok, true, `getParticipants rejected: ${r.message} (status ${r.status})`);
    const v = r.value;
    assert.ok(v.meta && typeof v.meta === 'object');
    assert.equal(v.meta.total, 3, 'meta.total');
    assert.deepEqual(v.participants.map((p) => p.email).sort(), [A, B, C].sort());
    for (const p of v.participants) {
      assert.ok(Number.isInteger(p.id) && p.id > 0);
      assert.equal(typeof p.username, 'string');
      assert.equal(typeof p.avatar_url, 'string');
    }
    assert.equal(v.participants.find((p) => p.email === C).username, 'Carol');
    return v;
  });
  await step('paging: limit 2 → 2 then 1, no overlap, meta.total 3', async () => {
    const p1 = await alice.page.evaluate((u) => window.q.getParticipants(u, 1, 2), room.unique_id);
    const p2 = await alice.page.evaluate((u) => window.q.getParticipants(u, 2, 2), room.unique_id);
    assert.equal(p1.participants.length, 2);
    assert.equal(p2.participants.length, 1);
    assert.equal(p1.meta.total, 3);
    assert.equal(p2.meta.total, 3);
    assert.deepEqual([...p1.participants, ...p2.participants].map((p) => p.email).sort(), all.participants.map((p) => p.email).sort());
  });
});

test('getTotalUnreadCount / getRoomUnreadCount: real numbers; they drop after readComment', { timeout: 120000 }, async () => {
  const a = 'un-alice';
  const user = await openUser(server, 'ours', a);
  pages.push(user.page);
  const r1 = await openSingle(bob, a);
  const g = await createGroup(bob, 'Unread group', [a]);
  await bob.page.evaluate((id) => window.q.getRoomById(id), r1.id);
  const sent1 = [];
  for (let i = 0; i < 3; i++) sent1.push(await send(bob, r1.id, `unread ${i}`, uniqueId('un1')));
  const sent2 = [];
  for (let i = 0; i < 2; i++) sent2.push(await send(bob, g.id, `unread group ${i}`, uniqueId('un2')));
  await bob.page.evaluate(() => window.q.exitChatRoom());
  await user.page.waitForEvent('newMessages', (x) => x[0].some((c) => c.unique_temp_id === sent2[1].unique_temp_id), { timeout: TIMEOUT });

  await step('5 unread messages in 2 rooms', async () => {
    const r = await user.page.evaluate(async () => ({
      total: await window.__try(() => window.q.getTotalUnreadCount()),
      rooms: await window.__try(() => window.q.getRoomUnreadCount()),
    }));
    assert.equal(r.total.ok, true, `getTotalUnreadCount rejected: ${r.total.message} (status ${r.total.status})`);
    assert.equal(r.rooms.ok, true, `getRoomUnreadCount rejected: ${r.rooms.message} (status ${r.rooms.status})`);
    assert.equal(r.total.value, 5, 'getTotalUnreadCount resolves a number');
    assert.equal(r.rooms.value, 2, 'getRoomUnreadCount: rooms with unread messages');
  });
  await step('loadRoomList count_notif per room', async () => {
    const list = await user.page.evaluate(() => window.q.loadRoomList({ show_empty: true }).then((rs) => rs.map((r) => [r.id, r.count_notif])));
    const m = new Map(list);
    assert.equal(m.get(r1.id), 3);
    assert.equal(m.get(g.id), 2);
  });
  await step('readComment(room, last) in the single room → 2 unread in 1 room', async () => {
    await user.page.evaluate(([rid, cid]) => window.q.readComment(rid, cid), [r1.id, Number(sent1[2].id)]);
    await waitUntil(
      async () => (await user.page.evaluate(() => window.q.getTotalUnreadCount())) === 2,
      { timeout: TIMEOUT, message: 'total unread 2 after readComment' },
    );
    assert.equal(await user.page.evaluate(() => window.q.getRoomUnreadCount()), 1);
  });
  await step('reading up to the middle message of the group → 1 unread', async () => {
    await user.page.evaluate(([rid, cid]) => window.q.readComment(rid, cid), [g.id, Number(sent2[0].id)]);
    await waitUntil(
      async () => (await user.page.evaluate(() => window.q.getTotalUnreadCount())) === 1,
      { timeout: TIMEOUT, message: 'total unread 1' },
    );
    assert.equal(await user.page.evaluate(() => window.q.getRoomUnreadCount()), 1);
  });
  await step('opening the group (getRoomById) reads its last message → 0', async () => {
    await user.page.evaluate((id) => window.q.getRoomById(id), g.id);
    await waitUntil(
      async () => (await user.page.evaluate(() => window.q.getTotalUnreadCount())) === 0,
      { timeout: TIMEOUT, message: 'total unread 0' },
    );
    assert.equal(await user.page.evaluate(() => window.q.getRoomUnreadCount()), 0);
  });
});

test('exitChatRoom: selected becomes null; later messages are not auto-read', { timeout: 120000 }, async () => {
  const a = 'exit-alice';
  const user = await openUser(server, 'ours', a);
  pages.push(user.page);
  const room = await chatTarget(user, B);
  await openSingle(bob, a);
  await step('exitChatRoom() resolves; selected null', async () => {
    const r = await user.page.evaluate(() => window.__try(() => window.q.exitChatRoom()));
    assert.equal(r.ok, true, r.message);
    assert.equal(await user.page.evaluate(() => window.q.selected), null);
  });
  await step('a message after exit arrives but stays unread', async () => {
    const uid = uniqueId('exit');
    const c = await send(bob, room.id, 'after exit', uid);
    await expectMessage(user, { uid, message: 'after exit', email: B, roomId: room.id, id: c.id });
    await sleep(1500);
    assert.equal(await user.page.evaluate(() => window.q.selected), null, 'still nothing selected');
    assert.equal(await user.page.evaluate(() => window.q.getTotalUnreadCount()), 1, 'not read automatically');
  });
  await bob.page.evaluate(() => window.q.exitChatRoom());
});

test("clearRoomMessages(uniqueIds): whole body; the user's other client gets roomClearedCallback; history empty", { timeout: 120000 }, async () => {
  const a = 'clr-alice';
  const first = await openUser(server, 'ours', a);
  pages.push(first.page);
  const second = await openUser(server, 'ours', a); // the same user on another device
  pages.push(second.page);
  const g = await createGroup(first, 'To clear', [B]);
  const room = await first.page.evaluate((id) => window.q.getRoomById(id).then((x) => window.__clone(x)), g.id);
  const mine = await send(first, g.id, 'to be cleared 1', uniqueId('clr'));
  const theirs = await send(bob, g.id, 'to be cleared 2', uniqueId('clr'));
  await expectMessage(first, { uid: theirs.unique_temp_id, message: 'to be cleared 2', email: B, roomId: g.id, id: theirs.id });
  const since = await second.page.mark();

  const body = await step('clearRoomMessages([unique_id]) resolves {status, results: {rooms}}', async () => {
    const r = await first.page.evaluate((u) => window.__try(() => window.q.clearRoomMessages([u])), room.unique_id);
    assert.equal(r.ok, true, `clearRoomMessages rejected: ${r.message} (status ${r.status})`);
    return r.value;
  });
  await step('body fields', async () => {
    assert.equal(body.status, 200);
    assert.ok(Array.isArray(body.results.rooms));
    assert.equal(body.results.rooms.length, 1);
    assert.equal(Number(body.results.rooms[0].id), g.id);
    assert.equal(body.results.rooms[0].unique_id, room.unique_id);
  });
  await step('roomClearedCallback(room) on the other client of the same user', async () => {
    const ev = await second.page.waitForEvent('roomCleared', (x) => x[0] && x[0].unique_id === room.unique_id, { since, timeout: TIMEOUT });
    const cleared = ev.args[0];
    assert.equal(Number(cleared.id), g.id);
    assert.equal(cleared.room_name, 'To clear');
    assert.equal(cleared.chat_type, 'group');
    assert.equal(typeof cleared.id_str, 'string');
  });
  await step('the history is empty for that user afterwards', async () => {
    const list = await first.page.evaluate((id) => window.q.loadComments(id).then((cs) => cs.map((c) => c.unique_temp_id)), g.id);
    assert.deepEqual(list, []);
    const again = await second.page.evaluate((id) => window.q.getRoomById(id).then((r) => r.comments.length), g.id);
    assert.equal(again, 0);
  });
  await step('new messages after the clear are visible', async () => {
    const uid = uniqueId('after-clear');
    await send(bob, g.id, 'after the clear', uid);
    await waitUntil(async () => {
      const list = await first.page.evaluate((id) => window.q.loadComments(id).then((cs) => cs.map((c) => c.unique_temp_id)), g.id);
      return list.length === 1 && list[0] === uid;
    }, { timeout: TIMEOUT, message: 'only the new message in history' });
  });
  void mine;
});
