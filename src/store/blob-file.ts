import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, write } from 'node:fs';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { digestHex, isDigest } from '../oci/index.js';

/** Where a blob (layer, manifest, config) lives in the content store: `blobs/sha256/<hex>`. */
export function blobPath(root: string, digest: string): string {
  if (!isDigest(digest)) throw new Error(`not a sha256 digest: ${digest}`);
  return join(root, 'blobs', 'sha256', digestHex(digest));
}

/** Whether a blob of this size is stored (its content is verified again whenever it is read). */
export function hasBlob(root: string, digest: string, size: number): boolean {
  return statSync(blobPath(root, digest), { throwIfNoEntry: false })?.size === size;
}

/**
 * A pass-through that also writes the bytes to a temporary file in `tmp/` (pid-named, so stale
 * ones are cleaned) with synchronous writes. `commit` moves the file into the content store: call it
 * only after the digest was verified, so nothing unverified is ever kept (containerd's writer).
 */
export class BlobFileWriter extends Transform {
  private readonly temp: string;
  private fd: number | undefined;

  constructor(private readonly root: string) {
    super();
    mkdirSync(join(root, 'tmp'), { recursive: true });
    this.temp = join(root, 'tmp', `${process.pid}-${randomBytes(6).toString('hex')}.blob`);
    this.fd = openSync(this.temp, 'wx', 0o644);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    // Written on the thread pool: the main thread is busy unpacking. The chunk moves on only once
    // written, so writes stay in order and memory stays flat.
    const writeFrom = (offset: number): void => {
      write(this.fd as number, chunk, offset, chunk.byteLength - offset, null, (error, written) => {
        if (error) callback(error);
        else if (offset + written < chunk.byteLength) writeFrom(offset + written);
        else callback(null, chunk);
      });
    };
    writeFrom(0);
  }

  /** Publishes the verified blob under its digest (a concurrent writer's identical copy may win). */
  commit(digest: string): void {
    this.closeFd();
    const target = blobPath(this.root, digest);
    mkdirSync(join(this.root, 'blobs', 'sha256'), { recursive: true });
    renameSync(this.temp, target);
  }

  /** Drops the temporary file (after a failure). */
  discard(): void {
    this.closeFd();
    rmSync(this.temp, { force: true });
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
