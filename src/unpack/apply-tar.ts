import { createRequire } from 'node:module';
import type * as tar from 'tar-stream';
import { errnoCode, isMyDockerError } from '../errors.js';
import { LayerWriter, type LayerFormat } from './apply-entry.js';
import type { DeferredLink } from './overlay-ops.js';
import type { FileSink } from './fs-ops.js';
import { corruptLayer, fsFailure } from './errors.js';

/** What applying a layer's tar produced, beyond the files themselves (overlay format only). */
export interface AppliedLayer {
  overlay?: {
    opaque: string[];
    deferredLinks: DeferredLink[];
    contentBytes: number;
    /** Set when the filesystem refused overlayfs's markers: the whiteouts, listed (usable by the copy snapshotter only). */
    unmarkedWhiteouts?: string[];
  };
}

/**
 * Consumes the uncompressed tar stream of one layer and applies its entries: here on this thread
 * ({@link localApplier}) or on a worker thread (worker-applier.ts), behind the same contract.
 */
export interface TarApplier {
  /**
   * Takes the next bytes of the tar; when it returns a promise, wait for it before writing more
   * (backpressure). `transferable`: the chunk's ArrayBuffer is the caller's to give away (zlib's
   * output), so a worker may receive it without a copy; the chunk must not be read afterwards.
   */
  write(chunk: Buffer, transferable?: boolean): Promise<void> | undefined;
  /** The tar ended: resolves once every entry is applied (rejects with the failure if applying failed). */
  end(): Promise<AppliedLayer>;
  /** Rejects as soon as applying fails on its own (never after {@link stop}), so that feeding stops early. */
  readonly failure: Promise<never>;
  /** True once applying failed: more bytes are useless. */
  readonly failed: boolean;
  /** Stops applying after a source failure or an abort; resolves once nothing more will be written. */
  stop(error: Error): Promise<void>;
}

let tarStream: typeof tar | undefined;

/**
 * tar-stream, loaded on first use: a pull whose layers all unpack on the worker thread never needs
 * it on the main one (~10 ms). The worker has it bundled in (see provideTarStream).
 */
function tarModule(): typeof tar {
  tarStream ??= createRequire(import.meta.url)('tar-stream') as typeof tar;
  return tarStream;
}

/** Hands over tar-stream where it is imported already: the worker's bundle holds it, so the worker resolves no package at start. */
export function provideTarStream(module: typeof tar): void {
  tarStream = module;
}

/** Applies the tar on this thread: tar-stream's parser feeding a {@link LayerWriter}. */
export function localApplier(root: string, format: LayerFormat): TarApplier {
  const extract = tarModule().extract();
  const writer = new LayerWriter(root, format);
  let stopped = false;
  let failed = false;
  const applying = applyEntries(extract, writer, root).then(() => results(writer));
  // Echoes of a stop (the parser destroyed under the loop) are not failures of their own.
  const failure = applying.then(
    () => new Promise<never>(() => {}),
    (error: unknown) => {
      failed = true;
      return stopped ? new Promise<never>(() => {}) : Promise.reject(error);
    },
  );
  failure.catch(() => {});
  applying.catch(() => {});
  return {
    write(chunk) {
      if (failed || extract.destroying) return undefined;
      return extract.write(chunk) || extract.destroying ? undefined : drained(extract);
    },
    end() {
      extract.end(undefined);
      return applying;
    },
    failure,
    get failed() {
      return failed;
    },
    async stop(error) {
      stopped = true;
      extract.destroy(error);
      await applying.catch(() => undefined);
    },
  };
}

/**
 * Applies every entry in tar order; settles once the parser has closed and the entry being
 * applied is done. Driven by tar-stream's events rather than its async iterators: for thousands
 * of small entries the promises those make per entry and per chunk cost the worker thread, the
 * busier one of a large pull, ~10% of its time.
 */
function applyEntries(extract: tar.Extract, writer: LayerWriter, root: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: unknown;
    let closed = false;
    // An entry whose data is still coming: the parser may close before its stream ends.
    let busy = false;
    let settled = false;
    const settle = (): void => {
      if (settled || !closed || (busy && failure === undefined)) return;
      settled = true;
      if (failure === undefined) {
        try {
          writer.finish();
          resolve();
          return;
        } catch (error) {
          failure = error;
        }
      }
      reject(unpackError(failure, root));
    };
    const fail = (error: unknown): void => {
      if (failure !== undefined) return;
      failure = error ?? new Error('tar: stopped');
      extract.destroy();
      settle();
    };
    /** Closes an entry's file; a failure drops the half-made file. */
    const finishEntry = (sink: FileSink | undefined): boolean => {
      try {
        sink?.close();
        return true;
      } catch (error) {
        sink?.abort();
        fail(error);
        return false;
      }
    };
    extract.on('entry', (header, stream, next) => {
      if (failure !== undefined) return;
      let sink: FileSink | undefined;
      try {
        sink = writer.begin(header);
      } catch (error) {
        fail(error);
        return;
      }
      // tar-stream gives these no data, and ends their streams late (after it closed, for the last
      // entry) or never (a directory whose header has a size): done here, header only, as Go's
      // archive/tar (Docker's) treats them.
      if (header.type === 'directory' || !((header.size ?? 0) > 0)) {
        if (finishEntry(sink)) next();
        return;
      }
      // This entry holds `busy` until its stream ends or closes (whichever comes first, once):
      // its 'close' comes after the next entry may have begun.
      let active = true;
      const release = (): void => {
        active = false;
        busy = false;
      };
      busy = true;
      stream.on('data', (chunk) => {
        if (failure !== undefined) return;
        try {
          sink?.write(chunk as Buffer);
        } catch (error) {
          fail(error);
        }
      });
      stream.on('error', fail);
      stream.on('end', () => {
        if (failure !== undefined || !active) return;
        const done = sink;
        sink = undefined;
        if (!finishEntry(done)) return;
        release();
        next();
        settle();
      });
      stream.on('close', () => {
        if (!active) return;
        // Destroyed before its end (a failure, a stop): the half-written file is dropped.
        sink?.abort();
        sink = undefined;
        release();
        settle();
      });
    });
    extract.on('error', fail);
    extract.on('close', () => {
      closed = true;
      settle();
    });
  });
}

function unpackError(error: unknown, root: string): unknown {
  if (isMyDockerError(error)) return error;
  if (errnoCode(error) !== undefined) return fsFailure(error, 'unpack into', root);
  // Anything else comes from the tar parser: a bad checksum, a short archive.
  return corruptLayer(`tar: ${error instanceof Error ? error.message : String(error)}`, error);
}

function results(writer: LayerWriter): AppliedLayer {
  if (writer.overlay === undefined) return {};
  return {
    overlay: {
      opaque: writer.overlay.opaque,
      deferredLinks: writer.overlay.deferredLinks,
      contentBytes: writer.contentBytes,
      ...(writer.overlay.unmarkedWhiteouts && { unmarkedWhiteouts: writer.overlay.unmarkedWhiteouts }),
    },
  };
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
