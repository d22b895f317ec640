import type { Reference } from '../reference/index.js';
import { ContentStore } from '../store/content-store.js';
import { resolveAnyLocal } from './catalog.js';
import { ImageRefs } from './image-refs.js';
import { localPlatformImages } from './resolve-local.js';

/**
 * Points a pulled tag at its digest. A tag naming an index means one image locally: the host
 * platform's when present, else another platform's (see resolveAnyLocal). So after pulling the
 * tag for a second platform, the index's other local images (the one the tag meant before, or the
 * one just pulled for a foreign platform) have no name: they are recorded as dangling, so they are
 * listed as <none> and pruned as Docker's are, instead of being kept out of sight forever.
 */
export function setPulledTag(root: string, ref: Reference, tag: string, digest: string): void {
  const refs = new ImageRefs(root);
  const store = new ContentStore(root);
  const previous = refs.get(ref, tag);
  refs.set(ref, tag, digest);
  const named = resolveAnyLocal(store, digest)?.manifestDigest;
  const unnamed = [...localPlatformImages(store, digest), ...(previous !== undefined && previous !== digest ? localPlatformImages(store, previous) : [])];
  for (const image of unnamed) if (image.manifestDigest !== named) refs.markDangling(image.manifestDigest);
}
