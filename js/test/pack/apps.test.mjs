// The example apps (example/react: useQiscus from qiscus-sdk-core-wasm/react;
// example/vue: useQiscus from qiscus-sdk-core-wasm/vue), each installed with
// `npm ci` from its committed lockfile, whose qiscus-sdk-core-wasm is the
// file: dependency on the tarball `make pack` wrote. Both are type-checked
// and built (`npm run build`: tsc / vue-tsc, then vite build), served from
// loopback static servers and driven in headless Chromium against one real
// devserver (its URL goes in as ?server=): alice in the React app, bob in the
// Vue app. They chat both ways (room list with last message and unread count,
// history, read ticks, typing), create a group, page back through history,
// keep their login across a reload and log out.
//
// Set QISCUS_SCREENSHOTS=/some/dir to also save screenshots of both apps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { REPO_ROOT, startDevServer, launchBrowser, forwardPageLogs, apiLogin, apiCall, waitUntil, log } from '../harness.mjs';
import { step, TIMEOUT } from '../scenario.mjs';
import { tarballPath } from './lib.mjs';

const run = promisify(execFile);
const APPS = { react: path.join(REPO_ROOT, 'example', 'react'), vue: path.join(REPO_ROOT, 'example', 'vue') };
const SHOTS = process.env.QISCUS_SCREENSHOTS || '';

let server;
const browsers = [];
const statics = [];

async function sh(cwd, cmd, args) {
  const t0 = Date.now();
  try {
    const r = await run(cmd, args, { cwd, maxBuffer: 32 << 20, timeout: 300000 });
    log(`[apps] ${path.basename(cwd)}: ${cmd} ${args.join(' ')}: ${Date.now() - t0} ms`);
    return r.stdout + r.stderr;
  } catch (err) {
    throw new Error(`${path.basename(cwd)}: ${cmd} ${args.join(' ')} failed: ${err.message}\n${err.stdout || ''}\n${err.stderr || ''}`);
  }
}

const sha = (buf) => createHash('sha256').update(buf).digest('hex');

// install runs npm ci and checks the app really got this tarball's files (a
// lockfile with the tarball's integrity would make npm use its cached copy).
async function install(app, tgz) {
  const dir = APPS[app];
  const lock = JSON.parse(await readFile(path.join(dir, 'package-lock.json'), 'utf8'));
  const entry = lock.packages['node_modules/qiscus-sdk-core-wasm'];
  assert.equal(entry.resolved, 'file:../../js/pack/' + path.basename(tgz), `${app}: the lockfile points at the packed tarball`);
  assert.equal(entry.integrity, undefined, `${app}: keep no integrity for the local tarball in package-lock.json (it changes with every build)`);
  await sh(dir, 'npm', ['ci', '--no-audit', '--no-fund']);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'qiscus-apps-'));
  try {
    await run('tar', ['-xzf', tgz, '-C', tmp]);
    for (const f of ['qiscus-sdk-core.wasm', 'qiscus-sdk-core.mjs', 'chat-store.mjs', `${app}.mjs`]) {
      const want = sha(await readFile(path.join(tmp, 'package', 'dist', f)));
      const got = sha(await readFile(path.join(dir, 'node_modules', 'qiscus-sdk-core-wasm', 'dist', f)));
      assert.equal(got, want, `${app}: node_modules has the tarball's dist/${f}`);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

// serve is a static server for a build output on 127.0.0.1 (pages must come
// from a loopback address for Chromium's Local Network Access checks).
function serve(dir) {
  const srv = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://x');
    const rel = path.normalize(decodeURIComponent(pathname)).replace(/^([/\\]*\.\.)+/, '');
    let file = path.join(dir, rel);
    if (!file.startsWith(dir)) return res.writeHead(403).end();
    if (pathname.endsWith('/')) file = path.join(file, 'index.html');
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  statics.push(srv);
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${srv.address().port}/`)));
}

before(async () => {
  const tgz = await tarballPath();
  await Promise.all(['react', 'vue'].map(async (app) => {
    await install(app, tgz);
    await sh(APPS[app], 'npm', ['run', 'build']);
  }));
  server = await startDevServer({ label: 'devserver-apps' });
});

after(async () => {
  for (const b of browsers.splice(0)) await b.closeAll();
  for (const s of statics) s.close();
  if (server) await server.stop();
});

async function shot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name + '.png') });
}

// openApp opens the app in a Chromium of its own (as the other browser tests
// do): a background tab's timers and animation frames are throttled.
async function openApp(app, label) {
  const url = await serve(path.join(APPS[app], 'dist'));
  const browser = await launchBrowser({ label });
  browsers.push(browser);
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1000, height: 640 });
  forwardPageLogs(page, label);
  await page.goto(`${url}?server=${encodeURIComponent(server.url)}`, { waitUntil: 'load', timeout: 30000 });
  return page;
}

async function login(page, id, name) {
  await page.locator('#login').waitFor({ timeout: TIMEOUT });
  await page.fill('#user-id', id);
  await page.fill('#password', id + '-password');
  await page.fill('#name', name);
  await page.click('#login-button');
  await page.locator('#me', { hasText: `(${id})` }).waitFor({ timeout: TIMEOUT });
}

const waitText = (page, sel, hasText) => page.locator(sel, { hasText }).first().waitFor({ timeout: TIMEOUT });
const roomItem = (page, name) => page.locator('#rooms li', { has: page.locator('.name', { hasText: name }) });

async function send(page, text) {
  await page.fill('#message-input', text);
  await page.click('#send');
  await page.locator('#messages li.mine', { hasText: text }).waitFor({ timeout: TIMEOUT });
}

// In Node, from each app's node_modules: importing the subpath adds no
// globals (the framework, which adds its own, is imported first), and a server render of a component that calls useQiscus gives the
// idle state without creating a client (effects and onMounted never run there).
const SSR = {
  react: `
    const { createElement } = await import('react');
    const { renderToString } = await import('react-dom/server');
    const before = new Set(Object.getOwnPropertyNames(globalThis));
    const { useQiscus } = await import('qiscus-sdk-core-wasm/react');
    const added = Object.getOwnPropertyNames(globalThis).filter((k) => !before.has(k));
    function C() { const chat = useQiscus({ config: { AppId: 'dev' } }); return createElement('p', null, chat.status + ' ' + (chat.client === null)); }
    console.log(JSON.stringify({ added, type: typeof useQiscus, html: renderToString(createElement(C)) }));`,
  vue: `
    const { createSSRApp, h } = await import('vue');
    const { renderToString } = await import('vue/server-renderer');
    const before = new Set(Object.getOwnPropertyNames(globalThis));
    const { useQiscus } = await import('qiscus-sdk-core-wasm/vue');
    const added = Object.getOwnPropertyNames(globalThis).filter((k) => !before.has(k));
    const app = createSSRApp({ setup() { const chat = useQiscus({ config: { AppId: 'dev' } }); return () => h('p', chat.status.value + ' ' + (chat.client() === null)); } });
    console.log(JSON.stringify({ added, type: typeof useQiscus, html: await renderToString(app) }));`,
};

test('the ./react and ./vue entries do nothing at import or in a server render', { timeout: 60000 }, async () => {
  for (const app of ['react', 'vue']) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', SSR[app]], { cwd: APPS[app], timeout: 30000 });
    const r = JSON.parse(stdout.trim().split('\n').pop());
    assert.deepEqual(r.added, [], `${app}: globals added at import`);
    assert.equal(r.type, 'function', `${app}: useQiscus`);
    assert.match(r.html, /<p[^>]*>idle true<\/p>/, `${app}: server render`);
  }
});

test('React app (alice) and Vue app (bob) chat through the packed package', { timeout: 300000 }, async () => {
  const alice = await openApp('react', 'react/alice');
  const bob = await openApp('vue', 'vue/bob');

  await step('both log in (React: alice, Vue: bob)', async () => {
    await login(alice, 'alice', 'Alice');
    await login(bob, 'bob', 'Bob');
  });

  await step('an unknown user: a clear error in both apps', async () => {
    for (const page of [alice, bob]) {
      await page.fill('#target', 'nobody-here');
      await page.click('#new-chat button');
      await waitText(page, '#error', 'There is no user "nobody-here"');
    }
  });

  await step('alice opens the 1:1 with bob (React) and sends', async () => {
    await alice.fill('#target', 'bob');
    await alice.click('#new-chat button');
    await waitText(alice, '#room-title', 'Bob');
    await send(alice, 'hello from React');
    await send(alice, '<i>not html</i>');
  });

  await step('bob (Vue) sees the room with the last message and unread 2, opens it', async () => {
    const item = roomItem(bob, 'Alice');
    await item.locator('.unread', { hasText: '2' }).waitFor({ timeout: TIMEOUT });
    assert.equal(await item.locator('.last').innerText(), '<i>not html</i>');
    await shot(bob, 'vue-bob-unread');
    await item.click();
    await waitText(bob, '#messages li:not(.mine)', 'hello from React');
    await waitText(bob, '#messages li:not(.mine)', '<i>not html</i>');
    assert.equal(await bob.locator('#messages i').count(), 0, 'message text is text');
    await item.locator('.unread:empty').waitFor({ state: 'attached', timeout: TIMEOUT });
  });

  await step('alice (React) sees read ticks', async () => {
    await alice.locator('#messages li.mine[data-status="read"]').nth(1).waitFor({ timeout: TIMEOUT });
  });

  await step('bob types (Vue): alice sees "Bob is typing…" (React); bob\'s reply arrives', async () => {
    await bob.locator('#message-input').pressSequentially('hi from V', { delay: 20 });
    await waitText(alice, '#typing', 'Bob is typing');
    await shot(alice, 'react-alice-typing');
    await bob.locator('#message-input').pressSequentially('ue', { delay: 20 });
    await bob.click('#send');
    await waitText(alice, '#messages li:not(.mine)', 'hi from Vue');
    await alice.locator('#typing:empty').waitFor({ state: 'attached', timeout: TIMEOUT });
    await waitText(bob, '#messages li.mine[data-status="read"]', 'hi from Vue');
    await shot(alice, 'react-alice-chat');
  });

  await step('bob creates a group with alice (Vue); alice\'s list shows it (React)', async () => {
    await bob.fill('#group-name', 'Frameworks');
    await bob.fill('#group-members', 'alice');
    await bob.click('#new-group button');
    await waitText(bob, '#room-title', 'Frameworks');
    await send(bob, 'welcome, React');
    const item = roomItem(alice, 'Frameworks');
    await item.locator('.unread', { hasText: '1' }).waitFor({ timeout: TIMEOUT });
  });

  await step('history: 25 more messages, alice loads older ones (React)', async () => {
    // bob posts through the REST API (same path as the SDK) so the room has
    // more than one page.
    const { token } = await apiLogin(server, 'bob', { key: 'bob-password', username: 'Bob' });
    const rooms = await apiCall(server, 'GET', 'user_rooms', { auth: { userId: 'bob', token }, query: { room_type: 'group' } });
    const room = rooms.body.results.rooms_info.find((r) => r.room_name === 'Frameworks');
    assert.ok(room, 'the group exists on the server');
    for (let i = 1; i <= 25; i++) {
      const r = await apiCall(server, 'POST', 'post_comment', {
        auth: { userId: 'bob', token }, form: { topic_id: String(room.id), comment: `history ${i}`, unique_temp_id: `hist-${i}` },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    await roomItem(alice, 'Frameworks').click();
    await waitText(alice, '#room-title', 'Frameworks');
    await waitText(alice, '#messages li', 'history 25');
    const before = await alice.locator('#messages li').count();
    assert.equal(before, 20, 'the first page');
    assert.equal(await alice.locator('#messages li', { hasText: 'welcome, React' }).count(), 0, 'older ones not loaded yet');
    await alice.click('#more');
    await waitText(alice, '#messages li', 'welcome, React');
    assert.equal(await alice.locator('#messages li').count(), 26);
    await alice.locator('#more').waitFor({ state: 'detached', timeout: TIMEOUT });
  });

  await step('bob (Vue) loads older messages too', async () => {
    await waitText(bob, '#messages li', 'history 25');
    await roomItem(bob, 'Frameworks').click();
    await waitText(bob, '#messages li', 'history 25');
    await bob.click('#more');
    await waitText(bob, '#messages li', 'welcome, React');
    assert.equal(await bob.locator('#messages li').count(), 26);
    await shot(bob, 'vue-bob-group');
  });

  await step('a reload keeps both logged in, syncing from the newest comment seen', async () => {
    for (const [page, id] of [[alice, 'alice'], [bob, 'bob']]) {
      const seen = await page.evaluate(() => Math.max(...[...document.querySelectorAll('#messages li')].map((li) => Number(li.dataset.id) || 0)));
      const syncs = [];
      const onRequest = (r) => {
        if (r.url().includes('/api/v2/sdk/sync?')) syncs.push(Number(new URL(r.url()).searchParams.get('last_received_comment_id')));
      };
      page.on('request', onRequest);
      await page.reload({ waitUntil: 'load' });
      await page.locator('#me', { hasText: `(${id})` }).waitFor({ timeout: TIMEOUT });
      await roomItem(page, 'Frameworks').waitFor({ timeout: TIMEOUT });
      assert.equal(await page.locator('#login').count(), 0, `${id}: no login form after reload`);
      await waitUntil(() => syncs.length > 0, { timeout: TIMEOUT, message: `${id}: a sync request after the reload` });
      page.off('request', onRequest);
      assert.ok(seen > 0);
      assert.equal(syncs[0], seen, `${id}: the first sync starts after the newest comment seen`);
    }
    await roomItem(alice, 'Bob').click();
    await waitText(alice, '#messages li', 'hi from Vue');
  });

  await step('logout in both; a reload stays logged out', async () => {
    for (const page of [alice, bob]) {
      await page.click('#logout');
      await page.locator('#login').waitFor({ timeout: TIMEOUT });
      await page.reload({ waitUntil: 'load' });
      await page.locator('#login').waitFor({ timeout: TIMEOUT });
      assert.equal(await page.locator('#me').count(), 0);
    }
  });
});
