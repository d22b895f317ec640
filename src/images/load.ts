import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Settings } from '../config/index.js';
import { chainId } from '../oci/index.js';
import { familiarName } from '../reference/index.js';
import { ContentStore } from '../store/index.js';
import { readArchiveImages, manifestFor, verifyLayers } from './archive-images.js';
import { spoolArchive } from './archive-spool.js';
import { resolveAnyLocal, type CatalogImage } from './catalog.js';
import { deleteUnused } from './gc.js';
import { ImageRefs } from './image-refs.js';
import { adoptBlob, hasBlob } from './layer-blobs.js';
import type { LocalImage } from './resolve-local.js';
import { ensureUnpacked } from './unpacked-store.js';

/** Progress of a load, as events; the CLI prints Docker's lines from them. */
export type LoadEvent =
  | { type: 'loaded-name'; name: string; id: string }
  | { type: 'loaded-id'; id: string }
  /** NAME named another image before, which is now dangling (Docker prints this too). */
  | { type: 'name-moved'; name: string; previousId: string };

export interface LoadOptions {
  signal?: AbortSignal;
  onEvent?: (event: LoadEvent) => void;
}

export interface LoadedImage {
  id: string;
  /** "busybox:latest"...; empty when the archive gave no name. */
  names: string[];
}

/**
 * docker load: reads an archive (docker save, podman save, OCI image layout; plain or gzip) from
 * `input`, verifies every document and layer against its digest and the config's diff IDs, and
 * only then stores the blobs, unpacks the layers and sets the names. On any failure nothing stays:
 * the spooled copy is removed and blobs already published are collected again.
 */
export async function loadImages(settings: Settings, input: Readable | NodeJS.ReadableStream, options: LoadOptions = {}): Promise<LoadedImage[]> {
  // Spooled inside the store so verified blobs are published by rename; a SIGKILLed load's
  // directory is removed by the next build's stale-temp sweep (it is named after our pid).
  const spoolDir = join(settings.root, 'tmp', `${process.pid}-load-${randomBytes(6).toString('hex')}`);
  const written: CatalogImage[] = [];
  try {
    const spool = await spoolArchive(input, spoolDir, options.signal);
    const archived = readArchiveImages(spool);
    for (const image of archived) await verifyLayers(image);

    const content = new ContentStore(settings.root);
    const locals: LocalImage[] = [];
    for (const image of archived) {
      const manifest = manifestFor(image);
      for (const layer of image.layers) {
        // The same spooled file may serve several images; the first adoption moved it.
        if (!hasBlob(settings.root, layer.file.digest)) adoptBlob(settings.root, layer.file.digest, layer.file.path);
      }
      content.write(image.configDigest, image.configBytes, 'image config');
      content.write(manifest.digest, manifest.bytes, 'image manifest');
      const local: LocalImage = { manifestDigest: manifest.digest, manifest: manifest.parsed, configDigest: image.configDigest, config: image.config, chainId: chainId(image.config.rootfs.diff_ids) };
      written.push({ id: local.configDigest, image: local, refs: [], digests: new Set([manifest.digest]) });
      await ensureUnpacked(settings, local, options.signal);
      locals.push(local);
    }

    const refs = new ImageRefs(settings.root);
    const loaded: LoadedImage[] = [];
    for (const [i, image] of archived.entries()) {
      const local = locals[i];
      if (!local) continue;
      const names: string[] = [];
      for (const ref of image.names) {
        const previous = refs.get(ref, ref.tag ?? 'latest');
        const previousId = previous === undefined ? undefined : resolveAnyLocal(content, previous)?.configDigest;
        if (previousId !== undefined && previousId !== local.configDigest) options.onEvent?.({ type: 'name-moved', name: familiarName(ref), previousId });
        refs.set(ref, ref.tag ?? 'latest', local.manifestDigest, false);
        names.push(familiarName(ref));
        options.onEvent?.({ type: 'loaded-name', name: familiarName(ref), id: local.configDigest });
      }
      if (names.length === 0) {
        refs.markDangling(local.manifestDigest);
        options.onEvent?.({ type: 'loaded-id', id: local.configDigest });
      }
      loaded.push({ id: local.configDigest, names });
    }
    return loaded;
  } catch (error) {
    // Unnamed, the images written so far are garbage; blobs other images use are kept.
    if (written.length > 0) deleteUnused(settings, written);
    throw error;
  } finally {
    rmSync(spoolDir, { recursive: true, force: true });
  }
}
