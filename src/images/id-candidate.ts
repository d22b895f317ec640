import { DOCKER_HUB_DOMAIN, type Reference } from '../reference/index.js';

const HEX = /^[0-9a-f]{1,64}$/;

/**
 * The image ID (or ID prefix) a parsed reference may stand for, or undefined. The reference
 * grammar reads "761b" as docker.io/library/761b:latest and "sha256:<hex>" as
 * docker.io/library/sha256:<hex>; `run` tries such strings as a local image ID when no image has
 * that name, as Docker does. A Reference cannot tell "761b" from "761b:latest": both count.
 */
export function idCandidate(ref: Reference): string | undefined {
  if (ref.domain !== DOCKER_HUB_DOMAIN || ref.digest !== undefined || ref.tag === undefined) return undefined;
  const name = ref.path.startsWith('library/') ? ref.path.slice('library/'.length) : undefined;
  if (name === 'sha256' && HEX.test(ref.tag)) return `sha256:${ref.tag}`;
  if (name !== undefined && HEX.test(name) && ref.tag === 'latest') return name;
  return undefined;
}
