import type { Settings } from '../config/index.js';
import { ImageRefs } from './image-refs.js';
import { resolveLocalImage, type LocalImage } from './resolve-local.js';
import { hostPlatform, type Platform } from '../oci/index.js';
import type { Reference } from '../reference/index.js';
import { ContentStore } from '../store/content-store.js';

/**
 * The image for a reference from the local store alone, or undefined when it must be pulled.
 * Makes no network request: this is the whole cost of a cached `run` before launching.
 */
export function findLocalImage(ref: Reference, settings: Settings, platform: Platform = hostPlatform()): LocalImage | undefined {
  const digest = ref.digest ?? (ref.tag !== undefined ? new ImageRefs(settings.root).get(ref, ref.tag) : undefined);
  if (digest === undefined) return undefined;
  const image = resolveLocalImage(new ContentStore(settings.root), digest, platform);
  // Its layer snapshots may still be missing (after `load`): run unpacks them from the local blobs.
  return image;
}
