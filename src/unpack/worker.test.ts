import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { gzip, makeTar, sandbox, unpackBuffer, type FixtureEntry } from './layer-fixtures.js';
import { unpackLayer } from './unpack-layer.js';
import { prestartApplyWorker } from './worker-applier.js';

// unpackLayer with `worker: true` must be indistinguishable from the same call on this thread:
// same files, same result, same errors.
let box: ReturnType<typeof sandbox>;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
// Compressible but not constant, over several MiB: the zero-copy hand-off of zlib's buffers is taken.
const big = (length: number, seed: number): Buffer => Buffer.from(Buffer.alloc(length).map((_, i) => ((i >> 4) * 31 + seed) % 251));

const LAYER: FixtureEntry[] = [
  { name: 'etc/', type: 'directory', mode: 0o755, mtime: new Date('2021-01-01T00:00:00Z') },
  { name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n', mode: 0o644 },
  ...['usr/', 'usr/bin/', 'home/', 'home/user/', 'var/', 'opt/'].map((name) => ({ name, type: 'directory' as const, mode: 0o750 })),
  { name: 'usr/bin/su', content: 'setuid', mode: 0o4755, uid: 0, gid: 0 },
  { name: 'home/user/data.bin', content: big(3_000_000, 1), mode: 0o600, uid: 1000, gid: 1000 },
  { name: 'home/user/more.bin', content: big(1_500_001, 2) },
  { name: 'usr/bin/sh', type: 'symlink', linkname: '/bin/dash' },
  { name: 'usr/bin/passwd-link', type: 'link', linkname: 'etc/passwd' },
  { name: 'var/.wh.gone' },
  { name: 'opt/.wh..wh..opq' },
  { name: 'opt/kept', content: 'x' },
];

/** Every path under root with what identifies it: type, mode, owner, mtime, link count, content. */
function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const path = join(dir, name);
      const s = fs.lstatSync(path);
      const what = s.isSymbolicLink() ? `-> ${fs.readlinkSync(path)}` : s.isFile() ? fs.readFileSync(path).toString('base64').slice(0, 64) + s.size : s.isCharacterDevice() ? `chr ${s.rdev}` : '';
      // Whiteout devices are made at unpack time: their mtime is not the layer's.
      out.push(`${relative(root, path)} ${s.mode.toString(8)} ${s.uid}:${s.gid} ${s.isCharacterDevice() ? "" : s.mtimeMs} ${s.nlink} ${what}`);
      if (s.isDirectory()) walk(path);
    }
  };
  walk(root);
  return out;
}

describe('unpackLayer on a worker thread', () => {
  it('writes the same files and returns the same result as on this thread (gzip, overlay format)', async () => {
    const blob = gzip(await makeTar(LAYER));
    const here = join(box.base, 'here');
    fs.mkdirSync(here);
    const expected = await unpackBuffer(blob, here, { format: 'overlay' }, GZIP);
    const result = await unpackLayer(Readable.from([blob.subarray(0, 100), blob.subarray(100, 70_000), blob.subarray(70_000)]), GZIP, box.root, { format: 'overlay', worker: true });
    assert.deepEqual(result, expected);
    assert.deepEqual(tree(box.root), tree(here));
    assert.equal(fs.readFileSync(join(box.root, 'home/user/data.bin')).length, 3_000_000);
  });

  it('writes the same files from a plain tar (flatten format) and reports progress', async () => {
    const tarball = await makeTar(LAYER.filter((e) => !e.name.includes('.wh.')));
    const here = join(box.base, 'here');
    fs.mkdirSync(here);
    const expected = await unpackBuffer(tarball, here);
    const seen: number[] = [];
    const result = await unpackBuffer(tarball, box.root, { worker: true, onProgress: (n) => seen.push(n) });
    assert.deepEqual(result, expected);
    assert.deepEqual(tree(box.root), tree(here));
    assert.equal(seen.at(-1), tarball.length);
  });

  it('refuses an unsafe entry with the very error of this thread, writing nothing outside', async () => {
    const tarball = await makeTar([{ name: 'evil', type: 'symlink', linkname: box.outside }, { name: 'evil/new', content: 'pwned' }]);
    const here = join(box.base, 'here');
    fs.mkdirSync(here);
    const local = await unpackBuffer(tarball, here).then(() => undefined, (e: unknown) => e as Error & Record<string, unknown>);
    const remote = await unpackBuffer(tarball, box.root, { worker: true }).then(() => undefined, (e: unknown) => e as Error & Record<string, unknown>);
    assert.ok(local && remote);
    assert.deepEqual([remote.name, remote.kind, remote.code, remote.message, remote.hint], [local.name, local.kind, local.code, local.message, local.hint]);
    assert.equal(remote.code, 'ERR_UNSAFE_LAYER_ENTRY');
    assert.deepEqual(fs.readdirSync(box.outside), ['sentinel']);
  });

  it('reports a corrupt tar as corrupt', async () => {
    const tarball = Buffer.from(await makeTar([{ name: 'a', content: 'a' }]));
    tarball.fill(0x41, 0, 20);
    await assert.rejects(unpackBuffer(tarball, box.root, { worker: true }), { kind: 'integrity', code: 'ERR_LAYER_CORRUPT' });
  });

  it('passes a source error through unchanged', async () => {
    const failing = new Readable({ read() {} });
    failing.push(gzip(Buffer.alloc(4096)).subarray(0, 10));
    setImmediate(() => failing.destroy(new Error('digest mismatch upstream')));
    await assert.rejects(unpackLayer(failing, GZIP, box.root, { worker: true }), /digest mismatch upstream/);
  });

  it('stops in the middle of a file: once rejected, nothing more is written', async () => {
    const tarball = await makeTar([{ name: 'big', content: Buffer.alloc(32 << 20, 3) }, { name: 'after', content: 'x' }]);
    const controller = new AbortController();
    const onProgress = (bytes: number): void => {
      if (bytes > 4 << 20) controller.abort();
    };
    await assert.rejects(unpackBuffer(tarball, box.root, { worker: true, signal: controller.signal, onProgress }), { kind: 'interrupted' });
    const size = fs.statSync(join(box.root, 'big')).size;
    assert.ok(size < 32 << 20);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(fs.statSync(join(box.root, 'big')).size, size, 'the worker had stopped');
    assert.equal(fs.existsSync(join(box.root, 'after')), false);
  });

  it('stops promptly while the blob stalls, and releases it', async () => {
    const stalled = new Readable({ read() {} });
    stalled.push(gzip(await makeTar([{ name: 'a', content: Buffer.alloc(50_000, 7) }])).subarray(0, 200));
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(unpackLayer(stalled, GZIP, box.root, { worker: true, signal: controller.signal }), { kind: 'interrupted' });
    assert.ok(Date.now() - started < 1000);
    assert.equal(stalled.destroyed, true);
  });
});

describe('prestartApplyWorker', () => {
  it('hands its started worker to the next unpack, and ends it when none took it', async () => {
    const release = prestartApplyWorker();
    const tarball = await makeTar([{ name: 'a', content: 'a' }]);
    await unpackBuffer(tarball, box.root, { worker: true });
    assert.equal(fs.readFileSync(join(box.root, 'a'), 'utf8'), 'a');
    release();
    const unused = prestartApplyWorker();
    unused();
    // Neither the used nor the released worker keeps this process alive (the runner would hang).
  });
});
