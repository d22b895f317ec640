import type { Settings } from '../config/index.js';
import { readCatalog } from './catalog.js';
import { deleteUnused } from './gc.js';
import { ImageRefs, type RefEntry } from './image-refs.js';
import { readImageUsers } from './image-users.js';
import { repoTag } from './catalog.js';
import { familiarName } from '../reference/index.js';
import { referenceOf } from './image-refs.js';

export interface PruneOptions {
  /** -a: every image no container uses, not only dangling (untagged) ones. */
  all?: boolean;
}

export interface PruneResult {
  untagged: string[];
  deleted: string[];
  /** Bytes freed (blobs and unpacked data). */
  reclaimed: number;
}

/**
 * docker image prune: removes dangling images (no tag), or with `all` every image, except those a
 * container (running or stopped) uses: its root is made of the image's layers.
 */
export function pruneImages(settings: Settings, options: PruneOptions = {}): PruneResult {
  const catalog = readCatalog(settings);
  const refs = new ImageRefs(settings.root);
  const users = readImageUsers(settings.root);
  const victims = catalog.images.filter((image) => !users.has(image.id) && (options.all === true || !image.refs.some((r) => r.tag !== undefined)));
  const untagged: string[] = [];
  const forget = (r: RefEntry): void => {
    if (refs.delete(r)) untagged.push(r.tag !== undefined ? repoTag(r) : familiarName(referenceOf(r.repository, undefined, r.digest)));
  };
  for (const image of victims) for (const r of image.refs) forget(r);
  for (const image of victims) for (const digest of image.digests) refs.unmarkDangling(digest);
  // Names whose image is gone (a broken store) are dangling too.
  for (const r of catalog.broken) forget(r);
  const reclaimed = deleteUnused(settings, victims);
  return { untagged, deleted: [...victims.map((i) => i.id), ...reclaimed.layers.filter((l) => !victims.some((v) => v.id === l))], reclaimed: reclaimed.bytes };
}
