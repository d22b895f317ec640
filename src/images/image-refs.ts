import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';
import { isDigest } from '../oci/index.js';
import { repositoryName, type Reference } from '../reference/index.js';
import { writeFileAtomic } from '../util/index.js';

/**
 * Tags → digests, one small file per tag under `<root>/refs/<registry>/<repository>/<tag>`, so
 * concurrent pulls of different tags never contend, and each update is one atomic rename.
 * The digest is the one the tag resolved to in the registry (an index or a manifest).
 */
export class ImageRefs {
  constructor(private readonly root: string) {}

  private path(ref: Reference, tag: string): string {
    // Host names may carry ':' (port) and '[]' (IPv6); all are valid in Linux file names.
    return join(this.root, 'refs', ...repositoryName(ref).split('/'), `${tag}.json`);
  }

  /** The digest a tag points at locally, or undefined. */
  get(ref: Reference, tag: string): string | undefined {
    try {
      const doc = JSON.parse(readFileSync(this.path(ref, tag), 'utf8')) as { digest?: unknown };
      return isDigest(doc.digest) ? doc.digest : undefined;
    } catch (error) {
      if (errnoCode(error) === 'ENOENT' || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  set(ref: Reference, tag: string, digest: string): void {
    writeFileAtomic(this.path(ref, tag), `${JSON.stringify({ digest })}\n`);
  }
}
