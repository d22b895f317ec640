/** Entrypoint, Cmd, Env, WorkingDir and User from the image config. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMAGES, PATH_ENV, WORK_DIR } from '../harness/index.js';
import { assertRun, show, useHarness } from './context.js';

const c = useHarness();

test('no COMMAND: Entrypoint + Cmd', async () => {
  assertRun(await c.h.runCli(['run', c.ref(IMAGES.config)]), { code: 0, stdout: 'entry cmd-default\n' });
});

test('a COMMAND replaces Cmd, not Entrypoint', async () => {
  assertRun(await c.h.runCli(['run', c.ref(IMAGES.config), 'x', 'y z']), { code: 0, stdout: 'entry x y z\n' });
});

test('Env, WorkingDir and User (by name) apply to the default Cmd', async () => {
  assertRun(await c.h.runCli(['run', c.ref(IMAGES.configEnv)]), { code: 0 });
  const result = await c.h.runCli(['run', c.ref(IMAGES.configEnv, 'latest', 'auth')]);
  const [foo, cwd, id] = result.stdout.split('\n');
  assert.equal(foo, 'FOO=bar', show(result));
  assert.equal(cwd, WORK_DIR, show(result));
  assert.match(id ?? '', /^uid=1000\(app\) gid=1000\(app\)( groups=.*)?$/, show(result));
});

test('Env, WorkingDir and User also apply to a COMMAND', async () => {
  const result = await c.h.runCli(['run', c.ref(IMAGES.configEnv), 'sh', '-c', 'pwd; id -u; id -g; id -un; echo "$FOO"; echo "$PATH"']);
  assertRun(result, { code: 0, stdout: `${WORK_DIR}\n1000\n1000\napp\nbar\n${PATH_ENV.slice('PATH='.length)}\n` });
});

test('the environment holds the image Env', async () => {
  const result = await c.h.runCli(['run', c.ref(IMAGES.configEnv), 'env']);
  assert.equal(result.code, 0, show(result));
  const lines = result.stdout.split('\n');
  assert.ok(lines.includes('FOO=bar'), show(result));
  assert.ok(lines.includes(PATH_ENV), show(result));
});

test('User "1000:1000" runs as uid 1000 gid 1000 (names from /etc/passwd)', async () => {
  const result = await c.h.runCli(['run', c.ref(IMAGES.configUid)]);
  assert.equal(result.code, 0, show(result));
  assert.match(result.stdout, /^uid=1000\(app\) gid=1000\(app\)( groups=[^\n]*)?\n$/, show(result));
});

test('busybox image runs as root in / by default', async () => {
  assertRun(await c.run(['run', c.busybox, 'sh', '-c', 'id -u; pwd']), { code: 0, stdout: '0\n/\n', stderr: '' });
});
