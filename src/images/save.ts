import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Settings } from '../config/index.js';
import { MyDockerError } from '../errors.js';
import { digestHex, MediaType } from '../oci/index.js';
import { familiarName, formatReference } from '../reference/index.js';
import { ContentStore } from '../store/index.js';
import { tempSibling } from '../util/index.js';
import { readCatalog, repoTag, type CatalogImage } from './catalog.js';
import { hasBlob, openBlob } from './layer-blobs.js';
import { referenceOf, type RefEntry } from './image-refs.js';
import { lookupImage, noSuchImage } from './lookup.js';

export type SaveDestination = { file: string } | { stream: Writable };

export interface SaveOptions {
  signal?: AbortSignal;
}

/** One image as written into the archive. */
export interface SavedImage {
  id: string;
  /** The names written for it (`docker load` restores these). */
  repoTags: string[];
}

interface Selected {
  image: CatalogImage;
  tags: RefEntry[];
}

/** Whether IMAGE names a tag explicitly (`busybox:1.36`) rather than a whole repository (`busybox`). */
function hasExplicitTag(name: string): boolean {
  return name.includes('@') || /:[\w][\w.-]*$/.test(name.split('/').pop() ?? '');
}

/**
 * The images and names to save. As `docker save`: NAME:TAG saves that tag; a bare NAME saves every
 * tag of the repository; an ID saves the image without names.
 */
function select(settings: Settings, names: string[]): Selected[] {
  const catalog = readCatalog(settings);
  const selected = new Map<string, Selected>();
  const add = (image: CatalogImage, tag: RefEntry | undefined): void => {
    const entry = selected.get(image.id) ?? { image, tags: [] };
    if (tag && !entry.tags.includes(tag)) entry.tags.push(tag);
    selected.set(image.id, entry);
  };
  for (const name of names) {
    const { image, ref } = lookupImage(catalog, name);
    if (!image) throw noSuchImage(name);
    if (ref?.tag === undefined) {
      add(image, undefined);
    } else if (hasExplicitTag(name)) {
      add(image, ref);
    } else {
      for (const other of catalog.images) for (const r of other.refs) if (r.repository === ref.repository && r.tag !== undefined) add(other, r);
    }
  }
  return [...selected.values()];
}

const blobName = (digest: string): string => `blobs/sha256/${digestHex(digest)}`;

/**
 * docker save: writes the images as Docker ≥ 25 does, an OCI image layout (oci-layout, index.json,
 * blobs/sha256/…) that also carries Docker's manifest.json and repositories, so both `docker load`
 * and OCI tools read it. The images' own manifests and (compressed) layer blobs are written as
 * stored, each verified against its digest on the way out. A file is written under a temporary
 * name and renamed when complete.
 */
export async function saveImages(settings: Settings, names: string[], destination: SaveDestination, options: SaveOptions = {}): Promise<SavedImage[]> {
  const selected = select(settings, names);
  const content = new ContentStore(settings.root);
  for (const { image } of selected) {
    for (const layer of image.image.manifest.layers) {
      if (!hasBlob(settings.root, layer.digest)) {
        throw new MyDockerError('not-found', 'ERR_BLOB_NOT_LOCAL', `layer ${digestHex(layer.digest).slice(0, 12)} of image ${digestHex(image.id).slice(0, 12)} is not in the local store`, {
          hint: 'This image was pulled before layer blobs were kept; remove it and pull it again.',
        });
      }
    }
  }
  const { pack } = await import('tar-stream');
  const archive = pack();
  let output: Writable;
  let temp: string | undefined;
  if ('file' in destination) {
    temp = tempSibling(destination.file);
    output = createWriteStream(temp, { mode: 0o600 });
  } else {
    output = destination.stream;
  }
  const writing = pipeline(archive, output, ...(options.signal ? [{ signal: options.signal }] as const : []));
  writing.catch(() => undefined);
  try {
    await writeLayout(archive, selected, content, settings, options.signal);
    archive.finalize();
    await writing;
    if (temp !== undefined && 'file' in destination) renameSync(temp, destination.file);
  } catch (error) {
    archive.destroy();
    if (temp !== undefined) rmSync(temp, { force: true });
    throw error;
  }
  return selected.map(({ image, tags }) => ({ id: image.id, repoTags: tags.map(repoTag) }));
}

type Pack = ReturnType<typeof import('tar-stream').pack>;

function addBytes(archive: Pack, name: string, bytes: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => {
    archive.entry({ name, mode: 0o644, mtime: new Date(0) }, bytes, (error) => (error ? reject(error) : resolve()));
  });
}

async function addStream(archive: Pack, name: string, size: number, stream: Readable): Promise<void> {
  const entry = archive.entry({ name, size, mode: 0o644, mtime: new Date(0) });
  await pipeline(stream, entry);
}

async function writeLayout(archive: Pack, selected: Selected[], content: ContentStore, settings: Settings, signal: AbortSignal | undefined): Promise<void> {
  archive.entry({ name: 'blobs/', type: 'directory', mode: 0o755, mtime: new Date(0) });
  archive.entry({ name: 'blobs/sha256/', type: 'directory', mode: 0o755, mtime: new Date(0) });
  const written = new Set<string>();
  const indexEntries: object[] = [];
  const manifestJson: object[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const { image, tags } of selected) {
    const { manifestDigest, manifest } = image.image;
    const documents: [string, Buffer | undefined][] = [[image.id, content.read(image.id)], [manifestDigest, content.read(manifestDigest)]];
    for (const [digest, bytes] of documents) {
      if (!bytes) throw new MyDockerError('not-found', 'ERR_BLOB_NOT_LOCAL', `document ${digest} is missing from the local store`, { hint: 'Pull the image again.' });
      if (!written.has(digest)) await addBytes(archive, blobName(digest), bytes);
      written.add(digest);
    }
    for (const layer of manifest.layers) {
      if (signal?.aborted) throw signal.reason;
      if (written.has(layer.digest)) continue;
      await addStream(archive, blobName(layer.digest), layer.size, openBlob(settings.root, layer.digest, layer.size, `layer ${digestHex(layer.digest).slice(0, 12)}`));
      written.add(layer.digest);
    }
    const manifestSize = content.read(manifestDigest)?.length ?? 0;
    const descriptor = { mediaType: manifest.mediaType, digest: manifestDigest, size: manifestSize };
    if (tags.length === 0) indexEntries.push(descriptor);
    for (const tag of tags) {
      const full = formatReference(referenceOf(tag.repository, tag.tag));
      indexEntries.push({ ...descriptor, annotations: { 'io.containerd.image.name': full, 'org.opencontainers.image.ref.name': tag.tag ?? '' } });
      const repo = familiarName(referenceOf(tag.repository));
      const last = manifest.layers.at(-1);
      (repositories[repo] ??= {})[tag.tag ?? 'latest'] = last ? digestHex(last.digest) : '';
    }
    manifestJson.push({ Config: blobName(image.id), RepoTags: tags.map(repoTag), Layers: manifest.layers.map((l) => blobName(l.digest)) });
  }
  await addBytes(archive, 'index.json', `${JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: indexEntries })}\n`);
  await addBytes(archive, 'manifest.json', `${JSON.stringify(manifestJson)}\n`);
  await addBytes(archive, 'oci-layout', `${JSON.stringify({ imageLayoutVersion: '1.0.0' })}\n`);
  await addBytes(archive, 'repositories', `${JSON.stringify(repositories)}\n`);
}
