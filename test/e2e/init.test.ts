/** --init (the launcher's own PID 1) and signal forwarding from mydocker to the container. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertRun, show, useHarness } from './context.js';

const c = useHarness();
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;

for (const init of [false, true]) {
  for (const signal of FORWARDED) {
    test(`${signal} sent to mydocker reaches the container's main process${init ? ' under --init' : ''}`, async () => {
      const name = signal.slice(3);
      const script = `trap "echo got-${name}; exit 7" ${name}; echo ready; while true; do sleep 0.1; done`;
      const proc = c.h.spawnCli(['run', '--rm', ...(init ? ['--init'] : []), c.busybox, 'sh', '-c', script], { root: c.warmRoot });
      await proc.waitForStdout('ready\n');
      proc.child.kill(signal);
      assertRun(await proc.result, { code: 7, stdout: `ready\ngot-${name}\n` });
    });
  }
}

test('run --init IMAGE sleep 100 stops on SIGINT (Ctrl-C) at once, with 130', async () => {
  const proc = c.h.spawnCli(['run', '--rm', '--init', c.busybox, 'sh', '-c', 'echo ready; exec sleep 100'], { root: c.warmRoot });
  await proc.waitForStdout('ready\n');
  const started = Date.now();
  proc.child.kill('SIGINT');
  const result = await proc.result;
  assertRun(result, { code: 130, stdout: 'ready\n' });
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
});

test('--init: the command is PID 2 under an init at PID 1; exit codes pass through', async () => {
  // Its command line is "init": the launcher's host path does not show inside.
  assertRun(await c.run(['run', '--rm', '--init', c.busybox, 'sh', '-c', 'echo $$; cat /proc/1/comm; tr -d "\\0" < /proc/1/cmdline; echo']), { code: 0, stdout: '2\ninit\ninit\n' });
  assertRun(await c.run(['run', '--rm', '--init', c.busybox, 'sh', '-c', 'exit 42']), { code: 42 });
  assertRun(await c.run(['run', '--rm', '--init', c.busybox, 'sh', '-c', 'kill -KILL $$']), { code: 137 });
  const missing = await c.run(['run', '--rm', '--init', c.busybox, 'no-such-command']);
  assert.equal(missing.code, 127, show(missing));
});

test('--init reaps orphans: no zombies pile up (without it, a PID 1 that never waits collects them)', async () => {
  // Each inner sh exits at once and leaves its sleep to PID 1; the main process then becomes a
  // `sleep` that never waits for anything.
  const script = 'for i in 1 2 3 4 5 6; do sh -c "sleep 0.1 &"; done; exec sleep 1000';
  const zombies: Record<string, string> = {};
  for (const init of [true, false]) {
    const name = `zombies-${init}-${process.pid}`;
    assertRun(await c.run(['run', '-d', '--name', name, ...(init ? ['--init'] : []), c.busybox, 'sh', '-c', script]), { code: 0 });
    await sleep(1000);
    const ps = await c.run(['exec', name, 'sh', '-c', 'ps -o stat,comm | grep -c "^Z" || true']);
    zombies[String(init)] = ps.stdout.trim();
    assertRun(await c.run(['rm', '-f', name]), { code: 0 });
  }
  assert.deepEqual(zombies, { true: '0', false: '6' });
});

test('--init with -t: the command leads the terminal (job control works)', async () => {
  assertRun(await c.run(['run', '--rm', '--init', '-t', c.busybox, 'sh', '-c', 'busybox tty; [ "$(ps -o pid,stat | grep "^ *2 ")" != "" ] && echo ok']), { code: 0, stdout: '/dev/pts/0\r\nok\r\n' });
});
