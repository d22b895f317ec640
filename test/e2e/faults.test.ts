/**
 * Faults injected between mydocker and the real registry (test/harness/fault-proxy.ts): cut and
 * stalled downloads resume with Range, rate limits and 5xx bursts are retried, corruption and
 * junk answers fail with one clear line, exit 125, nothing kept; and a second pull then succeeds.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, beforeEach, test, type TestContext } from 'node:test';
import { freshRoot, IMAGES } from '../harness/index.js';
import { BLOBS, MANIFESTS, startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js';
import { freePort } from '../harness/net.js';
import { assertRun, show, useHarness } from './context.js';

const c = useHarness();
let faults: FaultProxy;
// Root-level before hooks are not ordered after useHarness's start, so each test awaits this.
let starting: Promise<FaultProxy> | undefined;
beforeEach(async () => {
  starting ??= startFaultProxy(c.h.openRegistry);
  faults = await starting;
});
after(async () => {
  await faults?.stop();
});

const LAYER_CUT = 40_000;
const ref = (repository: string = IMAGES.busybox, tag = 'latest'): string => `${faults.address}/${repository}:${tag}`;

/** Nothing of a failed pull may remain: no root, no tag, no temp dir. */
function assertNothingKept(root: string): void {
  for (const dir of ['rootfs', 'refs', 'tmp']) {
    const full = path.join(root, dir);
    const left = existsSync(full) ? readdirSync(full) : [];
    assert.deepEqual(left, [], `${dir}/ kept ${left.join(', ')}`);
  }
}

/** The failure is one line of mydocker's (progress lines of `run` may precede it). */
function assertOneErrorLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n').filter((l) => l.startsWith('mydocker:'));
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0] ?? '', pattern, stderr);
}

/** After the fault is gone, the same pull into the same store works. */
async function secondPullSucceeds(root: string, image = ref()): Promise<void> {
  faults.reset();
  assertRun(await c.h.runCli(['run', image, 'echo', 'second'], { root }), { code: 0, stdout: 'second\n' });
}

test('a connection dropped mid-layer resumes with a Range request', async () => {
  faults.reset();
  faults.add({ match: BLOBS, fault: { kind: 'drop', afterBytes: LAYER_CUT } });
  const result = await c.h.runCli(['run', ref(), 'echo', 'resumed']);
  assertRun(result, { code: 0, stdout: 'resumed\n' });
  const log = faults.log();
  assert.ok(log.some((r) => r.fault === 'drop'), 'the fault was not injected');
  const ranged = log.filter((r) => r.range !== undefined);
  assert.equal(ranged.length, 1, JSON.stringify(log));
  assert.match(ranged[0]?.range ?? '', /^bytes=([1-9]\d*)-$/);
  assert.ok(Number(/=(\d+)/.exec(ranged[0]?.range ?? '')?.[1]) <= LAYER_CUT);
  assert.equal(ranged[0]?.status, 206);
});

test('a registry that ignores Range (200 on resume) is handled: the repeated bytes are skipped', async () => {
  faults.reset();
  faults.add({ match: BLOBS, fault: { kind: 'drop', afterBytes: LAYER_CUT } });
  faults.add({ match: (r) => BLOBS(r) && r.range !== undefined, fault: { kind: 'ignore-range' } });
  assertRun(await c.h.runCli(['run', ref(), 'echo', 'restarted']), { code: 0, stdout: 'restarted\n' });
  const log = faults.log();
  assert.ok(log.some((r) => r.fault === 'ignore-range' && r.status === 200), JSON.stringify(log));
});

test('a stalled connection is abandoned after MYDOCKER_STALL_TIMEOUT and resumed', async () => {
  faults.reset();
  faults.add({ match: BLOBS, fault: { kind: 'stall', afterBytes: LAYER_CUT } });
  const started = Date.now();
  const result = await c.h.runCli(['run', ref(), 'echo', 'unstalled'], { env: { MYDOCKER_STALL_TIMEOUT: '1' } });
  assertRun(result, { code: 0, stdout: 'unstalled\n' });
  assert.ok(Date.now() - started >= 1000, 'the stall was not waited for');
  assert.ok(Date.now() - started < 20_000, 'MYDOCKER_STALL_TIMEOUT was not used');
  assert.ok(faults.log().some((r) => r.range !== undefined && r.status === 206), JSON.stringify(faults.log()));
});

test('a layer whose connection keeps dropping: bounded resumes, then one line, nothing kept', async () => {
  faults.reset();
  faults.add({ match: BLOBS, fault: { kind: 'drop', afterBytes: LAYER_CUT }, times: Infinity });
  const root = freshRoot();
  const result = await c.h.runCli(['pull', ref()], { root });
  assertRun(result, { code: 125, stdout: '' });
  assertOneErrorLine(result.stderr, /closed unexpectedly.* while downloading blob sha256:[0-9a-f]{12}; gave up after 5 resumes/);
  assert.equal(faults.log().filter((r) => r.fault === 'drop').length, 6);
  assertNothingKept(root);
  await secondPullSucceeds(root);
});

test('a registry that accepts the request and never answers is retried after the stall timeout', async () => {
  faults.reset();
  faults.add({ match: MANIFESTS, fault: { kind: 'hang' } });
  const started = Date.now();
  assertRun(await c.h.runCli(['run', ref(), 'echo', 'answered'], { env: { MYDOCKER_STALL_TIMEOUT: '1' } }), { code: 0, stdout: 'answered\n' });
  assert.ok(Date.now() - started >= 1000);
  assert.ok(Date.now() - started < 20_000, 'MYDOCKER_STALL_TIMEOUT was not used for headers');
  assert.ok(faults.log().some((r) => r.fault === 'hang'));
});

test('Ctrl-C during a Retry-After wait stops at once', async () => {
  faults.reset();
  faults.add({ match: MANIFESTS, fault: { kind: 'answer', status: 429, headers: { 'Retry-After': '30' } }, times: Infinity });
  const root = freshRoot();
  const cli = c.h.spawnCli(['pull', ref()], { root });
  const deadline = Date.now() + 20_000;
  while (!faults.log().some((r) => r.status === 429) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
  const interrupted = Date.now();
  cli.child.kill('SIGINT');
  const result = await cli.result;
  assert.ok(Date.now() - interrupted < 5000, `the wait was not cut short (${Date.now() - interrupted} ms)`);
  assertRun(result, { code: 125, stdout: '' });
  assertOneErrorLine(result.stderr, /interrupted/);
  assert.equal(faults.log().filter((r) => r.status === 429).length, 1);
  assertNothingKept(root);
});

test('429 with Retry-After: waits as told and succeeds', async () => {
  faults.reset();
  faults.add({ match: MANIFESTS, fault: { kind: 'answer', status: 429, headers: { 'Retry-After': '1' } }, times: 2 });
  const started = Date.now();
  assertRun(await c.h.runCli(['run', ref(), 'echo', 'patient']), { code: 0, stdout: 'patient\n' });
  assert.ok(Date.now() - started >= 2000, `Retry-After was not obeyed (${Date.now() - started} ms)`);
  assert.equal(faults.log().filter((r) => r.status === 429).length, 2);
});

test('429 that persists: one line saying it is a rate limit and when it resets; exit 125', async () => {
  faults.reset();
  faults.add({
    match: MANIFESTS, times: Infinity,
    fault: { kind: 'answer', status: 429, headers: { 'Retry-After': '3600', 'RateLimit-Limit': '100;w=21600', 'RateLimit-Remaining': '0;w=21600' },
      body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}' },
  });
  const root = freshRoot();
  const started = Date.now();
  const result = await c.h.runCli(['pull', ref()], { root });
  assertRun(result, { code: 125, stdout: '' });
  assert.ok(Date.now() - started < 20_000, 'a one-hour Retry-After must not be waited for');
  assert.match(result.stderr, /rate limit/, show(result));
  assert.match(result.stderr, /limit 100 pulls per 6h, 0 remaining, resets in 1h/, show(result));
  assert.equal(result.stderr.trim().split('\n').length, 1, show(result));
  assertNothingKept(root);
  await secondPullSucceeds(root);
});

test('a burst of 503 answers is retried with backoff', async () => {
  faults.reset();
  faults.add({ match: MANIFESTS, fault: { kind: 'answer', status: 503 }, times: 2 });
  faults.add({ match: BLOBS, fault: { kind: 'answer', status: 502 }, times: 1 });
  faults.add({ match: BLOBS, fault: { kind: 'answer', status: 504 }, times: 1 });
  assertRun(await c.h.runCli(['run', ref(), 'echo', 'recovered']), { code: 0, stdout: 'recovered\n' });
  assert.equal(faults.log().filter((r) => r.status >= 500).length, 4);
});

test('503 that persists: bounded retries, then one line naming the status and the attempts', async () => {
  faults.reset();
  faults.add({ match: MANIFESTS, fault: { kind: 'answer', status: 503 }, times: Infinity });
  const root = freshRoot();
  const result = await c.h.runCli(['pull', ref()], { root });
  assertRun(result, { code: 125, stdout: '' });
  assert.match(result.stderr, /HTTP 503 after 5 attempts/, show(result));
  assert.equal(faults.log().filter((r) => r.status === 503).length, 5);
  assertNothingKept(root);
  await secondPullSucceeds(root);
});

test('a corrupted byte in a layer fails with a digest mismatch and nothing is kept', async () => {
  faults.reset();
  faults.add({ match: BLOBS, fault: { kind: 'corrupt', atByte: LAYER_CUT }, times: Infinity });
  const root = freshRoot();
  const result = await c.h.runCli(['run', ref(), 'true'], { root });
  assertRun(result, { code: 125, stdout: '' });
  assertOneErrorLine(result.stderr, /layer \w+ failed verification: expected sha256:/);
  assertNothingKept(root);
  await secondPullSucceeds(root);
});

/** The busybox manifest as the registry has it, and its config digest. */
async function busyboxManifest(): Promise<{ digest: string; body: Buffer; mediaType: string; configDigest: string }> {
  const m = await c.h.openClient.getManifest(IMAGES.busybox, 'latest');
  assert.equal(m.status, 200);
  const doc = JSON.parse(m.body.toString('utf8')) as { config: { digest: string } };
  return { digest: m.digest ?? '', body: m.body, mediaType: m.mediaType ?? '', configDigest: doc.config.digest };
}

test('a manifest that does not match the digest asked for → digest mismatch, 125', async () => {
  const m = await busyboxManifest();
  faults.reset();
  // Same JSON, one more space: a different digest.
  faults.add({ match: MANIFESTS, times: Infinity, fault: { kind: 'answer', status: 200, headers: { 'Content-Type': m.mediaType }, body: Buffer.concat([m.body, Buffer.from(' ')]) } });
  const root = freshRoot();
  const result = await c.h.runCli(['pull', `${faults.address}/${IMAGES.busybox}@${m.digest}`], { root });
  assertRun(result, { code: 125, stdout: '' });
  assertOneErrorLine(result.stderr, /manifest .*(failed verification|mismatch|expected)/i);
  assertNothingKept(root);
  faults.reset();
  assert.equal((await c.h.runCli(['pull', `${faults.address}/${IMAGES.busybox}@${m.digest}`], { root })).code, 0);
});

test('a config that does not match its digest → 125, nothing kept', async () => {
  const m = await busyboxManifest();
  faults.reset();
  faults.add({ match: (r) => r.path.endsWith(m.configDigest), times: Infinity, fault: { kind: 'corrupt', atByte: 5 } });
  const root = freshRoot();
  const result = await c.h.runCli(['pull', ref()], { root });
  assertRun(result, { code: 125, stdout: '' });
  assertOneErrorLine(result.stderr, /config/i);
  assertNothingKept(root);
  await secondPullSucceeds(root);
});

for (const [what, status, contentType, body] of [
  ['an HTML page', 200, 'text/html', '<!doctype html><html><body>Welcome to nginx!</body></html>'],
  ['junk JSON', 200, 'application/json', '{"hello":"world"}'],
  ['a JSON error page with status 200', 200, 'application/vnd.oci.image.manifest.v1+json', '[1,2,3]'],
] as const) {
  test(`a registry answering ${what} instead of a manifest → one clear line, 125`, async () => {
    faults.reset();
    faults.add({ match: MANIFESTS, times: Infinity, fault: { kind: 'answer', status, headers: { 'Content-Type': contentType }, body } });
    const root = freshRoot();
    const result = await c.h.runCli(['pull', ref()], { root });
    assertRun(result, { code: 125, stdout: '' });
    assertOneErrorLine(result.stderr, /not a usable manifest/);
    assertNothingKept(root);
    await secondPullSucceeds(root);
  });
}

for (const status of [401, 403]) {
  test(`HTTP ${status} → pull access denied, 125`, async () => {
    faults.reset();
    faults.add({ match: MANIFESTS, times: Infinity, fault: { kind: 'answer', status, body: '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}' } });
    const root = freshRoot();
    const result = await c.h.runCli(['pull', ref()], { root });
    assertRun(result, { code: 125, stdout: '' });
    assertOneErrorLine(result.stderr, /pull access denied for .*library\/busybox, repository does not exist or may require 'mydocker login'/);
    await secondPullSucceeds(root);
  });
}

test('a name that does not resolve → one line naming it, 125', async () => {
  const result = await c.h.runCli(['pull', 'no-such-registry.invalid/some/image:1']);
  assertRun(result, { code: 125, stdout: '' });
  assertOneErrorLine(result.stderr, /cannot resolve registry host "no-such-registry\.invalid"/);
});

test('connection refused → one line naming the address, 125', async () => {
  const port = await freePort();
  const result = await c.h.runCli(['pull', `127.0.0.1:${port}/some/image:1`]);
  assertRun(result, { code: 125, stdout: '' });
  assertOneErrorLine(result.stderr, new RegExp(`connection refused by 127\\.0\\.0\\.1:${port}`));
});

test('Ctrl-C while a layer downloads: exit 125 at once, nothing kept, a second pull succeeds', async () => {
  faults.reset();
  faults.add({ match: BLOBS, fault: { kind: 'stall', afterBytes: LAYER_CUT } });
  const root = freshRoot();
  const cli = c.h.spawnCli(['pull', ref()], { root, env: { MYDOCKER_STALL_TIMEOUT: '60' } });
  const deadline = Date.now() + 20_000;
  while (!faults.log().some((r) => r.fault === 'stall') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 200));
  const interrupted = Date.now();
  cli.child.kill('SIGINT');
  const result = await cli.result;
  assert.ok(Date.now() - interrupted < 5000, 'Ctrl-C did not stop the pull promptly');
  assertRun(result, { code: 125, stdout: '' });
  assertOneErrorLine(result.stderr, /interrupted/);
  assertNothingKept(root);
  await secondPullSucceeds(root);
});

/** Runs `body` with MYDOCKER_ROOT on a tmpfs of `size` (skipped unless root can mount one). */
async function withTmpfsRoot(t: TestContext, size: string, body: (root: string) => Promise<void>): Promise<void> {
  if (process.getuid?.() !== 0) {
    t.skip('mounting a tmpfs needs root');
    return;
  }
  const root = mkdtempSync(path.join(os.tmpdir(), 'mydocker-enospc-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', root]);
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    t.skip(`cannot mount a tmpfs here: ${String(error)}`);
    return;
  }
  try {
    await body(root);
  } finally {
    execFileSync('umount', [root]);
    rmSync(root, { recursive: true, force: true });
  }
}

test('disk full while unpacking (a tiny tmpfs as MYDOCKER_ROOT) → one line, 125, store intact; with room, a second pull succeeds', (t) =>
  withTmpfsRoot(t, '512k', async (root) => {
    faults.reset();
    const result = await c.h.runCli(['pull', ref()], { root });
    assertRun(result, { code: 125, stdout: '' });
    assertOneErrorLine(result.stderr, /no space left on device/);
    assertNothingKept(root);
    execFileSync('mount', ['-o', 'remount,size=64m', root]);
    await secondPullSucceeds(root);
  }));

test('a disk that fills up while the container runs: its exit code stands (not 125), one warning if its exit cannot be recorded', (t) =>
  withTmpfsRoot(t, '64m', async (root) => {
    const image = `${c.h.openRegistry}/${IMAGES.busybox}:latest`;
    assertRun(await c.h.runCli(['pull', '-q', image], { root }), { code: 0 });
    const fill = 'cat /dev/zero > /fill 2>/dev/null; echo full; exit 3';
    assertRun(await c.h.runCli(['run', '--rm', image, 'sh', '-c', fill], { root }), { code: 3, stdout: 'full\n', stderr: '' });
    const kept = await c.h.runCli(['run', image, 'sh', '-c', fill], { root });
    assert.equal(kept.code, 3, show(kept));
    assert.equal(kept.stdout, 'full\n');
    assert.doesNotMatch(kept.stderr, /internal error/, show(kept));
  }));
