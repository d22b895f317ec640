import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ContentStore, VerifyStream } from './index.js';
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
