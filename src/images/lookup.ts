import { isMyDockerError, MyDockerError } from '../errors.js';
import { parseReference, repositoryName, familiarName } from '../reference/index.js';
import type { RefEntry } from './image-refs.js';
import type { Catalog, CatalogImage } from './catalog.js';

/** What a user's IMAGE argument named: an image, and the name used when it was a name. */
export interface LookupResult {
  image: CatalogImage | undefined;
  /** The tag or digest reference, when IMAGE was a name rather than an ID. */
  ref: RefEntry | undefined;
}

export function noSuchImage(name: string): MyDockerError {
  return new MyDockerError('not-found', 'ERR_NO_SUCH_IMAGE', `No such image: ${name}`, {
    hint: "See 'mydocker images' for the local images.",
  });
}

const FULL_ID = /^(?:sha256:)?[0-9a-f]{64}$/;
const ID_OR_PREFIX = /^(?:sha256:)?([0-9a-f]{1,64})$/;

/**
 * The image a full ID or unique ID prefix names (hex digits, `sha256:` optional); undefined when
 * `id` is not of that form or no image matches. Throws when several images match the prefix.
 */
export function findImageById(catalog: Catalog, id: string): CatalogImage | undefined {
  const hex = ID_OR_PREFIX.exec(id)?.[1];
  if (hex === undefined) return undefined;
  const found = catalog.images.filter((i) => i.id.startsWith(`sha256:${hex}`));
  if (found.length > 1) {
    throw new MyDockerError('usage', 'ERR_AMBIGUOUS_ID', `image ID prefix ${id} is ambiguous: it matches ${found.length} images`, {
      hint: 'Give more digits of the ID.',
    });
  }
  return found[0];
}

/**
 * Resolves IMAGE as Docker does: a full ID; else a name (NAME[:TAG] or NAME@DIGEST, `latest` by
 * default); else a unique ID prefix. Throws "No such image" (or an ambiguity error).
 */
export function lookupImage(catalog: Catalog, name: string): LookupResult {
  if (FULL_ID.test(name)) {
    const image = findImageById(catalog, name);
    if (image) return { image, ref: undefined };
  }
  let display = name;
  try {
    const ref = parseReference(name);
    display = familiarName(ref);
    const repository = repositoryName(ref);
    const matches = (r: RefEntry): boolean =>
      r.repository === repository && (ref.digest !== undefined ? r.digest === ref.digest && r.tag === undefined : r.tag === ref.tag);
    for (const image of catalog.images) {
      const match = image.refs.find(matches);
      if (match) return { image, ref: match };
    }
    const broken = catalog.broken.find(matches);
    if (broken) return { image: undefined, ref: broken };
    // NAME@DIGEST of a tagged image pulled by tag: Docker accepts the manifest digest too.
    if (ref.digest !== undefined) {
      const image = catalog.images.find((i) => i.digests.has(ref.digest ?? '') && i.refs.some((r) => r.repository === repository));
      if (image) return { image, ref: undefined };
    }
  } catch (error) {
    if (!isMyDockerError(error) || error.kind !== 'bad-reference') throw error;
  }
  const image = findImageById(catalog, name);
  if (image) return { image, ref: undefined };
  throw noSuchImage(display);
}
