import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type FixtureEntry, makeTar, sandbox, unpackBuffer, unpackLayers } from './layer-fixtures.js';

// Every attack here is refused with one error code, and the sentinel directory outside the root
// must look exactly as before: one file, "untouched", link count 1.
let box: ReturnType<typeof sandbox>;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => {
  assert.deepEqual(fs.readdirSync(box.outside), ['sentinel'], 'nothing may appear outside the root');
  assert.equal(fs.readFileSync(join(box.outside, 'sentinel'), 'utf8'), 'untouched');
  assert.equal(fs.statSync(join(box.outside, 'sentinel')).nlink, 1);
  assert.deepEqual(fs.readdirSync(box.base).sort(), ['outside', 'root']);
  box.cleanup();
});

async function refused(layers: FixtureEntry[][], pattern?: RegExp): Promise<void> {
  const last = layers.pop() ?? [];
  await unpackLayers(box.root, ...layers);
  await assert.rejects(unpackBuffer(await makeTar(last), box.root), (error: Error & { code?: string; kind?: string }) => {
    assert.equal(error.code, 'ERR_UNSAFE_LAYER_ENTRY', error.message);
    assert.equal(error.kind, 'unsafe-content');
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

describe('unpackLayer refuses entries that escape the root', () => {
  it('.. in a name', () => refused([[{ name: '../outside/sentinel', content: 'pwned' }]], /"\.\.\/outside\/sentinel" refused: it would write outside the image root/));
  it('.. in the middle of a name', () => refused([[{ name: 'a/../../outside/new', content: 'pwned' }]]));
  it('an absolute name', () => refused([[{ name: `${box.outside}/new`, content: 'pwned' }]], /absolute/));
  it('a parent symlink with an absolute target', () =>
    refused([[{ name: 'evil', type: 'symlink', linkname: box.outside }, { name: 'evil/new', content: 'pwned' }]], /points outside/));
  it('a parent symlink that climbs out', () =>
    refused([[{ name: 'evil', type: 'symlink', linkname: '../outside' }, { name: 'evil/sentinel', content: 'pwned' }]], /climbs out/));
  it('a parent symlink to ../../..', () => refused([[{ name: 'evil', type: 'symlink', linkname: '../../..' }, { name: 'evil/x', content: 'pwned' }]]));
  it('a chain of in-root links ending outside', () =>
    refused([[{ name: 'a', type: 'symlink', linkname: 'b' }, { name: 'b', type: 'symlink', linkname: `${box.outside}` }, { name: 'a/new', content: 'x' }]]));
  it('an escaping symlink planted by a lower layer', () =>
    refused([[{ name: 'evil', type: 'symlink', linkname: box.outside }], [{ name: 'evil/new', content: 'pwned' }]]));
  it('a directory entry through an escaping symlink', () =>
    refused([[{ name: 'evil', type: 'symlink', linkname: box.outside }, { name: 'evil/newdir/', type: 'directory' }]]));
  it('a whiteout through an escaping symlink', () =>
    refused([[{ name: 'evil', type: 'symlink', linkname: box.outside }, { name: 'evil/.wh.sentinel' }]]));
  it('an opaque marker through an escaping symlink', () =>
    refused([[{ name: 'evil', type: 'symlink', linkname: box.outside }, { name: 'evil/.wh..wh..opq' }]]));
  it('a whiteout of the parent directory', () => refused([[{ name: 'a/.wh..' }]], /parent/));
  it('a hardlink to an absolute path', () => refused([[{ name: 'h', type: 'link', linkname: join(box.outside, 'sentinel') }]], /absolute/));
  it('a hardlink with ..', () => refused([[{ name: 'h', type: 'link', linkname: '../outside/sentinel' }]]));
  it('a hardlink through a symlink', () =>
    refused([[{ name: 'evil', type: 'symlink', linkname: box.outside }, { name: 'h', type: 'link', linkname: 'evil/sentinel' }]], /symlink "evil"/));
  it('a hardlink through an in-root symlink too', () =>
    refused([[{ name: 'd/f', content: 'x' }, { name: 'l', type: 'symlink', linkname: 'd' }, { name: 'h', type: 'link', linkname: 'l/f' }]]));
  it('a hardlink to something missing', () => refused([[{ name: 'h', type: 'link', linkname: 'nope' }]], /does not exist/));
  it('a hardlink to a directory', () => refused([[{ name: 'd/', type: 'directory' }, { name: 'h', type: 'link', linkname: 'd' }]], /directory/));
  it('a non-directory over the root itself', () => refused([[{ name: './', content: 'x' }]], /image root/));
  it('a symlink over the root itself', () => refused([[{ name: '.', type: 'symlink', linkname: box.outside }]], /image root/));
});

describe('unpackLayer never writes through what is already there', () => {
  it('symlink entries may point anywhere; they are created, not followed', async () => {
    await unpackLayers(box.root, [{ name: 'abs', type: 'symlink', linkname: join(box.outside, 'sentinel') }, { name: 'up', type: 'symlink', linkname: '../../../etc' }]);
    assert.equal(fs.readlinkSync(join(box.root, 'abs')), join(box.outside, 'sentinel'));
    // Replacing the link with a file or a directory must not touch the target.
    await unpackLayers(box.root, [{ name: 'abs', content: 'mine' }, { name: 'up/', type: 'directory' }]);
    assert.equal(fs.readFileSync(join(box.root, 'abs'), 'utf8'), 'mine');
    assert.ok(fs.lstatSync(join(box.root, 'up')).isDirectory());
  });

  it('rewriting a hardlinked path does not change the other link', async () => {
    await unpackLayers(box.root, [{ name: 'f', content: 'original' }], [{ name: 'h', type: 'link', linkname: 'f' }, { name: 'h', content: 'replaced' }]);
    assert.equal(fs.readFileSync(join(box.root, 'f'), 'utf8'), 'original');
    assert.equal(fs.readFileSync(join(box.root, 'h'), 'utf8'), 'replaced');
  });
});
