import type { Settings } from '../config/index.js';
import { listContainers } from '../containers/state.js';
import { blobBytes } from './gc.js';
import { readCatalog, type CatalogImage } from './catalog.js';
import { readImageUsers } from './image-users.js';
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

/** Unpacked data plus the blobs kept in the content store (for save and re-unpacking), shared data counted once. */
function imageBytes(settings: Settings, images: CatalogImage[]): number {
  return unpackedTotal(settings, images.map((i) => i.image)) + blobBytes(settings, images);
}

/**
 * docker system df. Images: active ones are those a container uses; what `image prune -a` would
 * free is reclaimable (data shared with an active image stays). Containers: every record, running
 * ones active; their writable layers are not measured yet (0B). No volumes or build cache yet.
 */
export function diskUsage(settings: Settings): UsageLine[] {
  const { images } = readCatalog(settings);
  const users = readImageUsers(settings.root);
  const size = imageBytes(settings, images);
  const active = images.filter((i) => users.has(i.id));
  const containers = listContainers(settings.root);
  return [
    { type: 'Images', total: images.length, active: active.length, size, reclaimable: size - imageBytes(settings, active) },
    { type: 'Containers', total: containers.length, active: containers.filter((c) => c.state.status === 'running').length, size: 0, reclaimable: 0 },
    { type: 'Local Volumes', total: 0, active: 0, size: 0, reclaimable: 0 },
    { type: 'Build Cache', total: 0, active: 0, size: 0, reclaimable: 0 },
  ];
}
