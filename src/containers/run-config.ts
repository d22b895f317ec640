/**
 * What docker run's flags change in a container (everything but lifecycle flags), and how they
 * turn the image config and the base RuntimeSpec into the final one. Policy lives here; the
 * launcher only applies the result.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { posix } from 'node:path';
import type { Resources } from '../cgroups/index.js';
import { MyDockerError } from '../errors.js';
import type { ImageConfig } from '../oci/index.js';
import { availableCapabilities, resolveCapabilities, type Mount, type RuntimeSpec } from '../runtime/index.js';
import { DOCKER_MASKED_PATHS, DOCKER_READONLY_PATHS } from '../runtime/linux-defaults.js';
import type { ExtraHost } from '../runtime/etc-files.js';

export type PullPolicy = 'always' | 'missing' | 'never';
export type NetworkMode = 'host' | 'none';

export interface RunConfig {
  /** -e/--env-file, already resolved: KEY=VAL set, a bare KEY unsets (the host had no value), in order over the image's Env. */
  env?: string[];
  /** -w: absolute path. */
  workdir?: string;
  /** -u: name|uid[:group|gid]. */
  user?: string;
  /** --entrypoint: replaces the image's Entrypoint and drops its Cmd; '' clears it. */
  entrypoint?: string;
  /** -h. */
  hostname?: string;
  /** --name, for /etc/hosts. */
  name?: string;
  /** -v, --mount, --tmpfs, parsed (runtime/mounts-from-flags). */
  mounts?: Mount[];
  readOnly?: boolean;
  network?: NetworkMode;
  resources?: Resources;
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  noNewPrivileges?: boolean;
  extraHosts?: ExtraHost[];
  dns?: string[];
  pull?: PullPolicy;
}

/** -w must be absolute (Docker's message); `..` cannot climb above the root. */
export function checkWorkdir(dir: string): string {
  if (!dir.startsWith('/')) {
    throw new MyDockerError('usage', 'ERR_BAD_WORKDIR', `the working directory '${dir}' is invalid, it needs to be an absolute path`, {
      hint: "See 'mydocker run --help'.",
    });
  }
  return posix.normalize(dir);
}

/** moby's ReplaceOrAppendEnvValues: KEY=VAL replaces or appends; a bare KEY removes the variable. */
export function mergeEnv(image: readonly string[], overrides: readonly string[]): string[] {
  let env = [...image];
  for (const entry of overrides) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    const at = env.findIndex((e) => e === key || e.startsWith(`${key}=`));
    if (eq < 0) env = env.filter((e) => !(e === key || e.startsWith(`${key}=`)));
    else if (at >= 0) env[at] = entry;
    else env.push(entry);
  }
  return env;
}

/** The image config as the flags amend it (docker's merge of user and image config). */
export function amendImageConfig(image: ImageConfig, c: RunConfig, command: readonly string[]): ImageConfig {
  const config = { ...image.config };
  if (c.entrypoint !== undefined) {
    // Docker: a user Entrypoint drops the image's Cmd; '' resets the Entrypoint itself.
    config.Entrypoint = c.entrypoint === '' ? [] : [c.entrypoint];
    config.Cmd = [...command];
  }
  if (c.workdir !== undefined) config.WorkingDir = c.workdir;
  if (c.user !== undefined) config.User = c.user;
  if (c.env && c.env.length > 0) config.Env = mergeEnv(config.Env ?? [], c.env);
  return { ...image, config };
}

/** Host char and block devices directly under /dev, bound into a --privileged container. */
function hostDevices(): Mount[] {
  let names: string[];
  try {
    names = readdirSync('/dev');
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      const st = lstatSync(`/dev/${name}`);
      if (!st.isCharacterDevice() && !st.isBlockDevice()) return [];
    } catch {
      return [];
    }
    if (name === 'console' || name === 'ptmx' || name === 'tty') return [];
    return [{ destination: `/dev/${name}`, type: 'bind', source: `/dev/${name}`, options: ['bind'] }];
  });
}

/** The resolved set, limited to what mydocker holds itself. */
function capabilities(c: RunConfig): string[] {
  const held = availableCapabilities();
  const wanted = resolveCapabilities({ ...(c.capAdd && { capAdd: c.capAdd }), ...(c.capDrop && { capDrop: c.capDrop }), privileged: c.privileged === true });
  return wanted.filter((cap) => held.has(cap));
}

export interface ConfineInputs {
  /** /etc/hostname, hosts, resolv.conf binds. */
  etcMounts: Mount[];
  /** cgroup.procs files to join; empty when the host has no usable cgroups. */
  cgroupProcs: string[];
  /** The container gets its own cgroup when it starts (its cgroup.procs files are added then). */
  ownCgroup?: boolean;
  /** /sys/fs/cgroup for the container (only with its own cgroup namespace). */
  cgroupMounts?: Mount[];
}

/**
 * Docker's default confinement plus the flags: capabilities, masked and read-only paths, cgroup
 * and network namespaces, the user's mounts, a read-only root, no_new_privs.
 */
export function confineSpec(spec: RuntimeSpec, c: RunConfig, inputs: ConfineInputs): RuntimeSpec {
  const privileged = c.privileged === true;
  const userTargets = new Set((c.mounts ?? []).map((m) => m.destination));
  let mounts = [...spec.mounts];
  if (privileged) {
    // /sys read-write, and the host's devices, as docker run --privileged.
    mounts = mounts.map((m) => (m.destination === '/sys' ? { ...m, options: m.options.filter((o) => o !== 'ro') } : m));
    const have = new Set(mounts.map((m) => m.destination));
    mounts.push(...hostDevices().filter((d) => !have.has(d.destination)));
  }
  if (inputs.cgroupProcs.length > 0 || inputs.ownCgroup === true) mounts.push(...(inputs.cgroupMounts ?? []).map((m) => (privileged ? { ...m, options: m.options.filter((o) => o !== 'ro') } : m)));
  mounts.push(...inputs.etcMounts.filter((m) => !userTargets.has(m.destination)), ...(c.mounts ?? []));
  const namespaces = [...spec.linux.namespaces];
  if (inputs.cgroupProcs.length > 0 || inputs.ownCgroup === true) namespaces.push({ type: 'cgroup' });
  if (c.network === 'none') namespaces.push({ type: 'network' });
  return {
    ...spec,
    process: {
      ...spec.process,
      capabilities: { bounding: capabilities(c) },
      ...(c.noNewPrivileges === true && { noNewPrivileges: true }),
    },
    root: { ...spec.root, readonly: c.readOnly === true },
    mounts,
    linux: {
      ...spec.linux,
      namespaces,
      maskedPaths: privileged ? [] : [...DOCKER_MASKED_PATHS],
      readonlyPaths: privileged ? [] : [...DOCKER_READONLY_PATHS],
      cgroupProcs: inputs.cgroupProcs,
      ...(c.network === 'none' && { loopbackUp: true }),
    },
  };
}
