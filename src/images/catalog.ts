import type { Settings } from '../config/index.js';
import { hostPlatform, parseManifest } from '../oci/index.js';
import { familiarName } from '../reference/index.js';
import { ContentStore } from '../store/content-store.js';
import { ImageRefs, referenceOf, type RefEntry } from './image-refs.js';
import { resolveLocalImage, type LocalImage } from './resolve-local.js';

/** One local image (identified, as in Docker, by its config digest) and every name that refers to it. */
export interface CatalogImage {
  /** "sha256:<hex>" of the config: the image ID. */
  id: string;
  image: LocalImage;
  /** The tags and digest references pointing at it. */
  refs: RefEntry[];
  /** Every document digest naming it: the manifest and any index a name points at. */
  digests: Set<string>;
}

/** Everything the store holds: images by ID, and names whose image is incomplete (broken). */
export interface Catalog {
  images: CatalogImage[];
  broken: RefEntry[];
}

/**
 * The image a digest (index or manifest) resolves to locally: the host platform's manifest first,
 * else any manifest of the index that is present (an image pulled with --platform).
 */
export function resolveAnyLocal(store: ContentStore, digest: string): LocalImage | undefined {
  const host = resolveLocalImage(store, digest, hostPlatform());
  if (host) return host;
  const bytes = store.read(digest);
  if (!bytes) return undefined;
  const document = parseManifest(bytes);
  if (document.kind !== 'index') return undefined;
  for (const entry of document.manifests) {
    if (!entry.platform) continue;
    const image = resolveLocalImage(store, entry.digest, entry.platform);
    if (image) return image;
  }
  return undefined;
}

/** Reads every name and dangling record and groups them by image ID. */
export function readCatalog(settings: Settings): Catalog {
  const refs = new ImageRefs(settings.root);
  const store = new ContentStore(settings.root);
  const byId = new Map<string, CatalogImage>();
  const broken: RefEntry[] = [];
  const add = (digest: string, ref: RefEntry | undefined): boolean => {
    const image = resolveAnyLocal(store, digest);
    if (!image) return false;
    let entry = byId.get(image.configDigest);
    if (!entry) {
      entry = { id: image.configDigest, image, refs: [], digests: new Set([image.manifestDigest]) };
      byId.set(entry.id, entry);
    }
    entry.digests.add(digest);
    if (ref) entry.refs.push(ref);
    return true;
  };
  for (const ref of refs.list()) if (!add(ref.digest, ref)) broken.push(ref);
  for (const digest of refs.dangling()) add(digest, undefined);
  return { images: [...byId.values()], broken };
}

/** "busybox:latest" / "host:5000/a/b:tag" for a tag reference (Docker's RepoTags form). */
export function repoTag(ref: RefEntry): string {
  return familiarName(referenceOf(ref.repository, ref.tag));
}

/** Docker's RepoTags and RepoDigests of an image. */
export function imageNames(image: CatalogImage): { repoTags: string[]; repoDigests: string[] } {
  const repoTags = image.refs.filter((r) => r.tag !== undefined).map(repoTag).sort();
  const repoDigests = [...new Set(image.refs.filter((r) => r.fromRegistry).map((r) => familiarName(referenceOf(r.repository, undefined, r.digest))))].sort();
  return { repoTags, repoDigests };
}
