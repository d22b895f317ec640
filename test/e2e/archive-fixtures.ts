/** Image archives built in memory for load tests: docker save's old format, an OCI layout, and broken ones. */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { busyboxRootEntries, PATH_ENV } from '../harness/busybox-root.js';
import { buildTar, type TarEntry } from '../harness/tarball.js';

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

export interface ArchiveEntry {
  name: string;
  data?: Buffer;
  /** A symlink entry (docker save links identical layers). */
  link?: string;
}

export async function tarOf(entries: ArchiveEntry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    archive.on('data', (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    archive.on('end', () => resolve(Buffer.concat(chunks)));
    archive.on('error', reject);
  });
  for (const entry of entries) {
    if (entry.link !== undefined) archive.entry({ name: entry.name, type: 'symlink', linkname: entry.link });
    else archive.entry({ name: entry.name, mode: 0o644 }, entry.data ?? Buffer.alloc(0));
  }
  archive.finalize();
  return done;
}

export interface FixtureImage {
  layers: Buffer[];
  config: Buffer;
  configHex: string;
}

/** A runnable image: the busybox root plus a marker file, so tests can tell it apart. */
export async function fixtureImage(marker: string, diffIdOverride?: string): Promise<FixtureImage> {
  const base = await buildTar(busyboxRootEntries());
  const extra: TarEntry[] = [{ type: 'file', path: 'marker.txt', content: marker }];
  const top = await buildTar(extra);
  const layers = [base, top];
  const config = Buffer.from(JSON.stringify({
    created: '2024-01-01T00:00:00Z',
    architecture: 'amd64',
    os: 'linux',
    config: { Env: [PATH_ENV], Cmd: ['cat', '/marker.txt'], Labels: { fixture: marker } },
    rootfs: { type: 'layers', diff_ids: diffIdOverride ? [`sha256:${sha(base)}`, diffIdOverride] : layers.map((l) => `sha256:${sha(l)}`) },
  }));
  return { layers, config, configHex: sha(config) };
}

/** docker save before Docker 25 (and podman save): <id>/layer.tar, <config>.json, manifest.json, repositories. */
export function dockerArchiveEntries(image: FixtureImage, repoTags: string[], compress = false): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [{ name: `${image.configHex}.json`, data: image.config }];
  const layerNames: string[] = [];
  image.layers.forEach((layer, i) => {
    const data = compress ? gzipSync(layer) : layer;
    const id = sha(Buffer.from(`${image.configHex}-${i}`));
    entries.push({ name: `${id}/VERSION`, data: Buffer.from('1.0') }, { name: `${id}/layer.tar`, data });
    layerNames.push(`${id}/layer.tar`);
  });
  entries.push({ name: 'manifest.json', data: Buffer.from(JSON.stringify([{ Config: `${image.configHex}.json`, RepoTags: repoTags, Layers: layerNames }])) });
  return entries;
}

/** A plain OCI image layout with gzip layers, named by the ref.name annotation. */
export function ociLayoutEntries(image: FixtureImage, refName: string | undefined): ArchiveEntry[] {
  const blobs = image.layers.map((layer) => gzipSync(layer));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${image.configHex}`, size: image.config.length },
    layers: blobs.map((b) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${sha(b)}`, size: b.length })),
  }));
  const index = {
    schemaVersion: 2,
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${sha(manifest)}`,
      size: manifest.length,
      ...(refName === undefined ? {} : { annotations: { 'org.opencontainers.image.ref.name': refName } }),
    }],
  };
  return [
    { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
    ...blobs.map((b) => ({ name: `blobs/sha256/${sha(b)}`, data: b })),
    { name: `blobs/sha256/${image.configHex}`, data: image.config },
    { name: `blobs/sha256/${sha(manifest)}`, data: manifest },
    { name: 'index.json', data: Buffer.from(JSON.stringify(index)) },
  ];
}
