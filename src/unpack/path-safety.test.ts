import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FsProbe, resolveDir, resolveLinkTarget, splitEntryName } from './path-safety.js';

const ROOT = '/r';

/** An in-memory tree: path → 'dir' | 'file' | symlink target. */
function fakeFs(tree: Record<string, string>): FsProbe & { made: string[] } {
  const made: string[] = [];
  return {
    made,
    kind(path) {
      const node = tree[path];
      if (node === undefined) return made.includes(path) ? 'directory' : 'missing';
      if (node === 'dir') return 'directory';
      if (node === 'file') return 'file';
      return 'symlink';
    },
    readlink(path) {
      const node = tree[path];
      if (node === undefined || node === 'dir' || node === 'file') throw new Error(`not a symlink: ${path}`);
      return node.slice('->'.length);
    },
    mkdir(path) {
      made.push(path);
    },
  };
}

const follow = { followSymlinks: true, createMissing: true };

function refused(fn: () => unknown, pattern?: RegExp): void {
  assert.throws(fn, (error: Error & { code?: string; kind?: string }) => {
    assert.equal(error.code, 'ERR_UNSAFE_LAYER_ENTRY');
    assert.equal(error.kind, 'unsafe-content');
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

describe('splitEntryName', () => {
  it('accepts plain and ./-prefixed names', () => {
    assert.deepEqual(splitEntryName('./usr/bin/env'), ['usr', 'bin', 'env']);
    assert.deepEqual(splitEntryName('usr//lib/./x/'), ['usr', 'lib', 'x']);
    assert.deepEqual(splitEntryName('./'), []);
    assert.deepEqual(splitEntryName('...'), ['...']);
  });
  it('refuses absolute names and any .. component', () => {
    refused(() => splitEntryName('/etc/passwd'), /absolute/);
    refused(() => splitEntryName('../etc/passwd'), /layer entry "\.\.\/etc\/passwd" refused: it would write outside the image root/);
    refused(() => splitEntryName('a/../../b'));
    refused(() => splitEntryName('a/..'));
  });
});

describe('resolveDir', () => {
  it('follows a relative symlink that stays inside the root', () => {
    const probe = fakeFs({ '/r/usr': 'dir', '/r/usr/bin': 'dir', '/r/bin': '->usr/bin' });
    assert.deepEqual(resolveDir(ROOT, ['bin'], 'bin/sh', probe, follow), { components: ['usr', 'bin'], real: '/r/usr/bin' });
  });
  it('resolves .. in a target against the link directory, like the kernel', () => {
    const probe = fakeFs({ '/r/a': 'dir', '/r/a/b': 'dir', '/r/a/l': '->../c', '/r/c': 'dir' });
    assert.deepEqual(resolveDir(ROOT, ['a', 'l'], 'a/l/x', probe, follow).components, ['c']);
  });
  it('refuses absolute symlinks and ones that climb out', () => {
    refused(() => resolveDir(ROOT, ['evil'], 'evil/passwd', fakeFs({ '/r/evil': '->/etc' }), follow), /"evil" -> "\/etc"/);
    refused(() => resolveDir(ROOT, ['evil'], 'evil/x', fakeFs({ '/r/evil': '->../../..' }), follow), /climbs out/);
    refused(() => resolveDir(ROOT, ['a', 'up'], 'a/up/x', fakeFs({ '/r/a': 'dir', '/r/a/up': '->../..' }), follow), /climbs out/);
    // Two hops: the second link is the one that escapes.
    const chain = fakeFs({ '/r/one': '->two', '/r/two': '->/' });
    refused(() => resolveDir(ROOT, ['one'], 'one/x', chain, follow));
  });
  it('refuses symlink loops', () => {
    refused(() => resolveDir(ROOT, ['a'], 'a/x', fakeFs({ '/r/a': '->b', '/r/b': '->a' }), follow), /too many levels/);
  });
  it('creates missing parents only when asked', () => {
    const probe = fakeFs({});
    assert.equal(resolveDir(ROOT, ['x', 'y'], 'x/y/z', probe, follow).real, '/r/x/y');
    assert.deepEqual(probe.made, ['/r/x', '/r/x/y']);
    refused(() => resolveDir(ROOT, ['x'], 'l', fakeFs({}), { followSymlinks: false, createMissing: false }), /does not exist/);
  });
  it('reports a file used as a directory as a conflict, not a traversal', () => {
    assert.throws(() => resolveDir(ROOT, ['f'], 'f/x', fakeFs({ '/r/f': 'file' }), follow), { code: 'ERR_LAYER_ENTRY_CONFLICT' });
  });
});

describe('resolveLinkTarget', () => {
  const probe = fakeFs({ '/r/etc': 'dir', '/r/etc/f': 'file', '/r/etc/d': 'dir', '/r/l': '->etc', '/r/etc/s': '->f' });
  it('accepts regular files and symlinks in the root', () => {
    assert.equal(resolveLinkTarget(ROOT, './etc/f', 'x', probe), '/r/etc/f');
    assert.equal(resolveLinkTarget(ROOT, 'etc/s', 'x', probe), '/r/etc/s');
  });
  it('refuses absolute, .., through-symlink, missing and directory targets', () => {
    refused(() => resolveLinkTarget(ROOT, '/etc/shadow', 'x', probe), /absolute/);
    refused(() => resolveLinkTarget(ROOT, '../etc/shadow', 'x', probe), /outside/);
    refused(() => resolveLinkTarget(ROOT, 'l/f', 'x', probe), /symlink "l"/);
    refused(() => resolveLinkTarget(ROOT, 'etc/nope', 'x', probe), /does not exist/);
    refused(() => resolveLinkTarget(ROOT, 'etc/d', 'x', probe), /directory/);
    refused(() => resolveLinkTarget(ROOT, './', 'x', probe), /root/);
  });
});
