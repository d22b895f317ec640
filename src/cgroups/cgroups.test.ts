import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cgroupProcsFiles, createContainerCgroup } from './container-cgroup.js';
import { detectHierarchy } from './hierarchy.js';
import { checkResources, parseBytes, parseCpus, parsePidsLimit } from './resources.js';

const V1_MOUNTINFO = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '35 31 0:30 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '39 31 0:31 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
  '41 31 0:33 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');

test("v1 (hybrid): one base per controller, under this process's own cgroup", () => {
  const h = detectHierarchy(V1_MOUNTINFO, '8:pids:/\n4:memory:/jobs/x\n1:cpu:/\n0::/\n');
  assert.deepEqual(h, {
    version: 1,
    bases: { memory: '/sys/fs/cgroup/memory/jobs/x/mydocker', cpu: '/sys/fs/cgroup/cpu/mydocker', pids: '/sys/fs/cgroup/pids/mydocker' },
  });
});

test('no cgroup mounts: undefined', () => {
  assert.equal(detectHierarchy('22 1 0:5 / /proc rw - proc proc rw', '0::/\n'), undefined);
});

test("Docker's units: RAMInBytes", () => {
  assert.equal(parseBytes('64m', '--memory'), 64 * 1024 * 1024);
  assert.equal(parseBytes('1.5g', '--memory'), 1.5 * 1024 ** 3);
  assert.equal(parseBytes('2GiB', '--memory'), 2 * 1024 ** 3);
  assert.equal(parseBytes('100', '--memory'), 100);
  assert.throws(() => parseBytes('12x', '-m, --memory'), /invalid argument "12x" for "-m, --memory" flag: invalid size: '12x'/);
});

test('--cpus and --pids-limit', () => {
  assert.equal(parseCpus('0.5', '--cpus', 2), 5e8);
  assert.throws(() => parseCpus('3', '--cpus', 2), /range of CPUs is from 0.01 to 2.00/);
  assert.equal(parsePidsLimit('-1', '--pids-limit'), -1);
  assert.throws(() => parsePidsLimit('ten', '--pids-limit'), /strconv.ParseInt/);
});

test("Docker's combination rules", () => {
  assert.throws(() => checkResources({ memory: 1024 }), /Minimum memory limit allowed is 6MB/);
  assert.throws(() => checkResources({ memorySwap: 1 << 30 }), /always set the Memory limit/);
  assert.throws(() => checkResources({ memory: 64 << 20, memorySwap: 32 << 20 }), /larger than memory limit/);
  assert.doesNotThrow(() => checkResources({ memory: 64 << 20, memorySwap: -1 }));
});

const ID = 'c'.repeat(64);

test('v2: controllers enabled down the tree, limits written in the unified files', () => {
  const root = mkdtempSync(join(tmpdir(), 'mydocker-cg2-'));
  try {
    writeFileSync(join(root, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
    mkdirSync(join(root, 'mydocker'));
    writeFileSync(join(root, 'mydocker', 'cgroup.controllers'), 'cpu memory pids\n');
    // A fake "container" dir gets memory.swap.max only if the kernel has swap accounting: pretend it has.
    const cg = createContainerCgroup({ version: 2, base: join(root, 'mydocker') }, ID, { memory: 64 << 20, nanoCpus: 5e8, pidsLimit: 20 });
    const dir = join(root, 'mydocker', ID);
    const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
    assert.equal(readFileSync(join(root, 'cgroup.subtree_control'), 'utf8'), '+memory +cpu +pids');
    assert.equal(read('memory.max'), String(64 << 20));
    assert.equal(read('cpu.max'), '50000 100000');
    assert.equal(read('pids.max'), '20');
    assert.deepEqual(cgroupProcsFiles(cg), [join(dir, 'cgroup.procs')]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('v1: one cgroup per controller; no memsw file → a warning, not an error', () => {
  const root = mkdtempSync(join(tmpdir(), 'mydocker-cg1-'));
  try {
    const bases = { memory: join(root, 'memory', 'mydocker'), cpu: join(root, 'cpu', 'mydocker'), pids: join(root, 'pids', 'mydocker') };
    const warnings: string[] = [];
    createContainerCgroup({ version: 1, bases }, ID, { memory: 32 << 20, memorySwap: 64 << 20, nanoCpus: 1.5e9, pidsLimit: -1 }, (w) => warnings.push(w));
    assert.equal(readFileSync(join(bases.memory, ID, 'memory.limit_in_bytes'), 'utf8'), String(32 << 20));
    assert.equal(readFileSync(join(bases.cpu, ID, 'cpu.cfs_quota_us'), 'utf8'), '150000');
    assert.equal(readFileSync(join(bases.cpu, ID, 'cpu.cfs_period_us'), 'utf8'), '100000');
    assert.equal(readFileSync(join(bases.pids, ID, 'pids.max'), 'utf8'), 'max');
    assert.deepEqual(warnings, ['no-swap-limit']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('v1: a limit whose controller is missing is an error, and nothing is left behind', () => {
  const root = mkdtempSync(join(tmpdir(), 'mydocker-cg1-'));
  try {
    const bases = { memory: join(root, 'memory', 'mydocker') };
    assert.throws(() => createContainerCgroup({ version: 1, bases }, ID, { pidsLimit: 5 }), /no usable pids cgroup controller/);
    assert.deepEqual(readdirSync(bases.memory), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
