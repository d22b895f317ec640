/** -t: a real pseudo-terminal, driven the way a user does, through tmux. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { MYDOCKER_BIN } from '../harness/index.js';
import { processesWith } from './procs.js';
import { assertRun, show, useHarness } from './context.js';

const c = useHarness();
const server = `mydocker-tty-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', server, ...args], { encoding: 'utf8' });
}

/** The visible screen (plus scrollback) of the session's pane. */
function screen(session: string): string {
  const raw = tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', session);
  // Without trailing blanks (of lines and of the screen), so "last line" patterns can end in \n$.
  return `${raw.split('\n').map((line) => line.trimEnd()).join('\n').trimEnd()}\n`;
}

async function waitForScreen(session: string, pattern: RegExp, timeoutMs = 15000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen(session);
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`screen never matched ${pattern}:\n${text}`);
    await sleep(100);
  }
}

/** Types a line in the session and waits for `expect` on screen. */
async function type(session: string, line: string, expect: RegExp): Promise<string> {
  tmux('send-keys', '-t', session, '-l', line);
  tmux('send-keys', '-t', session, 'Enter');
  return waitForScreen(session, expect);
}

after(() => {
  try {
    tmux('kill-server');
  } catch {
    // no server left
  }
});

test('without a host terminal: -t gives the container /dev/pts/0 of its own devpts, output with CRLF', async () => {
  assertRun(await c.run(['run', '--rm', '-t', c.busybox, 'busybox', 'tty']), { code: 0, stdout: '/dev/pts/0\r\n' });
  assertRun(await c.run(['run', '--rm', '-t', c.busybox, 'sh', '-c', 'test -t 0 && test -t 1 && test -t 2 && exit 9']), { code: 9 });
  const detached = await c.run(['run', '-d', '-t', c.busybox, 'busybox', 'tty']);
  assert.equal(detached.code, 0, show(detached));
  const id = detached.stdout.trim();
  assertRun(await c.run(['wait', id]), { code: 0, stdout: '0\n' });
  assertRun(await c.run(['logs', id]), { code: 0, stdout: '/dev/pts/0\r\n' });
  assertRun(await c.run(['rm', id]), { code: 0 });
});

test('-it: an interactive shell as with Docker (tty, window size, Ctrl-C, job control, exit code, terminal restored)', async () => {
  const session = 'it';
  tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', 'sh');
  await type(session, `PS1='host$ '`, /host\$$/m);
  await type(session, `MYDOCKER_ROOT=${c.warmRoot} ${MYDOCKER_BIN} run -it --rm ${c.busybox} sh`, /^\/ #$/m);
  await type(session, 'busybox tty', /^\/dev\/pts\/0$/m);
  await type(session, 'stty size', /^30 100$/m);
  // The host terminal grows: SIGWINCH reaches mydocker, the container's terminal follows.
  tmux('resize-window', '-t', session, '-x', '120', '-y', '40');
  await sleep(300);
  await type(session, 'stty size', /^40 120$/m);
  // Ctrl-C interrupts the foreground job, not the shell.
  await type(session, 'sleep 100', /sleep 100\n$/);
  tmux('send-keys', '-t', session, 'C-c');
  await type(session, 'echo after-ctrl-c', /^after-ctrl-c$/m);
  // Job control: Ctrl-Z stops the job, the shell lists it, and kills it.
  await type(session, 'sleep 200', /sleep 200\n$/);
  tmux('send-keys', '-t', session, 'C-z');
  await waitForScreen(session, /Stopped\s+sleep 200/);
  await type(session, 'jobs', /\[1\]\+\s+Stopped\s+sleep 200\n/);
  // fg gives it the terminal back; Ctrl-C then reaches it.
  await type(session, 'fg', /^sleep 200\n$/m);
  tmux('send-keys', '-t', session, 'C-c');
  await type(session, 'echo "after fg: $?"', /^after fg: 130$/m);
  await type(session, 'exit 3', /host\$$/m);
  const text = await type(session, 'echo "exit=$?"; stty -a | tr " " "\\n" | grep -x -- "-\\{0,1\\}icanon"', /^exit=\d+\n-?icanon\n/m);
  assert.match(text, /^exit=3\nicanon$/m, text);
  tmux('kill-session', '-t', session);
});

test('exec -it: a shell inside a running container, with its own terminal', async () => {
  const name = `exec-tty-${process.pid}`;
  assertRun(await c.run(['run', '-d', '--name', name, c.busybox, 'sleep', '1000']), { code: 0 });
  const session = 'exec';
  tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', 'sh');
  await type(session, `PS1='host$ '`, /host\$$/m);
  await type(session, `MYDOCKER_ROOT=${c.warmRoot} ${MYDOCKER_BIN} exec -it ${name} sh`, /^\/ #$/m);
  await type(session, 'busybox tty; ps -o pid,comm | grep -c sleep', /^\/dev\/pts\/\d+\n1$/m);
  await type(session, 'exit 5', /host\$$/m);
  await type(session, 'echo "exit=$?"', /^exit=5$/m);
  tmux('kill-session', '-t', session);
  assertRun(await c.run(['rm', '-f', name]), { code: 0 });
});

test('-it: the host terminal is restored when the container cannot start, and after mydocker is interrupted', async () => {
  const session = 'restore';
  tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', 'sh');
  await type(session, `PS1='host$ '`, /host\$$/m);
  const icanon = 'stty -a | tr " " "\\n" | grep -x -- "-\\{0,1\\}icanon"';
  await type(session, `MYDOCKER_ROOT=${c.warmRoot} ${MYDOCKER_BIN} run -it --rm ${c.busybox} no-such-command; echo "exit=$?"; ${icanon}`, /^exit=127\n-?icanon\n/m);
  assert.match(screen(session), /^exit=127\nicanon$/m);
  // SIGHUP to mydocker (as when the terminal goes away) is forwarded; the shell exits 9; the mode comes back.
  const marker = `hup-${process.pid}`;
  await type(session, `MYDOCKER_ROOT=${c.warmRoot} ${MYDOCKER_BIN} run -it --rm ${c.busybox} sh -c 'trap "exit 9" HUP; echo ${marker}-ready; while true; do sleep 0.1; done'; echo "exit=$?"; ${icanon}`, new RegExp(`^${marker}-ready`, 'm'));
  const mydocker = processesWith(marker).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('bin/mydocker'));
  assert.equal(mydocker.length, 1, `mydocker processes: ${mydocker.join(' ')}`);
  process.kill(mydocker[0] ?? 0, 'SIGHUP');
  await waitForScreen(session, /^exit=(?!127\n)\d+\n-?icanon\n/m);
  assert.match(screen(session), /^exit=9\nicanon$/m);
  tmux('kill-session', '-t', session);
});
