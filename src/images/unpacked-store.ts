/**
 * The one module of src/images/ that touches unpacked image data: the per-layer snapshots of
 * src/snapshots/ (one directory per layer, keyed by the chain ID of the layers up to it, shared
 * by every image with the same base).
 */
import type { Settings } from '../config/index.js';
import { chainId as computeChainId } from '../oci/index.js';
import { SnapshotStore } from '../snapshots/index.js';
import type { LocalImage } from './resolve-local.js';

/** Chain IDs of an image's layers, bottom first: each names one snapshot. */
function layerChainIds(image: LocalImage): string[] {
  const diffIds = image.config.rootfs.diff_ids;
  return diffIds.map((_, i) => computeChainId(diffIds.slice(0, i + 1)));
}

/** Whether every layer of the image is unpacked. */
export function isUnpacked(settings: Settings, image: LocalImage): boolean {
  const snapshots = new SnapshotStore(settings.root);
  return layerChainIds(image).every((id) => snapshots.has(id));
}

/** Unpacked size of the image (Docker's SIZE): its layers' sizes, recorded when they were unpacked. */
export function unpackedSize(settings: Settings, image: LocalImage): number {
  const snapshots = new SnapshotStore(settings.root);
  return layerChainIds(image).reduce((sum, id) => sum + (snapshots.size(id) ?? 0), 0);
}

/** Unpacked bytes of `images` together, each shared layer counted once. */
export function unpackedTotal(settings: Settings, images: LocalImage[]): number {
  const snapshots = new SnapshotStore(settings.root);
  const ids = new Set(images.flatMap(layerChainIds));
  let total = 0;
  for (const id of ids) total += snapshots.size(id) ?? 0;
  return total;
}

/**
 * Removes the layers of `candidates` that no image of `keep` uses; returns the chain IDs removed
 * and the bytes freed. A snapshot is renamed away first (atomic), so nobody sees half of one.
 */
export function removeUnusedUnpacked(settings: Settings, keep: LocalImage[], candidates: LocalImage[]): { removed: string[]; bytes: number } {
  const snapshots = new SnapshotStore(settings.root);
  const used = new Set(keep.flatMap(layerChainIds));
  const removed: string[] = [];
  let bytes = 0;
  for (const id of new Set(candidates.flatMap(layerChainIds))) {
    if (used.has(id) || !snapshots.has(id)) continue;
    bytes += snapshots.size(id) ?? 0;
    snapshots.remove(id);
    removed.push(id);
  }
  return { removed, bytes };
}

/**
 * Makes the image runnable from the layer blobs in the local content store (after `load`): each
 * layer is verified against its digest and diff ID while it is unpacked, and published atomically.
 */
export async function ensureUnpacked(settings: Settings, image: LocalImage, signal?: AbortSignal): Promise<void> {
  if (isUnpacked(settings, image)) return;
  // Loaded only here: listing never pays for the tar and zstd code.
  const { unpackImage } = await import('../pull/index.js');
  await unpackImage(image, { settings, ...(signal && { signal }) });
}

/** Chain IDs of every unpacked layer (tests count these to check sharing and removal). */
export function listUnpacked(settings: Settings): string[] {
  return new SnapshotStore(settings.root).list();
}
