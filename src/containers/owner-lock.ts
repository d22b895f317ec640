/**
 * One owner per container at a time: `owner.lock` (created with O_EXCL) holds the pid and start
 * time of the process that runs it, so two concurrent `start`s cannot both launch it over the same
 * writable layer. A lock whose process is gone (killed) is taken over; the rename makes sure only
 * one of several takers removes it.
 */
import { closeSync, constants, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode, MyDockerError } from '../errors.js';
import { containerDir, isSameProcess, ownStartTime } from './state.js';
import { removeFile } from '../util/index.js';

function lockPath(root: string, id: string): string {
  return join(containerDir(root, id), 'owner.lock');
}

/** Takes the lock for this process; throws ERR_CONTAINER_OWNED when a live process holds it. */
export function acquireOwnerLock(root: string, id: string): void {
  const path = lockPath(root, id);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        writeSync(fd, `${process.pid} ${ownStartTime()}\n`);
      } finally {
        closeSync(fd);
      }
      return;
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
    let holder: string[] = [];
    try {
      holder = readFileSync(path, 'utf8').trim().split(' ');
    } catch {
      continue; // released meanwhile
    }
    if (holder.length === 2 && isSameProcess(Number(holder[0]), holder[1] ?? '')) break;
    if (holder.length < 2) continue; // being written
    const stale = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, stale);
      rmSync(stale, { force: true });
    } catch {
      // another taker was first
    }
  }
  throw new MyDockerError('usage', 'ERR_CONTAINER_OWNED', `container ${id} is already being run by another mydocker process`);
}

export function releaseOwnerLock(root: string, id: string): void {
  removeFile(lockPath(root, id));
}
