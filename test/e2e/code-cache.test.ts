/**
 * bin/mydocker's V8 code caches (dist/bundle/main.COMMAND.v8cache, and undici.v8cache for the
 * registry client): written by the first command that finds one missing, used as they are next
 * time, and rewritten when missing, stale or garbage, without ever changing what a command does.
 * Runs on a copy of the built package, so that the caches of the checkout are left alone.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { freshRoot } from '../harness/index.js';
import { buildImage, compressLayer, singlePlan } from '../harness/image-format.js';
import { busyboxRootEntries } from '../harness/busybox-root.js';
import { buildTar } from '../harness/tarball.js';
import { useHarness } from './context.js';

const c = useHarness();
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
let copy = '';
let bundle = '';

before(() => {
  copy = path.join(freshRoot(), 'package');
  bundle = path.join(copy, 'dist', 'bundle');
  mkdirSync(path.join(copy, 'native'), { recursive: true });
  cpSync(path.join(REPO, 'bin'), path.join(copy, 'bin'), { recursive: true });
  cpSync(path.join(REPO, 'dist', 'bundle'), bundle, { recursive: true, filter: (source) => !source.endsWith('.v8cache') });
  cpSync(path.join(REPO, 'native', 'build'), path.join(copy, 'native', 'build'), { recursive: true });
  cpSync(path.join(REPO, 'native', 'build.mjs'), path.join(copy, 'native', 'build.mjs'));
  cpSync(path.join(REPO, 'package.json'), path.join(copy, 'package.json'));
  symlinkSync(path.join(REPO, 'node_modules'), path.join(copy, 'node_modules'));
});

after(() => {
  rmSync(copy, { recursive: true, force: true });
});

/** The copy's CLI. Asynchronous: the harness's registry proxies run in this process. */
function mydocker(args: string[], root = freshRoot()): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, MYDOCKER_ROOT: root };
  delete env['NODE_EXTRA_CA_CERTS'];
  const child = spawn(path.join(copy, 'bin', 'mydocker'), args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function caches(): string[] {
  return readdirSync(bundle).filter((name) => name.endsWith('.v8cache')).sort();
}

test('the first run of a command writes its cache, the next ones use it as it is', async () => {
  const first = await mydocker(['images']);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(caches(), ['main.images.v8cache']);
  const written = readFileSync(path.join(bundle, 'main.images.v8cache'));
  const mtime = statSync(path.join(bundle, 'main.images.v8cache')).mtimeMs;
  const second = await mydocker(['images']);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, first.stdout);
  assert.deepEqual(readFileSync(path.join(bundle, 'main.images.v8cache')), written);
  assert.equal(statSync(path.join(bundle, 'main.images.v8cache')).mtimeMs, mtime);
});

test('a garbage or empty cache is rejected and rewritten; the command still works', async () => {
  for (const garbage of [Buffer.from('not a code cache at all'), Buffer.alloc(0)]) {
    writeFileSync(path.join(bundle, 'main.ps.v8cache'), garbage);
    const result = await mydocker(['ps', '-a']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^CONTAINER ID/);
    const rewritten = readFileSync(path.join(bundle, 'main.ps.v8cache'));
    assert.ok(rewritten.length > 1000 && !rewritten.equals(garbage), 'the cache was not rewritten');
  }
});

test('a mistyped command leaves no cache of its own', async () => {
  const result = await mydocker(['imagse']);
  assert.equal(result.code, 125, result.stderr);
  assert.equal(existsSync(path.join(bundle, 'main.imagse.v8cache')), false);
});

test("a pull writes the registry client's cache, and a garbage one is replaced", async () => {
  const pulled = await mydocker(['pull', '-q', c.busybox]);
  assert.equal(pulled.code, 0, pulled.stderr);
  const cache = path.join(bundle, 'undici.v8cache');
  assert.ok(existsSync(cache), 'no undici.v8cache after a pull');
  writeFileSync(cache, 'garbage');
  const again = await mydocker(['pull', '-q', c.busybox]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, `${c.busybox}\n`);
  assert.notEqual(readFileSync(cache, 'utf8'), 'garbage');
  // And the pulled image runs.
  const root = freshRoot();
  assert.equal((await mydocker(['pull', '-q', c.busybox], root)).code, 0);
  const ran = await mydocker(['run', '--rm', c.busybox, '/bin/echo', 'hi'], root);
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(ran.stdout, 'hi\n');
});

test('a large pull (its unpack worker, its collections) leaves caches the next pull uses as they are', async () => {
  // Over 4 MiB compressed: unpacked on the worker thread, with the young-generation collections
  // that once turned --expose-gc on at run time, after which V8 rejected every cache written.
  const layer = compressLayer(await buildTar([...busyboxRootEntries(), { type: 'file', path: 'big', content: randomBytes(5 << 20) }]), 'gzip');
  const image = buildImage({ format: 'oci', platform: { os: 'linux', architecture: 'amd64' }, layers: [layer], config: { Cmd: ['sh'] } });
  await c.h.openClient.push(singlePlan('test/code-cache-large', ['latest'], image));
  const ref = c.ref('test/code-cache-large');
  // Written by this pull, after its collections.
  for (const name of ['main.pull.v8cache', 'undici.v8cache']) rmSync(path.join(bundle, name), { force: true });
  const first = await mydocker(['pull', '-q', ref]);
  assert.equal(first.code, 0, first.stderr);
  const written = ['main.pull.v8cache', 'undici.v8cache'].map((name) => readFileSync(path.join(bundle, name)));
  const second = await mydocker(['pull', '-q', ref]);
  assert.equal(second.code, 0, second.stderr);
  const after = ['main.pull.v8cache', 'undici.v8cache'].map((name) => readFileSync(path.join(bundle, name)));
  assert.ok(after.every((cache, i) => cache.equals(written[i] as Buffer)), 'a cache was rewritten: V8 rejected it');
});
