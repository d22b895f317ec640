/** Runs ./bin/mydocker as a user would, each run with a fresh MYDOCKER_ROOT unless one is given. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/test/harness/cli.js → <repo>/bin/mydocker */
export const MYDOCKER_BIN = fileURLToPath(new URL('../../../bin/mydocker', import.meta.url));

export interface CliOptions {
  /** MYDOCKER_ROOT; a fresh temp dir when omitted. */
  root?: string;
  /** Extra environment (undefined values remove a variable). */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Keep stdin an open pipe that is never written (to show the container does not read it). */
  stdinOpen?: boolean;
  /** SIGKILL after this long; default 60 s. */
  timeoutMs?: number;
}

export interface CliResult {
  /** Exit code; 128+N when mydocker itself died of signal N. */
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  root: string;
}

export interface CliProcess {
  child: ChildProcess;
  root: string;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout contains `text` (rejects if the process ends first or after timeoutMs). */
  waitForStdout(text: string, timeoutMs?: number): Promise<void>;
  result: Promise<CliResult>;
}

const createdRoots: string[] = [];

export function freshRoot(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mydocker-e2e-root-'));
  createdRoots.push(root);
  return root;
}

/** Removes the temp roots made so far, except any that still has a mount under it (deleting through a mount would harm its source). */
export function removeCreatedRoots(): void {
  const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
  for (const root of createdRoots.splice(0)) {
    if (mountinfo.includes(` ${root}`)) continue;
    rmSync(root, { recursive: true, force: true });
  }
}

const SIGNAL_NUMBERS: Record<string, number> = os.constants.signals;

export function spawnCli(args: string[], options: CliOptions = {}): CliProcess {
  if (!existsSync(MYDOCKER_BIN)) throw new Error(`${MYDOCKER_BIN} does not exist yet`);
  const root = options.root ?? freshRoot();
  const env: Record<string, string | undefined> = { ...process.env, MYDOCKER_ROOT: root, ...options.env };
  delete env.NODE_EXTRA_CA_CERTS;
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const piped = options.input !== undefined || options.stdinOpen === true;
  const child = spawn(MYDOCKER_BIN, args, { env, stdio: [piped ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  let exited = false;
  const stdoutWaiters = new Set<() => void>();
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of stdoutWaiters) waiter();
  });
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  // EPIPE when the container never reads stdin is fine.
  child.stdin?.on('error', () => undefined);
  if (options.input !== undefined) child.stdin?.end(options.input);

  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 60000);
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      exited = true;
      clearTimeout(timer);
      for (const waiter of stdoutWaiters) waiter();
      child.stdin?.destroy();
      resolve({
        code: code ?? 128 + (signal === null ? 0 : SIGNAL_NUMBERS[signal] ?? 0),
        signal,
        stdout,
        stderr,
        timedOut,
        root,
      });
    });
  });

  const waitForStdout = (text: string, timeoutMs = 20000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (stdout.includes(text)) finish(undefined);
        else if (exited) finish(new Error(`mydocker exited before printing ${JSON.stringify(text)}; stdout=${JSON.stringify(stdout)} stderr=${JSON.stringify(stderr)}`));
      };
      const deadline = setTimeout(() => finish(new Error(`no ${JSON.stringify(text)} on stdout within ${timeoutMs} ms; stderr=${JSON.stringify(stderr)}`)), timeoutMs);
      const finish = (error: Error | undefined): void => {
        clearTimeout(deadline);
        stdoutWaiters.delete(check);
        if (error === undefined) resolve();
        else reject(error);
      };
      stdoutWaiters.add(check);
      check();
    });

  return { child, root, stdout: () => stdout, stderr: () => stderr, waitForStdout, result };
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, options).result;
}
