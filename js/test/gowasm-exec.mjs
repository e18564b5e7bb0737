#!/usr/bin/env node
// `go test -exec` runner: runs a GOOS=js GOARCH=wasm test binary in headless
// Debian Chromium instead of Node, so js-only code (syscall/js, fetch, the
// browser WebSocket) is tested in a real browser.
//
//   GOOS=js GOARCH=wasm go test -exec "node $(pwd)/js/test/gowasm-exec.mjs" ./sdk/... ./wasm/...
//
// go test invokes it as `gowasm-exec.mjs <test binary> [test flags...]` with
// the package directory as the working directory. The runner
//   * serves the binary, $(go env GOROOT)/lib/wasm/wasm_exec.js and a tiny
//     HTML page from a 127.0.0.1 HTTP server on a free port;
//   * runs `new Go()` with argv = ['js', ...flags] and env = the QISCUS_* and
//     Go runtime variables of this process;
//   * pipes the program's stdout/stderr (wasm_exec.js writes them through
//     globalThis.fs.writeSync) to this process's stdout/stderr, line by line;
//   * exits with the Go program's exit code.
// If QISCUS_DEVSERVER_BIN is set it also starts a dev server (fresh db) and
// passes QISCUS_TEST_BASE_URL / QISCUS_TEST_MQTT_URL to the program.
// Overall bound: QISCUS_GOWASM_TIMEOUT seconds (default 630: just past go test's own
// default -test.timeout of 10m, so Go's timeout panic and goroutine dump win) → exit 124.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

import { launchBrowser, startDevServer } from './harness.mjs';

const EXIT_INTERNAL = 125; // the runner itself failed
const EXIT_TIMEOUT = 124;

const argv = process.argv.slice(2);
if (argv.length < 1) {
  process.stderr.write('usage: gowasm-exec.mjs <go-test-binary.wasm> [args...]\n');
  process.exit(2);
}
const binaryPath = path.resolve(argv[0]);
const programArgs = argv.slice(1);
const timeoutSec = Number(process.env.QISCUS_GOWASM_TIMEOUT || 630);

function goroot() {
  if (process.env.GOROOT && fs.existsSync(path.join(process.env.GOROOT, 'lib', 'wasm', 'wasm_exec.js'))) {
    return process.env.GOROOT;
  }
  // `go env` must not inherit GOOS=js: that is fine for GOROOT, but keep it clean.
  return execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8', timeout: 60000 }).trim();
}

function selectedEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^QISCUS_/.test(k) || ['GODEBUG', 'GOTRACEBACK', 'GOGC', 'GOMEMLIMIT', 'GOMAXPROCS', 'TZ'].includes(k)) {
      env[k] = v;
    }
  }
  return { ...env, ...extra };
}

// Line-buffered writers so stdout and stderr lines never interleave mid-line.
function lineWriter(stream) {
  let buf = '';
  return {
    write(text) {
      buf += text;
      const nl = buf.lastIndexOf('\n');
      if (nl !== -1) {
        stream.write(buf.slice(0, nl + 1));
        buf = buf.slice(nl + 1);
      }
    },
    flush() {
      if (buf) {
        stream.write(buf);
        buf = '';
      }
    },
  };
}

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>gowasm-exec</title></head>
<body><script src="/wasm_exec.js"></script></body></html>`;

// In-page: start the Go program. Output and exit go through exposed bindings.
async function runInPage({ args, env }) {
  const decoders = new Map();
  let seq = 0;
  const fsObj = globalThis.fs;
  fsObj.writeSync = function writeSync(fd, buf) {
    let dec = decoders.get(fd);
    if (!dec) {
      dec = new TextDecoder('utf-8');
      decoders.set(fd, dec);
    }
    const text = dec.decode(buf, { stream: true });
    if (text) window.__goWrite(seq++, fd, text);
    return buf.length;
  };
  const go = new Go();
  go.argv = ['js', ...args];
  go.env = env;
  let exitCode = null;
  go.exit = (code) => {
    exitCode = code;
  };
  let result;
  try {
    result = await WebAssembly.instantiateStreaming(fetch('/test.wasm'), go.importObject);
  } catch (err) {
    window.__goFatal(seq++, `instantiate: ${err && err.stack ? err.stack : err}`);
    return;
  }
  try {
    await go.run(result.instance);
  } catch (err) {
    window.__goFatal(seq++, `run: ${err && err.stack ? err.stack : err}`);
    return;
  }
  window.__goExit(seq++, exitCode === null ? 0 : exitCode);
}

async function main() {
  if (!fs.existsSync(binaryPath)) {
    process.stderr.write(`gowasm-exec: ${binaryPath} does not exist\n`);
    return EXIT_INTERNAL;
  }
  const wasmExecPath = path.join(goroot(), 'lib', 'wasm', 'wasm_exec.js');
  const wasmExec = fs.readFileSync(wasmExecPath);

  const out = lineWriter(process.stdout);
  const err = lineWriter(process.stderr);
  const cleanups = [];
  let finished = false;
  let resolveDone;
  const done = new Promise((r) => {
    resolveDone = r;
  });
  const finish = (code) => {
    if (finished) return;
    finished = true;
    resolveDone(code);
  };

  const overall = setTimeout(() => {
    err.flush();
    process.stderr.write(`\ngowasm-exec: TIMEOUT: ${path.basename(binaryPath)} did not exit within ${timeoutSec} s (set QISCUS_GOWASM_TIMEOUT)\n`);
    finish(EXIT_TIMEOUT);
  }, timeoutSec * 1000);

  try {
    // 1. static server on loopback
    const server = http.createServer((req, res) => {
      const url = new URL(req.url, 'http://127.0.0.1');
      if (url.pathname === '/' || url.pathname === '/index.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(PAGE);
      } else if (url.pathname === '/wasm_exec.js') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
        res.end(wasmExec);
      } else if (url.pathname === '/test.wasm') {
        const st = fs.statSync(binaryPath);
        res.writeHead(200, { 'content-type': 'application/wasm', 'content-length': st.size, 'cache-control': 'no-store' });
        fs.createReadStream(binaryPath).pipe(res);
      } else if (url.pathname === '/favicon.ico') {
        res.writeHead(204);
        res.end();
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
      }
    });
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    cleanups.push(
      () =>
        new Promise((r) => {
          server.close(() => r());
          server.closeAllConnections?.();
        }),
    );
    const origin = `http://127.0.0.1:${server.address().port}`;

    // 2. optional dev server
    const extraEnv = {};
    if (process.env.QISCUS_DEVSERVER_BIN) {
      const dev = await startDevServer({ label: 'devserver' });
      cleanups.push(async () => {
        if (process.env.QISCUS_TEST_VERBOSE) process.stderr.write(dev.logTail(200) + '\n');
        await dev.stop();
      });
      extraEnv.QISCUS_TEST_BASE_URL = dev.url;
      extraEnv.QISCUS_TEST_MQTT_URL = dev.mqttURL;
    }

    // 3. browser
    const context = await launchBrowser({ label: 'gowasm' });
    cleanups.push(() => context.closeAll());
    const page = context.pages()[0] || (await context.newPage());

    // Bindings calls arrive in order; seq guards against any reordering.
    let expected = 0;
    const pending = new Map();
    const deliver = (s, fn) => {
      pending.set(s, fn);
      while (pending.has(expected)) {
        const f = pending.get(expected);
        pending.delete(expected);
        expected++;
        f();
      }
    };
    await page.exposeFunction('__goWrite', (s, fd, text) =>
      deliver(s, () => (fd === 2 ? err : out).write(text)),
    );
    await page.exposeFunction('__goExit', (s, code) =>
      deliver(s, () => {
        out.flush();
        err.flush();
        finish(code);
      }),
    );
    await page.exposeFunction('__goFatal', (s, msg) =>
      deliver(s, () => {
        out.flush();
        err.flush();
        process.stderr.write(`gowasm-exec: ${msg}\n`);
        finish(1);
      }),
    );
    page.on('pageerror', (e) => {
      out.flush();
      err.flush();
      process.stderr.write(`gowasm-exec: uncaught page error: ${e && e.stack ? e.stack : e}\n`);
    });
    page.on('crash', () => {
      out.flush();
      err.flush();
      process.stderr.write('gowasm-exec: the browser page crashed (out of memory?)\n');
      finish(EXIT_INTERNAL);
    });
    page.on('console', (m) => {
      // wasm_exec.js itself logs through the console on some paths (e.g. "exit code: N").
      if (process.env.QISCUS_TEST_VERBOSE) process.stderr.write(`[page console.${m.type()}] ${m.text()}\n`);
    });

    await page.goto(origin + '/', { waitUntil: 'load', timeout: 60000 });
    const env = selectedEnv(extraEnv);
    // Do not await: the program may run for minutes; completion arrives via bindings.
    page.evaluate(runInPage, { args: programArgs, env }).catch((e) => {
      if (!finished) {
        process.stderr.write(`gowasm-exec: evaluate failed: ${e && e.message}\n`);
        finish(EXIT_INTERNAL);
      }
    });
    const code = await done;
    return code;
  } catch (e) {
    out.flush();
    err.flush();
    process.stderr.write(`gowasm-exec: ${e && e.stack ? e.stack : e}\n`);
    return EXIT_INTERNAL;
  } finally {
    clearTimeout(overall);
    out.flush();
    err.flush();
    for (const c of cleanups.reverse()) {
      try {
        await Promise.race([c(), new Promise((r) => setTimeout(r, 15000))]);
      } catch {}
    }
  }
}

main().then(
  (code) => {
    // Let stdout drain before exiting.
    process.stdout.write('', () => process.exit(code));
  },
  (e) => {
    process.stderr.write(`gowasm-exec: ${e && e.stack ? e.stack : e}\n`);
    process.exit(EXIT_INTERNAL);
  },
);
