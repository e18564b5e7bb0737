// API coverage, authentication and session (issue #3): OUR UMD in headless
// Chromium against the dev server. Every resolved value and callback argument
// is checked field by field against reference §A.4/§B/§E and js/index.d.ts
// (which documents where our runtime deliberately differs from v2).
//
// Methods: getNonce, verifyIdentityToken, setUserWithIdentityToken (a Promise
// here, and it connects realtime), setUser/loginSuccessCallback,
// loginErrorCallback (wrong password), refreshAuthToken +
// authTokenRefreshedCallback (dev server with -token-ttl 3s; requests keep
// working after expiry), logout, disconnect, updateProfile +
// updateProfileCallback, getUserProfile. Properties: userData, isLogin,
// isInit, user_id.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  startDevServer, openClientPage, uniqueId, log, sleep, mintIdentityToken, waitUntil,
} from './harness.mjs';
import {
  openUser, step, send, expectMessage, chatTarget, TIMEOUT, openUserWith, softChecks,
} from './scenario.mjs';

let server;
let ttlServer;
const pages = [];

before(async () => {
  server = await startDevServer({ label: 'devserver-api-auth' });
  ttlServer = await startDevServer({ label: 'devserver-api-auth-ttl', extraArgs: ['-token-ttl', '3s'] });
  log(`[api-auth] dev servers at ${server.url} and ${ttlServer.url} (-token-ttl 3s)`);
});

after(async () => {
  for (const p of pages.splice(0)) await p.close().catch(() => {});
  if (server) await server.stop();
  if (ttlServer) await ttlServer.stop();
});

async function track(userPromise) {
  const u = await userPromise;
  pages.push(u.page);
  return u;
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The documented login user (§E.4 / index.d.ts UserData), field by field. */
function assertUserData(u, { userId, username, what = 'user' }) {
  assert.ok(u && typeof u === 'object', `${what} is an object`);
  assert.ok(Number.isInteger(u.id) && u.id > 0, `${what}.id is a positive integer (${u.id})`);
  assert.equal(u.email, userId, `${what}.email`);
  assert.equal(u.username, username, `${what}.username`);
  assert.equal(typeof u.avatar_url, 'string', `${what}.avatar_url is a string`);
  assert.equal(typeof u.token, 'string', `${what}.token is a string`);
  assert.ok(u.token.length >= 8, `${what}.token is a real token`);
  assert.equal(typeof u.refresh_token, 'string', `${what}.refresh_token is a string`);
  assert.equal(typeof u.token_expires_at, 'string', `${what}.token_expires_at is a string`);
  assert.ok(Number.isInteger(u.last_comment_id) && u.last_comment_id >= 0, `${what}.last_comment_id (${u.last_comment_id})`);
}

// ---------------------------------------------------------------------------

test('properties before and after setUser; setUser resolves {user}; loginSuccessCallback', { timeout: 120000 }, async () => {
  const page = await openClientPage(server, { client: 'ours', label: 'props' });
  pages.push(page);
  await step('before init: isInit/isLogin false, userData {}, selected null', async () => {
    const p = await page.evaluate(() => {
      const q = new window.QiscusSDKCore();
      return { isInit: q.isInit, isLogin: q.isLogin, userData: q.userData, selected: q.selected, user_id: q.user_id, last: q.last_received_comment_id };
    });
    assert.deepEqual(p, { isInit: false, isLogin: false, userData: {}, selected: null, user_id: null, last: 0 });
  });
  await step('after init, before setUser: not logged in', async () => {
    await page.init();
    const p = await page.evaluate(() => ({ isInit: window.q.isInit, isLogin: window.q.isLogin, userData: window.q.userData }));
    assert.deepEqual(p, { isInit: false, isLogin: false, userData: {} });
  });
  const userId = 'prop-user';
  const login = await step('setUser resolves {user} (§E.4)', async () => {
    const r = await page.login(userId, { key: 'k-123456', username: 'Prop User', avatarURL: 'http://127.0.0.1/a.png', extras: { role: 'tester' } });
    assert.deepEqual(Object.keys(r), ['user'], 'results is {user}');
    assertUserData(r.user, { userId, username: 'Prop User', what: 'setUser().user' });
    assert.equal(r.user.avatar_url, 'http://127.0.0.1/a.png', 'avatar_url as given');
    assert.deepEqual(r.user.extras, { role: 'tester' }, 'extras as given');
    return r;
  });
  await step('properties: isInit, isLogin, user_id, userData', async () => {
    const p = await page.evaluate(() => ({
      isInit: window.q.isInit, isLogin: window.q.isLogin, user_id: window.q.user_id, userData: window.q.userData,
      username: window.q.username, avatar_url: window.q.avatar_url,
    }));
    assert.equal(p.isInit, true);
    assert.equal(p.isLogin, true);
    assert.equal(p.user_id, userId);
    assert.equal(p.username, 'Prop User');
    assert.equal(p.avatar_url, 'http://127.0.0.1/a.png');
    assert.deepEqual(p.userData, login.user, 'userData is results.user');
  });
  await step('loginSuccessCallback(results) got the same {user}', async () => {
    const ev = await page.waitForEvent('loginSuccess', (a) => a[0] && a[0].user && a[0].user.email === userId, { timeout: TIMEOUT });
    assert.equal(ev.args.length, 1, 'one argument');
    assert.deepEqual(ev.args[0], login, 'loginSuccessCallback gets the login results');
  });
});

test('loginErrorCallback on a wrong password; the promise rejects with .status; state stays logged out', { timeout: 120000 }, async () => {
  const userId = 'pw-user';
  const first = await track(openUser(server, 'ours', userId));
  await first.page.evaluate(() => window.q.logout());
  const page = await openClientPage(server, { client: 'ours', label: 'pw-wrong' });
  pages.push(page);
  await page.init();
  const r = await step('setUser with the wrong key rejects', () =>
    page.evaluate((id) => window.__try(() => window.q.setUser(id, 'definitely-wrong-key', 'Pw')), userId));
  assert.equal(r.ok, false, 'setUser must reject');
  assert.equal(r.isError, true, 'rejects with an Error');
  assert.ok(r.status === 401 || r.status === 403, `status 401/403 (got ${r.status})`);
  await step('loginErrorCallback({status, message})', async () => {
    const ev = await page.waitForEvent('loginError', () => true, { timeout: TIMEOUT });
    const e = ev.args[0];
    assert.ok(e && typeof e === 'object', 'an object');
    assert.equal(e.status, r.status, 'loginErrorCallback.status equals the rejection status');
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.length > 0, 'a message');
    assert.equal((await page.events('loginSuccess')).length, 0, 'no loginSuccessCallback');
  });
  const p = await page.evaluate(() => ({ isLogin: window.q.isLogin, isInit: window.q.isInit, userData: window.q.userData }));
  assert.deepEqual(p, { isLogin: false, isInit: false, userData: {} });
  await step('the same client then logs in with the right key', async () => {
    const ok = await page.login(userId, { key: `${userId}-secret-key`, username: 'Pw' });
    assert.equal(ok.user.email, userId);
  });
});

test('getNonce, verifyIdentityToken, setUserWithIdentityToken (Promise; connects realtime)', { timeout: 120000 }, async () => {
  const userId = `idt-${process.pid}`;
  const page = await openClientPage(server, { client: 'ours', label: 'idt' });
  pages.push(page);
  await page.init();
  const soft = softChecks('identity token');

  const nonce = await step('getNonce() resolves {nonce, expired_at} before login', async () => {
    const r = await page.evaluate(() => window.__try(() => window.q.getNonce()));
    assert.equal(r.ok, true, `getNonce rejected: ${r.message} (status ${r.status})`);
    const n = r.value;
    assert.deepEqual(Object.keys(n).sort(), ['expired_at', 'nonce']);
    assert.equal(typeof n.nonce, 'string');
    assert.ok(n.nonce.length >= 8, `nonce is a real nonce (${n.nonce})`);
    // index.d.ts: expired_at is the server's value (the devserver: unix seconds); a nonce lives 10 minutes.
    const exp = typeof n.expired_at === 'number' ? n.expired_at * 1000 : Date.parse(n.expired_at);
    assert.ok(Number.isFinite(exp), `expired_at is a date (${n.expired_at})`);
    assert.ok(exp > Date.now() + 8 * 60 * 1000 && exp < Date.now() + 12 * 60 * 1000, `expired_at ≈ now + 10 min (${n.expired_at})`);
    await soft.check('getNonce().expired_at is unix seconds from the devserver (index.d.ts: string | number)', () =>
      assert.equal(typeof n.expired_at, 'number', `got ${typeof n.expired_at} ${JSON.stringify(n.expired_at)}`));
    const again = await page.evaluate(() => window.q.getNonce());
    assert.notEqual(again.nonce, n.nonce, 'each call gets a fresh nonce');
    return n.nonce;
  });

  const jwt = await step('mint an identity token for the nonce', async () => {
    const t = await mintIdentityToken(server, { nonce, userId, name: 'Identity User' });
    log(`    identity token minted via ${t.via}`);
    return t.token;
  });

  const verified = await step('verifyIdentityToken(jwt) resolves results with user', async () => {
    const r = await page.evaluate((jwt) => window.__try(() => window.q.verifyIdentityToken(jwt)), jwt);
    assert.equal(r.ok, true, `verifyIdentityToken rejected: ${r.message} (status ${r.status})`);
    assertUserData(r.value.user, { userId, username: 'Identity User', what: 'verifyIdentityToken().user' });
    const p = await page.evaluate(() => ({ isLogin: window.q.isLogin, isInit: window.q.isInit }));
    assert.deepEqual(p, { isLogin: false, isInit: false }, 'verifying alone does not log in');
    return r.value;
  });

  await step('setUserWithIdentityToken(data) returns a Promise resolving the data; logs in', async () => {
    const r = await page.evaluate(async (data) => {
      const ret = window.q.setUserWithIdentityToken(data);
      const isPromise = ret instanceof Promise;
      const v = await ret;
      return {
        isPromise, v: window.__clone(v),
        isLogin: window.q.isLogin, isInit: window.q.isInit, user_id: window.q.user_id, userData: window.__clone(window.q.userData),
      };
    }, verified);
    assert.equal(r.isPromise, true, 'returns a Promise (v2 returned undefined)');
    assert.equal(r.v.user.email, userId, 'resolves the data with .user');
    assert.equal(r.v.user.token, verified.user.token);
    assert.equal(r.isLogin, true);
    assert.equal(r.isInit, true);
    assert.equal(r.user_id, userId);
    assert.equal(r.userData.email, userId);
    assert.equal(r.userData.token, verified.user.token, 'userData.token is the verified token');
    const ev = await page.waitForEvent('loginSuccess', (a) => a[0] && a[0].user && a[0].user.email === userId, { timeout: TIMEOUT });
    assert.equal(ev.args[0].user.token, verified.user.token, 'loginSuccessCallback gets the object passed in');
  });

  await step('realtime is connected for the identity user: a peer message arrives', async () => {
    const peer = await track(openUser(server, 'ours', `idt-peer-${process.pid}`));
    const room = await chatTarget(peer, userId);
    const uid = uniqueId('idt');
    const c = await send(peer, room.id, 'hello identity user', uid);
    await expectMessage({ page, userId }, { uid, message: 'hello identity user', email: peer.userId, roomId: room.id, id: c.id });
  });

  await step('a nonce is single-use: verifying the same token again fails with a 4xx', async () => {
    const r = await page.evaluate((jwt) => window.__try(() => window.q.verifyIdentityToken(jwt)), jwt);
    assert.equal(r.ok, false, 'a replayed identity token must be refused');
    assert.ok(r.status >= 400 && r.status < 500, `status 4xx (got ${r.status})`);
  });
  soft.done();
});

test('refreshAuthToken + authTokenRefreshedCallback; requests and realtime keep working after expiry (-token-ttl 3s)', { timeout: 120000 }, async () => {
  const alice = await track(openUser(ttlServer, 'ours', 'ttl-alice'));
  const bob = await track(openUser(ttlServer, 'ours', 'ttl-bob'));
  const room = await chatTarget(alice, 'ttl-bob');
  await chatTarget(bob, 'ttl-alice');

  await step('login: refresh_token and token_expires_at ≈ now + 3 s', async () => {
    const u = alice.login.user;
    assert.ok(u.refresh_token.length >= 8, `refresh_token set (${u.refresh_token})`);
    const exp = Date.parse(u.token_expires_at);
    assert.ok(Number.isFinite(exp), `token_expires_at parses (${u.token_expires_at})`);
    assert.ok(exp > Date.now() - 10000 && exp < Date.now() + 10000, `expires within seconds (${u.token_expires_at})`);
  });

  const soft = softChecks('token refresh');
  const since = await alice.page.mark();
  const refreshed = await step('refreshAuthToken() resolves {token, refresh_token, token_expires_at}', async () => {
    const before = await alice.page.evaluate(() => window.q.userData.token);
    const r = await alice.page.evaluate(() => window.__try(() => window.q.refreshAuthToken()));
    assert.equal(r.ok, true, `refreshAuthToken rejected: ${r.message} (status ${r.status})`);
    const v = r.value;
    assert.equal(typeof v.token, 'string');
    assert.ok(v.token.length >= 8);
    assert.notEqual(v.token, before, 'a new token');
    assert.equal(typeof v.refresh_token, 'string');
    assert.ok(v.refresh_token.length >= 8);
    assert.ok(Number.isFinite(Date.parse(v.token_expires_at)), `token_expires_at parses (${v.token_expires_at})`);
    await soft.check('userData.token/refresh_token/token_expires_at updated by refreshAuthToken (§F.8)', async () => {
      const ud = await alice.page.evaluate(() => ({ token: window.q.userData.token, refresh_token: window.q.userData.refresh_token, token_expires_at: window.q.userData.token_expires_at }));
      // Another (automatic) refresh may already have followed: accept a newer token from the event chain.
      const evs = await alice.page.events('authTokenRefreshed', since);
      const latest = evs.length ? evs[evs.length - 1].args[0] : null;
      const ok = ud.token === v.token || (latest && ud.token === latest.token);
      assert.ok(ok, `userData after refresh: ${JSON.stringify(ud)}; refreshAuthToken resolved ${JSON.stringify(v)}`);
    });
    return { ...v, before };
  });

  await step('authTokenRefreshedCallback({token, refreshToken, expiredAt, oldToken})', async () => {
    const ev = await alice.page.waitForEvent('authTokenRefreshed', (a) => a[0] && a[0].token === refreshed.token, { since, timeout: TIMEOUT });
    const e = ev.args[0];
    assert.deepEqual(Object.keys(e).sort(), ['expiredAt', 'oldToken', 'refreshToken', 'token']);
    assert.equal(e.token, refreshed.token);
    assert.equal(e.refreshToken, refreshed.refresh_token);
    // The automatic refresh (at ~2.7 s of a 3 s token) may run just before
    // ours: refreshes are serialised, so ours then chains from its token.
    const evs = await alice.page.events('authTokenRefreshed', since);
    const i = evs.findIndex((x) => x.args[0] && x.args[0].token === refreshed.token);
    const expectedOld = i > 0 ? evs[i - 1].args[0].token : refreshed.before;
    assert.equal(e.oldToken, expectedOld, `oldToken is the token before this refresh (${i} refresh(es) before it since the mark)`);
    assert.ok(e.expiredAt === null || Number.isFinite(Date.parse(e.expiredAt)), `expiredAt is a date string or null (${e.expiredAt})`);
    if (e.expiredAt !== null) assert.equal(Date.parse(e.expiredAt), Date.parse(refreshed.token_expires_at), 'expiredAt = token_expires_at');
  });

  await step('for 8 s (several expiries) requests keep working; refreshes happen by themselves', async () => {
    const t0 = Date.now();
    let n = 0;
    while (Date.now() - t0 < 8000) {
      const r = await alice.page.evaluate(() => window.__try(() => window.q.getUserProfile()));
      assert.equal(r.ok, true, `getUserProfile after ${Date.now() - t0} ms failed: ${r.message} (status ${r.status})`);
      assert.equal(r.value.email, 'ttl-alice');
      n++;
      await sleep(400);
    }
    const evs = await alice.page.events('authTokenRefreshed', since);
    assert.ok(evs.length >= 2, `automatic refreshes happened (got ${evs.length} authTokenRefreshed in total)`);
    for (let i = 1; i < evs.length; i++) {
      assert.equal(evs[i].args[0].oldToken, evs[i - 1].args[0].token, 'each refresh chains from the previous token');
    }
    await soft.check('userData.token is the latest refreshed token after automatic refreshes', async () => {
      // Refreshes keep happening (every ~2.7 s), and userData takes the new
      // token before authTokenRefreshedCallback fires (the client subscribes
      // the new token topics in between). So read both in one turn of the
      // page, and look (bounded) for a moment when no refresh is in flight.
      let last;
      await waitUntil(async () => {
        last = await alice.page.evaluate(() => {
          const evs = window.__events.filter((e) => e.name === 'authTokenRefreshed');
          return { current: window.q.userData.token, latest: evs.length ? evs[evs.length - 1].args[0].token : null };
        });
        return last.current === last.latest;
      }, { timeout: TIMEOUT, message: 'userData.token equal to the token of the last authTokenRefreshedCallback' }).catch(() => {});
      assert.equal(last.current, last.latest);
    });
    log(`    ${n} requests OK over 8 s; ${evs.length} refreshes`);
  });

  await step('after expiries, sending works and realtime follows the new token both ways', async () => {
    const uid1 = uniqueId('ttl-a2b');
    const c1 = await send(alice, room.id, 'after refresh a→b', uid1);
    await expectMessage(bob, { uid: uid1, message: 'after refresh a→b', email: 'ttl-alice', roomId: room.id, id: c1.id });
    const uid2 = uniqueId('ttl-b2a');
    const c2 = await send(bob, room.id, 'after refresh b→a', uid2);
    await expectMessage(alice, { uid: uid2, message: 'after refresh b→a', email: 'ttl-bob', roomId: room.id, id: c2.id });
  });
  soft.done();
});

test('updateProfile + updateProfileCallback(input); getUserProfile; userData keeps the token', { timeout: 120000 }, async () => {
  const alice = await track(openUser(server, 'ours', 'prof-alice'));
  const bob = await track(openUser(server, 'ours', 'prof-bob'));
  const input = { name: 'Alice Renamed', avatar_url: 'http://127.0.0.1/new-avatar.png', extras: { team: 'qa', n: 3 } };
  const token = alice.login.user.token;

  const updated = await step('updateProfile(input) resolves the updated user', async () => {
    const r = await alice.page.evaluate((input) => window.__try(() => window.q.updateProfile(input)), input);
    assert.equal(r.ok, true, `updateProfile rejected: ${r.message} (status ${r.status})`);
    const u = r.value;
    assert.equal(u.email, 'prof-alice');
    assert.equal(u.username, input.name);
    assert.equal(u.avatar_url, input.avatar_url);
    assert.deepEqual(u.extras, input.extras);
    assert.ok(Number.isInteger(u.id) && u.id === alice.login.user.id, 'same user id');
    return u;
  });

  await step('updateProfileCallback gets the input object', async () => {
    const ev = await alice.page.waitForEvent('updateProfile', () => true, { timeout: TIMEOUT });
    assert.deepEqual(ev.args, [input]);
  });

  await step('userData reflects the update and keeps the token', async () => {
    const ud = await alice.page.evaluate(() => window.__clone(window.q.userData));
    assert.equal(ud.username, input.name);
    assert.equal(ud.avatar_url, input.avatar_url);
    assert.deepEqual(ud.extras, input.extras);
    assert.equal(ud.token, token, 'userData.token kept (v2 replaced userData wholesale)');
  });

  await step('getUserProfile() resolves the stored profile', async () => {
    const r = await alice.page.evaluate(() => window.__try(() => window.q.getUserProfile()));
    assert.equal(r.ok, true, `getUserProfile rejected: ${r.message} (status ${r.status})`);
    const u = r.value;
    assert.equal(u.id, updated.id);
    assert.equal(u.email, 'prof-alice');
    assert.equal(u.username, input.name);
    assert.equal(u.avatar_url, input.avatar_url);
    assert.deepEqual(u.extras, input.extras);
  });

  await step('the peer sees the new name on new messages', async () => {
    const room = await chatTarget(alice, 'prof-bob');
    await chatTarget(bob, 'prof-alice');
    const uid = uniqueId('prof');
    await send(alice, room.id, 'new name', uid);
    const ev = await bob.page.waitForEvent('newMessages', (a) => a[0] && a[0].some((c) => c.unique_temp_id === uid), { timeout: TIMEOUT });
    const c = ev.args[0].find((x) => x.unique_temp_id === uid);
    assert.equal(c.username, input.name);
    assert.equal(c.user_avatar_url, input.avatar_url);
  });

  await step('partial update: only the name; avatar and extras kept', async () => {
    const u = await alice.page.evaluate(() => window.q.updateProfile({ name: 'Alice Again' }));
    assert.equal(u.username, 'Alice Again');
    assert.equal(u.avatar_url, input.avatar_url);
    assert.deepEqual(u.extras, input.extras);
  });
});

for (const method of ['logout', 'disconnect']) {
  test(`${method}(): a Promise; state cleared; realtime closed (peer sees offline); later calls reject`, { timeout: 120000 }, async () => {
    const aliceId = `${method}-alice`;
    const bobId = `${method}-bob`;
    const bob = await track(openUser(server, 'ours', bobId));
    await bob.page.evaluate((id) => window.q.subscribeUserPresence(id), aliceId);
    const alice = await track(openUser(server, 'ours', aliceId));
    const room = await chatTarget(alice, bobId);
    await chatTarget(bob, aliceId);
    await step('bob sees alice online first', () =>
      bob.page.waitForEvent('presence', (a) => a[1] === aliceId && /^1:\d{13}$/.test(a[0]), { timeout: 20000 }));
    const since = await bob.page.mark();

    await step(`${method}() returns a Promise that resolves`, async () => {
      const r = await alice.page.evaluate(async (m) => {
        const ret = window.q[m]();
        const isPromise = ret instanceof Promise;
        try {
          await ret;
          return { isPromise, ok: true };
        } catch (e) {
          return { isPromise, ok: false, message: e.message };
        }
      }, method);
      assert.deepEqual(r, { isPromise: true, ok: true });
    });

    await step('isLogin/isInit false, userData {}, selected null', async () => {
      const p = await alice.page.evaluate(() => ({ isLogin: window.q.isLogin, isInit: window.q.isInit, userData: window.q.userData, selected: window.q.selected }));
      assert.deepEqual(p, { isLogin: false, isInit: false, userData: {}, selected: null });
    });

    await step('bob sees alice go offline: presenceCallback("0:<ms>", alice)', async () => {
      const ev = await bob.page.waitForEvent('presence', (a) => a[1] === aliceId && typeof a[0] === 'string' && a[0].startsWith('0'), { since, timeout: 20000 });
      assert.match(ev.args[0], /^0(:\d{13})?$/);
    });

    await step('alice no longer receives messages (realtime closed)', async () => {
      const aliceSince = await alice.page.mark();
      const uid = uniqueId(`${method}-after`);
      await send(bob, room.id, 'are you there?', uid);
      await sleep(1500);
      const evs = await alice.page.events('newMessages', aliceSince);
      assert.deepEqual(evs.map((e) => e.args[0].map((c) => c.unique_temp_id)), [], 'nothing delivered after logout');
    });

    await step('API calls after logout reject naming the missing login', async () => {
      const r = await alice.page.evaluate(() => window.__try(() => window.q.loadRoomList()));
      assert.equal(r.ok, false);
      assert.equal(r.isError, true);
      assert.match(r.message, /log ?in|logged|setUser/i);
    });

    await step('logging in again works', async () => {
      const r = await alice.page.login(aliceId, { key: `${aliceId}-secret-key`, username: 'Alice' });
      assert.equal(r.user.email, aliceId);
      const uid = uniqueId(`${method}-again`);
      const c = await send(bob, room.id, 'welcome back', uid);
      await expectMessage(alice, { uid, message: 'welcome back', email: bobId, roomId: room.id, id: c.id });
    });
  });
}

test('debugMode: the SDK logs to the console with the "Qiscus ->" prefix; nothing without it', { timeout: 120000 }, async () => {
  const soft = softChecks('debugMode');
  const dbg = await track(openUserWith(server, 'dbg-user', { init: { debugMode: true } }));
  const peer = await track(openUser(server, 'ours', 'dbg-peer'));
  const room = await chatTarget(dbg, 'dbg-peer');
  await chatTarget(peer, 'dbg-user');
  const uid = uniqueId('dbg');
  await send(dbg, room.id, 'debug send', uid);
  const uid2 = uniqueId('dbg-in');
  const c2 = await send(peer, room.id, 'debug receive', uid2);
  await expectMessage(dbg, { uid: uid2, message: 'debug receive', email: 'dbg-peer', roomId: room.id, id: c2.id });
  await dbg.page.evaluate(() => window.q.loadRoomList().catch(() => {}));
  await step('q.debugMode is true; q.logger / q.logging print with the prefix', async () => {
    assert.equal(await dbg.page.evaluate(() => window.q.debugMode), true);
    await dbg.page.evaluate(() => {
      window.q.logger('logger-line', 1);
      window.q.logging('logging-line');
    });
    await waitUntil(() => dbg.page.logs.some((l) => /\] Qiscus -> logger-line 1/.test(l)), { timeout: 5000, message: 'q.logger line' });
    await waitUntil(() => dbg.page.logs.some((l) => /\] Qiscus -> logging-line/.test(l)), { timeout: 5000, message: 'q.logging line' });
  });
  await soft.check('the SDK itself logs "Qiscus ->" lines during login, send, receive and requests (v2 logged every event)', async () => {
    const own = dbg.page.logs.filter((l) => l.includes('Qiscus ->') && !/logger-line|logging-line/.test(l));
    assert.ok(own.length > 0, 'no SDK console line with the "Qiscus ->" prefix during login/send/receive/loadRoomList');
    for (const l of own) assert.match(l, /\] Qiscus ->/, `prefix first: ${l.slice(0, 160)}`);
  });
  const quiet = await track(openUser(server, 'ours', 'quiet-user'));
  await step('without debugMode: no "Qiscus ->" lines; logger is a no-op', async () => {
    await quiet.page.evaluate(() => {
      window.q.logger('should not print');
      window.q.logging('should not print');
      return window.q.loadRoomList().catch(() => {});
    });
    await sleep(300);
    assert.equal(quiet.page.logs.filter((l) => l.includes('Qiscus ->')).length, 0);
    assert.equal(await quiet.page.evaluate(() => window.q.debugMode), false);
  });
  soft.done();
});
