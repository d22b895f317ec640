/** A parsed, normalised image reference: `docker.io/library/alpine:latest`, `host:5000/a/b@sha256:…`. */
export interface Reference {
  /** Registry domain as the user means it: "docker.io" for Docker Hub, else host[:port]. */
  readonly domain: string;
  /** Repository path inside the registry, e.g. "library/alpine". */
  readonly path: string;
  /** Tag, when given or defaulted ("latest" only when no digest was given). */
  readonly tag: string | undefined;
  /** "sha256:<hex>" when given. */
  readonly digest: string | undefined;
}

export const DOCKER_HUB_DOMAIN = 'docker.io';

/** `domain/path`, e.g. "docker.io/library/alpine". */
export function repositoryName(ref: Reference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The fully qualified form: `docker.io/library/alpine:latest`, `host/a@sha256:…`. */
export function formatReference(ref: Reference): string {
  let out = repositoryName(ref);
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/**
 * The short form Docker prints: "alpine:latest" for official images, "user/repo:tag" on Docker Hub,
 * the full name elsewhere.
 */
export function familiarName(ref: Reference): string {
  let name = repositoryName(ref);
  if (ref.domain === DOCKER_HUB_DOMAIN) {
    name = ref.path.startsWith('library/') && ref.path.split('/').length === 2 ? ref.path.slice(8) : ref.path;
  }
  if (ref.tag !== undefined) name += `:${ref.tag}`;
  if (ref.digest !== undefined) name += `@${ref.digest}`;
  return name;
}
