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
    try {
      // The usual way to reach the collector without --expose-gc on the command line: the flag
      // only makes new contexts carry a gc() function, which runs on this thread's heap. The flag
      // is turned off again at once: V8 keeps a hash of its flags in every code cache and rejects
      // a cache whose hash differs (with the flag left on, every cache a large pull wrote was
      // rejected by the next command); starting Node with --expose-gc instead costs every
      // command ~7 ms, as Node's own built-in code caches are then rejected.
      setFlagsFromString('--expose-gc');
      try {
        gc = runInNewContext('gc') as Gc;
      } finally {
        setFlagsFromString('--no-expose-gc');
      }
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
