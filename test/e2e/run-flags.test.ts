/** docker run's container flags, each checked from inside the container; bad values exit 125 with Docker's words. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { IMAGES } from '../harness/index.js';
import { assertRun, show, useHarness } from './context.js';

const c = useHarness();
const scratch = mkdtempSync(path.join(tmpdir(), 'mydocker-flags-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('-e KEY=VAL, -e KEY (host value), -e MISSING (left out), --env-file; later wins', async () => {
  const envFile = path.join(scratch, 'env');
  writeFileSync(envFile, '# comment\n\nFROMFILE=file value\nA=from-file\nHOSTVAR\n');
  const result = await c.run(['run', '--env-file', envFile, '-e', 'A=1', '--env=B=two words', '-e', 'HOSTVAR', '-e', 'NOT_ON_HOST', c.busybox, 'sh', '-c', 'echo "$A|$B|$HOSTVAR|$FROMFILE|${NOT_ON_HOST-unset}"'], {
    env: { HOSTVAR: 'from host', NOT_ON_HOST: undefined },
  });
  assertRun(result, { code: 0, stdout: '1|two words|from host|file value|unset\n', stderr: '' });
});

test("-e KEY without a host value unsets the image's variable; -e KEY=VAL replaces it", async () => {
  const image = c.ref(IMAGES.configEnv);
  const unset = await c.h.runCli(['run', '-e', 'FOO', image, 'sh', '-c', 'echo "${FOO-unset}"'], { root: c.warmRoot, env: { FOO: undefined } });
  assertRun(unset, { code: 0, stdout: 'unset\n' });
  const replaced = await c.run(['run', '-e', 'FOO=new', image, 'sh', '-c', 'echo "$FOO"; env | grep -c ^FOO=']);
  assertRun(replaced, { code: 0, stdout: 'new\n1\n' });
});

test('-w: working directory, created when missing; relative is refused', async () => {
  assertRun(await c.run(['run', '-w', '/new/work/dir', c.busybox, 'pwd']), { code: 0, stdout: '/new/work/dir\n', stderr: '' });
  const bad = await c.run(['run', '-w', 'rel', c.busybox, 'pwd']);
  assertRun(bad, { code: 125, stdout: '' });
  assert.match(bad.stderr, /the working directory 'rel' is invalid, it needs to be an absolute path/, show(bad));
});

test('-u name, uid:gid, and an unknown user', async () => {
  assertRun(await c.run(['run', '-u', '1234:4321', c.busybox, 'sh', '-c', 'id -u; id -g']), { code: 0, stdout: '1234\n4321\n', stderr: '' });
  assertRun(await c.run(['run', '--user', 'nobody', c.busybox, 'id', '-un']), { code: 0, stdout: 'nobody\n', stderr: '' });
  const bad = await c.run(['run', '-u', 'nosuchuser', c.busybox, 'true']);
  assertRun(bad, { code: 125, stdout: '' });
  assert.match(bad.stderr, /unable to find user nosuchuser/, show(bad));
});

test("--entrypoint replaces the Entrypoint (the command becomes its arguments); '' clears it", async () => {
  assertRun(await c.run(['run', '--entrypoint', 'echo', c.busybox, 'a', 'b']), { code: 0, stdout: 'a b\n', stderr: '' });
  assertRun(await c.run(['run', '--entrypoint=', c.busybox, 'echo', 'plain']), { code: 0, stdout: 'plain\n', stderr: '' });
});

test('-h: hostname, $HOSTNAME, /etc/hostname and /etc/hosts agree', async () => {
  const result = await c.run(['run', '-h', 'box1', c.busybox, 'sh', '-c', 'hostname; echo $HOSTNAME; cat /etc/hostname; grep -w box1 /etc/hosts']);
  assertRun(result, { code: 0, stdout: 'box1\nbox1\nbox1\n127.0.1.1\tbox1\n', stderr: '' });
});

test('--add-host and --dns reach /etc/hosts and /etc/resolv.conf; the image is untouched', async () => {
  const result = await c.run(['run', '--add-host', 'db:10.1.2.3', '--add-host=v6:::1', '--dns', '9.9.9.9', c.busybox, 'sh', '-c', 'cat /etc/hosts; echo ---; grep nameserver /etc/resolv.conf']);
  assertRun(result, { code: 0, stderr: '' });
  const [hosts = '', resolv = ''] = result.stdout.split('---\n');
  assert.match(hosts, /^127\.0\.0\.1\tlocalhost$/m, show(result));
  assert.match(hosts, /^10\.1\.2\.3\tdb$/m, show(result));
  assert.match(hosts, /^::1\tv6$/m, show(result));
  assert.equal(resolv, 'nameserver 9.9.9.9\n', show(result));
  const plain = await c.run(['run', c.busybox, 'grep', '-c', 'db', '/etc/hosts']);
  assertRun(plain, { code: 1, stdout: '0\n' });
});

test('-v HOST:CONTAINER binds read-write (host dir created), :ro refuses writes', async () => {
  const rw = path.join(scratch, 'created', 'by', 'v');
  const ro = path.join(scratch, 'ro');
  mkdirSync(ro);
  writeFileSync(path.join(ro, 'f'), 'host file\n');
  const result = await c.run(['run', '-v', `${rw}:/data`, '--volume', `${ro}:/ro:ro`, c.busybox, 'sh', '-c', 'echo written > /data/out; cat /ro/f; echo x > /ro/new || echo refused']);
  assertRun(result, { code: 0, stdout: 'host file\nrefused\n' });
  assert.match(result.stderr, /Read-only file system/, show(result));
  assert.equal(readFileSync(path.join(rw, 'out'), 'utf8'), 'written\n');
  assert.equal(existsSync(path.join(ro, 'new')), false);
});

test('--mount type=bind (readonly) and type=tmpfs (size, mode); a missing bind source is an error', async () => {
  const src = path.join(scratch, 'mount-src');
  mkdirSync(src);
  const result = await c.run(['run', '--mount', `type=bind,source=${src},target=/m,readonly`, '--mount', 'type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=1770', c.busybox, 'sh', '-c', 'touch /m/x 2>/dev/null || echo ro; stat -c %a /t; df -k /t | tail -1 | awk "{print \\$2}"']);
  assertRun(result, { code: 0, stdout: 'ro\n1770\n1024\n', stderr: '' });
  const missing = await c.run(['run', '--mount', 'type=bind,source=/nonexistent-mydocker,target=/x', c.busybox, 'true']);
  assertRun(missing, { code: 125, stdout: '' });
  assert.match(missing.stderr, /invalid mount config for type "bind": bind source path does not exist: \/nonexistent-mydocker/, show(missing));
});

test('--tmpfs PATH:opts mounts a noexec tmpfs; --read-only makes / read-only but not the tmpfs', async () => {
  const result = await c.run(['run', '--read-only', '--tmpfs', '/scratch:size=2m', c.busybox, 'sh', '-c', 'echo a > /scratch/a && cat /scratch/a; (echo b > /b) 2>/dev/null || echo root-ro; grep " /scratch " /proc/self/mountinfo | grep -c noexec']);
  assertRun(result, { code: 0, stdout: 'a\nroot-ro\n1\n', stderr: '' });
});

test('--network none: only lo, and it is up; the default shares the host network', async () => {
  const none = await c.run(['run', '--network', 'none', c.busybox, 'sh', '-c', 'ls /sys/class/net; ping -c 1 -W 2 127.0.0.1 >/dev/null && echo lo-up']);
  assertRun(none, { code: 0, stdout: 'lo\nlo-up\n', stderr: '' });
  const host = await c.run(['run', '--network=host', c.busybox, 'ls', '/sys/class/net']);
  assertRun(host, { code: 0 });
  assert.ok(host.stdout.split('\n').filter(Boolean).length > 1, show(host));
});

test('--pull never fails for a missing image; --pull always pulls a local one again', async () => {
  const never = await c.h.runCli(['run', '--pull', 'never', c.busybox, 'true']);
  assertRun(never, { code: 125, stdout: '' });
  assert.match(never.stderr, /No such image/, show(never));
  const always = await c.run(['run', '--pull=always', c.busybox, 'true']);
  assertRun(always, { code: 0, stdout: '' });
  assert.match(always.stderr, /Pulling from/, show(always));
  assert.doesNotMatch(always.stderr, /Unable to find image/, show(always));
});

test('combined short flags and --flag=value; everything after the image is the command', async () => {
  const result = await c.run(['run', '-iu', '1000', '--workdir=/tmp', c.busybox, 'sh', '-c', 'id -u; pwd; cat', '-e', 'X'], { input: 'in\n' });
  assertRun(result, { code: 0, stdout: '1000\n/tmp\nin\n', stderr: '' });
});

const BAD: [args: string[], message: RegExp][] = [
  [['--memory', 'abc'], /^mydocker: invalid argument "abc" for "-m, --memory" flag: invalid size: 'abc'/],
  [['--memory-swap', '1g'], /You should always set the Memory limit when using Memoryswap limit/],
  [['--cpus', 'lots'], /invalid argument "lots" for "--cpus" flag: failed to parse lots as a rational number/],
  [['--pids-limit', '1.5'], /invalid argument "1.5" for "--pids-limit" flag/],
  [['--cap-add', 'NOT_A_CAP'], /invalid CapAdd: unknown capability: "CAP_NOT_A_CAP"/],
  [['--network', 'nonet'], /network nonet not found/],
  [['--pull', 'sometimes'], /invalid pull option: 'sometimes'/],
  [['--add-host', 'nocolon'], /bad format for add-host: "nocolon"/],
  [['--dns', 'not-an-ip'], /invalid argument "not-an-ip" for "--dns" flag/],
  [['--security-opt', 'bogus'], /invalid --security-opt 1: "bogus"/],
  [['--tmpfs', 'relative'], /mount path must be absolute/],
  [['--env-file', '/nonexistent-env-file'], /open \/nonexistent-env-file: no such file or directory/],
  [['--no-such-flag'], /^mydocker: unknown flag: --no-such-flag/],
];
for (const [args, message] of BAD) {
  test(`bad flag ${args.join(' ')} → 125 and one line`, async () => {
    const result = await c.run(['run', ...args, c.busybox, 'true']);
    assertRun(result, { code: 125, stdout: '' });
    assert.match(result.stderr, message, show(result));
    assert.equal(result.stderr.trim().split('\n').length, 1, show(result));
  });
}

test('a value flag without its value says so', async () => {
  const result = await c.run(['run', '--memory']);
  assertRun(result, { code: 125, stdout: '' });
  assert.match(result.stderr, /flag needs an argument: --memory/, show(result));
});

test('nothing may be mounted over /proc (it would undo the masked paths): -v and --tmpfs refused, 125', async () => {
  for (const flags of [['-v', '/proc:/proc'], ['-v', '/tmp:/proc/sys'], ['--tmpfs', '/proc/kcore']]) {
    const result = await c.run(['run', '--rm', ...flags, c.busybox, 'cat', '/proc/1/cmdline']);
    assert.equal(result.code, 125, show(result));
    assert.equal(result.stdout, '', show(result));
    assert.match(result.stderr, /cannot be mounted because it is inside \/proc/, show(result));
  }
});

test('a container name longer than a file name allows is one clear usage error (125)', async () => {
  const result = await c.run(['run', '--rm', '--name', 'a'.repeat(300), c.busybox, 'true']);
  assert.equal(result.code, 125, show(result));
  assert.match(result.stderr, /^mydocker: Invalid container name \(a+…\): 300 characters, at most 253 are allowed/, show(result));
  assert.doesNotMatch(result.stderr, /internal error/);
});

test('-it with stdin that is not a terminal: Docker\'s "the input device is not a TTY", exit 1, nothing run', async () => {
  const result = await c.run(['run', '--rm', '-it', c.busybox, 'echo', 'ran'], { input: 'hello\n' });
  assert.equal(result.code, 1, show(result));
  assert.equal(result.stdout, '', show(result));
  assert.match(result.stderr, /the input device is not a TTY/, show(result));
});
