// Bad input with OUR client, in headless Chromium against the dev server.
//
// Each bad call must reject with an Error whose message names the problem
// (and `.status` = the HTTP status, or 0/undefined for client-side checks),
// must not deliver anything to the peer, and must leave the client working:
// after every rejection a normal message still arrives at the peer.
//
// "Nothing arrives" is checked with a marker: after the bad call, a normal
// message is sent; once the peer has the marker (same room, same broker path,
// delivered in order), anything the bad call had produced would have arrived
// before it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startDevServer, openClientPage, uniqueId, log } from './harness.mjs';
import { openUser, step, send, expectMessage, chatTarget } from './scenario.mjs';

let server;
const pages = [];

before(async () => {
  server = await startDevServer({ label: 'devserver-badinput' });
  log(`[badinput] dev server at ${server.url}`);
});

after(async () => {
  for (const p of pages.splice(0)) await p.close().catch(() => {});
  if (server) await server.stop();
});

/** Call q.sendComment(...args) in the page; return the settled outcome as data. */
function trySend(user, args) {
  return user.page.evaluate(
    (args) => window.__try(() => window.q.sendComment(...args)),
    args,
  );
}

function assertRejected(r, { message, what }) {
  assert.equal(r.ok, false, `${what}: must reject (resolved with ${JSON.stringify(r.value)?.slice(0, 200)})`);
  assert.equal(r.isError, true, `${what}: rejects with an Error instance (got name=${r.name})`);
  assert.match(r.message, message, `${what}: message names the problem`);
  log(`    ${what} → rejected: ${JSON.stringify(r.message)} (status ${r.status})`);
}

/** A normal send from `from` still arrives at `to`; returns the comment. */
async function stillWorks(from, to, roomId, label) {
  const uid = uniqueId(label);
  const text = `still works after ${label}`;
  const c = await send(from, roomId, text, uid);
  await expectMessage(to, { uid, message: text, email: from.userId, roomId, id: c.id });
  return c;
}

/** No newMessagesCallback at `user` (from index `since`) carried `pred`. */
async function assertNothingArrived(user, since, pred, what) {
  const evs = await user.page.events('newMessages', since);
  const bad = evs.flatMap((e) => e.args[0] || []).filter(pred);
  assert.deepEqual(
    bad.map((c) => ({ id: c.id, unique_temp_id: c.unique_temp_id, len: (c.message || '').length })),
    [],
    `${what}: nothing may arrive at ${user.userId}`,
  );
}

test('ours: bad sendComment input rejects clearly, delivers nothing, client keeps working', { timeout: 240000 }, async () => {
  // --- before setUser -------------------------------------------------------
  const early = await step('a fresh client (init, no setUser)', async () => {
    const page = await openClientPage(server, { client: 'ours', label: 'early' });
    pages.push(page);
    await page.init();
    return { page, userId: 'alice', kind: 'ours' };
  });
  await step('sendComment before setUser rejects naming the missing login', async () => {
    const r = await trySend(early, [1, 'too early', uniqueId('early')]);
    assertRejected(r, { message: /log ?in|logged|setUser|user/i, what: 'sendComment before setUser' });
    assert.ok(r.status === 0 || r.status === undefined, `client-side check: status 0/undefined (got ${r.status})`);
    const props = await early.page.evaluate(() => ({ isLogin: window.q.isLogin, selected: window.q.selected }));
    assert.deepEqual(props, { isLogin: false, selected: null });
  });

  // The same client logs in afterwards and works.
  const bob = await step('bob logs in', () => openUser(server, 'ours', 'bob'));
  pages.push(bob.page);
  const alice = await step('the early client logs in as alice afterwards', async () => {
    const login = await early.page.login('alice', { key: 'alice-secret-key', username: 'Alice' });
    assert.equal(login.user.email, 'alice');
    return { ...early, login, username: 'Alice' };
  });
  const room = await step('alice.chatTarget(bob)', () => chatTarget(alice, 'bob'));
  await step('bob.chatTarget(alice)', () => chatTarget(bob, 'alice'));
  await step('after the early rejection, a normal send arrives', () => stillWorks(alice, bob, room.id, 'early-reject'));

  // --- missing room id -------------------------------------------------------
  for (const [what, roomArg] of [
    ['no room id (undefined)', undefined],
    ['null room id', null],
    ['empty-string room id', ''],
  ]) {
    await step(`sendComment with ${what} rejects naming roomId`, async () => {
      const since = await bob.page.mark();
      const uid = uniqueId('noroom');
      const r = await trySend(alice, [roomArg, 'where does this go?', uid]);
      assertRejected(r, { message: /room ?id/i, what: `sendComment(${JSON.stringify(roomArg)}, …)` });
      assert.ok(r.status === 0 || r.status === undefined || r.status >= 400, `status is 0/undefined or an HTTP error (got ${r.status})`);
      await stillWorks(alice, bob, room.id, `noroom-${what.replace(/\W+/g, '-')}`);
      await assertNothingArrived(bob, since, (c) => c.unique_temp_id === uid || c.message === 'where does this go?', what);
    });
  }

  // --- text over 4000 characters ----------------------------------------------
  await step('sendComment with 4001 characters rejects naming the limit; nothing arrives', async () => {
    const since = await bob.page.mark();
    const sinceAlice = await alice.page.mark();
    const uid = uniqueId('toolong');
    const text = 'x'.repeat(4001);
    const r = await trySend(alice, [room.id, text, uid]);
    assertRejected(r, { message: /4000|too long|length|characters/i, what: 'sendComment(4001 chars)' });
    assert.ok(
      r.status === 0 || r.status === undefined || (r.status >= 400 && r.status < 500),
      `status is 0/undefined (client check) or a 4xx (got ${r.status})`,
    );
    await stillWorks(alice, bob, room.id, 'toolong');
    await assertNothingArrived(bob, since, (c) => c.unique_temp_id === uid || (c.message || '').length > 4000, '4001 chars');
    await assertNothingArrived(alice, sinceAlice, (c) => c.unique_temp_id === uid, '4001 chars (own echo)');
    // And the server has no such comment.
    const ids = await alice.page.evaluate(
      (roomId) => window.q.loadComments(roomId, { limit: 50 }).then((cs) => cs.map((c) => c.unique_temp_id)),
      room.id,
    );
    assert.equal(ids.includes(uid), false, 'the too-long comment is not in the room history');
  });

  await step('multi-byte text over 4000 characters rejects too', async () => {
    const since = await bob.page.mark();
    const uid = uniqueId('toolong-mb');
    const r = await trySend(alice, [room.id, 'é'.repeat(4001), uid]);
    assertRejected(r, { message: /4000|too long|length|characters/i, what: 'sendComment(4001 × "é")' });
    await stillWorks(alice, bob, room.id, 'toolong-mb');
    await assertNothingArrived(bob, since, (c) => c.unique_temp_id === uid, '4001 × "é"');
  });

  // The limit is exactly 4000 characters: 4000 is accepted and arrives intact.
  await step('exactly 4000 characters (multi-byte) is accepted and arrives intact', async () => {
    const uid = uniqueId('limit');
    const text = 'ü'.repeat(3999) + '!';
    assert.equal(text.length, 4000);
    const c = await send(alice, room.id, text, uid);
    await expectMessage(bob, { uid, message: text, email: 'alice', roomId: room.id, id: c.id });
  });

  await step('the client state is intact after all rejections', async () => {
    const props = await alice.page.evaluate(() => ({
      isLogin: window.q.isLogin,
      selected: Number(window.q.selected && window.q.selected.id),
      user_id: window.q.user_id,
    }));
    assert.deepEqual(props, { isLogin: true, selected: Number(room.id), user_id: 'alice' });
    await stillWorks(bob, alice, room.id, 'final-reverse');
  });
});
