import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../native/tests/run.mjs', import.meta.url));

it('native spec decoder TAP tests pass', { timeout: 120_000 }, () => {
  const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  const failures = run.stdout.split('\n').filter((l) => l.startsWith('not ok'));
  assert.deepEqual(failures, []);
  assert.match(run.stdout, /^1\.\.\d+$/m);
  assert.equal(run.status, 0, run.stderr);
});
