/** --memory, --memory-swap, --cpus, --pids-limit on the host's cgroups (v1 or v2), checked by their effects. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { detectHierarchy } from '../../src/cgroups/index.js';
import { assertRun, show, useHarness } from './context.js';

const c = useHarness();

function containerCgroupDirs(): string[] {
  const h = detectHierarchy();
  if (!h) return [];
  const bases = h.version === 2 ? [h.base] : Object.values(h.bases);
  return bases.flatMap((base) => (existsSync(base) ? readdirSync(base).filter((n) => /^[0-9a-f]{64}$/.test(n)).map((n) => join(base, n)) : []));
}

test('the host has a usable cgroup hierarchy (v1 or v2)', () => {
  const h = detectHierarchy();
  assert.ok(h, 'no cgroup filesystem found');
});

test('--memory: a process allocating past the limit is OOM-killed: exit 137 and mydocker says so', async () => {
  // tail keeps a whole "line" in memory; /dev/zero has no newline, so it grows until killed.
  const result = await c.run(['run', '--memory', '32m', '--memory-swap', '32m', c.busybox, 'tail', '/dev/zero'], { timeoutMs: 60_000 });
  assertRun(result, { code: 137, stdout: '' });
  assert.match(result.stderr, /^mydocker: container [0-9a-f]{12} ran out of memory \(limit 32MiB, --memory\)/m, show(result));
  assert.equal(result.stderr.trim().split('\n').length, 1, show(result));
});

test('--memory: a process within the limit runs normally, and without a limit the same allocation succeeds', async () => {
  assertRun(await c.run(['run', '-m', '64m', c.busybox, 'sh', '-c', 'head -c 8m /dev/zero | tail -c 1 | wc -c']), { code: 0, stdout: '1\n', stderr: '' });
  assertRun(await c.run(['run', c.busybox, 'sh', '-c', 'head -c 48m /dev/zero | tail | wc -c']), { code: 0, stdout: `${48 * 1024 * 1024}\n`, stderr: '' });
});

test('--pids-limit: a fork loop stops at the limit', async () => {
  // The subshell forks sleeps until fork fails; the shell then counts the container's processes
  // with a glob (no fork needed). 200 forks would succeed without the limit.
  const script = '(i=0; while [ $i -lt 200 ]; do sleep 30 & i=$((i+1)); done) 2>/dev/null; n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; echo $n';
  const result = await c.run(['run', '--pids-limit', '10', c.busybox, 'sh', '-c', script]);
  assertRun(result, { code: 0, stderr: '' });
  const n = Number(result.stdout.trim());
  assert.ok(n >= 5 && n <= 10, `expected at most 10 processes: ${show(result)}`);
  const free = await c.run(['run', c.busybox, 'sh', '-c', script.replace('200', '30')]);
  assert.ok(Number(free.stdout.trim()) > 30, `without a limit 30 sleeps run: ${show(free)}`);
});

test('--cpus 0.2: a busy loop gets about a fifth of a CPU', async () => {
  // 1 s of wall time of a busy loop, then the CPU time PID 1 collected from it (unlimited: ~100 ticks).
  const script = 'timeout 1 sh -c "while :; do :; done" 2>/dev/null; awk "{print \\$14+\\$15+\\$16+\\$17}" /proc/1/stat';
  const result = await c.run(['run', '--cpus', '0.2', c.busybox, 'sh', '-c', script]);
  assertRun(result, { code: 0 });
  // utime+stime+cutime+cstime of PID 1 in clock ticks (100/s): about 20 ticks for 0.2 CPU over 1 s.
  const ticks = Number(result.stdout.trim().split('\n').at(-1));
  assert.ok(ticks > 5 && ticks < 50, `expected ~20 ticks of CPU: ${show(result)}`);
});

test('the container sees its limits, read-only, in its own /sys/fs/cgroup', async () => {
  const v2 = detectHierarchy()?.version === 2;
  const files = v2 ? ['memory.max', 'pids.max', 'cpu.max'] : ['memory/memory.limit_in_bytes', 'pids/pids.max', 'cpu/cpu.cfs_quota_us'];
  const script = `cd /sys/fs/cgroup && cat ${files.join(' ')}; (echo 1000 > ${files[1]}) 2>/dev/null || echo read-only`;
  const result = await c.run(['run', '-m', '64m', '--pids-limit', '33', '--cpus', '0.5', c.busybox, 'sh', '-c', script]);
  assertRun(result, { code: 0, stdout: v2 ? '67108864\n33\n50000 100000\nread-only\n' : '67108864\n33\n50000\nread-only\n', stderr: '' });
});

test('a child killed by the OOM killer while PID 1 survives: its exit status, and mydocker says so', async () => {
  const result = await c.run(['run', '-m', '16m', '--memory-swap', '16m', c.busybox, 'sh', '-c', '(tail /dev/zero) 2>/dev/null; echo status $?']);
  assertRun(result, { code: 0, stdout: 'status 137\n' });
  assert.match(result.stderr, /^mydocker: a process of container [0-9a-f]{12} ran out of memory \(limit 16MiB, --memory\)/m, show(result));
});

test("each container's cgroup is removed when it ends", async () => {
  const before = new Set(containerCgroupDirs());
  assertRun(await c.run(['run', '--memory', '64m', '--pids-limit', '50', '--cpus', '1', c.busybox, 'true']), { code: 0, stdout: '', stderr: '' });
  assertRun(await c.run(['run', '-m', '32m', '--memory-swap', '32m', c.busybox, 'tail', '/dev/zero']), { code: 137 });
  const left = containerCgroupDirs().filter((d) => !before.has(d));
  assert.deepEqual(left, []);
});

test('cgroups left by a killed mydocker are removed by the next run once stale; young ones are kept', async () => {
  const h = detectHierarchy();
  assert.ok(h);
  const base = h.version === 2 ? h.base : (h.bases.pids ?? h.bases.memory ?? '');
  const stale = join(base, randomBytes(32).toString('hex'));
  const young = join(base, randomBytes(32).toString('hex'));
  mkdirSync(stale, { recursive: true });
  mkdirSync(young);
  try {
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(stale, old, old);
    assertRun(await c.run(['run', c.busybox, 'true']), { code: 0 });
    assert.equal(existsSync(stale), false, 'a stale, empty container cgroup was kept');
    assert.equal(existsSync(young), true, 'a young cgroup (maybe a run about to join it) was removed');
  } finally {
    for (const dir of [stale, young]) if (existsSync(dir)) rmdirSync(dir);
  }
});
