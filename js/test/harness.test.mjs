// Self-test of the harness: the dev server lifecycle (LISTENING line, restart
// on the same port and database, crash + restart) and the Chromium launch
// (Debian chromium, the machine's required flags, a fresh profile per launch).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

import {
  startDevServer, launchBrowser, fetchJSON, APP_ID, CHROMIUM_ARGS, CHROMIUM_PATH, gotoBlank,
} from './harness.mjs';

const cleanup = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {});
});

async function login(server, userId) {
  const body = new URLSearchParams({ email: userId, password: `${userId}-key`, username: userId });
  return fetchJSON(server, '/api/v2/sdk/login_or_register', {
    method: 'POST',
    headers: { 'QISCUS-SDK-APP-ID': APP_ID, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

test('dev server: starts on a free loopback port and persists across restart/crash', { timeout: 120000 }, async () => {
  const server = await startDevServer({ label: 'devserver-harness' });
  cleanup.push(() => server.stop());
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(server.mqttURL, `ws://127.0.0.1:${server.port}/mqtt`);

  const first = await login(server, 'harness-user');
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.status, 200);
  const user = first.body.results.user;
  assert.equal(user.email, 'harness-user');
  assert.ok(user.token && user.token.length >= 8);

  const port = server.port;
  await server.restart();
  assert.equal(server.port, port, 'restart keeps the port');
  const second = await login(server, 'harness-user');
  assert.equal(second.body.results.user.id, user.id, 'same user id after restart: the database file was kept');

  await server.crash();
  await assert.rejects(fetchJSON(server, '/api/v2/sdk/config'), 'server is down after crash()');
  await server.restart();
  const third = await login(server, 'harness-user');
  assert.equal(third.body.results.user.id, user.id, 'same user id after crash + restart');

  // A second server gets its own fresh database.
  const other = await startDevServer({ label: 'devserver-harness-2' });
  cleanup.push(() => other.stop());
  assert.notEqual(other.port, server.port);
  const fresh = await login(other, 'someone-else');
  assert.equal(fresh.body.results.user.email, 'someone-else');
  assert.ok(server.logTail().includes('QISCUS_DEVSERVER_LISTENING'), 'output is collected');
});

test('browser: Debian chromium, required flags, fresh profile', { timeout: 120000 }, async () => {
  const server = await startDevServer({ label: 'devserver-harness-browser' });
  cleanup.push(() => server.stop());
  const a = await launchBrowser({ label: 'a' });
  cleanup.push(() => a.closeAll());
  const b = await launchBrowser({ label: 'b' });
  cleanup.push(() => b.closeAll());
  assert.notEqual(a.profileDir, b.profileDir, 'one profile per launch');

  // The browser process of `a`: the chromium whose --user-data-dir is a's profile.
  const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const cmdlines = [];
  for (const pid of procs) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (argv.some((x) => x === `--user-data-dir=${a.profileDir}`)) cmdlines.push(argv);
    } catch {}
  }
  const main = cmdlines.find((argv) => !argv.some((x) => x.startsWith('--type=')));
  assert.ok(main, `found the browser process for ${a.profileDir}`);
  assert.ok(main[0] === CHROMIUM_PATH || main[0].startsWith('/usr/lib/chromium/'), `runs Debian chromium (${main[0]})`);
  for (const flag of CHROMIUM_ARGS) assert.ok(main.includes(flag), `flag ${flag} is applied`);

  const page = a.pages()[0] || (await a.newPage());
  await gotoBlank(page, server);
  const info = await page.evaluate(async () => ({
    origin: location.origin,
    ua: navigator.userAgent,
    // same-origin REST works from the harness page
    config: await fetch('/api/v2/sdk/config', { headers: { 'QISCUS-SDK-APP-ID': 'dev' } }).then((r) => r.status),
    // and so does the WebSocket to the broker (Local Network Access allows it)
    ws: await new Promise((resolve) => {
      const ws = new WebSocket(`ws://${location.host}/mqtt`, 'mqtt');
      const t = setTimeout(() => resolve('timeout'), 5000);
      ws.onopen = () => {
        clearTimeout(t);
        ws.close();
        resolve('open');
      };
      ws.onerror = () => {
        clearTimeout(t);
        resolve('error');
      };
    }),
  }));
  assert.equal(info.origin, server.url);
  assert.match(info.ua, /HeadlessChrome\/\d+/);
  assert.equal(info.config, 200);
  assert.equal(info.ws, 'open');
});
