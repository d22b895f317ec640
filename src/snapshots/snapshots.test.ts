import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTar, unpackBuffer, type FixtureEntry } from '../unpack/layer-fixtures.js';
import { sha256Digest } from '../oci/index.js';
import { copyLayers, findInLayers, LayerLock, SnapshotStore, type LayerDir } from './index.js';

/** Unpacks each layer alone in overlay format (as pull does) and returns the stack, top first. */
async function stack(base: string, ...layers: FixtureEntry[][]): Promise<LayerDir[]> {
  const dirs: LayerDir[] = [];
  for (const [i, entries] of layers.entries()) {
    const dir = join(base, `layer${i}`);
    fs.mkdirSync(dir);
    const result = await unpackBuffer(await makeTar(entries), dir, { format: 'overlay' });
    dirs.unshift({ fs: dir, opaque: new Set(result.overlay?.opaque ?? []), whiteouts: new Set(), overlay: true });
  }
  return dirs;
}

test('read-through and copy apply whiteouts, opaque directories and replacements as overlayfs does', async () => {
  const base = fs.mkdtempSync(join(tmpdir(), 'snapshots-test-'));
  try {
    const layers = await stack(
      base,
      [
        { name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' },
        { name: 'a/gone', content: 'x' },
        { name: 'opq/old', content: 'old' },
        { name: 'd2f/inner', content: 'inner' },
        { name: 'link', type: 'symlink', linkname: '/etc' },
      ],
      [
        { name: 'a/.wh.gone' },
        { name: 'opq/', type: 'directory' },
        { name: 'opq/.wh..wh..opq' },
        { name: 'opq/new', content: 'new' },
        { name: 'd2f', content: 'file now' },
      ],
    );
    assert.equal(findInLayers(layers, '/etc/passwd')?.fs, join(base, 'layer0'));
    assert.equal(findInLayers(layers, '/a/gone'), undefined, 'whited out');
    assert.equal(findInLayers(layers, '/opq/old'), undefined, 'hidden by the opaque directory');
    assert.equal(findInLayers(layers, '/opq/new')?.fs, join(base, 'layer1'));
    assert.equal(findInLayers(layers, '/d2f/inner'), undefined, 'hidden by a file above');
    assert.equal(findInLayers(layers, '/link/passwd'), undefined, 'never through a symlink');

    const target = join(base, 'copy');
    fs.mkdirSync(target);
    copyLayers(layers, target);
    assert.deepEqual(fs.readdirSync(join(target, 'a')), []);
    assert.deepEqual(fs.readdirSync(join(target, 'opq')), ['new']);
    assert.equal(fs.readFileSync(join(target, 'd2f'), 'utf8'), 'file now');
    assert.equal(fs.readlinkSync(join(target, 'link')), '/etc');
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});

test('snapshot store: commit publishes once, a lost race is success, remove and list', () => {
  const root = fs.mkdtempSync(join(tmpdir(), 'snapshots-store-'));
  try {
    const store = new SnapshotStore(root);
    const chainId = sha256Digest('layer');
    const info = { chainId, diffId: chainId, parent: '', size: 3, opaque: [] };
    const first = store.createTemp();
    fs.writeFileSync(join(first, 'fs', 'f'), 'one');
    const second = store.createTemp();
    assert.equal(store.commit(first, info), true);
    assert.equal(store.commit(second, info), false);
    assert.equal(fs.existsSync(second), false);
    assert.deepEqual(store.list(), [chainId]);
    assert.equal(store.size(chainId), 3);
    assert.equal(fs.readFileSync(join(store.baseDir, store.linkName(chainId), 'f'), 'utf8'), 'one');
    store.remove(chainId);
    assert.deepEqual(store.list(), []);
    assert.equal(store.has(chainId), false);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('layer lock: a second holder waits; a dead owner is taken over', async () => {
  const root = fs.mkdtempSync(join(tmpdir(), 'snapshots-lock-'));
  try {
    const chainId = sha256Digest('locked');
    const lock = await LayerLock.acquire(root, chainId, () => false);
    assert.ok(lock);
    let done = false;
    const waiting = LayerLock.acquire(root, chainId, () => done);
    await new Promise((r) => setTimeout(r, 120));
    done = true;
    assert.equal(await waiting, undefined, 'the waiter sees the work done and takes no lock');
    lock.release();
    // A lock left by a process that is gone.
    const child = spawn('true');
    await new Promise((r) => child.once('exit', r));
    fs.writeFileSync(join(root, 'locks', `${chainId.slice(7)}.lock`), `${child.pid}\n`);
    const taken = await LayerLock.acquire(root, chainId, () => false);
    assert.ok(taken);
    taken.release();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
