/**
 * The one module of src/images/ that touches unpacked image data. Today that is the flattened
 * RootfsStore (one root per image, `rootfs/<chainId>`); when per-layer snapshots land, only this
 * file changes (sizes recorded per layer, `unpackImage` from src/pull, the snapshot store's
 * has/list/remove by chain ID).
 */
import { lstatSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../config/index.js';
import { errnoCode } from '../errors.js';
import { digestHex, digestMismatch } from '../oci/index.js';
import { RootfsStore } from '../snapshots/index.js';
import { openBlob } from './layer-blobs.js';
import type { LocalImage } from './resolve-local.js';

/** Whether everything needed to run the image is unpacked. */
export function isUnpacked(settings: Settings, image: LocalImage): boolean {
  return new RootfsStore(settings.root).has(image.chainId);
}

function sizeFile(settings: Settings, chainId: string): string {
  return join(settings.root, 'rootfs', `${digestHex(chainId)}.size`);
}

/** Bytes of regular files and symlinks under `dir`, hard links counted once (as `du --apparent-size`). */
function treeSize(dir: string): number {
  const seen = new Set<string>();
  let total = 0;
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      const st = lstatSync(full, { bigint: false });
      if (entry.isDirectory()) {
        walk(full);
        continue;
      }
      const key = `${st.dev}:${st.ino}`;
      if (st.nlink > 1) {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      total += st.size;
    }
  };
  walk(dir);
  return total;
}

/**
 * Unpacked size of the image (Docker's SIZE). A published root never changes, so the figure is
 * computed once and kept beside it; 0 when the image is not unpacked.
 */
export function unpackedSize(settings: Settings, image: LocalImage): number {
  const rootfs = new RootfsStore(settings.root);
  if (!rootfs.has(image.chainId)) return 0;
  const cache = sizeFile(settings, image.chainId);
  try {
    const cached = Number(readFileSync(cache, 'utf8'));
    if (Number.isSafeInteger(cached) && cached >= 0) return cached;
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
  const size = treeSize(rootfs.path(image.chainId));
  try {
    writeFileSync(cache, String(size));
  } catch {
    // A cache we cannot write only costs a recount.
  }
  return size;
}

/** Unpacked bytes shared by `images`, each unpacked root counted once. */
export function unpackedTotal(settings: Settings, images: LocalImage[]): number {
  const byChain = new Map(images.map((image) => [image.chainId, image]));
  let total = 0;
  for (const image of byChain.values()) total += unpackedSize(settings, image);
  return total;
}

/**
 * Removes the unpacked data of `candidates` that no image of `keep` uses; returns the chain IDs
 * removed and the bytes freed. The root is first renamed into tmp/ (atomic), so a concurrent run
 * never sees half a root, then deleted.
 */
export function removeUnusedUnpacked(settings: Settings, keep: LocalImage[], candidates: LocalImage[]): { removed: string[]; bytes: number } {
  const rootfs = new RootfsStore(settings.root);
  const used = new Set(keep.map((image) => image.chainId));
  const removed: string[] = [];
  let bytes = 0;
  for (const image of candidates) {
    if (used.has(image.chainId) || !rootfs.has(image.chainId) || removed.includes(image.chainId)) continue;
    bytes += unpackedSize(settings, image);
    const temp = rootfs.createTemp();
    try {
      renameSync(rootfs.path(image.chainId), join(temp, 'root'));
    } catch (error) {
      rootfs.discard(temp);
      if (errnoCode(error) === 'ENOENT') continue; // a concurrent rmi got there first
      throw error;
    }
    rmSync(sizeFile(settings, image.chainId), { force: true });
    rootfs.discard(temp);
    removed.push(image.chainId);
  }
  return { removed, bytes };
}

/**
 * Makes the image runnable from layer blobs in the local content store: each layer is verified
 * against its digest and its diff ID while it is applied, and the root is published atomically.
 */
export async function ensureUnpacked(settings: Settings, image: LocalImage, signal?: AbortSignal): Promise<void> {
  const rootfs = new RootfsStore(settings.root);
  if (rootfs.has(image.chainId)) return;
  // Loaded only here: listing and `run` never pay for the tar and zstd code.
  const { unpackLayer } = await import('../unpack/index.js');
  rootfs.removeStaleTemps();
  const temp = rootfs.createTemp();
  try {
    for (const [i, layer] of image.manifest.layers.entries()) {
      const what = `layer ${digestHex(layer.digest).slice(0, 12)}`;
      const blob = openBlob(settings.root, layer.digest, layer.size, what);
      const result = await unpackLayer(blob, layer.mediaType, temp, signal === undefined ? {} : { signal });
      const expected = image.config.rootfs.diff_ids[i] ?? '(none)';
      if (result.diffId !== expected) throw digestMismatch(`${what} (uncompressed)`, expected, result.diffId);
    }
    rootfs.commit(temp, image.chainId);
  } catch (error) {
    rootfs.discard(temp);
    throw error;
  }
}

/** Chain IDs of everything unpacked (tests count these to check sharing and removal). */
export function listUnpacked(settings: Settings): string[] {
  try {
    return readdirSync(join(settings.root, 'rootfs'))
      .filter((name) => /^[0-9a-f]{64}$/.test(name))
      .map((hex) => `sha256:${hex}`);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
}
