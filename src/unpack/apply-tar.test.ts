import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import * as tar from 'tar-stream';
import { localApplier } from './apply-tar.js';
import { sandbox, unpackBuffer } from './layer-fixtures.js';

let box: ReturnType<typeof sandbox>;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

/** One raw ustar header (tar-stream's pack cannot give a directory a size). */
function header(name: string, type: string, size = 0, linkname = '', mtime = 5): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100);
  block.write('0000755\0', 100);
  block.write('0000000\0', 108);
  block.write('0000000\0', 116);
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  block.write(`${mtime.toString(8).padStart(11, '0')}\0`, 136);
  block.write(type, 156);
  block.write(linkname, 157, 100);
  block.write('ustar\u000000', 257);
  block.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}
const END = Buffer.alloc(1024);

describe('applying a tar', () => {
  for (const worker of [false, true]) {
    for (const format of ['flatten', 'overlay'] as const) {
      it(`never sets a directory's time through a symlink that replaced it (${format}${worker ? ', worker' : ''})`, async () => {
        const sentinel = join(box.outside, 'sentinel');
        fs.utimesSync(sentinel, 1000, 1000);
        fs.utimesSync(box.outside, 1000, 1000);
        const blob = Buffer.concat([
          header('a/', '5'),
          header('a', '2', 0, sentinel),
          header('b/', '5'),
          header('b', '2', 0, '../outside'),
          header('kept/', '5', 0, '', 7),
          END,
        ]);
        await unpackBuffer(blob, box.root, { format, worker });
        assert.equal(fs.statSync(sentinel).mtimeMs, 1_000_000);
        assert.equal(fs.statSync(box.outside).mtimeMs, 1_000_000);
        // Directories that stayed themselves still get theirs.
        assert.equal(fs.statSync(join(box.root, 'kept')).mtimeMs, 7000);
      });
    }
    it(`a directory whose header has a size settles (header only, as Go's archive/tar reads it)${worker ? ' (worker)' : ''}`, async () => {
      const blob = Buffer.concat([header('d/', '5', 3), Buffer.from('abc'.padEnd(512, '\0')), header('after', '0'), END]);
      const outcome = await Promise.race([
        unpackBuffer(blob, box.root, { worker }).then(
          () => 'resolved',
          (error: Error & { kind?: string }) => error.kind,
        ),
        new Promise((resolve) => setTimeout(() => resolve('hung'), 5000).unref()),
      ]);
      // The data block is then read as a header: a corrupt tar.
      assert.equal(outcome, 'integrity');
    });
  }

  it("reports the last entry's failure even when the tar ends in the same tick", async () => {
    const pack = tar.pack();
    const parts: Buffer[] = [];
    pack.on('data', (part) => parts.push(part as Buffer));
    const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
    // A PAX uid no chown takes: the empty file's close (chown, chmod, times) fails.
    pack.entry({ name: 'z', size: 0, mode: 0o4755, pax: { uid: '99999999999' } }, '');
    pack.finalize();
    await ended;
    // Without the end-of-archive blocks: tar-stream then closes before that entry's stream ends.
    const blob = Buffer.concat(parts).subarray(0, -1024);
    const applier = localApplier(box.root, 'flatten');
    applier.write(blob);
    await assert.rejects(applier.end(), (error: Error & { code?: string }) => error.code === 'ERR_UNPACK_FS');
  });
});
