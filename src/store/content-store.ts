import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';
import { digestHex, isDigest, sha256Digest, verifyDigest } from '../oci/index.js';
import { writeFileAtomic } from '../util/index.js';

/**
 * Small blobs (manifests, indexes, configs) by digest under `<root>/blobs/sha256/<hex>`. Bytes are
 * verified before they are written and again when read, so nothing unverified is ever used; a
 * concurrent writer of the same digest writes the same bytes, so the last rename winning is fine.
 */
export class ContentStore {
  constructor(private readonly root: string) {}

  private path(digest: string): string {
    if (!isDigest(digest)) throw new Error(`not a sha256 digest: ${digest}`);
    return join(this.root, 'blobs', 'sha256', digestHex(digest));
  }

  /** The blob's bytes, or undefined when absent or corrupt (a corrupt file is treated as absent). */
  read(digest: string): Buffer | undefined {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.path(digest));
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw error;
    }
    return sha256Digest(bytes) === digest ? bytes : undefined;
  }

  /** Stores bytes under their digest after checking them; `what` names them in the error. */
  write(digest: string, bytes: Uint8Array, what: string): void {
    verifyDigest(bytes, digest, what);
    writeFileAtomic(this.path(digest), bytes);
  }
}
