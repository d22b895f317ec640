/**
 * Owning a running container: launch it, record its state transitions, keep its output in the log
 * file when detached, and clean up --rm containers. Used in-process by foreground `run`/`start -a`,
 * and by the detached supervisor process for `run -d`/`start`.
 */
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { launch, LaunchError, type LaunchOptions, type LaunchOutcome } from '../launcher/index.js';
import { isMyDockerError } from '../errors.js';
import { removeContainer } from './container-dirs.js';
import { acquireOwnerLock, releaseOwnerLock } from './owner-lock.js';
import { exitCodeOf, markExited, markRunning, markStarting, readSpec } from './record.js';
import { containerDir, readConfig } from './state.js';
import { cgroupProcsFiles, createContainerCgroup, detectHierarchy, oomKilled, removeContainerCgroup, type CgroupWarning, type ContainerCgroup, type Resources } from '../cgroups/index.js';
import type { RuntimeSpec } from '../runtime/index.js';

/** What `run` asked of the container's cgroup (cgroup.json): made again at every start, removed at every end. */
export interface CgroupRequest {
  resources: Resources;
  /** Limits were asked for: failing to make the cgroup is then an error, not a silent skip. */
  limited: boolean;
}

export function writeCgroupRequest(root: string, id: string, request: CgroupRequest): void {
  writeFileSync(join(containerDir(root, id), 'cgroup.json'), `${JSON.stringify(request)}\n`, { mode: 0o600 });
}

function readCgroupRequest(root: string, id: string): CgroupRequest | undefined {
  try {
    return JSON.parse(readFileSync(join(containerDir(root, id), 'cgroup.json'), 'utf8')) as CgroupRequest;
  } catch {
    return undefined;
  }
}

/** The container's cgroup with its limits, and the spec that joins it. */
function prepareCgroup(root: string, id: string, spec: RuntimeSpec, warn: (w: CgroupWarning) => void): ContainerCgroup | undefined {
  const request = readCgroupRequest(root, id);
  const hierarchy = request ? detectHierarchy() : undefined;
  if (!request || !hierarchy) return undefined;
  let cgroup: ContainerCgroup;
  try {
    cgroup = createContainerCgroup(hierarchy, id, request.resources, warn);
  } catch (error) {
    if (request.limited) throw error;
    return undefined;
  }
  spec.linux.cgroupProcs = cgroupProcsFiles(cgroup);
  return cgroup;
}

/** The json-file log of a container (one {"log","stream","time"} object per line, as Docker's). */
export function logPath(root: string, id: string): string {
  return join(containerDir(root, id), 'container.log');
}

/** Exit code recorded for a container that could not be started (Docker's 125/126/127). */
function failureCode(error: unknown): number {
  if (error instanceof LaunchError) return error.notFound ? 127 : error.cannotExecute ? 126 : 125;
  return 125;
}

/** Turns output chunks into json-file lines; a partial last line waits for its end (or flush). */
export class JsonLogWriter {
  private readonly pending = { stdout: '', stderr: '' };

  constructor(private readonly fd: number) {}

  write(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    let text = this.pending[stream] + chunk.toString('utf8');
    let nl: number;
    while ((nl = text.indexOf('\n')) >= 0) {
      this.emit(stream, text.slice(0, nl + 1));
      text = text.slice(nl + 1);
    }
    // Bound memory: a process that never prints a newline still gets logged in 16 KiB pieces.
    if (text.length > 16384) {
      this.emit(stream, text);
      text = '';
    }
    this.pending[stream] = text;
  }

  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.pending[stream] !== '') this.emit(stream, this.pending[stream]);
      this.pending[stream] = '';
    }
  }

  private emit(stream: 'stdout' | 'stderr', log: string): void {
    writeSync(this.fd, `${JSON.stringify({ log, stream, time: new Date().toISOString() })}\n`);
  }
}

export interface SuperviseOptions {
  stdin: LaunchOptions['stdin'];
  signal?: AbortSignal;
  /** Keep stdout/stderr in the log file instead of passing them through. */
  logged: boolean;
  /** Called once the command runs (exec succeeded). */
  onStarted?: () => void;
  onContainerPid?: (pid: number) => void;
  /** The OOM killer killed a process of the container; `mainProcess`: its init (exit 137). */
  onOutOfMemory?: (mainProcess: boolean) => void;
  /** The container's state could not be recorded (a full disk): it runs on, and its exit code stands. */
  onRecordFailure?: (message: string) => void;
  onCgroupWarning?: (warning: CgroupWarning) => void;
  /**
   * The root mount failed (overlayfs unusable here): the spec to start the container with instead
   * (a copy of the image), or undefined to fail. Nothing ran yet when this is called.
   */
  fallback?: (error: LaunchError) => RuntimeSpec | undefined;
}

/**
 * Runs container `id` from its recorded spec to its end, recording running/exited (or "created"
 * with the failure's code when it cannot start); removes it afterwards when it was run with --rm.
 */
export async function superviseContainer(root: string, id: string, options: SuperviseOptions): Promise<LaunchOutcome> {
  // Failing to record a transition (ENOSPC…) must not turn the container's own exit code into ours.
  const record = (write: () => void): void => {
    try {
      write();
    } catch (error) {
      options.onRecordFailure?.(`cannot record the state of container ${id.slice(0, 12)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const spec = readSpec(root, id);
  const config = readConfig(root, id);
  acquireOwnerLock(root, id);
  markStarting(root, id);
  const logFd = options.logged ? openSync(logPath(root, id), 'a', 0o640) : undefined;
  const log = logFd !== undefined ? new JsonLogWriter(logFd) : undefined;
  let cgroup: ContainerCgroup | undefined;
  try {
    cgroup = prepareCgroup(root, id, spec, options.onCgroupWarning ?? (() => undefined));
    const start = (current: RuntimeSpec): Promise<LaunchOutcome> => launch(current, {
      stdin: options.stdin,
      terminal: spec.process.terminal === true,
      ...(options.signal && { signal: options.signal }),
      ...(log && { output: (stream: 'stdout' | 'stderr', chunk: Buffer) => log.write(stream, chunk) }),
      onEvent: (event) => {
        if (event.type === 'container-started') {
          record(() => markRunning(root, id, event.pid));
          options.onContainerPid?.(event.pid);
        }
        if (event.type === 'command-started') options.onStarted?.();
      },
      // Overlay lowerdirs are short links relative to the snapshots directory.
      cwd: join(root, 'snapshots'),
    });
    let outcome: LaunchOutcome;
    try {
      outcome = await start(spec);
    } catch (error) {
      const replacement = error instanceof LaunchError && error.stage === 'root' ? options.fallback?.(error) : undefined;
      if (!replacement) throw error;
      replacement.linux.cgroupProcs = spec.linux.cgroupProcs ?? [];
      writeFileSync(join(containerDir(root, id), 'spec.json'), `${JSON.stringify(replacement)}\n`, { mode: 0o600 });
      outcome = await start(replacement);
    }
    log?.flush();
    if (cgroup && oomKilled(cgroup)) options.onOutOfMemory?.(outcome.kind === 'signaled' && outcome.signal === 9);
    // A --rm container is removed next: nobody would read its exit.
    if (!config?.autoRemove) record(() => markExited(root, id, exitCodeOf(outcome)));
    return outcome;
  } catch (error) {
    record(() => markExited(root, id, failureCode(error), isMyDockerError(error) ? error.message : String(error)));
    throw error;
  } finally {
    if (cgroup) await removeContainerCgroup(cgroup);
    if (logFd !== undefined) closeSync(logFd);
    releaseOwnerLock(root, id);
    if (config?.autoRemove) removeContainer(root, id, config.name);
  }
}
