import { MyDockerError } from '../errors.js';
import {
  digestMismatch,
  formatPlatform,
  parseImageConfig,
  parseManifest,
  type ImageConfig,
  type ImageManifest,
  sha256Digest,
  type Platform,
} from '../oci/index.js';
import { RegistryClient, selectPlatform } from '../registry/index.js';

/** The documents of one image as fetched and verified from a registry, not yet stored. */
export interface RemoteImage {
  client: RegistryClient;
  /** Digest the tag (or the given digest) resolved to: an index or a manifest. */
  topDigest: string;
  manifestDigest: string;
  manifest: ImageManifest;
  config: ImageConfig;
  /** Every verified document by digest (index, manifest, config), to store after the layers. */
  documents: Map<string, Buffer>;
}

// Configs are small JSON; a cap keeps a hostile registry from filling memory.
const MAX_CONFIG_BYTES = 16 << 20;

/**
 * Fetches and verifies the index (if any), the manifest for `platform` and the config. Every
 * document fetched by digest is checked against it; a tag's digest is computed from the bytes.
 */
export async function fetchImage(client: RegistryClient, reference: string, expectedDigest: string | undefined, platform: Platform, name: string): Promise<RemoteImage> {
  const documents = new Map<string, Buffer>();
  const top = await client.getManifest(expectedDigest ?? reference);
  if (expectedDigest !== undefined && top.digest !== expectedDigest) throw digestMismatch(`manifest ${expectedDigest}`, expectedDigest, top.digest);
  documents.set(top.digest, top.bytes);
  let document = parseManifest(top.bytes, top.contentType);
  let manifestDigest = top.digest;
  if (document.kind === 'index') {
    const entry = selectPlatform(document, platform, name);
    const child = await client.getManifest(entry.digest);
    if (child.digest !== entry.digest) throw digestMismatch(`manifest for ${formatPlatform(platform)}`, entry.digest, child.digest);
    documents.set(child.digest, child.bytes);
    document = parseManifest(child.bytes, child.contentType);
    manifestDigest = child.digest;
    if (document.kind !== 'manifest') {
      throw new MyDockerError('unsupported', 'ERR_BAD_MANIFEST', `the index entry for ${formatPlatform(platform)} of ${name} is itself an index`);
    }
  }
  const configBytes = await client.getBlobBytes(document.config.digest, MAX_CONFIG_BYTES);
  const configDigest = sha256Digest(configBytes);
  if (configDigest !== document.config.digest) throw digestMismatch('image config', document.config.digest, configDigest);
  documents.set(configDigest, configBytes);
  const config = parseImageConfig(configBytes);
  if (config.rootfs.diff_ids.length !== document.layers.length) {
    throw new MyDockerError('integrity', 'ERR_BAD_CONFIG',
      `the image config of ${name} lists ${config.rootfs.diff_ids.length} layers but its manifest has ${document.layers.length}`);
  }
  return { client, topDigest: top.digest, manifestDigest, manifest: document, config, documents };
}
