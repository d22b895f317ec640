/**
 * One container's cgroup: created and limited here, joined by the launcher's init (CGROUP records)
 * before it unshares its cgroup namespace, read for OOM kills when it ends, then removed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errnoCode, MyDockerError } from '../errors.js';
import { CONTROLLERS, type Controller, type Hierarchy } from './hierarchy.js';
import type { Resources } from './resources.js';

export interface ContainerCgroup {
  version: 1 | 2;
  /** Directories created for this container (one per v1 controller, or one v2 cgroup). */
  dirs: string[];
  /** Where the memory controller's files are (for OOM reporting); undefined without it. */
  memoryDir: string | undefined;
}

const CPU_PERIOD = 100_000;
// A cgroup younger than this may belong to a run that has not joined it yet.
const ORPHAN_GRACE_MS = 60_000;

function write(dir: string, file: string, value: string): void {
  try {
    writeFileSync(join(dir, file), value);
  } catch (error) {
    throw new MyDockerError('resource', 'ERR_CGROUP_WRITE', `cannot set ${file} to ${value} in ${dir}: ${errnoCode(error) ?? String(error)}`, {
      hint: 'Check that the cgroup controller is available to mydocker (cat /proc/self/cgroup), or run without resource limits.',
      cause: error,
    });
  }
}

/** Enables the controllers mydocker uses in a v2 cgroup's subtree_control (those it has). */
function enableV2Controllers(dir: string): void {
  const available = readFileSync(join(dir, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
  const wanted = CONTROLLERS.filter((c) => available.includes(c)).map((c) => `+${c}`).join(' ');
  if (wanted !== '') write(dir, 'cgroup.subtree_control', wanted);
}

/** Warnings for limits the host cannot apply (Docker prints the same kind). */
export type CgroupWarning = 'no-swap-limit';

function applyV1(dir: Record<Controller, string | undefined>, r: Resources, warn: (w: CgroupWarning) => void): void {
  const memory = dir.memory;
  if (memory && r.memory) {
    write(memory, 'memory.limit_in_bytes', String(r.memory));
    const swap = r.memorySwap ?? r.memory * 2;
    if (existsSync(join(memory, 'memory.memsw.limit_in_bytes'))) write(memory, 'memory.memsw.limit_in_bytes', swap === -1 ? '-1' : String(swap));
    else if (r.memorySwap !== undefined) warn('no-swap-limit');
  }
  if (dir.cpu && r.nanoCpus) {
    write(dir.cpu, 'cpu.cfs_period_us', String(CPU_PERIOD));
    write(dir.cpu, 'cpu.cfs_quota_us', String(Math.max(1000, Math.round((r.nanoCpus * CPU_PERIOD) / 1e9))));
  }
  if (dir.pids && r.pidsLimit !== undefined) write(dir.pids, 'pids.max', r.pidsLimit > 0 ? String(r.pidsLimit) : 'max');
}

function applyV2(dir: string, r: Resources, warn: (w: CgroupWarning) => void): void {
  if (r.memory) {
    write(dir, 'memory.max', String(r.memory));
    const swap = r.memorySwap ?? r.memory * 2;
    if (existsSync(join(dir, 'memory.swap.max'))) write(dir, 'memory.swap.max', swap === -1 ? 'max' : String(swap - r.memory));
    else if (r.memorySwap !== undefined) warn('no-swap-limit');
  }
  if (r.nanoCpus) write(dir, 'cpu.max', `${Math.max(1000, Math.round((r.nanoCpus * CPU_PERIOD) / 1e9))} ${CPU_PERIOD}`);
  if (r.pidsLimit !== undefined) write(dir, 'pids.max', r.pidsLimit > 0 ? String(r.pidsLimit) : 'max');
}

function missingController(what: string): MyDockerError {
  return new MyDockerError('unsupported', 'ERR_NO_CGROUP_CONTROLLER', `cannot apply ${what}: the host has no usable ${what} cgroup controller`, {
    hint: 'Mount the cgroup filesystem (v2 at /sys/fs/cgroup, or v1 per controller), or run without this limit.',
  });
}

/** Creates `<base>/<id>` in each hierarchy and writes the limits. Cleans up what it made on failure. */
export function createContainerCgroup(h: Hierarchy, id: string, r: Resources, warn: (w: CgroupWarning) => void = () => undefined): ContainerCgroup {
  const made: string[] = [];
  try {
    if (h.version === 2) {
      const root = join(h.base, '..');
      enableV2Controllers(root);
      mkdirSync(h.base, { recursive: true });
      enableV2Controllers(h.base);
      const dir = join(h.base, id);
      mkdirSync(dir);
      made.push(dir);
      applyV2(dir, r, warn);
      return { version: 2, dirs: made, memoryDir: dir };
    }
    const dirs: Record<Controller, string | undefined> = { memory: undefined, cpu: undefined, pids: undefined };
    for (const ctrl of CONTROLLERS) {
      const base = h.bases[ctrl];
      if (!base) continue;
      const dir = join(base, id);
      mkdirSync(dir, { recursive: true });
      made.push(dir);
      dirs[ctrl] = dir;
    }
    if (r.memory && !dirs.memory) throw missingController('memory');
    if (r.nanoCpus && !dirs.cpu) throw missingController('cpu');
    if (r.pidsLimit !== undefined && !dirs.pids) throw missingController('pids');
    applyV1(dirs, r, warn);
    return { version: 1, dirs: made, memoryDir: dirs.memory };
  } catch (error) {
    for (const dir of made.reverse()) tryRmdir(dir);
    throw error;
  }
}

/** The cgroup.procs files the launcher writes itself into. */
export function cgroupProcsFiles(cg: ContainerCgroup): string[] {
  return cg.dirs.map((dir) => join(dir, 'cgroup.procs'));
}

/** True when the kernel's OOM killer killed a process of this container. */
export function oomKilled(cg: ContainerCgroup): boolean {
  if (!cg.memoryDir) return false;
  try {
    const file = cg.version === 2 ? 'memory.events' : 'memory.oom_control';
    const m = /^oom_kill (\d+)$/m.exec(readFileSync(join(cg.memoryDir, file), 'utf8'));
    if (m) return Number(m[1]) > 0;
    // Kernels before 4.13 have no oom_kill counter in v1: a hit limit is the best sign there is.
    return cg.version === 1 && Number(readFileSync(join(cg.memoryDir, 'memory.failcnt'), 'utf8')) > 0;
  } catch {
    return false;
  }
}

function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (error) {
    return errnoCode(error) === 'ENOENT';
  }
}

/** Removes the container's cgroups; waits briefly for exiting processes to leave them (EBUSY). */
export async function removeContainerCgroup(cg: ContainerCgroup): Promise<void> {
  let pending = [...cg.dirs];
  for (let attempt = 0; pending.length > 0 && attempt < 100; attempt++) {
    if (attempt > 0) await sleep(10);
    pending = pending.filter((dir) => !tryRmdir(dir));
  }
}

/** Removes cgroups left by runs that were killed (SIGKILL): empty ones older than a minute. */
export function removeOrphanedCgroups(h: Hierarchy): void {
  const bases = h.version === 2 ? [h.base] : Object.values(h.bases);
  const now = Date.now();
  for (const base of bases) {
    let entries: string[];
    try {
      entries = readdirSync(base);
    } catch {
      continue;
    }
    for (const id of entries) {
      if (!/^[0-9a-f]{64}$/.test(id)) continue;
      const dir = join(base, id);
      try {
        // rmdir of a cgroup that still has processes fails (EBUSY): live containers are safe.
        if (now - statSync(dir).mtimeMs > ORPHAN_GRACE_MS) rmdirSync(dir);
      } catch {
        // busy or gone
      }
    }
  }
}
