import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MyDockerError } from '../errors.js';
import { fsFailure } from './errors.js';
import type { EntryMeta } from './fs-ops.js';

/** Absolute path of the layer helper (dist/src/unpack/ → native/build/). */
export function fsutilPath(): string {
  return fileURLToPath(new URL('../../../native/build/mydocker-fsutil', import.meta.url));
}

/** A hardlink whose target is not in this layer: linked to a lower layer's file before commit. */
export interface DeferredLink {
  /** Absolute path of the link inside the layer being unpacked. */
  path: string;
  /** The tar linkname (in-root, already checked: no absolute path, no `..`). */
  linkname: string;
  /** The entry name, for errors. */
  entryName: string;
}

interface Op {
  kind: 'W' | 'O' | 'N';
  /** Relative to the layer root ("." for the root itself). */
  path: string;
  fields?: string[];
}

/**
 * The operations of one layer that Node cannot make (whiteout devices, the opaque xattr, device
 * nodes and FIFOs), collected while the tar streams and applied in one batch by the C helper at the
 * end of the layer (one process per layer, not per entry).
 */
export class OverlayOps {
  private readonly ops: Op[] = [];
  /** Opaque directories of this layer (relative paths): recorded in the snapshot for the copy fallback. */
  readonly opaque: string[] = [];
  readonly deferredLinks: DeferredLink[] = [];

  whiteout(relPath: string): void {
    this.ops.push({ kind: 'W', path: relPath });
  }

  opaqueDir(relPath: string): void {
    this.ops.push({ kind: 'O', path: relPath });
    this.opaque.push(relPath);
  }

  /** A character or block device or FIFO; `typeBits` is S_IFCHR, S_IFBLK or S_IFIFO. */
  node(relPath: string, typeBits: number, meta: EntryMeta, major: number, minor: number): void {
    const mode = (typeBits | meta.mode).toString(8);
    this.ops.push({ kind: 'N', path: relPath, fields: [mode, String(major), String(minor), String(meta.uid), String(meta.gid), String(Math.floor(meta.mtime))] });
  }

  /** Runs the helper on `root`; a no-op when the layer needs none of it. */
  flush(root: string): void {
    const live = this.ops.filter((op) => {
      const stat = fs.lstatSync(`${root}/${op.path}`, { throwIfNoEntry: false });
      // A whiteout of a name this layer also wrote, or an opaque marker whose directory a later entry replaced: the layer's own content wins.
      if (op.kind === 'O') return stat?.isDirectory() === true;
      return true;
    });
    if (live.length === 0) return;
    const input = Buffer.from(live.map((op) => [op.kind, op.path, ...(op.fields ?? [])].join('\0') + '\0').join(''));
    const result = spawnSync(fsutilPath(), [root], { input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 20 });
    if (result.error) throw fsFailure(result.error, 'run the layer helper', fsutilPath());
    if (result.status === 0) return;
    const line = result.stdout.toString().trim();
    const match = /^(\d+) (\S+) (.*)$/.exec(line);
    if (match) {
      const errno = Number(match[1]);
      const code = errnoName(errno);
      const error = Object.assign(new Error(`${code}: ${match[2]} ${match[3]}`), { code });
      if (code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
        throw new MyDockerError('unsupported', 'ERR_NO_USER_XATTR', `the filesystem under ${root} does not support user.* extended attributes, which overlayfs layers need`, {
          hint: 'Put MYDOCKER_ROOT on ext4 or xfs, or set MYDOCKER_SNAPSHOTTER=copy.',
          cause: error,
        });
      }
      throw fsFailure(error, match[2] === 'W' ? 'create the whiteout' : match[2] === 'O' ? 'mark opaque' : 'create the device node', match[3] ?? '');
    }
    throw new MyDockerError('internal', 'ERR_FSUTIL', `the layer helper failed (status ${String(result.status)}): ${result.stderr.toString().trim() || line}`);
  }
}

const ERRNO_NAMES: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 13: 'EACCES', 17: 'EEXIST', 20: 'ENOTDIR', 22: 'EINVAL', 28: 'ENOSPC', 30: 'EROFS', 40: 'ELOOP', 95: 'EOPNOTSUPP', 18: 'EXDEV', 122: 'EDQUOT' };

function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `errno ${errno}`;
}
