import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../config/index.js';
import { findLocalImage, type LocalImage } from '../images/index.js';
import { launch, type LaunchOutcome } from '../launcher/index.js';
import type { Platform } from '../oci/index.js';
import type { PullEvent } from '../pull/index.js';
import { familiarName, parseReference, type Reference } from '../reference/index.js';
import { buildSpec, resolveUser, type Mount } from '../runtime/index.js';
import { RootfsStore } from '../snapshots/index.js';
import { createContainerDirs, newContainerId, removeContainerDirs, removeOrphanedContainers, type ContainerDirs } from './container-dirs.js';
import { isImageDirectory, readImageFile } from './safe-read.js';
import { cgroupMounts, cgroupProcsFiles, createContainerCgroup, detectHierarchy, oomKilled, removeContainerCgroup, removeOrphanedCgroups, type ContainerCgroup } from '../cgroups/index.js';
import { writeEtcFiles } from '../runtime/etc-files.js';
import { amendImageConfig, confineSpec, type RunConfig } from './run-config.js';
import { MyDockerError } from '../errors.js';

export type RunEvent =
  | { type: 'image-not-found-locally'; reference: Reference }
  | { type: 'container-created'; id: string }
  /** The OOM killer killed a process of the container; `mainProcess`: its init (exit 137). */
  | { type: 'out-of-memory'; id: string; mainProcess: boolean }
  | { type: 'warning'; message: string }
  | PullEvent;

export interface RunOptions {
  settings: Settings;
  /** COMMAND [ARG...]; empty means the image's Cmd. */
  command: string[];
  /** -i: pass stdin through. */
  interactive: boolean;
  platform?: Platform;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** docker run's container flags (env, mounts, limits, capabilities, …). */
  config?: RunConfig;
}

export interface RunResult {
  id: string;
  outcome: LaunchOutcome;
  /** The kernel's OOM killer killed a process of the container (its memory limit was hit). */
  oomKilled?: boolean;
}

/** The local image, pulled first when missing (docker run's default --pull missing). */
async function ensureImage(ref: Reference, options: RunOptions): Promise<LocalImage> {
  const policy = options.config?.pull ?? 'missing';
  const local = policy === 'always' ? undefined : findLocalImage(ref, options.settings, options.platform);
  if (local) return local;
  if (policy === 'never') {
    throw new MyDockerError('not-found', 'ERR_NO_SUCH_IMAGE', `No such image: ${familiarName(ref)}`, {
      hint: 'Pull it first (mydocker pull), or run with --pull missing.',
    });
  }
  if (policy !== 'always') options.onEvent?.({ type: 'image-not-found-locally', reference: ref });
  // Loaded only now: a run of a local image never loads the registry client, tar or zstd code.
  const { pull } = await import('../pull/index.js');
  const result = await pull(ref, { settings: options.settings, ...(options.platform && { platform: options.platform }), ...(options.signal && { signal: options.signal }), ...(options.onEvent && { onEvent: options.onEvent }) });
  return result.image;
}

function overlayRoot(lower: string, dirs: ContainerDirs): Mount {
  return { destination: '/', type: 'overlay', source: 'overlay', options: [`lowerdir=${lower}`, `upperdir=${dirs.upper}`, `workdir=${dirs.work}`] };
}

/**
 * The container's cgroup with its limits. Without limits asked for, a host whose cgroups mydocker
 * cannot use only costs the cgroup namespace; with limits, that is an error.
 */
function createCgroup(hierarchy: ReturnType<typeof detectHierarchy>, id: string, config: RunConfig, options: RunOptions): ContainerCgroup | undefined {
  const resources = config.resources ?? {};
  const limited = Object.values(resources).some((v) => v !== undefined);
  if (!hierarchy) {
    if (!limited) return undefined;
    throw new MyDockerError('unsupported', 'ERR_NO_CGROUPS', 'cannot apply resource limits: no cgroup filesystem is mounted', {
      hint: 'Mount cgroup2 at /sys/fs/cgroup (or the v1 controllers), or run without --memory/--cpus/--pids-limit.',
    });
  }
  const warn = (): void => options.onEvent?.({ type: 'warning', message: 'Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.' });
  try {
    return createContainerCgroup(hierarchy, id, resources, warn);
  } catch (error) {
    if (limited) throw error;
    return undefined;
  }
}

/**
 * docker run: finds or pulls the image, gives the container a fresh writable layer over the
 * image's root, launches the command isolated, and removes the writable layer when it exits.
 */
export async function run(image: string, options: RunOptions): Promise<RunResult> {
  const ref = parseReference(image);
  const local = await ensureImage(ref, options);
  const { root } = options.settings;
  const lower = new RootfsStore(root).path(local.chainId);
  const config = options.config ?? {};
  const imageConfig = amendImageConfig(local.config, config, options.command);
  const user = resolveUser(imageConfig.config.User ?? '', readImageFile(lower, '/etc/passwd'), readImageFile(lower, '/etc/group'));
  const hierarchy = detectHierarchy();
  if (hierarchy) removeOrphanedCgroups(hierarchy);

  removeOrphanedContainers(root);
  const id = newContainerId();
  const dirs = createContainerDirs(root, id);
  options.onEvent?.({ type: 'container-created', id });
  let cgroup: ContainerCgroup | undefined;
  try {
    const workingDir = imageConfig.config.WorkingDir;
    // docker run creates a missing WorkingDir; in the writable layer, so the image is untouched.
    if (workingDir && !isImageDirectory(lower, workingDir)) mkdirSync(join(dirs.upper, workingDir), { recursive: true, mode: 0o755 });
    const hostname = config.hostname ?? id.slice(0, 12);
    const command = config.entrypoint !== undefined ? [] : options.command;
    const base = buildSpec(imageConfig, { command, hostname, user, rootPath: dirs.rootfs, rootMount: overlayRoot(lower, dirs) });
    const etcMounts = writeEtcFiles(dirs.dir, { hostname, ...(config.name !== undefined && { name: config.name }), extraHosts: config.extraHosts ?? [], dns: config.dns ?? [], network: config.network ?? 'host' });
    cgroup = createCgroup(hierarchy, id, config, options);
    const spec = confineSpec(base, config, { etcMounts, cgroupProcs: cgroup ? cgroupProcsFiles(cgroup) : [], ...(hierarchy && { cgroupMounts: cgroupMounts(hierarchy) }) });
    const outcome = await launch(spec, { stdin: options.interactive ? 'inherit' : 'ignore', ...(options.signal && { signal: options.signal }) });
    const oom = cgroup !== undefined && oomKilled(cgroup);
    if (oom) options.onEvent?.({ type: 'out-of-memory', id, mainProcess: outcome.kind === 'signaled' && outcome.signal === 9 });
    return { id, outcome, ...(oom && { oomKilled: true }) };
  } finally {
    if (cgroup) await removeContainerCgroup(cgroup);
    removeContainerDirs(dirs);
  }
}
