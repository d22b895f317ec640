import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { MyDockerError } from '../errors.js';
import type { LayerFormat } from './apply-entry.js';
import { localApplier, type AppliedLayer, type TarApplier } from './apply-tar.js';
import { decompress, type Compression } from './decompress.js';
import { interrupted } from './errors.js';
import { workerApplier } from './worker-applier.js';

/** Options for {@link unpackLayer}. */
export interface UnpackOptions {
  signal?: AbortSignal;
  /** Called with the running total of uncompressed bytes read. */
  onProgress?: (uncompressedBytes: number) => void;
  /** 'flatten' (default): apply onto a root holding the layers below; 'overlay': unpack alone, in overlayfs's format. */
  format?: LayerFormat;
  /**
   * Parse the tar and write the files on a worker thread, so that they overlap with the download,
   * verification, decompression and hashing on this one: worth its start-up (~50 ms of a core,
   * see prestartApplyWorker) for large layers only.
   */
  worker?: boolean;
}

/** What the uncompressed layer was: its diff ID and size. */
export interface UnpackResult {
  /** "sha256:<hex>" of the uncompressed tar stream (the image config's diff_ids entry). */
  diffId: string;
  /** Uncompressed bytes. */
  size: number;
  /** Overlay format: opaque directories (relative paths) and hardlinks to lower layers still to make. */
  overlay?: AppliedLayer['overlay'];
}

/**
 * Decompresses `blob` (gzip, zstd or plain tar, sniffed from the magic bytes; mediaType is a hint),
 * hashes the uncompressed stream, and applies the tar entries onto `root` (a directory that already
 * holds the previous layers). One streaming pass: decompress → hash → tar parse → write, on a
 * worker thread when `options.worker` is set (same results, same errors).
 *
 * Rejects with a MyDockerError: 'unsafe-content' (ERR_UNSAFE_LAYER_ENTRY) for an entry that would
 * escape `root`; 'integrity' for a corrupt or truncated blob; 'unsupported' for bzip2/xz or an unknown
 * entry type; 'resource' when the disk is full; 'interrupted' when `signal` fires. Errors thrown by
 * `blob` itself pass through unchanged. On failure `root` is left half-written (the caller discards
 * it) and `blob` is released (destroyed) rather than drained.
 */
export async function unpackLayer(
  blob: NodeJS.ReadableStream | Readable,
  mediaType: string,
  root: string,
  options: UnpackOptions = {},
): Promise<UnpackResult> {
  const { signal } = options;
  if (signal?.aborted === true) throw interrupted(signal.reason);
  const rootPath = resolve(root);
  if (fs.statSync(rootPath, { throwIfNoEntry: false })?.isDirectory() !== true) {
    throw new MyDockerError('internal', 'ERR_UNPACK_ROOT', `cannot unpack a layer into ${rootPath}: not a directory`);
  }
  const format = options.format ?? 'flatten';
  const applier = options.worker === true ? workerApplier(rootPath, format) : localApplier(rootPath, format);
  const job = { result: run(blob, mediaType, rootPath, applier, options), stop: () => applier.stop(interrupted()) };
  // A failed unpack must not leave a read pending on the caller's stream (e.g. a stalled registry response).
  job.result.catch(() => release(blob));
  if (signal === undefined) return job.result;
  // The blob may stall (a slow registry); the race rejects as soon as nothing writes into `root`
  // any more (the caller then removes it), without waiting for the blob.
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      const error = interrupted(signal.reason);
      release(blob);
      void job.stop().then(() => reject(error));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([job.result, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    job.result.catch(() => {});
    aborted.catch(() => {});
  }
}

async function run(blob: NodeJS.ReadableStream | Readable, mediaType: string, root: string, applier: TarApplier, options: UnpackOptions): Promise<UnpackResult> {
  const hash = createHash('sha256');
  let compression: Compression = 'none';
  const feeding = feed(decompress(chunks(blob), mediaType, (c) => (compression = c)), () => compression === 'gzip', applier, hash, options);
  feeding.catch(() => {});
  let size: number;
  try {
    // The applier's own failure (an unsafe entry, say) stops everything at once, even mid-download.
    size = await Promise.race([feeding, applier.failure]);
  } catch (error) {
    // Whatever failed, nothing may still be writing into `root` when we return.
    await applier.stop(error instanceof Error ? error : new Error(String(error)));
    // Once aborted, the blob's own teardown error is only an echo of the abort.
    if (options.signal?.aborted === true) throw interrupted(options.signal.reason);
    throw error;
  }
  const applied = await applier.end();
  return { diffId: `sha256:${hash.digest('hex')}`, size, ...(applied.overlay && { overlay: applied.overlay }) };
}

/**
 * Hashes and counts the uncompressed bytes and hands them to the applier, honouring its
 * backpressure. Hashed here, not on the worker: the worker, writing the files, is the busier thread.
 */
async function feed(input: AsyncIterable<Buffer>, fromZlib: () => boolean, applier: TarApplier, hash: ReturnType<typeof createHash>, options: UnpackOptions): Promise<number> {
  let size = 0;
  for await (const chunk of input) {
    if (options.signal?.aborted === true) throw interrupted(options.signal.reason);
    // The applier failed: its error is the one reported; stop reading.
    if (applier.failed) return size;
    hash.update(chunk);
    size += chunk.byteLength;
    options.onProgress?.(size);
    // zlib hands out each output buffer and never writes it again: it may move to the worker as is.
    const wait = applier.write(chunk, fromZlib());
    if (wait !== undefined) await wait;
  }
  return size;
}

async function* chunks(blob: NodeJS.ReadableStream | Readable): AsyncGenerator<Buffer> {
  for await (const chunk of blob as AsyncIterable<Buffer | string>) {
    yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
}

function release(blob: NodeJS.ReadableStream | Readable): void {
  const destroy = (blob as Partial<Readable>).destroy;
  if (typeof destroy === 'function') destroy.call(blob);
}
