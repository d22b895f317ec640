import type { Settings } from '../config/index.js';
import { MyDockerError } from '../errors.js';
import { parseReference } from '../reference/index.js';
import { readCatalog } from './catalog.js';
import { ImageRefs } from './image-refs.js';
import { lookupImage, noSuchImage } from './lookup.js';

/**
 * docker tag SOURCE TARGET: TARGET (NAME[:TAG], `latest` by default) now names SOURCE's image.
 * The new tag points at the image's own manifest, so it stays valid whatever SOURCE later becomes.
 */
export function tagImage(settings: Settings, source: string, target: string): { id: string } {
  const { image } = lookupImage(readCatalog(settings), source);
  if (!image) throw noSuchImage(source);
  const ref = parseReference(target);
  if (ref.digest !== undefined) {
    throw new MyDockerError('usage', 'ERR_TAG_DIGEST', `refusing to create a tag with a digest reference: ${target}`, { hint: 'Give TARGET as NAME[:TAG].' });
  }
  const refs = new ImageRefs(settings.root);
  refs.set(ref, ref.tag ?? 'latest', image.image.manifestDigest, false);
  for (const digest of image.digests) refs.unmarkDangling(digest);
  return { id: image.id };
}
