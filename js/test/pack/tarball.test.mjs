// The npm package as `make pack` wrote it (js/pack/*.tgz): exactly the files
// a user needs, clean reports from @arethetypeswrong/cli and publint, and
// entries that do nothing at import (server-side rendering imports them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { REPO_ROOT } from '../harness.mjs';
import { tarballPath } from './lib.mjs';

const run = promisify(execFile);
const TOOLS = path.join(REPO_ROOT, 'js', 'test');
const BIN = path.join(TOOLS, 'node_modules', '.bin');

async function tool(name, args) {
  try {
    const { stdout, stderr } = await run(path.join(BIN, name), args, { cwd: TOOLS, maxBuffer: 16 << 20, timeout: 120000 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    return { code: err.code, out: `${err.stdout || ''}${err.stderr || ''}${err.message}` };
  }
}

test('tarball holds the entries, types, wasm, README and LICENSE and nothing else', async () => {
  const tgz = await tarballPath();
  const { stdout } = await run('tar', ['-tzf', tgz]);
  assert.deepEqual(stdout.trim().split('\n').sort(), [
    'package/LICENSE',
    'package/README.md',
    'package/dist/chat-store.d.mts',
    'package/dist/chat-store.mjs',
    'package/dist/index.d.mts',
    'package/dist/index.d.ts',
    'package/dist/qiscus-sdk-core.js',
    'package/dist/qiscus-sdk-core.mjs',
    'package/dist/qiscus-sdk-core.wasm',
    'package/dist/react.d.mts',
    'package/dist/react.mjs',
    'package/dist/vue.d.mts',
    'package/dist/vue.mjs',
    'package/package.json',
  ]);
});

test('@arethetypeswrong/cli finds no problem', { timeout: 180000 }, async () => {
  // The .wasm subpath (for `?url` imports) is an asset, not a module: attw
  // can only report that it has no JavaScript or types.
  // ./react and ./vue are ESM only: checked below with the esm-only profile.
  const r = await tool('attw', [await tarballPath(), '--exclude-entrypoints', './qiscus-sdk-core.wasm', './react', './vue']);
  process.stderr.write(r.out + '\n');
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /No problems found/);
});

test('@arethetypeswrong/cli: the ESM-only ./react and ./vue resolve with types for ESM and bundlers', { timeout: 180000 }, async () => {
  const r = await tool('attw', [await tarballPath(), '--entrypoints', './react', './vue', '--profile', 'esm-only']);
  process.stderr.write(r.out + '\n');
  assert.equal(r.code, 0, r.out);
  assert.doesNotMatch(r.out.replace(/\(ignored[^)]*\)[^\n]*/g, ''), /💀|❌|⚠️/u);
});

test('publint finds nothing to report', { timeout: 180000 }, async () => {
  const r = await tool('publint', ['run', await tarballPath(), '--strict', '--level', 'suggestion']);
  process.stderr.write(r.out + '\n');
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /All good!/);
  assert.doesNotMatch(r.out, /Suggestions:|Warnings:|Errors:/);
});

test('importing either entry by name in Node has no side effects (SSR-safe)', { timeout: 60000 }, async (t) => {
  // Installed the way npm lays it out, and imported by the package name, so
  // the exports map is what resolves (including ./package.json).
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qiscus-pack-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const pkgDir = path.join(dir, 'node_modules', 'qiscus-sdk-core-wasm');
  await mkdir(pkgDir, { recursive: true });
  await run('tar', ['-xzf', await tarballPath(), '-C', pkgDir, '--strip-components=1']);
  const esm = await readFile(path.join(pkgDir, 'dist', 'qiscus-sdk-core.mjs'), 'utf8');
  // The literal bundlers look for; wasm_exec.js is inside, not a second asset.
  assert.ok(esm.includes("new URL('./qiscus-sdk-core.wasm', import.meta.url)"));
  assert.ok(esm.includes('globalThis.Go = class'));
  await writeFile(path.join(dir, 'app.mjs'), [
    "import QiscusSDKCore, { QiscusSDKCore as Named } from 'qiscus-sdk-core-wasm';",
    "import pkg from 'qiscus-sdk-core-wasm/package.json' with { type: 'json' };",
    'export { QiscusSDKCore, Named, pkg };',
  ].join('\n'));

  const before = new Set(Object.getOwnPropertyNames(globalThis));
  const mod = await import(pathToFileURL(path.join(dir, 'app.mjs')).href);
  const req = createRequire(path.join(dir, 'app.cjs'));
  const cjs = req('qiscus-sdk-core-wasm');
  const cjsPkg = req('qiscus-sdk-core-wasm/package.json');
  const added = Object.getOwnPropertyNames(globalThis).filter((k) => !before.has(k));
  assert.deepEqual(added, [], 'globals added at import');
  assert.equal(typeof mod.QiscusSDKCore, 'function');
  assert.equal(mod.QiscusSDKCore, mod.Named);
  assert.equal(mod.pkg.name, 'qiscus-sdk-core-wasm');
  assert.equal(cjsPkg.version, mod.pkg.version);
  assert.equal(typeof cjs, 'function');
  assert.equal(cjs.name, 'QiscusSDKCore');
  assert.notEqual(cjs, mod.QiscusSDKCore, 'require() loads the UMD file, import the ESM one');
  // Constructing is also inert; only init() loads the runtime.
  const q = new mod.QiscusSDKCore();
  assert.equal(q.isInit, false);
  assert.equal(globalThis.Go, undefined);
});
