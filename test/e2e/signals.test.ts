/** Signals and cleanup: SIGTERM forwarding, 128+N, no mounts left on the host even after kill -9 of mydocker. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { IMAGES } from '../harness/index.js';
import { assertRun, show, useHarness } from './context.js';
import { mountTable, newMounts, processesWith, waitForContainerInit } from './procs.js';

const c = useHarness();
const marker = (): string => `mydocker-e2e-${randomBytes(6).toString('hex')}`;

test('SIGTERM sent to mydocker reaches the container', async () => {
  const started = Date.now();
  const proc = c.h.spawnCli(['run', c.busybox, 'sh', '-c', 'trap "echo got; exit 3" TERM; echo ready; sleep 5 & wait'], { root: c.warmRoot });
  await proc.waitForStdout('ready\n');
  proc.child.kill('SIGTERM');
  const result = await proc.result;
  assertRun(result, { code: 3, stdout: 'ready\ngot\n' });
  assert.ok(Date.now() - started < 4500, `took ${Date.now() - started} ms: the trap ran only after sleep ended`);
});

test('container init killed by SIGKILL from the host → 137', async () => {
  const tag = marker();
  const proc = c.h.spawnCli(['run', c.busybox, 'sh', '-c', `echo ready; sleep 30; : ${tag}`], { root: c.warmRoot });
  await proc.waitForStdout('ready\n');
  process.kill(await waitForContainerInit(tag), 'SIGKILL');
  assertRun(await proc.result, { code: 137, stdout: 'ready\n' });
});

test('container init with a TERM trap that re-raises by exiting 143 → 143', async () => {
  const tag = marker();
  const proc = c.h.spawnCli(['run', c.busybox, 'sh', '-c', `trap "exit 143" TERM; echo ready; sleep 30 & wait; : ${tag}`], { root: c.warmRoot });
  await proc.waitForStdout('ready\n');
  process.kill(await waitForContainerInit(tag), 'SIGTERM');
  assertRun(await proc.result, { code: 143, stdout: 'ready\n' });
});

test('no new mounts on the host after runs (including a failing one)', async () => {
  const before = mountTable();
  assertRun(await c.run(['run', c.busybox, 'sh', '-c', 'ls / >/dev/null; echo ok']), { code: 0, stdout: 'ok\n' });
  assertRun(await c.h.runCli(['run', c.ref(IMAGES.layers), 'true']), { code: 0 });
  assertRun(await c.run(['run', c.busybox, 'nonexistent-cmd']), { code: 127 });
  assert.deepEqual(await newMounts(before), []);
});

test('kill -9 of mydocker mid-run leaves no mount on the host and no container process', async () => {
  const before = mountTable();
  const tag = marker();
  const proc = c.h.spawnCli(['run', c.busybox, 'sh', '-c', `echo ready; sleep 30; : ${tag}`], { root: c.warmRoot });
  await proc.waitForStdout('ready\n');
  await waitForContainerInit(tag);
  proc.child.kill('SIGKILL');
  const result = await proc.result;
  assert.equal(result.code, 137, show(result));
  assert.deepEqual(await newMounts(before), []);
  // The container must not outlive mydocker (nothing else would ever reap or stop it).
  const deadline = Date.now() + 5000;
  while (processesWith(tag).length > 0 && Date.now() < deadline) await sleep(100);
  assert.deepEqual(processesWith(tag), [], 'container processes survive mydocker');
  // And the store stays usable.
  assertRun(await c.run(['run', c.busybox, 'echo', 'still fine']), { code: 0, stdout: 'still fine\n', stderr: '' });
});
