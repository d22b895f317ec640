/**
 * npm run demo: starts a local token-auth registry (the real docker-registry), pushes a busybox image
 * built from the host's static busybox, and runs mydocker against it. Needs no internet.
 * Narration goes to stderr; the container's output is shown as is.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IMAGES, MYDOCKER_BIN, startHarness, type Harness } from '../test/harness/index.js';

function say(text: string): void {
  // Bold only on a terminal, so a log file stays plain text.
  const [bold, plain] = process.stderr.isTTY ? ['\u001b[1m', '\u001b[0m'] : ['', ''];
  process.stderr.write(`\n${bold}==> ${text}${plain}\n`);
}

/** Runs mydocker with the terminal's own stdio, so progress and output appear live. */
function mydocker(args: string[], root: string): Promise<number> {
  process.stderr.write(`$ mydocker ${args.map((arg) => (/[\s$;']/.test(arg) ? `'${arg}'` : arg)).join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const env = { ...process.env, MYDOCKER_ROOT: root };
    const child = spawn(MYDOCKER_BIN, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : os.constants.signals[signal])));
  });
}

async function main(): Promise<number> {
  say('Starting a local registry with token authentication, and pushing library/busybox to it');
  const started = Date.now();
  let harness: Harness | undefined;
  const root = mkdtempSync(path.join(os.tmpdir(), 'mydocker-demo-'));
  try {
    harness = await startHarness();
    const image = `${harness.authRegistry}/${IMAGES.busybox}`;
    process.stderr.write(`registry ready at ${harness.authRegistry} in ${Date.now() - started} ms (store: ${root})\n`);

    say('First run: the image is not local, so mydocker pulls it (with a bearer token) and runs the command');
    const first = await mydocker(['run', image, 'echo', 'hello from mydocker'], root);
    process.stderr.write(`exit code ${first}; token requests so far: ${harness.tokenRequests()}\n`);

    say('Second run: image already local (no network); PID 1, a 12-hex hostname, the image root');
    const connections = harness.connections();
    const second = await mydocker(['run', image, 'sh', '-c', 'echo $$; hostname; ls /'], root);
    process.stderr.write(`exit code ${second}; new registry connections: ${harness.connections() - connections}\n`);

    say('Exit codes pass through');
    const third = await mydocker(['run', image, 'sh', '-c', 'exit 42'], root);
    process.stderr.write(`exit code ${third}\n`);
    return first === 0 && second === 0 && third === 42 ? 0 : 1;
  } finally {
    say('Stopping the registry and removing the demo store');
    await harness?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

process.exitCode = await main();
