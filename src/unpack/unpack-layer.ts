import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { MyDockerError, errnoCode, isMyDockerError } from '../errors.js';
import { LayerWriter, type LayerFormat } from './apply-entry.js';
import type { DeferredLink } from './overlay-ops.js';
import { decompress } from './decompress.js';
import { corruptLayer, fsFailure, interrupted } from './errors.js';

/** Options for {@link unpackLayer}. */
export interface UnpackOptions {
  signal?: AbortSignal;
  /** Called with the running total of uncompressed bytes read. */
  onProgress?: (uncompressedBytes: number) => void;
  /** 'flatten' (default): apply onto a root holding the layers below; 'overlay': unpack alone, in overlayfs's format. */
  format?: LayerFormat;
}

/** What the uncompressed layer was: its diff ID and size. */
export interface UnpackResult {
  /** "sha256:<hex>" of the uncompressed tar stream (the image config's diff_ids entry). */
  diffId: string;
  /** Uncompressed bytes. */
  size: number;
  /** Overlay format: opaque directories (relative paths) and hardlinks to lower layers still to make. */
  overlay?: {
    opaque: string[];
    deferredLinks: DeferredLink[];
    contentBytes: number;
    /** Set when the filesystem refused overlayfs's markers: the whiteouts, listed (usable by the copy snapshotter only). */
    unmarkedWhiteouts?: string[];
  };
}

/**
 * Decompresses `blob` (gzip, zstd or plain tar, sniffed from the magic bytes; mediaType is a hint),
 * hashes the uncompressed stream, and applies the tar entries onto `root` (a directory that already
 * holds the previous layers). One streaming pass: decompress → hash → tar parse → write.
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
  const extract = tar.extract();
  const job = run(blob, mediaType, rootPath, extract, options);
  // A failed unpack must not leave a read pending on the caller's stream (e.g. a stalled registry response).
  job.catch(() => release(blob));
  if (signal === undefined) return job;
  // The blob may stall (a slow registry); the race rejects at once, and destroying the parser
  // makes the loops stop at their next step.
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      const error = interrupted(signal.reason);
      extract.destroy(error);
      release(blob);
      reject(error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([job, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    job.catch(() => {});
    aborted.catch(() => {});
  }
}

async function run(blob: NodeJS.ReadableStream | Readable, mediaType: string, root: string, extract: tar.Extract, options: UnpackOptions): Promise<UnpackResult> {
  const hash = createHash('sha256');
  const feeding = feed(decompress(chunks(blob), mediaType), extract, hash, options);
  let feedError: unknown;
  feeding.catch((error: unknown) => {
    feedError = error;
    // A decompression or source error must also stop the entry loop, which waits on the parser.
    extract.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  try {
    const writer = new LayerWriter(root, options.format);
    const [size] = await Promise.all([feeding, applyEntries(extract, writer, root, options.signal)]);
    const overlay = writer.overlay ? {
      opaque: writer.overlay.opaque,
      deferredLinks: writer.overlay.deferredLinks,
      contentBytes: writer.contentBytes,
      ...(writer.overlay.unmarkedWhiteouts && { unmarkedWhiteouts: writer.overlay.unmarkedWhiteouts }),
    } : undefined;
    return { diffId: `sha256:${hash.digest('hex')}`, size, ...(overlay && { overlay }) };
  } catch (error) {
    // The parser only echoes a source failure; report the original (e.g. the caller's digest error).
    throw feedError ?? error;
  }
}

/** Hashes and counts the uncompressed bytes and writes them into the tar parser, honouring its backpressure. */
async function feed(input: AsyncIterable<Buffer>, extract: tar.Extract, hash: ReturnType<typeof createHash>, options: UnpackOptions): Promise<number> {
  let size = 0;
  for await (const chunk of input) {
    if (options.signal?.aborted === true) throw interrupted(options.signal.reason);
    // The entry loop failed (or was aborted) and tore the parser down: stop reading.
    if (extract.destroying) return size;
    hash.update(chunk);
    size += chunk.byteLength;
    options.onProgress?.(size);
    if (!extract.write(chunk) && !extract.destroying) await drained(extract);
  }
  extract.end(undefined);
  return size;
}

async function applyEntries(extract: tar.Extract, writer: LayerWriter, root: string, signal: AbortSignal | undefined): Promise<void> {
  try {
    for await (const entry of extract) {
      const sink = writer.begin(entry.header);
      try {
        for await (const chunk of entry as AsyncIterable<Buffer>) {
          if (signal?.aborted === true) throw interrupted(signal.reason);
          sink?.write(chunk);
        }
        sink?.close();
      } catch (error) {
        sink?.abort();
        throw error;
      }
    }
    writer.finish();
  } catch (error) {
    if (isMyDockerError(error)) throw error;
    if (errnoCode(error) !== undefined) throw fsFailure(error, 'unpack into', root);
    // Anything else comes from the tar parser: a bad checksum, a short archive.
    throw corruptLayer(`tar: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

function drained(extract: tar.Extract): Promise<void> {
  return new Promise((resolveDrain) => {
    const done = (): void => {
      extract.off('drain', done);
      extract.off('close', done);
      resolveDrain();
    };
    extract.on('drain', done);
    extract.on('close', done);
  });
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
