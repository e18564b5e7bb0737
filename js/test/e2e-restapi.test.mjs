// End-to-end, server API → our SDK: a headless Chromium page runs OUR Go/wasm
// UMD logged in as bob. Messages posted through the dev server's server API
// (/api/v2/rest, authenticated by QISCUS_SDK_SECRET) reach the page in realtime
// through newMessagesCallback, exactly like messages from another SDK client:
//   · a `card` message (request image_url → payload.image, buttons kept)
//   · a `system_event` (add_member: generated text, payload, System sender)
//   · a custom `system_event` (payload returned as posted)
// Real REST, real MQTT over WebSocket, real SQLite.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startDevServer, fetchJSON, uniqueId, log, APP_ID, APP_SECRET } from './harness.mjs';
import { openUser, assertLoggedIn, step, findComment, TIMEOUT } from './scenario.mjs';

let server;
const pages = [];

before(async () => {
  server = await startDevServer({ label: 'devserver-restapi' });
  log(`[restapi] dev server at ${server.url}`);
});

after(async () => {
  for (const p of pages.splice(0)) await p.close().catch(() => {});
  if (server) await server.stop();
});

/** POST a JSON body to the server API; asserts HTTP 200 and returns results. */
async function rest(path, body) {
  const { status, body: res } = await fetchJSON(server, `/api/v2/rest/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', QISCUS_SDK_SECRET: APP_SECRET, QISCUS_SDK_APP_ID: APP_ID },
    body: JSON.stringify(body),
  });
  assert.equal(status, 200, `${path}: HTTP ${status} ${JSON.stringify(res)}`);
  assert.equal(res.status, 200, `${path}: body status`);
  return res.results;
}

/** Wait until the page got the comment with this unique id through newMessagesCallback. */
async function received(user, uid, since) {
  const ev = await user.page.waitForEvent('newMessages', (a) => !!findComment(a, uid), {
    since,
    timeout: TIMEOUT,
    message: `newMessagesCallback with unique_temp_id ${uid}`,
  });
  assert.ok(Array.isArray(ev.args[0]), 'newMessagesCallback gets an array');
  return findComment(ev.args, uid);
}

test('server API posts reach our SDK in realtime: card and system_event', { timeout: 180000 }, async () => {
  const bob = await step('bob logs in with our SDK', () => openUser(server, 'ours', 'bob'));
  pages.push(bob.page);
  await step('bob: logged in', () => assertLoggedIn(bob));

  const alice = await step('alice is registered through the server API', () =>
    rest('login_or_register', { email: 'alice', password: 'alice-secret-key', username: 'Alice' }),
  );
  assert.equal(alice.user.email, 'alice');

  const room = await step('a group room is created through the server API', () =>
    rest('create_room', { name: 'REST team', creator: 'alice', participants: ['bob'] }),
  );
  assert.deepEqual([...room.participants].sort(), ['alice', 'bob']);
  assert.equal(room.room_type, 'group');

  const card = {
    text: 'Special deal buat sista nih..',
    image_url: 'http://url.com/gambar.jpg',
    title: 'Atasan Blouse Tunik Wanita Baju Muslim Worie Longtop',
    description: 'Oleh sippnshop\n96% (666 feedback)',
    url: 'http://url.com/baju?id=123&track_from_chat_room=123',
    buttons: [
      { label: 'button1', type: 'postback', payload: { url: 'http://somewhere.com/button1', method: 'get', payload: null } },
      { label: 'button2', type: 'link', payload: { url: 'http://somewhere.com/button2?id=123' } },
    ],
  };
  const cardUID = uniqueId('rest-card');
  await step('a card posted through the server API arrives in newMessagesCallback', async () => {
    const since = await bob.page.mark();
    const posted = await rest('post_comment', {
      sender_email: 'alice', room_id: String(room.room_id), type: 'card', message: 'Special deal', payload: card,
      unique_temp_id: cardUID,
    });
    const c = await received(bob, cardUID, since);
    assert.equal(Number(c.id), Number(posted.comment.id), 'id matches the server API response');
    assert.equal(c.type, 'card');
    assert.equal(c.message, 'Special deal');
    assert.equal(c.email, 'alice');
    assert.equal(c.username, 'Alice');
    assert.equal(Number(c.room_id), Number(room.room_id));
    assert.equal(c.payload.image, card.image_url, 'image_url is delivered as payload.image');
    assert.equal(c.payload.image_url, undefined, 'no image_url in the delivered payload');
    assert.equal(c.payload.title, card.title);
    assert.equal(c.payload.text, card.text);
    assert.equal(c.payload.description, card.description);
    assert.equal(c.payload.url, card.url);
    assert.deepEqual(c.payload.buttons, card.buttons, 'buttons delivered as posted');
  });

  await step('a system_event (add_member) arrives with its generated text and payload', async () => {
    const since = await bob.page.mark();
    const posted = await rest('post_system_event_message', {
      system_event_type: 'add_member', room_id: String(room.room_id), subject_email: 'alice', object_email: ['bob'],
    });
    const c = await received(bob, posted.comment.unique_temp_id, since);
    assert.equal(Number(c.id), Number(posted.comment.id));
    assert.equal(c.type, 'system_event');
    assert.equal(c.message, 'Alice added Bob');
    assert.equal(c.username, 'System');
    assert.deepEqual(c.payload, {
      type: 'add_member', subject_username: 'Alice', subject_email: 'alice', object_username: 'Bob', object_email: 'bob',
    });
  });

  await step('a custom system_event arrives with its payload as posted', async () => {
    const since = await bob.page.mark();
    const payload = { type: 'add_admin', admin_email: 'bob' };
    const posted = await rest('post_system_event_message', {
      system_event_type: 'custom', room_id: String(room.room_id), message: 'bob is an admin now', payload,
    });
    const c = await received(bob, posted.comment.unique_temp_id, since);
    assert.equal(c.type, 'system_event');
    assert.equal(c.message, 'bob is an admin now');
    assert.deepEqual(c.payload, payload);
  });

  await step('bob sees the same messages through loadComments', async () => {
    const list = await bob.page.evaluate(
      (roomId) => window.q.loadComments(roomId).then((cs) => cs.map((c) => ({ type: c.type, message: c.message }))),
      room.room_id,
    );
    assert.deepEqual(list.map((c) => c.type), ['card', 'system_event', 'system_event']);
    assert.equal(list[1].message, 'Alice added Bob');
  });
});
