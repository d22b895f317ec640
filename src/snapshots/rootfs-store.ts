import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';
import { digestHex } from '../oci/index.js';
import { isProcessAlive } from '../util/index.js';

/**
 * Unpacked image roots, one directory per chain ID under `<root>/rootfs/<hex>`. A root is built
 * in `<root>/tmp/<pid>-<random>` and published by rename once every layer matched its diff ID, so
 * a half-built root is never visible; when two processes build the same root, the first rename
 * wins and the other discards its copy (a lost race is success).
 */
export class RootfsStore {
  constructor(private readonly root: string) {}

  /** Where the root for a chain ID lives (whether or not it exists yet). */
  path(chainId: string): string {
    return join(this.root, 'rootfs', digestHex(chainId));
  }

  has(chainId: string): boolean {
    return existsSync(this.path(chainId));
  }

  /** A fresh private directory to build a root in, on the same filesystem as the published ones. */
  createTemp(): string {
    const dir = join(this.root, 'tmp', `${process.pid}-${randomBytes(6).toString('hex')}`);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    return dir;
  }

  /** Publishes a built root under its chain ID; returns the published path. */
  commit(tempDir: string, chainId: string): string {
    const target = this.path(chainId);
    mkdirSync(join(this.root, 'rootfs'), { recursive: true });
    try {
      renameSync(tempDir, target);
    } catch (error) {
      const code = errnoCode(error);
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      // Another process published the same chain ID first: its copy is identical and verified.
      this.discard(tempDir);
    }
    return target;
  }

  discard(tempDir: string): void {
    rmSync(tempDir, { recursive: true, force: true });
  }

  /** Removes temporary build directories left by processes that no longer exist (e.g. SIGKILLed). */
  removeStaleTemps(): void {
    let entries: string[];
    try {
      entries = readdirSync(join(this.root, 'tmp'));
    } catch {
      return;
    }
    for (const entry of entries) {
      const pid = Number(entry.split('-')[0]);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isProcessAlive(pid)) {
        rmSync(join(this.root, 'tmp', entry), { recursive: true, force: true });
      }
    }
  }
}
