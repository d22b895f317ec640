/**
 * A container's record under MYDOCKER_ROOT/containers/<id>/: config.json (what it is, written once)
 * and state.json (how it is, rewritten atomically at each transition). A "running" state is only
 * believed while its owner (the mydocker or supervisor process that waits for the launcher) is
 * alive with the same start time: a killed owner takes the container with it (PDEATHSIG), so the
 * record is corrected to "exited" by whoever reads it next.
 */
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode, MyDockerError } from '../errors.js';
import { nameOwner } from './names.js';
import { randomHex } from '../util/index.js';

/** What the container is: fixed at creation. */
export interface ContainerConfig {
  id: string;
  name: string;
  /** The image as the user named it. */
  image: string;
  /** The image's config digest ("sha256:..."), when known. */
  imageId?: string;
  /** The full argv (entrypoint + command). */
  args: string[];
  env: string[];
  workingDir: string;
  user: string;
  hostname: string;
  created: string;
  autoRemove: boolean;
  tty: boolean;
  openStdin: boolean;
  init: boolean;
}

export type ContainerStatus = 'created' | 'running' | 'exited';

/** How the container is now. */
export interface ContainerState {
  status: ContainerStatus;
  /** Host pid of the container's init while running (0 otherwise). */
  pid: number;
  /** The process that waits for the container and records its end, and its start time. */
  ownerPid: number;
  ownerStart: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  /** Set when the state was corrected because its owner died. */
  error?: string;
}

/** A zero time, as Docker prints for "never". */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function containerDir(root: string, id: string): string {
  return join(root, 'containers', id);
}

let ownStart: string | undefined;

/** This process's start time (see processStartTime), read once: every state write records it. */
export function ownStartTime(): string {
  ownStart ??= processStartTime(process.pid) ?? '';
  return ownStart;
}

/** A process's start time (clock ticks since boot, /proc/<pid>/stat field 22): tells pid reuse apart. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and parentheses: fields after the last ')' are safe.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether this exact process (pid + start time) is still there and not a zombie. */
export function isSameProcess(pid: number, start: string): boolean {
  if (pid <= 0 || start === '') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // A killed supervisor whose parent does not reap it stays a zombie: dead all the same.
    return fields[0] !== 'Z' && fields[0] !== 'X' && fields[19] === start;
  } catch {
    return false;
  }
}

/**
 * Atomic replace of a file in an existing container directory. Unlike writeFileAtomic it never
 * creates the directory: a container removed meanwhile stays removed. False when it is gone.
 */
function replaceFile(dir: string, file: string, data: string): boolean {
  const temp = join(dir, `.${file}.${process.pid}-${randomHex(4)}`);
  try {
    writeFileSync(temp, data, { mode: 0o644 });
    renameSync(temp, join(dir, file));
    return true;
  } catch (error) {
    rmSync(temp, { force: true });
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}

export function writeConfig(root: string, config: ContainerConfig): void {
  replaceFile(containerDir(root, config.id), 'config.json', `${JSON.stringify(config, null, 2)}\n`);
}

export function writeState(root: string, id: string, state: ContainerState): boolean {
  return replaceFile(containerDir(root, id), 'state.json', `${JSON.stringify(state)}\n`);
}

export function readConfig(root: string, id: string): ContainerConfig | undefined {
  try {
    return JSON.parse(readFileSync(join(containerDir(root, id), 'config.json'), 'utf8')) as ContainerConfig;
  } catch {
    return undefined;
  }
}

export function newState(): ContainerState {
  return { status: 'created', pid: 0, ownerPid: 0, ownerStart: '', startedAt: ZERO_TIME, finishedAt: ZERO_TIME, exitCode: 0 };
}

/** The recorded state, corrected (and persisted) when it claims "running" but its owner is dead. */
export function readState(root: string, id: string): ContainerState | undefined {
  let state: ContainerState;
  try {
    state = JSON.parse(readFileSync(join(containerDir(root, id), 'state.json'), 'utf8')) as ContainerState;
  } catch {
    return undefined;
  }
  if (state.status === 'running' && !isSameProcess(state.ownerPid, state.ownerStart)) {
    // The owner's death killed the launcher and the container (PDEATHSIG SIGKILL): 137, as Docker
    // reports a container that was killed.
    state = { ...state, status: 'exited', pid: 0, exitCode: 137, finishedAt: new Date().toISOString(), error: 'the process that supervised the container died' };
    writeState(root, id, state);
  }
  return state;
}

/** The container's config and state together. */
export interface ContainerRecord {
  config: ContainerConfig;
  state: ContainerState;
}

const ID = /^[0-9a-f]{64}$/;

/** Every container with a readable record, newest first. */
export function listContainers(root: string): ContainerRecord[] {
  let entries: string[];
  try {
    entries = readdirSync(join(root, 'containers'));
  } catch {
    return [];
  }
  const records: ContainerRecord[] = [];
  for (const id of entries) {
    if (!ID.test(id)) continue;
    const config = readConfig(root, id);
    const state = config && readState(root, id);
    if (config && state) records.push({ config, state });
  }
  return records.sort((a, b) => b.config.created.localeCompare(a.config.created));
}

/** Docker's "No such container" (exit 1: a daemon-side refusal, not a CLI failure). */
export function noSuchContainer(ref: string): MyDockerError {
  return new MyDockerError('not-found', 'ERR_NO_SUCH_CONTAINER', `No such container: ${ref}`);
}

/** Finds a container by full id, name, or unique id prefix, as Docker does. */
export function findContainer(root: string, ref: string): ContainerRecord {
  const byName = nameOwner(root, ref.replace(/^\//, ''));
  const candidates = ID.test(ref) ? [ref] : [];
  if (byName !== undefined) candidates.unshift(byName);
  for (const id of candidates) {
    const config = readConfig(root, id);
    const state = config && readState(root, id);
    if (config && state) return { config, state };
  }
  if (/^[0-9a-f]{1,63}$/.test(ref)) {
    const matches = listContainers(root).filter((r) => r.config.id.startsWith(ref));
    if (matches.length === 1 && matches[0]) return matches[0];
    if (matches.length > 1) throw new MyDockerError('usage', 'ERR_AMBIGUOUS_CONTAINER', `multiple IDs found with provided prefix: ${ref}`);
  }
  throw noSuchContainer(ref);
}
