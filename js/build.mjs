// Builds js/dist from js/src/core.js: a UMD script (defines
// globalThis.QiscusSDKCore when loaded with <script>), an ESM entry, the
// type declarations and a package.json. No bundler: the shim is one file.
import { readFileSync, writeFileSync, mkdirSync, copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
mkdirSync(dist, { recursive: true });
const core = readFileSync(join(here, 'src', 'core.js'), 'utf8');

const umd = `/*! qiscus-sdk-core (Go/wasm) UMD */
(function (root, factory) {
  if (typeof define === 'function' && define.amd) define([], factory);
  else if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.QiscusSDKCore = factory();
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
'use strict';
// Captured while this script runs: the directory it was loaded from.
const __assetBase = (typeof document !== 'undefined' && document.currentScript && document.currentScript.src)
  ? new URL('.', document.currentScript.src).href : '';
${core}
return QiscusSDKCore;
});
`;

const esm = `/*! qiscus-sdk-core (Go/wasm) ESM */
const __assetBase = new URL('.', import.meta.url).href;
${core}
export default QiscusSDKCore;
export { QiscusSDKCore };
`;

writeFileSync(join(dist, 'qiscus-sdk-core.js'), umd);
writeFileSync(join(dist, 'qiscus-sdk-core.mjs'), esm);
copyFileSync(join(here, 'index.d.ts'), join(dist, 'index.d.ts'));
writeFileSync(join(dist, 'package.json'), JSON.stringify({
  name: 'qiscus-sdk-core-wasm',
  version: '2.16.9-go.0',
  description: 'Drop-in qiscus-sdk-core v2 written in Go and compiled to WebAssembly',
  license: 'MIT',
  main: './qiscus-sdk-core.js',
  module: './qiscus-sdk-core.mjs',
  types: './index.d.ts',
  exports: {
    '.': { types: './index.d.ts', import: './qiscus-sdk-core.mjs', require: './qiscus-sdk-core.js' },
    './qiscus-sdk-core.wasm': './qiscus-sdk-core.wasm',
    './wasm_exec.js': './wasm_exec.js',
  },
  sideEffects: false,
  files: ['qiscus-sdk-core.js', 'qiscus-sdk-core.mjs', 'qiscus-sdk-core.wasm', 'wasm_exec.js', 'index.d.ts'],
}, null, 2) + '\n');
for (const f of ['qiscus-sdk-core.wasm', 'wasm_exec.js']) {
  if (!existsSync(join(dist, f))) console.warn(`build.mjs: dist/${f} is missing (run make build)`);
}
console.log('build.mjs: wrote dist/qiscus-sdk-core.js, dist/qiscus-sdk-core.mjs, dist/index.d.ts, dist/package.json');
