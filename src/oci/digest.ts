// Documents (manifests, configs, chain IDs) are hashed in pure JS: loading node:crypto costs ~4 ms
// of start-up, and a cached `run` hashes only a few kilobytes. Layers stream through node:crypto.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { MyDockerError } from '../errors.js';

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

/** True for "sha256:<64 lowercase hex>", the only algorithm registries use in practice. */
export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST_RE.test(value);
}

/** sha256 digest of a buffer, as "sha256:<hex>". */
export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${bytesToHex(sha256(typeof data === 'string' ? utf8ToBytes(data) : data))}`;
}

/** The hex part of a digest (file names in the store). */
export function digestHex(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

/** Throws an integrity error unless `data` hashes to `expected`. `what` names it for the message. */
export function verifyDigest(data: Uint8Array, expected: string, what: string): void {
  const actual = sha256Digest(data);
  if (actual !== expected) throw digestMismatch(what, expected, actual);
}

/** The error for bytes that do not match their digest. */
export function digestMismatch(what: string, expected: string, actual: string): MyDockerError {
  return new MyDockerError('integrity', 'ERR_DIGEST_MISMATCH', `${what} failed verification: expected ${expected}, got ${actual}`, {
    hint: 'The registry served bytes that do not match their digest; nothing was kept. Try again, or report it to the registry operator.',
  });
}
