import { readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { errnoCode } from '../errors.js';
import { digestHex, isDigest } from '../oci/index.js';
import { repositoryName, type Reference } from '../reference/index.js';
import { writeFileAtomic } from '../util/index.js';

/** One name the store knows: a tag (`repo:tag`) or a digest reference (`repo@sha256:…`). */
export interface RefEntry {
  /** "domain/path", e.g. "127.0.0.1:5000/library/busybox". */
  repository: string;
  /** The tag, or undefined for a digest reference. */
  tag: string | undefined;
  /** The digest it points at (an index or a manifest). */
  digest: string;
  /**
   * True when the digest came from a registry (pull), so `repo@digest` is a valid RepoDigest;
   * false for names given locally (tag, load), as Docker lists no RepoDigest for those.
   */
  fromRegistry: boolean;
}

interface RefFile {
  digest?: unknown;
  local?: unknown;
}

// Tags match [\w][\w.-]*, so a file name starting with '@' can only be a digest reference.
const DIGEST_REF_PREFIX = '@sha256-';

/** Splits "domain/path" into a Reference (the domain is the first component, as stored). */
export function referenceOf(repository: string, tag?: string, digest?: string): Reference {
  const slash = repository.indexOf('/');
  return { domain: repository.slice(0, slash), path: repository.slice(slash + 1), tag, digest };
}

/**
 * Tags → digests, one small file per tag under `<root>/refs/<registry>/<repository>/<tag>.json`, so
 * concurrent pulls of different tags never contend, and each update is one atomic rename. The
 * digest is the one the tag resolved to (an index or a manifest). Images pulled by digest are
 * remembered as `@sha256-<hex>.json` in the same directory. An image that loses its last tag when
 * a tag moves (a newer pull, a load) is recorded under `<root>/dangling/` so it is still listed
 * (as `<none>`) and can be pruned, as Docker's dangling images are.
 */
export class ImageRefs {
  constructor(private readonly root: string) {}

  private path(ref: Reference, tag: string): string {
    // Host names may carry ':' (port) and '[]' (IPv6); all are valid in Linux file names.
    return join(this.root, 'refs', ...repositoryName(ref).split('/'), `${tag}.json`);
  }

  private digestPath(ref: Reference, digest: string): string {
    return join(this.root, 'refs', ...repositoryName(ref).split('/'), `${DIGEST_REF_PREFIX}${digestHex(digest)}.json`);
  }

  /** The digest a tag points at locally, or undefined. */
  get(ref: Reference, tag: string): string | undefined {
    return readRef(this.path(ref, tag))?.digest;
  }

  /**
   * Points a tag at a digest. `fromRegistry` false marks a locally given name (tag, load). The
   * image the tag pointed at before is remembered as dangling (listing skips it while another
   * name still refers to it).
   */
  set(ref: Reference, tag: string, digest: string, fromRegistry = true): void {
    const previous = this.get(ref, tag);
    if (previous !== undefined && previous !== digest) this.markDangling(previous);
    writeFileAtomic(this.path(ref, tag), `${JSON.stringify(fromRegistry ? { digest } : { digest, local: true })}\n`);
  }

  /** Remembers that `repository@digest` was pulled (docker pull NAME@DIGEST). */
  setDigest(ref: Reference, digest: string): void {
    writeFileAtomic(this.digestPath(ref, digest), `${JSON.stringify({ digest })}\n`);
  }

  /** Removes one name; true when it existed. Empty repository directories go too. */
  delete(entry: RefEntry): boolean {
    const ref = referenceOf(entry.repository);
    const file = entry.tag !== undefined ? this.path(ref, entry.tag) : this.digestPath(ref, entry.digest);
    try {
      rmSync(file);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return false;
      throw error;
    }
    this.pruneEmptyDirs(dirname(file));
    return true;
  }

  /** Every tag and digest reference in the store. */
  list(): RefEntry[] {
    const base = join(this.root, 'refs');
    const out: RefEntry[] = [];
    const walk = (dir: string): void => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) {
          walk(full);
          continue;
        }
        if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
        const content = readRef(full);
        if (!content) continue;
        const repository = relative(base, dir);
        const name = entry.name.slice(0, -'.json'.length);
        const tag = name.startsWith(DIGEST_REF_PREFIX) ? undefined : name;
        out.push({ repository, tag, digest: content.digest, fromRegistry: tag === undefined || content.fromRegistry });
      }
    };
    walk(base);
    return out;
  }

  /** Digests of images that lost their last tag (see the class comment). */
  dangling(): string[] {
    try {
      return readdirSync(join(this.root, 'dangling'))
        .filter((name) => /^[0-9a-f]{64}$/.test(name))
        .map((hex) => `sha256:${hex}`);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return [];
      throw error;
    }
  }

  markDangling(digest: string): void {
    writeFileAtomic(join(this.root, 'dangling', digestHex(digest)), '');
  }

  unmarkDangling(digest: string): void {
    rmSync(join(this.root, 'dangling', digestHex(digest)), { force: true });
  }

  private pruneEmptyDirs(dir: string): void {
    const stop = join(this.root, 'refs');
    while (dir.startsWith(`${stop}/`)) {
      try {
        rmdirSync(dir);
      } catch {
        return; // not empty (or already gone): stop climbing
      }
      dir = dirname(dir);
    }
  }
}

function readRef(file: string): { digest: string; fromRegistry: boolean } | undefined {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as RefFile;
    return isDigest(doc.digest) ? { digest: doc.digest, fromRegistry: doc.local !== true } : undefined;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || error instanceof SyntaxError) return undefined;
    throw error;
  }
}
