import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { MyDockerError } from '../errors.js';
import { fsFailure } from './errors.js';
import type { EntryMeta } from './fs-ops.js';
import { packageRoot } from '../util/index.js';

/** Absolute path of the layer helper, built by `npm ci` into native/build/. */
export function fsutilPath(): string {
  return join(packageRoot(), 'native', 'build', 'mydocker-fsutil');
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

  /**
   * Whiteouts this layer could not mark on disk (relative paths): set when the filesystem refuses
   * 0:0 devices or user xattrs (e.g. MYDOCKER_ROOT on an overlayfs). The layer is then recorded for
   * the copy snapshotter only, with its whiteouts listed instead.
   */
  unmarkedWhiteouts: string[] | undefined;

  /** Runs the helper on `root`; a no-op when the layer needs none of it. */
  flush(root: string): void {
    const live = this.ops.filter((op) => {
      // An opaque marker whose directory a later entry replaced: the layer's own content wins.
      if (op.kind === 'O') return fs.lstatSync(`${root}/${op.path}`, { throwIfNoEntry: false })?.isDirectory() === true;
      return true;
    });
    const failure = runHelper(root, live);
    if (failure === undefined) return;
    if ((failure.op === 'W' && failure.code === 'EPERM') || (failure.op === 'O' && (failure.code === 'EOPNOTSUPP' || failure.code === 'EPERM'))) {
      // This filesystem cannot hold overlayfs markers: keep the whiteouts as a list (opaque directories already are one).
      this.unmarkedWhiteouts = live.filter((op) => op.kind === 'W').map((op) => op.path);
      const again = runHelper(root, live.filter((op) => op.kind === 'N'));
      if (again === undefined) return;
      throw helperError(again);
    }
    throw helperError(failure);
  }
}

interface HelperFailure {
  op: string;
  path: string;
  code: string;
  detail: string;
}

/** Runs the helper; undefined on success, else what failed. */
function runHelper(root: string, ops: Op[]): HelperFailure | undefined {
  if (ops.length === 0) return undefined;
  const input = Buffer.from(ops.map((op) => [op.kind, op.path, ...(op.fields ?? [])].join('\0') + '\0').join(''));
  const result = spawnSync(fsutilPath(), [root], { input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 20 });
  if (result.error) throw fsFailure(result.error, 'run the layer helper', fsutilPath());
  if (result.status === 0) return undefined;
  const line = result.stdout.toString().trim();
  const match = /^(\d+) (\S+) (.*)$/.exec(line);
  if (!match) throw new MyDockerError('internal', 'ERR_FSUTIL', `the layer helper failed (status ${String(result.status)}): ${result.stderr.toString().trim() || line}`);
  return { code: errnoName(Number(match[1])), op: match[2] ?? '', path: match[3] ?? '', detail: line };
}

function helperError(failure: HelperFailure): MyDockerError {
  const error = Object.assign(new Error(`${failure.code}: ${failure.op} ${failure.path}`), { code: failure.code });
  const action = failure.op === 'W' ? 'create the whiteout' : failure.op === 'O' ? 'mark opaque' : 'create the device node';
  return fsFailure(error, action, failure.path);
}

const ERRNO_NAMES: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 13: 'EACCES', 17: 'EEXIST', 20: 'ENOTDIR', 22: 'EINVAL', 28: 'ENOSPC', 30: 'EROFS', 40: 'ELOOP', 95: 'EOPNOTSUPP', 18: 'EXDEV', 122: 'EDQUOT' };

function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `errno ${errno}`;
}
