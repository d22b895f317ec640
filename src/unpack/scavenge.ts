import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options: { type: 'minor' }) => void;
let gc: Gc | null | undefined;

/**
 * Runs a scavenge (V8's young-generation collection, about a millisecond) of this thread's heap.
 * A large pull streams ~170 MB of short-lived ArrayBuffers (network reads, zlib output) through
 * threads that allocate few JS objects, so V8 would only collect them after external memory grew
 * by ~64 MB per thread; a scavenge every few MB keeps the peak RSS low and flat instead. A no-op
 * where the collector cannot be reached.
 */
export function scavenge(): void {
  if (gc === undefined) {
    // bin/mydocker starts Node with --expose-gc: changing V8's flags at run time (below) would make
    // V8 reject every code cache written afterwards, which holds the flags' hash.
    const exposed = (globalThis as { gc?: unknown }).gc;
    if (typeof exposed === 'function') gc = exposed as Gc;
  }
  if (gc === undefined) {
    try {
      // The usual way to reach the collector without --expose-gc on the command line: the flag
      // only makes new contexts carry a gc() function, which runs on this thread's heap.
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as Gc;
    } catch {
      gc = null;
    }
  }
  gc?.({ type: 'minor' });
}

/** Calls {@link scavenge} once every `everyBytes` bytes counted. */
export class ScavengeClock {
  private bytes = 0;

  constructor(private readonly everyBytes: number) {}

  count(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes < this.everyBytes) return;
    this.bytes = 0;
    scavenge();
  }
}
