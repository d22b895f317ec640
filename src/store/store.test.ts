import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobFileWriter, blobPath, ContentStore, VerifyStream } from './index.js';
import { sha256Digest, digestHex } from '../oci/index.js';

test('content store verifies on write and on read', () => {
  const root = mkdtempSync(join(tmpdir(), 'mydocker-store-'));
  const store = new ContentStore(root);
  const bytes = Buffer.from('{"hello":1}');
  const digest = sha256Digest(bytes);
  assert.equal(store.read(digest), undefined);
  assert.throws(() => store.write(sha256Digest('other'), bytes, 'config'), /failed verification/);
  store.write(digest, bytes, 'config');
  assert.deepEqual(store.read(digest), bytes);
  writeFileSync(join(root, 'blobs', 'sha256', digestHex(digest)), 'tampered');
  assert.equal(store.read(digest), undefined, 'a corrupt blob is never returned');
  assert.deepEqual(readdirSync(join(root, 'blobs', 'sha256')).length, 1, 'no temp files left');
});

async function drain(data: Buffer, digest: string, size: number): Promise<void> {
  const verify = new VerifyStream(digest, size, 'layer');
  await pipeline(Readable.from([data.subarray(0, 3), data.subarray(3)]), verify, async function* (src) {
    for await (const _ of src) { /* consume */ }
  });
  await verify.verified;
}

test('verify stream accepts matching bytes and rejects others', async () => {
  const data = Buffer.from('some layer bytes');
  await drain(data, sha256Digest(data), data.length);
  await assert.rejects(drain(data, sha256Digest('x'), data.length), /failed verification/);
  await assert.rejects(drain(data, sha256Digest(data), data.length - 1), /larger than/);
  await assert.rejects(drain(data, sha256Digest(data), data.length + 1), /ended after/);
});

test('blob file writer: many chunks land in order at their offsets; commit publishes, discard removes', async () => {
  const root = mkdtempSync(join(tmpdir(), 'mydocker-store-'));
  // Enough chunks to have many writes running at once on the thread pool.
  const chunks = Array.from({ length: 200 }, (_, i) => Buffer.alloc(10_000 + i, i & 0xff));
  const data = Buffer.concat(chunks);
  const writer = new BlobFileWriter(root);
  const passed: Buffer[] = [];
  await pipeline(Readable.from(chunks), writer, async function* (src) {
    for await (const chunk of src) passed.push(chunk as Buffer);
  });
  assert.deepEqual(Buffer.concat(passed), data, 'the bytes pass through unchanged');
  writer.commit(sha256Digest(data));
  assert.deepEqual(readFileSync(blobPath(root, sha256Digest(data))), data);
  assert.deepEqual(readdirSync(join(root, 'tmp')), []);

  const failed = new BlobFileWriter(root);
  const source = new Readable({ read() {} });
  source.push(Buffer.alloc(1 << 20, 1));
  setImmediate(() => source.destroy(new Error('cut')));
  await assert.rejects(pipeline(source, failed, async function* (src) {
    for await (const _ of src) { /* consume */ }
  }), /cut/);
  failed.discard();
  assert.deepEqual(readdirSync(join(root, 'tmp')), [], 'removed at once, even with writes still running');
});
