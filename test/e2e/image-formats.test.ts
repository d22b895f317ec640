/** Image formats: manifest list, OCI index, platform choice, every OCI layer rule, zstd and plain tar layers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMAGES, layersCheckScript } from '../harness/index.js';
import { assertRun, show, useHarness } from './context.js';

const c = useHarness();

test('host is linux/amd64 (the platform tests below assume it)', () => {
  assert.equal(`${process.platform}/${process.arch}`, 'linux/x64');
});

test('a Docker manifest list resolves to linux/amd64', async () => {
  assertRun(await c.h.runCli(['run', c.ref(IMAGES.multiarch, 'latest', 'auth'), 'cat', '/platform']), { code: 0, stdout: 'linux/amd64\n' });
});

test('an OCI image index resolves to linux/amd64', async () => {
  assertRun(await c.h.runCli(['run', c.ref(IMAGES.ociindex), 'cat', '/platform']), { code: 0, stdout: 'linux/amd64\n' });
});

test('an index without linux/amd64 → 125 naming the platforms it has', async () => {
  const result = await c.h.runCli(['run', c.ref(IMAGES.armonly), 'true']);
  assertRun(result, { code: 125, stdout: '' });
  assert.match(result.stderr, /linux\/arm64/, show(result));
  assert.match(result.stderr, /linux\/s390x/, show(result));
});

// The same expectations through both snapshotters: the overlay of per-layer snapshots, and the copy fallback.
for (const mode of ['overlay', 'copy'] as const) {
  test(`layers:latest follows every OCI layer rule (whiteouts, opaque dirs, links, modes, owners, PAX) with the ${mode} snapshotter`, async () => {
    const { script, expected } = layersCheckScript();
    const env = { MYDOCKER_SNAPSHOTTER: mode === 'copy' ? 'copy' : undefined };
    const result = await c.h.runCli(['run', c.ref(IMAGES.layers), 'sh', '-c', script], { env });
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(result.stdout.split('\n').slice(0, -1), expected, show(result));
    const fallbackLines = result.stderr.split('\n').filter((l) => l.includes('overlayfs cannot be used'));
    assert.equal(fallbackLines.length, mode === 'copy' ? 1 : 0, show(result));
  });
}

test('zstd layer content is there', async () => {
  assertRun(await c.h.runCli(['run', c.ref(IMAGES.layers, 'latest', 'auth'), 'cat', '/data/zstd-marker.txt']), { code: 0, stdout: 'zstd' });
});

test('uncompressed layer content is there', async () => {
  assertRun(await c.h.runCli(['run', c.ref(IMAGES.layers, 'latest', 'auth'), 'cat', '/data/uncompressed-marker.txt']), { code: 0, stdout: 'uncompressed' });
});
