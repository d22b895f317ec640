/** Pulling: token auth and open registries, the local cache, concurrency, bad references, missing images. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshRoot, IMAGES, SCHEMA2_BUSYBOX_TAG, SECOND_BUSYBOX_TAG } from '../harness/index.js';
import { assertRun, show, useHarness } from './context.js';

const c = useHarness();

test('the token-auth registry works: tokens are fetched from the realm', async () => {
  const tokensBefore = c.h.tokenRequests();
  const result = await c.h.runCli(['run', c.ref(IMAGES.busybox, 'latest', 'auth'), 'echo', 'authed']);
  assertRun(result, { code: 0, stdout: 'authed\n' });
  assert.ok(c.h.tokenRequests() > tokensBefore, 'no token was requested');
  assert.ok(c.h.tokenScopes().includes('repository:library/busybox:pull'), `scopes asked: ${c.h.tokenScopes().join(', ')}`);
});

test('a localhost:PORT registry is reached over plain HTTP too', async () => {
  const ref = `${c.h.authRegistry.replace('127.0.0.1', 'localhost')}/${IMAGES.busybox}`;
  assertRun(await c.h.runCli(['run', ref, 'echo', 'via localhost']), { code: 0, stdout: 'via localhost\n' });
});

test('the open registry works without any token request', async () => {
  const tokensBefore = c.h.tokenRequests();
  assertRun(await c.h.runCli(['run', c.busybox, 'echo', 'open']), { code: 0, stdout: 'open\n' });
  assert.equal(c.h.tokenRequests(), tokensBefore);
});

test('second run of a pulled image opens no connection and prints nothing on stderr', async () => {
  const root = freshRoot();
  const ref = c.ref(IMAGES.busybox, 'latest', 'auth');
  assertRun(await c.h.runCli(['run', ref, 'true'], { root }), { code: 0, stdout: '' });
  const connections = c.h.connections();
  assertRun(await c.h.runCli(['run', ref, 'echo', 'again'], { root }), { code: 0, stdout: 'again\n', stderr: '' });
  assert.equal(c.h.connections(), connections, 'the second run talked to a registry or the token realm');
});

test('pull alone, then run uses the local image', async () => {
  const root = freshRoot();
  const pulled = await c.h.runCli(['pull', c.busybox], { root });
  assert.equal(pulled.code, 0, show(pulled));
  const connections = c.h.connections();
  assertRun(await c.h.runCli(['run', c.busybox, 'echo', 'local'], { root }), { code: 0, stdout: 'local\n', stderr: '' });
  assert.equal(c.h.connections(), connections);
});

test('two concurrent runs of the same image into the same empty store both succeed', async () => {
  const root = freshRoot();
  const ref = c.ref(IMAGES.layers, 'latest', 'auth');
  const [a, b] = await Promise.all([
    c.h.runCli(['run', ref, 'cat', '/data/keep.txt'], { root }),
    c.h.runCli(['run', ref, 'cat', '/data/replaced.txt'], { root }),
  ]);
  assertRun(a, { code: 0, stdout: 'keep' });
  assertRun(b, { code: 0, stdout: 'v2' });
  const connections = c.h.connections();
  assertRun(await c.h.runCli(['run', ref, 'cat', '/data/hl-b'], { root }), { code: 0, stdout: 'within-layer', stderr: '' });
  assert.equal(c.h.connections(), connections);
});

test('a second tag and a Docker schema2 manifest of busybox both run', async () => {
  for (const tag of [SECOND_BUSYBOX_TAG, SCHEMA2_BUSYBOX_TAG]) {
    assertRun(await c.h.runCli(['run', c.ref(IMAGES.busybox, tag, 'auth'), 'echo', tag]), { code: 0, stdout: `${tag}\n` });
  }
});

for (const bad of ['UPPER/case', 'a:b:c', 'foo@sha256:short']) {
  test(`bad reference ${bad} → 125 without network`, async () => {
    const connections = c.h.connections();
    const result = await c.run(['run', bad, 'true']);
    assertRun(result, { code: 125, stdout: '' });
    assert.match(result.stderr, /reference|invalid|format/i, show(result));
    assert.equal(c.h.connections(), connections);
  });
}

test('unknown repository → 125 with a clear message', async () => {
  const ref = c.ref('no/such-repo');
  const result = await c.run(['run', ref, 'true']);
  assertRun(result, { code: 125, stdout: '' });
  assert.match(result.stderr, /not found|unknown|does not exist/i, show(result));
  assert.match(result.stderr, /no\/such-repo/, show(result));
});

test('unknown tag → 125 with a clear message', async () => {
  const result = await c.run(['run', c.ref(IMAGES.busybox, 'no-such-tag', 'auth'), 'true']);
  assertRun(result, { code: 125, stdout: '' });
  assert.match(result.stderr, /not found|unknown|does not exist/i, show(result));
  assert.match(result.stderr, /no-such-tag/, show(result));
});

test('a layer that does not match the config diff_id → 125, and nothing is kept', async () => {
  const root = freshRoot();
  const ref = c.ref(IMAGES.badDigest);
  const first = await c.h.runCli(['run', ref, 'cat', '/extra.txt'], { root });
  assertRun(first, { code: 125, stdout: '' });
  assert.match(first.stderr, /digest|diff_?id|mismatch|verif|integrity/i, show(first));
  const second = await c.h.runCli(['run', ref, 'cat', '/extra.txt'], { root });
  assertRun(second, { code: 125, stdout: '' });
});
