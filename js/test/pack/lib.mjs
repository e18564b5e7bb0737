// Shared by the package tests in js/test/pack.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

import { REPO_ROOT } from '../harness.mjs';

/** The one tarball `make pack` wrote into js/pack. */
export async function tarballPath() {
  const dir = path.join(REPO_ROOT, 'js', 'pack');
  const tgz = (await readdir(dir)).filter((f) => f.endsWith('.tgz'));
  assert.equal(tgz.length, 1, `expected one tarball in ${dir} (run make pack), found ${tgz}`);
  return path.join(dir, tgz[0]);
}
