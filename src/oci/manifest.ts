import { MyDockerError } from '../errors.js';
import type { Descriptor } from './descriptor.js';
import { isDigest } from './digest.js';
import { INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES, MediaType } from './media-types.js';
import type { Platform } from './platform.js';

/** An image manifest (OCI or Docker schema 2): one config and its layers, bottom first. */
export interface ImageManifest {
  kind: 'manifest';
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

/** An image index or Docker manifest list: one manifest per platform. */
export interface ImageIndex {
  kind: 'index';
  mediaType: string;
  manifests: Descriptor[];
}

function notAManifest(why: string): MyDockerError {
  return new MyDockerError('unsupported', 'ERR_BAD_MANIFEST', `the registry answered with something that is not a usable manifest: ${why}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parsePlatformField(value: unknown): Platform | undefined {
  if (!isRecord(value) || typeof value['os'] !== 'string' || typeof value['architecture'] !== 'string') return undefined;
  const variant = typeof value['variant'] === 'string' ? value['variant'] : undefined;
  return { os: value['os'], architecture: value['architecture'], variant };
}

function parseDescriptor(value: unknown, where: string): Descriptor {
  if (!isRecord(value)) throw notAManifest(`${where} is not an object`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string') throw notAManifest(`${where} has no mediaType`);
  if (!isDigest(digest)) throw notAManifest(`${where} has no valid sha256 digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw notAManifest(`${where} has no valid size`);
  const descriptor: Descriptor = { mediaType, digest, size };
  const platform = parsePlatformField(value['platform']);
  if (platform) descriptor.platform = platform;
  return descriptor;
}

/**
 * Parses manifest bytes into an index or an image manifest. `contentType` is the registry's
 * Content-Type header; the document's own mediaType wins when present (OCI allows omitting it).
 */
export function parseManifest(bytes: Uint8Array, contentType?: string): ImageManifest | ImageIndex {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw notAManifest('it is not JSON');
  }
  if (!isRecord(doc)) throw notAManifest('it is not a JSON object');
  const declared = typeof doc['mediaType'] === 'string' ? doc['mediaType'] : undefined;
  const mediaType = declared ?? contentType?.split(';')[0]?.trim() ?? '';
  if (mediaType === MediaType.dockerSchema1 || mediaType === MediaType.dockerSchema1Signed || doc['schemaVersion'] === 1) {
    throw new MyDockerError('unsupported', 'ERR_SCHEMA1', 'the registry offers only a Docker schema 1 manifest, which mydocker does not support', {
      hint: 'Push the image again with a current tool (schema 2 or OCI).',
    });
  }
  if (INDEX_MEDIA_TYPES.includes(mediaType) || (declared === undefined && Array.isArray(doc['manifests']))) {
    if (!Array.isArray(doc['manifests'])) throw notAManifest('index has no manifests list');
    const manifests = doc['manifests'].map((m, i) => parseDescriptor(m, `manifests[${i}]`));
    return { kind: 'index', mediaType: mediaType || MediaType.ociIndex, manifests };
  }
  if (MANIFEST_MEDIA_TYPES.includes(mediaType) || (declared === undefined && isRecord(doc['config']))) {
    if (!Array.isArray(doc['layers'])) throw notAManifest('manifest has no layers list');
    const config = parseDescriptor(doc['config'], 'config');
    const layers = doc['layers'].map((l, i) => parseDescriptor(l, `layers[${i}]`));
    return { kind: 'manifest', mediaType: mediaType || MediaType.ociManifest, config, layers };
  }
  throw notAManifest(`unknown media type "${mediaType}"`);
}
