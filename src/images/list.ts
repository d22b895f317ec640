import type { Settings } from '../config/index.js';
import { familiarName, parseReference, repositoryName } from '../reference/index.js';
import { imageNames, readCatalog } from './catalog.js';
import { referenceOf, type RefEntry } from './image-refs.js';
import { unpackedSize } from './unpacked-store.js';

/** One image as `docker images` describes it. */
export interface ImageSummary {
  /** "sha256:<hex>" of the config. */
  id: string;
  /** "busybox:latest", "host:5000/repo:tag"; empty for a dangling image. */
  repoTags: string[];
  /** "busybox@sha256:…" for names pulled from a registry. */
  repoDigests: string[];
  /** The config's `created`, or undefined when absent or invalid. */
  created: Date | undefined;
  /** Unpacked size in bytes. */
  size: number;
  /** Digest of the image's (platform-specific) manifest. */
  manifestDigest: string;
}

export interface ListOptions {
  /** REPOSITORY[:TAG] as `docker images` takes it; `*` matches within a path component. */
  reference?: string;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${escaped}$`);
}

/** A predicate for the names `docker images REPOSITORY[:TAG]` shows. */
function nameFilter(filter: string): (r: RefEntry) => boolean {
  const hasTag = /:[\w*][\w.*-]*$/.test(filter.split('/').pop() ?? '');
  if (filter.includes('*')) {
    const pattern = globToRegExp(filter);
    return (r) => {
      if (hasTag && r.tag === undefined) return false;
      const familiar = familiarName(referenceOf(r.repository, hasTag ? r.tag : undefined));
      const full = hasTag ? `${r.repository}:${r.tag ?? ''}` : r.repository;
      return pattern.test(familiar) || pattern.test(full);
    };
  }
  const ref = parseReference(filter);
  const repository = repositoryName(ref);
  return (r) => r.repository === repository && (!hasTag || r.tag === ref.tag);
}

function parseCreated(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Local images, newest first (as the Docker daemon returns them). */
export function listImages(settings: Settings, options: ListOptions = {}): ImageSummary[] {
  let images = readCatalog(settings).images;
  const { reference } = options;
  if (reference !== undefined) {
    // As Docker: only the matching names are shown, and images without one are left out.
    const matches = nameFilter(reference);
    images = images.map((image) => ({ ...image, refs: image.refs.filter(matches) })).filter((image) => image.refs.length > 0);
  }
  const summaries = images.map((image): ImageSummary => ({
    id: image.id,
    ...imageNames(image),
    created: parseCreated(image.image.config.created),
    size: unpackedSize(settings, image.image),
    manifestDigest: image.image.manifestDigest,
  }));
  return summaries.sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0) || a.id.localeCompare(b.id));
}
