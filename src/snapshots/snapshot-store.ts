import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';
import { digestHex, isDigest } from '../oci/index.js';
import { isProcessAlive, randomHex, writeFileAtomic } from '../util/index.js';

/** What is recorded about a snapshot when it is committed. */
export interface SnapshotInfo {
  chainId: string;
  /** The layer's diff_id (sha256 of its uncompressed tar). */
  diffId: string;
  /** The chain ID of the snapshot below, or "" for a base layer. */
  parent: string;
  /** Bytes of the unpacked layer: regular files and symlinks, as `du --apparent-size` counts them. */
  size: number;
  /** Opaque directories of this layer, relative to its root ("." for the root): the copy fallback needs them. */
  opaque: string[];
  /**
   * Present when the filesystem refused overlayfs's whiteout devices or xattrs: the whiteouts as a
   * list, and the snapshot serves the copy snapshotter only.
   */
  whiteouts?: string[];
}

/** One layer directory as read-through and copy see it. */
export interface LayerDir {
  /** Absolute path of the layer's content. */
  fs: string;
  opaque: ReadonlySet<string>;
  /** Whiteouts not marked on disk (see SnapshotInfo.whiteouts); empty normally. */
  whiteouts: ReadonlySet<string>;
  /** False when the layer cannot be an overlayfs lower directory (its markers are missing). */
  overlay: boolean;
}

// Short link names keep overlay's option string small (overlay2's l/ directory): 12 hex digits.
const LINK_LENGTH = 12;

/**
 * Unpacked layers, one snapshot per chain ID (containerd's snapshotter, overlay2's layout):
 *
 *     snapshots/<chain hex>/fs/         the layer alone, in overlayfs format
 *     snapshots/<chain hex>/info.json   SnapshotInfo
 *     snapshots/l/<12 hex>  ->  ../<chain hex>/fs   short names for mount options
 *
 * A snapshot is built in `tmp/<pid>-<random>/` and published by one rename of its directory, so a
 * half-built one is never visible; a lost race (another process published it first) is success.
 */
export class SnapshotStore {
  constructor(private readonly root: string) {}

  /** The directory mounts are made from: lowerdirs are given relative to it (`l/<short>`). */
  get baseDir(): string {
    return join(this.root, 'snapshots');
  }

  dir(chainId: string): string {
    return join(this.baseDir, digestHex(chainId));
  }

  /** Absolute path of the layer content of a snapshot. */
  path(chainId: string): string {
    return join(this.dir(chainId), 'fs');
  }

  /** `l/<short>`, the name of the snapshot relative to {@link baseDir}. */
  linkName(chainId: string): string {
    return `l/${digestHex(chainId).slice(0, LINK_LENGTH)}`;
  }

  has(chainId: string): boolean {
    return existsSync(join(this.dir(chainId), 'info.json'));
  }

  info(chainId: string): SnapshotInfo | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir(chainId), 'info.json'), 'utf8')) as SnapshotInfo;
    } catch (error) {
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR' || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  /** The unpacked size of a snapshot in bytes (recorded at unpack time), or undefined when absent. */
  size(chainId: string): number | undefined {
    return this.info(chainId)?.size;
  }

  /** Chain IDs of every committed snapshot. */
  list(): string[] {
    let entries: string[];
    try {
      entries = readdirSync(this.baseDir);
    } catch {
      return [];
    }
    return entries.filter((e) => /^[0-9a-f]{64}$/.test(e) && existsSync(join(this.baseDir, e, 'info.json'))).map((e) => `sha256:${e}`);
  }

  /** The layer directories of a stack, top first, for read-through and copy; undefined if one is missing. */
  layerDirs(chainIds: readonly string[]): LayerDir[] | undefined {
    const dirs: LayerDir[] = [];
    for (const chainId of [...chainIds].reverse()) {
      const info = this.info(chainId);
      if (!info) return undefined;
      dirs.push({ fs: this.path(chainId), opaque: new Set(info.opaque), whiteouts: new Set(info.whiteouts ?? []), overlay: info.whiteouts === undefined });
    }
    return dirs;
  }

  /** Makes sure `l/<short>` points at the snapshot (a process killed between commit and link leaves none). */
  ensureLink(chainId: string): void {
    const link = join(this.baseDir, this.linkName(chainId));
    if (lstatSync(link, { throwIfNoEntry: false }) !== undefined) return;
    mkdirSync(join(this.baseDir, 'l'), { recursive: true });
    try {
      symlinkSync(`../${digestHex(chainId)}/fs`, link);
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
  }

  /** Removes a snapshot: renamed away first, so it vanishes atomically, then deleted. */
  remove(chainId: string): void {
    if (!isDigest(chainId)) throw new Error(`not a chain ID: ${chainId}`);
    const doomed = join(this.root, 'tmp', `${process.pid}-rm-${randomHex(6)}`);
    mkdirSync(join(this.root, 'tmp'), { recursive: true });
    try {
      renameSync(this.dir(chainId), doomed);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return;
      throw error;
    }
    try {
      unlinkSync(join(this.baseDir, this.linkName(chainId)));
    } catch {
      // no link
    }
    rmSync(doomed, { recursive: true, force: true });
  }

  /** A fresh private directory (with an empty `fs/`) to unpack a layer in, on the store's filesystem. */
  createTemp(): string {
    const dir = join(this.root, 'tmp', `${process.pid}-${randomHex(6)}`);
    mkdirSync(join(dir, 'fs'), { recursive: true, mode: 0o755 });
    return dir;
  }

  /** Publishes an unpacked layer under its chain ID; false when another process published it first. */
  commit(tempDir: string, info: SnapshotInfo): boolean {
    writeFileAtomic(join(tempDir, 'info.json'), `${JSON.stringify(info)}\n`);
    mkdirSync(this.baseDir, { recursive: true });
    let won = true;
    try {
      renameSync(tempDir, this.dir(info.chainId));
    } catch (error) {
      const code = errnoCode(error);
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      // Another process published the same chain ID first: its copy is identical and verified.
      rmSync(tempDir, { recursive: true, force: true });
      won = false;
    }
    this.ensureLink(info.chainId);
    return won;
  }

  discard(tempDir: string): void {
    rmSync(tempDir, { recursive: true, force: true });
  }

  /** Removes temporary directories left by processes that no longer exist (e.g. SIGKILLed). */
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
