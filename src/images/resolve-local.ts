import { chainId, parseImageConfig, parseManifest, platformMatches, type ImageConfig, type ImageManifest, type Platform } from '../oci/index.js';
import type { ContentStore } from '../store/index.js';

/** An image whose manifest and config are in the local store. */
export interface LocalImage {
  /** The digest of the platform-specific manifest. */
  manifestDigest: string;
  manifest: ImageManifest;
  /** The config digest, which is also the image ID. */
  configDigest: string;
  config: ImageConfig;
  /** Chain ID of the whole layer stack: names the unpacked root. */
  chainId: string;
}

/**
 * Resolves a digest (of an index or a manifest) to a local image for `platform`, reading only the
 * local store. Undefined when anything is missing, so the caller pulls.
 */
export function resolveLocalImage(store: ContentStore, digest: string, platform: Platform): LocalImage | undefined {
  const bytes = store.read(digest);
  if (!bytes) return undefined;
  let document = parseManifest(bytes);
  let manifestDigest = digest;
  if (document.kind === 'index') {
    // Only entries we already hold count: a locally present manifest for this platform was chosen
    // by an earlier pull with the same rules.
    for (const entry of document.manifests) {
      if (entry.platform && !platformMatches(entry.platform, platform)) continue;
      const child = store.read(entry.digest);
      if (!child) continue;
      const parsed = parseManifest(child);
      if (parsed.kind !== 'manifest') continue;
      document = parsed;
      manifestDigest = entry.digest;
      break;
    }
    if (document.kind === 'index') return undefined;
  }
  const configBytes = store.read(document.config.digest);
  if (!configBytes) return undefined;
  const config = parseImageConfig(configBytes);
  return {
    manifestDigest,
    manifest: document,
    configDigest: document.config.digest,
    config,
    chainId: chainId(config.rootfs.diff_ids),
  };
}

/** Every platform image of an index that is in the local store (none when `digest` is a manifest). */
export function localPlatformImages(store: ContentStore, digest: string): LocalImage[] {
  const bytes = store.read(digest);
  if (!bytes) return [];
  const document = parseManifest(bytes);
  if (document.kind !== 'index') return [];
  const images: LocalImage[] = [];
  for (const entry of document.manifests) {
    const image = entry.platform ? resolveLocalImage(store, entry.digest, entry.platform) : undefined;
    if (image && !images.some((i) => i.manifestDigest === image.manifestDigest)) images.push(image);
  }
  return images;
}
