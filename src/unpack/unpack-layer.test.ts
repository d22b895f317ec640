import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { currentUmask } from './fs-ops.js';
import { gzip, makeTar, sandbox, unpackBuffer, unpackLayers, zstd } from './layer-fixtures.js';

let box: ReturnType<typeof sandbox>;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

const at = (path: string): string => join(box.root, path);
const read = (path: string): string => fs.readFileSync(at(path), 'utf8');
const exists = (path: string): boolean => fs.lstatSync(at(path), { throwIfNoEntry: false }) !== undefined;

describe('unpackLayer: content and metadata', () => {
  it('writes files, dirs, symlinks with content, modes, owners and times; diffId is the tar sha256', async () => {
    const mtime = new Date('2020-01-02T03:04:05Z');
    const tarball = await makeTar([
      { name: './', type: 'directory', mode: 0o755 },
      { name: './usr/', type: 'directory', mode: 0o755, mtime },
      { name: './usr/bin/', type: 'directory', mode: 0o751, uid: 7, gid: 8, mtime },
      { name: './usr/bin/su', content: 'setuid binary', mode: 0o4755, uid: 0, gid: 0 },
      { name: './usr/bin/tool', content: 'owned', mode: 0o2750, uid: 1000, gid: 50, mtime },
      { name: './tmp/', type: 'directory', mode: 0o1777 },
      { name: './usr/bin/sh', type: 'symlink', linkname: '/bin/dash', uid: 3, gid: 4 },
      { name: './empty', content: '' },
    ]);
    const result = await unpackBuffer(gzip(tarball), box.root, undefined, 'application/vnd.oci.image.layer.v1.tar+gzip');
    assert.equal(result.diffId, `sha256:${createHash('sha256').update(tarball).digest('hex')}`);
    assert.equal(result.size, tarball.length);
    assert.equal(read('usr/bin/su'), 'setuid binary');
    assert.equal(fs.statSync(at('usr/bin/su')).mode & 0o7777, 0o4755);
    const tool = fs.statSync(at('usr/bin/tool'));
    assert.deepEqual([tool.mode & 0o7777, tool.uid, tool.gid], [0o2750, 1000, 50]);
    assert.equal(tool.mtime.getTime(), mtime.getTime());
    const bin = fs.statSync(at('usr/bin'));
    assert.deepEqual([bin.mode & 0o7777, bin.uid, bin.gid], [0o751, 7, 8]);
    assert.equal(bin.mtime.getTime(), mtime.getTime(), 'directory mtime survives its children being written');
    assert.equal(fs.statSync(at('tmp')).mode & 0o7777, 0o1777);
    assert.equal(fs.readlinkSync(at('usr/bin/sh')), '/bin/dash');
    const sh = fs.lstatSync(at('usr/bin/sh'));
    assert.deepEqual([sh.uid, sh.gid], [3, 4]);
    assert.equal(fs.statSync(at('empty')).size, 0);
  });

  it('handles long names (PAX) and long symlink targets', async () => {
    const long = `${'d'.repeat(60)}/${'e'.repeat(70)}/${'f'.repeat(120)}.txt`;
    const target = `${'t'.repeat(150)}/x`;
    await unpackLayers(box.root, [
      { name: long, content: 'deep' },
      { name: 'longlink', type: 'symlink', linkname: target },
    ]);
    assert.equal(read(long), 'deep');
    assert.equal(fs.readlinkSync(at('longlink')), target);
  });

  it('reads plain tar and zstd, and the magic bytes win over the media type', async () => {
    const tarball = await makeTar([{ name: 'z', content: 'zstd!' }]);
    const zstdResult = await unpackBuffer(zstd(tarball), box.root, undefined, 'application/vnd.oci.image.layer.v1.tar+gzip');
    assert.equal(read('z'), 'zstd!');
    assert.equal(zstdResult.diffId, `sha256:${createHash('sha256').update(tarball).digest('hex')}`);
    await unpackBuffer(await makeTar([{ name: 'p', content: 'plain' }]), box.root, undefined, 'application/vnd.oci.image.layer.v1.tar+zstd');
    assert.equal(read('p'), 'plain');
  });

  it('creates FIFOs and skips device nodes', async () => {
    await unpackLayers(box.root, [
      { name: 'pipe', type: 'fifo', mode: 0o620 },
      { name: 'null', type: 'character-device' },
    ]);
    assert.ok(fs.lstatSync(at('pipe')).isFIFO());
    assert.equal(fs.lstatSync(at('pipe')).mode & 0o7777, 0o620);
    assert.equal(exists('null'), false);
  });

  it('reports progress as a running uncompressed total', async () => {
    const tarball = await makeTar([{ name: 'big', content: Buffer.alloc(3_000_000, 1) }]);
    const seen: number[] = [];
    await unpackBuffer(gzip(tarball), box.root, { onProgress: (n) => seen.push(n) });
    assert.ok(seen.length > 1);
    assert.equal(seen.at(-1), tarball.length);
  });
});

describe('unpackLayer: hardlinks', () => {
  it('links to a file from a previous layer and within the same layer', async () => {
    await unpackLayers(
      box.root,
      [{ name: 'lower', content: 'from below', mode: 0o600, uid: 5 }],
      [
        { name: 'bin/', type: 'directory' },
        { name: 'bin/to-lower', type: 'link', linkname: 'lower' },
        { name: 'bin/a', content: 'same layer' },
        { name: 'bin/b', type: 'link', linkname: './bin/a' },
      ],
    );
    assert.equal(fs.statSync(at('bin/to-lower')).ino, fs.statSync(at('lower')).ino);
    assert.equal(fs.statSync(at('lower')).nlink, 2);
    assert.equal(fs.statSync(at('bin/to-lower')).uid, 5);
    assert.equal(read('bin/b'), 'same layer');
    assert.equal(fs.statSync(at('bin/a')).nlink, 2);
  });
});

describe('unpackLayer: whiteouts', () => {
  const lower = [
    { name: 'etc/', type: 'directory' as const },
    { name: 'etc/keep', content: 'k' },
    { name: 'etc/gone', content: 'g' },
    { name: 'opt/', type: 'directory' as const },
    { name: 'opt/tree/', type: 'directory' as const },
    { name: 'opt/tree/deep', content: 'd' },
    { name: 'var/', type: 'directory' as const },
    { name: 'var/old1', content: '1' },
    { name: 'var/sub/', type: 'directory' as const },
    { name: 'var/sub/old2', content: '2' },
    { name: 'var/sub/replaced', content: 'lower' },
  ];

  it('deletes a file and a whole directory, and writes no whiteout entries', async () => {
    await unpackLayers(box.root, lower, [{ name: 'etc/.wh.gone' }, { name: '.wh.opt' }, { name: '.wh.never-existed' }]);
    assert.equal(exists('etc/gone'), false);
    assert.equal(read('etc/keep'), 'k');
    assert.equal(exists('opt'), false);
    assert.equal(exists('etc/.wh.gone') || exists('.wh.opt'), false);
  });

  for (const position of ['before', 'after'] as const) {
    it(`opaque directory hides lower children but keeps this layer's (marker ${position})`, async () => {
      const marker = { name: 'var/.wh..wh..opq' };
      const own = [
        { name: 'var/', type: 'directory' as const },
        { name: 'var/new', content: 'n' },
        { name: 'var/sub/', type: 'directory' as const },
        { name: 'var/sub/replaced', content: 'upper' },
      ];
      await unpackLayers(box.root, lower, position === 'before' ? [marker, ...own] : [...own, marker]);
      assert.deepEqual(fs.readdirSync(at('var')).sort(), ['new', 'sub']);
      assert.deepEqual(fs.readdirSync(at('var/sub')), ['replaced']);
      assert.equal(read('var/sub/replaced'), 'upper');
      assert.equal(read('etc/keep'), 'k');
    });
  }

  it('does not let a whiteout delete what the same layer wrote', async () => {
    await unpackLayers(box.root, [{ name: 'f', content: 'lower' }], [{ name: 'f', content: 'upper' }, { name: '.wh.f' }]);
    assert.equal(read('f'), 'upper');
  });
});

describe('unpackLayer: replacements', () => {
  it('replaces a file by a directory and back', async () => {
    await unpackLayers(
      box.root,
      [{ name: 'x', content: 'file' }, { name: 'y/', type: 'directory' }, { name: 'y/child', content: 'c' }],
      [{ name: 'x/', type: 'directory', mode: 0o700 }, { name: 'x/in', content: 'i' }, { name: 'y', content: 'now a file' }],
    );
    assert.ok(fs.lstatSync(at('x')).isDirectory());
    assert.equal(read('x/in'), 'i');
    assert.equal(read('y'), 'now a file');
    await unpackLayers(box.root, [{ name: 'x', content: 'file again' }]);
    assert.equal(read('x'), 'file again');
  });

  it('keeps an existing directory (and its lower children) but updates its mode and owner', async () => {
    await unpackLayers(box.root, [{ name: 'd/', type: 'directory' }, { name: 'd/old', content: 'o' }], [{ name: 'd/', type: 'directory', mode: 0o710, uid: 9 }]);
    assert.equal(read('d/old'), 'o');
    const stat = fs.statSync(at('d'));
    assert.deepEqual([stat.mode & 0o7777, stat.uid], [0o710, 9]);
  });

  it('replaces a symlink by a file without touching the old target', async () => {
    const target = join(box.outside, 'sentinel');
    await unpackLayers(box.root, [{ name: 'link', type: 'symlink', linkname: target }, { name: 'rel', type: 'symlink', linkname: 'real' }, { name: 'real', content: 'r' }]);
    await unpackLayers(box.root, [{ name: 'link', content: 'new' }, { name: 'rel', content: 'also new' }]);
    assert.equal(read('link'), 'new');
    assert.equal(fs.lstatSync(at('link')).isFile(), true);
    assert.equal(fs.readFileSync(target, 'utf8'), 'untouched');
    assert.equal(read('real'), 'r');
  });

  it('follows a relative in-root parent symlink (bin -> usr/bin)', async () => {
    await unpackLayers(box.root, [{ name: 'usr/bin/', type: 'directory' }, { name: 'bin', type: 'symlink', linkname: 'usr/bin' }], [{ name: 'bin/ls', content: 'ls' }]);
    assert.equal(read('usr/bin/ls'), 'ls');
    assert.equal(fs.lstatSync(at('bin')).isSymbolicLink(), true);
  });
});

describe('unpackLayer: owners without needless chowns', () => {
  it('a root-owned entry in a setgid directory still gets gid 0 (the directory would pass its gid down)', async (t) => {
    if (process.geteuid?.() !== 0) {
      t.skip('needs root');
      return;
    }
    await unpackLayers(box.root, [
      { name: './', type: 'directory', mode: 0o755 },
      { name: 'mail/', type: 'directory', mode: 0o2775, uid: 0, gid: 8 },
      { name: 'mail/root', content: 'x', mode: 0o600 },
      { name: 'mail/sub/', type: 'directory', mode: 0o755 },
      { name: 'mail/link', type: 'symlink', linkname: 'root' },
      { name: 'plain/', type: 'directory', mode: 0o755 },
      { name: 'plain/file', content: 'y', uid: 0, gid: 0 },
      { name: 'plain/other', content: 'z', uid: 5, gid: 6 },
      // Turned setgid by a later entry: what follows in it inherits again.
      { name: 'plain/', type: 'directory', mode: 0o2755, uid: 0, gid: 9 },
      { name: 'plain/late', content: 'w' },
    ]);
    const owner = (path: string): string => {
      const s = fs.lstatSync(at(path));
      return `${s.uid}:${s.gid}`;
    };
    assert.deepEqual(['mail/root', 'mail/sub', 'mail/link', 'plain/file', 'plain/other', 'plain/late'].map(owner), ['0:0', '0:0', '0:0', '0:0', '5:6', '0:0']);
    assert.equal(fs.statSync(at('mail/sub')).mode & 0o7777, 0o755);
  });
});

describe('unpackLayer: modes given at creation', () => {
  it('files get their exact mode, whether the umask lets it through at creation or not', async () => {
    const modes = [0o444, 0o640, 0o600, 0o755, 0o777, 0o666, 0o1755, 0o2711];
    await unpackLayers(box.root, modes.map((mode, i) => ({ name: `f${i}`, content: 'x', mode })));
    assert.deepEqual(modes.map((_, i) => fs.statSync(at(`f${i}`)).mode & 0o7777), modes);
  });
  it('reads the umask without changing it', () => {
    assert.equal(currentUmask(), process.umask());
  });
});
