// API coverage, hooks and misc (issue #3): OUR UMD in headless Chromium
// against the dev server.
//
// intercept(MESSAGE_BEFORE_SENT / MESSAGE_BEFORE_RECEIVED): changes apply and
// the returned function really removes the hook (v2's did not, G.1 #18);
// commentFormaterCallback AND commentFormatterCallback (the return value
// replaces the text); prePostCommentCallback; setCustomHeader (the header
// reaches the server); static Interceptor / UpdateCommentStatusMode;
// synchronize / synchronizeEvent.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startDevServer, uniqueId, log, sleep, apiLogin } from './harness.mjs';
import { openUser, step, send, expectMessage, chatTarget, TIMEOUT, openUserWith } from './scenario.mjs';

let server;
const pages = [];

before(async () => {
  server = await startDevServer({ label: 'devserver-api-hooks' });
  log(`[api-hooks] dev server at ${server.url}`);
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

function incoming(user, uid, since = 0) {
  return user.page.waitForEvent('newMessages', (a) => a[0] && a[0].some((c) => c.unique_temp_id === uid), { since, timeout: TIMEOUT })
    .then((ev) => ev.args[0].find((c) => c.unique_temp_id === uid));
}

// ---------------------------------------------------------------------------

test('static and instance Interceptor / UpdateCommentStatusMode constants', { timeout: 60000 }, async () => {
  const u = await track(openUser(server, 'ours', 'const-user'));
  const r = await u.page.evaluate(() => ({
    S: window.QiscusSDKCore.Interceptor,
    I: window.q.Interceptor,
    M: window.QiscusSDKCore.UpdateCommentStatusMode,
    version: window.q.version,
  }));
  const want = { MESSAGE_BEFORE_SENT: 'message::before-sent', MESSAGE_BEFORE_RECEIVED: 'message::before-received' };
  assert.deepEqual(r.S, want);
  assert.deepEqual(r.I, want);
  assert.deepEqual(r.M, {
    disabled: 'UpdateCommentStatusMode.disabled',
    throttled: 'UpdateCommentStatusMode.throttled',
    enabled: 'UpdateCommentStatusMode.enabled',
  });
  assert.match(r.version, /^WEB_/);
});

test('intercept(MESSAGE_BEFORE_SENT): the change is sent; async hooks work; the returned function removes the hook', { timeout: 120000 }, async () => {
  const alice = await track(openUser(server, 'ours', 'hs-alice'));
  const bob = await track(openUser(server, 'ours', 'hs-bob'));
  const room = await chatTarget(alice, 'hs-bob');
  await chatTarget(bob, 'hs-alice');
  await alice.page.evaluate(() => {
    window.__sentHookSaw = [];
    window.__offSent = window.q.intercept(window.QiscusSDKCore.Interceptor.MESSAGE_BEFORE_SENT, (m) => {
      window.__sentHookSaw.push(window.__clone(m));
      return { ...m, message: m.message + ' [hooked]', extras: { ...(m.extras || {}), hooked: true } };
    });
  });
  const uid = uniqueId('hook-sent');
  await step('the hook sees the outgoing message and its change is sent', async () => {
    const c = await alice.page.evaluate(([rid, u]) => window.q.sendComment(rid, 'plain', u).then((x) => window.__clone(x)), [room.id, uid]);
    assert.equal(c.message, 'plain [hooked]', 'resolved comment has the hooked text');
    assert.equal(c.extras && c.extras.hooked, true);
    const got = await incoming(bob, uid);
    assert.equal(got.message, 'plain [hooked]');
    assert.deepEqual(got.extras, { hooked: true });
    const saw = await alice.page.evaluate(() => window.__sentHookSaw);
    assert.equal(saw.length, 1);
    assert.equal(saw[0].message, 'plain');
    assert.equal(saw[0].unique_temp_id || saw[0].unique_id, uid);
    assert.equal(Number(saw[0].room_id), Number(room.id));
  });
  await step('a second, async hook runs after the first', async () => {
    await alice.page.evaluate(() => {
      window.__offSent2 = window.q.intercept('message::before-sent', async (m) => {
        await new Promise((r) => setTimeout(r, 20));
        return { ...m, message: m.message + ' [async]' };
      });
    });
    const u2 = uniqueId('hook-sent2');
    await alice.page.evaluate(([rid, u]) => window.q.sendComment(rid, 'two', u), [room.id, u2]);
    assert.equal((await incoming(bob, u2)).message, 'two [hooked] [async]');
  });
  await step('after both unsubscribe functions, messages go out unchanged', async () => {
    const ret = await alice.page.evaluate(() => {
      const t = typeof window.__offSent;
      window.__offSent();
      window.__offSent2();
      return t;
    });
    assert.equal(ret, 'function');
    const u3 = uniqueId('hook-sent3');
    await alice.page.evaluate(([rid, u]) => window.q.sendComment(rid, 'unhooked', u), [room.id, u3]);
    assert.equal((await incoming(bob, u3)).message, 'unhooked');
    assert.equal((await alice.page.evaluate(() => window.__sentHookSaw.length)), 2, 'the removed hook is not called');
  });
  await step('removing one of two hooks removes that one only', async () => {
    await alice.page.evaluate(() => {
      window.__offA = window.q.intercept('message::before-sent', (m) => ({ ...m, message: m.message + ' [A]' }));
      window.__offB = window.q.intercept('message::before-sent', (m) => ({ ...m, message: m.message + ' [B]' }));
      window.__offA();
    });
    const u4 = uniqueId('hook-sent4');
    await alice.page.evaluate(([rid, u]) => window.q.sendComment(rid, 'one left', u), [room.id, u4]);
    assert.equal((await incoming(bob, u4)).message, 'one left [B]');
    await alice.page.evaluate(() => window.__offB());
  });
});

test('intercept(MESSAGE_BEFORE_RECEIVED): changes incoming messages (callback, selected, history); unsubscribe removes it', { timeout: 120000 }, async () => {
  const alice = await track(openUser(server, 'ours', 'hr-alice'));
  const bob = await track(openUser(server, 'ours', 'hr-bob'));
  const room = await chatTarget(alice, 'hr-bob');
  await chatTarget(bob, 'hr-alice');
  await bob.page.evaluate(() => {
    window.__recvSaw = 0;
    window.__offRecv = window.q.intercept(window.QiscusSDKCore.Interceptor.MESSAGE_BEFORE_RECEIVED, (m) => {
      window.__recvSaw++;
      return { ...m, message: String(m.message).toUpperCase(), extras: { ...(m.extras || {}), seen: true } };
    });
  });
  const uid = uniqueId('hook-recv');
  await send(alice, room.id, 'shout this', uid);
  await step('newMessagesCallback gets the hooked comment', async () => {
    const got = await incoming(bob, uid);
    assert.equal(got.message, 'SHOUT THIS');
    assert.equal(got.extras && got.extras.seen, true);
  });
  await step('selected.comments holds the hooked comment', async () => {
    const m = await bob.page.evaluate((u) => (window.q.selected.comments.find((c) => c.unique_temp_id === u) || {}).message, uid);
    assert.equal(m, 'SHOUT THIS');
  });
  await step('loaded history (getRoomById / loadComments) goes through the hook too', async () => {
    const viaRoom = await bob.page.evaluate(([rid, u]) => window.q.getRoomById(rid).then((r) => r.comments.find((c) => c.unique_temp_id === u).message), [room.id, uid]);
    assert.equal(viaRoom, 'SHOUT THIS');
    const viaLoad = await bob.page.evaluate(([rid, u]) => window.q.loadComments(rid).then((cs) => cs.find((c) => c.unique_temp_id === u).message), [room.id, uid]);
    assert.equal(viaLoad, 'SHOUT THIS');
  });
  await step('after unsubscribe, incoming messages are unchanged and the hook is not called', async () => {
    const before = await bob.page.evaluate(() => { window.__offRecv(); return window.__recvSaw; });
    const u2 = uniqueId('hook-recv2');
    await send(alice, room.id, 'quiet now', u2);
    assert.equal((await incoming(bob, u2)).message, 'quiet now');
    await sleep(200);
    assert.equal(await bob.page.evaluate(() => window.__recvSaw), before);
  });
  await step('intercept with an unknown name or a non-function throws', async () => {
    const r = await bob.page.evaluate(() => {
      const out = [];
      for (const f of [() => window.q.intercept('nope', () => 0), () => window.q.intercept('message::before-sent', 42)]) {
        try { f(); out.push('no throw'); } catch (e) { out.push(e instanceof Error ? e.message : String(e)); }
      }
      return out;
    });
    assert.match(r[0], /interceptor|nope/i);
    assert.match(r[1], /function|callback/i);
  });
});

for (const spelling of ['commentFormaterCallback', 'commentFormatterCallback']) {
  test(`${spelling}: its return value replaces the text; prePostCommentCallback gets the original text`, { timeout: 120000 }, async () => {
    const id = spelling === 'commentFormaterCallback' ? 'fmt1' : 'fmt2';
    const alice = await track(openUserWith(server, `${id}-alice`, {
      record: ['prePostComment'],
      setupArg: spelling,
      setup: (name) => {
        window.__formatted = [];
        window.__extraOptions = {
          [name]: (text) => {
            window.__formatted.push(text);
            return `«${text}»`;
          },
        };
      },
    }));
    const bob = await track(openUser(server, 'ours', `${id}-bob`));
    const room = await chatTarget(alice, `${id}-bob`);
    await chatTarget(bob, `${id}-alice`);
    const uid = uniqueId(id);
    const c = await step('sendComment: the resolved comment has the formatted text', async () => {
      const x = await alice.page.call('sendComment', room.id, 'raw text', uid);
      assert.equal(x.ok, true, x.message);
      assert.equal(x.value.message, '«raw text»');
      return x.value;
    });
    await step('the peer receives the formatted text', async () => {
      await expectMessage(bob, { uid, message: '«raw text»', email: `${id}-alice`, roomId: room.id, id: c.id });
    });
    await step(`${spelling} was called once with the original text`, async () => {
      assert.deepEqual(await alice.page.evaluate(() => window.__formatted), ['raw text']);
    });
    await step('prePostCommentCallback(text) got the original text, once', async () => {
      const evs = await alice.page.events('prePostComment');
      assert.deepEqual(evs.map((e) => e.args), [['raw text']]);
    });
  });
}

test('setCustomHeader(headers): the headers reach the server on later requests', { timeout: 120000 }, async () => {
  await apiLogin(server, 'hdr-bob');
  const alice = await track(openUser(server, 'ours', 'hdr-alice'));
  const seen = [];
  alice.page.page.on('request', (req) => {
    if (req.url().startsWith(server.url + '/api/v2/sdk/')) seen.push({ url: req.url(), headers: req.headers() });
  });
  await step('before: no custom header', async () => {
    await alice.page.call('loadRoomList');
    assert.ok(seen.length > 0, 'requests observed');
    assert.ok(seen.every((r) => !('x-test-header' in r.headers)));
  });
  await step('setCustomHeader({X-Test-Header, X-Other}) resolves', async () => {
    const r = await alice.page.call('setCustomHeader', { 'X-Test-Header': 'abc 123', 'X-Other': 'two' });
    assert.equal(r.ok, true, r.message);
  });
  await step('every later REST request carries them (and the SDK headers)', async () => {
    seen.length = 0;
    await alice.page.call('loadRoomList');
    await alice.page.call('getTotalUnreadCount');
    const room = await chatTarget(alice, 'hdr-bob');
    await alice.page.call('sendComment', room.id, 'with headers', uniqueId('hdr'));
    await sleep(200);
    const api = seen.filter((r) => !/\/sync(_event)?\?/.test(r.url));
    assert.ok(api.length >= 4, `requests observed (${api.length})`);
    for (const r of api) {
      assert.equal(r.headers['x-test-header'], 'abc 123', `x-test-header on ${r.url}`);
      assert.equal(r.headers['x-other'], 'two', `x-other on ${r.url}`);
      assert.equal(r.headers['qiscus-sdk-app-id'], 'dev', `app id still sent on ${r.url}`);
      assert.equal(r.headers['qiscus-sdk-user-id'], 'hdr-alice', `user id still sent on ${r.url}`);
    }
  });
  await step('the server accepted them (CORS preflight echo): requests succeeded', async () => {
    const r = await alice.page.call('getUserProfile');
    assert.equal(r.ok, true, `${r.message} (status ${r.status})`);
    assert.equal(r.value.email, 'hdr-alice');
  });
});

test('synchronize() and synchronizeEvent() resolve; synchronize emits messages missed while offline once', { timeout: 120000 }, async () => {
  const alice = await track(openUser(server, 'ours', 'sync-alice'));
  const bob = await track(openUser(server, 'ours', 'sync-bob'));
  const room = await chatTarget(alice, 'sync-bob');
  await chatTarget(bob, 'sync-alice');
  const r1 = await alice.page.call('synchronize');
  assert.deepEqual(r1, { ok: true, isPromise: true, isUndefined: true, value: null });
  const r2 = await alice.page.call('synchronizeEvent');
  assert.deepEqual(r2, { ok: true, isPromise: true, isUndefined: true, value: null });
  const uid = uniqueId('sync');
  const c = await send(bob, room.id, 'sync me', uid);
  await expectMessage(alice, { uid, message: 'sync me', email: 'sync-bob', roomId: room.id, id: c.id });
  await alice.page.call('synchronize');
  await sleep(300);
  const n = (await alice.page.events('newMessages')).filter((e) => e.args[0].some((x) => x.unique_temp_id === uid)).length;
  assert.equal(n, 1, 'synchronize does not re-emit a message already delivered');
});

// onRoomTypingCallback fires for r/{roomId}/typing, which only Qiscus's bots
// publish: the dev server has no producer, so sdk/unit_test.go
// (TestRoomTypingRouting) covers the routing and the callback arguments.

