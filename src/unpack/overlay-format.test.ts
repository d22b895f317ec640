import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { makeTar, sandbox, unpackBuffer, type FixtureEntry } from './layer-fixtures.js';

function xattr(path: string, name: string): string | undefined {
  const result = spawnSync('python3', ['-c', 'import os,sys\ntry: print(os.getxattr(sys.argv[1], sys.argv[2]).decode(), end="")\nexcept OSError: sys.exit(3)', path, name]);
  if (result.error) return 'python3 missing';
  return result.status === 0 ? result.stdout.toString() : undefined;
}

async function unpackOverlay(entries: FixtureEntry[], root: string): ReturnType<typeof unpackBuffer> {
  return unpackBuffer(await makeTar(entries), root, { format: 'overlay' });
}

test('overlay format: a whiteout becomes a 0:0 character device, an opaque marker the user.overlay.opaque xattr', async () => {
  const box = sandbox();
  try {
    const result = await unpackOverlay([
      { name: 'data/', type: 'directory' },
      { name: 'data/.wh.gone' },
      { name: 'data/opq/', type: 'directory' },
      { name: 'data/opq/.wh..wh..opq' },
      { name: 'data/opq/new', content: 'new' },
      { name: 'data/.wh.mine' },
      { name: 'data/mine', content: 'this layer wins over its own whiteout' },
      { name: 'nested/deep/.wh.x' },
    ], box.root);
    const gone = fs.lstatSync(join(box.root, 'data/gone'));
    assert.ok(gone.isCharacterDevice() && gone.rdev === 0 && gone.uid === 0 && gone.gid === 0);
    assert.ok(fs.lstatSync(join(box.root, 'nested/deep/x')).isCharacterDevice());
    assert.equal(fs.readFileSync(join(box.root, 'data/mine'), 'utf8'), 'this layer wins over its own whiteout');
    assert.equal(fs.existsSync(join(box.root, 'data/.wh.gone')), false, 'no marker file is left');
    const opaque = xattr(join(box.root, 'data/opq'), 'user.overlay.opaque');
    if (opaque !== 'python3 missing') assert.equal(opaque, 'y');
    assert.equal(xattr(join(box.root, 'data'), 'user.overlay.opaque'), opaque === 'python3 missing' ? opaque : undefined);
    assert.deepEqual(result.overlay?.opaque, ['data/opq']);
  } finally {
    box.cleanup();
  }
});

test('overlay format: device nodes are made; a hardlink to a lower layer is deferred', async () => {
  const box = sandbox();
  try {
    const tarball = await makeTar([{ name: 'dev/', type: 'directory' }, { name: 'lnk', type: 'link', linkname: 'etc/lower-file' }]);
    // tar-stream's pack drops device numbers unless given: build the device entry by hand.
    const result = await unpackBuffer(tarball, box.root, { format: 'overlay' });
    assert.deepEqual(result.overlay?.deferredLinks.map((l) => [l.linkname, l.path]), [['etc/lower-file', join(box.root, 'lnk')]]);
    const device = await makeTar([{ name: 'dev/null', type: 'character-device', mode: 0o666 }]);
    await unpackBuffer(device, box.root, { format: 'overlay' });
    assert.ok(fs.lstatSync(join(box.root, 'dev/null')).isCharacterDevice());
  } finally {
    box.cleanup();
  }
});

test('overlay format: a whiteout under a directory later replaced by a symlink to the outside writes nothing outside', async () => {
  const box = sandbox();
  try {
    await assert.rejects(unpackOverlay([
      { name: 'd/', type: 'directory' },
      { name: 'd/.wh.sentinel2' },
      { name: 'd', type: 'symlink', linkname: '../outside' },
    ], box.root), /whiteout|refused|ELOOP/);
    assert.deepEqual(fs.readdirSync(box.outside), ['sentinel']);
  } finally {
    box.cleanup();
  }
});
