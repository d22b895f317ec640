import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { type UnpackOptions, type UnpackResult, unpackLayer } from './unpack-layer.js';

/** One entry of a test layer; `content` only for files. Test support, not used by the library. */
export interface FixtureEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'fifo' | 'character-device';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
}

/** Builds an uncompressed tar with tar-stream's pack (PAX headers for long names). */
export async function makeTar(entries: readonly FixtureEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  // streamx streams are async iterable at runtime; its types just do not say so.
  const collected = collect(pack as unknown as AsyncIterable<Uint8Array>);
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const header = {
      name: entry.name,
      type,
      mode: entry.mode ?? (type === 'directory' ? 0o755 : 0o644),
      uid: entry.uid ?? 0,
      gid: entry.gid ?? 0,
      mtime: entry.mtime ?? new Date(1_600_000_000_000),
      ...(entry.linkname === undefined ? {} : { linkname: entry.linkname }),
    };
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null): void => (error ? reject(error) : resolve());
      if (type === 'file') pack.entry(header, entry.content ?? '', done);
      else pack.entry(header, done);
    });
  }
  pack.finalize();
  return collected;
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

/** gzip with Node's zlib. */
export function gzip(data: Buffer): Buffer {
  return gzipSync(data);
}

/** zstd with the zstd CLI (a real-world encoder, not our decoder's sibling). */
export function zstd(data: Buffer): Buffer {
  const result = spawnSync('zstd', ['-q', '-c', '-3'], { input: data, maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`zstd failed: ${result.stderr.toString()}`);
  return result.stdout;
}

/** A fresh sandbox: `root` to unpack into and `outside`, a sentinel sibling nothing may touch. */
export function sandbox(): { base: string; root: string; outside: string; cleanup: () => void } {
  const base = fs.mkdtempSync(join(tmpdir(), 'unpack-test-'));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  fs.writeFileSync(join(outside, 'sentinel'), 'untouched');
  return { base, root, outside, cleanup: () => fs.rmSync(base, { recursive: true, force: true }) };
}

/** Unpacks an in-memory blob, fed in small chunks so the streaming paths are exercised. */
export function unpackBuffer(blob: Buffer, root: string, options?: UnpackOptions, mediaType = 'application/vnd.oci.image.layer.v1.tar'): Promise<UnpackResult> {
  return unpackLayer(Readable.from(chunked(blob, 7001)), mediaType, root, options);
}

function* chunked(data: Buffer, size: number): Generator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

/** Unpacks each tar in order onto `root`, as pull does for an image's layers. */
export async function unpackLayers(root: string, ...layers: FixtureEntry[][]): Promise<void> {
  for (const entries of layers) await unpackBuffer(await makeTar(entries), root);
}
