// govulncheck-gate reads `govulncheck -format json` on stdin and fails when
// the code calls a vulnerable symbol, unless the advisory is a standard-library
// one named on the command line (known, documented and waiting for a Go
// toolchain upgrade: see the Makefile's GOVULN_STDLIB_KNOWN). Findings in
// packages or modules that the code does not call are listed, not fatal, as
// govulncheck's own text mode does.
//
//   govulncheck -format json ./... | node .ci/govulncheck-gate.mjs GO-2026-1 GO-2026-2
import { readFileSync } from 'node:fs';

const known = new Set(process.argv.slice(2));
const input = readFileSync(0, 'utf8');
// The stream is a sequence of indented JSON objects, each closed by a '}' at
// the start of a line.
const messages = input.split(/^}$/m).map((s) => s.trim()).filter(Boolean).map((s) => JSON.parse(s + '}'));
const summary = new Map(); // osv id → {module, version, fixed, called}
for (const { finding } of messages) {
  if (!finding) continue;
  const top = finding.trace[0];
  const prev = summary.get(finding.osv);
  const called = Boolean(top.function) || Boolean(prev?.called);
  summary.set(finding.osv, { module: top.module, version: top.version, fixed: finding.fixed_version, called });
}
let failed = 0;
for (const [id, f] of [...summary].sort()) {
  const where = `${f.module}@${f.version}, fixed in ${f.fixed || 'no version yet'}`;
  if (!f.called) {
    console.log(`govulncheck: not called: ${id} (${where})`);
  } else if (f.module === 'stdlib' && known.has(id)) {
    console.log(`govulncheck: KNOWN, called: ${id} (${where}); listed in GOVULN_STDLIB_KNOWN`);
  } else {
    console.log(`govulncheck: CALLED: ${id} (${where})`);
    failed++;
  }
}
if (messages.length === 0) {
  console.error('govulncheck-gate: no input (did govulncheck run?)');
  process.exit(2);
}
if (failed) {
  console.error(`govulncheck-gate: ${failed} vulnerabilit${failed === 1 ? 'y' : 'ies'} reachable from our code: upgrade the module (or the Go toolchain)`);
  process.exit(1);
}
console.log(`govulncheck-gate: no reachable vulnerability outside GOVULN_STDLIB_KNOWN (${summary.size} advisories seen)`);
