/** Run one container through the native launcher: pass the spec, relay signals, wait, decode. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { RuntimeSpec } from '../runtime/index.js';
import { MyDockerError } from '../errors.js';
import { encodeSpec } from './encode-spec.js';
import { LaunchError, launchErrorFromReport } from './errors.js';
import type { ReportLine } from './protocol.js';
import { ReportReader } from './report.js';
import { packageRoot } from '../util/index.js';

/** How the container ended. */
export type LaunchOutcome = { kind: 'exited'; code: number } | { kind: 'signaled'; signal: number };

/** Progress of a launch, for callers that place pids in cgroups or show status. */
export type LaunchEvent =
  | { type: 'launcher-started'; pid: number }
  | { type: 'container-started'; pid: number }
  /** The command was exec'd (setup succeeded): the container is really running. */
  | { type: 'command-started'; pid: number };

/** Options of launch(). */
export interface LaunchOptions {
  /** 'hold': a pipe kept open and never written, as Docker gives a detached `-i` container (it never sees EOF). */
  stdin: 'inherit' | 'ignore' | 'hold';
  /** Aborting kills the container (SIGKILL); launch() then resolves with that outcome. */
  signal?: AbortSignal;
  onEvent?: (e: LaunchEvent) => void;
  /** The launcher's working directory while it mounts (relative overlay lowerdirs resolve from it). */
  cwd?: string;
  /** When set, the container's stdout and stderr are piped here instead of inherited (logs). */
  output?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** -t: also forward SIGWINCH, so the launcher resizes the container's terminal. */
  terminal?: boolean;
}

/** Signals a user sends to mydocker that belong to the container. */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/** Absolute path of the launcher binary, built by `npm ci` into native/build/. */
export function launcherPath(): string {
  return join(packageRoot(), 'native', 'build', 'mydocker-launcher');
}

/** Run the container described by `spec` to completion; throws LaunchError on setup/exec failure. */
export function launch(spec: RuntimeSpec, options: LaunchOptions): Promise<LaunchOutcome> {
  return launchEncoded(encodeSpec(spec), spec.process.args[0] ?? '', options);
}

/** launch() for an already encoded record stream (exec builds its own). */
export function launchEncoded(bytes: Buffer, command: string, options: LaunchOptions): Promise<LaunchOutcome> {
  if (options.signal?.aborted) {
    return Promise.reject(new MyDockerError('interrupted', 'ERR_LAUNCH_ABORTED', 'the launch was aborted before it started'));
  }
  const path = launcherPath();
  // detached: its own session, so a terminal's ^C reaches only us and is forwarded exactly once
  // (Docker's CLI proxies signals the same way); stdout/stderr stay the container's, unbuffered.
  const out = options.output ? 'pipe' : 'inherit';
  const child = spawn(path, [], { stdio: [options.stdin === 'hold' ? 'pipe' : options.stdin, out, out, 'pipe', 'pipe'], detached: true, ...(options.cwd !== undefined && { cwd: options.cwd }) });
  if (options.output) {
    const write = options.output;
    child.stdout?.on('data', (chunk: Buffer) => write('stdout', chunk));
    child.stderr?.on('data', (chunk: Buffer) => write('stderr', chunk));
  }
  const forwarded: readonly NodeJS.Signals[] = options.terminal ? [...FORWARDED, 'SIGWINCH'] : FORWARDED;
  const specPipe = child.stdio[3] as Writable | null;
  const reportPipe = child.stdio[4] as Readable | null;

  return new Promise<LaunchOutcome>((resolve, reject) => {
    let containerPid = 0;
    let aborted = false;
    let spawnError: Error | undefined;
    const reader = new ReportReader((line: ReportLine) => {
      if (line.type === 'pid') {
        containerPid = line.pid;
        options.onEvent?.({ type: 'container-started', pid: line.pid });
      }
      if (line.type === 'started') options.onEvent?.({ type: 'command-started', pid: containerPid });
    });

    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    const onAbort = (): void => {
      aborted = true;
      // Kill the container itself so the launcher still reports; the launcher's death would take
      // the container with it anyway (PDEATHSIG), which covers the "no pid yet" case.
      if (containerPid > 0) killQuietly(containerPid);
      else child.kill('SIGKILL');
    };
    const cleanup = (): void => {
      for (const signal of forwarded) process.off(signal, forward);
      options.signal?.removeEventListener('abort', onAbort);
    };

    for (const signal of forwarded) process.on(signal, forward);
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.once('spawn', () => {
      if (child.pid !== undefined) options.onEvent?.({ type: 'launcher-started', pid: child.pid });
    });
    child.once('error', (error: Error) => {
      spawnError = error;
    });
    // EPIPE when the launcher exits before reading everything: its report says why.
    specPipe?.on('error', () => {});
    specPipe?.end(bytes);
    reportPipe?.on('data', (chunk: Buffer) => reader.push(chunk));
    reportPipe?.on('error', () => {});

    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reader.end();
      try {
        resolve(outcome(reader, command, { code, signal, aborted, spawnError, path }));
      } catch (error) {
        reject(error);
      }
    });
  });
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone: the report will say how it ended.
  }
}

interface Ending {
  code: number | null;
  signal: NodeJS.Signals | null;
  aborted: boolean;
  spawnError: Error | undefined;
  path: string;
}

function outcome(reader: ReportReader, command: string, end: Ending): LaunchOutcome {
  if (end.spawnError !== undefined) {
    throw new LaunchError('launcher', 0, `cannot run the launcher ${end.path}: ${end.spawnError.message}`, {
      cause: end.spawnError,
      hint: 'build it with "npm run build" (needs gcc: apt-get install gcc)',
    });
  }
  for (const line of reader.lines) {
    if (line.type === 'error') throw launchErrorFromReport(line.stage, line.errno, line.message, command);
    if (line.type === 'exit') return { kind: 'exited', code: line.code };
    if (line.type === 'signal') return { kind: 'signaled', signal: line.signal };
  }
  if (end.aborted) return { kind: 'signaled', signal: 9 };
  const how = end.signal !== null ? `signal ${end.signal}` : `exit code ${String(end.code)}`;
  const extra = reader.malformed.length > 0 ? ` (unreadable report: ${JSON.stringify(reader.malformed[0])})` : '';
  throw new LaunchError('launcher', 0, `the launcher ended with ${how} before reporting how the container ended${extra}`);
}
