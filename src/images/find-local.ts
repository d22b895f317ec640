import type { Settings } from '../config/index.js';
import { readCatalog } from './catalog.js';
import { idCandidate } from './id-candidate.js';
import { ImageRefs } from './image-refs.js';
import { findImageById } from './lookup.js';
import { resolveLocalImage, type LocalImage } from './resolve-local.js';
import { hostPlatform, type Platform } from '../oci/index.js';
import type { Reference } from '../reference/index.js';
import { ContentStore } from '../store/content-store.js';

/**
 * The image for a reference from the local store alone, or undefined when it must be pulled.
 * Makes no network request: this is the whole cost of a cached `run` before launching. A name
 * that no local image has may be an image ID or unique ID prefix ("761b", "sha256:…"), as in
 * Docker; only then is the whole catalog read. Throws when such a prefix is ambiguous.
 */
export function findLocalImage(ref: Reference, settings: Settings, platform: Platform = hostPlatform()): LocalImage | undefined {
  const digest = ref.digest ?? (ref.tag !== undefined ? new ImageRefs(settings.root).get(ref, ref.tag) : undefined);
  // Its layer snapshots may still be missing (after `load`): run unpacks them from the local blobs.
  const named = digest !== undefined ? resolveLocalImage(new ContentStore(settings.root), digest, platform) : undefined;
  if (named) return named;
  const id = idCandidate(ref);
  return id !== undefined ? findImageById(readCatalog(settings), id)?.image : undefined;
}
