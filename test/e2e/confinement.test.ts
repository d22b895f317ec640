/** Docker's default confinement, checked from inside the container, and the known escapes closed. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { launcherPath } from '../../src/launcher/index.js';
import { assertRun, show, useHarness } from './context.js';

const c = useHarness();

/** Docker's default capability set (CHOWN … AUDIT_WRITE, SETFCAP) as /proc/self/status prints it. */
const DOCKER_DEFAULT_CAPS = '00000000a80425fb';

function capLines(stdout: string): Record<string, string> {
  return Object.fromEntries(stdout.trim().split('\n').map((line) => line.split(/:\s+/) as [string, string]));
}

function hostBounding(): bigint {
  return BigInt(`0x${/^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0'}`);
}

test("root gets Docker's default capabilities in every set; inheritable and ambient are empty", async () => {
  const result = await c.run(['run', c.busybox, 'grep', '^Cap', '/proc/self/status']);
  assertRun(result, { code: 0, stderr: '' });
  assert.deepEqual(capLines(result.stdout), { CapInh: '0'.repeat(16), CapPrm: DOCKER_DEFAULT_CAPS, CapEff: DOCKER_DEFAULT_CAPS, CapBnd: DOCKER_DEFAULT_CAPS, CapAmb: '0'.repeat(16) }, show(result));
});

test('a non-root user has no effective capabilities, the same bounding set', async () => {
  const caps = capLines((await c.run(['run', '-u', '1000', c.busybox, 'grep', '^Cap', '/proc/self/status'])).stdout);
  assert.equal(caps['CapEff'], '0'.repeat(16));
  assert.equal(caps['CapPrm'], '0'.repeat(16));
  assert.equal(caps['CapBnd'], DOCKER_DEFAULT_CAPS);
});

test('--cap-drop and --cap-add (with or without CAP_, ALL) change the set; the effect is real', async () => {
  const caps = capLines((await c.run(['run', '--cap-drop', 'ALL', '--cap-add', 'CAP_NET_ADMIN', '--cap-add', 'chown', c.busybox, 'grep', '^Cap', '/proc/self/status'])).stdout);
  assert.equal(caps['CapEff'], (1n << 12n | 1n).toString(16).padStart(16, '0'));
  assert.equal(caps['CapBnd'], caps['CapEff']);
  // Without CAP_CHOWN, root cannot give a file away; with the default set it can.
  const denied = await c.run(['run', '--cap-drop', 'chown', c.busybox, 'sh', '-c', 'touch /f; chown 1000 /f']);
  assertRun(denied, { code: 1 });
  assert.match(denied.stderr, /Operation not permitted/, show(denied));
  assertRun(await c.run(['run', c.busybox, 'sh', '-c', 'touch /f; chown 1000 /f']), { code: 0, stderr: '' });
});

test('--privileged: every capability mydocker holds, /sys writable mount, host devices, nothing masked', async () => {
  const result = await c.run(['run', '--privileged', c.busybox, 'sh', '-c', 'grep ^CapEff /proc/self/status; grep " /sys " /proc/self/mountinfo | cut -d" " -f6; grep -c " /proc/keys " /proc/self/mountinfo; ls /dev']);
  assertRun(result, { code: 0, stderr: '' });
  const [eff = '', sysOptions = '', maskedKeys = '', ...devices] = result.stdout.trim().split('\n');
  assert.equal(BigInt(`0x${eff.split(/\s+/)[1]}`), hostBounding(), show(result));
  assert.match(sysOptions, /^rw,/, show(result));
  assert.equal(maskedKeys, '0', show(result));
  assert.ok(devices.length > 12, `host devices expected: ${show(result)}`);
});

test('/proc masked paths are empty, read-only paths refuse writes, /sys is read-only', async () => {
  const script = [
    'for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/latency_stats; do [ -e $p ] && echo "$p $(wc -c < $p)"; done',
    'for d in /proc/acpi /proc/scsi /sys/firmware; do [ -d $d ] && echo "$d $(ls -A $d | wc -l)"; done',
    '(echo 1 > /proc/sys/kernel/domainname) 2>/dev/null || echo proc-sys-ro',
    '(echo c > /proc/sysrq-trigger) 2>/dev/null || echo sysrq-ro',
    '(mkdir /sys/x) 2>/dev/null || echo sys-ro',
  ].join('\n');
  const result = await c.run(['run', c.busybox, 'sh', '-c', script]);
  assertRun(result, { code: 0, stderr: '' });
  for (const line of result.stdout.trim().split('\n')) {
    if (line.startsWith('/')) assert.match(line, / 0$/, `masked path not empty: ${show(result)}`);
  }
  assert.match(result.stdout, /^\/proc\/keys 0$/m, show(result));
  assert.match(result.stdout, /proc-sys-ro\nsysrq-ro\nsys-ro\n$/, show(result));
});

test('no_new_privs only with --security-opt no-new-privileges', async () => {
  assertRun(await c.run(['run', c.busybox, 'grep', '^NoNewPrivs', '/proc/self/status']), { code: 0, stdout: 'NoNewPrivs:\t0\n' });
  assertRun(await c.run(['run', '--security-opt', 'no-new-privileges', c.busybox, 'grep', '^NoNewPrivs', '/proc/self/status']), { code: 0, stdout: 'NoNewPrivs:\t1\n' });
});

test('a cgroup namespace: the container sees its own cgroup as /', async () => {
  const result = await c.run(['run', c.busybox, 'cat', '/proc/self/cgroup']);
  assertRun(result, { code: 0, stderr: '' });
  for (const line of result.stdout.trim().split('\n')) assert.match(line, /:\/$/, show(result));
});

test('/etc/hostname, /etc/hosts and /etc/resolv.conf are per-container binds; the image keeps its own', async () => {
  const result = await c.run(['run', c.busybox, 'sh', '-c', 'grep -E " /etc/(hostname|hosts|resolv.conf) " /proc/self/mountinfo | wc -l; echo changed > /etc/hosts; cat /etc/hosts']);
  assertRun(result, { code: 0, stdout: '3\nchanged\n', stderr: '' });
  const again = await c.run(['run', c.busybox, 'grep', '-c', 'localhost', '/etc/hosts']);
  assertRun(again, { code: 0, stdout: '2\n' });
});

test('escape: no host fd reaches the container (only 0, 1, 2) and its cwd is inside the new root', async () => {
  // ls is a separate process reading PID 1's (sh's) fd table; no pipeline, so sh holds no pipe fds.
  const result = await c.run(['run', '-w', '/tmp', c.busybox, 'sh', '-c', 'ls -1 /proc/1/fd; sleep 5 & ls -1 /proc/$!/fd; kill $!; readlink /proc/1/cwd; cd /proc/1/cwd && pwd -P; cd /; cd .. && pwd -P']);
  assertRun(result, { code: 0, stdout: '0\n1\n2\n0\n1\n2\n/tmp\n/tmp\n/\n', stderr: '' });
});

test('escape: the launcher is not in the container; /proc/*/exe are container binaries and not writable into the host', async () => {
  const before = createHash('sha256').update(readFileSync(launcherPath())).digest('hex');
  const script = 'sleep 30 & for p in /proc/[0-9]*; do readlink $p/exe; (echo overwritten > $p/exe) 2>/dev/null && echo WROTE $p; done; kill %1 2>/dev/null; true';
  const result = await c.run(['run', c.busybox, 'sh', '-c', script]);
  assertRun(result, { code: 0, stderr: '' });
  const exes = result.stdout.trim().split('\n');
  assert.ok(exes.length >= 2, show(result));
  for (const exe of exes) assert.equal(exe, '/bin/busybox', `unexpected process or write: ${show(result)}`);
  assert.equal(createHash('sha256').update(readFileSync(launcherPath())).digest('hex'), before, 'the launcher binary changed');
});

test('escape: chroot + cd .. cannot climb out of the pivoted root; the old root is gone', async () => {
  const script = [
    'mkdir -p /jail && cp /bin/busybox /jail/',
    // A second chroot, then climbing: without the host root in the namespace, .. stops at the container's /.
    'chroot /jail /busybox sh -c "cd /../../../../..; /busybox ls /" ',
    'cd /; cd ../../../..; ls / | grep -c jail',
    // The mount table has one root, the container's; no mount of the host's / remains.
    'grep -c " / / " /proc/self/mountinfo',
    'readlink /proc/1/root',
  ].join('\n');
  const result = await c.run(['run', c.busybox, 'sh', '-c', script]);
  assertRun(result, { code: 0, stdout: 'busybox\n1\n1\n/\n', stderr: '' });
});
