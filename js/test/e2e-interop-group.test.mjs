// Interop in a GROUP (issue #3 item 4): the OFFICIAL qiscus-sdk-core 2.16.9
// browser bundle (withConfig: false, harness default) and OUR Go/wasm client
// in one group room, in headless Chromium against the dev server.
//
//  * ours (alice) creates the group with createGroupRoom including the
//    official user (bob) and a third member (carol, ours); the official side
//    opens it with getRoomById,
//  * read receipts: carol (ours) reads first — alice sees no
//    commentReadCallback yet; then the OFFICIAL client reads — alice sees
//    commentReadCallback once every other participant read,
//  * deletes by either side reach the other (commentDeletedCallback),
//  * room updates by either side are visible to the other (updateRoom, then
//    getRoomById / loadRoomList show the new name).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startDevServer, uniqueId, log, sleep, waitUntil } from './harness.mjs';
import { openUser, step, send, expectMessage, waitRoomReady, TIMEOUT, softChecks, selectedSummary } from './scenario.mjs';

let server;
const pages = [];

before(async () => {
  server = await startDevServer({ label: 'devserver-interop-group' });
  log(`[interop-group] dev server at ${server.url}`);
});

after(async () => {
  for (const p of pages.splice(0)) await p.close().catch(() => {});
  if (server) await server.stop();
});

const A = 'ig-alice'; // ours
const B = 'ig-obob'; // official
const C = 'ig-carol'; // ours

test('official ↔ ours in one group: receipts, deletes, room updates', { timeout: 240000 }, async () => {
  const soft = softChecks('interop group');
  const bob = await step('official bob logs in', () => openUser(server, 'official', B, { username: 'Official Bob' }));
  pages.push(bob.page);
  const carol = await step('ours carol logs in', () => openUser(server, 'ours', C));
  pages.push(carol.page);
  const alice = await step('ours alice logs in', () => openUser(server, 'ours', A));
  pages.push(alice.page);

  const g = await step('ours createGroupRoom("Interop group", [official bob, carol])', async () => {
    const r = await alice.page.call('createGroupRoom', 'Interop group', [B, C], { topic: 'interop' });
    assert.equal(r.ok, true, `createGroupRoom rejected: ${r.message} (status ${r.status})`);
    assert.deepEqual(r.value.participants.map((p) => p.email).sort(), [A, B, C].sort());
    return r.value;
  });
  await alice.page.evaluate((id) => window.q.getRoomById(id), g.id);

  await step('the official client opens it with getRoomById: a v2 group Room', async () => {
    const r = await bob.page.evaluate((id) => window.q.getRoomById(id).then((room) => ({
      id: room.id, name: room.name, room_type: room.room_type, isChannel: room.isChannel,
      participants: room.participants.map((p) => p.email).sort(), comments: room.comments.length,
      options: room.options,
    })), g.id);
    assert.equal(Number(r.id), g.id);
    assert.equal(r.name, 'Interop group');
    assert.equal(r.room_type, 'group');
    assert.ok(!r.isChannel);
    assert.deepEqual(r.participants, [A, B, C].sort());
    assert.equal(r.comments, 0);
    assert.equal(JSON.parse(r.options).topic, 'interop');
    await waitRoomReady(bob, g.id);
  });

  await step('messages flow both ways in the group', async () => {
    const u1 = uniqueId('ig-a');
    const c1 = await send(alice, g.id, 'hello group from ours', u1);
    await expectMessage(bob, { uid: u1, message: 'hello group from ours', email: A, roomId: g.id, id: c1.id });
    await expectMessage(carol, { uid: u1, message: 'hello group from ours', email: A, roomId: g.id, id: c1.id });
    const u2 = uniqueId('ig-b');
    const c2 = await send(bob, g.id, 'hello group from official', u2);
    await expectMessage(alice, { uid: u2, message: 'hello group from official', email: B, roomId: g.id, id: c2.id });
    await expectMessage(carol, { uid: u2, message: 'hello group from official', email: B, roomId: g.id, id: c2.id });
  });

  // ---- receipts ---------------------------------------------------------
  await bob.page.evaluate(() => window.q.exitChatRoom()); // no automatic read on arrival
  const since = await alice.page.mark();
  const uid = uniqueId('ig-receipt');
  const m = await send(alice, g.id, 'who read this?', uid);
  const mid = Number(m.id);
  const statusAtAlice = async () => ((await selectedSummary(alice)).comments.find((x) => x.uid === uid) || {}).status;

  await step('both others receive it → ours alice: commentDeliveredCallback', async () => {
    await expectMessage(bob, { uid, message: 'who read this?', email: A, roomId: g.id, id: mid });
    await expectMessage(carol, { uid, message: 'who read this?', email: A, roomId: g.id, id: mid });
    const ev = await alice.page.waitForEvent('commentDelivered', (a) => a[0] && a[0].comment.unique_temp_id === uid, { since, timeout: TIMEOUT });
    assert.ok([B, C].includes(ev.args[0].userId), `userId is one of the receivers (${ev.args[0].userId})`);
    assert.equal(ev.args[0].comment.status, 'delivered');
  });
  await step('carol (ours) reads first → no commentReadCallback yet', async () => {
    await carol.page.call('readComment', g.id, mid);
    await sleep(1500);
    const evs = (await alice.page.events('commentRead', since)).filter((e) => e.args[0].comment.unique_temp_id === uid);
    assert.deepEqual(evs.map((e) => e.args[0].userId), []);
    assert.equal(await statusAtAlice(), 'delivered');
  });
  await step('the OFFICIAL client reads → ours alice: commentReadCallback({comment, userId: official bob})', async () => {
    await bob.page.evaluate(([rid, cid]) => window.q.readComment(rid, cid), [g.id, mid]);
    const ev = await alice.page.waitForEvent('commentRead', (a) => a[0] && a[0].comment.unique_temp_id === uid, { since, timeout: TIMEOUT });
    assert.equal(ev.args[0].userId, B);
    assert.equal(Number(ev.args[0].comment.id), mid);
    assert.equal(ev.args[0].comment.status, 'read');
    assert.equal(await statusAtAlice(), 'read');
  });

  // ---- deletes ------------------------------------------------------------
  await bob.page.evaluate((id) => window.q.getRoomById(id), g.id);
  await waitRoomReady(bob, g.id);

  await step('ours deletes its message → the official client gets commentDeletedCallback', async () => {
    const u = uniqueId('ig-del-ours');
    const c = await send(alice, g.id, 'ours will delete this', u);
    await expectMessage(bob, { uid: u, message: 'ours will delete this', email: A, roomId: g.id, id: c.id });
    const s = await bob.page.mark();
    const r = await alice.page.call('deleteComment', g.id, [u]);
    assert.equal(r.ok, true, r.message);
    const ev = await bob.page.waitForEvent('commentDeleted', (a) => a[0] && (a[0].commentUniqueIds || []).includes(u), { since: s, timeout: TIMEOUT });
    const e = ev.args[0];
    assert.equal(Number(e.roomId), g.id, 'roomId (a string from realtime in v2)');
    assert.deepEqual(e.commentUniqueIds, [u]);
    assert.equal(e.isForEveryone, true);
    assert.equal(e.isHard, true);
    const hist = await bob.page.evaluate((id) => window.q.loadComments(id).then((cs) => cs.map((x) => x.unique_temp_id)), g.id);
    assert.equal(hist.includes(u), false, 'gone from the official client’s history');
  });
  await step('the official client deletes its message → ours gets commentDeletedCallback; gone from selected.comments', async () => {
    const u = uniqueId('ig-del-official');
    const c = await send(bob, g.id, 'official will delete this', u);
    await expectMessage(alice, { uid: u, message: 'official will delete this', email: B, roomId: g.id, id: c.id });
    const s = await alice.page.mark();
    const sc = await carol.page.mark();
    await bob.page.evaluate(([rid, uu]) => window.q.deleteComment(rid, [uu]), [g.id, u]);
    const ev = await alice.page.waitForEvent('commentDeleted', (a) => a[0] && (a[0].commentUniqueIds || []).includes(u), { since: s, timeout: TIMEOUT });
    const e = ev.args[0];
    assert.equal(Number(e.roomId), g.id);
    assert.deepEqual(e.commentUniqueIds, [u]);
    assert.equal(e.isForEveryone, true);
    assert.equal(e.isHard, true);
    await waitUntil(async () => !(await selectedSummary(alice)).comments.some((x) => x.uid === u), { timeout: TIMEOUT, message: "removed from alice's selected.comments" });
    await carol.page.waitForEvent('commentDeleted', (a) => a[0] && (a[0].commentUniqueIds || []).includes(u), { since: sc, timeout: TIMEOUT });
  });

  // ---- room updates -------------------------------------------------------
  await step('ours updateRoom → the official client sees the new name (getRoomById, loadRoomList)', async () => {
    const r = await alice.page.call('updateRoom', { id: g.id, room_name: 'Renamed by ours', options: { by: 'ours' } });
    assert.equal(r.ok, true, r.message);
    assert.equal(r.value.room_name, 'Renamed by ours');
    const viaId = await bob.page.evaluate((id) => window.q.getRoomById(id).then((x) => ({ name: x.name, options: x.options })), g.id);
    assert.equal(viaId.name, 'Renamed by ours');
    assert.deepEqual(JSON.parse(viaId.options), { by: 'ours' });
    const list = await bob.page.evaluate(() => window.q.loadRoomList().then((rs) => rs.map((x) => [Number(x.id), x.name])));
    assert.ok(list.some(([id, name]) => id === g.id && name === 'Renamed by ours'), JSON.stringify(list));
  });
  await step('the official client updateRoom → ours sees the new name (getRoomById, loadRoomList)', async () => {
    const res = await bob.page.evaluate((id) => window.q.updateRoom({ id, room_name: 'Renamed by official', avatar_url: 'http://127.0.0.1/off.png', options: { by: 'official' } }).then((x) => window.__clone(x)), g.id);
    assert.equal(res.room_name, 'Renamed by official');
    const viaId = await alice.page.call('getRoomById', g.id);
    assert.equal(viaId.value.name, 'Renamed by official');
    assert.equal(viaId.value.avatar, 'http://127.0.0.1/off.png');
    assert.deepEqual(JSON.parse(viaId.value.options), { by: 'official' });
    const list = await carol.page.call('loadRoomList');
    assert.ok(list.value.some((x) => x.id === g.id && x.name === 'Renamed by official'), JSON.stringify(list.value.map((x) => [x.id, x.name])));
  });

  await soft.check('no duplicate deliveries in the group (ours side)', async () => {
    const evs = await alice.page.events('newMessages');
    const uids = evs.flatMap((e) => e.args[0]).map((c) => c.unique_temp_id);
    assert.equal(new Set(uids).size, uids.length, `duplicates: ${uids.filter((u, i) => uids.indexOf(u) !== i)}`);
  });
  soft.done();
});
