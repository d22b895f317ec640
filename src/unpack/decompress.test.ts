import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { decompress, sniffCompression } from './decompress.js';
import { gzip, zstd } from './layer-fixtures.js';

async function inflate(blob: Buffer, chunkSize: number): Promise<Buffer> {
  async function* source(): AsyncGenerator<Buffer> {
    for (let i = 0; i < blob.length; i += chunkSize) yield blob.subarray(i, i + chunkSize);
  }
  const parts: Buffer[] = [];
  for await (const part of decompress(source(), '')) parts.push(part);
  return Buffer.concat(parts);
}

describe('sniffCompression', () => {
  it('goes by the magic bytes, not the media type', () => {
    assert.equal(sniffCompression(Buffer.from([0x1f, 0x8b, 8, 0]), 'application/vnd.oci.image.layer.v1.tar'), 'gzip');
    assert.equal(sniffCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]), 'application/vnd.oci.image.layer.v1.tar+gzip'), 'zstd');
    assert.equal(sniffCompression(Buffer.from('usr/bin/'), 'application/vnd.oci.image.layer.v1.tar+zstd'), 'none');
    assert.equal(sniffCompression(Buffer.alloc(0), ''), 'none');
    assert.throws(() => sniffCompression(Buffer.from('BZh9'), 'x'), { kind: 'unsupported' });
  });
});

describe('decompress', () => {
  const data = Buffer.concat([randomBytes(300_000), Buffer.alloc(300_000, 'a')]);
  for (const chunkSize of [1, 5, 65_536]) {
    it(`round-trips gzip, zstd and plain fed ${chunkSize} bytes at a time`, async () => {
      const slice = chunkSize === 1 ? data.subarray(0, 5_000) : data;
      assert.ok((await inflate(gzip(slice), chunkSize)).equals(slice));
      assert.ok((await inflate(zstd(slice), chunkSize)).equals(slice));
      assert.ok((await inflate(slice, chunkSize)).equals(slice));
    });
  }
  it('reads concatenated gzip members and zstd frames as one stream', async () => {
    const a = Buffer.from('first part,');
    const b = Buffer.from('second part');
    assert.equal((await inflate(Buffer.concat([gzip(a), gzip(b)]), 4096)).toString(), 'first part,second part');
    assert.equal((await inflate(Buffer.concat([zstd(a), zstd(b)]), 4096)).toString(), 'first part,second part');
  });
});
