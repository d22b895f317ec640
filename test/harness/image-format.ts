/**
 * Turns layer tarballs and a config into registry objects: compressed blobs, config JSON, manifests
 * (OCI or Docker schema2), and indexes (OCI index or Docker manifest list).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { PushBlob, PushManifest, PushPlan } from './push.js';

export type Compression = 'gzip' | 'zstd' | 'none';
export type Format = 'oci' | 'docker';

export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerTar: 'application/vnd.oci.image.layer.v1.tar',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface Layer {
  compression: Compression;
  diffId: string;
  blob: PushBlob;
}

export function compressLayer(tar: Buffer, compression: Compression): Layer {
  let data: Buffer;
  if (compression === 'gzip') data = gzipSync(tar);
  else if (compression === 'zstd') {
    try {
      data = execFileSync('zstd', ['-q', '-c', '-3'], { input: tar, maxBuffer: 256 * 1024 * 1024 });
    } catch (error) {
      throw new Error(`zstd CLI failed (apt-get install -y zstd): ${String(error)}`);
    }
  } else data = tar;
  return { compression, diffId: sha256(tar), blob: { digest: sha256(data), data } };
}

function layerMediaType(format: Format, compression: Compression): string {
  if (format === 'docker') {
    if (compression !== 'gzip') throw new Error('Docker schema2 test images use gzip layers only');
    return MEDIA.dockerLayerGzip;
  }
  return compression === 'gzip' ? MEDIA.ociLayerGzip : compression === 'zstd' ? MEDIA.ociLayerZstd : MEDIA.ociLayerTar;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface ContainerConfig {
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  WorkingDir?: string;
  User?: string;
}

export interface ImageSpec {
  format: Format;
  platform: Platform;
  layers: Layer[];
  config: ContainerConfig;
  /** Replace the config's diff_ids (to make an image whose layers do not match its config). */
  diffIdsOverride?: string[];
}

export interface BuiltImage {
  manifest: PushManifest;
  blobs: PushBlob[];
  platform: Platform;
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value, null, 2));
}

export function buildImage(spec: ImageSpec): BuiltImage {
  const configJson = json({
    created: '2024-01-01T00:00:00Z',
    architecture: spec.platform.architecture,
    ...(spec.platform.variant === undefined ? {} : { variant: spec.platform.variant }),
    os: spec.platform.os,
    config: spec.config,
    rootfs: { type: 'layers', diff_ids: spec.diffIdsOverride ?? spec.layers.map((layer) => layer.diffId) },
    history: spec.layers.map((_, index) => ({ created: '2024-01-01T00:00:00Z', created_by: `mydocker test harness layer ${index}` })),
  });
  const configBlob: PushBlob = { digest: sha256(configJson), data: configJson };
  const mediaType = spec.format === 'oci' ? MEDIA.ociManifest : MEDIA.dockerManifest;
  const manifestBytes = json({
    schemaVersion: 2,
    mediaType,
    config: {
      mediaType: spec.format === 'oci' ? MEDIA.ociConfig : MEDIA.dockerConfig,
      digest: configBlob.digest,
      size: configJson.length,
    },
    layers: spec.layers.map((layer) => ({
      mediaType: layerMediaType(spec.format, layer.compression),
      digest: layer.blob.digest,
      size: layer.blob.data.length,
    })),
  });
  return {
    manifest: { mediaType, digest: sha256(manifestBytes), bytes: manifestBytes },
    blobs: [...spec.layers.map((layer) => layer.blob), configBlob],
    platform: spec.platform,
  };
}

function uniqueBlobs(blobs: PushBlob[]): PushBlob[] {
  const seen = new Map<string, PushBlob>();
  for (const blob of blobs) seen.set(blob.digest, blob);
  return [...seen.values()];
}

export function singlePlan(repository: string, tags: string[], image: BuiltImage): PushPlan {
  return { repository, tags, blobs: uniqueBlobs(image.blobs), children: [], top: image.manifest };
}

export function indexPlan(repository: string, tags: string[], format: Format, images: BuiltImage[]): PushPlan {
  const mediaType = format === 'oci' ? MEDIA.ociIndex : MEDIA.dockerList;
  const bytes = json({
    schemaVersion: 2,
    mediaType,
    manifests: images.map((image) => ({
      mediaType: image.manifest.mediaType,
      digest: image.manifest.digest,
      size: image.manifest.bytes.length,
      platform: image.platform,
    })),
  });
  return {
    repository,
    tags,
    blobs: uniqueBlobs(images.flatMap((image) => image.blobs)),
    children: images.map((image) => image.manifest),
    top: { mediaType, digest: sha256(bytes), bytes },
  };
}
