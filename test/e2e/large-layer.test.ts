/**
 * A layer large enough (over 4 MiB compressed) to be applied on the unpack worker thread: its OCI
 * rules, a corrupted byte deep inside it, and Ctrl-C while it downloads. The other e2e images are
 * small and take the main-thread path.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freshRoot } from '../harness/index.js';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js';
import { buildImage, compressLayer, singlePlan } from '../harness/image-format.js';
import { busyboxRootEntries } from '../harness/busybox-root.js';
import { buildTar, type TarEntry } from '../harness/tarball.js';
import { assertRun, show, useHarness } from './context.js';

const c = useHarness();
const REPOSITORY = 'test/large-layer';
const BIG_BYTES = 6 << 20;
let faults: FaultProxy;
let bigDigest = '';
let bigSha256 = '';

/** Incompressible, but the same every run (so the pushed digests are stable). */
function pseudoRandom(bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let block = createHash('sha256').update('mydocker large layer').digest();
  for (let offset = 0; offset < bytes; offset += block.length) {
    block.copy(out, offset);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** Pushes the image and starts the fault proxy (root-level before hooks are not ordered after useHarness's start). */
async function prepare(): Promise<void> {
  const base = compressLayer(await buildTar([...busyboxRootEntries(), { type: 'dir', path: 'gone' }, { type: 'file', path: 'gone/file', content: 'lower' }]), 'gzip');
  const big = pseudoRandom(BIG_BYTES);
  bigSha256 = createHash('sha256').update(big).digest('hex');
  const small: TarEntry[] = Array.from({ length: 300 }, (_, i) => ({ type: 'file', path: `many/f${i}`, content: `file ${i}\n`, mode: 0o600, uid: 1000, gid: 1000 }));
  const entries: TarEntry[] = [
    { type: 'dir', path: 'data' },
    { type: 'file', path: 'data/big', content: big },
    { type: 'hardlink', path: 'data/big-link', target: 'data/big' },
    { type: 'symlink', path: 'data/to-big', target: 'big' },
    { type: 'file', path: '.wh.gone', content: '' },
    { type: 'dir', path: 'many' },
    ...small,
  ];
  const top = compressLayer(await buildTar(entries), 'gzip');
  assert.ok(top.blob.data.length > 4 << 20, 'the layer must be large enough for the worker path');
  bigDigest = top.blob.digest;
  const image = buildImage({ format: 'oci', platform: { os: 'linux', architecture: 'amd64' }, layers: [base, top], config: { Cmd: ['sh'], Env: ['PATH=/bin'] } });
  await c.h.openClient.push(singlePlan(REPOSITORY, ['latest'], image));
  faults = await startFaultProxy(c.h.openRegistry);
}
let preparing: Promise<void> | undefined;
const ready = (): Promise<void> => (preparing ??= prepare());

after(async () => {
  await faults?.stop();
});

const ref = (): string => `${faults.address}/${REPOSITORY}:latest`;
const BIG_LAYER = (r: { method: string; path: string }): boolean => r.method === 'GET' && r.path.endsWith(`/blobs/${bigDigest}`);

function assertNothingKept(root: string): void {
  for (const dir of ['refs', 'tmp']) {
    const full = path.join(root, dir);
    assert.deepEqual(existsSync(full) ? readdirSync(full) : [], [], `${dir}/ kept something`);
  }
}

test('a large layer (the worker-thread path) follows the OCI rules: content, hardlink, symlink, whiteout, owners', async () => {
  await ready();
  faults.reset();
  const script = [
    'sha256sum /data/big | cut -d" " -f1',
    '[ "$(stat -c %i /data/big)" = "$(stat -c %i /data/big-link)" ] && echo hardlinked',
    'readlink /data/to-big',
    '[ -e /gone ] && echo gone-still-there || echo gone-removed',
    'ls /many | wc -l',
    'stat -c "%a %u:%g" /many/f7',
  ].join('; ');
  const result = await c.h.runCli(['run', '--rm', ref(), 'sh', '-c', script], { root: freshRoot() });
  assertRun(result, { code: 0, stdout: `${bigSha256}\nhardlinked\nbig\ngone-removed\n300\n600 1000:1000\n` });
});

test('a corrupted byte deep in a large layer: digest mismatch, 125, nothing kept; then the pull succeeds', async () => {
  await ready();
  faults.reset();
  faults.add({ match: BIG_LAYER, fault: { kind: 'corrupt', atByte: 5 << 20 }, times: Infinity });
  const root = freshRoot();
  const result = await c.h.runCli(['pull', ref()], { root });
  assert.equal(result.code, 125, show(result));
  assert.match(result.stderr, /failed verification: expected sha256:/, show(result));
  assertNothingKept(root);
  faults.reset();
  assertRun(await c.h.runCli(['run', '--rm', ref(), 'true'], { root }), { code: 0 });
});

test('Ctrl-C while a large layer downloads: 125 at once, nothing kept', async () => {
  await ready();
  faults.reset();
  faults.add({ match: BIG_LAYER, fault: { kind: 'stall', afterBytes: 2 << 20 } });
  const root = freshRoot();
  const cli = c.h.spawnCli(['pull', ref()], { root, env: { MYDOCKER_STALL_TIMEOUT: '60' } });
  const deadline = Date.now() + 20_000;
  while (!faults.log().some((r) => r.fault === 'stall') && Date.now() < deadline) await sleep(50);
  await sleep(300);
  const interrupted = Date.now();
  cli.child.kill('SIGINT');
  const result = await cli.result;
  assert.ok(Date.now() - interrupted < 5000, 'Ctrl-C did not stop the pull promptly');
  assert.equal(result.code, 125, show(result));
  assert.match(result.stderr, /interrupted/, show(result));
  assertNothingKept(root);
});
