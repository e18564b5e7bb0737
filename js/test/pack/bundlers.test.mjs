// The packed tarball in real bundler projects, with no configuration: a tiny
// page (js/test/bundlers/src/main.js) imports 'qiscus-sdk-core-wasm', logs in
// against a real devserver, sends a message and hears it back over MQTT.
// Built by `vite build` and by webpack 5 and served from a loopback static
// server, and run by the Vite dev server; each in headless Chromium. The
// wasm must be the bundler's own hashed asset (one request, application/wasm).
//
// js/test/bundlers: `npm ci` from its committed lockfile (Vite, webpack),
// then `npm install --no-save` of the tarball, as an app would install it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';

import { REPO_ROOT, startDevServer, launchBrowser, forwardPageLogs, waitUntil, log } from '../harness.mjs';
import { tarballPath } from './lib.mjs';

const run = promisify(execFile);
const PROJECT = path.join(REPO_ROOT, 'js', 'test', 'bundlers');
const BIN = path.join(PROJECT, 'node_modules', '.bin');

let server;
let browser;

async function sh(cmd, args, opts = {}) {
  const t0 = Date.now();
  try {
    const r = await run(cmd, args, { cwd: PROJECT, maxBuffer: 32 << 20, timeout: 300000, ...opts });
    log(`[bundlers] ${cmd} ${args.join(' ')}: ${Date.now() - t0} ms`);
    return r.stdout + r.stderr;
  } catch (err) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${err.stdout || ''}\n${err.stderr || ''}`);
  }
}

before(async () => {
  const tgz = await tarballPath();
  await sh('npm', ['ci', '--no-audit', '--no-fund']);
  await sh('npm', ['install', '--no-save', '--no-audit', '--no-fund', tgz]);
  server = await startDevServer({ label: 'devserver' });
  browser = await launchBrowser({ label: 'bundlers' });
});

after(async () => {
  if (browser) await browser.closeAll();
  if (server) await server.stop();
});

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

// A static server for a build output directory on 127.0.0.1.
function serve(dir) {
  const srv = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const file = path.join(dir, path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ''));
    const target = url.pathname.endsWith('/') ? path.join(file, 'index.html') : file;
    try {
      if (!(await stat(target)).isFile()) throw new Error('not a file');
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(target)] || 'application/octet-stream' });
      createReadStream(target).pipe(res);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

// Open the page, wait (bounded) for its result, return the wasm responses.
async function runPage(pageURL, label) {
  const page = await browser.newPage();
  const logs = [];
  forwardPageLogs(page, label, logs);
  const wasm = [];
  page.on('response', (r) => {
    if (r.url().includes('.wasm')) wasm.push({ url: r.url(), status: r.status(), type: r.headers()['content-type'] });
  });
  try {
    await page.goto(`${pageURL}?server=${encodeURIComponent(server.url)}`, { waitUntil: 'load', timeout: 60000 });
    const result = await waitUntil(() => page.evaluate(() => window.__smoke), {
      timeout: 60000,
      message: `${label}: the page's result`,
      describe: async () => `page says:\n${await page.evaluate(() => document.getElementById('out').textContent)}\n${logs.join('\n')}`,
    });
    const text = await page.evaluate(() => document.getElementById('out').textContent);
    assert.equal(result, 'ok', `${label}:\n${text}\n${logs.join('\n')}`);
    assert.match(text, /heard hello from a bundle/);
    return wasm;
  } finally {
    await page.close();
  }
}

// Vite takes a fixed port (0 means its default, 5173, which another run may hold).
function freePort() {
  return new Promise((resolve, reject) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function wasmAssets(dir) {
  const out = [];
  for (const e of await readdir(dir, { recursive: true })) if (e.endsWith('.wasm')) out.push(e);
  return out;
}

async function builtPage(outDir, label, expectName) {
  const assets = await wasmAssets(outDir);
  log(`[bundlers] ${label} emitted: ${assets.join(', ')}`);
  assert.equal(assets.length, 1, `${label} should emit exactly one wasm, got ${assets}`);
  assert.match(path.basename(assets[0]), expectName);
  const js = (await readdir(outDir, { recursive: true })).filter((f) => /\.m?js$/.test(f));
  assert.ok(!js.some((f) => f.includes('qiscus-sdk-core.mjs')), `${label} copied the entry module as an asset: ${js}`);
  const srv = await serve(outDir);
  try {
    const wasm = await runPage(`http://127.0.0.1:${srv.address().port}/`, label);
    assert.deepEqual(wasm.map((w) => [path.basename(new URL(w.url).pathname), w.status, w.type]),
      [[path.basename(assets[0]), 200, 'application/wasm']]);
  } finally {
    srv.close();
  }
}

test('vite build: hashed wasm asset, page logs in and sends', { timeout: 300000 }, async () => {
  const outDir = path.join(PROJECT, 'dist-vite');
  await rm(outDir, { recursive: true, force: true });
  await sh(path.join(BIN, 'vite'), ['build', '--outDir', outDir, '--emptyOutDir']);
  // Vite names assets name-<8 char hash>.ext
  await builtPage(outDir, 'vite build', /^qiscus-sdk-core-[\w-]{8}\.wasm$/);
});

test('webpack 5: hashed wasm asset module, page logs in and sends', { timeout: 300000 }, async () => {
  const outDir = path.join(PROJECT, 'dist-webpack');
  await sh('node', ['build-webpack.mjs']);
  // webpack's default asset name is [hash][ext]
  await builtPage(outDir, 'webpack', /^[0-9a-f]{16,}\.wasm$/);
});

test('vite dev server: the page logs in and sends', { timeout: 300000 }, async () => {
  const port = await freePort();
  const child = spawn(path.join(BIN, 'vite'), ['--host', '127.0.0.1', '--port', String(port), '--strictPort', '--force'], {
    cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  try {
    const url = await waitUntil(() => (/Local:\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(output) || [])[1], {
      timeout: 60000, message: 'the Vite dev server URL', describe: () => output,
    });
    const wasm = await runPage(url, 'vite dev');
    assert.equal(wasm.length, 1, JSON.stringify(wasm));
    assert.equal(wasm[0].status, 200);
    assert.equal(wasm[0].type, 'application/wasm');
    log(`[bundlers] vite dev served the wasm at ${new URL(wasm[0].url).pathname}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => { if (child.exitCode !== null) resolve(); else child.once('exit', resolve); });
    if (child.exitCode && child.exitCode !== 143 && child.signalCode !== 'SIGTERM') log(output);
  }
});
