import { MyDockerError } from '../errors.js';
import { chainId as computeChainId, hostPlatform, type Platform } from '../oci/index.js';
import { familiarName, type Reference } from '../reference/index.js';
import { endpointsFor, RegistryClient } from '../registry/index.js';
import type { Settings } from '../config/index.js';
import { ImageRefs, setPulledTag, type LocalImage } from '../images/index.js';
import { ContentStore } from '../store/index.js';
import { prestartApplyWorker } from '../unpack/index.js';
import { DEFAULT_MAX_CONCURRENT_DOWNLOADS } from '../config/index.js';
import { ensureSnapshots, type LayerJob } from './layer-pipeline.js';
import type { PullEvent } from './events.js';
import { fetchImage, type RemoteImage } from './fetch-image.js';

export interface PullOptions {
  settings: Settings;
  platform?: Platform;
  signal?: AbortSignal;
  onEvent?: (event: PullEvent) => void;
}

export interface PullResult {
  image: LocalImage;
  /** The digest the reference resolved to in the registry (Docker prints it as "Digest:"). */
  digest: string;
  /** False when everything was already local ("Image is up to date"). */
  downloaded: boolean;
}

/** The layers of a manifest with their diff IDs and chain IDs, bottom first. */
export function layerJobs(layers: ReadonlyArray<{ digest: string; mediaType: string; size: number }>, diffIds: readonly string[]): LayerJob[] {
  return layers.map((layer, i) => ({
    digest: layer.digest,
    mediaType: layer.mediaType,
    size: layer.size,
    diffId: diffIds[i] ?? '',
    chainId: computeChainId(diffIds.slice(0, i + 1)),
    parent: i === 0 ? '' : computeChainId(diffIds.slice(0, i)),
  }));
}

/** Tries the endpoints in order (mirrors first for docker.io); a mirror's failure falls through. */
async function fetchFromEndpoints(ref: Reference, platform: Platform, options: PullOptions): Promise<RemoteImage> {
  const endpoints = endpointsFor(ref.domain, options.settings.insecureRegistries, options.settings.registryMirrors);
  const name = familiarName(ref);
  let lastError: unknown;
  for (const endpoint of endpoints) {
    const client = new RegistryClient(endpoint, ref.path, { signal: options.signal, onEvent: options.onEvent });
    try {
      return await fetchImage(client, ref.tag ?? 'latest', ref.digest, platform, name);
    } catch (error) {
      lastError = error;
      const isFinal = (error as MyDockerError).kind === 'interrupted' || (error as MyDockerError).kind === 'unsupported';
      if (!endpoint.mirror || isFinal) throw error;
    }
  }
  throw lastError;
}

/**
 * Pulls an image: resolves the reference in the registry, fetches and verifies its documents, and
 * unpacks its layers unless the same root is already local. Writes the documents and then the tag
 * only after the root is in place, so a tag never points at an incomplete image.
 */
export async function pull(ref: Reference, options: PullOptions): Promise<PullResult> {
  // The registry round trips leave a core idle: a large layer's worker starts meanwhile.
  const releaseWorker = prestartApplyWorker();
  try {
    return await pullWith(ref, options);
  } finally {
    releaseWorker();
  }
}

async function pullWith(ref: Reference, options: PullOptions): Promise<PullResult> {
  const { root } = options.settings;
  const platform = options.platform ?? hostPlatform();
  const emit = options.onEvent ?? (() => undefined);
  const remote = await fetchFromEndpoints(ref, platform, options);
  emit({ type: 'pull-resolved', repository: ref.path, reference: ref.digest ?? ref.tag ?? 'latest', digest: remote.topDigest });

  const content = new ContentStore(root);
  const chainId = computeChainId(remote.config.rootfs.diff_ids);
  const layersDownloaded = await ensureSnapshots(layerJobs(remote.manifest.layers, remote.config.rootfs.diff_ids), {
    root,
    concurrency: options.settings.maxConcurrentDownloads ?? DEFAULT_MAX_CONCURRENT_DOWNLOADS,
    emit,
    ...(options.signal && { signal: options.signal }),
    fetch: async (digest) => (await remote.client.getBlob(digest)).body,
  });
  const downloaded = layersDownloaded || content.read(remote.manifestDigest) === undefined;
  for (const [digest, bytes] of remote.documents) content.write(digest, bytes, `document ${digest}`);
  if (ref.tag !== undefined && ref.digest === undefined) setPulledTag(root, ref, ref.tag, remote.topDigest);
  // Remembered so `images` lists it (as <none> with its digest) and rmi/prune can find it.
  if (ref.digest !== undefined) new ImageRefs(root).setDigest(ref, remote.topDigest);
  emit({ type: 'pull-done', digest: remote.topDigest, downloaded });
  return {
    image: { manifestDigest: remote.manifestDigest, manifest: remote.manifest, configDigest: remote.manifest.config.digest, config: remote.config, chainId },
    digest: remote.topDigest,
    downloaded,
  };
}

export interface UnpackImageOptions {
  settings: Settings;
  signal?: AbortSignal;
  onEvent?: (e: PullEvent) => void;
}

/**
 * Makes sure every layer snapshot of a local image exists, unpacking missing ones from the local
 * content store (after `load`, or when a snapshot was removed). Never touches the network: fails
 * with ERR_LAYER_BLOB_MISSING when a needed blob is not local either.
 */
export async function unpackImage(image: LocalImage, options: UnpackImageOptions): Promise<void> {
  await ensureSnapshots(layerJobs(image.manifest.layers, image.config.rootfs.diff_ids), {
    root: options.settings.root,
    concurrency: options.settings.maxConcurrentDownloads ?? DEFAULT_MAX_CONCURRENT_DOWNLOADS,
    emit: options.onEvent ?? (() => undefined),
    ...(options.signal && { signal: options.signal }),
  });
}
