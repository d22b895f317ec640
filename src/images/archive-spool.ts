import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { isMyDockerError, MyDockerError } from '../errors.js';

/** A regular file of the archive, copied to disk with its sha256 (entries can come in any order). */
export interface SpooledFile {
  /** Its name in the archive, normalised ("blobs/sha256/…", "manifest.json"). */
  name: string;
  /** Where the bytes are on disk (inside MYDOCKER_ROOT/tmp, so blobs are published by rename). */
  path: string;
  size: number;
  /** "sha256:<hex>" of the bytes. */
  digest: string;
}

/** The archive's files by normalised name; links resolved to the file they point at. */
export type Spool = Map<string, SpooledFile>;

export function badArchive(why: string, cause?: unknown): MyDockerError {
  return new MyDockerError('integrity', 'ERR_BAD_ARCHIVE', `the archive is not a valid image archive: ${why}`, {
    hint: 'Nothing was loaded. Check that the file is complete and was made by docker save, podman save or an OCI tool.',
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Normalises an entry name; refuses absolute paths and `..` (an archive never names outside itself). */
export function safeEntryName(raw: string): string {
  if (raw.includes('\0')) throw badArchive(`entry name "${raw}" contains a NUL byte`);
  if (raw.startsWith('/')) throw badArchive(`entry "${raw}" has an absolute path`);
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw badArchive(`entry "${raw}" points outside the archive ("..")`);
  return parts.join('/');
}

/** Yields the archive's bytes, gunzipped when it starts with the gzip magic (docker save | gzip). */
async function* maybeGunzip(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await iterator.next();
    if (next.done === true) break;
    head = Buffer.concat([head, next.value]);
  }
  const rest = (async function* (): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  })();
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield* rest;
    return;
  }
  const gunzip = createGunzip();
  const feeding = pipeline(Readable.from(rest), gunzip);
  feeding.catch(() => undefined);
  for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk;
  await feeding;
}

class HashCount extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }
}

/**
 * Reads a tar archive (plain or gzip) from `input` into `dir`, one numbered file per entry, hashing
 * each as it streams: memory stays flat whatever the archive's size. Symlinks and hard links
 * (docker save's old format links identical layers) become aliases of the file they name.
 * Throws a one-line error for a truncated or corrupt archive, an unsafe name, a duplicate name,
 * a link that leads nowhere, or an entry that is neither a file, a directory nor a link.
 */
export async function spoolArchive(input: Readable | NodeJS.ReadableStream, dir: string, signal?: AbortSignal): Promise<Spool> {
  const { extract } = await import('tar-stream');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const parser = extract();
  const spool: Spool = new Map();
  const links = new Map<string, string>();
  const feeding = pipeline(Readable.from(maybeGunzip(input as AsyncIterable<Buffer>)), parser, ...(signal ? [{ signal }] as const : []));
  let feedError: unknown;
  feeding.catch((error: unknown) => {
    feedError = error;
  });
  let count = 0;
  try {
    for await (const entry of parser) {
      const name = safeEntryName(entry.header.name);
      if (spool.has(name) || links.has(name)) throw badArchive(`entry "${name}" appears twice`);
      switch (entry.header.type) {
        case 'file':
        case 'contiguous-file': {
          const path = join(dir, String(count++));
          const counter = new HashCount();
          await pipeline(entry, counter, createWriteStream(path, { mode: 0o600 }));
          spool.set(name, { name, path, size: counter.size, digest: `sha256:${counter.hash.digest('hex')}` });
          break;
        }
        case 'symlink':
        case 'link': {
          const target = entry.header.linkname ?? '';
          // A symlink is relative to its own directory; a hard link names an archive path.
          const resolved = entry.header.type === 'symlink' && !target.startsWith('/') ? posix.join(posix.dirname(name), target) : target;
          links.set(name, safeEntryName(resolved));
          entry.resume();
          break;
        }
        case 'directory':
          entry.resume();
          break;
        default:
          throw badArchive(`entry "${name}" is a ${entry.header.type ?? 'unknown type'}, not a file`);
      }
    }
    await feeding;
  } catch (error) {
    parser.destroy();
    const cause = feedError ?? error;
    if (isMyDockerError(cause)) throw cause;
    if (signal?.aborted === true) throw new MyDockerError('interrupted', 'ERR_INTERRUPTED', 'interrupted; nothing was loaded');
    throw badArchive(cause instanceof Error ? cause.message.replace(/[.?!]+$/, '') : String(cause), cause);
  }
  if (count === 0 && spool.size === 0) throw badArchive('it is empty');
  for (const [name, target] of links) {
    let current = target;
    for (let hops = 0; !spool.has(current) && links.has(current) && hops < 16; hops++) current = links.get(current) ?? '';
    const file = spool.get(current);
    if (file) spool.set(name, file);
  }
  return spool;
}

