/** Writing a container's record: creation (config, spec, name) and its state transitions. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LaunchOutcome } from '../launcher/index.js';
import type { RuntimeSpec } from '../runtime/index.js';
import { removeContainerDirs, type ContainerDirs } from './container-dirs.js';
import { generateName, reserveName } from './names.js';
import { containerDir, newState, ownStartTime, readState, writeConfig, writeState, type ContainerConfig } from './state.js';

export interface CreateRequest {
  /** --name; generated when absent. */
  name?: string;
  image: string;
  imageId?: string;
  spec: RuntimeSpec;
  /** The user as given in the image or -u ("" = root). */
  user: string;
  autoRemove: boolean;
  openStdin: boolean;
  /**
   * Called once when the name is taken, before giving up: it may free the name (by removing the
   * orphaned --rm container of a killed run that holds it); the name is then tried again.
   */
  freeName?: () => void;
}

/**
 * Records a new container in its (already created) directory: spec.json (so `start` can run it
 * again), config.json, state.json ("created", owned by this process), then its name. On a name
 * conflict the directory is removed and the conflict thrown.
 */
export function createRecord(root: string, dirs: ContainerDirs, request: CreateRequest): ContainerConfig {
  const { spec } = request;
  const config: ContainerConfig = {
    id: dirs.id,
    name: request.name ?? generateName(),
    image: request.image,
    ...(request.imageId !== undefined && { imageId: request.imageId }),
    args: spec.process.args,
    env: spec.process.env,
    workingDir: spec.process.cwd,
    user: request.user,
    hostname: spec.hostname,
    created: new Date().toISOString(),
    autoRemove: request.autoRemove,
    tty: spec.process.terminal === true,
    openStdin: request.openStdin,
    init: spec.init === true,
  };
  writeFileSync(join(dirs.dir, 'spec.json'), `${JSON.stringify(spec)}\n`, { mode: 0o600 });
  writeConfig(root, config);
  writeState(root, dirs.id, { ...newState(), ownerPid: process.pid, ownerStart: ownStartTime() });
  for (let attempt = 0; ; attempt++) {
    try {
      reserveName(root, config.name, dirs.id);
      return config;
    } catch (error) {
      // A generated name that happens to be taken: draw another (Docker retries the same way).
      if (request.name === undefined && attempt < 10) {
        config.name = generateName();
        writeConfig(root, config);
        continue;
      }
      if (request.name !== undefined && attempt === 0 && request.freeName) {
        request.freeName();
        continue;
      }
      removeContainerDirs(dirs);
      throw error;
    }
  }
}

/** The spec a container was created with. */
export function readSpec(root: string, id: string): RuntimeSpec {
  return JSON.parse(readFileSync(join(containerDir(root, id), 'spec.json'), 'utf8')) as RuntimeSpec;
}

/** This process now owns the container (waits for it and records its end). */
export function markStarting(root: string, id: string): void {
  const state = readState(root, id) ?? newState();
  const ownerStart = ownStartTime();
  // A foreground run created the record as its owner already: one write fewer on every run.
  if (state.ownerPid === process.pid && state.ownerStart === ownerStart) return;
  writeState(root, id, { ...state, ownerPid: process.pid, ownerStart });
}

export function markRunning(root: string, id: string, pid: number): void {
  const state = readState(root, id) ?? newState();
  writeState(root, id, {
    ...state,
    status: 'running',
    pid,
    ownerPid: process.pid,
    ownerStart: ownStartTime(),
    startedAt: new Date().toISOString(),
    exitCode: 0,
  });
}

/** Exit code of an outcome, as Docker reports it (128+N for signal N). */
export function exitCodeOf(outcome: LaunchOutcome): number {
  return outcome.kind === 'exited' ? outcome.code : 128 + outcome.signal;
}

/** The container ended (or could not start: then it stays "created", as Docker's). */
export function markExited(root: string, id: string, exitCode: number, error?: string): void {
  const state = readState(root, id) ?? newState();
  writeState(root, id, {
    ...state,
    // A command that never ran leaves the container "created" (with the failure's code), as Docker.
    status: error !== undefined ? 'created' : 'exited',
    pid: 0,
    exitCode,
    finishedAt: new Date().toISOString(),
    ...(error !== undefined && { error }),
  });
}
