import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Random bytes from the kernel's /dev/urandom, as hex. Not node:crypto's randomBytes: loading
 * node:crypto costs ~4 ms of start-up, and a cached `run` needs only a container id and a few
 * temporary names.
 */
export function randomHex(bytes: number): string {
  const buffer = Buffer.alloc(bytes);
  const fd = openSync('/dev/urandom', 'r');
  try {
    for (let offset = 0; offset < bytes; ) offset += readSync(fd, buffer, offset, bytes - offset, null);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('hex');
}

/** A uniform random integer in [0, max), max <= 2^32 (rejection sampling: no modulo bias). */
export function randomBelow(max: number): number {
  if (!Number.isInteger(max) || max <= 0 || max > 2 ** 32) throw new RangeError(`randomBelow: bad bound ${max}`);
  const limit = 2 ** 32 - (2 ** 32 % max);
  for (;;) {
    const value = Number.parseInt(randomHex(4), 16);
    if (value < limit) return value % max;
  }
}
