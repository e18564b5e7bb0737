// Builds js/dist from js/src (no bundler: the shim is one file):
//
//   dist/qiscus-sdk-core.mjs   ESM entry (bundlers, <script type="module">)
//   dist/qiscus-sdk-core.js    UMD entry (<script>, require(); global QiscusSDKCore)
//   dist/index.d.mts           types for the ESM entry (js/src/index.d.mts)
//   dist/index.d.ts            types for the UMD/CommonJS entry (derived: export =)
//   dist/{react,vue,chat-store}.{mjs,d.mts}  ESM-only ./react and ./vue (copied)
//
// Go's wasm_exec.js is bundled into both entries, so the only asset is
// dist/qiscus-sdk-core.wasm (built by `make wasm`). The ESM entry locates it
// with the literal `new URL('./qiscus-sdk-core.wasm', import.meta.url)`, the
// form Vite, webpack 5, Rollup, Parcel and esbuild recognise and rewrite to
// their hashed asset. Nothing runs at import (SSR-safe): wasm_exec.js is
// evaluated on the first init().
//
// wasm_exec.js comes from $QISCUS_WASM_EXEC, else $(go env GOROOT)/lib/wasm.
import { readFileSync, writeFileSync, mkdirSync, existsSync, rmSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
mkdirSync(dist, { recursive: true });
const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const core = readFileSync(join(here, 'src', 'core.js'), 'utf8');
const types = readFileSync(join(here, 'src', 'index.d.mts'), 'utf8');

const [goroot, goVersion] = execFileSync(process.env.GO || 'go', ['env', 'GOROOT', 'GOVERSION'], { encoding: 'utf8' })
  .trim().split('\n');
const wasmExec = readFileSync(process.env.QISCUS_WASM_EXEC || join(goroot, 'lib', 'wasm', 'wasm_exec.js'), 'utf8');
if (!wasmExec.includes('globalThis.Go = class')) {
  throw new Error('build.mjs: wasm_exec.js does not define globalThis.Go; wrong file?');
}

// wasm_exec.js defines globalThis.Go (and the fs/process stubs the Go runtime
// writes through). We evaluate it once, keep its class and put back whatever
// globalThis.Go the page had, so another Go program on the page is untouched.
const goClass = `let __Go = null;
function __goClass() {
  if (__Go) return __Go;
  const had = Object.prototype.hasOwnProperty.call(globalThis, 'Go');
  const prev = globalThis.Go;
  try {
    // ---- wasm_exec.js (${goVersion}), unchanged ----
${wasmExec.split('\n').map((l) => (l ? '    ' + l : l)).join('\n')}
    // ---- end of wasm_exec.js ----
    __Go = globalThis.Go;
  } finally {
    if (had) globalThis.Go = prev;
    else delete globalThis.Go;
  }
  return __Go;
}
`;

const banner = (kind) => `/*! ${pkg.name} ${pkg.version} (${kind}) | MIT | ${pkg.homepage}
 * Bundles Go's wasm_exec.js: Copyright 2009 The Go Authors, BSD-3-Clause. */`;

const umd = `${banner('UMD')}
(function (root, factory) {
  if (typeof define === 'function' && define.amd) define([], factory);
  else if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.QiscusSDKCore = factory();
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
'use strict';
// Captured while this script runs: the wasm sits next to it by default.
const __scriptSrc = (typeof document !== 'undefined' && document.currentScript && document.currentScript.src) || '';
function __defaultWasmURL() {
  if (!__scriptSrc) {
    throw new Error('qiscus-sdk-core: cannot tell where qiscus-sdk-core.wasm is served from; ' +
      'set init({wasmURL}) (bundlers: import the ESM entry instead)');
  }
  return new URL('./qiscus-sdk-core.wasm', __scriptSrc);
}
${goClass}
${core}
return QiscusSDKCore;
});
`;

const esm = `${banner('ESM')}
function __defaultWasmURL() {
  // Keep this literal: bundlers find the asset by it.
  const url = new URL('./qiscus-sdk-core.wasm', import.meta.url);
  // Vite's dev server runs dependencies from its pre-bundle cache
  // (node_modules/.vite/deps/), which holds no assets (vitejs/vite#8427);
  // it still serves this package's own copy from node_modules.
  const m = /^(.*\\/node_modules\\/)\\.vite\\/deps[^/]*\\/[^/]*$/.exec(url.pathname);
  if (m) url.pathname = m[1] + '${pkg.name}/dist/qiscus-sdk-core.wasm';
  return url;
}
${goClass}
${core}
export default QiscusSDKCore;
export { QiscusSDKCore };
`;

// cjsTypes derives the CommonJS declarations (export = QiscusSDKCore, with
// the interfaces in a merged namespace, and the UMD global) from the ESM ones.
function cjsTypes(src) {
  const lines = src.split('\n');
  const chunks = []; // {lines, name, isClass}
  let pending = []; // comments before a declaration
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.startsWith('export ')) {
      pending.push(line);
      continue;
    }
    if (line === 'export default QiscusSDKCore;') {
      pending = [];
      continue;
    }
    const m = /^export (?:declare )?(interface|type|class) (\w+)/.exec(line);
    if (!m) throw new Error(`build.mjs: unexpected declaration in index.d.mts line ${i + 1}: ${line}`);
    const body = [line];
    if (!line.endsWith(';')) {
      for (i++; i < lines.length && lines[i] !== '}'; i++) body.push(lines[i]);
      if (i >= lines.length) throw new Error(`build.mjs: unterminated ${m[2]} in index.d.mts`);
      body.push('}');
    }
    chunks.push({ lead: pending, body, name: m[2], isClass: m[1] === 'class' });
    pending = [];
  }
  const header = [];
  const firstDecl = chunks[0].lead;
  // The file's own header comment (before the first blank line) stays on top.
  const blank = firstDecl.indexOf('');
  header.push(...firstDecl.slice(0, blank));
  chunks[0].lead = firstDecl.slice(blank + 1);
  const names = chunks.filter((c) => !c.isClass).map((c) => c.name);
  const qualify = new RegExp(`(?<![.\\w])(${names.join('|')})\\b`, 'g');
  const out = [...header, '// CommonJS / UMD declarations, generated by js/build.mjs from src/index.d.mts.', '',
    'export = QiscusSDKCore;', 'export as namespace QiscusSDKCore;', ''];
  const cls = chunks.find((c) => c.isClass);
  out.push(...cls.lead, `declare class QiscusSDKCore${cls.body[0].slice('export declare class QiscusSDKCore'.length)}`);
  for (const l of cls.body.slice(1)) {
    const t = l.trim();
    const comment = t.startsWith('//') || t.startsWith('/*') || t.startsWith('*');
    out.push(comment ? l : l.replace(qualify, 'QiscusSDKCore.$1'));
  }
  out.push('', 'declare namespace QiscusSDKCore {');
  for (const c of chunks.filter((x) => !x.isClass)) {
    for (const l of [...c.lead, ...c.body]) out.push(l ? '  ' + l : l);
  }
  out.push('}', '');
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

writeFileSync(join(dist, 'qiscus-sdk-core.js'), umd);
writeFileSync(join(dist, 'qiscus-sdk-core.mjs'), esm);
writeFileSync(join(dist, 'index.d.mts'), types);
writeFileSync(join(dist, 'index.d.ts'), cjsTypes(types));
// The ESM-only framework bindings (./react, ./vue) and the store they share
// import ./qiscus-sdk-core.mjs, so they sit next to it unchanged.
for (const f of ['chat-store', 'react', 'vue']) {
  for (const ext of ['.mjs', '.d.mts']) copyFileSync(join(here, 'src', f + ext), join(dist, f + ext));
}
// Earlier layouts shipped these; a stale copy must not be served or packed.
for (const f of ['wasm_exec.js', 'package.json']) rmSync(join(dist, f), { force: true });
if (!existsSync(join(dist, 'qiscus-sdk-core.wasm'))) console.warn('build.mjs: dist/qiscus-sdk-core.wasm is missing (run make wasm)');
console.log('build.mjs: wrote dist/qiscus-sdk-core.{js,mjs}, dist/index.d.{ts,mts}, dist/{react,vue,chat-store}.{mjs,d.mts}');
