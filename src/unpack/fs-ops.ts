import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { errnoCode } from '../errors.js';
import { fsFailure } from './errors.js';

/** Ownership, permissions and times of one entry, as numbers ready for the fs calls. */
export interface EntryMeta {
  mode: number;
  uid: number;
  gid: number;
  atime: number;
  mtime: number;
}

/** Writes one regular file's content chunk by chunk, then applies its metadata. */
export interface FileSink {
  write(chunk: Uint8Array): void;
  close(): void;
  /** Closes the descriptor after a failure, ignoring errors. */
  abort(): void;
}

// O_NOFOLLOW + O_EXCL: never write through whatever (symlink, lower file) might still sit at the path.
const NEW_FILE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;

/** Removes whatever is at `path` (a directory recursively; symlinks themselves, never their targets). */
export function removePath(path: string): void {
  const stat = fs.lstatSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return;
  if (stat.isDirectory()) fs.rmSync(path, { recursive: true, force: true });
  else fs.unlinkSync(path);
}

/** Runs `create`; if something is already at `path`, removes it and tries once more. */
export function createReplacing<T>(path: string, create: () => T, onRemove: () => void): T {
  try {
    return create();
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
  }
  removePath(path);
  onRemove();
  return create();
}

let umask: number | undefined | null;

/** This process's umask, read without changing it (process.umask() sets it twice, racing other threads); null if unknown. */
export function currentUmask(): number | null {
  if (umask === undefined) {
    const line = /^Umask:\s*([0-7]+)$/m.exec(fs.readFileSync('/proc/self/status', { encoding: 'utf8', flag: 'r' }));
    umask = line?.[1] === undefined ? null : parseInt(line[1], 8);
  }
  return umask;
}

/**
 * Creates `path` as a new regular file (replacing what was there) and returns a sink for its content.
 * `ownedAlready`: the file is created with meta's owner anyway (see LayerWriter), so the chown is skipped.
 */
export function createFile(path: string, meta: EntryMeta, onRemove: () => void, ownedAlready = false): FileSink {
  // A plain mode that the umask leaves whole is given at creation: no chmod needed. Special bits
  // (setuid, setgid, sticky) are set by the chmod after the chown, which would clear them.
  const mask = currentUmask();
  const exactMode = (meta.mode & 0o7000) === 0 && mask !== null && (meta.mode & mask) === 0;
  const fd = createReplacing(path, () => fs.openSync(path, NEW_FILE_FLAGS, exactMode ? meta.mode : 0o600), onRemove);
  let open = true;
  return {
    write(chunk) {
      try {
        for (let offset = 0; offset < chunk.byteLength; ) offset += fs.writeSync(fd, chunk, offset, chunk.byteLength - offset);
      } catch (error) {
        throw fsFailure(error, 'write', path);
      }
    },
    close() {
      try {
        // chown clears setuid/setgid, so chmod must come after it.
        if (!ownedAlready) fs.fchownSync(fd, meta.uid, meta.gid);
        if (!exactMode) fs.fchmodSync(fd, meta.mode);
        fs.futimesSync(fd, meta.atime, meta.mtime);
        open = false;
        fs.closeSync(fd);
      } catch (error) {
        throw fsFailure(error, 'finish writing', path);
      }
    },
    abort() {
      if (!open) return;
      open = false;
      try {
        fs.closeSync(fd);
      } catch {
        // The original failure is the one worth reporting.
      }
    },
  };
}

/** Applies owner then mode to a directory or FIFO we just created or kept (not a symlink). */
export function setOwnerAndMode(path: string, meta: EntryMeta, ownedAlready = false): void {
  if (!ownedAlready) fs.lchownSync(path, meta.uid, meta.gid);
  fs.chmodSync(path, meta.mode);
}

/**
 * Node has no mkfifo(3), so FIFOs come from the coreutils binary. Returns false when that binary
 * is missing (the FIFO is then skipped: images almost never ship one, and the runtime creates its own).
 */
export function makeFifo(path: string, mode: number): boolean {
  const result = spawnSync('mkfifo', ['-m', mode.toString(8), '--', path], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (errnoCode(result.error) === 'ENOENT') return false;
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) throw new Error(`mkfifo failed: ${result.stderr.toString().trim()}`);
  return true;
}
