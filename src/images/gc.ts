import type { Settings } from '../config/index.js';
import { blobSize, removeBlob } from './layer-blobs.js';
import { readCatalog, type CatalogImage } from './catalog.js';
import { removeUnusedUnpacked } from './unpacked-store.js';
import type { LocalImage } from './resolve-local.js';

/** What deleting images freed. */
export interface Reclaimed {
  /** Chain IDs of unpacked data removed (Docker prints them as "Deleted: sha256:…"). */
  layers: string[];
  bytes: number;
}

/** Every blob an image is made of: the names' documents, manifest, config, layers. */
function blobsOf(image: CatalogImage): string[] {
  return [...image.digests, image.image.manifestDigest, image.id, ...image.image.manifest.layers.map((l) => l.digest)];
}

/**
 * Deletes the blobs and unpacked data of `deleted` images that no image still in the store uses
 * (shared layers stay). Reads the store afresh, so names removed just before no longer count.
 * Only the candidates' own blobs are considered, never a sweep of the whole store, so content a
 * concurrent pull is writing (not named yet) is never touched.
 */
export function deleteUnused(settings: Settings, deleted: CatalogImage[]): Reclaimed {
  const live = readCatalog(settings).images;
  const liveBlobs = new Set(live.flatMap(blobsOf));
  let bytes = 0;
  for (const digest of new Set(deleted.flatMap(blobsOf))) {
    if (liveBlobs.has(digest)) continue;
    // Index documents may be shared by several platform images; the check above covers them.
    bytes += removeBlob(settings.root, digest);
  }
  const keep: LocalImage[] = live.map((i) => i.image);
  const unpacked = removeUnusedUnpacked(settings, keep, deleted.map((i) => i.image));
  return { layers: unpacked.removed, bytes: bytes + unpacked.bytes };
}

/** Bytes of the blobs `images` hold in the content store, each shared blob counted once. */
export function blobBytes(settings: Settings, images: CatalogImage[]): number {
  return [...new Set(images.flatMap(blobsOf))].reduce((sum, digest) => sum + blobSize(settings.root, digest), 0);
}
