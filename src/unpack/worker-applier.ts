import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MyDockerError } from '../errors.js';
import { bundleDirectory } from '../util/index.js';
import type { LayerFormat } from './apply-entry.js';
import type { AppliedLayer, TarApplier } from './apply-tar.js';
import { ScavengeClock } from './scavenge.js';
import { TransferBatcher } from './transfer-batcher.js';
import { deserializeError, type FromWorker, type ToWorker, type WorkerInput } from './worker-protocol.js';

// At most 16 unacknowledged transfers of ~1 MiB: memory stays flat whatever the layer size, and the
// download and decompression run ahead while the worker starts (its first ack comes ~60 ms after the
// first bytes): with 4, they stalled meanwhile (~4% slower on the bench's large pull).
const MAX_IN_FLIGHT = 16;
// This thread now allocates little besides the blob's buffers: collect them every 4 MiB of tar (~2 MiB of gzip).
const SCAVENGE_EVERY_BYTES = 4 << 20;
// A stopped worker ends at its next step (it only waits for messages or runs short fs calls); this is a safety net.
const STOP_GRACE_MS = 5000;

/** The worker's script: the bundled one when running from the bundle (the CLI), else tsc's output beside this module. */
export function applyWorkerPath(): string {
  const bundle = bundleDirectory();
  return bundle !== undefined ? join(bundle, 'apply-worker.cjs') : join(dirname(fileURLToPath(import.meta.url)), 'apply-worker-main.js');
}

let spare: Worker | undefined;

/**
 * Starts an apply worker ahead of need, so that its start-up (~50 ms of a core) overlaps with the
 * registry round trips before the first layer; the next {@link workerApplier} takes it. The
 * returned function ends it if nothing took it.
 */
export function prestartApplyWorker(): () => void {
  if (spare === undefined) {
    const started = new Worker(applyWorkerPath());
    // An idle spare must not keep the process alive, nor take it down if it fails (it is then not used).
    started.unref();
    started.on('error', () => {});
    started.once('exit', () => {
      if (spare === started) spare = undefined;
    });
    spare = started;
  }
  const mine = spare;
  return () => {
    if (spare !== mine) return;
    spare = undefined;
    void mine.terminate();
  };
}

/**
 * Applies the tar on a worker thread (apply-worker-main.ts), so that parsing and writing the files,
 * the costliest part of a large layer, run on another core than download, verification,
 * decompression and hashing. Same contract as localApplier; the thread has ended when end() or stop() settle.
 */
export function workerApplier(root: string, format: LayerFormat): TarApplier {
  const input: WorkerInput = { root, format };
  const worker = spare ?? new Worker(applyWorkerPath());
  spare = undefined;
  worker.ref();
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const post = (message: ToWorker, transfer?: ArrayBuffer[]): void => worker.postMessage(message, transfer);

  let outcome: { result: AppliedLayer } | { error: Error } | undefined;
  let stopping = false;
  let rejectFailure: (error: Error) => void = () => {};
  const failure = new Promise<never>((_, reject) => (rejectFailure = reject));
  failure.catch(() => {});
  let settle: () => void = () => {};
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const finish = (value: { result: AppliedLayer } | { error: Error }): void => {
    if (outcome !== undefined) return;
    outcome = value;
    if ('error' in value && !stopping) rejectFailure(value.error);
    settle();
    wakeUp();
  };

  let inFlight = 0;
  let wake: (() => void) | undefined;
  const wakeUp = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'ack') {
      inFlight--;
      wakeUp();
    } else if (message.type === 'done') {
      finish({ result: message.result });
    } else {
      finish({ error: deserializeError(message.error) });
    }
  });
  // An uncaught exception there (a bug), or the thread gone without a last word.
  worker.on('error', (error) => finish({ error: workerFailed(error.message) }));
  void exited.then((code) => finish({ error: workerFailed(`it exited with code ${code}`) }));

  post({ type: 'init', input });
  const batcher = new TransferBatcher((data) => {
    post({ type: 'chunk', data }, [data.buffer as ArrayBuffer]);
    inFlight++;
  });
  let stopped: Promise<void> | undefined;
  const stopWorker = (): Promise<void> => {
    stopped ??= (async () => {
      post({ type: 'stop' });
      const timer = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    })();
    return stopped;
  };
  const failed = (): boolean => outcome !== undefined && 'error' in outcome;
  const clock = new ScavengeClock(SCAVENGE_EVERY_BYTES);

  return {
    write(chunk, transferable) {
      if (outcome !== undefined) return undefined;
      batcher.add(chunk, transferable === true);
      clock.count(chunk.byteLength);
      if (inFlight < MAX_IN_FLIGHT) return undefined;
      return new Promise<void>((resolve) => (wake = resolve));
    },
    async end() {
      if (outcome === undefined) {
        batcher.flush();
        post({ type: 'end' });
      }
      await settled;
      // Nothing may write into the directory once the caller moves on (commit or discard).
      await (failed() ? stopWorker() : exited);
      if (outcome === undefined || 'error' in outcome) throw outcome?.error ?? workerFailed('no result');
      return outcome.result;
    },
    failure,
    get failed() {
      return failed();
    },
    async stop() {
      stopping = true;
      await stopWorker();
    },
  };
}

function workerFailed(detail: string): MyDockerError {
  return new MyDockerError('internal', 'ERR_UNPACK_WORKER', `the layer unpack worker failed: ${detail}`);
}
