import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive, randomHex, removeTree } from '../util/index.js';
import { releaseName } from './names.js';
import { isSameProcess, readConfig, readState } from './state.js';

/** The per-container directories: the writable layer of an overlay root, and the mount point. */
export interface ContainerDirs {
  id: string;
  dir: string;
  upper: string;
  work: string;
  rootfs: string;
}

// A directory younger than this may belong to a process that has not written its owner file yet.
const STALE_GRACE_MS = 60_000;

/** A new 64-hex container id, as Docker's. */
export function newContainerId(): string {
  return randomHex(32);
}

/** Creates `<root>/containers/<id>/{upper,work,rootfs}` and records the owning process. */
export function createContainerDirs(root: string, id: string): ContainerDirs {
  const dir = join(root, 'containers', id);
  const dirs = { id, dir, upper: join(dir, 'upper'), work: join(dir, 'work'), rootfs: join(dir, 'rootfs') };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'owner.pid'), `${process.pid}\n`);
  for (const sub of [dirs.upper, dirs.work, dirs.rootfs]) mkdirSync(sub, { mode: 0o755 });
  return dirs;
}

export function removeContainerDirs(dirs: ContainerDirs): void {
  removeTree(dirs.dir);
}

/**
 * Removes what dead processes left behind: --rm containers whose owner (mydocker or supervisor) was
 * killed (SIGKILL cannot be caught), and directories of runs that died before writing a record.
 * Containers without --rm stay: `ps -a` shows them exited until `rm`. Their mounts died with their
 * mount namespace; only files remain.
 */
export function removeOrphanedContainers(root: string): void {
  const base = join(root, 'containers');
  let entries: string[];
  try {
    entries = readdirSync(base);
  } catch {
    return;
  }
  for (const id of entries) {
    if (!/^[0-9a-f]{64}$/.test(id)) continue;
    try {
      removeIfOrphaned(root, id);
    } catch {
      // One that cannot be removed (a path too long for Node's fs…) must not keep the others.
    }
  }
}

function removeIfOrphaned(root: string, id: string): void {
  const dir = join(root, 'containers', id);
  const config = readConfig(root, id);
  if (config !== undefined) {
    const state = readState(root, id);
    if (config.autoRemove && state !== undefined && state.status !== 'running' && !isSameProcess(state.ownerPid, state.ownerStart)) {
      removeContainer(root, id, config.name);
    }
    return;
  }
  let owner: number | undefined;
  try {
    owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
  } catch {
    // Not written yet, or the directory is gone: left alone while it is young.
  }
  const abandoned =
    owner === undefined
      ? Date.now() - (statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > STALE_GRACE_MS
      : Number.isInteger(owner) && owner > 0 && !isProcessAlive(owner);
  if (abandoned) removeTree(dir);
}

/** Removes a container's directory (writable layer, record, log) and frees its name. */
export function removeContainer(root: string, id: string, name: string): void {
  removeTree(join(root, 'containers', id));
  releaseName(root, name, id);
}
