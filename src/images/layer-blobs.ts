import { createReadStream, existsSync, lstatSync, renameSync, rmSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { errnoCode, MyDockerError } from '../errors.js';
import { digestHex } from '../oci/index.js';
import { VerifyStream } from '../store/index.js';

/**
 * Layer blobs (and any large blob) in the content store's own layout, `<root>/blobs/sha256/<hex>`,
 * read and written as streams: ContentStore reads whole files, which suits documents, not layers.
 */
export function blobPath(root: string, digest: string): string {
  return join(root, 'blobs', 'sha256', digestHex(digest));
}

export function hasBlob(root: string, digest: string): boolean {
  return existsSync(blobPath(root, digest));
}

/** Size on disk of a blob, or 0 when absent. */
export function blobSize(root: string, digest: string): number {
  return lstatSync(blobPath(root, digest), { throwIfNoEntry: false })?.size ?? 0;
}

/** A stream of the blob that fails unless it matches its digest and size (nothing unverified is used). */
export function openBlob(root: string, digest: string, size: number, what: string): Readable {
  const path = blobPath(root, digest);
  if (!existsSync(path)) {
    throw new MyDockerError('not-found', 'ERR_BLOB_NOT_LOCAL', `${what} (${digest}) is not in the local store`, {
      hint: 'Pull the image again (or load it from an archive) to fetch it.',
    });
  }
  const verify = new VerifyStream(digest, size, what);
  const source = createReadStream(path);
  source.on('error', (error) => verify.destroy(error));
  return source.pipe(verify);
}

/**
 * Publishes a file that was already verified against `digest` (spooled on the same filesystem) by
 * one rename. Another writer may have stored the same digest first: same bytes, so that is fine.
 */
export function adoptBlob(root: string, digest: string, file: string): void {
  mkdirSync(join(root, 'blobs', 'sha256'), { recursive: true });
  renameSync(file, blobPath(root, digest));
}

/** Deletes a blob; returns the bytes freed. */
export function removeBlob(root: string, digest: string): number {
  const size = blobSize(root, digest);
  try {
    rmSync(blobPath(root, digest));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 0;
    throw error;
  }
  return size;
}
