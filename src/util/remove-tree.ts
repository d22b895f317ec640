import { lstatSync, readdirSync, rmdirSync, rmSync, unlinkSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';

/**
 * `rm -rf` for a tree mydocker made (a container's directory): readdir's file types instead of an
 * lstat per entry, and no thrown error per directory, unlike fs.rmSync (whose removal of a
 * container's ~20 entries took ~2 ms of a cached run). Symlinks are removed, never followed. A
 * missing path is fine; anything unexpected (a busy mount point, a racing writer) falls back to
 * fs.rmSync, which retries.
 */
export function removeTree(path: string): void {
  try {
    if (lstatSync(path, { throwIfNoEntry: false })?.isDirectory() === true) removeEntries(path);
    else removeFile(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    rmSync(path, { recursive: true, force: true });
  }
}

function removeEntries(dir: string): void {
  const entries: Dirent[] = readdirSync(dir, { withFileTypes: true });
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removeEntries(path);
    else unlinkSync(path);
  }
  rmdirSync(dir);
}

/** Removes one file; a missing one is fine. */
export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
}
