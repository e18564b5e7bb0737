// The browser snippets of README.md and js/README.md run as written: each
// block after a `<!-- snippet:NAME -->` marker is read from the file (so the
// docs cannot drift from what is tested), its 127.0.0.1:8080 addresses are
// swapped for a fresh devserver's, and it is served by that devserver as a
// page (-web-dir) and run in Chromium. Every html snippet needs an expected
// console line below, so a new snippet cannot go untested.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { REPO_ROOT, startDevServer, launchBrowser, forwardPageLogs, makeTempDir, waitUntil } from '../harness.mjs';

const EXPECT = {
  'browser-umd': /^bob received: hello bob$/,
  'browser-esm': /^carol sent \d+ to lobby$/,
};

const SNIPPET_RE = /<!-- snippet:([\w-]+) -->\s*```(\w*)\n([\s\S]*?)```/g;

async function snippets() {
  const out = [];
  for (const file of ['README.md', path.join('js', 'README.md')]) {
    const text = await readFile(path.join(REPO_ROOT, file), 'utf8');
    for (const m of text.matchAll(SNIPPET_RE)) out.push({ file, name: m[1], lang: m[2], code: m[3] });
  }
  return out;
}

let webDir;
let server;
let browser;
let html;

before(async () => {
  html = (await snippets()).filter((s) => s.lang === 'html');
  webDir = await makeTempDir('qiscus-readme-');
  server = await startDevServer({ label: 'devserver', extraArgs: ['-web-dir', webDir] });
  browser = await launchBrowser({ label: 'readme' });
});

after(async () => {
  if (browser) await browser.closeAll();
  if (server) await server.stop();
});

test('README.md has the browser snippets this test knows', () => {
  const names = html.filter((s) => s.file === 'README.md').map((s) => s.name).sort();
  assert.deepEqual(names, Object.keys(EXPECT).sort());
  for (const s of html) assert.ok(EXPECT[s.name], `${s.file}: snippet ${s.name} has no expectation in readme.test.mjs`);
});

test('README browser snippets run as written against the devserver', { timeout: 180000 }, async (t) => {
  const wsURL = server.url.replace(/^http/, 'ws');
  for (const s of html) {
    await t.test(`${s.file} snippet:${s.name}`, async () => {
      const code = s.code.replaceAll('http://127.0.0.1:8080', server.url).replaceAll('ws://127.0.0.1:8080', wsURL);
      assert.notEqual(code, s.code, 'the snippet names no devserver address to swap');
      const page = `${s.file.replace(/\W/g, '_')}-${s.name}.html`;
      await writeFile(path.join(webDir, page), `<!doctype html>\n<meta charset="utf-8">\n${code}`);
      const p = await browser.newPage();
      const logs = [];
      const errors = [];
      forwardPageLogs(p, s.name, logs);
      p.on('pageerror', (e) => errors.push(String(e)));
      p.on('console', (m) => {
        const where = (m.location() && m.location().url) || '';
        // Chromium asks for /favicon.ico by itself; the page has none.
        if (m.type() === 'error' && !where.endsWith('/favicon.ico')) errors.push(`${m.text()} (${where})`);
      });
      const lines = [];
      p.on('console', (m) => lines.push(m.text()));
      try {
        await p.goto(`${server.url}/${page}`, { waitUntil: 'load', timeout: 60000 });
        await waitUntil(() => lines.some((l) => EXPECT[s.name].test(l)) || errors.length > 0, {
          timeout: 60000, message: `console line ${EXPECT[s.name]}`, describe: () => logs.join('\n'),
        });
        assert.deepEqual(errors, [], `${s.name} raised errors:\n${logs.join('\n')}`);
      } finally {
        await p.close();
      }
    });
  }
});
