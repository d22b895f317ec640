import type { Settings } from '../config/index.js';
import { blobBytes } from './gc.js';
import { readCatalog } from './catalog.js';
import { unpackedTotal } from './unpacked-store.js';

/** One line of `docker system df`. */
export interface UsageLine {
  type: 'Images' | 'Containers' | 'Local Volumes' | 'Build Cache';
  total: number;
  active: number;
  /** Bytes on disk. */
  size: number;
  /** Bytes that pruning would free. */
  reclaimable: number;
}

/**
 * docker system df. Images: the unpacked data plus the blobs kept in the content store (for save
 * and re-unpacking), shared data counted once. No container outlives its run, and there are no
 * volumes or build cache yet, so those lines are zero and every image is reclaimable.
 */
export function diskUsage(settings: Settings): UsageLine[] {
  const { images } = readCatalog(settings);
  const size = unpackedTotal(settings, images.map((i) => i.image)) + blobBytes(settings, images);
  return [
    { type: 'Images', total: images.length, active: 0, size, reclaimable: size },
    { type: 'Containers', total: 0, active: 0, size: 0, reclaimable: 0 },
    { type: 'Local Volumes', total: 0, active: 0, size: 0, reclaimable: 0 },
    { type: 'Build Cache', total: 0, active: 0, size: 0, reclaimable: 0 },
  ];
}
