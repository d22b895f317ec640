import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { it } from 'node:test';
import { createGzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { sandbox } from './layer-fixtures.js';
import { unpackLayer } from './unpack-layer.js';

const FILE_SIZE = 200 * 1024 * 1024;

/** A gzip'd one-file layer generated on the fly (never held in memory), plus the hash of its tar. */
function generatedLayer(): { blob: Readable; tarDigest: Promise<string> } {
  const pack = tar.pack();
  const block = randomBytes(1 << 20);
  const entry = pack.entry({ name: 'big.bin', size: FILE_SIZE, mode: 0o644 });
  let written = 0;
  const pump = (): void => {
    while (written < FILE_SIZE) {
      written += block.length;
      if (!entry.write(block)) {
        entry.once('drain', pump);
        return;
      }
    }
    entry.end(undefined);
    pack.finalize();
  };
  pump();
  const tarStream = Readable.from(pack as unknown as AsyncIterable<Uint8Array>);
  const hash = createHash('sha256');
  const tee = new PassThrough();
  const tarDigest = new Promise<string>((resolve) => tee.on('end', () => resolve(`sha256:${hash.digest('hex')}`)));
  tee.on('data', (chunk: Buffer) => hash.update(chunk));
  return { blob: tarStream.pipe(tee).pipe(createGzip({ level: 1 })), tarDigest };
}

for (const worker of [false, true]) {
  it(`unpacks a ~200 MB layer with flat memory${worker ? ' (tar on a worker thread)' : ''}`, { timeout: 120_000 }, async () => {
    const box = sandbox();
    try {
      const before = process.memoryUsage.rss();
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage.rss());
      }, 20);
      const { blob, tarDigest } = generatedLayer();
      const result = await unpackLayer(blob, 'application/vnd.oci.image.layer.v1.tar+gzip', box.root, {
        worker,
        onProgress: () => {
          peak = Math.max(peak, process.memoryUsage.rss());
        },
      });
      clearInterval(sampler);
      assert.equal(fs.statSync(join(box.root, 'big.bin')).size, FILE_SIZE);
      assert.equal(result.diffId, await tarDigest);
      const growthMb = (peak - before) / 1024 / 1024;
      assert.ok(growthMb < 100, `rss grew by ${growthMb.toFixed(1)} MB`);
    } finally {
      box.cleanup();
    }
  });
}
