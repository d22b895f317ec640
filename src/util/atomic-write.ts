import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomHex } from './random.js';

/** A name for a temporary sibling of `path`, unique across processes (pid) and calls (random). */
export function tempSibling(path: string): string {
  return `${path}.tmp-${process.pid}-${randomHex(4)}`;
}

/**
 * Writes a file so that readers see either the old content or the whole new one, never a part:
 * write a temporary sibling, then rename over the target (atomic within one filesystem).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempSibling(path);
  try {
    writeFileSync(temp, data, { mode: 0o644 });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
