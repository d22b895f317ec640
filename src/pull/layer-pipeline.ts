import { createReadStream, readdirSync, rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MyDockerError, isMyDockerError } from '../errors.js';
import { digestHex, digestMismatch, LAYER_MEDIA_TYPES } from '../oci/index.js';
import { LayerLock, SnapshotStore } from '../snapshots/index.js';
import { BlobFileWriter, blobPath, hasBlob, VerifyStream } from '../store/index.js';
import { unpackLayer, type DeferredLink } from '../unpack/index.js';
import type { PullEvent } from './events.js';
import { Limiter } from './limiter.js';
import { linkFromLowers } from './link-from-lowers.js';

/**
 * Layers from this size (compressed) are unpacked with a worker thread writing the files while this
 * one downloads, verifies, decompresses and hashes; below it the thread's start-up costs more than it saves.
 */
export const WORKER_MIN_BYTES = 4 * 1024 * 1024;

/** Docker's short layer id: the first 12 hex digits of the digest. */
export function shortId(digest: string): string {
  return digestHex(digest).slice(0, 12);
}

/** One layer of an image, with the IDs of its snapshot. */
export interface LayerJob {
  digest: string;
  mediaType: string;
  size: number;
  diffId: string;
  chainId: string;
  /** Chain ID of the snapshot below ("" for the base layer). */
  parent: string;
}

export interface EnsureOptions {
  root: string;
  concurrency: number;
  signal?: AbortSignal;
  emit: (e: PullEvent) => void;
  /** Fetches a layer blob from the registry; absent when only local blobs may be used (load, run). */
  fetch?: (digest: string) => Promise<Readable>;
}

/**
 * Makes sure every layer of a stack has its snapshot. Layers are fetched (or read from the local
 * content store), verified and unpacked concurrently, `concurrency` at a time, each into its own
 * temp directory; each is committed only after the layers below it are, so a stack is complete once
 * its top snapshot exists. Returns whether any layer blob was downloaded.
 */
export async function ensureSnapshots(layers: readonly LayerJob[], options: EnsureOptions): Promise<boolean> {
  const snapshots = new SnapshotStore(options.root);
  for (const layer of layers) {
    if (!LAYER_MEDIA_TYPES.includes(layer.mediaType)) {
      throw new MyDockerError('unsupported', 'ERR_LAYER_MEDIA_TYPE', `layer ${shortId(layer.digest)} has unsupported media type "${layer.mediaType}"`);
    }
  }
  snapshots.removeStaleTemps();
  LayerLock.removeStale(options.root);
  // One failure stops the others, whose temp directories are then removed.
  const abort = new AbortController();
  const onOuterAbort = (): void => abort.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const limiter = new Limiter(Math.max(1, options.concurrency));
  let downloaded = false;
  const committed: Array<Promise<void>> = [];
  const context: LayerContext = { ...options, signal: abort.signal, snapshots, limiter, markDownloaded: () => { downloaded = true; } };
  try {
    for (const [i, layer] of layers.entries()) {
      const below = i === 0 ? Promise.resolve() : (committed[i - 1] as Promise<void>);
      const lowers = layers.slice(0, i).map((l) => l.chainId);
      committed.push(ensureOne(layer, below, lowers, context));
      committed[i]?.catch((error: unknown) => abort.abort(error));
    }
    const results = await Promise.allSettled(committed);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw firstCause(results, options.signal);
    return downloaded;
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** The error that started the failure (others are mostly "interrupted" echoes of it). */
function firstCause(results: PromiseSettledResult<void>[], signal: AbortSignal | undefined): unknown {
  const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
  if (signal?.aborted) return errors.find((e) => isMyDockerError(e) && e.kind === 'interrupted') ?? errors[0];
  return errors.find((e) => !(isMyDockerError(e) && e.kind === 'interrupted')) ?? errors[0];
}

interface LayerContext extends EnsureOptions {
  signal: AbortSignal;
  snapshots: SnapshotStore;
  limiter: Limiter;
  markDownloaded: () => void;
}

async function ensureOne(layer: LayerJob, below: Promise<void>, lowers: string[], c: LayerContext): Promise<void> {
  const id = shortId(layer.digest);
  const event = (status: 'waiting' | 'downloading' | 'verifying' | 'extracting' | 'complete' | 'exists', current?: number): void =>
    c.emit({ type: 'layer', id, digest: layer.digest, status, size: layer.size, ...(current !== undefined && { current }) });
  if (c.snapshots.has(layer.chainId)) {
    event('exists');
    await below;
    return;
  }
  event('waiting');
  await c.limiter.acquire();
  let slot = true;
  const releaseSlot = (): void => {
    if (slot) c.limiter.release();
    slot = false;
  };
  let lock: LayerLock | undefined;
  let temp: string | undefined;
  try {
    lock = await LayerLock.acquire(c.root, layer.chainId, () => c.snapshots.has(layer.chainId), c.signal);
    if (lock === undefined || c.snapshots.has(layer.chainId)) {
      // Another mydocker process unpacked it while we waited.
      releaseSlot();
      await below;
      event('complete');
      return;
    }
    temp = c.snapshots.createTemp();
    const unpacked = await unpackFromSource(layer, `${temp}/fs`, c, event);
    releaseSlot();
    await below;
    if (unpacked.deferredLinks.length > 0) linkFromLowers(unpacked.deferredLinks, c.snapshots, lowers, `${temp}/fs`);
    c.snapshots.commit(temp, { chainId: layer.chainId, diffId: layer.diffId, parent: layer.parent, size: unpacked.contentBytes, opaque: unpacked.opaque, ...(unpacked.unmarkedWhiteouts && { whiteouts: unpacked.unmarkedWhiteouts }) });
    temp = undefined;
    event('complete');
  } finally {
    releaseSlot();
    if (temp !== undefined) c.snapshots.discard(temp);
    lock?.release();
  }
}

interface Unpacked {
  opaque: string[];
  unmarkedWhiteouts?: string[];
  contentBytes: number;
  deferredLinks: DeferredLink[];
}

/** Unpacks from the local blob when the content store has it (verified again while reading), else downloads it. */
async function unpackFromSource(layer: LayerJob, dir: string, c: LayerContext, event: (status: 'downloading' | 'verifying' | 'extracting', current?: number) => void): Promise<Unpacked> {
  if (hasBlob(c.root, layer.digest, layer.size)) {
    event('extracting');
    try {
      return await unpackStream(createReadStream(blobPath(c.root, layer.digest)), layer, dir, c, undefined);
    } catch (error) {
      // A corrupt local blob is dropped; with a registry at hand it is fetched again.
      if (!(isMyDockerError(error) && error.kind === 'integrity') || c.fetch === undefined) throw error;
      rmSync(blobPath(c.root, layer.digest), { force: true });
      for (const name of readdirSync(dir)) rmSync(`${dir}/${name}`, { recursive: true, force: true });
    }
  }
  if (c.fetch === undefined) {
    throw new MyDockerError('not-found', 'ERR_LAYER_BLOB_MISSING', `layer ${shortId(layer.digest)} is neither unpacked nor stored locally`, {
      hint: 'Pull the image again (or load it again from its archive).',
    });
  }
  event('downloading', 0);
  const body = await c.fetch(layer.digest);
  c.markDownloaded();
  const writer = new BlobFileWriter(c.root);
  try {
    const result = await unpackStream(body, layer, dir, c, { writer, onBytes: (n) => event('downloading', n) });
    event('verifying');
    writer.commit(layer.digest);
    return result;
  } catch (error) {
    writer.discard();
    throw error;
  }
}

/** blob → verify (digest, size) → [copy to the content store] → decompress → diff_id → unpack, in one pass. */
async function unpackStream(
  source: Readable,
  layer: LayerJob,
  dir: string,
  c: LayerContext,
  download: { writer: BlobFileWriter; onBytes: (n: number) => void } | undefined,
): Promise<Unpacked> {
  const id = shortId(layer.digest);
  let lastReport = 0;
  const verify = new VerifyStream(layer.digest, layer.size, `layer ${id}`, (current) => {
    // At most ten progress events a second per layer: enough for a live display.
    const now = performance.now();
    if (download === undefined || now - lastReport < 100) return;
    lastReport = now;
    download.onBytes(current);
  });
  const tail = download ? download.writer : verify;
  const piping = download ? pipeline(source, verify, download.writer) : pipeline(source, verify);
  const [result] = await Promise.all([unpackLayer(tail, layer.mediaType, dir, { signal: c.signal, format: 'overlay', worker: layer.size >= WORKER_MIN_BYTES }), verify.verified, piping]);
  if (result.diffId !== layer.diffId) throw digestMismatch(`layer ${id} (uncompressed)`, layer.diffId, result.diffId);
  const overlay = result.overlay;
  return {
    opaque: overlay?.opaque ?? [],
    deferredLinks: overlay?.deferredLinks ?? [],
    contentBytes: overlay?.contentBytes ?? 0,
    ...(overlay?.unmarkedWhiteouts && { unmarkedWhiteouts: overlay.unmarkedWhiteouts }),
  };
}
