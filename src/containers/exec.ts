/** docker exec: a new process in a running container's namespaces, with its env and user. */
import { launchEncoded, encodeExecSpec, type LaunchOutcome } from '../launcher/index.js';
import { MyDockerError } from '../errors.js';
import { resolveUser } from '../runtime/index.js';
import { cgroupProcsOf } from './join-cgroups.js';
import { readSpec } from './record.js';
import { readImageFile } from './safe-read.js';
import { findContainer } from './state.js';

export interface ExecOptions {
  command: string[];
  /** -e KEY=VALUE (or KEY: the host's value), added to the container's environment. */
  env: string[];
  /** -w: working directory inside the container (default: the container's). */
  workdir?: string;
  /** -u: user[:group] (default: the container's). */
  user?: string;
  interactive: boolean;
  tty: boolean;
  signal?: AbortSignal;
}

/** The container's environment with -e entries applied (a bare KEY takes the host's value). */
export function mergeEnv(base: string[], extra: string[]): string[] {
  const env = new Map(base.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  for (const entry of extra) {
    const eq = entry.indexOf('=');
    if (eq === 0) throw new MyDockerError('usage', 'ERR_BAD_ENV', `invalid environment variable: ${entry}`);
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
    else if (process.env[entry] !== undefined) env.set(entry, process.env[entry] ?? '');
  }
  return [...env].map(([k, v]) => `${k}=${v}`);
}

export async function execInContainer(root: string, ref: string, options: ExecOptions): Promise<LaunchOutcome> {
  const { config, state } = findContainer(root, ref);
  if (state.status !== 'running' || state.pid <= 0) {
    throw new MyDockerError('usage', 'ERR_CONTAINER_NOT_RUNNING', `container ${config.id} is not running`);
  }
  if (options.command.length === 0) throw new MyDockerError('usage', 'ERR_USAGE', 'exec requires at least 2 arguments');
  const spec = readSpec(root, config.id);
  let { uid, gid, additionalGids } = spec.process.user;
  if (options.user !== undefined) {
    // The container's own /etc/passwd and /etc/group, read through its root without following links.
    const rootfs = `/proc/${state.pid}/root`;
    ({ uid, gid, additionalGids } = resolveUser(options.user, readImageFile(rootfs, '/etc/passwd'), readImageFile(rootfs, '/etc/group')));
  }
  const workdir = options.workdir ?? spec.process.cwd;
  const bytes = encodeExecSpec({
    pid: state.pid,
    args: options.command,
    env: mergeEnv(spec.process.env, options.env),
    cwd: workdir.startsWith('/') ? workdir : `/${workdir}`,
    uid,
    gid,
    additionalGids,
    terminal: options.tty,
    cgroupProcs: cgroupProcsOf(state.pid),
  });
  return launchEncoded(bytes, options.command[0] ?? '', {
    stdin: options.interactive ? 'inherit' : 'ignore',
    terminal: options.tty,
    ...(options.signal && { signal: options.signal }),
  });
}
