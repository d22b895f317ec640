import { createReadStream, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { MyDockerError, isMyDockerError } from '../errors.js';
import {
  digestHex,
  hostPlatform,
  isDigest,
  MediaType,
  parseImageConfig,
  parseManifest,
  platformMatches,
  sha256Digest,
  type ImageConfig,
  type ImageManifest,
} from '../oci/index.js';
import { parseReference, type Reference } from '../reference/index.js';
import { badArchive, type Spool, type SpooledFile } from './archive-spool.js';

/** One layer of an archived image: its spooled file and how the image manifest describes it. */
export interface ArchiveLayer {
  file: SpooledFile;
  mediaType: string;
}

/** One image found in an archive, not yet verified beyond its documents' digests. */
export interface ArchiveImage {
  configBytes: Buffer;
  configDigest: string;
  config: ImageConfig;
  /** The image's own manifest when the archive carries one (OCI layout); else one is written on load. */
  manifest: { bytes: Buffer; digest: string; parsed: ImageManifest } | undefined;
  layers: ArchiveLayer[];
  /** Names to tag it with, normalised. */
  names: Reference[];
}

// Documents are small JSON; a cap keeps a hostile archive from filling memory.
const MAX_DOCUMENT_BYTES = 16 << 20;

function fileOf(spool: Spool, name: string, what: string): SpooledFile {
  const file = spool.get(name.replace(/^\.\//, ''));
  if (!file) throw badArchive(`${what} "${name}" is missing`);
  return file;
}

function readDocument(file: SpooledFile, what: string): Buffer {
  if (file.size > MAX_DOCUMENT_BYTES) throw badArchive(`${what} is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  return readFileSync(file.path);
}

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw badArchive(`${what} is not JSON`);
  }
}

/** A file named after a digest ("blobs/sha256/<hex>", "<hex>.json", "<hex>.tar") must hash to it. */
function checkNamedDigest(file: SpooledFile, what: string): void {
  const match = /(?:^|\/)([0-9a-f]{64})(?:\.json|\.tar)?$/.exec(file.name);
  if (match && file.name.startsWith('blobs/sha256/') && `sha256:${match[1]}` !== file.digest) {
    throw digestError(what, `sha256:${match[1]}`, file.digest);
  }
  if (match && /^[0-9a-f]{64}\.json$/.test(file.name) && `sha256:${match[1]}` !== file.digest) throw digestError(what, `sha256:${match[1]}`, file.digest);
}

export function digestError(what: string, expected: string, actual: string): MyDockerError {
  return new MyDockerError('integrity', 'ERR_DIGEST_MISMATCH', `${what} in the archive failed verification: expected ${expected}, got ${actual}`, {
    hint: 'The archive is corrupt or was modified; nothing was loaded.',
  });
}

function parseConfig(bytes: Buffer, what: string): ImageConfig {
  try {
    return parseImageConfig(bytes);
  } catch (error) {
    if (isMyDockerError(error)) throw badArchive(`${what}: ${error.message}`);
    throw error;
  }
}

function toReference(name: string): Reference | undefined {
  try {
    const ref = parseReference(name);
    return ref.digest === undefined ? ref : undefined;
  } catch {
    return undefined;
  }
}

/** docker save / podman save: manifest.json lists each image's config, names and layer files. */
function fromManifestJson(spool: Spool, doc: unknown, layout: OciImage[]): ArchiveImage[] {
  if (!Array.isArray(doc)) throw badArchive('manifest.json is not a list');
  return doc.map((raw: unknown, i) => {
    const entry = (raw ?? {}) as { Config?: unknown; RepoTags?: unknown; Layers?: unknown };
    if (typeof entry.Config !== 'string' || !Array.isArray(entry.Layers) || !entry.Layers.every((l) => typeof l === 'string')) {
      throw badArchive(`manifest.json entry ${i} has no Config or Layers`);
    }
    const configFile = fileOf(spool, entry.Config, 'image config');
    checkNamedDigest(configFile, 'image config');
    const configBytes = readDocument(configFile, 'image config');
    const config = parseConfig(configBytes, `image config ${entry.Config}`);
    const layerFiles = (entry.Layers as string[]).map((name) => {
      const file = fileOf(spool, name, 'layer');
      checkNamedDigest(file, `layer ${name}`);
      return file;
    });
    // Docker ≥ 25 also writes an OCI layout: reuse the image's own manifest when it matches.
    const own = layout.find((o) => o.configDigest === configFile.digest && o.layers.length === layerFiles.length && o.layers.every((l, j) => l.file === layerFiles[j]));
    const tags = Array.isArray(entry.RepoTags) ? entry.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    return {
      configBytes,
      configDigest: configFile.digest,
      config,
      manifest: own?.manifest,
      layers: own ? own.layers : layerFiles.map((file) => ({ file, mediaType: '' })),
      names: tags.map(toReference).filter((r): r is Reference => r !== undefined),
    };
  });
}

type OciImage = Omit<ArchiveImage, 'names'> & { manifest: NonNullable<ArchiveImage['manifest']>; names: Reference[] };

function blobFile(spool: Spool, digest: string, size: number | undefined, what: string): SpooledFile {
  if (!isDigest(digest)) throw badArchive(`${what} has an invalid digest`);
  const file = fileOf(spool, `blobs/sha256/${digestHex(digest)}`, what);
  if (file.digest !== digest) throw digestError(what, digest, file.digest);
  if (size !== undefined && file.size !== size) throw badArchive(`${what} is ${file.size} bytes, its descriptor says ${size}`);
  return file;
}

function parseDocument(bytes: Buffer, what: string): ReturnType<typeof parseManifest> {
  try {
    return parseManifest(bytes);
  } catch (error) {
    if (isMyDockerError(error)) throw badArchive(`${what}: ${error.message}`);
    throw error;
  }
}

interface DescriptorJson {
  digest?: unknown;
  size?: unknown;
  platform?: { os?: unknown; architecture?: unknown; variant?: unknown };
  annotations?: Record<string, unknown>;
}

/** Names from an index entry's annotations: containerd's full name, else an OCI ref.name that is a full reference. */
function annotationNames(annotations: Record<string, unknown> | undefined): Reference[] {
  const full = annotations?.['io.containerd.image.name'];
  if (typeof full === 'string') return [toReference(full)].filter((r): r is Reference => r !== undefined);
  const refName = annotations?.['org.opencontainers.image.ref.name'];
  // A bare "latest" is only a tag within the layout, not an image name.
  if (typeof refName === 'string' && /[/:]/.test(refName)) return [toReference(refName)].filter((r): r is Reference => r !== undefined);
  return [];
}

/** An OCI image layout: index.json → (nested indexes, host platform) → manifests → config and layers. */
function fromOciLayout(spool: Spool, indexBytes: Buffer): OciImage[] {
  const images: OciImage[] = [];
  const visit = (descriptor: DescriptorJson, names: Reference[], depth: number): void => {
    if (depth > 4) throw badArchive('index.json nests indexes too deeply');
    const digest = String(descriptor.digest);
    const file = blobFile(spool, digest, typeof descriptor.size === 'number' ? descriptor.size : undefined, `manifest ${digest}`);
    const bytes = readDocument(file, `manifest ${digest}`);
    const document = parseDocument(bytes, `manifest ${digest}`);
    if (document.kind === 'index') {
      const entries = ((parseJson(bytes, `index ${digest}`) as { manifests?: DescriptorJson[] }).manifests ?? []);
      const host = entries.find((e) => e.platform && platformMatches({ os: String(e.platform.os), architecture: String(e.platform.architecture), variant: typeof e.platform.variant === 'string' ? e.platform.variant : undefined }, hostPlatform()));
      if (!host) throw new MyDockerError('unsupported', 'ERR_NO_MATCHING_PLATFORM', `the archive's index ${digest.slice(0, 19)} has no image for this machine's platform`);
      visit(host, names, depth + 1);
      return;
    }
    const configFile = blobFile(spool, document.config.digest, document.config.size, 'image config');
    const configBytes = readDocument(configFile, 'image config');
    const existing = images.find((i) => i.manifest.digest === digest);
    if (existing) {
      existing.names.push(...names);
      return;
    }
    images.push({
      configBytes,
      configDigest: configFile.digest,
      config: parseConfig(configBytes, 'image config'),
      manifest: { bytes, digest, parsed: document },
      layers: document.layers.map((l) => ({ file: blobFile(spool, l.digest, l.size, `layer ${digestHex(l.digest).slice(0, 12)}`), mediaType: l.mediaType })),
      names: [...names],
    });
  };
  const index = parseJson(indexBytes, 'index.json') as { manifests?: unknown };
  if (!Array.isArray(index.manifests)) throw badArchive('index.json has no manifests list');
  const entries = index.manifests as DescriptorJson[];
  // Top-level manifests for several platforms (no nested index): keep the host's, as pull does.
  const platformed = entries.filter((e) => e.platform !== undefined);
  const chosen = platformed.length > 0 && platformed.length === entries.length
    ? entries.filter((e) => platformMatches({ os: String(e.platform?.os), architecture: String(e.platform?.architecture), variant: typeof e.platform?.variant === 'string' ? e.platform.variant : undefined }, hostPlatform()))
    : entries;
  for (const entry of chosen) visit(entry, annotationNames(entry.annotations), 0);
  return images;
}

/**
 * The images in a spooled archive: docker save (old and OCI-carrying formats), podman save
 * (docker-archive) or a plain OCI image layout. Documents are checked against their digests here;
 * layer contents are checked by {@link verifyLayers}.
 */
export function readArchiveImages(spool: Spool): ArchiveImage[] {
  const indexFile = spool.get('index.json');
  let layout: OciImage[] = [];
  const manifestFile = spool.get('manifest.json');
  if (indexFile) {
    try {
      layout = fromOciLayout(spool, readDocument(indexFile, 'index.json'));
    } catch (error) {
      // With manifest.json present the layout is a bonus; without it, its errors are the archive's.
      if (!manifestFile) throw error;
    }
  }
  if (manifestFile) return fromManifestJson(spool, parseJson(readDocument(manifestFile, 'manifest.json'), 'manifest.json'), layout);
  if (indexFile) return layout;
  throw badArchive('it has neither manifest.json (docker save) nor index.json (OCI image layout)');
}

/** The uncompressed sha256 (diff ID) of a layer file, and its compression. */
async function layerDiffId(file: SpooledFile): Promise<{ diffId: string; compressed: 'gzip' | 'zstd' | 'none' }> {
  const { decompress, sniffCompression } = await import('../unpack/index.js');
  const head = Buffer.alloc(6);
  const { openSync, readSync, closeSync } = await import('node:fs');
  const fd = openSync(file.path, 'r');
  const n = readSync(fd, head, 0, 6, 0);
  closeSync(fd);
  const compressed = sniffCompression(head.subarray(0, n), '');
  if (compressed === 'none') return { diffId: file.digest, compressed };
  const hash = createHash('sha256');
  for await (const chunk of decompress(createReadStream(file.path) as AsyncIterable<Buffer>, '')) hash.update(chunk);
  return { diffId: `sha256:${hash.digest('hex')}`, compressed };
}

const LAYER_TYPE = { none: MediaType.ociLayer, gzip: MediaType.ociLayerGzip, zstd: MediaType.ociLayerZstd } as const;

/**
 * Checks every layer against the config's diff IDs (decompressing compressed ones) and fills in
 * the media types of layers that came without a manifest. Throws on the first mismatch.
 */
export async function verifyLayers(image: ArchiveImage): Promise<void> {
  const diffIds = image.config.rootfs.diff_ids;
  if (diffIds.length !== image.layers.length) {
    throw badArchive(`image ${image.configDigest.slice(7, 19)} has ${image.layers.length} layers but its config lists ${diffIds.length}`);
  }
  const checked = new Map<SpooledFile, Awaited<ReturnType<typeof layerDiffId>>>();
  for (const [i, layer] of image.layers.entries()) {
    let result = checked.get(layer.file);
    if (!result) {
      try {
        result = await layerDiffId(layer.file);
      } catch (error) {
        if (isMyDockerError(error) && error.kind !== 'integrity') throw error;
        throw badArchive(`layer ${layer.file.name} cannot be decompressed`, error);
      }
      checked.set(layer.file, result);
    }
    if (result.diffId !== diffIds[i]) throw digestError(`layer ${layer.file.name}`, diffIds[i] ?? '', result.diffId);
    if (layer.mediaType === '') layer.mediaType = LAYER_TYPE[result.compressed];
  }
}

/** The manifest to store for an image that came without one (docker-archive). */
export function manifestFor(image: ArchiveImage): { bytes: Buffer; digest: string; parsed: ImageManifest } {
  if (image.manifest) return image.manifest;
  const parsed: ImageManifest = {
    kind: 'manifest',
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: image.configDigest, size: image.configBytes.length },
    layers: image.layers.map((l) => ({ mediaType: l.mediaType, digest: l.file.digest, size: l.file.size })),
  };
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: parsed.mediaType, config: parsed.config, layers: parsed.layers }));
  return { bytes, digest: sha256Digest(bytes), parsed };
}
