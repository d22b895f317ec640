import { closeSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errnoCode, MyDockerError } from '../errors.js';
import { digestHex } from '../oci/index.js';
import { isProcessAlive, randomHex } from '../util/index.js';

const POLL_MS = 50;
// A lock file still empty after this long belongs to a process that died between create and write.
const EMPTY_GRACE_MS = 10_000;

/**
 * One lock file per layer (`locks/<chain hex>.lock`, holding the owner's pid), so that when several
 * mydocker processes need the same layer it is downloaded and unpacked once while the others wait.
 * A lock whose owner is gone (SIGKILL) is taken over. The lock is an economy, not the safety: the
 * snapshot is still published by rename and a lost race is success.
 */
export class LayerLock {
  private constructor(private readonly path: string) {}

  /**
   * Waits for the lock of `chainId`; resolves undefined instead when `isDone()` turns true while
   * waiting (another process published the snapshot).
   */
  static async acquire(root: string, chainId: string, isDone: () => boolean, signal?: AbortSignal): Promise<LayerLock | undefined> {
    const dir = join(root, 'locks');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${digestHex(chainId)}.lock`);
    for (;;) {
      if (signal?.aborted) throw new MyDockerError('interrupted', 'ERR_PULL_INTERRUPTED', 'the pull was interrupted');
      try {
        const fd = openSync(path, 'wx', 0o644);
        try {
          writeSync(fd, `${process.pid}\n`);
        } finally {
          closeSync(fd);
        }
        return new LayerLock(path);
      } catch (error) {
        if (errnoCode(error) !== 'EEXIST') throw error;
      }
      if (isDone()) return undefined;
      if (isStale(path)) takeOver(path);
      else await sleep(POLL_MS, undefined, signal ? { signal } : {}).catch(() => undefined);
    }
  }

  /** Removes the locks of processes that died holding them (a SIGKILLed pull), so none piles up. */
  static removeStale(root: string): void {
    let names: string[];
    try {
      names = readdirSync(join(root, 'locks'));
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(root, 'locks', name);
      if (name.endsWith('.lock') && isStale(path)) takeOver(path);
    }
  }

  release(): void {
    try {
      if (ownerOf(this.path) === process.pid) unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}

function ownerOf(path: string): number | undefined {
  const text = readFileSync(path, 'utf8').trim();
  const pid = Number(text);
  return text !== '' && Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isStale(path: string): boolean {
  try {
    const pid = ownerOf(path);
    if (pid === undefined) return Date.now() - statSync(path).mtimeMs > EMPTY_GRACE_MS;
    return !isProcessAlive(pid);
  } catch {
    return false;
  }
}

/**
 * Moves a stale lock aside and checks it again: if a live process re-created the lock in between,
 * it is put back (link fails if yet another process holds it, which the rename race makes harmless).
 */
function takeOver(path: string): void {
  const aside = `${path}.stale-${process.pid}-${randomHex(4)}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  try {
    if (!isStale(aside)) linkSync(aside, path);
  } catch {
    // someone else holds it now
  }
  try {
    unlinkSync(aside);
  } catch {
    // gone
  }
}
