import { MyDockerError } from '../errors.js';
import { formatPlatform, MANIFEST_MEDIA_TYPES, platformMatches, type Descriptor, type ImageIndex, type Platform } from '../oci/index.js';

/** An index entry without a platform is taken as linux/amd64, as go-containerregistry does. */
const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

/**
 * Picks the manifest for `wanted` from an index: an exact variant match first, then a
 * variant-less one. Throws a clear error listing what the index offers when nothing fits.
 */
export function selectPlatform(index: ImageIndex, wanted: Platform, name: string): Descriptor {
  const images = index.manifests.filter((m) => MANIFEST_MEDIA_TYPES.includes(m.mediaType) || m.mediaType === '');
  const candidates = images.filter((m) => platformMatches(m.platform ?? DEFAULT_PLATFORM, wanted));
  const exact = candidates.find((m) => (m.platform?.variant ?? undefined) === wanted.variant);
  const chosen = exact ?? candidates[0];
  if (chosen) return chosen;
  const available = images
    .map((m) => formatPlatform(m.platform ?? DEFAULT_PLATFORM))
    .filter((p) => p !== 'unknown/unknown');
  throw new MyDockerError('unsupported', 'ERR_NO_MATCHING_PLATFORM',
    `no matching manifest for ${formatPlatform(wanted)} in the manifest list entries of ${name} (available: ${available.join(', ') || 'none'})`,
    { hint: 'Pick an image built for this machine.' });
}
