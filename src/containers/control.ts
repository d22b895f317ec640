/** Lifecycle commands on existing containers: start, stop, kill, rm, wait, prune. */
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMyDockerError, MyDockerError } from '../errors.js';
import type { LaunchOutcome } from '../launcher/index.js';
import { removeContainer } from './container-dirs.js';
import { startDetached } from './detach.js';
import { superviseContainer } from './supervise.js';
import { findContainer, listContainers, readState, type ContainerRecord } from './state.js';

const POLL_MS = 50;

/** Docker's daemon-side refusals (exit 1). */
function refused(code: string, message: string): MyDockerError {
  return new MyDockerError('usage', code, message);
}

/** SIGTERM, TERM, 15 → 15; throws Docker's "invalid signal" otherwise. */
export function parseSignal(value: string): number {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (n >= 1 && n <= 64) return n;
  } else {
    const name = value.toUpperCase().replace(/^SIG/, '');
    const n = (constants.signals as Record<string, number>)[`SIG${name}`];
    if (n !== undefined) return n;
  }
  throw new MyDockerError('usage', 'ERR_BAD_SIGNAL', `invalid signal: ${value}`);
}

function signalPid(pid: number, signal: number): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Ended meanwhile: its owner records how.
  }
}

/** Resolves once the container is no longer running; its exit code (undefined if it was removed). */
export async function waitForExit(root: string, id: string, signal?: AbortSignal): Promise<number | undefined> {
  for (;;) {
    const state = readState(root, id);
    if (state === undefined) return undefined;
    if (state.status !== 'running') return state.exitCode;
    if (signal?.aborted) throw signal.reason;
    await sleep(POLL_MS);
  }
}

/** docker wait: blocks until the container stops; its exit code. */
export async function waitContainer(root: string, ref: string, signal?: AbortSignal): Promise<number> {
  const { config } = findContainer(root, ref);
  return (await waitForExit(root, config.id, signal)) ?? 0;
}

/** docker kill: sends `signal` to the container's main process. */
export function killContainer(root: string, ref: string, signal = 9): ContainerRecord {
  const record = findContainer(root, ref);
  if (record.state.status !== 'running' || record.state.pid <= 0) {
    throw refused('ERR_CONTAINER_NOT_RUNNING', `cannot kill container: ${ref}: container ${record.config.id} is not running`);
  }
  signalPid(record.state.pid, signal);
  return record;
}

/** docker stop: SIGTERM, then SIGKILL after `timeoutSeconds`; a stopped container is fine. */
export async function stopContainer(root: string, ref: string, timeoutSeconds = 10): Promise<void> {
  const { config, state } = findContainer(root, ref);
  if (state.status !== 'running' || state.pid <= 0) return;
  signalPid(state.pid, 15);
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (Date.now() < deadline) {
    const now = readState(root, config.id);
    if (now === undefined || now.status !== 'running') return;
    await sleep(POLL_MS);
  }
  const now = readState(root, config.id);
  if (now?.status === 'running') signalPid(now.pid, 9);
  await waitForExit(root, config.id);
}

/** docker rm: removes a stopped container; with `force` a running one is killed first. */
export async function removeContainerByRef(root: string, ref: string, force: boolean): Promise<void> {
  const { config, state } = findContainer(root, ref);
  if (state.status === 'running') {
    if (!force) {
      throw refused(
        'ERR_CONTAINER_RUNNING',
        `cannot remove container "/${config.name}": container is running: stop the container before removing or force remove`,
      );
    }
    signalPid(state.pid, 9);
    await waitForExit(root, config.id);
  }
  removeContainer(root, config.id, config.name);
}

/** docker container prune: removes every container that is not running; their ids. */
export function pruneContainers(root: string): string[] {
  const removed: string[] = [];
  for (const { config, state } of listContainers(root)) {
    if (state.status === 'running') continue;
    removeContainer(root, config.id, config.name);
    removed.push(config.id);
  }
  return removed;
}

export interface StartOptions {
  /** -a: attach stdout/stderr and wait for the end (the exit code is the container's). */
  attach: boolean;
  /** -i: attach stdin. */
  interactive: boolean;
  signal?: AbortSignal;
}

/** docker start: runs a stopped container's command again, over its existing writable layer. */
export async function startContainer(root: string, ref: string, options: StartOptions): Promise<LaunchOutcome | undefined> {
  const { config, state } = findContainer(root, ref);
  if (state.status === 'running') return undefined;
  if (!options.attach) {
    try {
      await startDetached(root, config.id);
    } catch (error) {
      // Another `start` won the race: the container runs, which is what was asked (Docker: no-op).
      if (!isMyDockerError(error) || error.code !== 'ERR_CONTAINER_OWNED') throw error;
    }
    return undefined;
  }
  return superviseContainer(root, config.id, { stdin: options.interactive ? 'inherit' : 'ignore', logged: false, ...(options.signal && { signal: options.signal }) });
}
