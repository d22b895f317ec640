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

// Writes still running on the thread pool, at most: the stream does not wait for each write, but
// memory stays bounded (a network read is ~64 KiB).
const MAX_PENDING_WRITES = 16;

/**
 * A pass-through that also writes the bytes to a temporary file in `tmp/` (pid-named, so stale
 * ones are cleaned). `commit` moves the file into the content store: call it only after the digest
 * was verified, so nothing unverified is ever kept (containerd's writer).
 */
export class BlobFileWriter extends Transform {
  private readonly temp: string;
  private fd: number | undefined;
  private position = 0;
  private pending = 0;
  private failure: Error | undefined;
  /** Runs when a pending write completes (a chunk waiting for room, the flush, a deferred discard). */
  private onWritten: (() => void) | undefined;

  constructor(private readonly root: string) {
    super();
    mkdirSync(join(root, 'tmp'), { recursive: true });
    this.temp = join(root, 'tmp', `${process.pid}-${randomBytes(6).toString('hex')}.blob`);
    this.fd = openSync(this.temp, 'wx', 0o644);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.failure !== undefined || this.fd === undefined) {
      callback(this.failure ?? new Error('blob writer closed'));
      return;
    }
    // Written on the thread pool, at its own offset (so completion order does not matter), while
    // the chunk moves on at once: the unpack does not wait for the disk. Nobody modifies the chunk.
    this.writeAt(this.fd, chunk, 0, this.position);
    this.position += chunk.byteLength;
    if (this.pending < MAX_PENDING_WRITES) callback(null, chunk);
    else this.onWritten = () => callback(this.failure ?? null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const finish = (): void => {
      if (this.pending > 0) this.onWritten = finish;
      else callback(this.failure ?? null);
    };
    finish();
  }

  /** Publishes the verified blob under its digest (a concurrent writer's identical copy may win). */
  commit(digest: string): void {
    if (this.pending > 0) throw new Error('blob writer: commit before the stream ended');
    if (this.failure !== undefined) throw this.failure;
    this.closeFd();
    const target = blobPath(this.root, digest);
    mkdirSync(join(this.root, 'blobs', 'sha256'), { recursive: true });
    renameSync(this.temp, target);
  }

  /** Drops the temporary file (after a failure); its descriptor is closed once writes still running are done. */
  discard(): void {
    // Removed at once (running writes go to the unlinked file), so that nothing is left if the process exits now.
    rmSync(this.temp, { force: true });
    const close = (): void => {
      // Closing earlier could let a new file reuse the descriptor number under a running write.
      if (this.pending > 0) this.onWritten = close;
      else this.closeFd();
    };
    close();
  }

  private writeAt(fd: number, chunk: Buffer, offset: number, position: number): void {
    this.pending++;
    write(fd, chunk, offset, chunk.byteLength - offset, position, (error, written) => {
      this.pending--;
      if (error) this.failure ??= error;
      else if (offset + written < chunk.byteLength) this.writeAt(fd, chunk, offset + written, position + written);
      const next = this.onWritten;
      this.onWritten = undefined;
      next?.();
    });
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
