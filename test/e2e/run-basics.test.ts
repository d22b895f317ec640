/** `mydocker run` as a user sees it: output streams, exit codes, PID 1, isolation, hostname, stdin. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { IMAGES, ROOT_DIRS } from '../harness/index.js';
import { assertRun, show, useHarness } from './context.js';

const c = useHarness();

test('first run pulls: "Unable to find image" on stderr, only the container output on stdout', async () => {
  const result = await c.h.runCli(['run', c.busybox, 'echo', 'hello']);
  assertRun(result, { code: 0, stdout: 'hello\n' });
  assert.equal(result.stderr.split('\n')[0], `Unable to find image '${c.busybox}' locally`, show(result));
  // One progress line per layer, naming it by (at least) its short digest.
  const manifest = await c.h.openClient.getManifest(IMAGES.busybox, 'latest');
  const layers = (JSON.parse(manifest.body.toString()) as { layers: Array<{ digest: string }> }).layers;
  assert.equal(layers.length, 1);
  for (const layer of layers) assert.ok(result.stderr.includes(layer.digest.slice(7, 19)), `no progress line for ${layer.digest}: ${show(result)}`);
});

test('a reference without tag is reported with :latest', async () => {
  const untagged = `${c.h.openRegistry}/library/busybox`;
  const result = await c.h.runCli(['run', untagged, 'true']);
  assertRun(result, { code: 0, stdout: '' });
  assert.equal(result.stderr.split('\n')[0], `Unable to find image '${untagged}:latest' locally`, show(result));
});

test('stdout and stderr of the container are kept apart and exact', async () => {
  assertRun(await c.run(['run', c.busybox, 'sh', '-c', 'echo out; echo err >&2']), { code: 0, stdout: 'out\n', stderr: 'err\n' });
});

test('image Cmd runs when no COMMAND is given (sh with closed stdin exits 0)', async () => {
  assertRun(await c.run(['run', c.busybox]), { code: 0, stdout: '', stderr: '' });
});

for (const code of [0, 1, 255, 2 + Math.floor(Math.random() * 120)]) {
  test(`exit code ${code} of the container is mydocker's exit code`, async () => {
    assertRun(await c.run(['run', c.busybox, 'sh', '-c', `exit ${code}`]), { code, stdout: '', stderr: '' });
  });
}

test('126 when the command is not executable', async () => {
  const result = await c.run(['run', c.busybox, '/etc/passwd']);
  assertRun(result, { code: 126, stdout: '' });
  assert.match(result.stderr, /\/etc\/passwd/, show(result));
});

test('127 when the command is not found', async () => {
  const result = await c.run(['run', c.busybox, 'nonexistent-cmd']);
  assertRun(result, { code: 127, stdout: '' });
  assert.match(result.stderr, /nonexistent-cmd/, show(result));
});

test('125 when mydocker itself fails (bad reference)', async () => {
  const result = await c.run(['run', 'UPPER/case', 'true']);
  assertRun(result, { code: 125, stdout: '' });
  assert.notEqual(result.stderr, '', show(result));
});

test('the command is PID 1', async () => {
  assertRun(await c.run(['run', c.busybox, 'sh', '-c', 'echo $$']), { code: 0, stdout: '1\n', stderr: '' });
});

test('PID 1 ignores a signal it has no handler for, as in any pid namespace (kill -TERM $$ does not end sh)', async () => {
  // So `sh -c 'kill -TERM $$'` cannot yield 143: the kernel drops it. 128+N is checked with a host-sent SIGKILL in signals.test.
  assertRun(await c.run(['run', c.busybox, 'sh', '-c', 'kill -TERM $$; kill -9 $$; echo survived']), { code: 0, stdout: 'survived\n', stderr: '' });
});

test('a shell reporting a child killed by SIGTERM exits 143 and mydocker passes it on', async () => {
  assertRun(await c.run(['run', c.busybox, 'sh', '-c', 'exec 2>/dev/null; sleep 10 & kill -TERM $!; wait $!']), { code: 143, stdout: '', stderr: '' });
});

test('ps shows only the container processes', async () => {
  const result = await c.run(['run', c.busybox, 'ps', '-o', 'pid,comm']);
  assertRun(result, { code: 0, stderr: '' });
  const rows = result.stdout.trim().split('\n').map((line) => line.trim().split(/\s+/));
  assert.deepEqual(rows, [['PID', 'COMMAND'], ['1', 'ps']], show(result));
});

test('a directory made on the host under /tmp is not visible inside', async () => {
  const hostDir = mkdtempSync('/tmp/mydocker-host-only-');
  try {
    const name = path.basename(hostDir);
    const result = await c.run(['run', c.busybox, 'sh', '-c', `if [ -e /tmp/${name} ]; then echo visible; else echo hidden; fi; ls -A /tmp`]);
    assertRun(result, { code: 0, stdout: 'hidden\n', stderr: '' });
  } finally {
    rmSync(hostDir, { recursive: true, force: true });
  }
});

test('ls / prints exactly the image root', async () => {
  assertRun(await c.run(['run', c.busybox, 'sh', '-c', 'ls /']), { code: 0, stdout: `${ROOT_DIRS.join('\n')}\n`, stderr: '' });
});

test('hostname is 12 hex characters, different per container', async () => {
  const first = await c.run(['run', c.busybox, 'hostname']);
  const second = await c.run(['run', c.busybox, 'hostname']);
  assert.match(first.stdout, /^[0-9a-f]{12}\n$/, show(first));
  assert.match(second.stdout, /^[0-9a-f]{12}\n$/, show(second));
  assert.notEqual(first.stdout, second.stdout);
});

test('run -i passes stdin through', async () => {
  assertRun(await c.run(['run', '-i', c.busybox, 'cat'], { input: 'hello\nworld\n' }), { code: 0, stdout: 'hello\nworld\n', stderr: '' });
});

test('without -i the container stdin is closed even when ours stays open', async () => {
  const result = await c.run(['run', c.busybox, 'cat'], { stdinOpen: true, timeoutMs: 15000 });
  assert.equal(result.timedOut, false, `cat waited on stdin: ${show(result)}`);
  assertRun(result, { code: 0, stdout: '', stderr: '' });
});

test('without -i, input we write does not reach the container', async () => {
  assertRun(await c.run(['run', c.busybox, 'cat'], { input: 'secret\n' }), { code: 0, stdout: '', stderr: '' });
});
