// API coverage, messages (issue #3): OUR UMD in headless Chromium against the
// dev server; resolved values and callback arguments checked field by field
// against reference §A.4/§B/§E and js/index.d.ts.
//
// sendComment + commentSentCallback, selected.comments,
// last_received_comment_id (forward only), loadMore, readComment /
// receiveComment with commentDeliveredCallback / commentReadCallback (1:1 and
// GROUP: read only once EVERY other participant read), deleteComment +
// commentDeletedCallback (both sides), updateMessage + messageUpdatedCallback
// + onMessageUpdated, resendComment (after a failed send), searchMessages,
// searchMessage, getFileList, generateMessage / generateFileAttachmentMessage /
// generateCustomMessage / generateReplyMessage, upload(file, cb),
// uploadFile(roomId, file) + fileUploadedCallback, getThumbnailURL /
// getBlurryThumbnailURL.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startDevServer, uniqueId, log, sleep, apiLogin, apiCall, waitUntil, openClientPage } from './harness.mjs';
import {
  openUser, step, send, expectMessage, chatTarget, TIMEOUT, countReceived, selectedSummary, openUserWith, softChecks,
} from './scenario.mjs';

let server;
const pages = [];
let alice;
let bob;

const A = 'msg-alice';
const B = 'msg-bob';

before(async () => {
  server = await startDevServer({ label: 'devserver-api-messages' });
  log(`[api-messages] dev server at ${server.url}`);
  bob = await openUserWith(server, B, { record: ['fileUploaded'] });
  pages.push(bob.page);
  alice = await openUserWith(server, A, { record: ['fileUploaded'] });
  pages.push(alice.page);
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

/** Both pages open the same single room (selected). */
async function openPair(a = alice, b = bob) {
  const room = await chatTarget(a, b.userId);
  await chatTarget(b, a.userId);
  return room;
}

/** The documented Comment (index.d.ts Comment), field by field. */
function assertComment(c, { uid, message, email, roomId, status, type = 'text', what = 'comment' }) {
  assert.ok(c && typeof c === 'object', `${what} is an object`);
  assert.ok(Number.isInteger(c.id) && c.id > 0 && c.id < 1e15, `${what}.id is the server id (${c.id})`);
  assert.equal(c.unique_temp_id, uid, `${what}.unique_temp_id`);
  assert.equal(c.unique_id, uid, `${what}.unique_id`);
  assert.equal(c.message, message, `${what}.message`);
  assert.equal(c.type, type, `${what}.type`);
  assert.equal(c.email, email, `${what}.email`);
  assert.equal(c.username_real, email, `${what}.username_real`);
  assert.equal(typeof c.username_as, 'string', `${what}.username_as`);
  assert.equal(Number(c.room_id), Number(roomId), `${what}.room_id`);
  assert.ok(Number.isInteger(c.before_id) && c.before_id >= 0, `${what}.before_id (${c.before_id})`);
  assert.equal(c.before_id, c.comment_before_id, `${what}.before_id = comment_before_id`);
  assert.equal(typeof c.timestamp, 'string', `${what}.timestamp`);
  assert.ok(c.unix_timestamp > 1.6e9 && c.unix_timestamp < 1e11, `${what}.unix_timestamp is seconds`);
  if (status) assert.equal(c.status, status, `${what}.status`);
  const flags = { pending: 'isPending', sent: 'isSent', delivered: 'isDelivered', read: 'isRead', failed: 'isFailed' };
  assert.equal(c[flags[c.status]], true, `${what}.${flags[c.status]} matches status ${c.status}`);
  assert.equal(c.isPending, c.status === 'pending', `${what}.isPending`);
  assert.equal(c.isFailed, c.status === 'failed', `${what}.isFailed`);
}

// ---------------------------------------------------------------------------

test('sendComment → Comment; commentSentCallback({comment}); selected.comments; last_received_comment_id only moves forward', { timeout: 120000 }, async () => {
  const room = await openPair();
  await alice.page.evaluate(() => {
    const q = window.q;
    let v = q.last_received_comment_id;
    window.__lrc = [v];
    Object.defineProperty(q, 'last_received_comment_id', {
      configurable: true,
      get() { return v; },
      set(x) { v = x; window.__lrc.push(x); },
    });
  });
  const since = await alice.page.mark();
  const uid = uniqueId('send');
  const c = await step('sendComment(roomId, text, uniqueId, "text", payload, extras) resolves the sent Comment', async () => {
    const r = await alice.page.evaluate(
      ([rid, u]) => window.__try(() => window.q.sendComment(rid, 'hello with extras', u, 'text', null, { k: 'v' })),
      [room.id, uid],
    );
    assert.equal(r.ok, true, `sendComment rejected: ${r.message}`);
    assertComment(r.value, { uid, message: 'hello with extras', email: A, roomId: room.id, what: 'sendComment()' });
    assert.ok(['sent', 'delivered', 'read'].includes(r.value.status));
    assert.deepEqual(r.value.extras, { k: 'v' });
    return r.value;
  });
  await step('commentSentCallback({comment}) once, status sent', async () => {
    const ev = await alice.page.waitForEvent('commentSent', (a) => a[0] && a[0].comment && a[0].comment.unique_temp_id === uid, { since, timeout: TIMEOUT });
    assert.deepEqual(Object.keys(ev.args[0]), ['comment']);
    assertComment(ev.args[0].comment, { uid, message: 'hello with extras', email: A, roomId: room.id, status: 'sent', what: 'commentSent.comment' });
    assert.equal(ev.args[0].comment.id, c.id);
    await sleep(200);
    const n = (await alice.page.events('commentSent', since)).filter((e) => e.args[0].comment.unique_temp_id === uid).length;
    assert.equal(n, 1, 'commentSentCallback fired once');
  });
  await expectMessage(bob, { uid, message: 'hello with extras', email: A, roomId: room.id, id: c.id });
  await step("the sender's own newMessagesCallback fires exactly once for its message (README: including your own)", async () => {
    await alice.page.waitForEvent('newMessages', (a) => a[0].some((x) => x.unique_temp_id === uid), { since, timeout: TIMEOUT });
    await sleep(300);
    assert.equal(await countReceived(alice, uid, since), 1);
  });
  await step('a comment sent to another room does not go into selected.comments (fixed F.2.6)', async () => {
    const other = await alice.page.evaluate((b) => window.q.createGroupRoom('Elsewhere', [b]), B);
    const u = uniqueId('elsewhere');
    const sent = await alice.page.call('sendComment', other.id, 'to another room', u);
    assert.equal(sent.ok, true, sent.message);
    assert.equal(Number(sent.value.room_id), other.id);
    const sel = await selectedSummary(alice);
    assert.equal(sel.id, room.id, 'selection unchanged');
    assert.equal(sel.comments.some((x) => x.uid === u), false, 'not in the selected room');
  });
  const incoming = [];
  for (let i = 0; i < 3; i++) {
    const u = uniqueId('incoming');
    const cc = await send(bob, room.id, `incoming ${i}`, u);
    await expectMessage(alice, { uid: u, message: `incoming ${i}`, email: B, roomId: room.id, id: cc.id });
    incoming.push(cc);
  }
  await step('selected.comments: all four, ascending, with statuses', async () => {
    const sel = await selectedSummary(alice);
    assert.equal(sel.id, room.id);
    assert.deepEqual(sel.comments.map((x) => x.uid), [uid, ...incoming.map((x) => x.unique_temp_id)]);
    for (let i = 1; i < sel.comments.length; i++) assert.ok(sel.comments[i - 1].id < sel.comments[i].id, 'ascending ids');
    for (const x of sel.comments) assert.ok(['sent', 'delivered', 'read'].includes(x.status), `status ${x.status}`);
  });
  await step('last_received_comment_id = the newest id; it never moved backwards', async () => {
    const hist = await alice.page.evaluate(() => window.__lrc);
    for (let i = 1; i < hist.length; i++) assert.ok(hist[i] >= hist[i - 1], `moved backwards: ${JSON.stringify(hist)}`);
    assert.equal(hist[hist.length - 1], Number(incoming[2].id), `last_received_comment_id (${JSON.stringify(hist)})`);
  });
  await step('loading older history and updateLastReceivedComment(older) do not move it back', async () => {
    await alice.page.evaluate(([rid, first]) => window.q.loadComments(rid, { last_comment_id: first, limit: 5 }), [room.id, Number(incoming[0].id)]);
    await alice.page.evaluate((old) => window.q.updateLastReceivedComment(old), Number(c.id));
    await alice.page.evaluate(() => window.q.synchronize());
    await sleep(300);
    const hist = await alice.page.evaluate(() => window.__lrc);
    for (let i = 1; i < hist.length; i++) assert.ok(hist[i] >= hist[i - 1], `moved backwards: ${JSON.stringify(hist)}`);
    assert.equal(await alice.page.evaluate(() => window.q.last_received_comment_id), Number(incoming[2].id));
  });
});

test('loadMore(lastCommentId, {limit}): older comments of the selected room, oldest first', { timeout: 120000 }, async () => {
  const a = await track(openUser(server, 'ours', 'lm-alice'));
  const room = await chatTarget(a, B);
  const sent = [];
  for (let i = 0; i < 5; i++) sent.push(await send(a, room.id, `lm ${i}`, uniqueId('lm')));
  const ids = sent.map((c) => Number(c.id));
  await step('loadMore(ids[3], {limit: 2}) → [ids[1], ids[2]]', async () => {
    const r = await a.page.evaluate((last) => window.__try(() => window.q.loadMore(last, { limit: 2 })), ids[3]);
    assert.equal(r.ok, true, `loadMore rejected: ${r.message}`);
    assert.deepEqual(r.value.map((c) => Number(c.id)), [ids[1], ids[2]]);
    assert.deepEqual(r.value.map((c) => c.message), ['lm 1', 'lm 2']);
    assert.deepEqual(r.value.map((c) => c.unique_temp_id), [sent[1].unique_temp_id, sent[2].unique_temp_id]);
  });
  await step('loadMore(ids[2]) with the default limit → the two oldest', async () => {
    const r = await a.page.evaluate((last) => window.q.loadMore(last), ids[2]);
    assert.deepEqual(r.map((c) => Number(c.id)), [ids[0], ids[1]]);
  });
  await step('selected.comments stays ascending and complete', async () => {
    const sel = await selectedSummary(a);
    assert.deepEqual(sel.comments.map((c) => c.id), ids);
  });
  await step('with nothing selected, loadMore does not resolve comments', async () => {
    await a.page.evaluate(() => window.q.exitChatRoom());
    const r = await a.page.evaluate((last) => window.__try(() => window.q.loadMore(last)), ids[3]);
    assert.ok(!r.ok || r.value === undefined, `got ${JSON.stringify(r)}`);
    if (!r.ok) assert.match(r.message, /select|room/i, 'names the missing selected room');
  });
});

test('1:1 receipts: receiveComment/readComment resolve; commentDeliveredCallback and commentReadCallback {comment, userId} on the sender', { timeout: 120000 }, async () => {
  const s = await track(openUser(server, 'ours', 'rc-sender'));
  const r = await track(openUser(server, 'ours', 'rc-reader'));
  const room = await chatTarget(s, 'rc-reader');
  const since = await s.page.mark();
  const uid = uniqueId('rc');
  const c = await send(s, room.id, 'please read', uid);
  await expectMessage(r, { uid, message: 'please read', email: 'rc-sender', roomId: room.id, id: c.id });
  await step('the reader got it without opening the room: delivered (automatic receive)', async () => {
    const ev = await s.page.waitForEvent('commentDelivered', (a) => a[0] && a[0].comment && a[0].comment.unique_temp_id === uid, { since, timeout: TIMEOUT });
    assert.deepEqual(Object.keys(ev.args[0]).sort(), ['comment', 'userId']);
    assert.equal(ev.args[0].userId, 'rc-reader');
    assertComment(ev.args[0].comment, { uid, message: 'please read', email: 'rc-sender', roomId: room.id, status: 'delivered', what: 'commentDelivered.comment' });
  });
  await step('receiveComment(roomId, id) returns a Promise of undefined', async () => {
    const x = await r.page.call('receiveComment', room.id, Number(c.id));
    assert.deepEqual(x, { ok: true, isPromise: true, isUndefined: true, value: null });
  });
  await step('readComment(roomId, id) returns a Promise of undefined → commentReadCallback', async () => {
    const x = await r.page.call('readComment', room.id, Number(c.id));
    assert.deepEqual(x, { ok: true, isPromise: true, isUndefined: true, value: null });
    const ev = await s.page.waitForEvent('commentRead', (a) => a[0] && a[0].comment && a[0].comment.unique_temp_id === uid, { since, timeout: TIMEOUT });
    assert.equal(ev.args[0].userId, 'rc-reader');
    assertComment(ev.args[0].comment, { uid, message: 'please read', email: 'rc-sender', roomId: room.id, status: 'read', what: 'commentRead.comment' });
    const sel = await selectedSummary(s);
    assert.equal(sel.comments.find((x2) => x2.uid === uid).status, 'read', 'selected.comments updated');
  });
  await step('no receipt callbacks at the reader for the sender’s own message', async () => {
    assert.equal((await r.page.events('commentRead')).length, 0);
    assert.equal((await r.page.events('commentDelivered')).length, 0);
  });
});

test('GROUP receipts: delivered/read reach the sender only once EVERY other participant received/read', { timeout: 150000 }, async () => {
  const S = 'grp-sender';
  const R1 = 'grp-r1';
  const R2 = 'grp-r2';
  await apiLogin(server, R2, { username: 'R2' }); // exists, no client yet
  const sender = await track(openUser(server, 'ours', S));
  const r1 = await track(openUser(server, 'ours', R1));
  const g = await sender.page.evaluate(([a, b]) => window.q.createGroupRoom('Receipts', [a, b]), [R1, R2]);
  await sender.page.evaluate((id) => window.q.getRoomById(id), g.id);
  const since = await sender.page.mark();
  const uid = uniqueId('grp');
  const c = await send(sender, g.id, 'group receipt test', uid);
  const id = Number(c.id);
  const serverView = async () => {
    const res = await apiCall(server, 'GET', 'get_room_by_id', { auth: { userId: S, token: sender.login.user.token }, query: { id: g.id } });
    const ps = res.body.results.room.participants;
    return Object.fromEntries(ps.map((p) => [p.email, { recv: Number(p.last_comment_received_id), read: Number(p.last_comment_read_id) }]));
  };
  const statusAtSender = async () => (await selectedSummary(sender)).comments.find((x) => x.uid === uid).status;

  await step('r1 receives it (automatic receive receipt reaches the server)', async () => {
    await expectMessage(r1, { uid, message: 'group receipt test', email: S, roomId: g.id, id });
    await waitUntil(async () => (await serverView())[R1].recv >= id, { timeout: TIMEOUT, message: 'server: r1 received' });
  });
  await step('only r1 received: no commentDeliveredCallback, status stays sent', async () => {
    await sleep(1000);
    const evs = (await sender.page.events('commentDelivered', since)).filter((e) => e.args[0].comment.unique_temp_id === uid);
    assert.deepEqual(evs.map((e) => e.args[0].userId), [], 'no delivered before r2 received');
    assert.equal(await statusAtSender(), 'sent');
  });
  const r2 = await track(openUser(server, 'ours', R2, { username: 'R2' }));
  await step('r2.receiveComment(group, id) → commentDeliveredCallback({comment, userId: r2})', async () => {
    await r2.page.evaluate(([rid, cid]) => window.q.receiveComment(rid, cid), [g.id, id]);
    const ev = await sender.page.waitForEvent('commentDelivered', (a) => a[0].comment.unique_temp_id === uid, { since, timeout: TIMEOUT });
    assert.equal(ev.args[0].userId, R2);
    assertComment(ev.args[0].comment, { uid, message: 'group receipt test', email: S, roomId: g.id, status: 'delivered', what: 'commentDelivered.comment' });
    assert.equal(await statusAtSender(), 'delivered');
  });
  await step('r1.readComment → server has it, but no commentReadCallback yet; status delivered', async () => {
    await r1.page.evaluate(([rid, cid]) => window.q.readComment(rid, cid), [g.id, id]);
    await waitUntil(async () => (await serverView())[R1].read >= id, { timeout: TIMEOUT, message: 'server: r1 read' });
    await sleep(1000);
    const evs = (await sender.page.events('commentRead', since)).filter((e) => e.args[0].comment.unique_temp_id === uid);
    assert.deepEqual(evs.map((e) => e.args[0].userId), [], 'no read before r2 read');
    assert.equal(await statusAtSender(), 'delivered');
  });
  await step('r2.readComment → commentReadCallback({comment, userId: r2}) once; status read', async () => {
    await r2.page.evaluate(([rid, cid]) => window.q.readComment(rid, cid), [g.id, id]);
    const ev = await sender.page.waitForEvent('commentRead', (a) => a[0].comment.unique_temp_id === uid, { since, timeout: TIMEOUT });
    assert.equal(ev.args[0].userId, R2);
    assertComment(ev.args[0].comment, { uid, message: 'group receipt test', email: S, roomId: g.id, status: 'read', what: 'commentRead.comment' });
    assert.equal(await statusAtSender(), 'read');
    await sleep(500);
    const n = (await sender.page.events('commentRead', since)).filter((e) => e.args[0].comment.unique_temp_id === uid).length;
    assert.equal(n, 1, 'commentReadCallback fired once');
  });
  await step('receipts never mark the readers’ own comments at the sender', async () => {
    const u2 = uniqueId('grp-r1msg');
    const c2 = await send(r1, g.id, 'from r1', u2);
    await expectMessage(sender, { uid: u2, message: 'from r1', email: R1, roomId: g.id });
    await r2.page.evaluate(([rid, cid]) => window.q.readComment(rid, cid), [g.id, Number(c2.id)]);
    await sleep(800);
    const evs = (await sender.page.events('commentRead', since)).filter((e) => e.args[0].comment.unique_temp_id === u2);
    assert.equal(evs.length, 0, 'no read callback for someone else’s comment');
  });
});

test('deleteComment → whole body; commentDeletedCallback on both sides; gone from selected.comments', { timeout: 120000 }, async () => {
  const room = await openPair();
  const uid = uniqueId('del');
  const c = await send(alice, room.id, 'to be deleted', uid);
  await expectMessage(bob, { uid, message: 'to be deleted', email: A, roomId: room.id, id: c.id });
  const sinceA = await alice.page.mark();
  const sinceB = await bob.page.mark();
  const body = await step('deleteComment(roomId, [uid]) resolves {status, results: {comments}}', async () => {
    const r = await alice.page.evaluate(([rid, u]) => window.__try(() => window.q.deleteComment(rid, [u])), [room.id, uid]);
    assert.equal(r.ok, true, `deleteComment rejected: ${r.message} (status ${r.status})`);
    return r.value;
  });
  await step('body fields', async () => {
    assert.equal(body.status, 200);
    assert.equal(body.results.comments.length, 1);
    assert.equal(body.results.comments[0].unique_temp_id, uid);
    assert.equal(Number(body.results.comments[0].id), Number(c.id));
  });
  await step("sender's commentDeletedCallback: {roomId, commentUniqueIds, isForEveryone: true, isHard: true}", async () => {
    const ev = await alice.page.waitForEvent('commentDeleted', (a) => a[0] && a[0].commentUniqueIds && a[0].commentUniqueIds.includes(uid), { since: sinceA, timeout: TIMEOUT });
    const e = ev.args[0];
    assert.deepEqual(Object.keys(e).sort(), ['commentUniqueIds', 'isForEveryone', 'isHard', 'roomId']);
    assert.equal(Number(e.roomId), Number(room.id));
    assert.deepEqual(e.commentUniqueIds, [uid]);
    assert.equal(e.isForEveryone, true);
    assert.equal(e.isHard, true);
  });
  await step("peer's commentDeletedCallback from realtime, same fields", async () => {
    const ev = await bob.page.waitForEvent('commentDeleted', (a) => a[0] && a[0].commentUniqueIds && a[0].commentUniqueIds.includes(uid), { since: sinceB, timeout: TIMEOUT });
    const e = ev.args[0];
    assert.equal(Number(e.roomId), Number(room.id));
    assert.deepEqual(e.commentUniqueIds, [uid]);
    assert.equal(e.isForEveryone, true);
    assert.equal(e.isHard, true);
  });
  await step('gone from selected.comments on both sides and from the history', async () => {
    await waitUntil(async () => !(await selectedSummary(bob)).comments.some((x) => x.uid === uid), { timeout: TIMEOUT, message: "removed from bob's selected.comments" });
    assert.equal((await selectedSummary(alice)).comments.some((x) => x.uid === uid), false, "removed from alice's selected.comments");
    const hist = await bob.page.evaluate((rid) => window.q.loadComments(rid).then((cs) => cs.map((x) => x.unique_temp_id)), room.id);
    assert.equal(hist.includes(uid), false);
  });
  await step('a soft delete (isHard false) is reported with isHard: false on both sides', async () => {
    const u2 = uniqueId('del-soft');
    await send(alice, room.id, 'soft delete me', u2);
    await expectMessage(bob, { uid: u2, message: 'soft delete me', email: A, roomId: room.id });
    const sB = await bob.page.mark();
    await alice.page.evaluate(([rid, u]) => window.q.deleteComment(rid, [u], true, false), [room.id, u2]);
    const mine = await alice.page.waitForEvent('commentDeleted', (a) => a[0].commentUniqueIds.includes(u2), { timeout: TIMEOUT });
    assert.equal(mine.args[0].isHard, false, 'the arguments as given');
    assert.equal(mine.args[0].isForEveryone, true);
    const theirs = await bob.page.waitForEvent('commentDeleted', (a) => a[0].commentUniqueIds.includes(u2), { since: sB, timeout: TIMEOUT });
    assert.equal(theirs.args[0].isHard, false, 'is_hard_delete false from realtime');
  });
});

test('updateMessage → results.comment; messageUpdatedCallback(raw) on the other side; onMessageUpdated unsubscribe works', { timeout: 120000 }, async () => {
  const room = await openPair();
  const uid = uniqueId('upd');
  const c = await send(alice, room.id, 'before edit', uid);
  await expectMessage(bob, { uid, message: 'before edit', email: A, roomId: room.id, id: c.id });
  await bob.page.evaluate(() => {
    window.__updates = [];
    window.__offUpdated = window.q.onMessageUpdated((m) => window.__updates.push(window.__clone(m)));
  });
  const since = await bob.page.mark();
  const r = await step('updateMessage({...comment, message, extras}) resolves the raw comment', async () => {
    const x = await alice.page.evaluate(
      (u) => {
        const cm = window.q.selected.comments.find((y) => y.unique_temp_id === u);
        return window.__try(() => window.q.updateMessage({ ...cm, message: 'after edit', extras: { edited: true } }));
      },
      uid,
    );
    assert.equal(x.ok, true, `updateMessage rejected: ${x.message} (status ${x.status})`);
    return x.value;
  });
  await step('resolved fields', async () => {
    assert.equal(Number(r.id), Number(c.id));
    assert.equal(r.unique_temp_id, uid);
    assert.equal(r.message, 'after edit');
    assert.deepEqual(r.extras, { edited: true });
    assert.equal(r.email, A);
  });
  await step('messageUpdatedCallback(raw comment) at the peer', async () => {
    const ev = await bob.page.waitForEvent('messageUpdated', (a) => a[0] && a[0].unique_temp_id === uid, { since, timeout: TIMEOUT });
    assert.equal(ev.args.length, 1);
    const m = ev.args[0];
    assert.equal(Number(m.id), Number(c.id));
    assert.equal(m.message, 'after edit');
    assert.deepEqual(m.extras, { edited: true });
    assert.equal(m.email, A);
    assert.equal(Number(m.room_id), Number(room.id));
  });
  await step('onMessageUpdated handler got the same raw comment', async () => {
    const ups = await bob.page.evaluate(() => window.__updates);
    assert.equal(ups.length, 1);
    assert.equal(ups[0].message, 'after edit');
  });
  await step('the history has the new text', async () => {
    const hist = await bob.page.evaluate((rid) => window.q.loadComments(rid).then((cs) => cs.map((x) => [x.unique_temp_id, x.message])), room.id);
    assert.deepEqual(hist.find(([u]) => u === uid), [uid, 'after edit']);
  });
  await step('after the unsubscribe function, the handler is not called (the callback still is)', async () => {
    await bob.page.evaluate(() => window.__offUpdated());
    const s2 = await bob.page.mark();
    await alice.page.evaluate((u) => window.q.updateMessage({ unique_id: u, message: 'second edit' }), uid);
    await bob.page.waitForEvent('messageUpdated', (a) => a[0].message === 'second edit', { since: s2, timeout: TIMEOUT });
    assert.equal((await bob.page.evaluate(() => window.__updates)).length, 1);
  });
});

test('resendComment after a failed send: the failed comment is kept as failed; resend resolves selected; arrives once', { timeout: 120000 }, async () => {
  const room = await openPair();
  const uid = uniqueId('resend');
  const failed = await step('post_comment fails (network): sendComment rejects with unique_temp_id; comment kept as failed', async () => {
    await alice.page.page.route('**/api/v2/sdk/post_comment', (route) => route.abort('failed'));
    const r = await alice.page.evaluate(async ([rid, u]) => {
      try {
        const v = await window.q.sendComment(rid, 'resend me', u);
        return { ok: true, v: window.__clone(v) };
      } catch (e) {
        return { ok: false, message: e.message, status: e.status, unique_temp_id: e.unique_temp_id, isError: e instanceof Error };
      }
    }, [room.id, uid]);
    await alice.page.page.unroute('**/api/v2/sdk/post_comment');
    assert.equal(r.ok, false, 'sendComment rejects');
    assert.equal(r.isError, true);
    assert.equal(r.unique_temp_id, uid, 'the error carries unique_temp_id');
    const sel = await selectedSummary(alice);
    const cm = sel.comments.find((x) => x.uid === uid);
    assert.ok(cm, 'kept in selected.comments');
    return cm;
  });
  await step('the kept comment is failed (isFailed), unless an automatic retry already sent it', async () => {
    assert.ok(['failed', 'sent', 'delivered', 'read'].includes(failed.status), `status ${failed.status}`);
    if (failed.status === 'failed') {
      const f = await alice.page.evaluate((u) => window.q.selected.comments.find((x) => x.unique_temp_id === u), uid);
      assert.equal(f.isFailed, true);
      assert.equal(f.isPending, false);
    }
  });
  await step('resendComment(comment) resolves selected (Room); the comment becomes sent', async () => {
    const r = await alice.page.evaluate((u) => {
      const cm = window.q.selected.comments.find((x) => x.unique_temp_id === u);
      return window.__try(() => window.q.resendComment(cm));
    }, uid);
    assert.equal(r.ok, true, `resendComment rejected: ${r.message} (status ${r.status})`);
    assert.equal(r.value.id, room.id, 'resolves selected');
    assert.ok(Array.isArray(r.value.comments));
    await waitUntil(async () => {
      const cm = (await selectedSummary(alice)).comments.filter((x) => x.uid === uid);
      return cm.length === 1 && ['sent', 'delivered', 'read'].includes(cm[0].status) && cm[0].id < 1e15;
    }, { timeout: TIMEOUT, message: 'the comment is sent, once, with the server id' });
  });
  await step('bob gets it exactly once; history holds it once', async () => {
    await expectMessage(bob, { uid, message: 'resend me', email: A, roomId: room.id });
    const again = await alice.page.evaluate((u) => window.q.resendComment(window.q.selected.comments.find((x) => x.unique_temp_id === u)).then(() => true), uid);
    assert.equal(again, true, 'resending a sent comment is harmless');
    const marker = uniqueId('resend-marker');
    await send(alice, room.id, 'marker', marker);
    await expectMessage(bob, { uid: marker, message: 'marker', email: A, roomId: room.id });
    await sleep(300);
    assert.equal(await countReceived(bob, uid), 1);
    const hist = await alice.page.evaluate((rid) => window.q.loadComments(rid, { limit: 100 }).then((cs) => cs.map((x) => x.unique_temp_id)), room.id);
    assert.equal(hist.filter((x) => x === uid).length, 1);
  });
});

test('a send that keeps failing: rejects after the retries, stays failed, nothing arrives; commentRetryExceedCallback(comment) (§B)', { timeout: 120000 }, async () => {
  const room = await openPair();
  const soft = softChecks('retry exceed');
  const uid = uniqueId('retry');
  const sinceBob = await bob.page.mark();
  let posts = 0;
  await alice.page.page.route('**/api/v2/sdk/post_comment', (route) => {
    posts++;
    return route.abort('failed');
  });
  try {
    const t0 = Date.now();
    const r = await alice.page.call('sendComment', room.id, 'never goes out', uid);
    log(`    rejected after ${Date.now() - t0} ms and ${posts} POST attempts`);
    assert.equal(r.ok, false, 'sendComment rejects');
    assert.equal(r.isError, true);
    assert.equal(r.unique_temp_id, uid, 'the error carries unique_temp_id');
    assert.ok(posts >= 2, `transient failures are retried (${posts} attempts)`);
    const cm = await alice.page.evaluate((u) => window.__clone(window.q.selected.comments.find((x) => x.unique_temp_id === u)), uid);
    assert.equal(cm.status, 'failed');
    assert.equal(cm.isFailed, true);
    assert.equal(cm.isPending, false);
    await soft.check('commentRetryExceedCallback(comment) fired once the retries were used up', async () => {
      const ev = await alice.page.waitForEvent('commentRetryExceed', (a) => a[0] && a[0].unique_temp_id === uid, { timeout: 5000 });
      assert.equal(ev.args[0].message, 'never goes out');
      assert.equal(ev.args[0].status, 'failed');
    });
  } finally {
    await alice.page.page.unroute('**/api/v2/sdk/post_comment');
  }
  await sleep(300);
  assert.equal(await countReceived(bob, uid, sinceBob), 0, 'nothing arrived');
  soft.done();
});

test('searchMessages (deprecated) → Comment[]; searchMessage → whole body', { timeout: 120000 }, async () => {
  const room = await openPair();
  const needle = `needle${process.pid}`;
  const mine = await send(alice, room.id, `a ${needle} from alice`, uniqueId('srch'));
  const theirs = await send(bob, room.id, `b ${needle} from bob`, uniqueId('srch'));
  await send(alice, room.id, 'no match here', uniqueId('srch'));
  await expectMessage(alice, { uid: theirs.unique_temp_id, message: `b ${needle} from bob`, email: B, roomId: room.id, id: theirs.id });
  await step('searchMessages({query, room_id}) resolves Comment objects with the query', async () => {
    const r = await alice.page.evaluate(([q, rid]) => window.__try(() => window.q.searchMessages({ query: q, room_id: rid })), [needle, room.id]);
    assert.equal(r.ok, true, `searchMessages rejected: ${r.message} (status ${r.status})`);
    assert.deepEqual(r.value.map((c) => c.unique_temp_id).sort(), [mine.unique_temp_id, theirs.unique_temp_id].sort());
    for (const c of r.value) {
      assert.ok(c.message.includes(needle));
      assert.equal(c.unique_id, c.unique_temp_id, 'Comment shape (unique_id)');
      assert.equal(Number(c.room_id), Number(room.id));
      assert.equal(typeof c.username_as, 'string', 'Comment shape (username_as)');
    }
  });
  await step('searchMessage({query, roomIds}) resolves {status, results: {comments}}', async () => {
    const r = await alice.page.evaluate(([q, rid]) => window.__try(() => window.q.searchMessage({ query: q, roomIds: [rid] })), [needle, room.id]);
    assert.equal(r.ok, true, `searchMessage rejected: ${r.message} (status ${r.status})`);
    assert.equal(r.value.status, 200);
    assert.deepEqual(r.value.results.comments.map((c) => c.unique_temp_id).sort(), [mine.unique_temp_id, theirs.unique_temp_id].sort());
  });
  await step('searchMessage({query, userId}) filters by sender', async () => {
    const r = await alice.page.evaluate(([q, rid, u]) => window.q.searchMessage({ query: q, roomIds: [rid], userId: u }), [needle, room.id, B]);
    assert.deepEqual(r.results.comments.map((c) => c.unique_temp_id), [theirs.unique_temp_id]);
  });
  await step('searchMessage with roomType "single" finds them; "group" does not', async () => {
    const s = await alice.page.evaluate((q) => window.q.searchMessage({ query: q, roomType: 'single' }), needle);
    assert.equal(s.results.comments.length, 2);
    const g = await alice.page.evaluate((q) => window.q.searchMessage({ query: q, roomType: 'group' }), needle);
    assert.equal(g.results.comments.length, 0);
  });
});

test('generateMessage / generateFileAttachmentMessage / generateCustomMessage / generateReplyMessage: synchronous pending Comments; their fields send', { timeout: 120000 }, async () => {
  const room = await openPair();
  const base = { email: A, roomId: room.id };
  const gen = await alice.page.evaluate((rid) => {
    const q = window.q;
    const out = {};
    const one = (name, arg) => {
      const v = q[name](arg);
      out[name] = { isPromise: v instanceof Promise, v: window.__clone(v) };
    };
    one('generateMessage', { roomId: rid, text: 'generated', extras: { x: 1 } });
    one('generateFileAttachmentMessage', { roomId: rid, caption: 'a caption', url: 'http://127.0.0.1/f/pic.png', filename: 'pic.png', size: 123 });
    one('generateCustomMessage', { roomId: rid, text: 'custom text', type: 'poll', payload: { q: 'yes?' } });
    const replied = q.selected.comments[q.selected.comments.length - 1] || null;
    out.replied = replied ? window.__clone(replied) : null;
    if (replied) one('generateReplyMessage', { roomId: rid, text: 'my reply', repliedMessage: replied });
    return out;
  }, room.id);
  const common = (name, c, { type, message }) => {
    assert.equal(gen[name].isPromise, false, `${name} is synchronous`);
    assert.equal(c.status, 'pending', `${name}.status`);
    assert.equal(c.isPending, true, `${name}.isPending`);
    assert.equal(c.type, type, `${name}.type`);
    assert.equal(c.message, message, `${name}.message`);
    assert.equal(Number(c.room_id), Number(room.id), `${name}.room_id`);
    assert.match(c.unique_id, /^javascript-[A-Za-z0-9_-]{21}$/, `${name}.unique_id is javascript-{nanoid(21)}`);
    assert.equal(c.unique_temp_id, c.unique_id, `${name}.unique_temp_id`);
    assert.ok(Math.abs(c.id - Date.now()) < 120000, `${name}.id is Date.now() (${c.id})`);
    assert.equal(c.email, base.email, `${name}.email`);
    assert.equal(c.before_id, 0, `${name}.before_id`);
  };
  await step('generateMessage', () => {
    const c = gen.generateMessage.v;
    common('generateMessage', c, { type: 'text', message: 'generated' });
    assert.deepEqual(c.extras, { x: 1 });
  });
  await step('generateFileAttachmentMessage: payload {url, file_name, size, caption}, text "File attachment"', () => {
    const c = gen.generateFileAttachmentMessage.v;
    common('generateFileAttachmentMessage', c, { type: 'file_attachment', message: 'File attachment' });
    assert.deepEqual(c.payload, { url: 'http://127.0.0.1/f/pic.png', file_name: 'pic.png', size: 123, caption: 'a caption' });
  });
  await step('generateCustomMessage: payload {type, content}', () => {
    const c = gen.generateCustomMessage.v;
    common('generateCustomMessage', c, { type: 'custom', message: 'custom text' });
    assert.deepEqual(c.payload, { type: 'poll', content: { q: 'yes?' } });
  });
  const replied = gen.replied;
  await step('generateReplyMessage: payload with the replied comment', () => {
    assert.ok(replied, 'a comment to reply to exists in selected');
    const c = gen.generateReplyMessage.v;
    common('generateReplyMessage', c, { type: 'reply', message: 'my reply' });
    assert.deepEqual(c.payload, {
      text: 'my reply',
      replied_comment_id: replied.id,
      replied_comment_message: replied.message,
      replied_comment_type: replied.type,
      replied_comment_payload: replied.payload,
      replied_comment_sender_username: replied.username_as,
      replied_comment_sender_email: replied.username_real,
    });
  });
  await step('each generated message sent with sendComment(its fields) arrives at the peer with type and payload', async () => {
    for (const name of ['generateMessage', 'generateFileAttachmentMessage', 'generateCustomMessage', 'generateReplyMessage']) {
      const g = gen[name].v;
      const r = await alice.page.evaluate((g) => window.q.sendComment(g.room_id, g.message, g.unique_id, g.type, g.payload, g.extras).then((c) => window.__clone(c)), g);
      assert.equal(r.unique_temp_id, g.unique_id);
      const ev = await bob.page.waitForEvent('newMessages', (a) => a[0].some((c) => c.unique_temp_id === g.unique_id), { timeout: TIMEOUT });
      const got = ev.args[0].find((c) => c.unique_temp_id === g.unique_id);
      assert.equal(got.type, g.type, `${name}: type`);
      assert.equal(got.message, g.message, `${name}: message`);
      if (g.payload) assert.deepEqual(got.payload, g.payload, `${name}: payload`);
    }
  });
});

test('upload(file, cb): progress events, then cb(null, null, url); resolves url; bytes served back', { timeout: 120000 }, async () => {
  const r = await step('upload a 3 MiB Blob', () => alice.page.evaluate(async () => {
    const bytes = new Uint8Array(3 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + 3) % 251;
    const file = new File([bytes], 'big.bin', { type: 'application/octet-stream' });
    const calls = [];
    const bus = []; // v2's own name for it on qiscus.events
    window.q.events.on('fileupload', (u) => bus.push(u));
    const res = await window.__try(() => window.q.upload(file, (err, ev, url) => {
      calls.push({ err: err ? String(err.message || err) : err, ev: ev ? { loaded: ev.loaded, total: ev.total, lengthComputable: ev.lengthComputable, type: ev.type } : ev, url });
    }));
    const hash = async (buf) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', buf))).map((b) => b.toString(16).padStart(2, '0')).join('');
    let served = null;
    if (res.ok) {
      const resp = await fetch(res.value);
      served = { status: resp.status, hash: await hash(await resp.arrayBuffer()) };
    }
    return { res, calls, size: bytes.length, hash: await hash(bytes), served, bus };
  }));
  await step('progress: callback(null, event) with growing loaded, up to total', () => {
    assert.equal(r.res.ok, true, `upload rejected: ${r.res.message} (status ${r.res.status})`);
    const progress = r.calls.filter((c) => c.ev);
    assert.ok(progress.length >= 1, `at least one progress event (${JSON.stringify(r.calls).slice(0, 300)})`);
    for (const p of progress) {
      assert.equal(p.err, null, 'error argument is null');
      assert.equal(p.ev.type, 'progress');
      assert.ok(p.ev.loaded > 0);
    }
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].ev.loaded >= progress[i - 1].ev.loaded, 'loaded grows');
    const last = progress[progress.length - 1].ev;
    assert.equal(last.loaded, last.total, 'the last progress event is complete');
    assert.ok(last.total >= r.size, `total covers the file (${last.total} ≥ ${r.size})`);
  });
  await step('then callback(null, null, url) once, last; resolves the same url', () => {
    const fin = r.calls.filter((c) => !c.ev);
    assert.equal(fin.length, 1);
    assert.equal(r.calls[r.calls.length - 1], fin[0], 'completion is the last call');
    assert.equal(fin[0].err, null);
    assert.equal(fin[0].ev, null);
    assert.equal(typeof fin[0].url, 'string');
    assert.match(fin[0].url, /^https?:\/\//);
    assert.equal(fin[0].url, r.res.value);
  });
  await step('the url serves the same bytes', () => {
    assert.equal(r.served.status, 200);
    assert.equal(r.served.hash, r.hash);
  });
  await step('fileUploadedCallback(url) fires for upload too (index.d.ts: after upload/uploadFile)', async () => {
    const ev = await alice.page.waitForEvent('fileUploaded', (a) => a[0] === r.res.value, { timeout: TIMEOUT });
    assert.deepEqual(ev.args, [r.res.value]);
    assert.deepEqual(r.bus, [r.res.value], 'qiscus.events fileupload carries the url once');
  });
});

test('uploadFile(roomId, file): fileUploadedCallback(url); resolves the sent Comment "[file] url [/file]"; the peer gets it; getFileList lists it', { timeout: 120000 }, async () => {
  // A fresh group, so no other file messages are in the room.
  const g = await alice.page.evaluate((b) => window.q.createGroupRoom('Files', [b]), B);
  const room = { id: g.id };
  await alice.page.evaluate((id) => window.q.getRoomById(id), g.id);
  await bob.page.evaluate((id) => window.q.getRoomById(id), g.id);
  const since = await alice.page.mark();
  const r = await step('uploadFile(room, pic.png)', () => alice.page.evaluate(async (rid) => {
    const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=='), (ch) => ch.charCodeAt(0));
    const file = new File([png], 'pic.png', { type: 'image/png' });
    return window.__try(() => window.q.uploadFile(rid, file));
  }, room.id));
  assert.equal(r.ok, true, `uploadFile rejected: ${r.message} (status ${r.status})`);
  const c = r.value;
  const url = await step('resolves the sent Comment with message "[file] url [/file]"', () => {
    const m = /^\[file\] (\S+) \[\/file\]$/.exec(c.message);
    assert.ok(m, `message is "[file] url [/file]" (${c.message})`);
    assert.match(m[1], /^https?:\/\/.*pic\.png$/);
    assert.equal(Number(c.room_id), Number(room.id));
    assert.ok(c.id > 0 && c.id < 1e15);
    assert.equal(c.email, A);
    return m[1];
  });
  await step('fileUploadedCallback(url)', async () => {
    const ev = await alice.page.waitForEvent('fileUploaded', (a) => a[0] === url, { since, timeout: TIMEOUT });
    assert.deepEqual(ev.args, [url]);
  });
  await step('the peer receives "[file] url [/file]"', async () => {
    await expectMessage(bob, { uid: c.unique_temp_id, message: `[file] ${url} [/file]`, email: A, roomId: room.id, id: c.id });
  });
  await step('getFileList({roomIds}) → whole body listing the file', async () => {
    const x = await alice.page.evaluate((rid) => window.__try(() => window.q.getFileList({ roomIds: [rid] })), room.id);
    assert.equal(x.ok, true, `getFileList rejected: ${x.message} (status ${x.status})`);
    assert.equal(x.value.status, 200);
    const res = x.value.results;
    assert.ok(res && typeof res === 'object');
    assert.ok(Array.isArray(res.comments), 'results.comments');
    assert.deepEqual(res.comments.map((cm) => cm.unique_temp_id), [c.unique_temp_id]);
    if (res.files) assert.ok(res.files.some((f) => JSON.stringify(f).includes(url)), 'results.files has the url');
  });
  await step('getFileList filters: media yes, doc no; includeExtensions; sender', async () => {
    const count = (o) => alice.page.evaluate(([o, rid]) => window.q.getFileList({ roomIds: [rid], ...o }).then((b) => b.results.comments.length), [o, room.id]);
    assert.equal(await count({ fileType: 'media' }), 1, 'png is media');
    assert.equal(await count({ fileType: 'doc' }), 0, 'png is not a doc');
    assert.equal(await count({ includeExtensions: ['txt'] }), 0, 'include txt only');
    assert.equal(await count({ excludeExtensions: ['png'] }), 0, 'exclude png');
    assert.equal(await count({ sender: B }), 0, 'bob sent no file');
    const bobView = await bob.page.evaluate((rid) => window.q.getFileList({ roomIds: [rid] }).then((b) => b.results.comments.length), room.id);
    assert.equal(bobView, 0, "bob's default sender is bob (v2: the current user)");
    const bobAll = await bob.page.evaluate(([rid, a]) => window.q.getFileList({ roomIds: [rid], sender: a }).then((b) => b.results.comments.length), [room.id, A]);
    assert.equal(bobAll, 1, "bob sees alice's file with sender: alice");
  });
});

test('getThumbnailURL / getBlurryThumbnailURL: synchronous strings, as v2', { timeout: 60000 }, async () => {
  // Expected values from v2's own implementation (qiscus-sdk-core 2.16.9 src/index.js):
  const v2 = (url, blur) => url.replace(/^https?:\/\/\S+(\/upload\/)\S+(\.\w+)$/i, (m, g1, g2) =>
    m.replace(g1, blur ? '/upload/w_320,h_320,c_limit,e_blur:300/' : '/upload/w_320,h_320,c_limit/').replace(g2, '.png'));
  const urls = [
    'https://res.cloudinary.com/qiscus/image/upload/v1506/photo.jpg',
    'http://127.0.0.1:8080/upload/abc/pic.PNG',
    'https://example.com/upload/a.b/c/file.jpeg',
    'https://example.com/files/no-upload-segment.jpg',
    'https://example.com/upload/no-extension',
    'not a url /upload/x.jpg',
  ];
  const got = await alice.page.evaluate((urls) => urls.map((u) => {
    const t = window.q.getThumbnailURL(u);
    const b = window.q.getBlurryThumbnailURL(u);
    return { t, b, tIsString: typeof t === 'string', bIsString: typeof b === 'string' };
  }), urls);
  const soft = softChecks('thumbnails');
  for (let i = 0; i < urls.length; i++) {
    assert.equal(got[i].tIsString, true, 'synchronous string');
    assert.equal(got[i].bIsString, true, 'synchronous string');
    await soft.check(`getThumbnailURL(${urls[i]})`, () => assert.equal(got[i].t, v2(urls[i], false)));
    await soft.check(`getBlurryThumbnailURL(${urls[i]})`, () => assert.equal(got[i].b, v2(urls[i], true)));
  }
  assert.equal(got[0].t, 'https://res.cloudinary.com/qiscus/image/upload/w_320,h_320,c_limit/v1506/photo.png');
  assert.equal(got[0].b, 'https://res.cloudinary.com/qiscus/image/upload/w_320,h_320,c_limit,e_blur:300/v1506/photo.png');
  soft.done();
});
