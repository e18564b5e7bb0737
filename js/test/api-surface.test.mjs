// The method table (issue 11): the official qiscus-sdk-core@2.16.9 prototype,
// our prototype in Chromium, the Go method table (wasm/methods.go and its
// syncMethods, read from the running wasm), the shim's forwarded lists
// (js/src/core.js) and the declarations (js/src/index.d.mts) must agree.
// A member added to one list and not the others fails here.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

import { startDevServer, openClientPage, REPO_ROOT, log } from './harness.mjs';

const require = createRequire(import.meta.url);

let server;
let page;

before(async () => {
  server = await startDevServer({ label: 'devserver-api-surface' });
  page = await openClientPage(server, { label: 'surface' });
  await page.init();
});

after(async () => {
  if (page) await page.close().catch(() => {});
  if (server) await server.stop();
});

/** The official class's public prototype members (not _-prefixed), enumerated now. */
function officialMembers() {
  const mod = require('qiscus-sdk-core');
  const C = mod.default || mod;
  return Object.getOwnPropertyNames(C.prototype).filter((n) => n !== 'constructor' && !n.startsWith('_')).sort();
}

/** Member names declared in `export declare class QiscusSDKCore { … }`. */
function declaredMembers() {
  const src = readFileSync(path.join(REPO_ROOT, 'js', 'src', 'index.d.mts'), 'utf8');
  const body = src.split('export declare class QiscusSDKCore {')[1].split('\n}\n')[0];
  const names = new Set();
  for (const line of body.split('\n')) {
    const m = /^ {2}(?:static )?(?:readonly )?(?:get |set )?([A-Za-z_$][\w$]*)\??\s*[(:<]/.exec(line);
    if (m && m[1] !== 'constructor') names.add(m[1]);
  }
  return names;
}

/** Go methods the shim calls by name (`this._call('x'`), besides its lists. */
function calledByName() {
  const src = readFileSync(path.join(REPO_ROOT, 'js', 'src', 'core.js'), 'utf8');
  return new Set([...src.matchAll(/_call\('([A-Za-z]+)'/g)].map((m) => m[1]));
}

test('every member of the official 2.16.9 prototype exists on ours and is declared', async () => {
  const official = officialMembers();
  assert.ok(official.length >= 80, `the official prototype enumerates (${official.length} members)`);
  const ours = await page.evaluate(() => {
    const p = window.QiscusSDKCore.prototype;
    return Object.getOwnPropertyNames(p).filter((n) => n !== 'constructor' && !n.startsWith('_'));
  });
  const declared = declaredMembers();
  const missing = official.filter((n) => !ours.includes(n));
  assert.deepEqual(missing, [], `official members missing from our prototype: ${missing.join(', ')}`);
  const undeclared = official.filter((n) => !declared.has(n));
  assert.deepEqual(undeclared, [], `official members not declared in index.d.mts: ${undeclared.join(', ')}`);
  log(`[surface] ${official.length} official members, ${ours.length} ours, ${declared.size} declared`);
});

test('our prototype and index.d.mts declare the same members', async () => {
  const { proto, instance } = await page.evaluate(() => ({
    proto: Object.getOwnPropertyNames(window.QiscusSDKCore.prototype).filter((n) => n !== 'constructor' && !n.startsWith('_')),
    instance: Object.keys(window.q).filter((n) => !n.startsWith('_')),
  }));
  const declared = declaredMembers();
  const notDeclared = proto.filter((n) => !declared.has(n));
  assert.deepEqual(notDeclared, [], `on the prototype but not declared: ${notDeclared.join(', ')}`);
  const statics = ['Interceptor', 'UpdateCommentStatusMode', 'assetBase', 'wasmURL'];
  const notThere = [...declared].filter((n) => !proto.includes(n) && !instance.includes(n) && !statics.includes(n));
  assert.deepEqual(notThere, [], `declared but neither on the prototype nor the instance: ${notThere.join(', ')}`);
});

test('the shim forwards exactly the Go method table, sync methods alike', async () => {
  const t = await page.evaluate(() => ({
    shim: window.QiscusSDKCore._goMembers,
    go: { all: Array.from(window.q._bridge.methods.all), sync: Array.from(window.q._bridge.methods.sync) },
    proto: Object.getOwnPropertyNames(window.QiscusSDKCore.prototype),
  }));
  const goAll = new Set(t.go.all);
  const forwardedMissing = [...t.shim.forwarded, ...t.shim.sync].filter((n) => !goAll.has(n));
  assert.deepEqual(forwardedMissing, [], `forwarded by core.js but not in wasm/methods.go: ${forwardedMissing.join(', ')}`);
  assert.deepEqual([...t.shim.sync].sort(), [...t.go.sync].sort(), 'core.js SYNC = wasm syncMethods');
  const reachable = new Set([...t.shim.forwarded, ...t.shim.sync, ...calledByName()]);
  const unreachable = t.go.all.filter((n) => !reachable.has(n));
  assert.deepEqual(unreachable, [], `in wasm/methods.go but never called by core.js: ${unreachable.join(', ')}`);
  const forwardedNotOnProto = [...t.shim.forwarded, ...t.shim.sync].filter((n) => !t.proto.includes(n));
  assert.deepEqual(forwardedNotOnProto, [], 'every forwarded name is a prototype member');
});
