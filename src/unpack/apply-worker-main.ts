/**
 * The apply worker: a worker thread that parses one layer's tar and writes its entries
 * (localApplier), so that on another core the caller can download, verify, decompress and hash.
 * Started by worker-applier.ts; speaks worker-protocol.ts.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import * as tarStream from 'tar-stream';
import { localApplier, provideTarStream } from './apply-tar.js';
import { interrupted } from './errors.js';
import { ScavengeClock } from './scavenge.js';
import { serializeError, type FromWorker, type ToWorker, type WorkerInput } from './worker-protocol.js';

// The tar's buffers pass through here and die young: collect them every 4 MiB (see scavenge.ts).
const SCAVENGE_EVERY_BYTES = 4 << 20;

function start(port: MessagePort): void {
  port.once('message', (message: ToWorker) => {
    if (message.type === 'init') main(port, message.input);
    else port.close();
  });
}

function main(port: MessagePort, input: WorkerInput): void {
  const post = (message: FromWorker): void => port.postMessage(message);
  const applier = localApplier(input.root, input.format);
  let finished = false;
  // The last word; the thread ends once it is out (a closed port still delivers what was posted).
  const finish = (message: FromWorker): void => {
    if (finished) return;
    finished = true;
    post(message);
    port.close();
  };
  applier.failure.catch((error: unknown) => finish({ type: 'error', error: serializeError(error) }));
  // Chunks are applied one at a time, in order: the next waits until the parser took the previous.
  let queue = Promise.resolve();
  const clock = new ScavengeClock(SCAVENGE_EVERY_BYTES);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'stop') {
      // Handled at once, ahead of queued chunks: the caller waits for this thread to end.
      void applier.stop(interrupted()).then(() => finish({ type: 'error', error: serializeError(interrupted()) }));
      return;
    }
    queue = queue.then(async () => {
      if (finished) return;
      if (message.type === 'chunk') {
        const wait = applier.write(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength));
        if (wait) await wait;
        post({ type: 'ack' });
        clock.count(message.data.byteLength);
        return;
      }
      try {
        finish({ type: 'done', result: await applier.end() });
      } catch (error) {
        finish({ type: 'error', error: serializeError(error) });
      }
    });
  });
}

if (parentPort === null) throw new Error('apply-worker-main must run as a worker thread');
provideTarStream(tarStream);
start(parentPort);
