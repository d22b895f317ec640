/** Per-layer snapshots: shared layers stored once, many layers, concurrent pulls, SIGKILL mid-pull, parallel downloads. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { freshRoot, IMAGES, layersCheckScript, MANY_LAYERS, startCountingProxy } from '../harness/index.js';
import { assertRun, show, useHarness } from './context.js';

const c = useHarness();

function snapshotDirs(root: string): string[] {
  const dir = join(root, 'snapshots');
  return existsSync(dir) ? readdirSync(dir).filter((name) => /^[0-9a-f]{64}$/.test(name)) : [];
}

function duBytes(path: string): number {
  return Number(spawnSync('du', ['-sb', path], { encoding: 'utf8' }).stdout.split('\t')[0]);
}

/** Blob digests fetched, from --trace lines ("trace: GET http://…/blobs/sha256:… → 200"). */
function blobGets(stderr: string): string[] {
  return [...stderr.matchAll(/trace: GET \S*\/blobs\/(sha256:[0-9a-f]{64}) → 2\d\d/g)].map((m) => m[1] ?? '');
}

const LAST_LAYER = String(MANY_LAYERS - 1).padStart(3, '0');

test('images sharing base layers store them once (snapshot directories and disk usage)', async () => {
  const root = freshRoot();
  for (const repository of [IMAGES.busybox, IMAGES.layers, IMAGES.config, IMAGES.configEnv]) {
    assertRun(await c.h.runCli(['pull', '-q', c.ref(repository)], { root }), { code: 0 });
  }
  // busybox: 1 layer; layers: the same base + 3; config: base + 1; config-env: the same 2 layers as config.
  const dirs = snapshotDirs(root);
  assert.equal(dirs.length, 5, dirs.join(' '));
  const base = dirs.map((d) => join(root, 'snapshots', d)).map((d) => duBytes(d)).sort((a, b) => b - a)[0] ?? 0;
  assert.ok(duBytes(join(root, 'snapshots')) < 1.5 * base, 'the busybox base is stored once for the four images');
  // Compressed layer blobs are kept once each too (save and re-unpacking need them).
  assertRun(await c.h.runCli(['run', c.ref(IMAGES.configEnv)], { root }), { code: 0 });
});

for (const mode of ['overlay', 'copy'] as const) {
  test(`a ${MANY_LAYERS}-layer image runs (${mode} snapshotter)`, async () => {
    const env = { MYDOCKER_SNAPSHOTTER: mode === 'copy' ? 'copy' : undefined };
    const result = await c.h.runCli(['run', c.ref(IMAGES.manyLayers), 'sh', '-c', `ls /layers | wc -l; cat /layers/${LAST_LAYER} /layers/001`], { env, timeoutMs: 120_000 });
    assertRun(result, { code: 0, stdout: `${MANY_LAYERS - 1}\n${LAST_LAYER}001` });
    assert.equal(snapshotDirs(result.root).length, MANY_LAYERS);
  });
}

test('two concurrent pulls of images sharing layers download and unpack each layer once', async () => {
  const root = freshRoot();
  const a = c.h.spawnCli(['--trace', 'pull', c.ref(IMAGES.manyLayers)], { root, timeoutMs: 120_000 });
  const b = c.h.spawnCli(['--trace', 'pull', c.ref(IMAGES.layers)], { root, timeoutMs: 120_000 });
  const [ra, rb] = await Promise.all([a.result, b.result]);
  assertRun(ra, { code: 0 });
  assertRun(rb, { code: 0 });
  const gets = [...blobGets(ra.stderr), ...blobGets(rb.stderr)];
  const counts = new Map<string, number>();
  for (const digest of gets) counts.set(digest, (counts.get(digest) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1);
  assert.deepEqual(twice, [], `blobs fetched more than once: ${JSON.stringify(twice)}`);
  // Every layer of both images (the base once) and both configs were fetched by one of the two.
  assert.equal(counts.size, MANY_LAYERS + 3 + 2, show(rb));
  assert.equal(snapshotDirs(root).length, MANY_LAYERS + 3, 'the shared base snapshot exists once');
  assertRun(await c.h.runCli(['run', c.ref(IMAGES.layers), 'cat', '/data/keep.txt'], { root }), { code: 0, stdout: 'keep' });
});

test('SIGKILL during a pull, then a pull succeeds; nothing half-written is used and temps are cleaned', async () => {
  const root = freshRoot();
  const ref = c.ref(IMAGES.manyLayers);
  const first = c.h.spawnCli(['pull', ref], { root, timeoutMs: 120_000 });
  for (let i = 0; i < 400 && (first.stderr().match(/Pull complete/g) ?? []).length < 10; i++) await sleep(10);
  first.child.kill('SIGKILL');
  const killed = await first.result;
  assert.equal(killed.signal, 'SIGKILL', show(killed));
  const second = await c.h.runCli(['pull', ref], { root, timeoutMs: 120_000 });
  assertRun(second, { code: 0 });
  assertRun(await c.h.runCli(['run', ref, 'cat', `/layers/${LAST_LAYER}`], { root }), { code: 0, stdout: LAST_LAYER });
  assert.deepEqual(readdirSync(join(root, 'tmp')), [], 'temporary directories of the killed pull are removed');
  assert.deepEqual(readdirSync(join(root, 'locks')), [], 'no lock is left behind');
});

test('layers download in parallel, max-concurrent-downloads at a time', async () => {
  const port = Number(c.h.openRegistry.split(':').pop());
  const peak = async (config: object | undefined): Promise<number> => {
    const proxy = await startCountingProxy(port);
    try {
      const env: Record<string, string> = {};
      if (config) {
        const dir = mkdtempSync(join(tmpdir(), 'mydocker-config-'));
        writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
        env['MYDOCKER_CONFIG_FILE'] = join(dir, 'config.json');
      }
      assertRun(await c.h.runCli(['pull', '-q', `${proxy.address}/${IMAGES.manyLayers}`], { env, timeoutMs: 120_000 }), { code: 0 });
      return proxy.peakConnections();
    } finally {
      await proxy.stop();
    }
  };
  const parallel = await peak(undefined);
  const serial = await peak({ 'max-concurrent-downloads': 1 });
  assert.ok(parallel >= 3, `default: ${parallel} connections at once`);
  assert.ok(serial < parallel, `max-concurrent-downloads 1: ${serial} connections at once (default ${parallel})`);
});

test('missing snapshots of a local image are unpacked from the local blobs, with no network', async () => {
  const root = freshRoot();
  assertRun(await c.h.runCli(['pull', '-q', c.ref(IMAGES.layers)], { root }), { code: 0 });
  rmSync(join(root, 'snapshots'), { recursive: true, force: true });
  const before = c.h.connections();
  assertRun(await c.h.runCli(['run', c.ref(IMAGES.layers), 'cat', '/data/replaced.txt'], { root }), { code: 0, stdout: 'v2' });
  assert.equal(c.h.connections(), before, 'no connection was opened');
  assert.equal(snapshotDirs(root).length, 4);
});

test('where MYDOCKER_ROOT cannot hold overlay layers (it is on an overlayfs), runs use a copy, say so once, and still follow every layer rule', async () => {
  const base = mkdtempSync(join(tmpdir(), 'mydocker-overlay-root-'));
  for (const sub of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(base, sub));
  const mounted = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${base}/lower,upperdir=${base}/upper,workdir=${base}/work`, `${base}/merged`]);
  assert.equal(mounted.status, 0, mounted.stderr?.toString());
  try {
    const root = join(base, 'merged', 'root');
    const { script, expected } = layersCheckScript();
    for (const attempt of ['pulling', 'cached']) {
      const result = await c.h.runCli(['run', c.ref(IMAGES.layers), 'sh', '-c', script], { root });
      assert.equal(result.code, 0, `${attempt}: ${show(result)}`);
      assert.deepEqual(result.stdout.split('\n').slice(0, -1), expected, show(result));
      assert.equal(result.stderr.split('\n').filter((l) => l.includes('overlayfs cannot be used')).length, 1, show(result));
    }
  } finally {
    spawnSync('umount', [`${base}/merged`]);
    rmSync(base, { recursive: true, force: true });
  }
});

test('when the overlay mount itself fails (writable layers on an overlayfs), the container starts again on a copy and says so once', async () => {
  const root = freshRoot();
  assertRun(await c.h.runCli(['pull', '-q', c.ref(IMAGES.layers)], { root }), { code: 0 });
  const base = mkdtempSync(join(tmpdir(), 'mydocker-overlay-containers-'));
  for (const sub of ['lower', 'upper', 'work']) mkdirSync(join(base, sub));
  mkdirSync(join(root, 'containers'), { recursive: true });
  const mounted = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${base}/lower,upperdir=${base}/upper,workdir=${base}/work`, join(root, 'containers')]);
  assert.equal(mounted.status, 0, mounted.stderr?.toString());
  try {
    const result = await c.h.runCli(['run', c.ref(IMAGES.layers), 'cat', '/data/opq/new.txt', '/data/keep.txt'], { root });
    assertRun(result, { code: 0, stdout: 'newkeep' });
    const lines = result.stderr.split('\n').filter((l) => l.length > 0);
    assert.equal(lines.length, 1, show(result));
    assert.match(lines[0] ?? '', /overlayfs cannot be used \(.*mount.*\)/, show(result));
  } finally {
    spawnSync('umount', [join(root, 'containers')]);
    rmSync(base, { recursive: true, force: true });
  }
});
