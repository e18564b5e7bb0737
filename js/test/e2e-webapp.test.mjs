// The example chat page (example/web, served by the dev server at /) driven
// like a person would: alice and bob, each in a headless Chromium, against
// a real dev server (REST, MQTT over WebSocket, SQLite).
//
// Proves: the page gets the shared stylesheet; login form; an unknown user gives a clear error (no endless wait);
// 1:1 chat both ways; message text is shown as text, never as HTML; presence
// (online, then "last seen" when the other logs out);
// room list with last message and unread count; read ticks; typing; group
// creation (and a clear error for an unknown member); file upload with
// progress; reload keeps the session (and the open room); a stored token the
// server refuses sends back to the login form; logout ends it.
//
// Set QISCUS_SCREENSHOTS=/some/dir to also save screenshots of the page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { startDevServer, launchBrowser, forwardPageLogs, waitUntil, log } from './harness.mjs';
import { step, TIMEOUT } from './scenario.mjs';

const SHOTS = process.env.QISCUS_SCREENSHOTS || '';
let server;
const browsers = [];

before(async () => {
  server = await startDevServer({ label: 'devserver-webapp' });
});

after(async () => {
  for (const b of browsers.splice(0)) await b.closeAll();
  if (server) await server.stop();
});

async function shot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name + '.png') });
}

// openTab opens the page in a Chromium of its own (as the other browser
// tests do): a background tab's timers and animation frames are throttled.
async function openTab(label) {
  const browser = await launchBrowser({ label });
  browsers.push(browser);
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1000, height: 640 });
  forwardPageLogs(page, label);
  await page.goto(server.url + '/', { waitUntil: 'load', timeout: 30000 });
  return page;
}

async function login(page, id, name) {
  await page.locator('#login').waitFor({ state: 'visible', timeout: TIMEOUT });
  await page.fill('#user-id', id);
  await page.fill('#password', id + '-password');
  await page.fill('#name', name);
  await page.click('#login-button');
  await page.locator('#me', { hasText: `(${id})` }).waitFor({ timeout: TIMEOUT });
}

const text = (page, sel) => page.locator(sel).innerText({ timeout: TIMEOUT });
const waitText = (page, sel, hasText) => page.locator(sel, { hasText }).first().waitFor({ timeout: TIMEOUT });

// roomItem is the room list entry whose name contains `name`.
const roomItem = (page, name) => page.locator('#rooms li', { has: page.locator('.name', { hasText: name }) });

test('example page: two users chat, room list, receipts, typing, groups, upload, reload, logout', { timeout: 240000 }, async () => {
  const alice = await openTab('alice');
  const bob = await openTab('bob');

  await step('the shared stylesheet (example/shared/chat.css, linked as chat.css) styles the page', async () => {
    const css = await alice.evaluate(async () => {
      const main = getComputedStyle(document.querySelector('main'));
      return { status: (await fetch('chat.css')).status, maxWidth: main.maxWidth, accent: main.getPropertyValue('--accent').trim() };
    });
    assert.deepEqual(css, { status: 200, maxWidth: '1040px', accent: '#2f7d6d' });
  });

  await step('both log in through the form', async () => {
    await login(bob, 'bob', 'Bob');
    await login(alice, 'alice', 'Alice');
    await shot(alice, 'web-rooms-empty');
  });

  await step('chat with an unknown user: a clear error, at once', async () => {
    await alice.fill('#target', 'nobody-here');
    await alice.click('#new-chat button');
    await waitText(alice, '#error', 'There is no user "nobody-here"');
    assert.equal(await alice.locator('#messages').isVisible(), false, 'no room opened');
  });

  const html = '<b>bold?</b> & <img src=x onerror=alert(1)>';
  await step('alice opens the 1:1 with bob and sends two messages', async () => {
    await alice.fill('#target', 'bob');
    await alice.click('#new-chat button');
    await waitText(alice, '#room-title', 'Bob');
    assert.equal(await alice.locator('#error').isVisible(), false, 'the earlier error is cleared');
    await waitText(alice, '#presence', 'online');
    for (const t of ['hello bob', html]) {
      await alice.fill('#message-input', t);
      await alice.click('#send');
    }
    await alice.locator('#messages li.mine[data-status="sent"], #messages li.mine[data-status="delivered"]').nth(1)
      .waitFor({ timeout: TIMEOUT });
  });

  await step('bob\'s room list: alice\'s room, her last message as text, unread 2', async () => {
    const item = roomItem(bob, 'Alice');
    await item.locator('.unread', { hasText: '2' }).waitFor({ timeout: TIMEOUT });
    assert.equal(await item.locator('.last').innerText(), html);
    await shot(bob, 'web-bob-unread');
  });

  await step('bob opens it: history shown as text, unread gone, alice sees read ticks', async () => {
    await roomItem(bob, 'Alice').click();
    await waitText(bob, '#messages li', 'hello bob');
    await waitText(bob, '#messages li', '<b>bold?</b>');
    assert.equal(await bob.locator('#messages b, #messages img').count(), 0, 'no HTML from message text');
    await roomItem(bob, 'Alice').locator('.unread:empty').waitFor({ state: 'attached', timeout: TIMEOUT });
    await alice.locator('#messages li.mine[data-status="read"]').nth(1).waitFor({ timeout: TIMEOUT });
  });

  await step('bob types: alice sees "Bob is typing…"; bob replies', async () => {
    await bob.locator('#message-input').pressSequentially('hi al', { delay: 20 });
    await waitText(alice, '#typing', 'Bob is typing');
    await shot(alice, 'web-alice-typing');
    await bob.locator('#message-input').pressSequentially('ice!', { delay: 20 });
    await bob.click('#send');
    await waitText(alice, '#messages li:not(.mine)', 'hi alice!');
    await shot(alice, 'web-alice-chat');
  });

  await step('a group with an unknown member: a clear error', async () => {
    await alice.fill('#group-name', 'Ghosts');
    await alice.fill('#group-members', 'bob, ghost-user');
    await alice.click('#new-group button');
    await waitText(alice, '#error', 'ghost-user');
    assert.match(await text(alice, '#error'), /Could not create "Ghosts"/);
  });

  await step('alice creates a group with bob; bob\'s list shows it with unread 1', async () => {
    await alice.fill('#group-name', 'Team');
    await alice.fill('#group-members', 'bob');
    await alice.click('#new-group button');
    await waitText(alice, '#room-title', 'Team');
    await alice.fill('#message-input', 'welcome to the team');
    await alice.click('#send');
    const item = roomItem(bob, 'Team');
    await item.locator('.unread', { hasText: '1' }).waitFor({ timeout: TIMEOUT });
    assert.equal(await item.locator('.last').innerText(), 'welcome to the team');
  });

  await step('file upload with progress: bob gets a link to the file', async () => {
    await roomItem(bob, 'Team').click();
    await waitText(bob, '#room-title', 'Team');
    await alice.evaluate(() => {
      window.__percents = [];
      new MutationObserver(() => window.__percents.push(document.getElementById('upload-percent').textContent))
        .observe(document.getElementById('upload-percent'), { childList: true, characterData: true, subtree: true });
    });
    await alice.setInputFiles('#file', {
      name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.alloc(3 << 20, 'qiscus '),
    });
    const link = bob.locator('#messages li:not(.mine) a', { hasText: 'notes.txt' });
    await link.waitFor({ timeout: TIMEOUT });
    assert.match(await link.getAttribute('href'), /^http:\/\/127\.0\.0\.1:\d+\/files\//);
    const percents = await alice.evaluate(() => window.__percents);
    log(`  upload progress shown: ${percents.join(' ')}`);
    assert.ok(percents.some((p) => /^[1-9]\d*%$/.test(p)), `the progress callback moved the bar: ${percents}`);
    const res = await fetch(await link.getAttribute('href'));
    assert.equal(res.status, 200);
    assert.equal((await res.arrayBuffer()).byteLength, 3 << 20, 'the uploaded file is all there');
    await shot(bob, 'web-bob-group-file');
  });

  await step('reload keeps alice logged in, with the open room, syncing from the last comment seen', async () => {
    const seen = await alice.evaluate(() => Math.max(...[...document.querySelectorAll('#messages li')].map((li) => Number(li.dataset.id) || 0)));
    const syncs = [];
    const onRequest = (r) => {
      if (r.url().includes('/api/v2/sdk/sync?')) syncs.push(Number(new URL(r.url()).searchParams.get('last_received_comment_id')));
    };
    alice.on('request', onRequest);
    await alice.reload({ waitUntil: 'load' });
    await alice.locator('#me', { hasText: '(alice)' }).waitFor({ timeout: TIMEOUT });
    await waitText(alice, '#room-title', 'Team');
    await waitText(alice, '#messages li', 'notes.txt');
    await roomItem(alice, 'Bob').waitFor({ timeout: TIMEOUT });
    assert.equal(await alice.locator('#login').isVisible(), false, 'no login form after reload');
    await waitUntil(() => syncs.length > 0, { timeout: TIMEOUT, message: 'a sync request after the reload' });
    alice.off('request', onRequest);
    assert.ok(seen > 0);
    assert.equal(syncs[0], seen, 'the first sync starts after the newest comment alice had seen');
  });

  await step('a stored token the server refuses: back to the login form, with a reason', async () => {
    await alice.evaluate(() => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith('qiscus-dev-chat/'));
      const u = JSON.parse(sessionStorage.getItem(key));
      sessionStorage.setItem(key, JSON.stringify({ ...u, token: 'not-a-token', refresh_token: 'not-a-refresh-token' }));
    });
    await alice.reload({ waitUntil: 'load' });
    await alice.locator('#login').waitFor({ state: 'visible', timeout: TIMEOUT });
    await waitText(alice, '#error', 'Your session has ended');
    assert.equal(await alice.evaluate(() => sessionStorage.length), 0, 'the refused session is forgotten');
    await login(alice, 'alice', 'Alice');
  });

  await step('presence: when bob logs out, alice sees "last seen"', async () => {
    await roomItem(alice, 'Bob').click();
    await waitText(alice, '#room-title', 'Bob');
    await waitText(alice, '#presence', 'online');
    await bob.click('#logout');
    await bob.locator('#login').waitFor({ state: 'visible', timeout: TIMEOUT });
    await waitText(alice, '#presence', 'last seen');
  });

  await step('logout shows the login form, and a reload does not log back in', async () => {
    await alice.click('#logout');
    await alice.locator('#login').waitFor({ state: 'visible', timeout: TIMEOUT });
    await alice.reload({ waitUntil: 'load' });
    await alice.locator('#login').waitFor({ state: 'visible', timeout: TIMEOUT });
    assert.equal(await alice.locator('#app').isVisible(), false);
  });
});
