import type { Settings } from '../config/index.js';
import { MyDockerError } from '../errors.js';
import { digestHex } from '../oci/index.js';
import { familiarName } from '../reference/index.js';
import { readCatalog, repoTag, type CatalogImage } from './catalog.js';
import { deleteUnused } from './gc.js';
import { ImageRefs, referenceOf, type RefEntry } from './image-refs.js';
import { readImageUsers, type ImageUser } from './image-users.js';
import { lookupImage } from './lookup.js';

/** What `rmi` did for one IMAGE argument, in the order Docker prints it. */
export type RemoveStep = { untagged: string } | { deleted: string };

export interface RemoveResult {
  name: string;
  steps: RemoveStep[];
  /** Set when this argument failed; the others are still processed, as Docker does. */
  error?: Error;
}

export interface RemoveOptions {
  /**
   * -f: remove an image ID referenced by several repositories; untag an image that a container
   * uses (its data stays, as a dangling image, while any container uses it).
   */
  force?: boolean;
}

const short = (id: string): string => digestHex(id).slice(0, 12);

function conflict(message: string, hint: string): MyDockerError {
  return new MyDockerError('usage', 'ERR_IMAGE_CONFLICT', `conflict: ${message}`, { hint });
}

/** The printed form of a name: "busybox:latest" or "busybox@sha256:…". */
function refName(ref: RefEntry): string {
  return ref.tag !== undefined ? repoTag(ref) : familiarName(referenceOf(ref.repository, undefined, ref.digest));
}

/** Docker's rule: an ID may be removed without -f only when all its names are in one repository, with one tag at most. */
function isSingleReference(refs: RefEntry[]): boolean {
  const tags = refs.filter((r) => r.tag !== undefined);
  if (tags.length > 1) return false;
  return new Set(refs.map((r) => r.repository)).size <= 1;
}

/**
 * Docker's refusals for removing by ID: a running container's image cannot go even with -f; names
 * in several repositories, or a stopped container's use, need -f.
 */
function checkRemoveById(image: CatalogImage, users: ImageUser[], force: boolean): void {
  const running = users.find((u) => u.running);
  if (running) {
    throw conflict(`unable to delete ${short(image.id)} (cannot be forced) - image is being used by running container ${short(running.id)}`, 'Stop and remove the container first.');
  }
  if (force) return;
  if (!isSingleReference(image.refs)) {
    throw conflict(`unable to delete ${short(image.id)} (must be forced) - image is referenced in multiple repositories`, 'Remove the names one by one, or use -f.');
  }
  const stopped = users[0];
  if (stopped) {
    throw conflict(`unable to delete ${short(image.id)} (must be forced) - image is being used by stopped container ${short(stopped.id)}`, 'Remove the container first (mydocker rm), or use -f to untag it only.');
  }
}

/** Removes the names (and then the image, when unnamed and no container uses it) for one argument. */
function removeOne(settings: Settings, name: string, options: RemoveOptions): RemoveStep[] {
  const refs = new ImageRefs(settings.root);
  const { image, ref } = lookupImage(readCatalog(settings), name);
  const users = image ? (readImageUsers(settings.root).get(image.id) ?? []) : [];
  const steps: RemoveStep[] = [];
  const untag = (r: RefEntry): void => {
    if (refs.delete(r)) steps.push({ untagged: refName(r) });
  };
  let remaining: RefEntry[];
  if (ref) {
    // Docker: untagging the last name of a container's image would leave it dangling, so it needs -f.
    const user = users[0];
    if (image && user && !options.force && isSingleReference(image.refs)) {
      throw conflict(`unable to remove repository reference "${name}" (must force) - container ${short(user.id)} is using its referenced image ${short(image.id)}`, 'Remove the container first (mydocker rm), or use -f to untag it only.');
    }
    untag(ref);
    remaining = (image?.refs ?? []).filter((r) => r !== ref);
    // Docker: removing the repository's last tag also removes its digest references.
    if (ref.tag !== undefined && !remaining.some((r) => r.tag !== undefined && r.repository === ref.repository)) {
      // A pulled tag also stands for Docker's separate `repo@digest` reference: report it as Docker does.
      const digestRef = { ...ref, tag: undefined };
      if (ref.fromRegistry && !remaining.some((r) => r.tag === undefined && r.repository === ref.repository && r.digest === ref.digest)) {
        steps.push({ untagged: refName(digestRef) });
      }
      for (const r of remaining.filter((r) => r.tag === undefined && r.repository === ref.repository)) untag(r);
      remaining = remaining.filter((r) => r.repository !== ref.repository || r.tag !== undefined);
    }
  } else {
    if (!image) return steps;
    checkRemoveById(image, users, options.force === true);
    for (const r of image.refs) untag(r);
    // Pulled tags also stand for Docker's `repo@digest` references, which Docker untags too.
    for (const r of image.refs.filter((x) => x.tag !== undefined && x.fromRegistry)) {
      const untagged = refName({ ...r, tag: undefined });
      if (!steps.some((step) => 'untagged' in step && step.untagged === untagged)) steps.push({ untagged });
    }
    remaining = [];
  }
  if (!image || remaining.length > 0) return steps;
  // A container's root is made of the image's layers: keep the image, listed as <none>, until it goes.
  if (users.length > 0) for (const digest of image.digests) refs.markDangling(digest);
  else steps.push(...deleteImages(settings, [image]));
  return steps;
}

/** Deletes unnamed images: forgets their dangling records and frees their unshared data. */
export function deleteImages(settings: Settings, images: CatalogImage[]): RemoveStep[] {
  const refs = new ImageRefs(settings.root);
  for (const image of images) for (const digest of image.digests) refs.unmarkDangling(digest);
  const reclaimed = deleteUnused(settings, images);
  const steps: RemoveStep[] = images.map((image) => ({ deleted: image.id }));
  for (const chainId of reclaimed.layers) if (!images.some((i) => i.id === chainId)) steps.push({ deleted: chainId });
  return steps;
}

/**
 * docker rmi: for each IMAGE (name, full ID or unique ID prefix) removes the name; the image itself,
 * and the blobs and unpacked data no other image uses, go with its last name unless a container
 * uses it. Removing by ID removes every name, which needs `force` when they span several
 * repositories or a stopped container uses the image, and is refused for a running container's.
 */
export function removeImages(settings: Settings, names: string[], options: RemoveOptions = {}): RemoveResult[] {
  return names.map((name) => {
    try {
      return { name, steps: removeOne(settings, name, options) };
    } catch (error) {
      return { name, steps: [], error: error as Error };
    }
  });
}
