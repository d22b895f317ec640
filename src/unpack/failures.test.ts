import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { gzip, makeTar, sandbox, unpackBuffer, zstd } from './layer-fixtures.js';
import { unpackLayer } from './unpack-layer.js';

let box: ReturnType<typeof sandbox>;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

const sample = (): Promise<Buffer> => makeTar([{ name: 'a', content: Buffer.alloc(50_000, 7) }, { name: 'b', content: 'b' }]);
const kind = (expected: string, code?: string) => (error: Error & { kind?: string; code?: string }) => {
  assert.equal(error.kind, expected, error.message);
  if (code !== undefined) assert.equal(error.code, code);
  return true;
};

describe('unpackLayer: broken input', () => {
  it('truncated gzip', async () => {
    const blob = gzip(await sample());
    await assert.rejects(unpackBuffer(blob.subarray(0, blob.length - 20), box.root), kind('integrity', 'ERR_LAYER_CORRUPT'));
  });
  it('corrupt gzip data', async () => {
    const blob = Buffer.from(gzip(await sample()));
    blob.fill(0x55, 20, 60);
    await assert.rejects(unpackBuffer(blob, box.root), kind('integrity', 'ERR_LAYER_CORRUPT'));
  });
  it('truncated zstd', async () => {
    const blob = zstd(await sample());
    await assert.rejects(unpackBuffer(blob.subarray(0, blob.length - 10), box.root), kind('integrity', 'ERR_LAYER_CORRUPT'));
  });
  it('plain tar cut inside a file', async () => {
    await assert.rejects(unpackBuffer((await sample()).subarray(0, 20_000), box.root), kind('integrity', 'ERR_LAYER_CORRUPT'));
  });
  it('a corrupt tar header', async () => {
    const tarball = Buffer.from(await sample());
    tarball.fill(0x41, 0, 20);
    await assert.rejects(unpackBuffer(tarball, box.root), kind('integrity', 'ERR_LAYER_CORRUPT'));
  });
  it('bzip2 and xz are named as unsupported', async () => {
    await assert.rejects(unpackBuffer(Buffer.from('BZh91AY&SY....'), box.root), kind('unsupported'));
    await assert.rejects(unpackBuffer(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 1, 2]), box.root), kind('unsupported'));
  });
  it('passes a source error through unchanged', async () => {
    const failing = new Readable({ read() {} });
    failing.push(gzip(Buffer.alloc(4096)).subarray(0, 10));
    setImmediate(() => failing.destroy(new Error('digest mismatch upstream')));
    await assert.rejects(unpackLayer(failing, 'x', box.root), /digest mismatch upstream/);
  });
  it('refuses a root that is not a directory', async () => {
    await assert.rejects(unpackBuffer(await sample(), join(box.root, 'missing')), { code: 'ERR_UNPACK_ROOT' });
  });
});

describe('unpackLayer: interruption', () => {
  it('rejects at once when the signal already fired', async () => {
    await assert.rejects(unpackBuffer(await sample(), box.root, { signal: AbortSignal.abort() }), kind('interrupted'));
    assert.deepEqual(fs.readdirSync(box.root), []);
  });
  it('stops in the middle of a file and closes it', async () => {
    const tarball = await makeTar([{ name: 'big', content: Buffer.alloc(8 << 20, 3) }, { name: 'after', content: 'x' }]);
    const controller = new AbortController();
    const onProgress = (bytes: number): void => {
      if (bytes > 1 << 20) controller.abort();
    };
    await assert.rejects(unpackBuffer(tarball, box.root, { signal: controller.signal, onProgress }), kind('interrupted'));
    assert.ok(fs.statSync(join(box.root, 'big')).size < 8 << 20);
    assert.equal(fs.existsSync(join(box.root, 'after')), false);
  });
  it('stops promptly while the blob stalls mid-layer', async () => {
    const stalled = new Readable({ read() {} });
    stalled.push(gzip(await sample()).subarray(0, 200));
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(unpackLayer(stalled, 'x', box.root, { signal: controller.signal }), kind('interrupted'));
    assert.ok(Date.now() - started < 1000);
    assert.equal(stalled.destroyed, true, 'the stalled blob is released');
  });
});

describe('unpackLayer: disk full', () => {
  it('reports ENOSPC as a resource error', async (t) => {
    const small = join(box.base, 'small');
    fs.mkdirSync(small);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', small], { stdio: 'ignore' });
    } catch {
      t.skip('cannot mount a tmpfs here');
      return;
    }
    try {
      const tarball = await makeTar([{ name: 'big', content: Buffer.alloc(1 << 20, 1) }]);
      await assert.rejects(unpackBuffer(tarball, small), kind('resource', 'ERR_DISK_FULL'));
    } finally {
      execFileSync('umount', [small]);
    }
  });
});
