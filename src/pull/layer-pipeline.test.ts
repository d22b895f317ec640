import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sha256Digest } from '../oci/index.js';
import { SnapshotStore } from '../snapshots/index.js';
import { blobPath } from '../store/index.js';
import { makeTar, type FixtureEntry } from '../unpack/layer-fixtures.js';
import { layerJobs } from './pull.js';
import { ensureSnapshots } from './layer-pipeline.js';

/** Puts the layers' blobs in a fresh store's content store, as `load` would; returns the jobs. */
async function localImage(root: string, layers: FixtureEntry[][]): Promise<ReturnType<typeof layerJobs>> {
  const descriptors = [];
  const diffIds = [];
  for (const entries of layers) {
    const tar = await makeTar(entries);
    const blob = gzipSync(tar);
    const digest = sha256Digest(blob);
    fs.mkdirSync(join(root, 'blobs', 'sha256'), { recursive: true });
    fs.writeFileSync(blobPath(root, digest), blob);
    descriptors.push({ digest, size: blob.length, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' });
    diffIds.push(sha256Digest(tar));
  }
  return layerJobs(descriptors, diffIds);
}

test('snapshots from local blobs: a hardlink to a lower layer shares its inode; committed in order', async () => {
  const root = fs.mkdtempSync(join(tmpdir(), 'pipeline-test-'));
  try {
    const jobs = await localImage(root, [
      [{ name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' }],
      [{ name: 'etc/.wh.group' }, { name: 'bin/', type: 'directory' }, { name: 'bin/pw', type: 'link', linkname: 'etc/passwd' }],
    ]);
    const events: string[] = [];
    const downloaded = await ensureSnapshots(jobs, { root, concurrency: 3, emit: (e) => { if (e.type === 'layer') events.push(`${e.id}:${e.status}`); } });
    assert.equal(downloaded, false);
    const store = new SnapshotStore(root);
    const [lower, upper] = jobs.map((j) => store.path(j.chainId));
    assert.equal(fs.statSync(`${upper}/bin/pw`).ino, fs.statSync(`${lower}/etc/passwd`).ino);
    assert.equal(fs.lstatSync(`${upper}/etc/group`).isCharacterDevice(), true);
    assert.deepEqual(store.info(jobs[1]?.chainId ?? '')?.parent, jobs[0]?.chainId);
    assert.equal(store.size(jobs[0]?.chainId ?? ''), 'root:x:0:0::/root:/bin/sh\n'.length, 'unpacked size recorded at unpack time');
    assert.deepEqual(fs.readdirSync(join(root, 'tmp')), []);
    // A second run finds everything in place.
    const again: string[] = [];
    await ensureSnapshots(jobs, { root, concurrency: 3, emit: (e) => { if (e.type === 'layer') again.push(e.status); } });
    assert.deepEqual(again, ['exists', 'exists']);
    assert.ok(events.filter((e) => e.endsWith(':complete')).length === 2, events.join(' '));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a deferred hardlink whose directory a later entry turned into a symlink to the host is refused', async () => {
  const root = fs.mkdtempSync(join(tmpdir(), 'pipeline-test-'));
  const outside = fs.mkdtempSync(join(tmpdir(), 'pipeline-outside-'));
  try {
    const jobs = await localImage(root, [
      [{ name: 'etc/passwd', content: 'x' }],
      [{ name: 'd/', type: 'directory' }, { name: 'd/lnk', type: 'link', linkname: 'etc/passwd' }, { name: 'd', type: 'symlink', linkname: outside }],
    ]);
    await assert.rejects(ensureSnapshots(jobs, { root, concurrency: 3, emit: () => undefined }), /replaced by a symlink/);
    assert.deepEqual(fs.readdirSync(outside), []);
    assert.equal(new SnapshotStore(root).has(jobs[1]?.chainId ?? ''), false);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  }
});

test('a layer whose blob is neither unpacked nor local fails clearly without a registry', async () => {
  const root = fs.mkdtempSync(join(tmpdir(), 'pipeline-test-'));
  try {
    const jobs = await localImage(root, [[{ name: 'a', content: 'a' }]]);
    fs.rmSync(join(root, 'blobs'), { recursive: true });
    await assert.rejects(ensureSnapshots(jobs, { root, concurrency: 1, emit: () => undefined }), { code: 'ERR_LAYER_BLOB_MISSING' });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
